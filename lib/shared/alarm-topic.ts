import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { fromAlarmsOfThisAccount } from './key-policies';

export interface AlarmTopicProps {
  /** What the topic's messages are about, shown as the sender of its e-mails. */
  readonly displayName: string;
  /**
   * The key that encrypts the topic. Its policy must let `cloudwatch.amazonaws.com` make data keys
   * (see `allowCloudWatchAlarmsToUseForTopics`), or alarms publish nothing.
   */
  readonly key: kms.IKey;
}

/**
 * An SNS topic for CloudWatch alarm actions: KMS-encrypted, TLS only, and open to the alarms of
 * this account and region.
 *
 * The last part is needed because of the first two: a topic created without a policy gets one
 * that lets its own account's services publish, but `enforceSSL` gives it a policy of ours
 * instead, and an AWS service publishes as its service principal, which only a resource policy
 * can allow: without it the alarm's history shows "... is not authorized to perform: SNS:Publish"
 * and nobody is told (AWS Knowledge Center,
 * https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). `aws:SourceAccount`
 * and `aws:SourceArn` keep another account's alarms (the confused deputy) out.
 */
export class AlarmTopic extends sns.Topic {
  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id, { displayName: props.displayName, masterKey: props.key, enforceSSL: true });
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topicArn],
        conditions: fromAlarmsOfThisAccount(this),
      }),
    );
  }
}
