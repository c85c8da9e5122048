import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  InvokeEndpointCommand,
  type InvokeEndpointCommandOutput,
  SageMakerRuntimeClient,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { main } from '../../bin/invoke';
import type { InvokeDeps } from '../../bin/invoke';
import { driftScenario } from '../../lib/schema/drift-scenarios';
import { generateCustomers } from '../../lib/schema/generator';
import { encodeFeatureLine } from '../../lib/serving/encode';
import { output } from '../support/output';

const ROOT = path.join(__dirname, '..', '..');
const cloudFormation = mockClient(CloudFormationClient);
const sageMaker = mockClient(SageMakerClient);
const runtime = mockClient(SageMakerRuntimeClient);

const STACK = 'ml-lifecycle-sandbox-serving';
const ENDPOINT = 'ml-lifecycle-sandbox-churn';
/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const PACKAGE_ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn/3';

let tmp: string;
beforeEach(() => {
  cloudFormation.reset();
  sageMaker.reset();
  runtime.reset();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-invoke-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs `main` with captured output and clients in a fixed region; counts the clients made. */
async function run(argv: string[], deps: Partial<InvokeDeps> = {}) {
  const stdout = output();
  const stderr = output();
  let clientsMade = 0;
  const code = await main(argv, {
    stdout,
    stderr,
    createClients: () => {
      clientsMade += 1;
      const config = { region: 'eu-west-1' };
      return {
        cloudFormation: new CloudFormationClient(config),
        sageMaker: new SageMakerClient(config),
        runtime: new SageMakerRuntimeClient(config),
      };
    },
    random: () => 0.5,
    ...deps,
  });
  return { code, stdout: stdout.text, stderr: stderr.text, clientsMade };
}

/** The serving stack as DescribeStacks returns it. */
function servingStack(options: { endpoint?: string | null; modelPackageArn?: string | null } = {}): Stack {
  const endpoint = options.endpoint === undefined ? ENDPOINT : options.endpoint;
  const arn = options.modelPackageArn === undefined ? PACKAGE_ARN : options.modelPackageArn;
  return {
    StackName: STACK,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date('2026-01-01T00:00:00Z'),
    Parameters: arn === null ? [] : [{ ParameterKey: 'ModelPackageArn', ParameterValue: arn }],
    Outputs: endpoint === null ? [] : [{ OutputKey: 'EndpointName', OutputValue: endpoint }],
  };
}

/** The body of an InvokeEndpoint response. */
function body(text: string): InvokeEndpointCommandOutput['Body'] {
  return new TextEncoder().encode(text) as InvokeEndpointCommandOutput['Body'];
}

/**
 * A deployed stack, a package with this cutoff metadata, and an endpoint that answers each
 * customer's call (one per customer, its id as InferenceId: C0000001 is the first) with that
 * customer's line of `probabilities`, or with its entry of `answers` as the whole body.
 */
function deployed(
  options: {
    cutoff?: string | null;
    /** The key the cutoff is recorded under: `budgetCutoff`, or `optimalCutoff` as a package registered before it. */
    key?: string;
    probabilities?: string;
    answers?: readonly string[];
    stack?: Stack;
  } = {},
): void {
  cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [options.stack ?? servingStack()] });
  const cutoff = options.cutoff === undefined ? '0.3' : options.cutoff;
  sageMaker.on(DescribeModelPackageCommand).resolves({
    ModelPackageArn: PACKAGE_ARN,
    CustomerMetadataProperties:
      cutoff === null ? { testAuc: '0.87' } : { testAuc: '0.87', [options.key ?? 'budgetCutoff']: cutoff },
  });
  const answers = options.answers ?? (options.probabilities ?? '0.12\n0.3\n0.9071\n').trim().split('\n');
  runtime.on(InvokeEndpointCommand).callsFake((input: { InferenceId?: string }) => ({
    ContentType: 'text/csv; charset=utf-8',
    Body: body(answers[Number(input.InferenceId?.slice(1)) - 1] ?? ''),
  }));
}

/** What the endpoint must receive for `count` customers of `seed`: one call each, keyed by the customer's id. */
function expectedCalls(seed: number, count: number): { InferenceId: string; Body: string }[] {
  return generateCustomers({ seed, count }).map((c) => ({
    InferenceId: String(c.record.customer_id),
    Body: encodeFeatureLine(c.record),
  }));
}

/** The calls the endpoint received, in the customers' order. */
function receivedCalls(): { InferenceId?: string; Body?: unknown }[] {
  return runtime
    .commandCalls(InvokeEndpointCommand)
    .map((call) => ({ InferenceId: call.args[0].input.InferenceId, Body: call.args[0].input.Body }))
    .sort((a, b) => String(a.InferenceId).localeCompare(String(b.InferenceId)));
}

describe('scoring customers', () => {
  it('sends each encoded customer in an InvokeEndpoint call of its own, keyed by its id, and prints the table and the cutoff', async () => {
    deployed();
    const { code, stdout, stderr } = await run(['--count', '3', '--seed', '7']);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
    expect(sageMaker).toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: PACKAGE_ARN });
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 3);
    expect(runtime.commandCalls(InvokeEndpointCommand).map((call) => call.args[0].input)).toEqual(
      expectedCalls(7, 3).map((call) => ({
        EndpointName: ENDPOINT,
        ContentType: 'text/csv',
        Accept: 'text/csv',
        ...call,
      })),
    );
    expect(stdout).toBe(
      [
        '3 generated customers, seed 7 (--seed 7 sends the same ones again)',
        `endpoint: ${ENDPOINT} (the EndpointName output of stack ${STACK})`,
        '',
        'customer  state  international plan  voice-mail plan  service calls  churn probability  decision',
        'C0000001  MO     no                  yes                          2              0.120  no offer',
        'C0000002  MI     no                  no                           1              0.300  offer',
        'C0000003  ID     no                  no                           1              0.907  offer',
        '',
        `cutoff: 0.3, from the budgetCutoff of model package ${PACKAGE_ARN}: offer when the churn probability is at least the cutoff`,
        '',
      ].join('\n'),
    );
  });

  it('sends exactly the features of the generated customers: one line of 71 cells a call, no label, no newline', async () => {
    deployed({ probabilities: '0.5\n0.5\n0.5\n0.5\n0.5' });
    await run(['--seed', '11']);

    const calls = receivedCalls();
    expect(calls).toEqual(expectedCalls(11, 5));
    for (const { Body } of calls) {
      expect(typeof Body).toBe('string');
      expect(String(Body).split(',')).toHaveLength(71);
      expect(String(Body)).not.toContain('\n');
    }
  });

  it('reads a probability answered with a line end or spaces around it', async () => {
    deployed({ answers: ['0.12\n', ' 0.3 ', '0.9071\r\n'] });
    const { code, stdout, stderr } = await run(['--count', '3', '--seed', '7']);

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/C0000003 .* 0\.907 {2}offer\n/);
  });

  it('prints the random seed it drew, and sends the customers of that seed', async () => {
    deployed({ probabilities: '0.1\n0.1\n0.1\n0.1\n0.1' });
    const { code, stdout } = await run([], { random: () => 0.123456789 });

    expect(code).toBe(0);
    expect(stdout).toMatch(/^5 generated customers, seed 123456 \(--seed 123456 sends the same ones again\)\n/);
    expect(receivedCalls()).toEqual(expectedCalls(123456, 5));
  });

  it('sends the customers as --drift drifts them, and says so', async () => {
    deployed({ probabilities: '0.1\n0.1\n0.1' });
    const { code, stdout } = await run(['--count', '3', '--seed', '7', '--drift', 'market']);

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^3 generated customers, seed 7, drifted \(market\) \(--seed 7 sends the same ones again\)\n/,
    );
    const drifted = generateCustomers({ seed: 7, count: 3, drift: driftScenario('market', new Date(0)) });
    expect(receivedCalls()).toEqual(
      drifted.map((c) => ({ InferenceId: String(c.record.customer_id), Body: encodeFeatureLine(c.record) })),
    );
    expect(receivedCalls()).not.toEqual(expectedCalls(7, 3));
  });

  it('reads the stack of the --stage given', async () => {
    deployed({ stack: { ...servingStack(), StackName: 'ml-lifecycle-production-serving' } });
    await run(['--count', '3', '--stage', 'production']);

    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, {
      StackName: 'ml-lifecycle-production-serving',
    });
  });
});

describe('--region and --profile', () => {
  it('makes the clients for the --region and --profile given, and for the default chain without them', async () => {
    const targets: unknown[] = [];
    deployed();
    const clients = (target: unknown) => {
      targets.push(target);
      const config = { region: 'eu-west-1' };
      return {
        cloudFormation: new CloudFormationClient(config),
        sageMaker: new SageMakerClient(config),
        runtime: new SageMakerRuntimeClient(config),
      };
    };
    await run(['--count', '3', '--seed', '1', '--region', 'eu-west-3', '--profile', 'ops'], { createClients: clients });
    await run(['--count', '3', '--seed', '1'], { createClients: clients });

    expect(targets).toEqual([{ region: 'eu-west-3', profile: 'ops' }, {}]);
  });
});

describe('progress', () => {
  it('counts the customers scored on a TTY and clears the line before the report', async () => {
    deployed();
    const stderr = Object.assign(output(), { isTTY: true });
    let clock = 0;
    const code = await main(['--count', '3', '--seed', '7'], {
      stdout: output(),
      stderr,
      createClients: () => ({
        cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
        sageMaker: new SageMakerClient({ region: 'eu-west-1' }),
        runtime: new SageMakerRuntimeClient({ region: 'eu-west-1' }),
      }),
      now: () => (clock += 1000),
    });

    expect(code).toBe(0);
    expect(stderr.text).toContain('\rscored 3/3 (100%)');
    expect(stderr.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('writes nothing on stderr when it is not a TTY', async () => {
    deployed();
    const { stderr } = await run(['--count', '3', '--seed', '7'], { now: () => Date.now() + Math.random() * 1e6 });

    expect(stderr).toBe('');
  });
});

describe('the cutoff', () => {
  it('offers nobody when the budgetCutoff is none, and says so', async () => {
    deployed({ cutoff: 'none', probabilities: '0.99\n0.5\n0.01' });
    const { code, stdout } = await run(['--count', '3']);

    expect(code).toBe(0);
    expect(stdout.match(/ no offer\n/g)).toHaveLength(3);
    expect(stdout).not.toMatch(/ {2}offer\n/);
    expect(stdout).toContain(
      `cutoff: none, from the budgetCutoff of model package ${PACKAGE_ARN}: the campaign offers nobody`,
    );
  });

  it('reads the optimalCutoff of a package registered before the budgetCutoff existed', async () => {
    deployed({ cutoff: '0.3', key: 'optimalCutoff' });
    const { code, stdout } = await run(['--count', '3']);

    expect(code).toBe(0);
    expect(stdout).toContain(`cutoff: 0.3, from the optimalCutoff of model package ${PACKAGE_ARN}: offer when`);
  });

  it('falls back to 0.5 when the package has no budgetCutoff, and says so', async () => {
    deployed({ cutoff: null, probabilities: '0.49\n0.5\n0.51' });
    const { code, stdout } = await run(['--count', '3']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/0\.490 {2}no offer\n.*0\.500 {2}offer\n.*0\.510 {2}offer\n/s);
    expect(stdout).toContain(
      `cutoff: 0.5 (fallback): model package ${PACKAGE_ARN} has no budgetCutoff metadata; offer when the churn probability is at least 0.5`,
    );
  });

  it('falls back to 0.5 when the stack has no ModelPackageArn parameter value', async () => {
    deployed({ stack: servingStack({ modelPackageArn: '' }) });
    const { code, stdout } = await run(['--count', '3']);

    expect(code).toBe(0);
    expect(stdout).toContain(`cutoff: 0.5 (fallback): stack ${STACK} has no ModelPackageArn parameter value`);
    expect(sageMaker).toHaveReceivedCommandTimes(DescribeModelPackageCommand, 0);
  });

  it('falls back to 0.5 when the model package cannot be read, naming the error', async () => {
    deployed();
    sageMaker
      .on(DescribeModelPackageCommand)
      .rejects(Object.assign(new Error('not authorized to DescribeModelPackage'), { name: 'AccessDeniedException' }));
    const { code, stdout } = await run(['--count', '3']);

    expect(code).toBe(0);
    expect(stdout).toContain(
      `cutoff: 0.5 (fallback): model package ${PACKAGE_ARN} could not be read (AccessDeniedException: not authorized`,
    );
  });
});

describe('--endpoint', () => {
  it('calls the endpoint given, and takes the cutoff from the stack that serves it', async () => {
    deployed();
    const { code, stdout } = await run(['--count', '3', '--endpoint', ENDPOINT]);

    expect(code).toBe(0);
    expect(runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, { EndpointName: ENDPOINT });
    expect(stdout).toContain(`endpoint: ${ENDPOINT} (given with --endpoint)`);
    expect(stdout).toContain('cutoff: 0.3, from the budgetCutoff of model package');
  });

  it('falls back to 0.5 for an endpoint the stack does not serve', async () => {
    deployed();
    const { code, stdout } = await run(['--count', '3', '--endpoint', 'my-experiment']);

    expect(code).toBe(0);
    expect(runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, { EndpointName: 'my-experiment' });
    expect(sageMaker).toHaveReceivedCommandTimes(DescribeModelPackageCommand, 0);
    expect(stdout).toContain(
      `cutoff: 0.5 (fallback): endpoint my-experiment is not the endpoint of stack ${STACK} (${ENDPOINT}), so its model's cutoff is unknown`,
    );
  });

  it('still calls the endpoint when there is no serving stack, at the fallback cutoff', async () => {
    deployed();
    cloudFormation.on(DescribeStacksCommand).rejects(stackMissing());
    const { code, stdout } = await run(['--count', '3', '--endpoint', 'my-experiment']);

    expect(code).toBe(0);
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 3);
    expect(stdout).toContain(`cutoff: 0.5 (fallback): stack ${STACK} was not found in region eu-west-1`);
  });
});

/** What CloudFormation answers DescribeStacks for a stack that does not exist. */
function stackMissing(): Error {
  return Object.assign(new Error(`Stack with id ${STACK} does not exist`), {
    name: 'ValidationError',
    $metadata: { httpStatusCode: 400 },
  });
}

describe('failures', () => {
  it('exits 1 with the no-endpoint message when the stack has no EndpointName output', async () => {
    deployed({ stack: servingStack({ endpoint: null }) });
    const { code, stdout, stderr } = await run(['--count', '3']);

    expect(code).toBe(1);
    expect(stderr).toBe(
      'error: no endpoint yet: the serving stack has no approved model; run the training pipeline and approve a ' +
        `model (see docs/deploy.md). Stack ${STACK} (UPDATE_COMPLETE) has no EndpointName output.\n`,
    );
    expect(stdout).not.toContain('cutoff');
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 0);
  });

  it('exits 1 naming the stack and saying to deploy when the serving stack does not exist', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(stackMissing());
    const { code, stderr } = await run(['--count', '3']);

    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^error: stack ${STACK} was not found in region eu-west-1 \\(ValidationError: Stack with id .* does not exist\\)\\. Deploy it first`,
      ),
    );
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 0);
  });

  it('exits 1 when the endpoint answers a customer with more or fewer probabilities than one', async () => {
    deployed({ answers: ['0.1', '0.1\n0.2\n', '0.3'] });
    const { code, stdout, stderr } = await run(['--count', '3']);

    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: endpoint ${ENDPOINT} returned an unexpected response: 2 probabilities for 1 customer: "0.1\\n0.2"\n`,
    );
    expect(stdout).not.toContain('churn probability');
  });

  it('exits 1 when the endpoint answers something that is not a probability', async () => {
    deployed({ answers: ['0.1', '{"error":1}', '0.3'] });
    const { code, stderr } = await run(['--count', '3']);

    expect(code).toBe(1);
    expect(stderr).toContain('the value for customer 1 is "{\\"error\\":1}"; expected a probability from 0 to 1');
  });

  it.each([
    [
      'the SDK ValidationError',
      new ValidationError({ message: `Endpoint ${ENDPOINT} of account 123456789012 not found.`, $metadata: {} }),
    ],
    [
      'a ValidationException',
      Object.assign(new Error(`Endpoint ${ENDPOINT} is not InService`), { name: 'ValidationException' }),
    ],
  ])('exits 1 with a plain message when InvokeEndpoint fails with %s', async (_, error) => {
    deployed();
    runtime.on(InvokeEndpointCommand).rejects(error);
    const { code, stderr } = await run(['--count', '3']);

    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^error: endpoint ${ENDPOINT} cannot be invoked in region eu-west-1: it does not exist or is not InService \\(`,
      ),
    );
    expect(stderr).toContain(`aws sagemaker describe-endpoint --endpoint-name ${ENDPOINT}`);
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
  });

  it('exits 1 with a plain message when there are no credentials', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    const { code, stderr } = await run(['--count', '3']);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: AWS credentials are missing.*Configure AWS credentials.*AWS_PROFILE/);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 0);
  });

  it('stops on missing credentials even with --endpoint', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredTokenException',
      }),
    );
    const { code, stderr } = await run(['--count', '3', '--endpoint', ENDPOINT]);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: AWS credentials are missing, expired or not recognised \(ExpiredTokenException/);
  });

  it('exits 1 with a plain message when no region is configured', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Region is missing'));
    const { code, stderr } = await run(['--count', '3']);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: No AWS region is configured \(Error: Region is missing\)\. Set AWS_REGION/);
  });
});

describe('bad usage', () => {
  it.each([
    [['--count', '0'], '--count is "0"; expected an integer from 1 to 2000'],
    [['--count', '2001'], '--count is "2001"; expected an integer from 1 to 2000'],
    [['--drift', 'sideways'], '--drift is "sideways"; expected one of: usage, market, concept, usage+concept'],
    [['--count', '2.5'], '--count is "2.5"; expected an integer from 1 to 2000'],
    [['--count', 'five'], '--count is "five"; expected an integer from 1 to 2000'],
    [['--seed', 'abc'], '--seed is "abc"; expected an integer'],
    [['--seed', '99999999999999999999'], '--seed is "99999999999999999999"; expected an integer'],
    [['--stage', 'prod'], '--stage is "prod"; expected one of: sandbox, production'],
    [['--endpoint', 'no_underscores'], '--endpoint is "no_underscores"; expected a SageMaker endpoint name'],
    [['--endpoint', `a${'b'.repeat(63)}`], 'expected a SageMaker endpoint name: 1 to 63 letters'],
    [['--region', 'Europe'], '--region is "Europe"; expected an AWS region name'],
    [['--profile', 'two words'], '--profile is "two words"; expected a profile name'],
    [['--count'], "Option '--count <value>' argument missing"],
    [['extra'], 'extra'],
  ])('exits 2 for %j, saying why, and makes no client', async (argv, message) => {
    const { code, stderr, clientsMade } = await run(argv);

    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('--help');
    expect(clientsMade).toBe(0);
  });

  it('prints the help on stdout and exits 0', async () => {
    const { code, stdout, clientsMade } = await run(['--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run invoke -- [options]');
    for (const option of ['--count', '--seed', '--stage', '--endpoint', '--region', '--profile', '--help']) {
      expect(stdout).toContain(option);
    }
    expect(clientsMade).toBe(0);
  });
});

describe('bin/invoke.ts as a command', () => {
  /** Runs the CLI as `npm run invoke` does, with a region but no credentials at all. */
  function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/invoke.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: tmp, AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'eu-west-1' },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('exits 2 on bad usage', () => {
    const { status, stderr } = runCli(['--count=0']);

    expect(status).toBe(2);
    expect(stderr).toContain('--count is "0"; expected an integer from 1 to 2000');
  });

  it('exits 1 with the credentials message, and no stack trace, when there are none', () => {
    const { status, stdout, stderr } = runCli(['--seed', '3']);

    expect(status).toBe(1);
    expect(stdout).toBe('5 generated customers, seed 3 (--seed 3 sends the same ones again)\n');
    expect(stderr).toMatch(/^error: AWS credentials are missing/m);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
