/**
 * Where a model's baseline statistics live, and how a model package says so: what the features job
 * (writer of `features/statistics.json`), the training pipeline (which keeps a copy per run), the
 * register function (which records the copy in the package) and the drift monitor (which reads it
 * back from the package in service) agree on.
 *
 * The features job overwrites `features/` on every run, so a package must not point there: the
 * pipeline copies the document into the run's own folder when the run starts, and the package
 * records that copy. It is recorded as the package's `ModelMetrics.ModelDataQuality.Statistics`,
 * the slot CreateModelPackage gives to "data quality statistics for a model"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelDataQuality.html), and not as
 * `DriftCheckBaselines.ModelDataQuality.Statistics`, which stays the opt-in Model Monitor's: its
 * analyzer's `statistics.json` has another format, and the deploy function hands that slot, with
 * its constraints, to the Model Monitor schedule.
 *
 * Pure data and one pure function, bundled into functions: it imports only `shown`.
 */
import { shown } from './shown';

/** The statistics document the features job writes beside the splits, under the curated `features/` prefix. */
export const FEATURES_STATISTICS_FILE = 'statistics.json';

/**
 * The run's immutable copy of that document, under `training-runs/<run id>/`. Not under `baseline/`,
 * which is where the opt-in Model Monitor analyzer writes its own `statistics.json`.
 */
export const RUN_STATISTICS_PATH = 'feature-statistics/statistics.json';

/** The content type the statistics are registered with. */
export const STATISTICS_CONTENT_TYPE = 'application/json';

/**
 * The part of DescribeModelPackage's output that holds the baseline statistics (the SDK's
 * `DescribeModelPackageCommandOutput` is one), so that callers need not depend on the SDK's types.
 */
export interface DescribedModelMetrics {
  readonly ModelMetrics?: {
    readonly ModelDataQuality?: {
      readonly Statistics?: { readonly ContentType?: string; readonly S3Uri?: string };
    };
  };
}

/** Thrown when a package records baseline statistics that cannot be read; the message names the value. */
export class BaselineReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineReferenceError';
  }
}

/** `s3://bucket/key` with a bucket name S3 allows and a key that is an object (not a prefix). */
const OBJECT_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*[^/]$/;

/**
 * The S3 URI of a model package's baseline statistics document (a `BaselineStatistics` of
 * `baseline-statistics.ts`), from DescribeModelPackage's output.
 * @returns the URI, or `undefined` when the package records none (a package registered before the
 *   pipeline recorded baselines)
 * @throws BaselineReferenceError when the package records statistics that are not a JSON document
 *   at an `s3://bucket/key` URL
 */
export function baselineStatisticsUri(described: DescribedModelMetrics): string | undefined {
  const statistics = described.ModelMetrics?.ModelDataQuality?.Statistics;
  if (statistics === undefined) {
    return undefined;
  }
  const { ContentType: contentType, S3Uri: uri } = statistics;
  if (typeof uri !== 'string' || !OBJECT_URL.test(uri)) {
    throw new BaselineReferenceError(
      `ModelMetrics.ModelDataQuality.Statistics.S3Uri is ${shown(uri)}; expected the s3://bucket/key URL of an object`,
    );
  }
  if (contentType !== STATISTICS_CONTENT_TYPE) {
    throw new BaselineReferenceError(
      `ModelMetrics.ModelDataQuality.Statistics.ContentType is ${shown(contentType)}; expected ${JSON.stringify(STATISTICS_CONTENT_TYPE)}`,
    );
  }
  return uri;
}
