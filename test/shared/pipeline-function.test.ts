import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { PipelineFunction, type PipelineFunctionProps } from '../../lib/shared/pipeline-function';
import { defaultPolicyOf } from '../../lib/shared/cdk-internals';
import { RULES } from '../../lib/shared/compliance';
import { CDK_JSON_CONTEXT } from '../support/app';

/** A stack as the app's, with Lambda bundling skipped unless a test bundles on purpose. */
function newStack(bundle = false): Stack {
  const context = bundle ? CDK_JSON_CONTEXT : { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] };
  return new Stack(new App({ context }), 'Test');
}

function functionIn(stack: Stack, props: Partial<PipelineFunctionProps> = {}): PipelineFunction {
  return new PipelineFunction(stack, 'Gate', {
    folder: 'quality-gate',
    description: 'Decides whether the model may be registered',
    environment: { MIN_AUC: '0.8' },
    logKey: new kms.Key(stack, 'Key'),
    logRetention: logs.RetentionDays.ONE_MONTH,
    removal: 'retain',
    ...props,
  });
}

function templateOf(props: Partial<PipelineFunctionProps> = {}): Template {
  const stack = newStack();
  functionIn(stack, props);
  return Template.fromStack(stack);
}

/** The acknowledged rule ids on `construct`, with their reasons. */
function acknowledged(construct: IConstruct): Record<string, string> {
  return Object.fromEntries(
    construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]),
  );
}

describe('PipelineFunction', () => {
  const template = templateOf();

  it('runs on Node.js 24 on arm64, with JSON logs, info for the application and warnings for the runtime', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
    });
  });

  it('takes 256 MiB and one minute unless told otherwise', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 256, Timeout: 60 });
    templateOf({ memoryMiB: 1024, timeout: Duration.minutes(5) }).hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 300,
    });
  });

  it('passes its configuration as environment variables, with source maps turned on', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MIN_AUC: '0.8', NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  it('traces with X-Ray', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' }),
        ]),
      },
    });
  });

  it('bundles lambda/<folder>/handler.ts, and refuses a folder without one', () => {
    expect(() => functionIn(newStack(), { folder: 'no-such-function' })).toThrow(
      path.join('lambda', 'no-such-function', 'handler.ts'),
    );
  });

  it('bundles minified with a source map, leaving the AWS SDK to the runtime', () => {
    const stack = newStack(true);
    functionIn(stack);
    const assembly = App.of(stack)?.synth();
    const assets = fs
      .readdirSync(assembly?.directory ?? '')
      .map((name) => path.join(assembly?.directory ?? '', name))
      .filter((dir) => fs.existsSync(path.join(dir, 'index.js')));
    expect(assets).toHaveLength(1);
    const bundle = fs.readFileSync(path.join(assets[0] ?? '', 'index.js'), 'utf8');
    expect(fs.existsSync(path.join(assets[0] ?? '', 'index.js.map'))).toBe(true);
    expect(bundle).toMatch(/require\("@aws-sdk\/client-sagemaker"\)/);
    // Minified: a few long lines, not the handler's formatted source.
    expect(bundle.split('\n').length).toBeLessThan(5);
  });

  it('logs to its own log group, encrypted with the given key and kept as long as told', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    const [logGroup] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      RetentionInDays: 30,
    });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroup } } });
  });

  it.each([
    ['retain', 'Retain'],
    ['destroy', 'Delete'],
  ] as const)('keeps its log group by the removal mode (%s)', (removal, policy) => {
    templateOf({ removal }).hasResource('AWS::Logs::LogGroup', { DeletionPolicy: policy, UpdateReplacePolicy: policy });
  });

  it('has a role of its own that Lambda assumes, with no managed policy, that may write only its own logs', () => {
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      },
      ManagedPolicyArns: Match.absent(),
      Description: 'ml-lifecycle-cdk quality-gate: Decides whether the model may be registered',
    });
    const [logGroup] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('has no dead-letter queue by default, and acknowledges that a pipeline step needs none', () => {
    const stack = newStack();
    const fn = functionIn(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: Match.absent() });
    const acks = acknowledged(fn.function);
    for (const id of RULES.lambdaDlq) {
      expect(acks[id]).toMatch(/Step Functions invokes the quality-gate function synchronously/);
    }
  });

  it('acknowledges the missing dead-letter queue with the failure handling it is given', () => {
    const fn = functionIn(newStack(), {
      use: { failureHandling: 'A custom resource: CloudFormation reports its failure.' },
    });
    expect(acknowledged(fn.function)[RULES.lambdaDlq[0]]).toBe(
      'A custom resource: CloudFormation reports its failure.',
    );
  });

  it('sends failed asynchronous events to the dead-letter queue it is given, and then acknowledges nothing about it', () => {
    const stack = newStack();
    const queue = new sqs.Queue(stack, 'Dlq');
    const fn = functionIn(stack, { deadLetterQueue: queue });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Dlq'), 'Arn'] } },
    });
    for (const id of RULES.lambdaDlq) {
      expect(acknowledged(fn.function)).not.toHaveProperty([id]);
    }
  });

  it('names what its wildcard grants are for, tracing and what it is told', () => {
    const fn = functionIn(newStack(), {
      use: { otherWildcardGrants: 'SageMaker ListModelPackages takes no resource' },
    });
    expect(acknowledged(defaultPolicyOf(fn.role))['AwsSolutions-IAM5[Resource::*]']).toMatch(
      /tracing grant names no resource; SageMaker ListModelPackages takes no resource\.$/,
    );
  });
});
