import { Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RemovalMode } from '../config';
import { MONITORING_DETAIL_TYPES, MONITORING_EVENT_SOURCE } from '../contracts/monitoring-events';
import { PipelineFunction } from '../shared/pipeline-function';

/** The `source` and `detail-type` of a CloudWatch alarm's state change (CloudWatch user guide, "Alarm events and EventBridge"). */
const ALARM_STATE_CHANGE = { source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change' } as const;

export interface RetrainingGuardProps {
  /** The ETL workflow (curate, then features) a retraining run starts; it must allow one run at a time. */
  readonly workflow: glue.IWorkflow;
  /** The training pipeline, which the features job's success starts: its executions count as runs. */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * The live model-quality alarms whose going to ALARM asks for a retraining run.
   * @default - none: only acting drift verdicts ask
   */
  readonly qualityAlarms?: readonly cloudwatch.IAlarm[];
  /**
   * Whether a retraining run may be started (`retraining.enabled`). Off, the rules and the function
   * stay, and every trigger is reported as `skipped-disabled` on the dashboard; the function may
   * then not start the workflow at all (no `glue:StartWorkflowRun` in its role).
   */
  readonly enabled: boolean;
  /** The least time between the starts of two runs (`retraining.minimumPeriodHours`), from 1 hour to 365 days. */
  readonly minimumPeriod: Duration;
  /** The key that encrypts the function's log group. */
  readonly key: kms.IKey;
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** `destroy`: the log group goes with the stack. */
  readonly removal: RemovalMode;
}

/**
 * Guarded retraining: an acting `Drift verdict` of the drift monitor, or a model-quality alarm going
 * to ALARM, invokes `lambda/retraining-guard/`, which starts the ETL workflow (curate, then
 * features; the features job's success starts the training pipeline by the Training stack's rule)
 * unless retraining is off, a run is in progress (the workflow or the pipeline), or a run started
 * within the minimum period. Either way it puts a `Retraining decision` event with its reason,
 * which the dashboard lists.
 *
 * No table of its own: the workflow's and the pipeline's run histories (GetWorkflowRuns,
 * ListExecutions) are the record of what started when. Two triggers at once are safe because the
 * workflow allows one run at a time: the second StartWorkflowRun is refused with
 * ConcurrentRunsExceededException, which the function reports as in progress.
 */
export class RetrainingGuard extends Construct {
  readonly function: PipelineFunction;
  /** The rule on acting drift verdicts. */
  readonly driftRule: events.Rule;
  /**
   * The rule on the quality alarms going to ALARM.
   * @default - undefined when there are no quality alarms
   */
  readonly alarmRule?: events.Rule;

  constructor(scope: Construct, id: string, props: RetrainingGuardProps) {
    super(scope, id);
    const hours = props.minimumPeriod.toHours({ integral: false });
    if (!Number.isInteger(hours) || hours < 1 || hours > 8760) {
      throw new Error(
        `minimumPeriod is ${props.minimumPeriod.toHumanString()}; expected whole hours from 1 hour to 8760 hours (365 days)`,
      );
    }

    this.function = new PipelineFunction(this, 'Function', {
      folder: 'retraining-guard',
      description: props.enabled
        ? `Starts a retraining run on an acting drift verdict or a quality alarm, at most once per ${hours} h and never during one`
        : 'Reports that retraining is off when a drift verdict acts or a quality alarm fires (retraining.enabled: false)',
      environment: {
        ENABLED: String(props.enabled),
        MINIMUM_PERIOD_HOURS: String(hours),
        WORKFLOW_NAME: props.workflow.workflowName,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      },
      logKey: props.key,
      logRetention: props.logRetention,
      removal: props.removal,
      use: {
        failureHandling:
          'EventBridge invokes the retraining guard asynchronously and Lambda retries a failed invocation twice; a lost trigger needs no dead-letter queue, as the next monitoring window’s verdict or the alarm asks again, and its decision is on the dashboard either way.',
        invocationsPer: 'acting drift verdict or quality alarm (a few a day at most)',
      },
    });
    this.function.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1) });

    const role = this.function.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadWorkflowRuns',
        actions: ['glue:GetWorkflowRuns', ...(props.enabled ? ['glue:StartWorkflowRun'] : [])],
        resources: [props.workflow.workflowArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPipelineRuns',
        actions: ['states:ListExecutions'],
        resources: [props.stateMachine.stateMachineArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutDecisions',
        actions: ['events:PutEvents'],
        resources: [Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      }),
    );

    const target = () =>
      new targets.LambdaFunction(this.function.function, { retryAttempts: 4, maxEventAge: Duration.hours(1) });
    this.driftRule = new events.Rule(this, 'DriftActs', {
      description: 'The drift monitor’s verdict is act: ask the retraining guard',
      eventPattern: {
        source: [MONITORING_EVENT_SOURCE],
        detailType: [MONITORING_DETAIL_TYPES.driftVerdict],
        detail: { verdict: ['act'] },
      },
      targets: [target()],
    });
    const alarms = props.qualityAlarms ?? [];
    if (alarms.length > 0) {
      this.alarmRule = new events.Rule(this, 'QualityAlarms', {
        description: 'A live model-quality alarm went to ALARM: ask the retraining guard',
        eventPattern: {
          source: [ALARM_STATE_CHANGE.source],
          detailType: [ALARM_STATE_CHANGE.detailType],
          resources: alarms.map((alarm) => alarm.alarmArn),
          detail: { state: { value: ['ALARM'] } },
        },
        targets: [target()],
      });
    }
  }
}
