import type { App } from 'aws-cdk-lib';
import { CfnResource, CloudFormationValidatePlugin, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { defaultPolicyOf } from '../../lib/shared/cdk-internals';
import {
  acknowledgeFindings,
  acknowledgementsIn,
  addComplianceChecks,
  wildcardFindingsOf,
  wildcardResourceFinding,
} from '../../lib/shared/compliance';
import { PRODUCTION_CONTEXT, buildApp, testApp } from '../support/app';

/** Each finding as `<rule> at <construct path>`, so a failure lists exactly what to fix. */
function findings(app: App): string[] {
  return addComplianceChecks(app).flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
  );
}

describe.each([
  ['sandbox', {}],
  ['production', PRODUCTION_CONTEXT],
])('compliance (%s)', (_stage, context) => {
  it('has no unacknowledged finding in AwsSolutions, NIST 800-53 R5 or HIPAA Security', () => {
    expect(findings(buildApp(context).app)).toEqual([]);
  });

  it('acknowledges the template check on the Serving stack for its parameter defaults and nothing else', () => {
    const serving = acknowledgementsIn(buildApp(context).app).filter((a) => a.path === 'Serving');
    expect(serving.map((a) => a.id)).toEqual(['CloudFormation-Validate::W1030']);
  });

  it('acknowledges findings only on single resources, never on a stack or a group of resources', () => {
    const { app } = buildApp(context);
    // The one exception: the template check's finding about the Serving stack's parameter defaults,
    // which belong to the stack, not to a resource (see lib/serving/serving-stack.ts).
    const stackLevel = (ack: { path: string; id: string }) =>
      ack.path === 'Serving' && ack.id === 'CloudFormation-Validate::W1030';
    for (const ack of acknowledgementsIn(app).filter((a) => !stackLevel(a))) {
      const isOneResource =
        CfnResource.isCfnResource(ack.construct) || CfnResource.isCfnResource(ack.construct.node.defaultChild);
      expect({ path: ack.path, isOneResource }).toEqual({ path: ack.path, isOneResource: true });
    }
  });

  it('gives every acknowledgement a reason of its own', () => {
    const acks = acknowledgementsIn(buildApp(context).app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(60);
    }
    // The same reason on two resources would mean a reason that is not specific to either.
    const reasonsByPath = new Map<string, Set<string>>();
    for (const ack of acks) {
      reasonsByPath.set(ack.reason, (reasonsByPath.get(ack.reason) ?? new Set()).add(ack.path));
    }
    for (const [reason, paths] of reasonsByPath) {
      expect({ reason, paths: [...paths] }).toEqual({ reason, paths: [expect.any(String)] });
    }
  });
});

/** The validation plugins registered on the app, in their order (CDK keeps them in a private field). */
function validationPluginsOf(app: App): { name: string }[] {
  return (app as unknown as { _validationPlugins: { name: string }[] })._validationPlugins;
}

describe('compliance gate', () => {
  it('lets the whole app synthesize with the packs and the Control Tower controls registered, as `cdk synth` does', () => {
    for (const context of [{}, PRODUCTION_CONTEXT]) {
      const { app } = buildApp(context);
      addComplianceChecks(app);
      expect(() => app.synth()).not.toThrow();
    }
  });

  it("runs CDK's CloudFormation Validate first, then the packs, then the Control Tower controls (which run meanwhile)", () => {
    const app = testApp();
    addComplianceChecks(app);
    const plugins = validationPluginsOf(app);
    expect(plugins.map((p) => p.name)).toEqual([
      'CloudFormation Validate',
      'AwsSolutions',
      'NIST.800.53.R5',
      'HIPAA.Security',
      'ControlTower',
    ]);
    expect(plugins[0]).toBeInstanceOf(CloudFormationValidatePlugin);
  });

  it('leaves CloudFormation Validate to CDK when CDK_VALIDATION=false turns it off', () => {
    const app = testApp();
    process.env.CDK_VALIDATION = 'false';
    try {
      addComplianceChecks(app);
    } finally {
      delete process.env.CDK_VALIDATION;
    }
    const plugins = validationPluginsOf(app);
    expect(plugins.map((p) => p.name)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'ControlTower']);
  });

  it("reports CloudFormation Validate's findings under its own name, as CDK's plugin does", () => {
    const app = testApp();
    const stack = new Stack(app, 'Control');
    new CfnResource(stack, 'Bad', { type: 'AWS::S3::Bucket', properties: { NoSuchProperty: true } });
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow(/NoSuchProperty.*\(CloudFormation Validate\)/);
  });

  it('still sees a bare bucket (positive control: the packs can fail)', () => {
    const app = testApp();
    new s3.Bucket(new Stack(app, 'Control'), 'Bare');
    const found = findings(app);
    expect(found).toContain('AwsSolutions-S1 at Control/Bare/Resource');
    expect(found).toContain('NIST.800.53.R5-S3DefaultEncryptionKMS at Control/Bare/Resource');
    expect(found).toContain('HIPAA.Security-S3BucketLoggingEnabled at Control/Bare/Resource');
  });

  it('fails synth on an unacknowledged finding', () => {
    const app = testApp();
    new s3.Bucket(new Stack(app, 'Control'), 'Bare');
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});

describe('acknowledgeFindings', () => {
  it('acknowledges each of the given rules on the construct, with the one reason, and no other rule', () => {
    const app = testApp();
    const bucket = new s3.Bucket(new Stack(app, 'Control'), 'Bare');
    acknowledgeFindings(bucket, ['AwsSolutions-S1', 'AwsSolutions-S10'], 'A control bucket that no one writes to.');
    expect(acknowledgementsIn(bucket).map(({ id, reason }) => ({ id, reason }))).toEqual([
      { id: 'AwsSolutions-S1', reason: 'A control bucket that no one writes to.' },
      { id: 'AwsSolutions-S10', reason: 'A control bucket that no one writes to.' },
    ]);
    const found = findings(app);
    expect(found).not.toContain('AwsSolutions-S1 at Control/Bare/Resource');
    expect(found).not.toContain('AwsSolutions-S10 at Control/Bare/Resource');
    expect(found).toContain('NIST.800.53.R5-S3DefaultEncryptionKMS at Control/Bare/Resource');
  });
});

describe('IAM5 findings', () => {
  /** A role whose policy reads the objects under two prefixes of a bucket, and the findings of the stack. */
  function roleReading(prefixes: string[]): { app: App; stack: Stack; policy: iam.Policy; objects: string[] } {
    const app = testApp();
    const stack = new Stack(app, 'Control');
    const bucket = new s3.Bucket(stack, 'Bucket');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const objects = prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects }));
    return { app, stack, policy: defaultPolicyOf(role), objects };
  }

  const iam5 = (app: App): string[] => findings(app).filter((f) => f.startsWith('AwsSolutions-IAM5'));

  it('acknowledges one wildcard resource by its finding, and leaves another one failing', () => {
    const { app, stack, policy, objects } = roleReading(['raw/', 'curated/']);
    acknowledgeFindings(policy, [wildcardResourceFinding(stack, objects[0] ?? '')], 'Reads the raw zone, by design.');
    expect(iam5(app)).toEqual([
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::<Bucket[0-9A-F]{8}\.Arn>\/curated\/\*\] at Control\/Role\/DefaultPolicy\/Resource$/,
      ),
    ]);
  });

  it('lists the wildcard actions and resources a policy allows, not those it denies', () => {
    const { policy } = roleReading(['raw/']);
    policy.addStatements(
      new iam.PolicyStatement({ actions: ['kms:GenerateDataKey*'], resources: ['*'] }),
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:Delete*'], resources: ['arn:*'] }),
    );
    expect(wildcardFindingsOf(policy).sort()).toEqual([
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Resource::*]',
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<Bucket[0-9A-F]{8}\.Arn>\/raw\/\*\]$/),
    ]);
  });

  it('lists exactly the findings cdk-nag raises on the policy, so acknowledging them leaves none', () => {
    const { app, policy } = roleReading(['raw/', 'curated/']);
    policy.addStatements(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey*'], resources: ['*'] }));
    const listed = wildcardFindingsOf(policy);
    expect(
      iam5(app)
        .map((f) => f.replace(/ at .*$/, ''))
        .sort(),
    ).toEqual([...listed].sort());
    acknowledgeFindings(policy, listed, 'Control policy, acknowledged whole.');
    expect(iam5(app)).toEqual([]);
  });
});
