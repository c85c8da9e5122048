import { type CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  autoDeleteObjectsHandlerOf,
  autoDeleteObjectsProviderOf,
  cloudTrailLogsRoleOf,
  defaultPolicyOf,
  nagResourceName,
} from '../../lib/shared/cdk-internals';
import { testApp } from '../support/app';

// These tests pin what lib/shared/cdk-internals.ts relies on in aws-cdk-lib and cdk-nag: when an
// upgrade moves an internal, the helper throws an error that names it, or the expectation below
// names what no longer matches.

function newStack(): Stack {
  return new Stack(testApp(), 'Test');
}

function lambdaRole(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

/** The logical ID of `construct`'s CloudFormation resource. */
function logicalIdOf(stack: Stack, construct: iam.Policy | iam.Role): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

describe('defaultPolicyOf', () => {
  it("is the policy the role's grants are written to", () => {
    const stack = newStack();
    const role = lambdaRole(stack);
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.grantRead(role);
    const policy = defaultPolicyOf(role);
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy');
    expect(Object.keys(policies)).toEqual([logicalIdOf(stack, policy)]);
    expect(policies[logicalIdOf(stack, policy)]?.Properties).toMatchObject({
      Roles: [{ Ref: logicalIdOf(stack, role) }],
      PolicyDocument: { Statement: [expect.objectContaining({ Action: expect.arrayContaining(['s3:GetObject*']) })] },
    });
  });

  it('says which helper to update when the role has no grant policy', () => {
    expect(() => defaultPolicyOf(lambdaRole(newStack()))).toThrow(
      /Test\/Role: cannot find the role's grant policy .*Update defaultPolicyOf in lib\/shared\/cdk-internals\.ts/,
    );
  });
});

describe('cloudTrailLogsRoleOf', () => {
  it('is the role the trail delivers to CloudWatch Logs with', () => {
    const stack = newStack();
    const trail = new cloudtrail.Trail(stack, 'Trail', { sendToCloudWatchLogs: true });
    const role = cloudTrailLogsRoleOf(trail);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudTrail::Trail', {
      CloudWatchLogsRoleArn: { 'Fn::GetAtt': [logicalIdOf(stack, role), 'Arn'] },
    });
  });

  it('says which helper to update when the trail has no such role', () => {
    const trail = new cloudtrail.Trail(newStack(), 'Trail', { sendToCloudWatchLogs: false });
    expect(() => cloudTrailLogsRoleOf(trail)).toThrow(/Update cloudTrailLogsRoleOf in/);
  });
});

describe('the S3 auto-delete provider', () => {
  const stack = newStack();
  new s3.Bucket(stack, 'Bucket', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });
  const template = Template.fromStack(stack);
  const [deleter] = Object.values(template.findResources('Custom::S3AutoDeleteObjects'));

  it('is the provider behind the buckets’ Custom::S3AutoDeleteObjects resources', () => {
    expect(deleter?.Properties.ServiceToken).toEqual(stack.resolve(autoDeleteObjectsProviderOf(stack).serviceToken));
  });

  it('has as its function the one that runs as the provider’s role', () => {
    const handler = autoDeleteObjectsHandlerOf(stack);
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toEqual([stack.getLogicalId(handler)]);
    expect(functions[stack.getLogicalId(handler)]?.Properties.Role).toEqual(
      stack.resolve(autoDeleteObjectsProviderOf(stack).roleArn),
    );
  });

  it('says which helper to update in a stack without one', () => {
    const bare = newStack();
    expect(() => autoDeleteObjectsProviderOf(bare)).toThrow(/Update autoDeleteObjectsProviderOf in/);
    expect(() => autoDeleteObjectsHandlerOf(bare)).toThrow(/Update autoDeleteObjectsProviderOf in/);
  });
});

describe('nagResourceName', () => {
  it('spells a wildcard resource as cdk-nag does in the finding it raises', () => {
    const app = testApp();
    const stack = new Stack(app, 'Test');
    const role = lambdaRole(stack);
    const objects = new s3.Bucket(stack, 'Bucket').arnForObjects('raw/*');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    const iam5 = new AwsSolutionsChecks(app)
      .validateScope(app)
      .violations.map((v) => v.ruleName)
      .filter((name) => name.startsWith('AwsSolutions-IAM5'));
    expect(iam5).toEqual([`AwsSolutions-IAM5[Resource::${nagResourceName(stack.resolve(objects))}]`]);
  });

  it('keeps a plain string as it is', () => {
    expect(nagResourceName('*')).toBe('*');
  });
});
