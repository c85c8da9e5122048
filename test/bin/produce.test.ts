import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KinesisClient, PutRecordsCommand, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import type { PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { main, parseOptions } from '../../bin/produce';
import { generateCustomers, generateOutcomes } from '../../lib/schema/generator';
import { driftScenario } from '../../lib/schema/drift-scenarios';
import { OUTCOME_FIELDS } from '../../lib/schema/outcome';
import { DEFAULT_OUTCOME_DIRT } from '../../lib/schema/outcome-model';
import { toCsvLines } from '../../lib/schema/wire';
import type { ProduceDeps } from '../../bin/produce';

const ROOT = path.join(__dirname, '..', '..');
const kinesis = mockClient(KinesisClient);
/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const STREAM_ARN = 'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/churn';

let tmp: string;
beforeEach(() => {
  kinesis.reset();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-produce-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** An output that keeps what is written to it. */
function output(isTTY = false): { isTTY: boolean; text: string; write: (chunk: string) => boolean } {
  const out = {
    isTTY,
    text: '',
    write: (chunk: string) => {
      out.text += chunk;
      return true;
    },
  };
  return out;
}

/** Runs `main` with captured output, a client factory that records the region, and instant timing. */
async function run(argv: string[], options: { tty?: boolean; now?: () => number } = {}) {
  const stdout = output();
  const stderr = output(options.tty ?? false);
  const regions: (string | undefined)[] = [];
  const deps: ProduceDeps = {
    stdout,
    stderr,
    createKinesisClient: ({ region }) => {
      regions.push(region);
      return new KinesisClient({ region: region ?? 'eu-west-1' });
    },
    producer: { sleep: () => Promise.resolve(), random: () => 0, now: options.now ?? (() => 0) },
  };
  const code = await main(argv, deps);
  return { code, stdout: stdout.text, stderr: stderr.text, regions };
}

/** Every entry succeeds. */
function acceptAll(): void {
  kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
    FailedRecordCount: 0,
    Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })),
  }));
}

function sentRecords(): { partitionKey: string; text: string }[] {
  return kinesis
    .commandCalls(PutRecordsCommand)
    .flatMap((call) => call.args[0].input.Records ?? [])
    .map((r) => ({ partitionKey: r.PartitionKey ?? '', text: new TextDecoder().decode(r.Data) }));
}

describe('--out FILE', () => {
  it.each(['default', 'none'])(
    'writes a CSV of a header and one line per record (dirt %s), with no Kinesis call',
    async (dirt) => {
      const file = path.join(tmp, 'churn.csv');
      const { code, stderr, regions } = await run(['--out', file, '--count', '250', '--seed', '7', '--dirt', dirt]);

      expect(code).toBe(0);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines.pop()).toBe(''); // the last line ends with a newline
      expect(lines).toHaveLength(251);
      expect(lines[0]).toMatch(/^customer_id,event_time,/);
      expect(stderr).toContain(`wrote 250 records (and a header line) to ${file}`);
      expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 0);
      expect(regions).toEqual([]);
    },
  );

  it('writes the same file for the same seed', async () => {
    const [a, b] = [path.join(tmp, 'a.csv'), path.join(tmp, 'b.csv')];
    await run(['--out', a, '--count', '50']);
    await run(['--out', b, '--count', '50']);

    expect(fs.readFileSync(a, 'utf8')).toBe(fs.readFileSync(b, 'utf8'));
  });

  it('fails with exit code 1 when the file cannot be written', async () => {
    const file = path.join(tmp, 'missing-dir', 'churn.csv');
    const { code, stderr } = await run(['--out', file, '--count', '5']);

    expect(code).toBe(1);
    expect(stderr).toContain(`error: cannot write ${file}`);
  });
});

describe('--outcomes', () => {
  it('writes the outcomes of the customers, dirt included, as a CSV under the outcome header', async () => {
    const file = path.join(tmp, 'outcomes.csv');
    const { code, stderr } = await run(['--out', file, '--count', '400', '--seed', '7', '--outcomes']);
    const expected = [...generateOutcomes({ seed: 7, count: 400, dirt: DEFAULT_OUTCOME_DIRT })];

    expect(code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe([...toCsvLines(expected, OUTCOME_FIELDS)].join(''));
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('customer_id,observed_at,churned');
    expect(expected.length).toBeGreaterThan(400); // duplicates and unknown customers come on top
    expect(expected.some((o) => o.malformed)).toBe(true);
    expect(stderr).toContain(`wrote ${expected.length} outcomes (and a header line) to ${file}`);
    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 0);
  });

  it('sends every outcome, the malformed ones too, keyed by customer id, and counts them all', async () => {
    acceptAll();
    const { code, stderr } = await run(['--stream', 'churn', '--count', '300', '--outcomes']);
    const expected = [...generateOutcomes({ seed: 1, count: 300, dirt: DEFAULT_OUTCOME_DIRT })];

    expect(code).toBe(0);
    expect(stderr).toBe(`sent ${expected.length}, retried 0, failed 0 in 0.0 s\n`);
    expect(sentRecords()).toEqual(expected.map((o) => ({ partitionKey: o.customerId, text: o.text })));
  });

  it('sends clean, on-time outcomes of the customers --dirt none sends', async () => {
    acceptAll();
    await run(['--stream', 'churn', '--count', '20', '--outcomes', '--dirt', 'none']);
    const outcomes = sentRecords();
    acceptAll();
    await run(['--stream', 'churn', '--count', '20', '--dirt', 'none']);
    const records = sentRecords().slice(20);

    expect(outcomes.map((o) => o.partitionKey)).toEqual(records.map((r) => r.partitionKey));
    for (const { text } of outcomes) {
      expect(Object.keys(JSON.parse(text) as object)).toEqual(['customer_id', 'observed_at', 'churned']);
    }
  });

  it('takes no value', async () => {
    const { code, stderr } = await run(['--stream', 'churn', '--outcomes=yes']);
    expect(code).toBe(2);
    expect(stderr).toContain("Option '--outcomes' does not take an argument");
  });
});

describe('--drift and --observed-at', () => {
  it('sends the records of the customers as the scenario drifts them', async () => {
    acceptAll();
    await run(['--stream', 'churn', '--count', '50', '--dirt', 'none', '--drift', 'market']);
    const states = sentRecords().map((r) => (JSON.parse(r.text) as { state: string }).state);
    const drifted = generateCustomers({ seed: 1, count: 50, drift: driftScenario('market', new Date(0)) });
    expect(states).toEqual(drifted.map((c) => c.record.state));
    expect(new Set(states)).toEqual(new Set(['CA', 'NY', 'TX']));
  });

  it("sends the drifted customers' outcomes, each observed at --observed-at", async () => {
    acceptAll();
    const at = '2026-12-07T09:30:00Z';
    await run([
      '--stream',
      'churn',
      '--count',
      '30',
      '--dirt',
      'none',
      '--outcomes',
      '--drift',
      'concept',
      '--observed-at',
      at,
    ]);
    const outcomes = sentRecords().map((r) => JSON.parse(r.text) as { observed_at: string; churned: boolean });
    const truth = generateCustomers({ seed: 1, count: 30, drift: driftScenario('concept', new Date(0)) });
    expect(outcomes.map((o) => o.churned)).toEqual(truth.map((c) => c.record.churn));
    expect(new Set(outcomes.map((o) => o.observed_at))).toEqual(new Set([new Date(at).toISOString()]));
  });

  it('reads --observed-at now from the clock', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    const options = parseOptions(['--out', 'o.csv', '--outcomes', '--observed-at', 'now'], () => now);
    expect(options.observedAt).toEqual(now);
  });

  it.each([
    [
      ['--out', 'o.csv', '--drift', 'sideways'],
      '--drift is "sideways"; expected one of: usage, market, concept, usage+concept',
    ],
    [
      ['--out', 'o.csv', '--observed-at', 'now'],
      '--observed-at is "now", but only outcomes are observed; add --outcomes',
    ],
    [
      ['--out', 'o.csv', '--outcomes', '--observed-at', 'yesterday'],
      '--observed-at is "yesterday"; expected "now" or an ISO 8601 time',
    ],
    [
      ['--out', 'o.csv', '--outcomes', '--observed-at', '2026-12-07T09:30:00'],
      'expected "now" or an ISO 8601 time with its zone',
    ],
    [
      ['--out', 'o.csv', '--outcomes', '--observed-at', '2026-02-30T09:30:00Z'],
      '--observed-at is "2026-02-30T09:30:00Z"',
    ],
  ])('exits 2 for %j, saying why', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe('bad usage', () => {
  it.each([
    [['--stream', 's', '--count', '0'], '--count is "0"; expected an integer > 0'],
    [['--stream', 's', '--count', '1.5'], '--count is "1.5"; expected an integer > 0'],
    [['--stream', 's', '--count', 'many'], '--count is "many"; expected an integer > 0'],
    [['--stream', 's', '--count', '1e3'], '--count is "1e3"; expected an integer > 0'],
    [['--stream', 's', '--count', '99999999999999999999'], 'expected an integer > 0 no larger than 9007199254740991'],
    [['--stream', 's', '--seed', 'abc'], '--seed is "abc"; expected an integer'],
    [['--stream', 's', '--rate', '0'], '--rate is "0"; expected a number of records per second > 0'],
    [['--stream', 's', '--rate', 'fast'], '--rate is "fast"; expected a number of records per second > 0'],
    [['--stream', 's', '--dirt', 'filthy'], '--dirt is "filthy"; expected one of: none, default'],
    [['--stream', 's', '--region', 'Europe'], '--region is "Europe"; expected an AWS region name'],
    [[], '--stream is missing'],
    [['--stream', 'no spaces allowed'], '--stream is "no spaces allowed"; expected a stream ARN or a stream name'],
    [['--stream', 'arn:aws-cn:s3:::bucket'], 'which is not a Kinesis stream ARN'],
    [
      ['--stream', STREAM_ARN, '--region', 'eu-west-1'],
      '--region is "eu-west-1" but the --stream ARN is in cn-north-1',
    ],
    [['--out', 'x.csv', '--stream', 's'], '--stream is "s", but --out writes a file and sends nothing'],
    [['--out', 'x.csv', '--rate', '5'], '--rate is "5", but --out writes a file and sends nothing'],
    [['--stream', 's', '--bogus'], "Unknown option '--bogus'"],
    [['--stream', 's', '--count'], "Option '--count <value>' argument missing"],
    [['--stream', 's', 'extra'], 'extra'],
  ])('exits 2 for %j, saying why', async (argv, message) => {
    const { code, stderr, regions } = await run(argv);

    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('--help');
    expect(regions).toEqual([]);
    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 0);
  });

  it('prints the help on stdout and exits 0', async () => {
    const { code, stdout } = await run(['--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run produce -- [options]');
    for (const option of ['--stream', '--count', '--seed', '--rate', '--dirt', '--out', '--region', '--profile']) {
      expect(stdout).toContain(option);
    }
  });
});

describe('sending', () => {
  it('sends every record keyed by customer id and prints the summary', async () => {
    acceptAll();
    const { code, stderr, regions } = await run(['--stream', 'churn', '--count', '20', '--dirt', 'none']);

    expect(code).toBe(0);
    expect(stderr).toBe('sent 20, retried 0, failed 0 in 0.0 s\n');
    expect(regions).toEqual([undefined]); // the SDK default chain picks the region
    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 1);
    expect(kinesis).toHaveReceivedCommandWith(PutRecordsCommand, { StreamName: 'churn' });
    const records = sentRecords();
    expect(records).toHaveLength(20);
    for (const { partitionKey, text } of records) {
      expect(JSON.parse(text)).toMatchObject({ customer_id: partitionKey });
    }
  });

  it('sends to an ARN as StreamARN, in the ARN region', async () => {
    acceptAll();
    const { code, regions } = await run(['--stream', STREAM_ARN, '--count', '3']);

    expect(code).toBe(0);
    expect(regions).toEqual(['cn-north-1']);
    expect(kinesis).toHaveReceivedCommandWith(PutRecordsCommand, { StreamARN: STREAM_ARN });
  });

  it('passes --region to the client', async () => {
    acceptAll();
    const { regions } = await run(['--stream', 'churn', '--count', '3', '--region', 'eu-central-1']);

    expect(regions).toEqual(['eu-central-1']);
  });

  it('paces to --rate', async () => {
    acceptAll();
    await run(['--stream', 'churn', '--count', '25', '--rate', '10']);

    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 3);
  });

  it('exits 1 with a clear message when the stream does not exist', async () => {
    kinesis.on(PutRecordsCommand).rejects(
      new ResourceNotFoundException({
        message: 'Stream churn under account 123456789012 not found.',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { code, stderr } = await run(['--stream', 'churn', '--count', '5', '--region', 'eu-west-1']);

    expect(code).toBe(1);
    expect(stderr).toContain('error: Kinesis stream "churn" was not found in region eu-west-1');
    expect(stderr).toContain('cdk deploy');
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
  });

  it('exits 1 with a clear message when there are no credentials', async () => {
    kinesis
      .on(PutRecordsCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    const { code, stderr } = await run(['--stream', 'churn', '--count', '5']);

    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: AWS credentials are missing.*Configure AWS credentials.*AWS_PROFILE/);
  });

  it('exits 1 and summarises failures by error code when records could not be sent', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      const results = (input.Records ?? []).map((r, i) =>
        r.PartitionKey === 'C0000002'
          ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
          : { SequenceNumber: String(i), ShardId: 'shardId-000000000000' },
      );
      return { FailedRecordCount: results.filter((r) => 'ErrorCode' in r).length, Records: results };
    });
    const { code, stderr } = await run(['--stream', 'churn', '--count', '5', '--dirt', 'none']);

    expect(code).toBe(1);
    expect(stderr).toContain('sent 4, retried 7, failed 1 in 0.0 s\n');
    expect(stderr).toContain('failed by error code: ProvisionedThroughputExceededException 1\n');
    expect(stderr).toContain('record 1 (C0000002): ProvisionedThroughputExceededException: Rate exceeded for shard');
  });

  it('draws a progress bar on a TTY for a long run, clears it, then writes the summary', async () => {
    acceptAll();
    let clock = 0;
    const { code, stderr } = await run(['--stream', 'churn', '--count', '1200'], {
      tty: true,
      now: () => (clock += 1000),
    });

    expect(code).toBe(0);
    expect(stderr).toContain('\r[');
    expect(stderr).toContain('100% 1200/1200');
    // The line is cleared (carriage return, erase to the end), then the summary ends the output.
    expect(stderr).toContain('\r\x1b[Ksent 1200, retried 0, failed 0 in ');
    expect(stderr).toMatch(/sent 1200, retried 0, failed 0 in \d+\.\d s\n$/);
  });

  it('draws nothing on a TTY for a run shorter than the progress interval', async () => {
    acceptAll();
    const { stderr } = await run(['--stream', 'churn', '--count', '1200'], { tty: true });

    expect(stderr).toBe('sent 1200, retried 0, failed 0 in 0.0 s\n');
  });

  it('shows the progress of --out on a TTY, then clears it', async () => {
    const file = path.join(tmp, 'progress.csv');
    let clock = 0;
    const { code, stderr } = await run(['--out', file, '--count', '50'], { tty: true, now: () => (clock += 100) });

    expect(code).toBe(0);
    expect(stderr).toContain('\rwriting records 3/50 (6%)\x1b[K');
    expect(stderr).toContain('\r\x1b[Kwrote 50 records (and a header line) to ');
    expect(stderr).toMatch(/wrote 50 records \(and a header line\) to .*progress\.csv in \d+\.\d s\n$/);
  });

  it('writes only the summary of --out when stderr is not a TTY', async () => {
    const file = path.join(tmp, 'quiet.csv');
    const { stderr } = await run(['--out', file, '--count', '50'], { now: () => Date.now() });

    expect(stderr).toMatch(/^wrote 50 records \(and a header line\) to .*quiet\.csv in \d+\.\d s\n$/);
  });

  it('makes the client with --profile and --region, and refuses --profile with --out', async () => {
    const targets: unknown[] = [];
    acceptAll();
    const code = await main(['--stream', 'churn', '--count', '3', '--region', 'eu-west-3', '--profile', 'ops'], {
      stdout: output(),
      stderr: output(),
      createKinesisClient: (target) => {
        targets.push(target);
        return new KinesisClient({ region: 'eu-west-3' });
      },
      producer: { sleep: () => Promise.resolve(), random: () => 0, now: () => 0 },
    });
    expect(code).toBe(0);
    expect(targets).toEqual([{ region: 'eu-west-3', profile: 'ops' }]);

    const refused = await run(['--out', path.join(tmp, 'x.csv'), '--profile', 'ops']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--profile is "ops", but --out writes a file and sends nothing');
  });

  it('writes only the summary when stderr is not a TTY', async () => {
    acceptAll();
    const { stderr } = await run(['--stream', 'churn', '--count', '1200']);

    expect(stderr).toBe('sent 1200, retried 0, failed 0 in 0.0 s\n');
  });
});

describe('bin/produce.ts as a command', () => {
  /** Runs the CLI as `npm run produce` does, with no AWS configuration at all. */
  function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/produce.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: tmp, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('writes a CSV without credentials and exits 0', () => {
    const file = path.join(tmp, 'churn.csv');
    const { status } = runCli(['--out', file, '--count', '10']);

    expect(status).toBe(0);
    expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(12);
  });

  it('exits 2 on bad usage', () => {
    const { status, stderr } = runCli(['--count=0', '--stream', 'churn']);

    expect(status).toBe(2);
    expect(stderr).toContain('--count is "0"; expected an integer > 0');
  });
});
