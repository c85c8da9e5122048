import { type CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { ARTIFACT_PREFIXES } from '../contracts/lake-layout';
import { VARIANT_NAME } from '../contracts/serving';

export interface ChurnEndpointProps {
  /** Starts the names of the endpoint and of each version's model and endpoint config. */
  readonly name: string;
  /** The approved model package to serve (a deploy-time parameter of the stack). */
  readonly modelPackageArn: string;
  /** Whether a model package is given: every resource here exists only then. */
  readonly hasModel: CfnCondition;
  /** The role the model runs with (and data capture writes with). */
  readonly role: iam.IRole;
  /** The artifacts bucket: data capture goes under `data-capture/`. */
  readonly artifactsBucket: s3.IBucket;
  /** The key for the instances' volumes and the captured data. */
  readonly key: kms.IKey;
  /** The instance type of the endpoint's variant (`ml.m5.large`, say). */
  readonly instanceType: string;
  /** The instances the variant starts with and auto scaling never goes below. */
  readonly minInstances: number;
  /** The instances auto scaling never goes above. */
  readonly maxInstances: number;
  /** The invocations per instance per minute that auto scaling aims for. */
  readonly invocationsPerInstance: number;
  /** Percentage of requests captured, with their responses. */
  readonly dataCapturePercent: number;
  /** How a new model takes traffic. */
  readonly trafficShifting: 'all-at-once' | 'canary';
  /** How long a new model serves before the old fleet goes; an alarm in that time rolls back. */
  readonly bake: Duration;
  /** Model latency (p90) above which the latency alarm fires. */
  readonly latencyThreshold: Duration;
}

/**
 * The real-time endpoint of the approved churn model, owned by CloudFormation:
 *
 * - a **model** from the model package (network-isolated), and an **endpoint config** that
 *   captures requests and responses (KMS, into the artifacts bucket) and encrypts the instances'
 *   volumes, both named after the package version, so that a new version is a new model and a new
 *   config, created before the old ones are deleted;
 * - the **endpoint**, whose name does not change, updated blue/green: the new fleet is built, takes
 *   traffic (all at once, or a canary first), bakes, and is rolled back automatically if an alarm
 *   fires in that time;
 * - **auto scaling** on invocations per instance, and **alarms** on 5xx errors, model latency and
 *   4xx (invocation) errors. The alarms name the endpoint by its fixed name, so they exist before
 *   the first model does and guard the very first deployment too.
 *
 * Every resource that needs a model carries the `hasModel` condition: before a model is approved,
 * the stack deploys without them, and `cdk synth` still shows them.
 */
export class ChurnEndpoint extends Construct {
  readonly endpointName: string;
  readonly endpoint: sagemaker.CfnEndpoint;
  readonly model: sagemaker.CfnModel;
  readonly endpointConfig: sagemaker.CfnEndpointConfig;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly latencyAlarm: cloudwatch.Alarm;
  readonly invocationErrorsAlarm: cloudwatch.Alarm;
  /**
   * The alarms the endpoint's deployment guardrails watch while a new model bakes: any of them in
   * alarm rolls the update back. Whoever creates or updates the endpoint must be allowed to
   * describe them.
   */
  readonly rollbackAlarms: readonly cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: ChurnEndpointProps) {
    super(scope, id);
    this.endpointName = props.name;
    // arn:...:model-package/<group>/<version> → <version>
    const version = Fn.select(2, Fn.split('/', props.modelPackageArn));
    const versioned = `${props.name}-v${version}`;

    this.model = new sagemaker.CfnModel(this, 'Model', {
      modelName: versioned,
      executionRoleArn: props.role.roleArn,
      enableNetworkIsolation: true,
      primaryContainer: { modelPackageName: props.modelPackageArn },
    });

    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'Config', {
      endpointConfigName: versioned,
      kmsKeyId: props.key.keyArn,
      productionVariants: [
        {
          variantName: VARIANT_NAME,
          modelName: this.model.attrModelName,
          instanceType: props.instanceType,
          initialInstanceCount: props.minInstances,
          initialVariantWeight: 1,
        },
      ],
      dataCaptureConfig: {
        enableCapture: props.dataCapturePercent > 0,
        initialSamplingPercentage: props.dataCapturePercent,
        destinationS3Uri: props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.dataCapture),
        kmsKeyId: props.key.keyArn,
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
        captureContentTypeHeader: { csvContentTypes: ['text/csv'] },
      },
    });

    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SageMaker',
        metricName,
        dimensionsMap: { EndpointName: props.name, VariantName: VARIANT_NAME },
        statistic,
        period: Duration.minutes(1),
      });
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ServerErrors', {
      alarmDescription: `The churn endpoint ${props.name} answers with 5xx errors (the model or its container fails)`,
      metric: metric('Invocation5XXErrors', 'Sum'),
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.latencyAlarm = new cloudwatch.Alarm(this, 'ModelLatency', {
      alarmDescription: `The churn model on ${props.name} takes longer than ${props.latencyThreshold.toMilliseconds()} ms (p90) to answer`,
      // ModelLatency is reported in microseconds.
      metric: metric('ModelLatency', 'p90'),
      threshold: props.latencyThreshold.toMilliseconds() * 1000,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.invocationErrorsAlarm = new cloudwatch.Alarm(this, 'InvocationErrors', {
      alarmDescription: `Callers of ${props.name} send requests it rejects (4xx): a client sends features in the wrong shape`,
      metric: metric('Invocation4XXErrors', 'Sum'),
      threshold: 5,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.rollbackAlarms = [this.errorsAlarm, this.latencyAlarm];

    const bake = props.bake.toSeconds();
    this.endpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointName: props.name,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      deploymentConfig: {
        blueGreenUpdatePolicy: {
          trafficRoutingConfiguration:
            props.trafficShifting === 'canary'
              ? { type: 'CANARY', canarySize: { type: 'INSTANCE_COUNT', value: 1 }, waitIntervalInSeconds: bake }
              : { type: 'ALL_AT_ONCE', waitIntervalInSeconds: bake },
          terminationWaitInSeconds: bake,
          maximumExecutionTimeoutInSeconds: Duration.hours(1).toSeconds(),
        },
        autoRollbackConfiguration: {
          alarms: this.rollbackAlarms.map((a) => ({ alarmName: a.alarmName })),
        },
      },
    });

    // Declared at L1: the L2 ScalableTarget creates an IAM role, where SageMaker variants scale with
    // Application Auto Scaling's service-linked role (so a deployment creates no IAM resource).
    const target = new appscaling.CfnScalableTarget(this, 'Scaling', {
      serviceNamespace: 'sagemaker',
      resourceId: `endpoint/${props.name}/variant/${VARIANT_NAME}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: props.minInstances,
      maxCapacity: props.maxInstances,
    });
    target.node.addDependency(this.endpoint);
    const policy = new appscaling.CfnScalingPolicy(this, 'InvocationsPerInstance', {
      policyName: `${props.name}-invocations-per-instance`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.ref,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        targetValue: props.invocationsPerInstance,
        scaleInCooldown: Duration.minutes(5).toSeconds(),
        scaleOutCooldown: Duration.minutes(1).toSeconds(),
      },
    });

    // Everything that needs a model exists only when one is given; the alarms always exist.
    for (const resource of [this.model, this.endpointConfig, this.endpoint, target, policy]) {
      resource.cfnOptions.condition = props.hasModel;
    }
  }
}
