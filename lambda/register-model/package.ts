/**
 * The pure logic of the function that registers the tuned churn model as a new version of a
 * SageMaker model package group: check the training pipeline's event, and build the
 * CreateModelPackage request from it and from the function's settings. No I/O; the handler sends
 * the request.
 *
 * The event is checked, not trusted: a missing field, a name SageMaker would not have produced, a
 * URL that is not an `s3://bucket/key` object URL or an AUC that is not a probability throws a
 * {@link RegisterInputError} that names the field and the value received. The request stays within
 * the API's limits, which the SDK's types do not carry (they are the service model's, as the API
 * reference and the AWS::SageMaker::ModelPackage resource schema give them):
 * - `ClientToken`: 1 to 36 characters of `[a-zA-Z0-9-]`;
 * - `ModelPackageDescription`: at most 1,024 characters;
 * - `CustomerMetadataProperties`: at most 50 entries, keys of 1 to 128 and values of 1 to 256
 *   characters, both of letters, digits, spaces and `_.:/=+-@` only;
 * - `S3Uri` and `ModelDataUrl`: at most 1,024 characters; `Image`: 1 to 255 non-space characters.
 */
import { createHash } from 'node:crypto';
import type {
  CreateModelPackageCommandInput,
  ProductionVariantInstanceType,
  TransformInstanceType,
} from '@aws-sdk/client-sagemaker';
import { EnvironmentError, stringFromEnv } from '../shared/env';
import { parseS3Url } from '../shared/s3-url';
import { STATISTICS_CONTENT_TYPE } from '../../lib/contracts/model-baseline';
import { shown } from '../../lib/contracts/shown';

/** Thrown when the event is malformed. The message names the field and the value received. */
export class RegisterInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegisterInputError';
  }
}

/** What the training pipeline passes: the run, the tuned model, its evaluation and, if any, the drift baseline. */
export interface RegisterEvent {
  /**
   * The pipeline run (the state machine's execution name). Stored as package metadata, so 1 to 256
   * letters, digits, spaces and `_.:/=+-@`.
   */
  readonly runId: string;
  /** The hyperparameter tuning job (a SageMaker name: 1 to 32 letters, digits and hyphens). */
  readonly tuningJobName: string;
  /** The tuning job's best training job, whose model this is (1 to 63 letters, digits and hyphens). */
  readonly trainingJobName: string;
  /** `s3://` URL of the model artifact (`model.tar.gz`). */
  readonly modelDataUrl: string;
  /** The evaluation on the test split. */
  readonly evaluation: {
    /** Area under the ROC curve on the test split, in [0, 1]. */
    readonly auc: number;
    /** The cost-optimal cutoff in [0, 1], or `null` when giving nobody an offer is cheapest. */
    readonly optimalCutoff: number | null;
    /** The budget-constrained cutoff in [0, 1] (the campaign's), or `null` when the campaign offers nobody. */
    readonly budgetCutoff: number | null;
    /** `s3://` URL of `evaluation.json`. */
    readonly evaluation: string;
    /** `s3://` URL of the model quality statistics (JSON), the package's model metrics. */
    readonly modelQuality: string;
    /** `s3://` URL of the HTML report. */
    readonly report: string;
  };
  /**
   * `s3://` URL of the run's copy of the features job's baseline statistics document (the training
   * split's statistics, `lib/contracts/baseline-statistics.ts`), recorded as the package's data
   * quality statistics: what the drift monitor compares the captured requests with.
   */
  readonly baselineStatistics: string;
  /**
   * The data quality baseline of the training data, for drift checks, or `null` when the pipeline
   * has no baseline step (Model Monitor, which computes it, is opt-in): the package is then
   * registered without drift-check baselines. Absent is not `null`: it is missing.
   */
  readonly baseline: {
    /** `s3://` URL of the baseline statistics (JSON). */
    readonly statistics: string;
    /** `s3://` URL of the baseline constraints (JSON). */
    readonly constraints: string;
  } | null;
}

/** The function's configuration, from its environment (see {@link settingsFromEnv}). */
export interface RegisterSettings {
  /** The model package group, by name or ARN (`MODEL_PACKAGE_GROUP_NAME`). */
  readonly modelPackageGroupName: string;
  /** The inference image: the region's built-in XGBoost image (`IMAGE_URI`). */
  readonly imageUri: string;
  /** Instance types the model may be served on by an endpoint (`REALTIME_INSTANCE_TYPES`). */
  readonly realtimeInstanceTypes: readonly ProductionVariantInstanceType[];
  /** Instance types the model may run on in a batch transform (`TRANSFORM_INSTANCE_TYPES`). */
  readonly transformInstanceTypes: readonly TransformInstanceType[];
}

/** The one content type the built-in XGBoost container is registered with, in and out. */
export const CONTENT_TYPE = 'text/csv';

/** The longest `ModelPackageDescription` the API takes. */
export const DESCRIPTION_MAX_LENGTH = 1024;

/** The longest value of a `CustomerMetadataProperties` entry. */
export const METADATA_VALUE_MAX_LENGTH = 256;

/** The longest `ClientToken` the API takes. */
export const CLIENT_TOKEN_MAX_LENGTH = 36;

/** A cutoff in the package metadata when it offers nobody. */
export const NO_CUTOFF = 'none';

/** A cutoff as the package metadata holds it: the number, or {@link NO_CUTOFF}. */
function cutoffMetadata(cutoff: number | null): string {
  return cutoff === null ? NO_CUTOFF : metadataNumber(cutoff);
}

// ---------------------------------------------------------------------------------------------
// Settings.

type Environment = Readonly<Record<string, string | undefined>>;

/** `ml.<family>.<size>`, e.g. `ml.m5.large`. */
const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;

/** A model package group name, or its ARN (the API's pattern, partition-neutral). */
const GROUP_NAME_OR_ARN =
  /^(?:arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:model-package-group\/)?[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}$/;

/** A container image: 1 to 255 characters, no whitespace (the API's pattern). */
const IMAGE = /^\S{1,255}$/;

function instanceTypesFromEnv(env: Environment, name: string): string[] {
  const text = stringFromEnv(env, name);
  const types = text.split(',');
  const bad = types.find((t) => !INSTANCE_TYPE.test(t));
  const duplicate = types.find((t, i) => types.indexOf(t) !== i);
  if (bad !== undefined || duplicate !== undefined) {
    const why = bad !== undefined ? `${JSON.stringify(bad)} is not one` : `${duplicate ?? ''} is listed twice`;
    throw new EnvironmentError(
      `environment variable ${name} is ${JSON.stringify(text)}; expected instance types separated by commas, ` +
        `such as ml.m5.large,ml.m5.xlarge (${why})`,
    );
  }
  return types;
}

/**
 * The settings, from the variables the CDK sets: `MODEL_PACKAGE_GROUP_NAME` (a group name or ARN),
 * `IMAGE_URI`, and `REALTIME_INSTANCE_TYPES` and `TRANSFORM_INSTANCE_TYPES` (instance types such
 * as `ml.m5.large`, separated by commas, no spaces).
 * @throws EnvironmentError naming the variable, when one is missing or not allowed
 */
export function settingsFromEnv(env: Environment): RegisterSettings {
  const modelPackageGroupName = stringFromEnv(env, 'MODEL_PACKAGE_GROUP_NAME');
  if (!GROUP_NAME_OR_ARN.test(modelPackageGroupName)) {
    throw new EnvironmentError(
      `environment variable MODEL_PACKAGE_GROUP_NAME is ${JSON.stringify(modelPackageGroupName)}; ` +
        'expected a model package group name (1 to 63 letters, digits and hyphens) or its ARN',
    );
  }
  const imageUri = stringFromEnv(env, 'IMAGE_URI');
  if (!IMAGE.test(imageUri)) {
    throw new EnvironmentError(
      `environment variable IMAGE_URI is ${JSON.stringify(imageUri)}; expected an image URI of 1 to 255 characters without spaces`,
    );
  }
  return {
    modelPackageGroupName,
    imageUri,
    // The SDK's unions list the instance types it knew when it was generated; the pattern is the
    // check here, so a newer type is not refused by an older SDK (the service checks the rest).
    realtimeInstanceTypes: instanceTypesFromEnv(env, 'REALTIME_INSTANCE_TYPES') as ProductionVariantInstanceType[],
    transformInstanceTypes: instanceTypesFromEnv(env, 'TRANSFORM_INSTANCE_TYPES') as TransformInstanceType[],
  };
}

// ---------------------------------------------------------------------------------------------
// The event.

/** Letters, digits, spaces and `_.:/=+-@`: what a metadata value may hold. */
const METADATA_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** SageMaker's names: a letter or digit, then letters, digits and single or repeated hyphens. */
const TUNING_JOB_NAME = /^[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,31}$/;
const TRAINING_JOB_NAME = /^[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}$/;
/** The longest `S3Uri` or `ModelDataUrl` the API takes. */
const URL_MAX_LENGTH = 1024;

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, field: string): Readonly<Record<string, unknown>> {
  if (!isObject(value)) {
    throw new RegisterInputError(`${field} is ${shown(value)}; expected an object`);
  }
  return value;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new RegisterInputError(`${field} is ${shown(value)}; expected a non-empty string`);
  }
  return value;
}

function matching(value: unknown, field: string, pattern: RegExp, expected: string): string {
  const text = nonEmptyString(value, field);
  if (!pattern.test(text)) {
    throw new RegisterInputError(`${field} is ${shown(text)}; expected ${expected}`);
  }
  return text;
}

function metadataValue(value: unknown, field: string): string {
  const text = nonEmptyString(value, field);
  if (text.length > METADATA_VALUE_MAX_LENGTH || !METADATA_VALUE.test(text)) {
    throw new RegisterInputError(
      `${field} is ${shown(text)}; expected 1 to ${METADATA_VALUE_MAX_LENGTH} letters, digits, spaces and _.:/=+-@ ` +
        '(what a model package metadata value may hold)',
    );
  }
  return text;
}

/** An `s3://bucket/key` URL of an object (not a bucket or a prefix). */
function objectUrl(value: unknown, field: string): string {
  const url = nonEmptyString(value, field);
  let key: string;
  try {
    key = parseS3Url(url, field).key;
  } catch (e) {
    throw new RegisterInputError(e instanceof Error ? e.message : String(e), { cause: e });
  }
  if (key === '' || key.endsWith('/')) {
    throw new RegisterInputError(`${field} is ${shown(url)}; expected the URL of an object, not of a bucket or prefix`);
  }
  if (url.length > URL_MAX_LENGTH) {
    throw new RegisterInputError(`${field} is ${shown(url)}; expected a URL of at most ${URL_MAX_LENGTH} characters`);
  }
  return url;
}

/** An object URL that is also stored as package metadata. */
function objectUrlInMetadata(value: unknown, field: string): string {
  return metadataValue(objectUrl(value, field), field);
}

function probability(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new RegisterInputError(`${field} is ${shown(value)}; expected a finite number from 0 to 1`);
  }
  return value;
}

/** A cutoff: `null` (nobody gets an offer) or a probability. `undefined` is not `null`: it is missing. */
function cutoffOrNull(value: unknown, field: string): number | null {
  if (value === null) {
    return null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new RegisterInputError(`${field} is ${shown(value)}; expected null or a finite number from 0 to 1`);
  }
  return value;
}

/**
 * The event, checked.
 * @throws RegisterInputError naming the first field that is missing or wrong, and its value
 */
export function parseRegisterEvent(event: unknown): RegisterEvent {
  const e = object(event, 'event');
  const evaluation = object(e.evaluation, 'evaluation');
  // null: no baseline step. Anything else must be the baseline (undefined is a missing field).
  if (e.baseline !== null && !isObject(e.baseline)) {
    throw new RegisterInputError(
      `baseline is ${shown(e.baseline)}; expected an object (statistics, constraints), or null when there is no baseline`,
    );
  }
  const baseline = e.baseline;
  return {
    runId: metadataValue(e.runId, 'runId'),
    tuningJobName: matching(
      e.tuningJobName,
      'tuningJobName',
      TUNING_JOB_NAME,
      'a SageMaker tuning job name (1 to 32 letters, digits and hyphens)',
    ),
    trainingJobName: matching(
      e.trainingJobName,
      'trainingJobName',
      TRAINING_JOB_NAME,
      'a SageMaker training job name (1 to 63 letters, digits and hyphens)',
    ),
    modelDataUrl: objectUrl(e.modelDataUrl, 'modelDataUrl'),
    baselineStatistics: objectUrl(e.baselineStatistics, 'baselineStatistics'),
    evaluation: {
      auc: probability(evaluation.auc, 'evaluation.auc'),
      optimalCutoff: cutoffOrNull(evaluation.optimalCutoff, 'evaluation.optimalCutoff'),
      budgetCutoff: cutoffOrNull(evaluation.budgetCutoff, 'evaluation.budgetCutoff'),
      evaluation: objectUrlInMetadata(evaluation.evaluation, 'evaluation.evaluation'),
      modelQuality: objectUrl(evaluation.modelQuality, 'evaluation.modelQuality'),
      report: objectUrlInMetadata(evaluation.report, 'evaluation.report'),
    },
    baseline:
      baseline === null
        ? null
        : {
            statistics: objectUrl(baseline.statistics, 'baseline.statistics'),
            constraints: objectUrl(baseline.constraints, 'baseline.constraints'),
          },
  };
}

// ---------------------------------------------------------------------------------------------
// The request.

/**
 * The idempotency token of a run's registration: the first 32 hex digits (128 bits) of the SHA-256
 * of `register-model:<runId>`. Any run id, whatever its length or characters, maps to a token the
 * API takes (1 to 36 of `[a-zA-Z0-9-]`); a retried invocation of the same run sends the same token,
 * so SageMaker treats it as the same request instead of registering a second version.
 */
export function clientToken(runId: string): string {
  return createHash('sha256').update(`register-model:${runId}`, 'utf8').digest('hex').slice(0, 32);
}

/** The package's description: the run, the training job and the test AUC. */
export function describePackage(event: RegisterEvent): string {
  return (
    `Churn model of run ${event.runId}: training job ${event.trainingJobName}, the best of tuning job ` +
    `${event.tuningJobName}. Test AUC ${event.evaluation.auc.toFixed(3)}.`
  );
}

/** A number as package metadata: its shortest round-trip text (`0.37`, `1e-7`). */
function metadataNumber(n: number): string {
  return String(n);
}

/**
 * The CreateModelPackage request that registers the model of `event` as a new version of the
 * settings' group, pending manual approval (the quality gate decides what happens next), with its
 * model quality metrics and the features' baseline statistics as its model metrics, and the event's
 * Model Monitor baseline as its data quality drift-check baselines, or none when that is `null`.
 * @param event the event as received from the state machine; checked first, whatever its type says
 * @throws RegisterInputError naming the field, when the event is malformed
 */
export function modelPackageInput(event: RegisterEvent, settings: RegisterSettings): CreateModelPackageCommandInput {
  const e = parseRegisterEvent(event);
  const json = 'application/json';
  return {
    ModelPackageGroupName: settings.modelPackageGroupName,
    ModelPackageDescription: describePackage(e),
    InferenceSpecification: {
      Containers: [{ Image: settings.imageUri, ModelDataUrl: e.modelDataUrl }],
      SupportedContentTypes: [CONTENT_TYPE],
      SupportedResponseMIMETypes: [CONTENT_TYPE],
      SupportedRealtimeInferenceInstanceTypes: [...settings.realtimeInstanceTypes],
      SupportedTransformInstanceTypes: [...settings.transformInstanceTypes],
    },
    ModelMetrics: {
      ModelQuality: { Statistics: { ContentType: json, S3Uri: e.evaluation.modelQuality } },
      // The features' baseline statistics, which the drift monitor reads back with
      // baselineStatisticsUri (lib/contracts/model-baseline.ts). Not DriftCheckBaselines: that slot
      // is the opt-in Model Monitor's, in its analyzer's format.
      ModelDataQuality: { Statistics: { ContentType: STATISTICS_CONTENT_TYPE, S3Uri: e.baselineStatistics } },
    },
    ...(e.baseline === null
      ? {}
      : {
          DriftCheckBaselines: {
            ModelDataQuality: {
              Statistics: { ContentType: json, S3Uri: e.baseline.statistics },
              Constraints: { ContentType: json, S3Uri: e.baseline.constraints },
            },
          },
        }),
    ModelApprovalStatus: 'PendingManualApproval',
    ClientToken: clientToken(e.runId),
    CustomerMetadataProperties: {
      runId: e.runId,
      tuningJobName: e.tuningJobName,
      trainingJobName: e.trainingJobName,
      testAuc: metadataNumber(e.evaluation.auc),
      // The serving stage decides offers at the campaign's cutoff, the budget-constrained one
      // (lib/contracts/cutoff.ts); the cost-optimal one is kept beside it, for the record.
      budgetCutoff: cutoffMetadata(e.evaluation.budgetCutoff),
      optimalCutoff: cutoffMetadata(e.evaluation.optimalCutoff),
      evaluation: e.evaluation.evaluation,
      report: e.evaluation.report,
    },
  };
}
