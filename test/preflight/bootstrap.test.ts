import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  type BootstrapRequirement,
  bootstrapRequirement,
  checkBootstrap,
  qualifierOf,
} from '../../lib/preflight/bootstrap';
import { buildApp } from '../support/app';

const cloudFormation = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);
beforeEach(() => {
  cloudFormation.reset();
  ssm.reset();
});

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const REQUIREMENT: BootstrapRequirement = { minVersion: 6, versionParameter: '/cdk-bootstrap/hnb659fds/version' };
const config = { region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 's' } };
const clients = () => ({ cloudFormation: new CloudFormationClient(config), ssm: new SSMClient(config) });
const check = (requirement = REQUIREMENT, toolkitStackName = 'CDKToolkit') =>
  checkBootstrap(clients(), { requirement, toolkitStackName, account: ACCOUNT, region: REGION });
const toolkit = (status: Stack['StackStatus'] = 'UPDATE_COMPLETE', version = '27'): Stack => ({
  StackName: 'CDKToolkit',
  StackStatus: status,
  CreationTime: new Date(),
  Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: version }],
});
const notFound = () => new ParameterNotFound({ message: 'not found', $metadata: {} });

describe('checkBootstrap', () => {
  it('blocks when there is no bootstrap stack, with the bootstrap command for the account and region', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id CDKToolkit does not exist'), { name: 'ValidationError' }));
    const result = await check();
    expect(result.status).toBe('blocker');
    expect(result.fix).toContain('npx cdk bootstrap aws://123456789012/eu-west-1');
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'CDKToolkit' });
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  it('blocks when the bootstrap version is older than the app requires', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [toolkit('UPDATE_COMPLETE', '5')] });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '5' } });
    const result = await check();
    expect(result.status).toBe('blocker');
    expect(result.message).toContain('version 5');
    expect(result.message).toContain('require 6 or later');
  });

  it('is ok at the required version or later, read from the parameter the templates read', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [toolkit()] });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '27' } });
    const result = await check();
    expect(result.status).toBe('ok');
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/cdk-bootstrap/hnb659fds/version' });
  });

  it('blocks when the stack exists but the qualifier has no version parameter, naming the qualifier', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [toolkit()] });
    ssm.on(GetParameterCommand).rejects(notFound());
    const result = await check({ minVersion: 6, versionParameter: '/cdk-bootstrap/custom1/version' });
    expect(result.status).toBe('blocker');
    expect(result.message).toContain('qualifier custom1');
    expect(result.fix).toContain('--qualifier custom1');
  });

  it('blocks on a bootstrap stack that rolled back, saying to delete it first', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [toolkit('ROLLBACK_COMPLETE')] });
    const result = await check();
    expect(result.status).toBe('blocker');
    expect(result.fix).toContain('delete-stack --stack-name CDKToolkit');
  });

  it('looks for the toolkit stack it is given', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Other does not exist'), { name: 'ValidationError' }));
    const result = await check(REQUIREMENT, 'Other');
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'Other' });
    expect(result.fix).toContain('--toolkit-stack-name Other');
  });

  it('falls back to the stack output when the parameter cannot be read', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [toolkit('UPDATE_COMPLETE', '4')] });
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    expect((await check()).status).toBe('blocker');
  });
});

describe('bootstrapRequirement', () => {
  it('reads the qualifier of a version parameter', () => {
    expect(qualifierOf('/cdk-bootstrap/hnb659fds/version')).toBe('hnb659fds');
    expect(qualifierOf('/elsewhere')).toBeUndefined();
  });

  // The same app the CLI synthesizes (test/support/app.ts builds it as bin/app.ts does).
  let assembly: ReturnType<ReturnType<typeof buildApp>['app']['synth']>;
  beforeAll(() => {
    assembly = buildApp().app.synth();
  });

  it('is the highest version any stack or asset manifest of the synthesized app requires', () => {
    const requirement = bootstrapRequirement(assembly);
    const stated = assembly.artifacts.map(
      (a) =>
        (a.manifest.properties as { requiresBootstrapStackVersion?: number } | undefined)
          ?.requiresBootstrapStackVersion ?? 0,
    );
    expect(requirement.minVersion).toBe(Math.max(...stated));
    expect(requirement.minVersion).toBeGreaterThanOrEqual(6);
    expect(requirement.versionParameter).toBe('/cdk-bootstrap/hnb659fds/version');
  });

  it('agrees with the CheckBootstrapVersion rule CloudFormation evaluates in every template', () => {
    const { minVersion } = bootstrapRequirement(assembly);
    const rejected = Array.from({ length: minVersion - 1 }, (_, i) => String(i + 1));
    for (const stack of assembly.stacks) {
      const rule = Template.fromJSON(stack.template as Record<string, unknown>).toJSON().Rules.CheckBootstrapVersion;
      expect(JSON.stringify(rule.Assertions)).toContain(JSON.stringify(rejected));
    }
  });
});
