import { unacknowledgedFindings } from '../support/resources';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { RemovalMode } from '../../lib/config';
import { ModelDeployer } from '../../lib/serving/model-deployer';
import { testApp } from '../support/app';
import { accountArn } from '../support/conditions';

/** The deployer alone in a stack, with a serving role and rollback alarms as doubles; Lambda bundling skipped. */
function deployerIn(removal: RemovalMode = 'retain') {
  const app = testApp({ 'aws:cdk:bundling-stacks': [] });
  const stack = new Stack(app, 'Serving');
  const alarm = new cloudwatch.Alarm(stack, 'Errors', {
    metric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors' }),
    threshold: 1,
    evaluationPeriods: 1,
  });
  const deployer = new ModelDeployer(stack, 'Deployer', {
    modelPackageGroupName: 'churn-models',
    servingName: 'churn',
    servingRole: new iam.Role(stack, 'ServingRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }),
    key: new kms.Key(stack, 'Key'),
    rollbackAlarms: [alarm],
    referencedStacks: [],
    modelMonitor: false,
    logRetention: logs.RetentionDays.ONE_MONTH,
    removal,
  });
  return { app, deployer, template: Template.fromStack(stack) };
}

const KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
const QUEUE_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeployerDeadLetters'), 'Arn'] };

/** The statements of the deploy function role's policy. */
function functionStatements(template: Template): Record<string, unknown>[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes('DeployerFunctionRole'),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
}

describe('ModelDeployer', () => {
  const { app, deployer, template } = deployerIn();

  it('deploys each approved version of its group, and no other state change', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: ['churn-models'], ModelApprovalStatus: ['Approved'] },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeployerFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: QUEUE_ARN },
        }),
      ],
    });
  });

  it('tells the function which stack to update, with which role, for which group, and waits up to 12 minutes', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STACK_NAME: 'Serving',
          CLOUDFORMATION_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeployerDeployRole'), 'Arn'] },
          MODEL_PACKAGE_GROUP_NAME: 'churn-models',
        }),
      },
      Timeout: 720,
      DeadLetterConfig: { TargetArn: QUEUE_ARN },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
    });
  });

  it('keeps undeliverable approvals for 14 days in a queue under the key that refuses plain HTTP', () => {
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: KEY_ARN, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it.each([
    ['retain', 'Retain'],
    ['destroy', 'Delete'],
  ] as const)('keeps its dead letters by the removal mode (%s)', (removal, policy) => {
    deployerIn(removal).template.hasResource('AWS::SQS::Queue', { DeletionPolicy: policy });
  });

  it('deploys through a role only CloudFormation may assume, holding the deploy policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      Description: 'ml-lifecycle-cdk: CloudFormation deploys approved churn models to churn',
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^DeployerDeployRole') }],
    });
    expect(deployer.deployPolicy.statementGroups.length).toBeGreaterThan(0);
  });

  it('lets the function update only this stack, passing only the deploy role, and only to CloudFormation', () => {
    const statements = functionStatements(template);
    expect(statements).toContainEqual({
      Sid: 'UpdateThisStack',
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'cloudformation:UpdateStack'],
      Resource: { Ref: 'AWS::StackId' },
    });
    expect(statements).toContainEqual({
      Sid: 'PassDeployRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DeployerDeployRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    });
  });

  it('lets the function read the approved versions of its group, and change none', () => {
    const statements = functionStatements(template);
    expect(statements).toContainEqual({
      Sid: 'ReadApprovedPackages',
      Effect: 'Allow',
      Action: 'sagemaker:DescribeModelPackage',
      Resource: accountArn('sagemaker', 'model-package/churn-models/*'),
    });
    const sageMakerActions = statements
      .flatMap((s) => [s.Action].flat())
      .filter((a) => String(a).startsWith('sagemaker:'));
    expect(sageMakerActions).toEqual(['sagemaker:DescribeModelPackage']);
  });

  it('lets the function encrypt what it sends to its dead-letter queue, through SQS only', () => {
    expect(functionStatements(template)).toContainEqual({
      Sid: 'EncryptDeadLetters',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      Condition: {
        StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      },
    });
  });

  it('acknowledges the wildcards of its roles and that its queue is itself a dead-letter queue, so none is left to find', () => {
    const findings = unacknowledgedFindings(app, /^AwsSolutions-(IAM5|SQS3)/);
    expect(findings).toEqual([]);
  });
});
