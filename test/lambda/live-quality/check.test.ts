import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  checkLiveQuality,
  InvalidQualityEventError,
  type QualityCheckEvent,
  type QualityReport,
} from '../../../lambda/live-quality/check';
import type { JoinOutcomes, OutcomeWindow } from '../../../lambda/live-quality/join';
import type { ScoredOutcome } from '../../../lambda/live-quality/quality';
import type { QualityFunctionSettings } from '../../../lambda/live-quality/settings';
import { ModelLookupError } from '../../../lambda/shared/model-in-service';
import { CUTOFF_METADATA_KEY } from '../../../lib/contracts/cutoff';
import { LIVE_CASE } from './business-case';

const sagemaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const cloudwatch = mockClient(CloudWatchClient);
const events = mockClient(EventBridgeClient);
const clients = {
  sagemaker: new SageMakerClient({}),
  s3: new S3Client({}),
  cloudwatch: new CloudWatchClient({}),
  events: new EventBridgeClient({}),
};

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const PACKAGE_ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/ml-lifecycle-sandbox-churn/3';
const ENDPOINT = 'ml-lifecycle-sandbox-churn';

const SETTINGS: QualityFunctionSettings = {
  endpointName: ENDPOINT,
  workGroup: 'ml-lifecycle-sandbox',
  database: 'ml_lifecycle_sandbox_raw',
  captureTable: 'data_capture',
  reportBucket: 'artifacts-bucket',
  windowDays: 30,
  minimumOutcomes: 8,
  thresholds: { minAuc: 0.75, minPrecision: 0.25, minRecall: 0.6 },
  business: LIVE_CASE,
};

/**
 * The hand-computed case of quality.test.ts: AUC 0.625, precision 2/3, recall 0.5 at the cutoff 0.5;
 * the campaign projected onto 1,200 customers spends 37,500 and leaves a churn rate of 0.1875.
 */
const OUTCOMES: readonly ScoredOutcome[] = [
  [0.9, true],
  [0.8, false],
  [0.7, true],
  [0.4, true],
  [0.3, false],
  [0.2, false],
  [0.1, false],
  [0.05, true],
].map(([probability, churned]) => ({ probability: probability as number, churned: churned as boolean }));

const EVENT: QualityCheckEvent = { time: '2026-08-31T06:00:00Z' };
const OPTIONS = { timeLeft: () => 600_000, now: new Date('2027-01-01T00:00:00Z') };

let windows: OutcomeWindow[];
const fakeJoin =
  (scored: readonly ScoredOutcome[]): JoinOutcomes =>
  (window) => {
    windows.push(window);
    return Promise.resolve({ scored, leftOut: { unmatched: 3, duplicate: 1, late: 2 }, notes: { joinQuery: 'q-9' } });
  };

function modelInService(cutoff: string | null = '0.5'): void {
  sagemaker.on(DescribeEndpointCommand).resolves({
    EndpointName: ENDPOINT,
    EndpointConfigName: `${ENDPOINT}-v3`,
    EndpointStatus: 'InService',
  });
  sagemaker.on(DescribeEndpointConfigCommand).resolves({
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `${ENDPOINT}-v3` }],
  });
  sagemaker.on(DescribeModelCommand).resolves({ PrimaryContainer: { ModelPackageName: PACKAGE_ARN } });
  sagemaker.on(DescribeModelPackageCommand).resolves({
    ModelPackageArn: PACKAGE_ARN,
    CustomerMetadataProperties: cutoff === null ? {} : { [CUTOFF_METADATA_KEY]: cutoff },
  });
}

beforeEach(() => {
  for (const mock of [sagemaker, s3, cloudwatch, events]) mock.reset();
  windows = [];
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'ev-1' }] });
});

describe('before the first model is deployed', () => {
  it('does nothing and fails nothing', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(
      new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: {},
        message: `Could not find endpoint "${ENDPOINT}".`,
      }),
    );
    const result = await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS);
    expect(result).toEqual({
      status: 'no-model',
      endpointName: ENDPOINT,
      reason: `endpoint ${ENDPOINT} does not exist: no model has been approved and deployed yet`,
    });
    expect(windows).toEqual([]);
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
    expect(events).not.toHaveReceivedAnyCommand();
  });

  it('fails on any other SageMaker error', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(
      new SageMakerServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: {},
        message: 'no',
      }),
    );
    await expect(checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS)).rejects.toThrow('no');
  });
});

describe('with a model in service', () => {
  beforeEach(() => modelInService());

  it('traces the endpoint to its model package', async () => {
    await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS);
    expect(sagemaker).toHaveReceivedCommandWith(DescribeEndpointConfigCommand, {
      EndpointConfigName: `${ENDPOINT}-v3`,
    });
    expect(sagemaker).toHaveReceivedCommandWith(DescribeModelCommand, { ModelName: `${ENDPOINT}-v3` });
    expect(sagemaker).toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: PACKAGE_ARN });
  });

  it('joins the outcomes of the last windowDays before the event’s time, with the predictions query', async () => {
    await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS);
    expect(windows).toHaveLength(1);
    const window = windows[0];
    expect(window?.windowEnd.toISOString()).toBe('2026-08-31T06:00:00.000Z');
    expect(window?.windowStart.toISOString()).toBe('2026-08-01T06:00:00.000Z');
    const sql = window?.predictionsQuery(new Date('2026-07-01T00:00:00Z'), new Date('2026-08-31T06:00:00Z')) ?? '';
    expect(sql).toContain(`FROM "ml_lifecycle_sandbox_raw"."data_capture"`);
    expect(sql).toContain(`endpoint_name = '${ENDPOINT}'`);
  });

  it('writes the report under monitoring/quality/<endpoint>/', async () => {
    await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'artifacts-bucket',
      Key: `monitoring/quality/${ENDPOINT}/2026-08-31T06-00-00.000Z.json`,
      ContentType: 'application/json',
    });
    const body = s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as string;
    const report = JSON.parse(body) as QualityReport;
    expect(report.modelPackageArn).toBe(PACKAGE_ARN);
    expect(report.leftOut).toEqual({ unmatched: 3, duplicate: 1, late: 2 });
    expect(report.formatVersion).toBe(2);
    expect(report.quality.verdict).toBe('act');
    expect(report.quality.sample).toEqual({
      spend: 300,
      churnersReached: 2,
      expectedCost: 1800,
      costOfDoingNothing: 2000,
      netValue: 200,
    });
    expect(report.quality.assumptions).toEqual(SETTINGS.business);
    expect(report.quality.campaign).toMatchObject({
      spend: 37_500,
      projectedChurnRate: 0.1875,
      withinBudget: true,
      targetMet: false,
    });
  });

  it('publishes every quality metric in the monitoring namespace, by endpoint', async () => {
    await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS);
    const input = cloudwatch.commandCalls(PutMetricDataCommand)[0]?.args[0].input;
    expect(input?.Namespace).toBe('MlLifecycle/Monitoring');
    const values = Object.fromEntries((input?.MetricData ?? []).map((m) => [m.MetricName, m.Value]));
    expect(values).toEqual({
      Auc: 0.625,
      Precision: 2 / 3,
      Recall: 0.5,
      ExpectedCost: 1800,
      CostOfDoingNothing: 2000,
      IncentivesSpent: 300,
      ChurnersCaught: 2,
      ProjectedChurnRate: 0.1875,
      ProjectedSpend: 37_500,
      MatchedOutcomes: 8,
    });
    for (const datum of input?.MetricData ?? []) {
      expect(datum.Dimensions).toEqual([{ Name: 'EndpointName', Value: ENDPOINT }]);
      expect(datum.Timestamp).toEqual(new Date('2026-08-31T06:00:00Z'));
    }
  });

  it('puts the verdict event, with its reason and the report', async () => {
    const result = await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS);
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.Source).toBe('ml-lifecycle.monitoring');
    expect(entry?.DetailType).toBe('Model quality verdict');
    const detail = JSON.parse(entry?.Detail ?? '{}') as unknown;
    expect(detail).toEqual({
      verdict: 'act',
      endpointName: ENDPOINT,
      modelPackageArn: PACKAGE_ARN,
      windowStart: '2026-08-01T06:00:00.000Z',
      windowEnd: '2026-08-31T06:00:00.000Z',
      matched: 8,
      reason:
        'auc 0.625 is below 0.750; recall 0.500 is below 0.600 (8 outcomes, cutoff 0.500). ' +
        'Campaign projected onto 1,200 customers: churn rate 18.8%, above the target of 10.0%; spend 37,500, within the budget of 50,000',
      reportUri: `s3://artifacts-bucket/monitoring/quality/${ENDPOINT}/2026-08-31T06-00-00.000Z.json`,
    });
    expect(result.status === 'checked' && result.detail).toEqual(detail);
  });

  it('publishes only MatchedOutcomes when there are too few outcomes, so no alarm sees a value', async () => {
    const result = await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES.slice(0, 5)), EVENT, OPTIONS);
    expect(result.status === 'checked' && result.metrics).toEqual(['MatchedOutcomes']);
    expect(result.status === 'checked' && result.detail.verdict).toBe('insufficient');
    // Nor does the report project a campaign from them.
    const report = JSON.parse(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as string) as QualityReport;
    expect(report.quality.campaign).toBeNull();
  });

  it('says "not enough data" when the join finds no outcome', async () => {
    const result = await checkLiveQuality(clients, SETTINGS, fakeJoin([]), EVENT, OPTIONS);
    expect(result.status === 'checked' && result.detail.verdict).toBe('insufficient');
    expect(result.status === 'checked' && result.detail.matched).toBe(0);
  });

  it('ends the window now when the event names no time', async () => {
    await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), {}, OPTIONS);
    expect(windows[0]?.windowEnd).toEqual(OPTIONS.now);
  });

  it('takes a manual windowEnd over the event’s time', async () => {
    await checkLiveQuality(
      clients,
      SETTINGS,
      fakeJoin(OUTCOMES),
      { ...EVENT, windowEnd: '2026-09-15T00:00:00Z' },
      OPTIONS,
    );
    expect(windows[0]?.windowEnd.toISOString()).toBe('2026-09-15T00:00:00.000Z');
  });

  it('refuses a window end that is not a date, naming it', async () => {
    const run = checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), { windowEnd: 'yesterday' }, OPTIONS);
    await expect(run).rejects.toThrow(InvalidQualityEventError);
    await expect(
      checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), { windowEnd: 'yesterday' }, OPTIONS),
    ).rejects.toThrow(`the event's windowEnd is "yesterday"; expected an ISO 8601 date and time`);
  });

  it('fails when EventBridge does not take the event', async () => {
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    await expect(checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS)).rejects.toThrow(
      'EventBridge did not accept the quality verdict event: InternalFailure try again',
    );
  });

  it('uses the fallback cutoff, and says so in the report, when the package has none', async () => {
    modelInService(null);
    await checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS);
    const report = JSON.parse(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body as string) as QualityReport;
    expect(report.quality.cutoff).toEqual({
      value: 0.5,
      source: `model package ${PACKAGE_ARN} has no ${CUTOFF_METADATA_KEY} metadata`,
      fallback: true,
    });
  });

  it('fails, naming the model, when the model was not made from a package', async () => {
    sagemaker.on(DescribeModelCommand).resolves({ PrimaryContainer: { Image: 'some-image' } });
    const run = checkLiveQuality(clients, SETTINGS, fakeJoin(OUTCOMES), EVENT, OPTIONS);
    await expect(run).rejects.toThrow(ModelLookupError);
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});
