import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient, SageMakerServiceException } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type * as HandlerModule from '../../../lambda/live-quality/handler';
import { settingsFromEnv } from '../../../lambda/live-quality/settings';
import type * as EnvModule from '../../../lambda/shared/env';

const sagemaker = mockClient(SageMakerClient);
const others = [mockClient(S3Client), mockClient(CloudWatchClient), mockClient(EventBridgeClient)];

/** What the monitor construct sets (test/serving/lake-monitor.test.ts checks the construct sets these names). */
const ENV = {
  ENDPOINT_NAME: 'ml-lifecycle-sandbox-churn',
  WORK_GROUP: 'ml-lifecycle-sandbox',
  DATABASE: 'ml_lifecycle_sandbox_raw',
  CAPTURE_TABLE: 'data_capture',
  REPORT_BUCKET: 'artifacts-bucket',
  QUALITY_WINDOW_DAYS: '30',
  MINIMUM_OUTCOMES: '100',
  MIN_AUC: '0.75',
  MIN_PRECISION: '0.25',
  MIN_RECALL: '0.6',
  CHURN_RATE_BEFORE: '0.145',
  TARGET_CHURN_RATE: '0.04',
  INCENTIVE_BUDGET: '750000',
  INCENTIVE_COST: '50',
  INCENTIVE_RETENTION: '0.5',
  RETAINED_CUSTOMER_VALUE: '500',
  CUSTOMERS_SCORED: '50000',
};

/** Loads the handler with `env`, in a registry of its own; returns what loading threw, if anything. */
function loadError(env: Record<string, string | undefined>): { error: unknown; EnvironmentError: unknown } {
  const saved = process.env;
  process.env = { ...saved, ...env };
  let result: { error: unknown; EnvironmentError: unknown } = { error: undefined, EnvironmentError: undefined };
  try {
    jest.isolateModules(() => {
      const { EnvironmentError } = jest.requireActual<typeof EnvModule>('../../../lambda/shared/env');
      try {
        jest.requireActual<typeof HandlerModule>('../../../lambda/live-quality/handler');
        result = { error: undefined, EnvironmentError };
      } catch (error) {
        result = { error, EnvironmentError };
      }
    });
  } finally {
    process.env = saved;
  }
  return result;
}

describe('live-quality handler', () => {
  let handler: typeof HandlerModule.handler;
  const saved = process.env;

  beforeAll(() => {
    process.env = { ...saved, ...ENV };
    try {
      ({ handler } = jest.requireActual<typeof HandlerModule>('../../../lambda/live-quality/handler'));
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
    expect(console.log).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'no model in service: nothing to check' }),
    );
    for (const mock of others) expect(mock).not.toHaveReceivedAnyCommand();
  });

  it('loads with the construct’s variables', () => {
    expect(loadError(ENV).error).toBeUndefined();
  });

  it('reads the whole business case, as the evaluation does', () => {
    expect(settingsFromEnv(ENV).business).toEqual({
      churnRateBefore: 0.145,
      targetChurnRate: 0.04,
      incentiveBudget: 750_000,
      incentiveCost: 50,
      incentiveRetention: 0.5,
      retainedCustomerValue: 500,
      customersScored: 50_000,
    });
  });

  it.each([
    ['ENDPOINT_NAME', undefined, 'environment variable ENDPOINT_NAME is missing'],
    ['MIN_AUC', '1.5', 'environment variable MIN_AUC is "1.5"; expected a number from 0 to 1'],
    ['QUALITY_WINDOW_DAYS', '0', 'environment variable QUALITY_WINDOW_DAYS is "0"; expected a number from 1 to 365'],
    // The business case, read as the evaluation reads it (businessCaseFromEnv).
    [
      'CUSTOMERS_SCORED',
      '1.5',
      'environment variable CUSTOMERS_SCORED is "1.5"; expected an integer from 1 to 1000000000000',
    ],
    ['CHURN_RATE_BEFORE', undefined, 'environment variable CHURN_RATE_BEFORE is missing'],
  ])('refuses to load when %s is %s', (name, value, message) => {
    const env: Record<string, string | undefined> = { ...ENV, [name]: value };
    if (value === undefined) delete env[name];
    const saved = process.env[name];
    delete process.env[name];
    try {
      const { error, EnvironmentError } = loadError(env);
      expect(error).toBeInstanceOf(EnvironmentError as new () => Error);
      expect((error as Error).message).toBe(message);
    } finally {
      if (saved !== undefined) process.env[name] = saved;
    }
  });
});
