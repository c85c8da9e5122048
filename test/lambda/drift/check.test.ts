/**
 * The drift check with every AWS client mocked, except that the Athena mock runs the query the
 * check sends on DuckDB, over a capture table shaped as Athena sees SageMaker's capture files
 * (test/contracts/data-capture.test.ts), and answers its rows as Athena does (text, a header row,
 * pages of 1,000). So the query the function would run is run, end to end: captured rows, window
 * statistics over the baseline's bins, assembled, compared.
 */
import { Readable } from 'node:stream';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CloudWatchClient, type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  actingFeatures,
  checkDrift,
  type DriftCheckResult,
  driftMetrics,
  metricBatches,
  metricTimestampProblem,
  renderDriftWindowQuery,
} from '../../../lambda/drift/check';
import type { DriftReport } from '../../../lambda/drift/compare';
import { DriftInputError } from '../../../lambda/drift/errors';
import { describeBaseline } from '../../../lambda/drift/describe';
import type { DriftReportDocument } from '../../../lambda/drift/report';
import type { DriftFunctionSettings } from '../../../lambda/drift/settings';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../../lambda/drift/thresholds';
import { AthenaQueryFailedError } from '../../../lambda/shared/athena';
import { InvalidMonitorEventError } from '../../../lambda/shared/monitor-run';
import type { BaselineStatistics } from '../../../lib/contracts/baseline-statistics';
import { CAPTURE_QUERY_DUCKDB_SHIMS, captureHour } from '../../../lib/contracts/data-capture';
import { FEATURE_COLUMNS, featureManifest } from '../../../lib/contracts/feature-manifest';
import { STATISTICS_RESULT_COLUMNS } from '../../../lib/contracts/statistics-sql';
import { customerWindowLines } from '../../../lib/local/drift';
import { Db } from '../../support/duckdb-etl';
import { fullDrift } from '../../support/drift-files';

const sagemaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const athena = mockClient(AthenaClient);
const cloudwatch = mockClient(CloudWatchClient);
const events = mockClient(EventBridgeClient);
const clients = {
  sagemaker: new SageMakerClient({}),
  s3: new S3Client({}),
  athena: new AthenaClient({}),
  cloudwatch: new CloudWatchClient({}),
  events: new EventBridgeClient({}),
};

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const PACKAGE_ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/ml-lifecycle-sandbox-churn/3';
const ENDPOINT = 'ml-lifecycle-sandbox-churn';
const DATABASE = 'ml_lifecycle_sandbox_raw';
const BASELINE_URI = 's3://artifacts-bucket/training-runs/run-1/feature-statistics/statistics.json';

const SETTINGS: DriftFunctionSettings = {
  endpointName: ENDPOINT,
  workGroup: 'ml-lifecycle-sandbox',
  database: DATABASE,
  captureTable: 'data_capture',
  reportBucket: 'artifacts-bucket',
  windowHours: 24,
  thresholds: DEFAULT_DRIFT_THRESHOLDS,
};

/** The scheduled run: its time ends the window; the check runs a minute later. */
const EVENT = { time: '2026-08-31T06:00:00Z' };
const WINDOW_END = new Date(EVENT.time);
const OPTIONS = { timeLeft: () => 600_000, now: new Date('2026-08-31T06:01:00Z') };
const REPORT_KEY = `monitoring/drift/${ENDPOINT}/2026-08-31T06-00-00.000Z`;

/** The baseline: the generator's customers of seed 1, described as the features job does. */
const BASELINE: BaselineStatistics = describeBaseline(
  FEATURE_COLUMNS,
  customerWindowLines({ seed: 1, count: 3000, start: new Date('2026-01-01T00:00:00Z') }).map((l) => l.split(',')),
  featureManifest().columns,
);

/** The window's requests: `count` new customers (seed 2), five per request, one request every ten minutes from the window's start. */
function requests(count: number, drifted = false): { time: string; body: string }[] {
  const start = new Date(WINDOW_END.getTime() - 23 * 3600_000);
  const lines = customerWindowLines({
    seed: 2,
    count,
    start,
    ...(drifted
      ? {
          drift: fullDrift({
            customer_service_calls: { shift: 3 },
            international_plan: { probability: 0.5 },
          }),
        }
      : {}),
  });
  const out: { time: string; body: string }[] = [];
  for (let i = 0; i < lines.length; i += 5) {
    out.push({
      time: new Date(start.getTime() + (i / 5) * 10 * 60_000).toISOString(),
      body: `${lines.slice(i, i + 5).join('\n')}\n`,
    });
  }
  return out;
}

let db: Db;
/** The SQL the check sent to Athena, in order. */
let queries: string[];
/** The rows of the last query, as Athena's text. */
let answer: (string | null)[][];

/** Fills the capture table with these requests (one capture record each), as Athena sees it. */
async function capture(reqs: readonly { time: string; body: string }[]): Promise<void> {
  await db.run(`DELETE FROM ${DATABASE}.data_capture`);
  for (const [i, r] of reqs.entries()) {
    const text = (s: string) => `'${s.replace(/'/g, "''")}'`;
    await db.run(
      `INSERT INTO ${DATABASE}.data_capture VALUES (
        {'endpointinput': {'observedcontenttype': 'text/csv', 'mode': 'INPUT', 'data': ${text(r.body)}, 'encoding': 'CSV'},
         'endpointoutput': {'observedcontenttype': 'text/csv; charset=utf-8', 'mode': 'OUTPUT', 'data': '0.5', 'encoding': 'CSV'}},
        {'eventid': 'e-${i}', 'inferenceid': NULL, 'inferencetime': ${text(r.time)}},
        '0', ${text(ENDPOINT)}, 'AllTraffic', ${text(captureHour(new Date(r.time)))})`,
    );
  }
}

/** The Athena mock: the query runs on DuckDB when it starts; its rows come back in pages of 1,000 with a header row first. */
function athenaOnDuckDb(): void {
  athena.on(StartQueryExecutionCommand).callsFake(async (input: { QueryString: string }) => {
    queries.push(input.QueryString);
    const rows = await db.rows(input.QueryString);
    answer = rows.map((row) =>
      STATISTICS_RESULT_COLUMNS.map((c) => {
        const value = row[c];
        if (value === null || value === undefined) {
          return null;
        }
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
          throw new Error(`column ${c} is ${typeof value}; Athena answers text`);
        }
        return String(value);
      }),
    );
    return { QueryExecutionId: `q-${queries.length}` };
  });
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 4096 } },
  });
  athena.on(GetQueryResultsCommand).callsFake((input: { NextToken?: string }): GetQueryResultsCommandOutput => {
    const all = [STATISTICS_RESULT_COLUMNS.map((c) => c as string | null), ...answer];
    const offset = Number(input.NextToken ?? '0');
    const next = offset + 1000;
    return {
      $metadata: {},
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: STATISTICS_RESULT_COLUMNS.map((Name) => ({ Name, Type: 'varchar' })) },
        Rows: all.slice(offset, next).map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
      },
      ...(next < all.length ? { NextToken: String(next) } : {}),
    };
  });
}

function modelInService(baseline: 'recorded' | 'none' = 'recorded'): void {
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
    CustomerMetadataProperties: { optimalCutoff: '0.5' },
    ...(baseline === 'recorded'
      ? {
          ModelMetrics: {
            ModelDataQuality: { Statistics: { ContentType: 'application/json', S3Uri: BASELINE_URI } },
          },
        }
      : {}),
  });
}

/** The baseline document in S3 (a fresh stream for every read). */
function baselineObject(text = JSON.stringify(BASELINE)): void {
  s3.on(GetObjectCommand, {
    Bucket: 'artifacts-bucket',
    Key: 'training-runs/run-1/feature-statistics/statistics.json',
  }).callsFake(() => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(text, 'utf8')])) }));
}

function checked(result: DriftCheckResult): Extract<DriftCheckResult, { status: 'checked' }> {
  if (result.status !== 'checked') {
    throw new Error(`expected a checked result, got ${JSON.stringify(result)}`);
  }
  return result;
}

/** The report document the check wrote. */
function writtenReport(): DriftReportDocument {
  const put = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.endsWith('.json') === true);
  return JSON.parse(put?.args[0].input.Body as string) as DriftReportDocument;
}

function publishedMetrics(): MetricDatum[] {
  return cloudwatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
}

beforeAll(async () => {
  db = await Db.open();
  for (const shim of CAPTURE_QUERY_DUCKDB_SHIMS) {
    await db.run(shim.sql);
  }
  // DuckDB has no approx_percentile; its exact quantile_disc takes the same arguments (see
  // test/contracts/statistics-sql.test.ts). No verdict depends on the quantiles.
  await db.run('CREATE MACRO approx_percentile(x, p) AS quantile_disc(x, p)');
  const body = 'STRUCT(observedcontenttype VARCHAR, mode VARCHAR, data VARCHAR, encoding VARCHAR)';
  await db.run(`CREATE SCHEMA ${DATABASE}`);
  await db.run(
    `CREATE TABLE ${DATABASE}.data_capture (
      capturedata STRUCT(endpointinput ${body}, endpointoutput ${body}),
      eventmetadata STRUCT(eventid VARCHAR, inferenceid VARCHAR, inferencetime VARCHAR),
      eventversion VARCHAR, endpoint_name VARCHAR, variant_name VARCHAR, capture_hour VARCHAR)`,
  );
});
afterAll(() => db?.close());

beforeEach(() => {
  for (const mock of [sagemaker, s3, athena, cloudwatch, events]) mock.reset();
  queries = [];
  answer = [];
  athenaOnDuckDb();
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
    const result = await checkDrift(clients, SETTINGS, EVENT, OPTIONS);
    expect(result).toEqual({
      status: 'no-model',
      endpointName: ENDPOINT,
      reason: `endpoint ${ENDPOINT} does not exist: no model has been approved and deployed yet`,
    });
    for (const mock of [s3, athena, cloudwatch, events]) expect(mock).not.toHaveReceivedAnyCommand();
  });
});

describe('a model package registered before baselines were recorded', () => {
  it('says "no baseline", and publishes, writes and puts nothing', async () => {
    modelInService('none');
    const result = await checkDrift(clients, SETTINGS, EVENT, OPTIONS);
    expect(result).toMatchObject({ status: 'no-baseline', endpointName: ENDPOINT, modelPackageArn: PACKAGE_ARN });
    expect(result.status === 'no-baseline' && result.reason).toMatch(/records no baseline statistics/);
    for (const mock of [s3, athena, cloudwatch, events]) expect(mock).not.toHaveReceivedAnyCommand();
  });
});

describe('with a model and its baseline in service', () => {
  beforeEach(() => {
    modelInService();
    baselineObject();
  });

  describe('a window like the baseline', () => {
    let result: Extract<DriftCheckResult, { status: 'checked' }>;
    beforeEach(async () => {
      await capture(requests(400));
      result = checked(await checkDrift(clients, SETTINGS, EVENT, OPTIONS));
    });

    it('reads the baseline the package records', () => {
      expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
        Bucket: 'artifacts-bucket',
        Key: 'training-runs/run-1/feature-statistics/statistics.json',
      });
    });

    it('describes the last windowHours of captures before the event’s time, in the lake’s workgroup', () => {
      expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
        WorkGroup: 'ml-lifecycle-sandbox',
        QueryExecutionContext: { Database: DATABASE },
      });
      expect(queries).toHaveLength(1);
      expect(queries[0]).toContain(`FROM "${DATABASE}"."data_capture"`);
      expect(queries[0]).toContain("from_iso8601_timestamp('2026-08-30T06:00:00.000Z')");
      expect(queries[0]).toContain("from_iso8601_timestamp('2026-08-31T06:00:00.000Z')");
    });

    it('is ok on every captured line', () => {
      expect(result.detail).toEqual({
        verdict: 'ok',
        endpointName: ENDPOINT,
        modelPackageArn: PACKAGE_ARN,
        windowStart: '2026-08-30T06:00:00.000Z',
        windowEnd: '2026-08-31T06:00:00.000Z',
        rows: 400,
        acting: [],
        reportUri: `s3://artifacts-bucket/${REPORT_KEY}.json`,
      });
    });

    it('writes the JSON report and the page beside it, by endpoint and window end', () => {
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
        Bucket: 'artifacts-bucket',
        Key: `${REPORT_KEY}.json`,
        ContentType: 'application/json',
      });
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
        Bucket: 'artifacts-bucket',
        Key: `${REPORT_KEY}.html`,
        ContentType: 'text/html; charset=utf-8',
      });
      for (const call of s3.commandCalls(PutObjectCommand)) {
        // The bucket's default encryption (the lake key) applies: an upload that names another is refused.
        expect(call.args[0].input.ServerSideEncryption).toBeUndefined();
      }
      const report = writtenReport();
      expect(report).toMatchObject({
        verdict: 'ok',
        rows: { baseline: 3000, current: 400, currentMalformed: 0 },
        window: { start: '2026-08-30T06:00:00.000Z', end: '2026-08-31T06:00:00.000Z' },
        model: PACKAGE_ARN,
        generatedAt: OPTIONS.now.toISOString(),
      });
      const page = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.endsWith('.html') === true);
      expect(page?.args[0].input.Body).toMatch(/^<!DOCTYPE html>/i);
      expect(page?.args[0].input.Body).toContain(BASELINE_URI);
      expect(result.report).toEqual({
        json: `s3://artifacts-bucket/${REPORT_KEY}.json`,
        html: `s3://artifacts-bucket/${REPORT_KEY}.html`,
      });
    });

    it('publishes a metric per measured feature statistic and the summary, at the window’s end', () => {
      const data = publishedMetrics();
      expect(cloudwatch).toHaveReceivedCommandWith(PutMetricDataCommand, { Namespace: 'MlLifecycle/Monitoring' });
      const measured = writtenReport().features.filter(
        (f) => ['psi', 'l_infinity', 'missing_fraction_change'].includes(f.statistic) && f.value !== null,
      );
      expect(data).toHaveLength(measured.length + 4);
      for (const datum of data) {
        expect(datum.Timestamp).toEqual(WINDOW_END);
        expect(datum.Dimensions?.[0]).toEqual({ Name: 'EndpointName', Value: ENDPOINT });
      }
      const psi = data.filter((d) => d.MetricName === 'Psi');
      expect(psi.length).toBeGreaterThan(0);
      expect(psi.every((d) => d.Dimensions?.[1]?.Name === 'Feature')).toBe(true);
      expect(data.some((d) => d.MetricName === 'CategoryDistance' && d.Dimensions?.[1]?.Value === 'state')).toBe(true);
      const summary = Object.fromEntries(
        data.filter((d) => d.Dimensions?.length === 1).map((d) => [d.MetricName, d.Value]),
      );
      expect(summary).toEqual({ CapturedRows: 400, FeaturesActing: 0, FeaturesWatching: 0, DriftSeverity: 0 });
    });

    it('puts the verdict event, whatever the verdict', () => {
      const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
      expect(entry).toMatchObject({
        Source: 'ml-lifecycle.monitoring',
        DetailType: 'Drift verdict',
        Resources: [PACKAGE_ARN],
      });
      expect(JSON.parse(entry?.Detail ?? '{}')).toEqual(result.detail);
    });
  });

  it('acts on a drifted window, naming the acting features in the event', async () => {
    await capture(requests(400, true));
    const result = checked(await checkDrift(clients, SETTINGS, EVENT, OPTIONS));
    expect(result.detail.verdict).toBe('act');
    expect(result.detail.acting).toEqual(expect.arrayContaining(['customer_service_calls', 'international_plan']));
    const detail = JSON.parse(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail ?? '{}');
    expect(detail).toMatchObject({ verdict: 'act', acting: result.detail.acting });
    const summary = Object.fromEntries(
      publishedMetrics()
        .filter((d) => d.Dimensions?.length === 1)
        .map((d) => [d.MetricName, d.Value]),
    );
    expect(summary).toMatchObject({ DriftSeverity: 3, FeaturesActing: result.detail.acting.length });
  });

  it('gives "not enough data" its own verdict: reported, summarised and put, with no feature metric', async () => {
    await capture(requests(100));
    const result = checked(await checkDrift(clients, SETTINGS, EVENT, OPTIONS));
    expect(result.detail).toMatchObject({ verdict: 'insufficient', rows: 100, acting: [] });
    expect(writtenReport().verdict).toBe('insufficient');
    expect(result.metrics).toEqual(['CapturedRows', 'FeaturesActing', 'FeaturesWatching', 'DriftSeverity']);
    const severity = publishedMetrics().find((d) => d.MetricName === 'DriftSeverity');
    expect(severity?.Value).toBe(1);
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('gives "not enough data" on an empty window too', async () => {
    await capture([]);
    const result = checked(await checkDrift(clients, SETTINGS, EVENT, OPTIONS));
    expect(result.detail).toMatchObject({ verdict: 'insufficient', rows: 0 });
  });

  it('names the Athena query that failed, and its reason, and writes nothing', async () => {
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'FAILED', StateChangeReason: 'COLUMN_NOT_FOUND: line 3:5: Column x cannot be resolved' },
      },
    });
    await capture(requests(10));
    const run = checkDrift(clients, SETTINGS, EVENT, OPTIONS);
    await expect(run).rejects.toThrow(AthenaQueryFailedError);
    await expect(checkDrift(clients, SETTINGS, EVENT, OPTIONS)).rejects.toThrow(
      'Athena query q-2 ended FAILED: COLUMN_NOT_FOUND: line 3:5: Column x cannot be resolved',
    );
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    for (const mock of [cloudwatch, events]) expect(mock).not.toHaveReceivedAnyCommand();
  });

  it('refuses a baseline document that is not one, naming where it is', async () => {
    baselineObject('{"version": 1}');
    await expect(checkDrift(clients, SETTINGS, EVENT, OPTIONS)).rejects.toThrow(
      `the baseline statistics at ${BASELINE_URI} cannot be read`,
    );
    expect(athena).not.toHaveReceivedAnyCommand();
  });

  it('fails when EventBridge refuses the event, after writing the report', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await capture(requests(10));
    await expect(checkDrift(clients, SETTINGS, EVENT, OPTIONS)).rejects.toThrow(
      'EventBridge did not accept the drift verdict event: InternalFailure',
    );
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
  });

  it('takes a manual windowEnd, and publishes no metric when it is too old for CloudWatch', async () => {
    await capture([]);
    const result = checked(await checkDrift(clients, SETTINGS, { windowEnd: '2026-08-01T00:00:00Z' }, OPTIONS));
    expect(result.detail.windowEnd).toBe('2026-08-01T00:00:00.000Z');
    expect(result.metrics).toEqual([]);
    expect(result.metricsSkipped).toMatch(/too long ago for CloudWatch/);
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: `monitoring/drift/${ENDPOINT}/2026-08-01T00-00-00.000Z.json`,
    });
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('refuses a window end that is not a date, naming it', async () => {
    await expect(checkDrift(clients, SETTINGS, { windowEnd: 'yesterday' }, OPTIONS)).rejects.toThrow(
      new InvalidMonitorEventError(`the event's windowEnd is "yesterday"; expected an ISO 8601 date and time`),
    );
  });
});

describe('renderDriftWindowQuery', () => {
  it('reads the captured rows as the window statistics’ relation', () => {
    const sql = renderDriftWindowQuery(BASELINE, SETTINGS, new Date('2026-08-30T06:00:00Z'), WINDOW_END);
    expect(sql).toMatch(/\(\n-- Captured requests of endpoint ml-lifecycle-sandbox-churn[\s\S]*\n\) AS captured/);
  });

  it('refuses a baseline of another feature layout, naming the first column that differs', () => {
    const other = { ...BASELINE, columns: [...BASELINE.columns.slice(0, 2), 'renamed', ...BASELINE.columns.slice(3)] };
    expect(() => renderDriftWindowQuery(other, SETTINGS, new Date(0), WINDOW_END)).toThrow(DriftInputError);
    expect(() => renderDriftWindowQuery(other, SETTINGS, new Date(0), WINDOW_END)).toThrow(
      `column 3 is "renamed" in the baseline and ${JSON.stringify(FEATURE_COLUMNS[2])} in the capture query`,
    );
  });
});

describe('the metrics', () => {
  const comparison: DriftReport = {
    verdict: 'act',
    features: [
      { name: 'age', statistic: 'psi', value: 0.3, verdict: 'act' },
      { name: 'age', statistic: 'missing_fraction_change', value: 0.06, verdict: 'watch' },
      { name: 'state', statistic: 'l_infinity', value: 0.07, verdict: 'watch' },
      { name: 'state', statistic: 'missing_fraction_change', value: null, verdict: 'insufficient' },
      { name: 'plan', statistic: 'column_missing', value: null, verdict: 'act' },
      { name: '(rows)', statistic: 'rows_with_too_few_columns', value: 4, verdict: 'act' },
    ],
    rows: { baseline: 1000, current: 500 },
  };

  it('names each acting feature once, in the comparison’s order', () => {
    expect(actingFeatures(comparison)).toEqual(['age', 'plan', '(rows)']);
  });

  it('has one datum per measured statistic, none for schema violations, and the summary', () => {
    const data = driftMetrics(ENDPOINT, comparison, WINDOW_END);
    expect(data.map((d) => [d.MetricName, d.Dimensions?.[1]?.Value, d.Value])).toEqual([
      ['Psi', 'age', 0.3],
      ['MissingFractionChange', 'age', 0.06],
      ['CategoryDistance', 'state', 0.07],
      ['CapturedRows', undefined, 500],
      ['FeaturesActing', undefined, 3],
      ['FeaturesWatching', undefined, 1],
      ['DriftSeverity', undefined, 3],
    ]);
  });

  it('goes in calls of at most 1,000 metrics', () => {
    const batches = metricBatches(Array.from({ length: 2345 }, (_, i) => i));
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 345]);
    expect(metricBatches([])).toEqual([]);
  });

  it.each([
    ['2026-08-31T06:00:00Z', undefined],
    ['2026-08-18T06:00:00Z', undefined],
    ['2026-08-16T06:00:00Z', /too long ago/],
    ['2026-08-31T07:30:00Z', undefined],
    ['2026-08-31T09:00:00Z', /too far ahead/],
  ])('takes a window end of %s within CloudWatch’s timestamp limits', (end, problem) => {
    const found = metricTimestampProblem(new Date(end), OPTIONS.now);
    if (problem === undefined) {
      expect(found).toBeUndefined();
    } else {
      expect(found).toMatch(problem);
    }
  });
});
