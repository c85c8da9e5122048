import { CfnCondition, CfnOutput, CfnParameter, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { ChurnEndpoint } from './churn-endpoint';
import { AlarmTopic } from '../shared/alarm-topic';
import { DataQualityMonitor } from './data-quality-monitor';
import { LakeMonitor } from './lake-monitor';
import { ModelDeployer } from './model-deployer';
import { RetrainingGuard } from './retraining-guard';
import { businessCaseValues } from '../contracts/business-case';
import { SageMakerJobRole } from '../shared/sagemaker-job-role';
import { ARTIFACT_PREFIXES } from '../contracts/lake-layout';
import { SageMakerImages } from '../shared/sagemaker-images';
import { SERVING_PARAMETERS } from '../contracts/serving';

export interface ServingStackProps extends StackProps {
  /** The validated configuration of the stage being deployed. */
  readonly config: StageConfig;
  /** The artifacts bucket: models, baselines, captured data, monitoring reports (DataLake stack). */
  readonly artifactsBucket: s3.IBucket;
  /** The lake's key (DataLake stack). */
  readonly key: kms.IKey;
  /** The lake's policy for the endpoint's model and monitor (DataLake stack). */
  readonly lakeAccess: iam.IManagedPolicy;
  /** The model package group whose approved versions are served (Training stack). */
  readonly modelPackageGroupName: string;
  /** The Glue database the capture table goes in (DataLake stack's raw database: records as services wrote them). */
  readonly catalogDatabaseName: string;
  /** The lake's Athena workgroup, which the monitors query in (DataLake stack). */
  readonly workGroupName: string;
  /** The lake's policy for the monitors' functions (DataLake stack). */
  readonly monitorAccess: iam.IManagedPolicy;
  /** The ETL workflow (curate, then features) that a retraining run starts (Etl stack). */
  readonly etlWorkflow: glue.IWorkflow;
  /** The training pipeline, whose runs the retraining guard counts (Training stack). */
  readonly trainingPipeline: sfn.IStateMachine;
}

/**
 * DEPLOY and MONITOR: the endpoint of the approved churn model with data capture, blue/green
 * updates with alarm rollback and auto scaling, the alarms, and the deployer that updates this
 * stack when a model is approved; with the opt-in `modelMonitor.enabled` (Model Monitor is closed
 * to new AWS customers since 2026-07-30), Model Monitor data-quality monitoring too.
 *
 * The model reaches the stack as deploy-time parameters (the package and, with Model Monitor, its
 * baseline), never as code. With no package (the default, before any model is approved) the stack
 * deploys without an endpoint and fails nothing; `cdk synth` shows every serving resource all the
 * same, each with the `HasModel` condition. The monitor needs a baseline as well
 * (`HasModelAndBaseline`): a package registered without Model Monitor is served, unmonitored.
 */
export class ServingStack extends Stack {
  readonly endpoint: ChurnEndpoint;
  readonly monitor?: DataQualityMonitor;
  /** Monitoring from the lake, in every account: the capture table, the drift and quality functions, their schedule and alarms. */
  readonly lakeMonitor: LakeMonitor;
  /** Live AUC, precision and recall below their thresholds: what the retraining guard listens to. */
  readonly qualityAlarms: cloudwatch.IAlarm[];
  readonly deployer: ModelDeployer;
  /** Starts retraining on an acting drift verdict or a quality alarm, guarded (see {@link RetrainingGuard}). */
  readonly retrainingGuard: RetrainingGuard;
  readonly alerts: sns.Topic;
  readonly role: SageMakerJobRole;
  readonly hasModel: CfnCondition;
  /**
   * True when the package and its baseline are given: the monitor's condition.
   * @default - undefined without the opt-in Model Monitor
   */
  readonly hasModelAndBaseline?: CfnCondition;

  constructor(scope: Construct, id: string, props: ServingStackProps) {
    super(scope, id, props);
    const { stage, serving, modelMonitor, monitoring, retraining, removal } = props.config;
    const name = `ml-lifecycle-${stage}-churn`;

    const model = addModelParameters(this, modelMonitor.enabled);
    this.hasModel = model.hasModel;
    this.hasModelAndBaseline = model.baseline?.hasModelAndBaseline;

    this.role = new SageMakerJobRole(this, 'ServingRole', {
      lakeAccess: props.lakeAccess,
      key: props.key,
      description: modelMonitor.enabled
        ? 'ml-lifecycle-cdk serving: the churn model, its data capture and its data-quality monitor'
        : 'ml-lifecycle-cdk serving: the churn model and its data capture',
      usedBy: modelMonitor.enabled
        ? "the endpoint's model and its data-quality monitoring jobs"
        : "the endpoint's model",
    });
    this.alerts = new AlarmTopic(this, 'Alerts', { displayName: 'ml-lifecycle-cdk serving alarms', key: props.key });

    this.endpoint = new ChurnEndpoint(this, 'Endpoint', {
      name,
      modelPackageArn: model.packageArn.valueAsString,
      hasModel: this.hasModel,
      role: this.role.role,
      artifactsBucket: props.artifactsBucket,
      key: props.key,
      instanceType: serving.instanceType,
      minInstances: serving.minInstances,
      maxInstances: serving.maxInstances,
      invocationsPerInstance: serving.invocationsPerInstance,
      dataCapturePercent: serving.dataCapturePercent,
      trafficShifting: serving.trafficShifting,
      bake: Duration.minutes(serving.bakeMinutes),
      latencyThreshold: Duration.millis(serving.latencyAlarmMs),
    });
    const alarms: cloudwatch.Alarm[] = [
      this.endpoint.errorsAlarm,
      this.endpoint.latencyAlarm,
      this.endpoint.invocationErrorsAlarm,
    ];

    // Monitoring every account can run: from the lake, on Athena and Lambda.
    this.lakeMonitor = new LakeMonitor(this, 'LakeMonitor', {
      endpointName: name,
      modelPackageGroupName: props.modelPackageGroupName,
      artifactsBucket: props.artifactsBucket,
      key: props.key,
      databaseName: props.catalogDatabaseName,
      workGroupName: props.workGroupName,
      lakeAccess: props.monitorAccess,
      schedule: monitoring.schedule,
      drift: monitoring,
      qualityWindowDays: monitoring.qualityWindowDays,
      minimumOutcomes: monitoring.minimumOutcomes,
      thresholds: { minAuc: monitoring.minAuc, minPrecision: monitoring.minPrecision, minRecall: monitoring.minRecall },
      business: businessCaseValues(props.config.business),
      logRetention: monitoring.logRetentionDays,
      removal,
    });
    this.qualityAlarms = this.lakeMonitor.qualityAlarms;
    alarms.push(...this.lakeMonitor.qualityAlarms, ...this.lakeMonitor.errorAlarms);

    // Model Monitor is opt-in: closed to new AWS customers since 2026-07-30.
    if (model.baseline !== undefined) {
      // Its analyzer image is the only image this stack needs.
      const analyzerImage = new SageMakerImages(this, 'Images', { modelMonitorAnalyzer: true }).modelMonitorAnalyzer;
      if (analyzerImage === undefined) {
        throw new Error('SageMakerImages built with modelMonitorAnalyzer: true has no analyzer image');
      }
      this.monitor = new DataQualityMonitor(this, 'Monitor', {
        endpointName: name,
        endpoint: this.endpoint.endpoint,
        baselineStatisticsUri: model.baseline.statistics.valueAsString,
        baselineConstraintsUri: model.baseline.constraints.valueAsString,
        modelVersion: Fn.select(2, Fn.split('/', model.packageArn.valueAsString)),
        hasModelAndBaseline: model.baseline.hasModelAndBaseline,
        role: this.role.role,
        analyzerImage,
        instanceType: modelMonitor.instanceType,
        cadence: modelMonitor.cadence,
        artifactsBucket: props.artifactsBucket,
        key: props.key,
        logRetention: serving.logRetentionDays,
        removal,
      });
      alarms.push(this.monitor.violationsAlarm);
      new CfnOutput(this, 'MonitoringReportsLocation', {
        value: props.artifactsBucket.s3UrlForObject(`${ARTIFACT_PREFIXES.monitoring}${name}`),
        description: 'Data-quality reports: statistics.json, constraint_violations.json per run',
      });
    }
    for (const alarm of alarms) {
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alerts));
    }

    this.deployer = new ModelDeployer(this, 'Deployer', {
      modelPackageGroupName: props.modelPackageGroupName,
      servingName: name,
      servingRole: this.role.role,
      key: props.key,
      logRetention: serving.logRetentionDays,
      removal,
      rollbackAlarms: this.endpoint.rollbackAlarms,
      // The lake's bucket, key and policy reach this stack as outputs of the DataLake stack; the
      // retraining guard's workflow and pipeline, of the Etl and Training stacks.
      referencedStacks: [
        props.artifactsBucket,
        props.key,
        props.lakeAccess,
        props.etlWorkflow,
        props.trainingPipeline,
      ].map((r) => Stack.of(r)),
      modelMonitor: modelMonitor.enabled,
    });

    // Present whether retraining is on or off: off, it reports each trigger as skipped-disabled on
    // the dashboard (what would have started a run, and why none did), and may start nothing.
    this.retrainingGuard = new RetrainingGuard(this, 'RetrainingGuard', {
      workflow: props.etlWorkflow,
      stateMachine: props.trainingPipeline,
      qualityAlarms: this.qualityAlarms,
      enabled: retraining.enabled,
      minimumPeriod: Duration.hours(retraining.minimumPeriodHours),
      key: props.key,
      logRetention: monitoring.logRetentionDays,
      removal,
    });

    const endpointName = new CfnOutput(this, 'EndpointName', {
      value: name,
      description: 'Invoke it: npm run invoke (present only while a model is deployed)',
    });
    endpointName.condition = this.hasModel;
    new CfnOutput(this, 'AlertTopicArn', {
      value: this.alerts.topicArn,
      description: `Subscribe to hear the endpoint alarms: 5xx errors, latency, invocation errors, live model quality${this.monitor === undefined ? '' : ', data drift'}`,
    });
    new CfnOutput(this, 'DataCaptureLocation', {
      value: props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.dataCapture),
      description: 'Captured requests and responses, by endpoint, variant and hour',
    });
    // The monitors run on a schedule; the walkthrough runs them at once, by name.
    new CfnOutput(this, 'DriftFunctionName', {
      value: this.lakeMonitor.driftFunction.function.functionName,
      description: 'Run a drift check now: aws lambda invoke --function-name NAME --payload {} out.json',
    });
    new CfnOutput(this, 'QualityFunctionName', {
      value: this.lakeMonitor.qualityFunction.function.functionName,
      description: 'Run a live quality check now: aws lambda invoke --function-name NAME --payload {} out.json',
    });
    new CfnOutput(this, 'LakeMonitorReportsLocation', {
      value: props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.monitoring),
      description: "The lake monitors' reports: drift/<endpoint>/ and quality/<endpoint>/, JSON (and HTML for drift)",
    });
  }
}

/** The deploy-time parameters through which an approved model reaches the stack, and the conditions on them. */
interface ModelParameters {
  /** The approved model package version; empty: no endpoint. */
  readonly packageArn: CfnParameter;
  /** True when a package is given: the condition of every resource that needs a model. */
  readonly hasModel: CfnCondition;
  /**
   * The package's data-quality baseline, and the monitor's condition: true when the package and
   * its baseline are both given.
   * @default - undefined without the opt-in Model Monitor
   */
  readonly baseline?: {
    readonly statistics: CfnParameter;
    readonly constraints: CfnParameter;
    readonly hasModelAndBaseline: CfnCondition;
  };
}

/**
 * Adds the model's parameters and their conditions to the stack; the parameters are named by the
 * contract the deploy function sets them by, and belong to the stack, so the stack is their scope.
 */
function addModelParameters(stack: Stack, modelMonitor: boolean): ModelParameters {
  const packageArn = new CfnParameter(stack, SERVING_PARAMETERS.modelPackageArn, {
    type: 'String',
    default: '',
    description: 'The approved model package version to serve; empty: no endpoint. Set by the deploy function.',
    allowedPattern: '^$|^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:model-package/[a-zA-Z0-9-]+/[0-9]+$',
  });
  const hasModel = new CfnCondition(stack, 'HasModel', {
    expression: Fn.conditionNot(Fn.conditionEquals(packageArn.valueAsString, '')),
  });
  // The template check that CDK runs at synth (cfn-lint) reads each parameter's default ('') into
  // the properties that use it, and warns that '' is no package ARN or S3 URL. Those resources
  // carry a condition that is false whenever the parameters they use are empty, so they are never
  // created with them. The finding is about the stack's parameters, so the stack is its scope.
  Validations.of(stack).acknowledge({
    id: 'CloudFormation-Validate::W1030',
    reason: modelMonitor
      ? 'The empty defaults of ModelPackageArn ("no model") and of BaselineStatisticsUri and BaselineConstraintsUri ("no baseline") are never used: the resources that use the package have the HasModel condition, false exactly when it is empty, and those that use the baseline have HasModelAndBaseline, false whenever either of them is.'
      : 'The empty default of ModelPackageArn means "no model": every resource that uses it has the HasModel condition, false exactly when it is empty, so CloudFormation never creates one with it.',
  });
  // The baseline is only the monitor's: without Model Monitor the stack takes none (an unused
  // parameter is a template warning), and the deploy function sets only the package.
  if (!modelMonitor) {
    return { packageArn, hasModel };
  }
  const statistics = new CfnParameter(stack, SERVING_PARAMETERS.baselineStatisticsUri, {
    type: 'String',
    default: '',
    description:
      "The package's data-quality baseline statistics (statistics.json); empty: no baseline. Set by the deploy function.",
    allowedPattern: '^$|^s3://.+$',
  });
  const constraints = new CfnParameter(stack, SERVING_PARAMETERS.baselineConstraintsUri, {
    type: 'String',
    default: '',
    description:
      "The package's data-quality baseline constraints (constraints.json); empty: no baseline. Set by the deploy function.",
    allowedPattern: '^$|^s3://.+$',
  });
  const hasModelAndBaseline = new CfnCondition(stack, 'HasModelAndBaseline', {
    expression: Fn.conditionAnd(
      hasModel,
      Fn.conditionNot(Fn.conditionEquals(statistics.valueAsString, '')),
      Fn.conditionNot(Fn.conditionEquals(constraints.valueAsString, '')),
    ),
  });
  return { packageArn, hasModel, baseline: { statistics, constraints, hasModelAndBaseline } };
}
