import { unacknowledgedFindings } from '../support/resources';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SageMakerJobRole } from '../../lib/shared/sagemaker-job-role';
import { testApp } from '../support/app';
import { accountArn } from '../support/conditions';

const KEY_ARN = { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] };

/** `arn:<partition>:logs:<region>:<account>:log-group:/aws/sagemaker/*<suffix>`, as the template holds it. */
function sageMakerLogGroups(suffix = ''): unknown {
  return accountArn('logs', `log-group:/aws/sagemaker/*${suffix}`);
}

describe('SageMakerJobRole', () => {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const lakeAccess = new iam.ManagedPolicy(stack, 'LakeAccess', {
    statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
  });
  new SageMakerJobRole(stack, 'JobRole', {
    lakeAccess,
    key: new kms.Key(stack, 'Key'),
    description: 'Jobs of the training pipeline',
    usedBy: "the training pipeline's jobs",
  });
  const template = Template.fromStack(stack);

  /** The statement with `sid` of the role's job policy. */
  function statement(sid: string): Record<string, unknown> | undefined {
    const policies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).filter(([id]) =>
      id.startsWith('JobRoleJobPolicy'),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]?.[1].Properties.PolicyDocument.Statement as Record<string, unknown>[];
    return statements.find((s) => s.Sid === sid);
  }

  it('may be assumed only by SageMaker on behalf of this account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'sagemaker.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
  });

  it('has the lake access it is given and its job policy, and no other policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^LakeAccess') }],
      Policies: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: 'Jobs of the training pipeline: job logs and metrics, the key for volumes and outputs',
      Roles: [{ Ref: Match.stringLikeRegexp('^JobRole') }],
    });
  });

  it('writes job logs only under /aws/sagemaker/', () => {
    expect(statement('WriteJobLogs')).toEqual({
      Sid: 'WriteJobLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
      Resource: [sageMakerLogGroups(), sageMakerLogGroups(':log-stream:*')],
    });
  });

  it('puts metrics only in the /aws/sagemaker/ namespaces', () => {
    expect(statement('PutJobMetrics')).toMatchObject({
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    });
  });

  it('uses the given key for volumes and outputs, and grants on it only for AWS resources', () => {
    expect(statement('EncryptVolumesAndOutputs')).toEqual({
      Sid: 'EncryptVolumesAndOutputs',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: KEY_ARN,
    });
    expect(statement('AttachEncryptedVolumes')).toMatchObject({
      Action: 'kms:CreateGrant',
      Resource: KEY_ARN,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  it('acknowledges exactly the wildcards of its job policy, and not those of the lake access it is given', () => {
    const iam5 = unacknowledgedFindings(app, /^AwsSolutions-IAM5/);
    expect(iam5).toEqual(['AwsSolutions-IAM5[Resource::*] at Test/LakeAccess/Resource']);
  });
});
