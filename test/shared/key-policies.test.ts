import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  allowCloudWatchAlarmsToUseForTopics,
  allowCloudWatchLogsToEncrypt,
  allowEventBridgeToUseForTopics,
  denyGrantsExceptThroughAwsServices,
  fromAlarmsOfThisAccount,
} from '../../lib/shared/key-policies';
import { testApp } from '../support/app';
import { CLOUDWATCH_LOGS_KEY_STATEMENT, FROM_ALARMS_OF_THIS_ACCOUNT } from '../support/conditions';

/** The statements of the policy of a key that `addStatement` was applied to, besides the CDK's account-root one. */
function statementsAfter(addStatement: (key: kms.Key) => void): Record<string, unknown>[] {
  const stack = new Stack(testApp(), 'Test');
  const key = new kms.Key(stack, 'Key');
  addStatement(key);
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'));
  const statements = resource?.Properties.KeyPolicy.Statement as Record<string, unknown>[];
  return statements.filter((s) => s.Sid !== undefined);
}

describe('key policies', () => {
  it('lets CloudWatch Logs of the key’s region encrypt only log groups of the key’s account', () => {
    expect(statementsAfter(allowCloudWatchLogsToEncrypt)).toEqual([CLOUDWATCH_LOGS_KEY_STATEMENT]);
  });

  it('lets EventBridge make and open data keys for encrypted topics, without a source condition SNS would not honour', () => {
    expect(statementsAfter(allowEventBridgeToUseForTopics)).toEqual([
      {
        Sid: 'AllowEventBridgeToPublishToEncryptedTopics',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
      },
    ]);
  });

  it('lets CloudWatch alarms of this account and region, and no other, use the key for topics', () => {
    expect(statementsAfter(allowCloudWatchAlarmsToUseForTopics)).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: FROM_ALARMS_OF_THIS_ACCOUNT,
      },
    ]);
  });

  it('denies grants on the key to everyone unless an AWS service asks for them (CT.KMS.PR.3)', () => {
    expect(statementsAfter(denyGrantsExceptThroughAwsServices)).toEqual([
      {
        Sid: 'DenyGrantsExceptThroughAwsServices',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      },
    ]);
  });

  it('names alarms of the scope’s partition, region and account as the source', () => {
    const stack = new Stack(testApp(), 'Test', {
      env: { account: '123456789012', region: 'cn-north-1' },
    });
    expect(stack.resolve(fromAlarmsOfThisAccount(stack))).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': 'arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:*',
      },
    });
  });
});
