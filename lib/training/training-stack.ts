import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { RULES, acknowledgeFindings } from '../shared/compliance';
import type { StageConfig, StageName } from '../config';
import { ModelRegistry } from './model-registry';
import { TrainingPipeline } from './training-pipeline';
import { businessCaseValues } from '../contracts/business-case';
import { ARTIFACT_PREFIXES } from '../contracts/lake-layout';
import { SageMakerImages } from '../shared/sagemaker-images';
import { defaultPolicyOf } from '../shared/cdk-internals';

export interface TrainingStackProps extends StackProps {
  /** The validated configuration of the stage being deployed. */
  readonly config: StageConfig;
  /** The curated bucket, whose `features/` the pipeline trains on (DataLake stack). */
  readonly curatedBucket: s3.IBucket;
  /** The artifacts bucket, where each run writes (DataLake stack). */
  readonly artifactsBucket: s3.IBucket;
  /** The lake's key (DataLake stack). */
  readonly key: kms.IKey;
  /** The lake's policy for the pipeline's jobs and evaluation (DataLake stack). */
  readonly lakeAccess: iam.IManagedPolicy;
  /** The events that mean new features are ready (Etl stack). */
  readonly featuresReady: events.EventPattern;
}

/**
 * Short, per-stage starts of job names: a tuning job's name holds at most 32 characters, and a
 * stage's pipeline may only touch jobs whose names start with its own prefix.
 */
const JOB_NAME_PREFIXES: Record<StageName, string> = { sandbox: 'churn-sbx', production: 'churn-prd' };

/**
 * TRAIN and EVALUATE: the training pipeline (Step Functions), its functions, the model registry,
 * the topic it reports to, and the rule that starts it when the ETL has written new features.
 * Stateless but for the registry: the data and every run's artifacts live in the DataLake stack.
 */
export class TrainingStack extends Stack {
  readonly images: SageMakerImages;
  readonly registry: ModelRegistry;
  readonly topic: sns.Topic;
  readonly pipeline: TrainingPipeline;
  readonly trigger: events.Rule;

  constructor(scope: Construct, id: string, props: TrainingStackProps) {
    super(scope, id, props);
    const { stage, training, modelMonitor, removal } = props.config;

    this.images = new SageMakerImages(this, 'Images', { modelMonitorAnalyzer: modelMonitor.enabled });
    this.registry = new ModelRegistry(this, 'Registry', {
      groupName: `ml-lifecycle-${stage}-churn`,
      description: 'Customer churn: XGBoost models trained by the ml-lifecycle-cdk pipeline, one version per run',
      removal,
      logKey: props.key,
      logRetention: training.logRetentionDays,
    });
    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: 'ml-lifecycle-cdk training pipeline',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.pipeline = new TrainingPipeline(this, 'Pipeline', {
      jobNamePrefix: JOB_NAME_PREFIXES[stage],
      curatedBucket: props.curatedBucket,
      artifactsBucket: props.artifactsBucket,
      lakeAccess: props.lakeAccess,
      key: props.key,
      images: this.images,
      modelPackageGroupName: this.registry.groupName,
      tuning: {
        maxJobs: training.maxTuningJobs,
        maxParallelJobs: training.maxParallelTuningJobs,
        instanceType: training.trainingInstanceType,
        maxRuntime: Duration.minutes(training.maxTrainingMinutes),
        spot: training.spotTraining,
      },
      // Model Monitor is opt-in: closed to new AWS customers since 2026-07-30.
      baseline: modelMonitor.enabled ? { instanceType: modelMonitor.baselineInstanceType } : undefined,
      transformInstanceType: training.transformInstanceType,
      business: businessCaseValues(props.config.business),
      gate: {
        minAuc: training.minAuc,
        approval: training.approval,
        championMargin: props.config.retraining.championMargin,
        onCampaign: props.config.business.gateOnCampaign,
      },
      topic: this.topic,
      logRetention: training.logRetentionDays,
      removal,
    });
    // The registry must exist before a run registers into it.
    this.pipeline.node.addDependency(this.registry.group);

    // The rule's own role, allowed to start this state machine and nothing else.
    const triggerRole = new iam.Role(this, 'TriggerRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'ml-lifecycle-cdk: starts the training pipeline when features are ready',
    });
    this.trigger = new events.Rule(this, 'FeaturesReady', {
      description: 'Starts the training pipeline when the features job has written new splits',
      eventPattern: props.featuresReady,
      targets: [
        new targets.SfnStateMachine(this.pipeline.stateMachine, {
          input: events.RuleTargetInput.fromObject({
            trigger: 'features-ready',
            featuresJobRunId: events.EventField.fromPath('$.detail.jobRunId'),
          }),
          role: triggerRole,
          retryAttempts: 10,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    acknowledgeFindings(
      defaultPolicyOf(triggerRole),
      RULES.iamInlinePolicy,
      'Built by the rule target: one statement allowing states:StartExecution on the training pipeline, for this one role; a customer-managed policy would hold the same statement.',
    );

    new CfnOutput(this, 'StateMachineArn', {
      value: this.pipeline.stateMachine.stateMachineArn,
      description: 'Start a run now: aws stepfunctions start-execution --state-machine-arn <this>',
    });
    new CfnOutput(this, 'ModelPackageGroupName', {
      value: this.registry.groupName,
      description: 'The model registry: aws sagemaker list-model-packages --model-package-group-name <this>',
    });
    new CfnOutput(this, 'TrainingRunsLocation', {
      value: props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.trainingRuns),
      description: `<run id>/${modelMonitor.enabled ? 'baseline/, ' : ''}tuning/, transform/, evaluation/ (evaluation.json, report.html)`,
    });
    new CfnOutput(this, 'NotificationTopicArn', {
      value: this.topic.topicArn,
      description: 'Subscribe to hear each run’s result and every failure',
    });
  }
}
