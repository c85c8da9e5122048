import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient, SageMakerServiceException } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type * as ErrorsModule from '../../../lambda/drift/errors';
import type * as HandlerModule from '../../../lambda/drift/handler';
import type * as EnvModule from '../../../lambda/shared/env';

const sagemaker = mockClient(SageMakerClient);
const others = [
  mockClient(S3Client),
  mockClient(AthenaClient),
  mockClient(CloudWatchClient),
  mockClient(EventBridgeClient),
];

/** What the monitor construct sets (test/serving/lake-monitor.test.ts checks the construct sets these names). */
const ENV = {
  ENDPOINT_NAME: 'ml-lifecycle-sandbox-churn',
  WORK_GROUP: 'ml-lifecycle-sandbox',
  DATABASE: 'ml_lifecycle_sandbox_raw',
  CAPTURE_TABLE: 'data_capture',
  REPORT_BUCKET: 'artifacts-bucket',
  WINDOW_HOURS: '24',
  PSI_WATCH: '0.1',
  PSI_ACT: '0.25',
  CATEGORICAL_WATCH: '0.05',
  CATEGORICAL_ACT: '0.1',
  MISSING_WATCH: '0.05',
  MISSING_ACT: '0.1',
  MINIMUM_ROWS: '200',
};

interface Loaded {
  readonly error: unknown;
  readonly EnvironmentError: unknown;
  readonly DriftInputError: unknown;
}

/** Loads the handler with `env` (and only it), in a registry of its own; returns what loading threw, if anything. */
function loadError(env: Record<string, string | undefined>): Loaded {
  const saved = process.env;
  process.env = { ...env };
  let result: Loaded = { error: undefined, EnvironmentError: undefined, DriftInputError: undefined };
  try {
    jest.isolateModules(() => {
      const { EnvironmentError } = jest.requireActual<typeof EnvModule>('../../../lambda/shared/env');
      const { DriftInputError } = jest.requireActual<typeof ErrorsModule>('../../../lambda/drift/errors');
      try {
        jest.requireActual<typeof HandlerModule>('../../../lambda/drift/handler');
        result = { error: undefined, EnvironmentError, DriftInputError };
      } catch (error) {
        result = { error, EnvironmentError, DriftInputError };
      }
    });
  } finally {
    process.env = saved;
  }
  return result;
}

describe('drift handler', () => {
  let handler: typeof HandlerModule.handler;
  let driftLogLine: typeof HandlerModule.driftLogLine;
  const saved = process.env;

  beforeAll(() => {
    process.env = { ...saved, ...ENV };
    try {
      ({ handler, driftLogLine } = jest.requireActual<typeof HandlerModule>('../../../lambda/drift/handler'));
    } finally {
      process.env = saved;
    }
  });

  beforeEach(() => {
    sagemaker.reset();
    for (const mock of others) mock.reset();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('ends quietly, logging why, while the endpoint does not exist', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(
      new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: {},
        message: 'Could not find endpoint "ml-lifecycle-sandbox-churn".',
      }),
    );
    const result = await handler({ time: '2026-08-31T06:00:00Z' }, { getRemainingTimeInMillis: () => 60_000 });
    expect(result.status).toBe('no-model');
    expect(sagemaker).toHaveReceivedCommandWith(DescribeEndpointCommand, { EndpointName: ENV.ENDPOINT_NAME });
    expect(console.log).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'no model in service: nothing to check' }),
    );
    for (const mock of others) expect(mock).not.toHaveReceivedAnyCommand();
  });

  it('logs a checked window by its verdict, counts and report, with no captured value', () => {
    const line = driftLogLine({
      status: 'checked',
      detail: {
        verdict: 'act',
        endpointName: ENV.ENDPOINT_NAME,
        modelPackageArn: 'package',
        windowStart: '2026-08-30T06:00:00.000Z',
        windowEnd: '2026-08-31T06:00:00.000Z',
        rows: 400,
        acting: ['age'],
        reportUri: 's3://artifacts-bucket/r.json',
      },
      report: { json: 's3://artifacts-bucket/r.json', html: 's3://artifacts-bucket/r.html' },
      metrics: ['Psi', 'DriftSeverity'],
      query: { id: 'q-1', scannedBytes: 10 },
    });
    expect(line).toEqual({
      message: 'drift checked',
      verdict: 'act',
      endpointName: ENV.ENDPOINT_NAME,
      modelPackageArn: 'package',
      windowStart: '2026-08-30T06:00:00.000Z',
      windowEnd: '2026-08-31T06:00:00.000Z',
      rows: 400,
      acting: ['age'],
      reportUri: 's3://artifacts-bucket/r.json',
      reportPage: 's3://artifacts-bucket/r.html',
      metrics: 2,
      queryExecutionId: 'q-1',
      scannedBytes: 10,
    });
  });

  it('logs a package without a baseline as such', () => {
    expect(
      driftLogLine({ status: 'no-baseline', endpointName: 'e', modelPackageArn: 'p', reason: 'no baseline' }),
    ).toMatchObject({ message: 'no baseline: nothing to compare the window with', modelPackageArn: 'p' });
  });

  it('loads with the construct’s variables', () => {
    expect(loadError(ENV).error).toBeUndefined();
  });

  it.each([
    ['ENDPOINT_NAME', undefined, 'environment variable ENDPOINT_NAME is missing'],
    ['WINDOW_HOURS', '0', 'environment variable WINDOW_HOURS is "0"; expected a number from 1 to 720'],
    ['PSI_ACT', '11', 'environment variable PSI_ACT is "11"; expected a number from 0 to 10'],
    ['MINIMUM_ROWS', '', 'environment variable MINIMUM_ROWS is empty'],
  ])('refuses to load when %s is %s', (name, value, message) => {
    const env: Record<string, string | undefined> = { ...ENV, [name]: value };
    if (value === undefined) delete env[name];
    const { error, EnvironmentError } = loadError(env);
    expect(error).toBeInstanceOf(EnvironmentError as new () => Error);
    expect((error as Error).message).toBe(message);
  });

  it('refuses to load when a watch threshold is above its act threshold', () => {
    const { error, DriftInputError } = loadError({ ...ENV, PSI_WATCH: '0.3' });
    expect(error).toBeInstanceOf(DriftInputError as new () => Error);
    expect((error as Error).message).toBe('psi.watch is 0.3, above psi.act 0.25; expected watch ≤ act');
  });
});
