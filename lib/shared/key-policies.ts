import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IConstruct } from 'constructs';

/**
 * Lets CloudWatch Logs in the key's region encrypt log groups of the key's account with it.
 * A log group can only name a KMS key whose policy allows this; the encryption-context
 * condition keeps the service from using the key for anything but this account's log groups.
 */
export function allowCloudWatchLogsToEncrypt(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsToEncryptLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': Stack.of(key).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

/**
 * Lets EventBridge deliver to SNS topics (and SQS dead-letter queues) encrypted with the key:
 * publishing to an encrypted topic needs a data key, which EventBridge can only get if the key
 * policy allows it.
 *
 * No `aws:SourceAccount` or `aws:SourceArn` condition: the SNS developer guide says adding them
 * to a KMS key policy "is not supported for EventBridge-to-encrypted topics"
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * so such a condition silently drops every delivery. What bounds the statement instead: the two
 * actions only make and open data keys, and EventBridge uses them only for targets of this
 * account's rules that are encrypted with this key.
 */
export function allowEventBridgeToUseForTopics(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowEventBridgeToPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }),
  );
}

/**
 * Lets CloudWatch alarms of the key's account and region publish to SNS topics encrypted with the
 * key. Without it an alarm's action fails and nobody is told (SNS developer guide, "Enable
 * compatibility between event sources from AWS services and encrypted topics":
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * `aws:SourceAccount` and `aws:SourceArn`, which CloudWatch sends, keep another account's alarms
 * (the confused deputy) from using the key.
 */
export function allowCloudWatchAlarmsToUseForTopics(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: fromAlarmsOfThisAccount(key),
    }),
  );
}

/**
 * The condition that a request comes from a CloudWatch alarm of this account and region: the
 * `aws:SourceAccount` and `aws:SourceArn` that CloudWatch sends when an alarm acts.
 */
export function fromAlarmsOfThisAccount(scope: IConstruct): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: {
      'aws:SourceArn': Stack.of(scope).formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: '*',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    },
  };
}

/**
 * Denies `kms:CreateGrant` on the key to every principal unless an AWS service asks for the grant
 * on a resource it manages for the caller (a SageMaker endpoint's volume, say) or is itself the
 * caller: a grant is a second, quieter route to the key that IAM policies do not show, so nobody
 * may hand one out by hand. Every grant this project needs is made through a service (see
 * SageMakerJobRole and ModelDeployer, whose IAM statements also require
 * `kms:GrantIsForAWSResource`). The statement is Control Tower's CT.KMS.PR.3.
 */
export function denyGrantsExceptThroughAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsExceptThroughAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}
