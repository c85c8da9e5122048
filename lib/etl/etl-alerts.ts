import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface EtlAlertsProps {
  /** The events that mean a job failed. */
  readonly failures: events.EventPattern;
  /** The key that encrypts the topic. */
  readonly key: kms.IKey;
}

/**
 * The visible signal of a failed ETL run: an EventBridge rule on Glue's job state changes that
 * publishes to an encrypted SNS topic. Subscribe an e-mail address or a chat integration to it;
 * the observability stage adds its alarms to the same kind of topic.
 */
export class EtlAlerts extends Construct {
  readonly topic: sns.Topic;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: EtlAlertsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'ml-lifecycle-cdk ETL failures',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.rule = new events.Rule(this, 'JobFailed', {
      description: 'A curate or features job run failed, timed out or was stopped',
      eventPattern: props.failures,
      targets: [new targets.SnsTopic(this.topic)],
    });
  }
}
