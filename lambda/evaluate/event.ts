/**
 * The evaluation step's event, as the state machine passes it, and its check: pure, no I/O. A bad
 * event is a bug in the state machine, so it throws an {@link InvalidEventError} naming the field
 * before the handler touches S3.
 */
import { shown, type ShownOptions } from '../../lib/contracts/shown';
import { parseS3Url, type S3Location } from '../shared/s3-url';

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
  /**
   * The tuning job that made the model: when given, the step also writes the tuning report
   * (`tuning.json`, `tuning-report.html`) beside the evaluation. The champion's evaluation has none.
   */
  readonly tuningJobName?: string;
}

/** Thrown when the event is not an {@link EvaluateEvent}. The message names the field. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** The event's locations, checked. */
export interface EvaluationLocations {
  /** The test split's prefix. */
  readonly testData: S3Location;
  /** The prefix the batch transform of the test split wrote under. */
  readonly transformOutput: S3Location;
  /** The prefix the results are written under. */
  readonly evaluationOutput: S3Location;
}

/** An {@link EvaluateEvent}, checked: its names, and its locations parsed. */
export interface ParsedEvent {
  readonly runId: string;
  readonly modelName: string;
  readonly locations: EvaluationLocations;
  /** `undefined` when the event names no tuning job. */
  readonly tuningJobName: string | undefined;
}

/** A received value for a message: a string quoted, anything else by its type (`a number`). */
const RECEIVED: ShownOptions = { form: 'string or type', maxLength: Infinity };

/** Throws an {@link InvalidEventError} unless `event[field]` is a non-blank string; returns it. */
function stringField(event: Readonly<Record<string, unknown>>, field: keyof EvaluateEvent): string {
  const value = event[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidEventError(`event.${field} is ${shown(value, RECEIVED)}; expected a non-empty string`);
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

/**
 * The event's fields, checked in the order they are declared, so that the first bad one is named.
 * @throws InvalidEventError when the event is not an object, a name is not a non-blank string, or a
 *   location is not an `s3://bucket/prefix/` URL
 */
export function parseEvent(event: unknown): ParsedEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidEventError(`the event is ${shown(event, RECEIVED)}; expected an object`);
  }
  const fields = event as Readonly<Record<string, unknown>>;
  const runId = stringField(fields, 'runId');
  const locations = {
    testData: prefixField(fields, 'testData'),
    transformOutput: prefixField(fields, 'transformOutput'),
    evaluationOutput: prefixField(fields, 'evaluationOutput'),
  };
  const modelName = stringField(fields, 'modelName');
  const tuningJobName = fields.tuningJobName === undefined ? undefined : stringField(fields, 'tuningJobName');
  return { runId, modelName, locations, tuningJobName };
}
