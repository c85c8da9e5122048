import { unacknowledgedFindings } from '../support/resources';
import type { App } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { RemovalMode } from '../../lib/config';
import { ModelRegistry } from '../../lib/training/model-registry';
import { testApp } from '../support/app';
import { accountArn } from '../support/conditions';

/** The registry alone in a stack, with the removal mode given; Lambda bundling skipped. */
function registryIn(removal: RemovalMode): { app: App; template: Template } {
  const app = testApp({ 'aws:cdk:bundling-stacks': [] });
  const stack = new Stack(app, 'Test');
  new ModelRegistry(stack, 'Registry', {
    groupName: 'churn-models',
    description: 'Customer churn models',
    removal,
    logKey: new kms.Key(stack, 'LogKey'),
    logRetention: logs.RetentionDays.ONE_WEEK,
  });
  return { app, template: Template.fromStack(stack) };
}

describe('ModelRegistry', () => {
  describe('destroyed with its stack', () => {
    const { app, template } = registryIn('destroy');

    it('is one model package group, with its name and description, deleted with the stack', () => {
      template.resourceCountIs('AWS::SageMaker::ModelPackageGroup', 1);
      template.hasResource('AWS::SageMaker::ModelPackageGroup', {
        Properties: {
          ModelPackageGroupName: 'churn-models',
          ModelPackageGroupDescription: 'Customer churn models',
        },
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
    });

    it('deletes every version before the group, and gives up after 15 minutes should the function not answer', () => {
      const empties = template.findResources('Custom::EmptyModelPackageGroup');
      expect(Object.values(empties)).toEqual([
        expect.objectContaining({
          Properties: {
            ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^RegistryEmptierFunction/), 'Arn'] },
            ServiceTimeout: '900',
            ModelPackageGroupName: 'churn-models',
          },
          DependsOn: [expect.stringMatching(/^Registry[0-9A-F]{8}$/)],
        }),
      ]);
    });

    it('empties the group with the empty-model-registry function, given ten minutes', () => {
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('every version in the model package group churn-models'),
        Timeout: 600,
        LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7, KmsKeyId: Match.anyValue() });
    });

    it('lets the function list versions, and delete only the versions of its one group', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Sid: 'ListVersions', Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: '*' },
            {
              Sid: 'DeleteVersions',
              Effect: 'Allow',
              Action: 'sagemaker:DeleteModelPackage',
              Resource: accountArn('sagemaker', 'model-package/churn-models/*'),
            },
          ]),
        },
      });
      const actions = JSON.stringify(template.findResources('AWS::IAM::Policy'));
      expect(actions).not.toMatch(/sagemaker:DeleteModelPackageGroup|sagemaker:\*/);
    });

    it('acknowledges the wildcards of the function’s grants, so none is left to find', () => {
      const iam5 = unacknowledgedFindings(app, /^AwsSolutions-IAM5/);
      expect(iam5).toEqual([]);
    });
  });

  describe('retained', () => {
    const { template } = registryIn('retain');

    it('outlives the stack, and so needs nothing to empty it', () => {
      template.hasResource('AWS::SageMaker::ModelPackageGroup', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.resourceCountIs('Custom::EmptyModelPackageGroup', 0);
      template.resourceCountIs('AWS::Lambda::Function', 0);
      template.resourceCountIs('AWS::IAM::Role', 0);
    });
  });
});
