import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from './removal';

export interface EventLogProps {
  /** The key that encrypts the log group. */
  readonly key: kms.IKey;
  /** How long the events are kept. */
  readonly retention: logs.RetentionDays;
  /** `destroy`: the log group goes with the stack. */
  readonly removal: RemovalMode;
}

/**
 * A KMS-encrypted log group that EventBridge rules write their events to, so that metric filters
 * can count them: how an event AWS publishes only to EventBridge (a Glue job run ending, a
 * monitoring run finding violations) becomes a CloudWatch metric to graph and alarm on. The log
 * also keeps each event whole, for reading what happened.
 */
export class EventLog extends Construct {
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EventLogProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Resource', {
      encryptionKey: props.key,
      retention: props.retention,
      removalPolicy: removalPolicyOf(props.removal),
    });
    // EventBridge may write to the log group (the resource policy the CDK's CloudWatchLogGroup target
    // would install through a custom resource, declared here as the native resource it is).
    new logs.ResourcePolicy(this, 'EventsMayWrite', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [
            new iam.ServicePrincipal('events.amazonaws.com'),
            new iam.ServicePrincipal('delivery.logs.amazonaws.com'),
          ],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
      ],
    });
  }

  /** A rule that writes every event matching `eventPattern` to this log. */
  record(id: string, props: { readonly description: string; readonly eventPattern: events.EventPattern }): events.Rule {
    const toLog: events.IRuleTarget = { bind: () => ({ arn: this.logGroup.logGroupArn }) };
    return new events.Rule(this, id, { ...props, targets: [toLog] });
  }
}
