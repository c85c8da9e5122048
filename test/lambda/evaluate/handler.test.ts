import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandInput,
  type ListObjectsV2CommandInput,
  type _Object,
} from '@aws-sdk/client-s3';
// The stream wrapper the SDK itself uses for GetObject bodies. aws-sdk-client-mock's README imports
// it from @smithy/util-stream, which this SDK version no longer installs: it now ships inside
// @smithy/core (a dependency of @aws-sdk/client-s3, pinned as a devDependency for this test), and the SDK imports it from there.
import { sdkStreamMixin } from '@smithy/core/serde';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeHyperParameterTuningJobCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type * as HandlerModule from '../../../lambda/evaluate/handler';
import type { EvaluateEvent } from '../../../lambda/evaluate/handler';
import { EvaluationInputError } from '../../../lambda/evaluate/input-error';
import { evaluate } from '../../../lambda/evaluate/metrics';
import { modelQualityStatistics } from '../../../lambda/evaluate/model-quality';
import { renderReport } from '../../../lambda/evaluate/report';
import { renderTuningReport } from '../../../lambda/evaluate/tuning-report';
import { caseWithCosts } from '../../support/scored-sets';

/**
 * The handler reads its configuration when it loads, so the environment is set here and the module
 * is loaded in beforeAll, after this has run (a static import would be hoisted above it). It is
 * loaded with jest.requireActual, a typed require through jest's module registry (so it shares
 * this file's @aws-sdk/client-s3, which mockClient patches): a dynamic import() of a path without
 * an extension does not type-check under moduleResolution NodeNext.
 */
const ENV = {
  CHURN_RATE_BEFORE: '0.145',
  TARGET_CHURN_RATE: '0.04',
  INCENTIVE_BUDGET: '750000',
  INCENTIVE_COST: '10',
  INCENTIVE_RETENTION: '1',
  RETAINED_CUSTOMER_VALUE: '100',
  CUSTOMERS_SCORED: '50000',
} as const;
/**
 * The business case of ENV on the worked example, by hand: of 50,000 customers 7,250 churn (14.5%)
 * and 42,750 stay. The cutoff 0.4 reaches every churner (true-positive rate 1) and a third of the
 * stayers, 14,250: 21,500 offers at 10 spend 215,000, within the budget, and with retention 1 leave
 * no churner (0 <= 4%); the cutoff above it, 0.7, reaches two thirds of the churners and leaves
 * 4.83%. Net value: 7,250 kept at 100 less 215,000.
 */
const BUSINESS_SUMMARY = {
  budget: 750_000,
  spend: expect.closeTo(215_000, 6) as unknown,
  cutoff: 0.4,
  projectedChurnRate: 0,
  targetChurnRate: 0.04,
  targetMet: true,
  churnRateBefore: 0.145,
  netValue: expect.closeTo(510_000, 6) as unknown,
  budgetToReachTarget: expect.closeTo(215_000, 6) as unknown,
};
const savedEnv = { ...process.env };
Object.assign(process.env, ENV);

let handler: typeof HandlerModule.handler;

function loadHandler(): typeof HandlerModule {
  return jest.requireActual<typeof HandlerModule>('../../../lambda/evaluate/handler');
}

/**
 * The worked example of metrics.test.ts, split in two files as Spark would write it. AUC 7/9; with
 * missed churner 100, incentive 10, retention 1: cheapest cutoff 0.4 (tp 3, fp 1, tn 2, fn 0), cost
 * 40, doing nothing 300, saving 260. The first file and its output lack a final newline: joined
 * naively, "0,51,1,0.0" and "1,22,0,7.1" would become one line.
 */
const TEST_1 = '1,34,,2.5\n0,51,1,0.0';
const TEST_2 = '1,22,0,7.1\n1,,1,3.3\n0,40,0,\n0,63,1,1.0\n';
const OUT_1 = '0.9\n0.8';
const OUT_2 = '0.7\n0.4\n0.3\n0.1\n';
const EXPECTED = evaluate(
  `${TEST_1}\n${TEST_2}`,
  `${OUT_1}\n${OUT_2}`,
  caseWithCosts({
    missedChurner: 100,
    incentive: 10,
    retention: 1,
  }),
);

const EVENT: EvaluateEvent = {
  runId: 'run-2024-05-01',
  testData: 's3://churn-features/features/test/',
  transformOutput: 's3://churn-artifacts/runs/run-2024-05-01/transform/',
  evaluationOutput: 's3://churn-artifacts/runs/run-2024-05-01/evaluation/',
  modelName: 'churn-xgb-2024-05-01',
};

const PART_1 = 'features/test/part-00000-abc.csv';
const PART_2 = 'features/test/part-00001-abc.csv';
const OUT_KEY_1 = 'runs/run-2024-05-01/transform/part-00000-abc.csv.out';
const OUT_KEY_2 = 'runs/run-2024-05-01/transform/part-00001-abc.csv.out';

/** The two test files and their transform outputs, by `s3://` URL. */
const OBJECTS: Readonly<Record<string, string>> = {
  [`s3://churn-features/${PART_1}`]: TEST_1,
  [`s3://churn-features/${PART_2}`]: TEST_2,
  [`s3://churn-artifacts/${OUT_KEY_1}`]: OUT_1,
  [`s3://churn-artifacts/${OUT_KEY_2}`]: OUT_2,
};

/**
 * The listing of the test prefix: the files out of key order, folder markers (one with a body, as
 * some tools write them: ignored for its trailing "/", not its size) and an empty partition.
 */
const LISTING: _Object[] = [
  { Key: 'features/test/', Size: 0 },
  { Key: PART_2, Size: TEST_2.length },
  { Key: 'features/test/part-00002-abc.csv', Size: 0 },
  { Key: PART_1, Size: TEST_1.length },
  { Key: 'features/test/nested/', Size: 1 },
];

const s3 = mockClient(S3Client);
const sagemaker = mockClient(SageMakerClient);
const logs = mockClient(CloudWatchLogsClient);

/** The run's tuning job: two trials over two ranges, the second the best; its log has three rounds. */
const TUNING_JOB = 'churn-t-run-2024-05-01';
function givenTuningJob(): void {
  sagemaker.on(DescribeHyperParameterTuningJobCommand).resolves({
    HyperParameterTuningJobName: TUNING_JOB,
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      ResourceLimits: { MaxParallelTrainingJobs: 2 },
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '0.3', ScalingType: 'Logarithmic' }],
        IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '10', ScalingType: 'Linear' }],
      },
    },
    TrainingJobDefinition: {
      StaticHyperParameters: { objective: 'binary:logistic', eval_metric: 'auc', early_stopping_rounds: '10' },
      AlgorithmSpecification: { TrainingInputMode: 'File' },
      RoleArn: 'job-role',
      OutputDataConfig: { S3OutputPath: 's3://churn-artifacts/models/' },
      StoppingCondition: {},
      ResourceConfig: { VolumeSizeInGB: 10 },
    },
    BestTrainingJob: {
      TrainingJobName: `${TUNING_JOB}-002-bbbb`,
      TrainingJobArn: 'arn',
      CreationTime: new Date(0),
      TrainingJobStatus: 'Completed',
      TunedHyperParameters: {},
    },
    HyperParameterTuningJobArn: 'arn',
    HyperParameterTuningJobStatus: 'Completed',
    CreationTime: new Date(0),
    TrainingJobStatusCounters: {},
    ObjectiveStatusCounters: {},
  });
  const trial = (n: number, eta: string, depth: string, auc: number) => ({
    TrainingJobName: `${TUNING_JOB}-00${n}-${'ab'[n - 1]?.repeat(4) ?? ''}`,
    TrainingJobArn: 'arn',
    CreationTime: new Date(0),
    TrainingJobStatus: 'Completed' as const,
    TunedHyperParameters: { eta, max_depth: depth },
    FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: auc },
  });
  sagemaker
    .on(ListTrainingJobsForHyperParameterTuningJobCommand)
    .resolvesOnce({ TrainingJobSummaries: [trial(1, '0.05', '4', 0.81)], NextToken: 'next' })
    .resolvesOnce({ TrainingJobSummaries: [trial(2, '0.1', '6', 0.86)] });
  logs.on(FilterLogEventsCommand).resolves({
    events: [
      { message: 'Arguments: train' },
      { message: '[0]#011train-auc:0.80000#011validation-auc:0.78000' },
      { message: '[1]#011train-auc:0.85000#011validation-auc:0.86000' },
      { message: '[2]#011train-auc:0.88000#011validation-auc:0.85000' },
    ],
  });
}

/** A GetObject body, as the SDK returns it. */
function body(text: string): ReturnType<typeof sdkStreamMixin> {
  return sdkStreamMixin(Readable.from([Buffer.from(text, 'utf8')]));
}

/**
 * The ListObjectsV2 requests received, copied when received: the SDK's paginator reuses one input
 * object for every page, so the inputs aws-sdk-client-mock records all show the last token.
 */
let listRequests: ListObjectsV2CommandInput[] = [];

/** S3 holds `objects` (by `s3://` URL) and lists the test prefix in `pages`, continued by tokens `page-2`, ... */
function givenS3(objects: Readonly<Record<string, string>>, ...pages: _Object[][]): void {
  s3.on(ListObjectsV2Command).callsFake((input: ListObjectsV2CommandInput) => {
    listRequests.push({ ...input });
    const token = input.ContinuationToken;
    const index = token === undefined ? 0 : Number(/^page-(\d+)$/.exec(token)?.[1]) - 1;
    const contents = pages[index];
    if (contents === undefined) {
      throw new Error(`unexpected ListObjectsV2 request ${JSON.stringify(input)}`);
    }
    const next = index + 1 < pages.length ? { IsTruncated: true, NextContinuationToken: `page-${index + 2}` } : {};
    return { Contents: contents, KeyCount: contents.length, ...next };
  });
  s3.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
    const text = objects[`s3://${input.Bucket}/${input.Key}`];
    if (text === undefined) {
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    }
    return { Body: body(text) };
  });
  s3.on(PutObjectCommand).resolves({});
}

/** The keys of the objects read, in the order they were read. */
function keysRead(): (string | undefined)[] {
  return s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key);
}

/** The text of the object written to `key`. */
function written(key: string): string {
  const call = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key);
  expect(call).toBeDefined();
  const text = call?.args[0].input.Body;
  expect(typeof text).toBe('string');
  return text as string;
}

/** The error `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected a rejection, the promise resolved');
}

describe('evaluate handler', () => {
  let log: jest.SpyInstance<void, Parameters<typeof console.log>>;

  beforeAll(() => {
    handler = loadHandler().handler;
  });

  afterAll(() => {
    process.env = savedEnv;
  });

  beforeEach(() => {
    s3.reset();
    sagemaker.reset();
    logs.reset();
    listRequests = [];
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    log.mockRestore();
  });

  it('evaluates every test file with its transform output, in key order, ignoring folder markers and empty objects', async () => {
    givenS3(OBJECTS, LISTING);
    await handler(EVENT);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'churn-features', Prefix: 'features/test/' });
    expect(keysRead()).toEqual([PART_1, OUT_KEY_1, PART_2, OUT_KEY_2]);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'churn-artifacts', Key: OUT_KEY_1 });
    expect(JSON.parse(written('runs/run-2024-05-01/evaluation/evaluation.json'))).toEqual(EXPECTED);
    expect(EXPECTED.counts).toEqual({ rows: 6, positives: 3, negatives: 3 });
  });

  it('accepts transform outputs that end in an empty line, as batch transform with AssembleWith Line may write them', async () => {
    givenS3(
      Object.fromEntries(
        Object.entries(OBJECTS).map(([url, text]) => [url, url.endsWith('.out') ? `${text.trimEnd()}\n\n` : text]),
      ),
      LISTING,
    );
    await handler(EVENT);
    expect(JSON.parse(written('runs/run-2024-05-01/evaluation/evaluation.json'))).toEqual(EXPECTED);
  });

  it('still rejects a transform output a score short, even when it ends in blank lines', async () => {
    givenS3({ ...OBJECTS, [`s3://churn-artifacts/${OUT_KEY_1}`]: `${OUT_1.trimEnd().split('\n')[0]}\n\n\n` }, LISTING);
    const error = await rejection(handler(EVENT));
    expect(error).toBeInstanceOf(EvaluationInputError);
    expect(error.message).toBe(
      `test file s3://churn-features/${PART_1} has 2 rows but its transform output s3://churn-artifacts/${OUT_KEY_1} has 1 scores`,
    );
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('follows ListObjectsV2 continuation tokens to the last page', async () => {
    givenS3(OBJECTS, [LISTING[0] ?? {}, { Key: PART_2, Size: 1 }], [{ Key: PART_1, Size: 1 }]);
    const result = await handler(EVENT);
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
    expect(listRequests).toEqual([
      { Bucket: 'churn-features', Prefix: 'features/test/' },
      { Bucket: 'churn-features', Prefix: 'features/test/', ContinuationToken: 'page-2' },
    ]);
    expect(keysRead()).toEqual([PART_1, OUT_KEY_1, PART_2, OUT_KEY_2]);
    expect(result.rows).toBe(6);
  });

  it('writes evaluation.json, model-quality.json and report.html, naming no encryption', async () => {
    givenS3(OBJECTS, LISTING);
    await handler(EVENT);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 3);
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Bucket, p.Key, p.ContentType]).sort()).toEqual([
      ['churn-artifacts', 'runs/run-2024-05-01/evaluation/evaluation.json', 'application/json'],
      ['churn-artifacts', 'runs/run-2024-05-01/evaluation/model-quality.json', 'application/json'],
      ['churn-artifacts', 'runs/run-2024-05-01/evaluation/report.html', 'text/html; charset=utf-8'],
    ]);
    // Only these four: no ServerSideEncryption, SSEKMSKeyId, BucketKeyEnabled or SSE-C parameter,
    // which the bucket policy would reject (its default SSE-KMS applies).
    for (const put of puts) {
      expect(Object.keys(put).sort()).toEqual(['Body', 'Bucket', 'ContentType', 'Key']);
    }
  });

  it('writes the evaluation, its model quality statistics and its report', async () => {
    givenS3(OBJECTS, LISTING);
    await handler(EVENT);
    const evaluationJson = written('runs/run-2024-05-01/evaluation/evaluation.json');
    expect(evaluationJson).toBe(`${JSON.stringify(EXPECTED, null, 2)}\n`);
    expect(JSON.parse(written('runs/run-2024-05-01/evaluation/model-quality.json'))).toEqual(
      modelQualityStatistics(EXPECTED),
    );
    const report = written('runs/run-2024-05-01/evaluation/report.html');
    expect(report).toBe(await renderReport(EXPECTED, { title: 'Churn model evaluation: churn-xgb-2024-05-01' }));
    expect(report).toContain('<title>Churn model evaluation: churn-xgb-2024-05-01</title>');
  });

  it('returns the locations and the headline numbers, never the ROC curve', async () => {
    givenS3(OBJECTS, LISTING);
    const result = await handler(EVENT);
    expect(result).toEqual({
      evaluation: 's3://churn-artifacts/runs/run-2024-05-01/evaluation/evaluation.json',
      modelQuality: 's3://churn-artifacts/runs/run-2024-05-01/evaluation/model-quality.json',
      report: 's3://churn-artifacts/runs/run-2024-05-01/evaluation/report.html',
      rows: 6,
      positives: 3,
      auc: 7 / 9,
      optimalCutoff: 0.4,
      costAtOptimalCutoff: 40,
      budgetCutoff: 0.4,
      costOfDoingNothing: 300,
      saving: 260,
      business: BUSINESS_SUMMARY,
    });
  });

  it('logs one structured line with the run and the headline numbers', async () => {
    givenS3(OBJECTS, LISTING);
    await handler(EVENT);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]).toEqual([
      {
        event: 'evaluate.done',
        runId: 'run-2024-05-01',
        modelName: 'churn-xgb-2024-05-01',
        files: 2,
        rows: 6,
        positives: 3,
        auc: 7 / 9,
        optimalCutoff: 0.4,
        costAtOptimalCutoff: 40,
        budgetCutoff: 0.4,
        costOfDoingNothing: 300,
        saving: 260,
        business: BUSINESS_SUMMARY,
      },
    ]);
  });

  it('fails with an EvaluationInputError naming both objects when a transform output is missing', async () => {
    const objects = Object.entries(OBJECTS).filter(([url]) => url !== `s3://churn-artifacts/${OUT_KEY_2}`);
    givenS3(Object.fromEntries(objects), LISTING);
    const error = await rejection(handler(EVENT));
    expect(error).toBeInstanceOf(EvaluationInputError);
    expect(error.name).toBe('EvaluationInputError');
    expect(error.message).toContain(`s3://churn-features/${PART_2}`);
    expect(error.message).toContain(`s3://churn-artifacts/${OUT_KEY_2}`);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('fails with an EvaluationInputError when the test prefix holds no test files', async () => {
    givenS3({}, [{ Key: 'features/test/', Size: 0 }]);
    const error = await rejection(handler(EVENT));
    expect(error).toBeInstanceOf(EvaluationInputError);
    expect(error.message).toMatch(/s3:\/\/churn-features\/features\/test\/ is empty/);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('fails with an EvaluationInputError when the listing is empty', async () => {
    givenS3({}, []);
    const error = await rejection(handler(EVENT));
    expect(error).toBeInstanceOf(EvaluationInputError);
    expect(error.message).toContain('is empty');
  });

  it('fails with an EvaluationInputError naming the object and line of malformed transform output', async () => {
    givenS3({ ...OBJECTS, [`s3://churn-artifacts/${OUT_KEY_2}`]: '0.7\n0.4\nNaN\n0.1\n' }, LISTING);
    const error = await rejection(handler(EVENT));
    expect(error).toBeInstanceOf(EvaluationInputError);
    expect(error.name).toBe('EvaluationInputError');
    expect(error.message).toBe(
      `s3://churn-artifacts/${OUT_KEY_2}: transform output line 3: "NaN" is not a number (expected one probability per line)`,
    );
    expect((error as EvaluationInputError).line).toBe(3);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('fails when a file has a score too many even if the next has one too few (rows would shift)', async () => {
    givenS3(
      {
        ...OBJECTS,
        [`s3://churn-artifacts/${OUT_KEY_1}`]: '0.9\n0.8\n0.7\n',
        [`s3://churn-artifacts/${OUT_KEY_2}`]: '0.4\n0.3\n0.1\n',
      },
      LISTING,
    );
    const error = await rejection(handler(EVENT));
    expect(error).toBeInstanceOf(EvaluationInputError);
    expect(error.message).toBe(
      `test file s3://churn-features/${PART_1} has 2 rows but its transform output s3://churn-artifacts/${OUT_KEY_1} has 3 scores`,
    );
  });

  it('lets other S3 errors through unchanged', async () => {
    givenS3(OBJECTS, LISTING);
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'Access Denied',
    });
    s3.on(GetObjectCommand, { Key: OUT_KEY_1 }).rejects(denied);
    const error = await rejection(handler(EVENT));
    expect(error).toBe(denied);
    expect(error.name).toBe('AccessDenied');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['runId missing', { runId: undefined }, /^event\.runId is missing; expected a non-empty string$/],
    ['modelName blank', { modelName: '  ' }, /^event\.modelName is " {2}"; expected a non-empty string$/],
    ['testData a number', { testData: 42 }, /^event\.testData is a number; expected a non-empty string$/],
    [
      'transformOutput not an s3 URL',
      { transformOutput: 'https://churn-artifacts.s3.amazonaws.com/t/' },
      /^event\.transformOutput "https:\/\/churn-artifacts\.s3\.amazonaws\.com\/t\/" is not an s3:\/\/bucket\/key URL$/,
    ],
    [
      'evaluationOutput not a prefix',
      { evaluationOutput: 's3://churn-artifacts/runs/run-2024-05-01/evaluation' },
      /^event\.evaluationOutput "s3:\/\/churn-artifacts\/runs\/run-2024-05-01\/evaluation" does not end with "\/"; expected a prefix$/,
    ],
    ['testData a bucket without a slash', { testData: 's3://churn-features' }, /^event\.testData .* does not end/],
    ['a blank tuningJobName', { tuningJobName: ' ' }, /^event\.tuningJobName is " "; expected a non-empty string$/],
  ])('rejects an event with %s, naming the field, before any S3 call', async (_case, patch, message) => {
    givenS3(OBJECTS, LISTING);
    // The spread keeps EVENT's field types, though `patch` replaces them: a bad event, typed as a good one.
    const error = await rejection(handler({ ...EVENT, ...patch }));
    expect(error.name).toBe('InvalidEventError');
    expect(error.message).toMatch(message);
    expect(s3.calls()).toHaveLength(0);
  });

  it('writes no tuning report, and asks SageMaker nothing, when the event names no tuning job', async () => {
    givenS3(OBJECTS, LISTING);
    const result = await handler(EVENT);
    expect(result.tuningReport).toBeUndefined();
    expect(sagemaker.calls()).toHaveLength(0);
    expect(logs.calls()).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).not.toContain(
      'runs/run-2024-05-01/evaluation/tuning.json',
    );
  });

  it('writes the tuning report from the tuning job, every page of its trials, and its best job’s log', async () => {
    givenS3(OBJECTS, LISTING);
    givenTuningJob();
    const result = await handler({ ...EVENT, tuningJobName: TUNING_JOB });
    expect(result.tuningReport).toBe('s3://churn-artifacts/runs/run-2024-05-01/evaluation/tuning-report.html');
    expect(sagemaker).toHaveReceivedCommandWith(DescribeHyperParameterTuningJobCommand, {
      HyperParameterTuningJobName: TUNING_JOB,
    });
    expect(sagemaker).toHaveReceivedCommandTimes(ListTrainingJobsForHyperParameterTuningJobCommand, 2);
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, {
      logGroupName: '/aws/sagemaker/TrainingJobs',
      logStreamNamePrefix: `${TUNING_JOB}-002-bbbb/`,
    });
    const summary = JSON.parse(written('runs/run-2024-05-01/evaluation/tuning.json')) as Parameters<
      typeof renderTuningReport
    >[0];
    expect(summary.trials.map((t) => [t.name, t.values, t.objective])).toEqual([
      [`${TUNING_JOB}-001-aaaa`, { eta: 0.05, max_depth: 4 }, 0.81],
      [`${TUNING_JOB}-002-bbbb`, { eta: 0.1, max_depth: 6 }, 0.86],
    ]);
    expect(summary.best).toEqual({
      name: `${TUNING_JOB}-002-bbbb`,
      metric: 'auc',
      history: { train: [0.8, 0.85, 0.88], validation: [0.78, 0.86, 0.85] },
      bestRound: 1,
      earlyStoppingRounds: 10,
    });
    expect(written('runs/run-2024-05-01/evaluation/tuning-report.html')).toBe(
      await renderTuningReport(summary, { title: `Churn model tuning: ${TUNING_JOB}` }),
    );
  });

  it('fails with a TuningRecordError, writing nothing, when the best job’s log has no rounds', async () => {
    givenS3(OBJECTS, LISTING);
    givenTuningJob();
    logs.on(FilterLogEventsCommand).resolves({ events: [{ message: 'Arguments: train' }] });
    const error = await rejection(handler({ ...EVENT, tuningJobName: TUNING_JOB }));
    expect(error.name).toBe('TuningRecordError');
    expect(error.message).toMatch(/the training job's log has no round of auc/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('rejects an event that is not an object', async () => {
    const error = await rejection(handler(null as unknown as EvaluateEvent));
    expect(error.name).toBe('InvalidEventError');
    expect(error.message).toBe('the event is null; expected an object');
  });
});

describe('evaluate handler configuration', () => {
  /** The error loading a fresh copy of the handler throws with `env` on top of ENV, if any. */
  function loadWith(env: Record<string, string | undefined>): unknown {
    const saved = { ...process.env };
    Object.assign(process.env, ENV, env);
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
    }
    let thrown: unknown;
    try {
      jest.isolateModules(() => {
        loadHandler();
      });
    } catch (e) {
      thrown = e;
    } finally {
      process.env = saved;
    }
    return thrown;
  }

  // A fresh module registry loads its own copy of env.ts, so the error is recognised by its name,
  // as the state machine does, not by instanceof.
  it('loads with a valid business case', () => {
    expect(loadWith({ INCENTIVE_RETENTION: '0.25' })).toBeUndefined();
  });

  it('fails to load with an EnvironmentError naming a variable out of range', () => {
    expect(loadWith({ INCENTIVE_RETENTION: '1.5' })).toMatchObject({
      name: 'EnvironmentError',
      message: 'environment variable INCENTIVE_RETENTION is "1.5"; expected a number from 0 to 1',
    });
  });

  it('fails to load with an EnvironmentError naming a missing variable', () => {
    expect(loadWith({ RETAINED_CUSTOMER_VALUE: undefined })).toMatchObject({
      name: 'EnvironmentError',
      message: 'environment variable RETAINED_CUSTOMER_VALUE is missing',
    });
  });

  it('fails to load with an EnvironmentError when the customers scored are not a whole number', () => {
    expect(loadWith({ CUSTOMERS_SCORED: '1000.5' })).toMatchObject({
      name: 'EnvironmentError',
      message: 'environment variable CUSTOMERS_SCORED is "1000.5"; expected an integer from 1 to 1000000000000',
    });
  });
});
