import * as path from 'node:path';
import {
  App,
  type IPolicyValidationContextBeta1,
  type PolicyValidationPluginReportBeta1,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  ControlTowerChecks,
  controlTowerRulesFor,
  resourceTypesIn,
  withCrossStackReferencesResolved,
} from '../../lib/shared/control-tower';
import { denyGrantsExceptThroughAwsServices } from '../../lib/shared/key-policies';
import { testApp } from '../support/app';

/** The message `app.synth()` fails with, or '' when it passes. */
function synthFailure(app: App): string {
  try {
    app.synth();
    return '';
  } catch (e) {
    return String(e);
  }
}

/**
 * An app with the Control Tower checks only: a key in one stack, and in another a queue encrypted
 * with it (a cross-stack reference) beside a log group that breaks two controls.
 */
function appWithFindings(acknowledge?: (logGroup: logs.LogGroup) => void, checks = true): App {
  const app = testApp();
  if (checks) {
    Validations.of(app).addPlugins(new ControlTowerChecks());
  }
  const key = new kms.Key(new Stack(app, 'Keys'), 'Key', { enableKeyRotation: true });
  const consumer = new Stack(app, 'Consumer');
  new sqs.Queue(consumer, 'Queue', {
    encryptionMasterKey: key,
    deadLetterQueue: { queue: new sqs.Queue(consumer, 'Dead', { encryptionMasterKey: key }), maxReceiveCount: 3 },
  });
  const logGroup = new logs.LogGroup(consumer, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
  acknowledge?.(logGroup);
  return app;
}

describe('ControlTowerChecks', () => {
  it('fails synth on a broken control, naming the control id and the construct', () => {
    const failure = synthFailure(appWithFindings());
    expect(failure).toContain('[CT.CLOUDWATCH.PR.2]'); // retention under a year
    expect(failure).toContain('[CT.CLOUDWATCH.PR.3]'); // no KMS key
    expect(failure).toContain('Consumer/Logs/Resource');
    expect(failure).toContain("Acknowledge with 'ControlTower::CT.CLOUDWATCH.PR.2'");
  });

  it('reads a key from another stack as the ARN it becomes at deploy time', () => {
    const failure = synthFailure(appWithFindings());
    expect(failure).not.toContain('[CT.SQS.PR.2]'); // both queues are encrypted with the key of stack Keys
    expect(failure).not.toContain('Consumer/Queue');
  });

  it('lets a finding be acknowledged on its resource by control id, and only that finding', () => {
    const failure = synthFailure(
      appWithFindings((logGroup) =>
        Validations.of(logGroup).acknowledge({
          id: 'ControlTower::CT.CLOUDWATCH.PR.2',
          reason: 'test: retention is what this test is not about',
        }),
      ),
    );
    expect(failure).not.toContain('[CT.CLOUDWATCH.PR.2]');
    expect(failure).toContain('[CT.CLOUDWATCH.PR.3]');
  });

  it('passes an app that breaks no control', () => {
    const app = testApp();
    Validations.of(app).addPlugins(new ControlTowerChecks());
    const stack = new Stack(app, 'Clean');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    denyGrantsExceptThroughAwsServices(key); // CT.KMS.PR.3
    new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key });
    expect(synthFailure(app)).toBe('');
  });
});

describe('ControlTowerChecks.start', () => {
  /** The templates of `app` (which has no plugins), synthesized, and a context for a plugin over them. */
  function contextOf(app: App): IPolicyValidationContextBeta1 {
    const assembly = app.synth();
    return { templatePaths: assembly.stacks.map((s) => s.templateFullPath), appConstruct: app };
  }

  /** Each finding as `<control> at <template file>/<logical id>`. */
  function findingsOf(report: PolicyValidationPluginReportBeta1): string[] {
    return report.violations
      .flatMap((v) =>
        v.violatingResources.map((r) => `${v.ruleName} at ${path.basename(r.templatePath)}/${r.resourceLogicalId}`),
      )
      .sort();
  }

  it('collects in validate the same findings as validate alone, from the run it started', () => {
    const context = contextOf(appWithFindings(undefined, false));
    const alone = findingsOf(new ControlTowerChecks().validate(context));
    const checks = new ControlTowerChecks();
    checks.start(context);
    const started = findingsOf(checks.validate(context));
    expect(started).toEqual(alone);
    expect(started).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.2 at Consumer\.template\.json\/Logs/)]),
    );
    // Each finding names the template the CDK wrote, not the copy cfn-guard read.
    expect(checks.validate(context).violations.flatMap((v) => v.violatingResources.map((r) => r.templatePath))).toEqual(
      expect.arrayContaining([context.templatePaths.find((p) => p.endsWith('Consumer.template.json'))]),
    );
  });

  it('does not report a run over other templates: validate checks the templates it is given', () => {
    const checks = new ControlTowerChecks();
    const clean = testApp();
    new kms.Key(new Stack(clean, 'Clean'), 'Key', { enableKeyRotation: true });
    checks.start(contextOf(clean));
    expect(findingsOf(checks.validate(contextOf(appWithFindings(undefined, false))))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CT\.CLOUDWATCH\.PR\.3 at Consumer/)]),
    );
  });

  it('fails with the reason when a template cannot be read, rather than passing', () => {
    const checks = new ControlTowerChecks();
    expect(() =>
      checks.validate({ templatePaths: ['/nonexistent/Nothing.template.json'], appConstruct: new App() }),
    ).toThrow(/ENOENT.*Nothing\.template\.json/);
  });
});

describe('controlTowerRulesFor', () => {
  const names = (types: string[]) => controlTowerRulesFor(new Set(types)).map((file) => path.basename(file));

  it('picks the rules that evaluate a resource type of the app', () => {
    const rules = names(['AWS::S3::Bucket']);
    expect(rules).toContain('ct-s3-pr-9.guard');
    expect(rules).not.toContain('ct-kinesis-pr-1.guard');
    expect(rules).not.toContain('ct-rds-pr-1.guard');
  });

  it('adds the rules of each further type, so new services bring their controls', () => {
    const both = names(['AWS::S3::Bucket', 'AWS::Kinesis::Stream']);
    expect(both).toContain('ct-s3-pr-9.guard');
    expect(both).toContain('ct-kinesis-pr-1.guard');
    expect(both.length).toBeGreaterThan(names(['AWS::S3::Bucket']).length);
  });

  it('finds the types of every shipped rule, so no rule is kept only because its types are unreadable', () => {
    // A rule whose types cannot be read runs for every app; a package update that adds one shows here.
    expect(names([])).toEqual([]);
  });
});

describe('resourceTypesIn', () => {
  it('collects every resource type of every template', () => {
    expect(
      resourceTypesIn([
        { Resources: { A: { Type: 'AWS::S3::Bucket' }, B: { Type: 'AWS::KMS::Key' } } },
        { Resources: { C: { Type: 'AWS::S3::Bucket' } } },
        {},
      ]),
    ).toEqual(new Set(['AWS::S3::Bucket', 'AWS::KMS::Key']));
  });
});

describe('withCrossStackReferencesResolved', () => {
  it('replaces Fn::GetStackOutput and Fn::ImportValue, at any depth, by a string naming the output', () => {
    const template = {
      Resources: {
        Queue: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            KmsMasterKeyId: { 'Fn::GetStackOutput': { StackName: 'lake', Region: 'eu-west-1', OutputName: 'KeyArn' } },
            Tags: [{ Key: 'k', Value: { 'Fn::ImportValue': 'lake:KeyArn' } }],
          },
        },
      },
    };
    expect(withCrossStackReferencesResolved(template).Resources.Queue.Properties).toEqual({
      KmsMasterKeyId: '<resolved at deploy: lake.KeyArn>',
      Tags: [{ Key: 'k', Value: '<resolved at deploy: lake:KeyArn>' }],
    });
  });

  it('leaves references within the stack, other functions and plain values alone', () => {
    const properties = {
      A: { Ref: 'Key' },
      B: { 'Fn::GetAtt': ['Key', 'Arn'] },
      C: { 'Fn::Join': ['', ['a', { Ref: 'AWS::Region' }]] },
      D: ['x', 1, true, null],
      // An object that merely has the key beside others is not a function call.
      E: { 'Fn::ImportValue': 'x', Other: 1 },
    };
    expect(withCrossStackReferencesResolved(properties)).toEqual(properties);
  });
});
