import { CfnCondition, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ChurnEndpoint, type ChurnEndpointProps } from '../../lib/serving/churn-endpoint';
import { testApp } from '../support/app';

/** The endpoint alone in a stack, its package a parameter and its condition on it, as a stack gives them. */
function endpointIn(props: Partial<ChurnEndpointProps> = {}): { endpoint: ChurnEndpoint; template: Template } {
  const stack = new Stack(testApp(), 'Test');
  const modelPackageArn = new CfnParameter(stack, 'Package', { type: 'String' }).valueAsString;
  const endpoint = new ChurnEndpoint(stack, 'Endpoint', {
    name: 'churn',
    modelPackageArn,
    hasModel: new CfnCondition(stack, 'GivenModel', {
      expression: Fn.conditionNot(Fn.conditionEquals(modelPackageArn, '')),
    }),
    role: new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }),
    artifactsBucket: s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts'),
    key: new kms.Key(stack, 'Key'),
    instanceType: 'ml.c5.large',
    minInstances: 1,
    maxInstances: 3,
    invocationsPerInstance: 200,
    dataCapturePercent: 50,
    trafficShifting: 'all-at-once',
    bake: Duration.minutes(4),
    latencyThreshold: Duration.millis(250),
    ...props,
  });
  return { endpoint, template: Template.fromStack(stack) };
}

const KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
const VERSION = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'Package' }] }] };

describe('ChurnEndpoint', () => {
  const { endpoint, template } = endpointIn();

  it('serves the package in a network-isolated model named after its version, run as the given role', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      ModelName: { 'Fn::Join': ['', ['churn-v', VERSION]] },
      EnableNetworkIsolation: true,
      PrimaryContainer: { ModelPackageName: { Ref: 'Package' } },
      ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ModelRole'), 'Arn'] },
    });
  });

  it('names a config per version, with one variant of the given type and minimum, its volumes under the key', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      EndpointConfigName: { 'Fn::Join': ['', ['churn-v', VERSION]] },
      KmsKeyId: KEY_ARN,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointModel'), 'ModelName'] },
          InstanceType: 'ml.c5.large',
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
        },
      ],
    });
  });

  it('captures the given share of requests and responses, encrypted, under data-capture/ in the artifacts bucket', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 50,
        DestinationS3Uri: 's3://artifacts/data-capture/',
        KmsKeyId: KEY_ARN,
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
        CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'] },
      },
    });
  });

  it('turns data capture off when it captures no share', () => {
    endpointIn({ dataCapturePercent: 0 }).template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: Match.objectLike({ EnableCapture: false, InitialSamplingPercentage: 0 }),
    });
  });

  it('keeps its name and updates blue/green, all at once, baking and rolling back on the error and latency alarms', () => {
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointName: 'churn',
      EndpointConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EndpointConfig'), 'EndpointConfigName'] },
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 240 },
          TerminationWaitInSeconds: 240,
          MaximumExecutionTimeoutInSeconds: 3600,
        },
        AutoRollbackConfiguration: {
          Alarms: [
            { AlarmName: { Ref: Match.stringLikeRegexp('^EndpointServerErrors') } },
            { AlarmName: { Ref: Match.stringLikeRegexp('^EndpointModelLatency') } },
          ],
        },
      },
    });
    expect(endpoint.rollbackAlarms).toEqual([endpoint.errorsAlarm, endpoint.latencyAlarm]);
  });

  it('shifts a one-instance canary first when asked', () => {
    endpointIn({ trafficShifting: 'canary' }).template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({
        BlueGreenUpdatePolicy: Match.objectLike({
          TrafficRoutingConfiguration: {
            Type: 'CANARY',
            CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 },
            WaitIntervalInSeconds: 240,
          },
        }),
      }),
    });
  });

  it('scales its variant between the bounds on invocations per instance, with the service-linked role', () => {
    template.hasResource('AWS::ApplicationAutoScaling::ScalableTarget', {
      Properties: {
        ServiceNamespace: 'sagemaker',
        ResourceId: 'endpoint/churn/variant/AllTraffic',
        ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
        MinCapacity: 1,
        MaxCapacity: 3,
        RoleARN: Match.absent(),
      },
      DependsOn: [Match.stringLikeRegexp('^Endpoint[0-9A-F]{8}$')],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyName: 'churn-invocations-per-instance',
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: Match.stringLikeRegexp('^EndpointScaling') },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: 200,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
    template.resourceCountIs('AWS::IAM::Role', 1);
  });

  it.each([
    ['5xx errors', 'Invocation5XXErrors', { Statistic: 'Sum' }, 1, 3, 2, 'GreaterThanOrEqualToThreshold'],
    [
      'model latency (p90, in microseconds)',
      'ModelLatency',
      { ExtendedStatistic: 'p90' },
      250_000,
      5,
      3,
      'GreaterThanThreshold',
    ],
    ['invocation (4xx) errors', 'Invocation4XXErrors', { Statistic: 'Sum' }, 5, 5, 3, 'GreaterThanOrEqualToThreshold'],
  ])(
    'alarms on %s of its variant, per minute',
    (_what, metricName, statistic, threshold, periods, toFire, operator) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SageMaker',
        MetricName: metricName,
        Dimensions: [
          { Name: 'EndpointName', Value: 'churn' },
          { Name: 'VariantName', Value: 'AllTraffic' },
        ],
        ...statistic,
        Period: 60,
        Threshold: threshold,
        EvaluationPeriods: periods,
        DatapointsToAlarm: toFire,
        ComparisonOperator: operator,
        TreatMissingData: 'notBreaching',
        AlarmActions: Match.absent(),
      });
    },
  );

  it('creates everything that needs a model only under the condition it is given; the alarms always', () => {
    const conditions = Object.fromEntries(
      Object.entries(template.toJSON().Resources as Record<string, { Type: string; Condition?: string }>)
        .filter(([, r]) => r.Type.startsWith('AWS::SageMaker::') || r.Type.startsWith('AWS::ApplicationAutoScaling::'))
        .map(([, r]) => [r.Type, r.Condition]),
    );
    expect(conditions).toEqual({
      'AWS::SageMaker::Model': 'GivenModel',
      'AWS::SageMaker::EndpointConfig': 'GivenModel',
      'AWS::SageMaker::Endpoint': 'GivenModel',
      'AWS::ApplicationAutoScaling::ScalableTarget': 'GivenModel',
      'AWS::ApplicationAutoScaling::ScalingPolicy': 'GivenModel',
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.allResources('AWS::CloudWatch::Alarm', { Condition: Match.absent() });
  });
});
