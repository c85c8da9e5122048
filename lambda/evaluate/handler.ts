/**
 * The training pipeline's evaluation step: checks the event (`event.ts`), reads the test split and
 * the batch transform's scores for it from S3 (which objects, paired how and checked how:
 * `split.ts`), evaluates the model (`metrics.ts`), and writes `evaluation.json`,
 * `model-quality.json` (`model-quality.ts`) and `report.html` (`report.ts`); given the tuning job,
 * also its report, `tuning-report.html` (`tuning-report.ts`), with `tuning.json`, from what the job
 * and its best training job's log recorded (`tuning-summary.ts`). Thin by design: the work is in
 * those pure modules, tested without mocks; here are only the S3, SageMaker and log calls.
 *
 * The business case (which sets the cost assumptions too) comes from the environment, read and
 * checked once when the module loads: the variables of `BUSINESS_CASE_ENV`
 * (`lib/contracts/business-case.ts`), set from config `business.*`.
 *
 * Errors are thrown, never caught and hidden, and keep their `name` so that the state machine can
 * tell them apart: `EnvironmentError` (bad configuration), `InvalidEventError` (a bad event: a bug
 * in the state machine), `EvaluationInputError` (bad data: a missing or malformed object), and the
 * SDK's own errors (S3, SageMaker and CloudWatch Logs access), and `TuningRecordError` (the tuning
 * job did not record what its report needs).
 */
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeHyperParameterTuningJobCommand,
  paginateListTrainingJobsForHyperParameterTuningJob,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { TRAINING_JOB_LOG_GROUP } from '../../lib/contracts/training-logs';
import { s3Url, type S3Location } from '../shared/s3-url';
import { parseEvent, type EvaluateEvent, type EvaluationLocations } from './event';
import { type BusinessCase, businessCaseFromEnv, type BusinessSummary, businessSummary } from './business';
import { evaluate, type Evaluation } from './metrics';
import { modelQualityStatistics } from './model-quality';
import { renderReport } from './report';
import { renderTuningReport, type TuningSummary } from './tuning-report';
import { tuningSummary, type TrainingJobSummary } from './tuning-summary';
import {
  checkPair,
  missingTransformOutput,
  objectText,
  pairTestFiles,
  testFileKeys,
  type ListedObject,
  type TestFilePair,
} from './split';

export { InvalidEventError, type EvaluateEvent } from './event';

/**
 * The output of the evaluation step: where the results are, and the few numbers the next steps
 * need. Small by design (it travels through Step Functions, whose payloads are limited to 256 KB):
 * never the ROC curve.
 */
export interface EvaluateResult {
  /** `s3://` URL of `evaluation.json`. */
  readonly evaluation: string;
  /** `s3://` URL of `model-quality.json`. */
  readonly modelQuality: string;
  /** `s3://` URL of `report.html`. */
  readonly report: string;
  /** `s3://` URL of `tuning-report.html`, when the event named the tuning job. */
  readonly tuningReport?: string;
  /** Rows in the test split. */
  readonly rows: number;
  /** Churners in the test split. */
  readonly positives: number;
  /** Area under the ROC curve. */
  readonly auc: number;
  /** The cutoff with the lowest expected cost; `null` (+infinity) when giving nobody an offer is cheapest. */
  readonly optimalCutoff: number | null;
  /** The expected cost at that cutoff. */
  readonly costAtOptimalCutoff: number;
  /**
   * The budget-constrained cutoff (`business.cutoff`): the campaign's, which the model is deployed
   * with; `null` when the campaign offers nobody.
   */
  readonly budgetCutoff: number | null;
  /** The expected cost of giving nobody an offer. */
  readonly costOfDoingNothing: number;
  /** costOfDoingNothing - costAtOptimalCutoff. */
  readonly saving: number;
  /** The business case at the budget-constrained cutoff, for the quality gate (`business.ts`). */
  readonly business: BusinessSummary;
}

const BUSINESS: BusinessCase = businessCaseFromEnv(process.env);

const s3 = new S3Client({});
const sagemaker = new SageMakerClient({});
const logs = new CloudWatchLogsClient({});

/** Every object listed under `prefix`. */
async function listObjects(prefix: S3Location): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: prefix.bucket, Prefix: prefix.key })) {
    objects.push(...(page.Contents ?? []));
  }
  return objects;
}

/** The object's text, cleaned for joining (see {@link objectText}). */
async function readText(location: S3Location): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  return objectText((await response.Body?.transformToString('utf-8')) ?? '');
}

function isNoSuchKey(error: unknown): boolean {
  return error instanceof Error && error.name === 'NoSuchKey';
}

/** The text of a test file's transform output; a missing object is bad data, named as such. */
async function readTransformOutput(pair: TestFilePair): Promise<string> {
  try {
    return await readText(pair.output);
  } catch (e) {
    throw isNoSuchKey(e) ? missingTransformOutput(pair) : e;
  }
}

/** Every row of the test split with its score, files in key order, evaluated together. */
async function evaluateSplit(locations: EvaluationLocations): Promise<{ evaluation: Evaluation; files: number }> {
  const { testData, transformOutput } = locations;
  const pairs = pairTestFiles(testData, transformOutput, testFileKeys(await listObjects(testData)));
  const testCsv: string[] = [];
  const scores: string[] = [];
  for (const pair of pairs) {
    const test = await readText(pair.test);
    const output = await readTransformOutput(pair);
    checkPair(pair, test, output);
    testCsv.push(test);
    scores.push(output);
  }
  return { evaluation: evaluate(testCsv.join(''), scores.join(''), BUSINESS), files: pairs.length };
}

/**
 * What the tuning job `name` recorded, as the tuning report's summary: its description, every
 * training job it launched, and the best training job's log (`/aws/sagemaker/TrainingJobs`, the
 * streams named `<job>/algo-...`).
 */
async function summarizeTuning(name: string): Promise<TuningSummary> {
  const description = await sagemaker.send(
    new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }),
  );
  const trainingJobs: TrainingJobSummary[] = [];
  for await (const page of paginateListTrainingJobsForHyperParameterTuningJob(
    { client: sagemaker },
    { HyperParameterTuningJobName: name, MaxResults: 100 },
  )) {
    trainingJobs.push(...(page.TrainingJobSummaries ?? []));
  }
  const best = description.BestTrainingJob?.TrainingJobName;
  const messages: string[] = [];
  if (best !== undefined) {
    for await (const page of paginateFilterLogEvents(
      { client: logs },
      { logGroupName: TRAINING_JOB_LOG_GROUP, logStreamNamePrefix: `${best}/` },
    )) {
      messages.push(...(page.events ?? []).map((e) => e.message ?? ''));
    }
  }
  return tuningSummary(description, trainingJobs, messages);
}

/** The tuning job's summary and its report. */
async function tuningReportOf(name: string): Promise<{ summary: TuningSummary; html: string }> {
  const summary = await summarizeTuning(name);
  return { summary, html: await renderTuningReport(summary, { title: `Churn model tuning: ${name}` }) };
}

/** `value` as pretty-printed JSON, ending in a newline. */
function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes `body` to `name` under `prefix`; returns its URL. No encryption is named: the bucket's default applies. */
async function write(
  prefix: S3Location,
  name: string,
  body: string,
  contentType: PutObjectCommandInput['ContentType'],
): Promise<string> {
  const location = { bucket: prefix.bucket, key: `${prefix.key}${name}` };
  await s3.send(
    new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body, ContentType: contentType }),
  );
  return s3Url(location);
}

/**
 * The Lambda entry point. Logs one line: the run, the counts and the headline numbers, never rows
 * or scores, which are customer data. (Logged as an object: with Lambda's JSON log format it is
 * nested as structured fields.)
 */
export const handler = async (event: EvaluateEvent): Promise<EvaluateResult> => {
  const { runId, modelName, locations, tuningJobName } = parseEvent(event);
  const { evaluation, files } = await evaluateSplit(locations);
  const out = locations.evaluationOutput;
  const report = await renderReport(evaluation, { title: `Churn model evaluation: ${modelName}` });
  // The tuning report first too: a tuning job that did not record what it needs fails the step
  // before anything is written.
  const tuning = tuningJobName === undefined ? undefined : await tuningReportOf(tuningJobName);
  const [evaluationUrl, modelQualityUrl, reportUrl] = await Promise.all([
    write(out, 'evaluation.json', json(evaluation), 'application/json'),
    write(out, 'model-quality.json', json(modelQualityStatistics(evaluation)), 'application/json'),
    write(out, 'report.html', report, 'text/html; charset=utf-8'),
  ]);
  const tuningReportUrl =
    tuning === undefined
      ? undefined
      : (
          await Promise.all([
            write(out, 'tuning-report.html', tuning.html, 'text/html; charset=utf-8'),
            write(out, 'tuning.json', json(tuning.summary), 'application/json'),
          ])
        )[0];
  const summary = {
    rows: evaluation.counts.rows,
    positives: evaluation.counts.positives,
    auc: evaluation.auc,
    optimalCutoff: evaluation.atOptimalCutoff.cutoff,
    costAtOptimalCutoff: evaluation.costs.atOptimalCutoff,
    budgetCutoff: evaluation.business.cutoff,
    costOfDoingNothing: evaluation.costs.doingNothing,
    saving: evaluation.costs.saving,
    business: businessSummary(evaluation.business),
  };
  console.log({ event: 'evaluate.done', runId, modelName, files, ...summary });
  return {
    evaluation: evaluationUrl,
    modelQuality: modelQualityUrl,
    report: reportUrl,
    ...(tuningReportUrl === undefined ? {} : { tuningReport: tuningReportUrl }),
    ...summary,
  };
};
