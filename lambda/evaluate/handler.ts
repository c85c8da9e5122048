/**
 * The training pipeline's evaluation step: reads the test split and the batch transform's scores
 * for it from S3, evaluates the model (`metrics.ts`), and writes `evaluation.json`,
 * `model-quality.json` (`model-quality.ts`) and `report.html` (`report.ts`). Thin by design: the
 * work is in those pure modules, tested without mocks.
 *
 * The cost assumptions come from the environment, read and checked once when the module loads:
 * `MISSED_CHURNER_COST` and `INCENTIVE_COST` (0 to 1e9) and `INCENTIVE_RETENTION` (0 to 1).
 *
 * Errors are thrown, never caught and hidden, and keep their `name` so that the state machine can
 * tell them apart: `EnvironmentError` (bad configuration), `InvalidEventError` (a bad event: a bug
 * in the state machine), `EvaluationInputError` (bad data: a missing or malformed object), and the
 * SDK's own errors (S3 access).
 */
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { numberFromEnv } from '../shared/env';
import { parseS3Url, s3Url, type S3Location } from '../shared/s3-url';
import {
  evaluate,
  EvaluationInputError,
  parseLabels,
  parseScores,
  withoutTrailingBlankLines,
  type Costs,
  type Evaluation,
} from './metrics';
import { modelQualityStatistics } from './model-quality';
import { renderReport } from './report';

/** The input of the evaluation step, as the state machine passes it. */
export interface EvaluateEvent {
  /** The pipeline run, for the log. */
  readonly runId: string;
  /**
   * `s3://bucket/prefix/` of the test split: headerless CSV files, the label first, as Spark writes
   * them (object names not known in advance). Keys ending in `/` and empty objects are ignored.
   */
  readonly testData: string;
  /**
   * `s3://bucket/prefix/` where the batch transform of `testData` wrote its output: for each input
   * object, the object's key relative to `testData` with `.out` appended (for a file directly under
   * `testData`, its base name: `part-00000-abc.csv` -> `part-00000-abc.csv.out`), holding one score
   * per line in the order of the input's lines.
   */
  readonly transformOutput: string;
  /** `s3://bucket/prefix/` to write `evaluation.json`, `model-quality.json` and `report.html` under. */
  readonly evaluationOutput: string;
  /** The evaluated model, for the report's title. */
  readonly modelName: string;
}

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
  /** The expected cost of giving nobody an offer. */
  readonly costOfDoingNothing: number;
  /** costOfDoingNothing - costAtOptimalCutoff. */
  readonly saving: number;
}

/** Thrown when the event is not an {@link EvaluateEvent}. The message names the field. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

const COSTS: Costs = {
  missedChurner: numberFromEnv(process.env, 'MISSED_CHURNER_COST', 0, 1e9),
  incentive: numberFromEnv(process.env, 'INCENTIVE_COST', 0, 1e9),
  retention: numberFromEnv(process.env, 'INCENTIVE_RETENTION', 0, 1),
};

const s3 = new S3Client({});

/** The event's locations, checked. */
interface Locations {
  readonly testData: S3Location;
  readonly transformOutput: S3Location;
  readonly evaluationOutput: S3Location;
}

/** A received value for a message: a string quoted, anything else by its type. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
}

/** Throws an {@link InvalidEventError} unless `event[field]` is a non-blank string; returns it. */
function stringField(event: Readonly<Record<string, unknown>>, field: keyof EvaluateEvent): string {
  const value = event[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidEventError(`event.${field} is ${describe(value)}; expected a non-empty string`);
  }
  return value;
}

/** Throws an {@link InvalidEventError} unless `event[field]` is an `s3://bucket/prefix/` URL. */
function prefixField(event: Readonly<Record<string, unknown>>, field: keyof EvaluateEvent): S3Location {
  const url = stringField(event, field);
  let location: S3Location;
  try {
    location = parseS3Url(url, `event.${field}`);
  } catch (e) {
    throw new InvalidEventError(e instanceof Error ? e.message : String(e));
  }
  if (!url.endsWith('/')) {
    throw new InvalidEventError(`event.${field} ${JSON.stringify(url)} does not end with "/"; expected a prefix`);
  }
  return location;
}

/** The event's fields, checked in the order they are declared. */
function parseEvent(event: unknown): { runId: string; modelName: string; locations: Locations } {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidEventError(
      `the event is ${Array.isArray(event) ? 'an array' : describe(event)}; expected an object`,
    );
  }
  const fields = event as Readonly<Record<string, unknown>>;
  const runId = stringField(fields, 'runId');
  const locations = {
    testData: prefixField(fields, 'testData'),
    transformOutput: prefixField(fields, 'transformOutput'),
    evaluationOutput: prefixField(fields, 'evaluationOutput'),
  };
  return { runId, modelName: stringField(fields, 'modelName'), locations };
}

/** The keys of the test files under `prefix`, sorted; folder markers and empty objects left out. */
async function listTestFiles(prefix: S3Location): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: prefix.bucket, Prefix: prefix.key })) {
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined && !object.Key.endsWith('/') && object.Size !== 0) {
        keys.push(object.Key);
      }
    }
  }
  // By UTF-16 code unit, as plain string comparison does: the same order as S3's for the ASCII
  // names Spark writes, and independent of the runtime's locale.
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The object's text, UTF-8 without a byte order mark or blank lines at the end, ending in a
 * newline unless it is empty: so that the files of a split can be joined without a blank line
 * between them.
 */
async function readText(location: S3Location): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  return withoutTrailingBlankLines(((await response.Body?.transformToString('utf-8')) ?? '').replace(/^\uFEFF/, ''));
}

function isNoSuchKey(error: unknown): boolean {
  return error instanceof Error && error.name === 'NoSuchKey';
}

/** `fn()`, with an {@link EvaluationInputError} it throws prefixed by `where`. */
function locate<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EvaluationInputError) {
      throw new EvaluationInputError(`${where}: ${e.message}`, e.line);
    }
    throw e;
  }
}

/** One test file and its transform output, both checked, with as many scores as rows. */
async function readPair(test: S3Location, output: S3Location): Promise<{ testCsv: string; scores: string }> {
  const testCsv = await readText(test);
  let scores: string;
  try {
    scores = await readText(output);
  } catch (e) {
    if (isNoSuchKey(e)) {
      throw new EvaluationInputError(
        `the transform output of test file ${s3Url(test)} is missing: expected ${s3Url(output)}`,
      );
    }
    throw e;
  }
  // Checked file by file, so that an error names the file and its line, and a file with a row too
  // many cannot be made up for by the next one with a row too few.
  const rows = locate(s3Url(test), () => parseLabels(testCsv)).length;
  const lines = locate(s3Url(output), () => parseScores(scores)).length;
  if (rows !== lines) {
    throw new EvaluationInputError(
      `test file ${s3Url(test)} has ${rows} rows but its transform output ${s3Url(output)} has ${lines} scores`,
    );
  }
  return { testCsv, scores };
}

/** Every row of the test split with its score, files in key order, evaluated together. */
async function evaluateSplit(locations: Locations): Promise<{ evaluation: Evaluation; files: number }> {
  const { testData, transformOutput } = locations;
  const keys = await listTestFiles(testData);
  if (keys.length === 0) {
    throw new EvaluationInputError(`the test split prefix ${s3Url(testData)} is empty: it holds no test files`);
  }
  const testCsv: string[] = [];
  const scores: string[] = [];
  for (const key of keys) {
    const output = {
      bucket: transformOutput.bucket,
      key: `${transformOutput.key}${key.slice(testData.key.length)}.out`,
    };
    const pair = await readPair({ bucket: testData.bucket, key }, output);
    testCsv.push(pair.testCsv);
    scores.push(pair.scores);
  }
  return { evaluation: evaluate(testCsv.join(''), scores.join(''), COSTS), files: keys.length };
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
  const { runId, modelName, locations } = parseEvent(event);
  const { evaluation, files } = await evaluateSplit(locations);
  const out = locations.evaluationOutput;
  const [evaluationUrl, modelQualityUrl, reportUrl] = await Promise.all([
    write(out, 'evaluation.json', json(evaluation), 'application/json'),
    write(out, 'model-quality.json', json(modelQualityStatistics(evaluation)), 'application/json'),
    write(
      out,
      'report.html',
      renderReport(evaluation, { title: `Churn model evaluation: ${modelName}` }),
      'text/html; charset=utf-8',
    ),
  ]);
  const summary = {
    rows: evaluation.counts.rows,
    positives: evaluation.counts.positives,
    auc: evaluation.auc,
    optimalCutoff: evaluation.atOptimalCutoff.cutoff,
    costAtOptimalCutoff: evaluation.costs.atOptimalCutoff,
    costOfDoingNothing: evaluation.costs.doingNothing,
    saving: evaluation.costs.saving,
  };
  console.log({ event: 'evaluate.done', runId, modelName, files, ...summary });
  return { evaluation: evaluationUrl, modelQuality: modelQualityUrl, report: reportUrl, ...summary };
};
