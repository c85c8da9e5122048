import { createHash } from 'node:crypto';
import {
  KinesisClient,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-kinesis';
import type { PutRecordsCommandInput, PutRecordsCommandOutput, PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import * as fc from 'fast-check';
import { sendRecords } from '../../lib/ingestion/kinesis-producer';
import type { SendRecordsOptions } from '../../lib/ingestion/kinesis-producer';
import { backoffDelay } from '../../lib/ingestion/pacing';
import type { ProducerProgress } from '../../lib/ingestion/producer-report';
import { ProducerError } from '../../lib/ingestion/put-errors';
import {
  INVALID_PARTITION_KEY,
  PUT_RECORDS_MAX_BYTES,
  PUT_RECORDS_MAX_RECORDS,
  RECORD_MAX_BYTES,
  RECORD_TOO_LARGE,
  recordBytes,
} from '../../lib/ingestion/record-batches';
import type { ProducerRecord } from '../../lib/ingestion/record-batches';
import { parseStreamArn, streamTarget } from '../../lib/ingestion/stream-target';
import { fakeClock } from '../support/fake-clock';

const kinesis = mockClient(KinesisClient);
const client = new KinesisClient({ region: 'eu-west-1' });
const STREAM = 'churn-stream';
/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const STREAM_ARN = 'arn:aws-cn:kinesis:cn-north-1:123456789012:stream/churn-stream';
const PTEE = 'ProvisionedThroughputExceededException';

beforeEach(() => {
  kinesis.reset();
});

/** `n` records keyed `k0`, `k1`, … whose data is `size` bytes starting with the index. */
function makeRecords(n: number, size = 16): ProducerRecord[] {
  return Array.from({ length: n }, (_, i) => ({ partitionKey: `k${i}`, data: dataOf(i, size) }));
}

function dataOf(i: number, size: number): Uint8Array {
  const data = new Uint8Array(size);
  data.set(new TextEncoder().encode(String(i)).subarray(0, size));
  return data;
}

/** A record of exactly `bytes` bytes, data plus key. */
function recordOfSize(key: string, bytes: number): ProducerRecord {
  return { partitionKey: key, data: new Uint8Array(bytes - Buffer.byteLength(key, 'utf8')) };
}

/** Sends with instant, deterministic timing. */
function send(
  records: SendRecordsOptions['records'],
  options: Partial<SendRecordsOptions> = {},
): ReturnType<typeof sendRecords> {
  return sendRecords({
    client,
    stream: STREAM,
    records,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    now: () => 0,
    ...options,
  });
}

/** A response where the entries `failing(key, attempt)` says fail with that code, the others succeed. */
function respond(input: PutRecordsCommandInput, failing: (key: string) => string | undefined): PutRecordsCommandOutput {
  const results: PutRecordsResultEntry[] = (input.Records ?? []).map((r, i) => {
    const code = failing(r.PartitionKey ?? '');
    return code === undefined
      ? { SequenceNumber: String(i), ShardId: 'shardId-000000000000' }
      : { ErrorCode: code, ErrorMessage: `${code} for ${r.PartitionKey}` };
  });
  return {
    FailedRecordCount: results.filter((r) => r.ErrorCode !== undefined).length,
    Records: results,
    $metadata: {},
  };
}

/** Every entry succeeds. */
function acceptAll(): void {
  kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => respond(input, () => undefined));
}

/** The inputs of every PutRecords request, in order. */
function requests(): PutRecordsCommandInput[] {
  return kinesis.commandCalls(PutRecordsCommand).map((call) => call.args[0].input);
}

/** The partition keys of each request. */
function keysPerRequest(): string[][] {
  return requests().map((input) => (input.Records ?? []).map((r) => r.PartitionKey ?? ''));
}

function requestBytes(input: PutRecordsCommandInput): number {
  return (input.Records ?? []).reduce(
    (sum, r) => sum + (r.Data?.byteLength ?? 0) + Buffer.byteLength(r.PartitionKey ?? '', 'utf8'),
    0,
  );
}

function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

describe('batching', () => {
  it('sends at most 500 records per request, in input order, naming the stream', async () => {
    acceptAll();
    const report = await send(makeRecords(1201));

    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 3);
    expect(keysPerRequest().map((keys) => keys.length)).toEqual([500, 500, 201]);
    expect(keysPerRequest().flat()).toEqual(makeRecords(1201).map((r) => r.partitionKey));
    expect(kinesis).toHaveReceivedCommandWith(PutRecordsCommand, { StreamName: STREAM });
    expect(report).toMatchObject({ sent: 1201, retried: 0, failed: 0, failures: [], batches: 3, requests: 3 });
  });

  it('sends the data and partition key of each record unchanged', async () => {
    acceptAll();
    await send([{ partitionKey: 'C0000001', data: new TextEncoder().encode('{"a":1}') }]);

    expect(kinesis).toHaveReceivedCommandWith(PutRecordsCommand, {
      StreamName: STREAM,
      Records: [{ PartitionKey: 'C0000001', Data: new TextEncoder().encode('{"a":1}') }],
    });
  });

  it('names the stream with StreamARN when given an ARN', async () => {
    acceptAll();
    await send(makeRecords(1), { stream: STREAM_ARN });

    expect(kinesis).toHaveReceivedCommandWith(PutRecordsCommand, { StreamARN: STREAM_ARN });
    expect(requests()[0]?.StreamName).toBeUndefined();
  });

  it('keeps each request within 5 MiB, data and partition keys counted', async () => {
    acceptAll();
    // Eleven records of exactly 1 MiB: five fill a request to exactly 5 MiB.
    const records = Array.from({ length: 11 }, (_, i) => recordOfSize(`k${i}`, RECORD_MAX_BYTES));
    await send(records);

    expect(keysPerRequest().map((keys) => keys.length)).toEqual([5, 5, 1]);
    expect(requests().map(requestBytes)).toEqual([PUT_RECORDS_MAX_BYTES, PUT_RECORDS_MAX_BYTES, RECORD_MAX_BYTES]);
  });

  it('starts a new request when the next record would pass 5 MiB, for records of various sizes', async () => {
    acceptAll();
    const MiB = 1024 * 1024;
    const sizes = [MiB, 900_000, 10, MiB, 750_000, MiB, 300, 700_000, 3, MiB, MiB, MiB, 123_456];
    const records = sizes.map((size, i) => recordOfSize(`k${i}`, size));
    const report = await send(records);

    const perRequest = requests().map(requestBytes);
    expect(perRequest.every((bytes) => bytes <= PUT_RECORDS_MAX_BYTES)).toBe(true);
    // Greedy: each request is full, in that the first record of the next one did not fit.
    const counts = keysPerRequest().map((keys) => keys.length);
    let next = 0;
    counts.slice(0, -1).forEach((count, i) => {
      next += count;
      expect((perRequest[i] ?? 0) + (sizes[next] ?? 0)).toBeGreaterThan(PUT_RECORDS_MAX_BYTES);
    });
    expect(keysPerRequest().flat()).toEqual(records.map((r) => r.partitionKey));
    expect(report.sent).toBe(sizes.length);
  });

  it('counts partition keys in UTF-8 bytes, not characters', () => {
    expect(recordBytes({ partitionKey: 'ü', data: new Uint8Array(10) })).toBe(12);
  });

  it('takes an async iterable as well as an iterable', async () => {
    acceptAll();
    async function* lazily(): AsyncGenerator<ProducerRecord> {
      for (const record of makeRecords(600)) {
        await Promise.resolve();
        yield record;
      }
    }
    const report = await send(lazily());

    expect(report.sent).toBe(600);
    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 2);
  });

  it('sends nothing for no records', async () => {
    acceptAll();
    const report = await send([]);

    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 0);
    expect(report).toMatchObject({ sent: 0, failed: 0, batches: 0, requests: 0 });
  });
});

describe('records that can never be sent', () => {
  it('rejects a record over 1 MiB (data plus key) up front, sends the others, and reports it', async () => {
    acceptAll();
    const records = [
      recordOfSize('k0', 100),
      recordOfSize('k1', RECORD_MAX_BYTES + 1),
      recordOfSize('k2', RECORD_MAX_BYTES),
    ];
    const report = await send(records);

    expect(keysPerRequest().flat()).toEqual(['k0', 'k2']);
    expect(report.sent).toBe(2);
    expect(report.failed).toBe(1);
    expect(report.failures).toEqual([
      {
        index: 1,
        partitionKey: 'k1',
        errorCode: RECORD_TOO_LARGE,
        errorMessage: expect.stringContaining(`${RECORD_MAX_BYTES + 1} bytes`),
      },
    ]);
    expect(report.failuresByCode).toEqual({ [RECORD_TOO_LARGE]: 1 });
  });

  it('counts the key: 1 MiB of data with a key is too large', async () => {
    acceptAll();
    const report = await send([{ partitionKey: 'ü', data: new Uint8Array(RECORD_MAX_BYTES - 1) }]);

    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 0);
    expect(report.failures[0]?.errorCode).toBe(RECORD_TOO_LARGE);
  });

  it.each([
    ['empty', ''],
    ['257 characters long', 'k'.repeat(257)],
  ])('rejects a partition key that is %s', async (_, partitionKey) => {
    acceptAll();
    const report = await send([{ partitionKey, data: new Uint8Array(1) }, ...makeRecords(1)]);

    expect(keysPerRequest()).toEqual([['k0']]);
    expect(report.failures).toEqual([expect.objectContaining({ index: 0, errorCode: INVALID_PARTITION_KEY })]);
  });

  it('accepts a partition key of 256 characters', async () => {
    acceptAll();
    const report = await send([{ partitionKey: 'é'.repeat(256), data: new Uint8Array(1) }]);

    expect(report).toMatchObject({ sent: 1, failed: 0 });
  });
});

describe('partial failures', () => {
  it('retries only the failed entries, in order, until they succeed', async () => {
    // k1 and k3 are throttled on their first put, k3 on its second too.
    const failuresLeft = new Map([
      ['k1', 1],
      ['k3', 2],
    ]);
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) =>
      respond(input, (key) => {
        const left = failuresLeft.get(key) ?? 0;
        failuresLeft.set(key, left - 1);
        return left > 0 ? PTEE : undefined;
      }),
    );
    const report = await send(makeRecords(5));

    expect(keysPerRequest()).toEqual([['k0', 'k1', 'k2', 'k3', 'k4'], ['k1', 'k3'], ['k3']]);
    expect(kinesis).toHaveReceivedNthCommandWith(2, PutRecordsCommand, {
      StreamName: STREAM,
      Records: [
        { PartitionKey: 'k1', Data: dataOf(1, 16) },
        { PartitionKey: 'k3', Data: dataOf(3, 16) },
      ],
    });
    expect(report).toMatchObject({ sent: 5, retried: 3, failed: 0, batches: 1, requests: 3 });
  });

  it('reports entries that exhaust their attempts as failed with the last error, never drops them', async () => {
    kinesis
      .on(PutRecordsCommand)
      .callsFake((input: PutRecordsCommandInput) =>
        respond(input, (key) => (key === 'k2' ? 'InternalFailure' : key === 'k4' ? PTEE : undefined)),
      );
    const report = await send(makeRecords(6), { maxAttempts: 3 });

    expect(keysPerRequest()).toEqual([
      ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'],
      ['k2', 'k4'],
      ['k2', 'k4'],
    ]);
    expect(report).toMatchObject({ sent: 4, retried: 4, failed: 2 });
    expect(report.failures).toEqual([
      { index: 2, partitionKey: 'k2', errorCode: 'InternalFailure', errorMessage: 'InternalFailure for k2' },
      { index: 4, partitionKey: 'k4', errorCode: PTEE, errorMessage: `${PTEE} for k4` },
    ]);
    expect(report.failuresByCode).toEqual({ InternalFailure: 1, [PTEE]: 1 });
  });

  it('does not retry an entry failing with a KMS error no retry can fix', async () => {
    kinesis
      .on(PutRecordsCommand)
      .callsFake((input: PutRecordsCommandInput) =>
        respond(input, (key) => (key === 'k0' ? 'KMSAccessDeniedException' : undefined)),
      );
    const report = await send(makeRecords(2));

    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 1);
    expect(report.failures).toEqual([expect.objectContaining({ index: 0, errorCode: 'KMSAccessDeniedException' })]);
  });

  it('lists at most maxFailuresListed failures but counts them all', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => respond(input, () => PTEE));
    const report = await send(makeRecords(30), { maxAttempts: 1, maxFailuresListed: 10 });

    expect(report.failed).toBe(30);
    expect(report.failures).toHaveLength(10);
    expect(report.failuresByCode).toEqual({ [PTEE]: 30 });
  });

  it('stops with an error rather than guess when the results do not match the request', async () => {
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 1, Records: [{ ErrorCode: PTEE }] });

    await expect(send(makeRecords(3))).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE' });
  });

  it('takes FailedRecordCount 0 without per-entry results as all sent', async () => {
    kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [] });

    await expect(send(makeRecords(3))).resolves.toMatchObject({ sent: 3, failed: 0 });
  });
});

describe('whole-request errors', () => {
  it.each([
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }),
    ],
    ['a throttling error', awsError('ThrottlingException', 'Rate exceeded')],
    ['a 5xx', awsError('InternalFailure', 'Internal service error', 500)],
    ['an unnamed 503', awsError('Error', 'Service Unavailable', 503)],
    ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('retries the whole batch after %s', async (_, error) => {
    kinesis
      .on(PutRecordsCommand)
      .rejectsOnce(error)
      .callsFake((input: PutRecordsCommandInput) => respond(input, () => undefined));
    const report = await send(makeRecords(3));

    expect(keysPerRequest()).toEqual([
      ['k0', 'k1', 'k2'],
      ['k0', 'k1', 'k2'],
    ]);
    expect(report).toMatchObject({ sent: 3, retried: 3, failed: 0 });
  });

  it('reports the whole batch failed with that error when the retries run out', async () => {
    kinesis.on(PutRecordsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const report = await send(makeRecords(2), { maxAttempts: 4 });

    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 4);
    expect(report.failures).toEqual([
      { index: 0, partitionKey: 'k0', errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' },
      { index: 1, partitionKey: 'k1', errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' },
    ]);
  });

  it('stops on a missing stream, naming the stream and the region and suggesting cdk deploy', async () => {
    kinesis.on(PutRecordsCommand).rejects(
      new ResourceNotFoundException({
        message: `Stream ${STREAM} under account 123456789012 not found.`,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const error: unknown = await send(makeRecords(3)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProducerError);
    expect(error).toMatchObject({ code: 'STREAM_NOT_FOUND' });
    const message = (error as ProducerError).message;
    expect(message).toContain(`Kinesis stream "${STREAM}" was not found in region eu-west-1`);
    expect(message).toContain('cdk deploy');
    expect(message).toContain('StreamName output of the Ingestion stack');
    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 1);
  });

  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers'],
    ['ExpiredTokenException', 'The security token included in the request is expired'],
    ['UnrecognizedClientException', 'The security token included in the request is invalid.'],
    ['Error', 'Could not load credentials from any providers'],
  ])('stops on a credentials error (%s) and says how to configure credentials', async (name, message) => {
    kinesis.on(PutRecordsCommand).rejects(awsError(name, message));
    const error: unknown = await send(makeRecords(3)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProducerError);
    expect(error).toMatchObject({ code: 'CREDENTIALS' });
    expect((error as ProducerError).message).toMatch(/Configure AWS credentials.*AWS_PROFILE.*aws sso login/);
    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 1);
  });

  it.each([
    ['AccessDeniedException', awsError('AccessDeniedException', 'not authorized'), 'ACCESS_DENIED'],
    ['ValidationException', new ValidationException({ message: 'bad', $metadata: {} }), 'INVALID_REQUEST'],
    ['InvalidArgumentException', awsError('InvalidArgumentException', 'bad'), 'INVALID_REQUEST'],
    ['a missing region', new Error('Region is missing'), 'REGION_MISSING'],
    ['an unknown error', new TypeError('oops'), 'REQUEST_FAILED'],
  ])('stops without retrying on %s', async (_, error, code) => {
    kinesis.on(PutRecordsCommand).rejects(error);

    await expect(send(makeRecords(3))).rejects.toMatchObject({ name: 'ProducerError', code });
    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 1);
  });

  it('says in the error what was delivered before it stopped', async () => {
    kinesis
      .on(PutRecordsCommand)
      .callsFakeOnce((input: PutRecordsCommandInput) => respond(input, () => undefined))
      .rejects(awsError('AccessDeniedException', 'not authorized'));
    const error: unknown = await send(makeRecords(700)).catch((e: unknown) => e);

    expect((error as ProducerError).report).toMatchObject({ sent: 500, failed: 0, requests: 2 });
  });
});

describe('backoff', () => {
  it('waits a full-jitter exponential delay, growing and capped', () => {
    const top = () => 0.9999;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, top, 100, 5000))).toEqual([
      99, 199, 399, 799, 1599, 3199, 4999, 4999,
    ]);
    expect(backoffDelay(3, () => 0, 100, 5000)).toBe(0);
    expect(backoffDelay(3, () => 0.5, 100, 5000)).toBe(200);
  });

  it('sleeps before each retry with growing, bounded delays', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => respond(input, () => PTEE));
    const delays: number[] = [];
    await send(makeRecords(1), {
      random: () => 0.9999,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });

    expect(kinesis).toHaveReceivedCommandTimes(PutRecordsCommand, 8); // the default bound
    expect(delays).toHaveLength(7);
    expect(delays).toEqual([99, 199, 399, 799, 1599, 3199, 4999]);
    delays.slice(1).forEach((delay, i) => expect(delay).toBeGreaterThanOrEqual(delays[i] ?? 0));
    expect(Math.max(...delays)).toBeLessThanOrEqual(5000);
  });

  it('draws each delay below its ceiling whatever the random source says', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => respond(input, () => PTEE));
    const delays: number[] = [];
    const randoms = [0.3, 0.99, 0, 0.7, 0.5, 0.01, 0.9];
    await send(makeRecords(1), {
      baseDelayMs: 50,
      maxDelayMs: 1000,
      random: () => randoms.shift() ?? 0,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });

    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(1000, 50 * 2 ** i));
    });
  });
});

describe('rate', () => {
  it('paces batches so that the average rate stays at or under recordsPerSecond', async () => {
    const clock = fakeClock();
    const sentAt: number[] = [];
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      sentAt.push(clock.now());
      return respond(input, () => undefined);
    });
    const report = await send(makeRecords(1000), { recordsPerSecond: 200, now: clock.now, sleep: clock.sleep });

    // Batches hold one second's worth of records, one batch per second.
    expect(keysPerRequest().map((keys) => keys.length)).toEqual([200, 200, 200, 200, 200]);
    expect(sentAt).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000]);
    // Records before each request never exceed rate × elapsed time.
    sentAt.forEach((t, i) => expect(i * 200).toBeLessThanOrEqual((200 * t) / 1000));
    expect(report.durationMs).toBe(4000);
  });

  it('counts retried entries against the rate', async () => {
    const clock = fakeClock();
    const sentAt: number[] = [];
    let first = true;
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      sentAt.push(clock.now());
      const failing = first;
      first = false;
      return respond(input, (key) => (failing && key === 'k0' ? PTEE : undefined));
    });
    await send(makeRecords(20), { recordsPerSecond: 10, now: clock.now, sleep: clock.sleep, random: () => 0 });

    // 10 put at 0, k0 again at 1000 (10 put so far), the second batch at 1100 (11 put so far).
    expect(keysPerRequest().map((keys) => keys.length)).toEqual([10, 1, 10]);
    expect(sentAt).toEqual([0, 1000, 1100]);
  });

  it('sends one record at a time below one record per second', async () => {
    const clock = fakeClock();
    acceptAll();
    await send(makeRecords(3), { recordsPerSecond: 0.5, now: clock.now, sleep: clock.sleep });

    expect(keysPerRequest()).toEqual([['k0'], ['k1'], ['k2']]);
    expect(clock.sleeps).toEqual([2000, 2000]);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses recordsPerSecond %p', async (rate) => {
    await expect(send(makeRecords(1), { recordsPerSecond: rate })).rejects.toThrow(RangeError);
  });
});

describe('progress', () => {
  it('reports after each batch, with the total when given', async () => {
    kinesis
      .on(PutRecordsCommand)
      .callsFake((input: PutRecordsCommandInput) => respond(input, (key) => (key === 'k3' ? PTEE : undefined)));
    const seen: ProducerProgress[] = [];
    await send(makeRecords(1100), { total: 1100, maxAttempts: 1, onProgress: (p) => seen.push(p) });

    expect(seen).toEqual([
      { sent: 499, failed: 1, total: 1100 },
      { sent: 999, failed: 1, total: 1100 },
      { sent: 1099, failed: 1, total: 1100 },
    ]);
  });
});

describe('stream ARNs', () => {
  it('passes an ARN as StreamARN and a name as StreamName', () => {
    expect(streamTarget(STREAM_ARN)).toEqual({ StreamARN: STREAM_ARN });
    expect(streamTarget(STREAM)).toEqual({ StreamName: STREAM });
  });

  it('parses a stream ARN and refuses others', () => {
    expect(parseStreamArn(STREAM_ARN)).toEqual({
      partition: 'aws-cn',
      region: 'cn-north-1',
      account: '123456789012',
      streamName: 'churn-stream',
    });
    expect(parseStreamArn('arn:aws-cn:s3:::bucket')).toBeUndefined();
    expect(parseStreamArn('churn-stream')).toBeUndefined();
  });
});

describe('nothing lost, nothing sent twice (property)', () => {
  const MAX_ATTEMPTS = 4;
  const recordSpec = fc.record({
    size: fc.oneof(
      { weight: 60, arbitrary: fc.nat(300) },
      { weight: 1, arbitrary: fc.integer({ min: 400_000, max: RECORD_MAX_BYTES - 8 }) },
    ),
    fill: fc.nat(255),
    failures: fc.nat(MAX_ATTEMPTS + 1),
  });

  function digest(data: Uint8Array): string {
    return createHash('sha256').update(data).digest('hex');
  }

  /** Runs the producer against a stream where record i fails its first `failures[i]` puts. */
  async function run(specs: readonly { size: number; fill: number; failures: number }[]) {
    kinesis.reset();
    const records = specs.map((s, i) => ({ partitionKey: `k${i}`, data: new Uint8Array(s.size).fill(s.fill) }));
    const attempts = new Map<string, number>();
    const delivered: { key: string; digest: string }[] = [];
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      const output = respond(input, (key) => {
        const n = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, n);
        return n <= (specs[Number(key.slice(1))]?.failures ?? 0) ? PTEE : undefined;
      });
      (input.Records ?? []).forEach((r, i) => {
        if (output.Records?.[i]?.ErrorCode === undefined) {
          delivered.push({ key: r.PartitionKey ?? '', digest: digest(r.Data ?? new Uint8Array()) });
        }
      });
      return output;
    });
    const report = await send(records, { maxAttempts: MAX_ATTEMPTS, maxFailuresListed: specs.length });
    return { records, report, delivered };
  }

  it('delivers every record exactly once when failures end within the attempt bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          recordSpec.map((s) => ({ ...s, failures: s.failures % MAX_ATTEMPTS })),
          { maxLength: 1200, size: 'max' },
        ),
        async (specs) => {
          const { records, report, delivered } = await run(specs);

          expect(delivered.map((d) => d.digest).sort()).toEqual(records.map((r) => digest(r.data)).sort());
          expect(new Set(delivered.map((d) => d.key)).size).toBe(records.length);
          expect(report).toMatchObject({ sent: records.length, failed: 0 });
          for (const input of requests()) {
            const indexes = (input.Records ?? []).map((r) => Number((r.PartitionKey ?? '').slice(1)));
            expect(indexes).toEqual([...indexes].sort((a, b) => a - b)); // order kept within a retry
            expect(indexes.length).toBeLessThanOrEqual(PUT_RECORDS_MAX_RECORDS);
            expect(requestBytes(input)).toBeLessThanOrEqual(PUT_RECORDS_MAX_BYTES);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('delivers or reports every record, never both, when some exhaust their attempts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordSpec, { maxLength: 600, size: 'max' }), async (specs) => {
        const { report, delivered } = await run(specs);

        const deliveredKeys = delivered.map((d) => d.key);
        const failedKeys = report.failures.map((f) => f.partitionKey);
        expect(new Set(deliveredKeys).size).toBe(deliveredKeys.length);
        expect([...deliveredKeys, ...failedKeys].sort()).toEqual(specs.map((_, i) => `k${i}`).sort());
        expect(failedKeys).toEqual(specs.flatMap((s, i) => (s.failures >= MAX_ATTEMPTS ? [`k${i}`] : [])));
        expect(report.failures.every((f) => f.errorCode === PTEE)).toBe(true);
        expect(report).toMatchObject({ sent: deliveredKeys.length, failed: failedKeys.length });
      }),
      { numRuns: 40 },
    );
  });
});
