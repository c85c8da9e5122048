import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { DataQualityMonitor, type DataQualityMonitorProps } from '../../lib/serving/data-quality-monitor';
import { testApp } from '../support/app';
import { accountArn } from '../support/conditions';

/** The monitor alone in a stack, beside an endpoint and the baseline parameters a stack gives it. */
function monitorIn(props: Partial<DataQualityMonitorProps> = {}): Template {
  const stack = new Stack(testApp(), 'Test');
  const parameter = (id: string) => new CfnParameter(stack, id, { type: 'String' }).valueAsString;
  new DataQualityMonitor(stack, 'Monitor', {
    endpointName: 'churn',
    endpoint: new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: 'churn-v1' }),
    baselineStatisticsUri: parameter('Statistics'),
    baselineConstraintsUri: parameter('Constraints'),
    modelVersion: parameter('Version'),
    hasModelAndBaseline: new CfnCondition(stack, 'Monitored', {
      expression: Fn.conditionNot(Fn.conditionEquals(parameter('Package'), '')),
    }),
    role: new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }),
    analyzerImage: 'analyzer-image',
    instanceType: 'ml.c5.xlarge',
    cadence: 'daily',
    artifactsBucket: s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts'),
    key: new kms.Key(stack, 'Key'),
    logRetention: logs.RetentionDays.ONE_MONTH,
    removal: 'retain',
    ...props,
  });
  return Template.fromStack(stack);
}

const KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };

describe('DataQualityMonitor', () => {
  const template = monitorIn();

  it('runs the analyzer on the captured requests against the baseline, as the given role, after the endpoint exists', () => {
    template.hasResource('AWS::SageMaker::DataQualityJobDefinition', {
      Properties: Match.objectLike({
        JobDefinitionName: { 'Fn::Join': ['', ['churn-data-quality-v', { Ref: 'Version' }]] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobRole'), 'Arn'] },
        DataQualityAppSpecification: { ImageUri: 'analyzer-image' },
        DataQualityBaselineConfig: {
          StatisticsResource: { S3Uri: { Ref: 'Statistics' } },
          ConstraintsResource: { S3Uri: { Ref: 'Constraints' } },
        },
        DataQualityJobInput: {
          EndpointInput: {
            EndpointName: 'churn',
            LocalPath: '/opt/ml/processing/input/endpoint',
            S3InputMode: 'File',
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      }),
      DependsOn: [Match.stringLikeRegexp('^Endpoint$')],
    });
  });

  it('writes its reports under monitoring/<endpoint> in the artifacts bucket, encrypted, from an isolated job of an hour at most', () => {
    template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      DataQualityJobOutputConfig: {
        KmsKeyId: KEY_ARN,
        MonitoringOutputs: [
          {
            S3Output: {
              LocalPath: '/opt/ml/processing/output',
              S3Uri: 's3://artifacts/monitoring/churn',
              S3UploadMode: 'EndOfJob',
            },
          },
        ],
      },
      JobResources: {
        ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.c5.xlarge', VolumeSizeInGB: 20, VolumeKmsKeyId: KEY_ARN },
      },
      NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
  });

  it.each([
    ['daily', 'cron(0 0 ? * * *)'],
    ['hourly', 'cron(0 * ? * * *)'],
  ] as const)('runs the version’s job definition %s on a schedule named after the endpoint', (cadence, expression) => {
    monitorIn({ cadence }).hasResource('AWS::SageMaker::MonitoringSchedule', {
      Properties: {
        MonitoringScheduleName: 'churn-data-quality',
        MonitoringScheduleConfig: {
          MonitoringType: 'DataQuality',
          MonitoringJobDefinitionName: { 'Fn::Join': ['', ['churn-data-quality-v', { Ref: 'Version' }]] },
          ScheduleConfig: { ScheduleExpression: expression },
        },
      },
      DependsOn: [Match.stringLikeRegexp('^MonitorJobDefinition')],
    });
  });

  it('creates the job definition and schedule only under the condition it is given; the alarm and its log always', () => {
    const conditions = Object.values(
      template.toJSON().Resources as Record<string, { Type: string; Condition?: string }>,
    )
      .filter((r) => r.Type !== 'AWS::SageMaker::Endpoint' && r.Type !== 'AWS::KMS::Key' && r.Type !== 'AWS::IAM::Role')
      .map((r) => [r.Type, r.Condition ?? 'always']);
    expect(Object.fromEntries(conditions)).toEqual({
      'AWS::SageMaker::DataQualityJobDefinition': 'Monitored',
      'AWS::SageMaker::MonitoringSchedule': 'Monitored',
      'AWS::Logs::LogGroup': 'always',
      'AWS::Logs::ResourcePolicy': 'always',
      'AWS::Events::Rule': 'always',
      'AWS::Logs::MetricFilter': 'always',
      'AWS::CloudWatch::Alarm': 'always',
    });
  });

  it('logs the end events of this schedule’s runs that found violations, and no other event', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Processing Job State Change'],
        detail: {
          MonitoringScheduleArn: [accountArn('sagemaker', 'monitoring-schedule/churn-data-quality')],
          ExitMessage: [{ prefix: 'CompletedWithViolations' }],
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitorViolations'), 'Arn'] } })],
    });
  });

  it('counts the logged runs in a namespace of the endpoint, and alarms on one', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.detail.ExitMessage = "*" }',
      MetricTransformations: [
        {
          MetricNamespace: 'ml-lifecycle-cdk/churn',
          MetricName: 'DataQualityRunsWithViolations',
          MetricValue: '1',
        },
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ml-lifecycle-cdk/churn',
      MetricName: 'DataQualityRunsWithViolations',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('constraint_violations.json'),
    });
  });

  it.each([
    ['retain', 'Retain'],
    ['destroy', 'Delete'],
  ] as const)(
    'keeps its violations log by the removal mode (%s), for the retention and under the key given',
    (removal, policy) => {
      monitorIn({ removal }).hasResource('AWS::Logs::LogGroup', {
        Properties: { KmsKeyId: KEY_ARN, RetentionInDays: 30 },
        DeletionPolicy: policy,
      });
    },
  );
});
