import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ListDataQualityJobDefinitionsCommand,
  ListMonitoringSchedulesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { ListServiceQuotasCommand, type ServiceQuota, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { applyImdsPolicy, defaultCredentials, main, type PreflightDeps, USAGE } from '../../bin/preflight';
import { type HostFacts, imdsPolicy } from '../../lib/preflight/credentials';
import { output } from '../support/output';

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);
const quotas = mockClient(ServiceQuotasClient);
const sageMaker = mockClient(SageMakerClient);
beforeEach(() => {
  for (const mock of [sts, cloudFormation, ssm, quotas, sageMaker]) {
    mock.reset();
  }
});

const ACCOUNT = '123456789012';

/** Runs `main` with captured output, fixed credentials, no project context and no synthesis; records the clients' region. */
async function run(argv: string[], deps: Partial<PreflightDeps> = {}) {
  const stdout = output();
  const stderr = output();
  const regions: string[] = [];
  const code = await main(argv, {
    stdout,
    stderr,
    projectContext: () => [],
    defaultRegion: () => Promise.resolve('eu-west-1'),
    credentials: () => ({
      provider: () => Promise.resolve({ accessKeyId: 'a', secretAccessKey: 's' }),
      policy: { consult: false, reason: 'test' },
    }),
    createClients: ({ region, credentials }) => {
      regions.push(region);
      const config = { region, credentials };
      return {
        sts: new STSClient(config),
        cloudFormation: new CloudFormationClient(config),
        ssm: new SSMClient(config),
        globalInfrastructure: new SSMClient(config),
        serviceQuotas: new ServiceQuotasClient(config),
        sageMaker: new SageMakerClient(config),
      };
    },
    bootstrapRequirement: () => ({ minVersion: 6, versionParameter: '/cdk-bootstrap/hnb659fds/version' }),
    ...deps,
  });
  return { code, stdout: stdout.text, stderr: stderr.text, regions };
}

const quota = (name: string, value: number): ServiceQuota => ({
  QuotaName: name,
  QuotaCode: 'L-1',
  Value: value,
  Adjustable: true,
});

/** Enough of every quota either stage uses, but the endpoint's. */
const ENOUGH = [
  quota('ml.m5.large for training job usage', 10),
  quota('ml.m5.large for spot training job usage', 10),
  quota('ml.m5.large for processing job usage', 10),
  quota('ml.m5.large for transform job usage', 10),
  quota('ml.m5.xlarge for training job usage', 10),
  quota('ml.m5.xlarge for processing job usage', 10),
];

/** An account where everything the sandbox stage needs is in place. */
function healthyAccount(account = ACCOUNT) {
  sts.on(GetCallerIdentityCommand).resolves({ Account: account, Arn: `caller-in-${account}` });
  ssm.on(GetParametersCommand).resolves({ InvalidParameters: [] });
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }],
  });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '27' } });
  quotas.on(ListServiceQuotasCommand).resolves({ Quotas: [...ENOUGH, quota('ml.m5.large for endpoint usage', 10)] });
  sageMaker.on(ListMonitoringSchedulesCommand).resolves({ MonitoringScheduleSummaries: [] });
  sageMaker.on(ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [] });
}

const MONITOR_OFF = ['--config', '{"sandbox":{"modelMonitor":{"enabled":false}}}'];

describe('usage', () => {
  it('prints the help and exits 0 without calling AWS', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(USAGE);
    expect(result.regions).toEqual([]);
  });

  it.each([
    [['--stage', 'prod'], '--stage is "prod"'],
    [['--region', 'Europe'], '--region is "Europe"'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--config', '{not json'], 'not valid JSON'],
    [['--config', '{"sandbox":{"serving":{"maxInstances":"2"}}}'], 'serving.maxInstances'],
  ])('exits 2 on %j, saying what is wrong', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.regions).toEqual([]);
  });

  it('exits 2 when --region contradicts the production region', async () => {
    const config = JSON.stringify({ production: { account: ACCOUNT, region: 'eu-west-1' } });
    const result = await run(['--stage', 'production', '--config', config, '--region', 'us-east-1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config.production.region');
  });
});

describe('region', () => {
  it("uses production's configured region", async () => {
    healthyAccount();
    const config = JSON.stringify({
      production: { account: ACCOUNT, region: 'eu-central-1', modelMonitor: { enabled: false } },
    });
    const result = await run(['--stage', 'production', '--config', config]);
    expect(result.regions).toEqual(['eu-central-1']);
  });

  it('uses --region for the sandbox, else the SDK default', async () => {
    healthyAccount();
    expect((await run(['--region', 'us-west-2', ...MONITOR_OFF])).regions).toEqual(['us-west-2']);
    expect((await run(MONITOR_OFF)).regions).toEqual(['eu-west-1']);
  });

  it('exits 1 with what to do when there is no region at all', async () => {
    const result = await run([], { defaultRegion: () => Promise.resolve(undefined) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no AWS region');
    expect(result.stderr).toContain('--region');
  });
});

describe('credentials', () => {
  it('says no credentials were found, with what to do, and calls no AWS API', async () => {
    const result = await run([], {
      credentials: () => ({
        provider: () =>
          Promise.reject(
            Object.assign(new Error('Could not load credentials from any providers'), {
              name: 'CredentialsProviderError',
            }),
          ),
        policy: { consult: false, reason: 'this host does not look like an EC2 instance' },
      }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no AWS credentials found: Could not load credentials from any providers');
    expect(result.stderr).toContain('aws configure');
    expect(result.stderr).toContain('AWS_PROFILE');
    expect(result.stderr).toContain('instance metadata service was not asked');
    expect(result.regions).toEqual([]);
    expect(sts).not.toHaveReceivedAnyCommand();
  });

  it('reports expired credentials found by the first call as a credentials problem', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('token expired'), { name: 'ExpiredTokenException' }));
    const result = await run(MONITOR_OFF);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no AWS credentials found: ExpiredTokenException');
  });
});

describe('checks and exit codes', () => {
  it('exits 0 with one line per check and a summary when nothing blocks', async () => {
    healthyAccount();
    const result = await run(MONITOR_OFF);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ok +account: 123456789012/);
    expect(lines.at(-1)).toMatch(/^preflight for stage sandbox, account 123456789012, region eu-west-1: 0 blockers/);
    expect(result.stdout).toMatch(/^ok +bootstrap: CDKToolkit at version 27/m);
  });

  it('exits 1 when a check blocks, and says so in the summary', async () => {
    healthyAccount();
    quotas.reset();
    quotas.on(ListServiceQuotasCommand).resolves({ Quotas: [...ENOUGH, quota('ml.m5.large for endpoint usage', 0)] });
    const result = await run(MONITOR_OFF);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^BLOCKER +quota "ml.m5.large for endpoint usage": 0/m);
    expect(result.stdout).toContain('Fix the blockers above');
  });

  it('exits 0 with warnings only (Model Monitor on without a signal)', async () => {
    healthyAccount();
    const result = await run(['--config', '{"sandbox":{"modelMonitor":{"enabled":true}}}']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^warn +Model Monitor: /m);
  });

  it('stops at an account that is not the configured one, before any other check', async () => {
    healthyAccount('999999999999');
    const synthesized = jest.fn(() => ({ minVersion: 6, versionParameter: '/cdk-bootstrap/hnb659fds/version' }));
    const config = JSON.stringify({ production: { account: ACCOUNT, region: 'eu-west-1' } });
    const result = await run(['--stage', 'production', '--config', config], { bootstrapRequirement: synthesized });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^BLOCKER +account: the credentials belong to account 999999999999/m);
    expect(synthesized).not.toHaveBeenCalled();
    expect(cloudFormation).not.toHaveReceivedAnyCommand();
    expect(quotas).not.toHaveReceivedAnyCommand();
  });

  it('takes the stage and config from the project context when not given', async () => {
    healthyAccount();
    const result = await run([], {
      projectContext: () => [{ stage: 'sandbox', config: { sandbox: { modelMonitor: { enabled: false } } } }],
    });
    expect(result.stdout).toContain('Model Monitor: not used');
  });
});

describe('IMDS policy', () => {
  const facts = (overrides: Partial<HostFacts> & { files?: Record<string, string> } = {}): HostFacts => ({
    platform: 'linux',
    imdsEnvironment: 'unset',
    readFile: (file) => overrides.files?.[file],
    ...overrides,
  });

  it('does not ask IMDS on a Linux host that is not EC2', () => {
    expect(imdsPolicy(facts())).toMatchObject({ consult: false });
  });

  it('asks IMDS on a Nitro or Xen EC2 instance', () => {
    expect(imdsPolicy(facts({ files: { '/sys/devices/virtual/dmi/id/sys_vendor': 'Amazon EC2\n' } }))).toMatchObject({
      consult: true,
    });
    expect(
      imdsPolicy(facts({ files: { '/sys/hypervisor/uuid': 'ec2e1916-9099-7caf-fd21-012345abcdef\n' } })),
    ).toMatchObject({
      consult: true,
    });
  });

  it('asks IMDS with a short timeout where the host cannot be told', () => {
    expect(imdsPolicy(facts({ platform: 'darwin' }))).toMatchObject({ consult: true, timeoutMs: 250 });
  });

  it('follows AWS_EC2_METADATA_DISABLED either way', () => {
    expect(
      imdsPolicy(
        facts({ imdsEnvironment: 'disabled', files: { '/sys/devices/virtual/dmi/id/sys_vendor': 'Amazon EC2' } }),
      ),
    ).toMatchObject({
      consult: false,
    });
    expect(imdsPolicy(facts({ imdsEnvironment: 'enabled' }))).toMatchObject({ consult: true });
  });

  it('disables IMDS through the SDK switch only when it is not to be asked', () => {
    const env: Record<string, string | undefined> = {};
    applyImdsPolicy({ consult: true, reason: '' }, env);
    expect(env.AWS_EC2_METADATA_DISABLED).toBeUndefined();
    applyImdsPolicy({ consult: false, reason: '' }, env);
    expect(env.AWS_EC2_METADATA_DISABLED).toBe('true');
  });
});

describe('the default credential chain without credentials', () => {
  // A stand-in for the instance metadata service on loopback, counting what reaches it.
  let server: http.Server;
  let hits = 0;
  const saved = { ...process.env };
  beforeAll(async () => {
    server = http.createServer((_request, response) => {
      hits += 1;
      response.statusCode = 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    hits = 0;
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AWS_')) {
        delete process.env[key];
      }
    }
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AWS_')) {
        delete process.env[key];
      }
    }
    Object.assign(process.env, saved);
  });
  const notEc2: HostFacts = { platform: 'linux', imdsEnvironment: 'unset', readFile: () => undefined };
  const ec2: HostFacts = { ...notEc2, readFile: (file) => (file.endsWith('sys_vendor') ? 'Amazon EC2' : undefined) };

  it('fails without asking IMDS off EC2', async () => {
    const { provider } = defaultCredentials(undefined, notEc2);
    await expect(provider()).rejects.toThrow(/Could not load credentials|not found|disabled/i);
    expect(hits).toBe(0);
  });

  it('asks IMDS on EC2 (the control: the stand-in is reachable)', async () => {
    const { provider } = defaultCredentials(undefined, ec2);
    await expect(provider()).rejects.toThrow();
    expect(hits).toBeGreaterThan(0);
  });
});
