import { Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { RemovalMode } from '../../lib/config';
import { RecordCleaner } from '../../lib/ingestion/record-cleaner';
import { RULES } from '../../lib/shared/compliance';
import { testApp } from '../support/app';
import { acknowledgedIds, arnOf, logicalId, unacknowledgedFindings } from '../support/resources';

function cleanerIn(options: { reservedConcurrentExecutions?: number; removal?: RemovalMode } = {}): {
  cleaner: RecordCleaner;
  key: kms.Key;
  template: Template;
} {
  // Bundling is skipped, as in test/support/app.ts: these tests read the template, not the bundle.
  const stack = new Stack(testApp({ 'aws:cdk:bundling-stacks': [] }), 'Test');
  const key = new kms.Key(stack, 'Key');
  const cleaner = new RecordCleaner(stack, 'Cleaner', {
    memorySize: Size.mebibytes(768),
    reservedConcurrentExecutions: options.reservedConcurrentExecutions,
    logKey: key,
    logRetention: logs.RetentionDays.TWO_WEEKS,
    removal: options.removal ?? 'retain',
  });
  return { cleaner, key, template: Template.fromStack(stack) };
}

describe('RecordCleaner', () => {
  const { cleaner, key, template } = cleanerIn();

  it('runs on Node.js 24 on Graviton with the memory it is given, a one-minute timeout, JSON logs and source maps', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 768,
      Timeout: 60,
      Handler: 'index.handler',
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' }),
    });
  });

  it('logs to its own log group, encrypted with the key it is given and kept as long as told', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: arnOf(key), RetentionInDays: 14 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: Match.objectLike({ LogGroup: { Ref: logicalId(cleaner.logGroup) } }),
    });
  });

  it('has a role of its own with no managed policy, allowed only to write its logs', () => {
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: arnOf(cleaner.logGroup),
          },
        ],
        Version: '2012-10-17',
      },
    });
  });

  it.each([
    ['retain', 'Retain'],
    ['destroy', 'Delete'],
  ] as const)('keeps its log group by the removal mode (%s)', (removal, policy) => {
    cleanerIn({ removal }).template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: policy });
  });

  describe('concurrency', () => {
    const reserved = cleanerIn({ reservedConcurrentExecutions: 5 });

    it('reserves none unless told, and acknowledges that', () => {
      template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
      expect(acknowledgedIds(cleaner.function)).toEqual(expect.arrayContaining([...RULES.lambdaConcurrency]));
    });

    it('reserves what it is told, and then acknowledges nothing about it', () => {
      reserved.template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 5 });
      const acknowledged = acknowledgedIds(reserved.cleaner.function);
      expect(acknowledged).toEqual(expect.arrayContaining([...RULES.lambdaDlq, ...RULES.lambdaInVpc]));
      for (const id of RULES.lambdaConcurrency) {
        expect(acknowledged).not.toContain(id);
      }
    });

    it.each([
      ['unreserved', cleaner],
      ['reserved', reserved.cleaner],
    ])('leaves no finding of the cdk-nag packs unacknowledged (%s)', (_name, built) => {
      expect(unacknowledgedFindings(built)).toEqual([]);
    });
  });
});
