import { CfnCondition, CfnOutput, CfnParameter, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { ChurnEndpoint } from '../constructs/churn-endpoint';
import { AlarmTopic } from '../constructs/alarm-topic';
import { DataQualityMonitor } from '../constructs/data-quality-monitor';
import { ModelDeployer } from '../constructs/model-deployer';
import { SageMakerJobRole } from '../constructs/sagemaker-job-role';
import { ARTIFACT_PREFIXES } from '../lake-layout';
import { SageMakerImages } from '../sagemaker/images';
import { SERVING_PARAMETERS } from '../../lambda/deploy-model/deploy';

/**
 * The stack parameters through which an approved model reaches the endpoint: named by the deploy
 * function's module, which sets them, so the two cannot drift apart.
 */
export const SERVING_PARAMETER_NAMES = SERVING_PARAMETERS;

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
}

/**
 * DEPLOY and MONITOR: the endpoint of the approved churn model with data capture, blue/green
 * updates with alarm rollback and auto scaling, Model Monitor data-quality monitoring, the alarms,
 * and the deployer that updates this stack when a model is approved.
 *
 * The model reaches the stack as deploy-time parameters (the package and its baseline), never as
 * code. With no package (the default, before any model is approved) the stack deploys without an
 * endpoint and fails nothing; `cdk synth` shows every serving resource all the same, each with the
 * `HasModel` condition.
 */
export class ServingStack extends Stack {
  readonly endpoint: ChurnEndpoint;
  readonly monitor?: DataQualityMonitor;
  readonly deployer: ModelDeployer;
  readonly alerts: sns.Topic;
  readonly role: SageMakerJobRole;
  readonly hasModel: CfnCondition;

  constructor(scope: Construct, id: string, props: ServingStackProps) {
    super(scope, id, props);
    const { stage, serving, removal } = props.config;
    const name = `ml-lifecycle-${stage}-churn`;

    const modelPackageArn = new CfnParameter(this, SERVING_PARAMETER_NAMES.modelPackageArn, {
      type: 'String',
      default: '',
      description: 'The approved model package version to serve; empty: no endpoint. Set by the deploy function.',
      allowedPattern: '^$|^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:model-package/[a-zA-Z0-9-]+/[0-9]+$',
    });
    const statistics = new CfnParameter(this, SERVING_PARAMETER_NAMES.baselineStatisticsUri, {
      type: 'String',
      default: '',
      description: "The package's data-quality baseline statistics (statistics.json). Set by the deploy function.",
      allowedPattern: '^$|^s3://.+$',
    });
    const constraints = new CfnParameter(this, SERVING_PARAMETER_NAMES.baselineConstraintsUri, {
      type: 'String',
      default: '',
      description: "The package's data-quality baseline constraints (constraints.json). Set by the deploy function.",
      allowedPattern: '^$|^s3://.+$',
    });
    this.hasModel = new CfnCondition(this, 'HasModel', {
      expression: Fn.conditionNot(Fn.conditionEquals(modelPackageArn.valueAsString, '')),
    });
    // The template check that CDK runs at synth (cfn-lint) reads each parameter's default ('') into
    // the properties that use it, and warns that '' is no package ARN or S3 URL. Those resources
    // carry HasModel, which is false exactly when the defaults are in effect, so they are never
    // created with them. The finding is about the stack's parameters, so the stack is its scope.
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W1030',
      reason:
        'The empty defaults of ModelPackageArn, BaselineStatisticsUri and BaselineConstraintsUri mean "no model"; every resource that uses them has the HasModel condition, false exactly when they are empty, so CloudFormation never creates one with them.',
    });

    const images = new SageMakerImages(this, 'Images');
    this.role = new SageMakerJobRole(this, 'ServingRole', {
      lakeAccess: props.lakeAccess,
      key: props.key,
      description: 'ml-lifecycle-cdk serving: the churn model, its data capture and its data-quality monitor',
      usedBy: "the endpoint's model and its data-quality monitoring jobs",
    });
    this.alerts = new AlarmTopic(this, 'Alerts', { displayName: 'ml-lifecycle-cdk serving alarms', key: props.key });

    this.endpoint = new ChurnEndpoint(this, 'Endpoint', {
      name,
      modelPackageArn: modelPackageArn.valueAsString,
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
    const alarms = [this.endpoint.errorsAlarm, this.endpoint.latencyAlarm, this.endpoint.invocationErrorsAlarm];

    if (serving.monitoring) {
      this.monitor = new DataQualityMonitor(this, 'Monitor', {
        endpointName: name,
        endpoint: this.endpoint.endpoint,
        baselineStatisticsUri: statistics.valueAsString,
        baselineConstraintsUri: constraints.valueAsString,
        modelVersion: Fn.select(2, Fn.split('/', modelPackageArn.valueAsString)),
        hasModel: this.hasModel,
        role: this.role.role,
        analyzerImage: images.modelMonitorAnalyzer,
        instanceType: serving.monitoringInstanceType,
        cadence: serving.monitoringCadence,
        artifactsBucket: props.artifactsBucket,
        key: props.key,
        logRetention: serving.logRetentionDays,
        removal,
      });
      alarms.push(this.monitor.violationsAlarm);
    }
    for (const alarm of alarms) {
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alerts));
    }

    this.deployer = new ModelDeployer(this, 'Deployer', {
      modelPackageGroupName: props.modelPackageGroupName,
      servingName: name,
      servingRole: this.role.role,
      key: props.key,
      // The config accepts only the periods CloudWatch Logs offers, which are RetentionDays' values.
      logRetention: serving.logRetentionDays,
      removal,
      rollbackAlarms: this.endpoint.rollbackAlarms,
      // The lake's bucket, key and policy reach this stack as outputs of the DataLake stack.
      referencedStacks: [props.artifactsBucket, props.key, props.lakeAccess].map((r) => Stack.of(r)),
      modelMonitor: serving.monitoring,
    });

    const endpointName = new CfnOutput(this, 'EndpointName', {
      value: name,
      description: 'Invoke it: npm run invoke (present only while a model is deployed)',
    });
    endpointName.condition = this.hasModel;
    new CfnOutput(this, 'AlertTopicArn', {
      value: this.alerts.topicArn,
      description: 'Subscribe to hear the endpoint alarms: 5xx errors, latency, invocation errors, data drift',
    });
    new CfnOutput(this, 'DataCaptureLocation', {
      value: props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.dataCapture),
      description: 'Captured requests and responses, by endpoint, variant and hour',
    });
    new CfnOutput(this, 'MonitoringReportsLocation', {
      value: props.artifactsBucket.s3UrlForObject(`${ARTIFACT_PREFIXES.monitoring}${name}`),
      description: 'Data-quality reports: statistics.json, constraint_violations.json per run',
    });
  }
}
