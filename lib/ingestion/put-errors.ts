/**
 * What a `PutRecords` error means for the run: a per-entry error that no retry fixes, a whole-request
 * error worth retrying (throttling, 5xx, network), or one that stops the run with a
 * {@link ProducerError} saying what to do. The failures any AWS call can hit (credentials, region,
 * access, network) are described by the shared describer (`lib/shared/cli/aws-errors.ts`); this file
 * keeps the stream's own (no stream, KMS, invalid request) and the retry policy.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  accessDeniedMessage,
  type AwsFailureKind,
  describeAwsFailure,
  describeError,
  errorProperty,
  inRegion,
  isThrottling,
  isTransientNetworkError,
} from '../shared/cli/aws-errors';
import type { ProducerReport } from './producer-report';

/** Why a run stopped early. */
export type ProducerErrorCode =
  /** A failure any AWS call can hit: credentials, region, access (to the stream or its key), network. */
  | AwsFailureKind
  /** The stream does not exist (in this region, for these credentials). */
  | 'STREAM_NOT_FOUND'
  /** Kinesis rejected the request as invalid. */
  | 'INVALID_REQUEST'
  /** The response did not say which entries succeeded. */
  | 'UNEXPECTED_RESPONSE'
  /** Any other error that retrying would not fix. */
  | 'REQUEST_FAILED';

/**
 * A run stopped on an error that retrying cannot fix. `message` says what to do about it;
 * `report` says what was delivered before it stopped.
 */
export class ProducerError extends Error {
  /** What kind of error stopped the run. */
  public readonly code: ProducerErrorCode;
  /** What the run did before it stopped. */
  public readonly report: ProducerReport;

  constructor(code: ProducerErrorCode, message: string, report: ProducerReport, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProducerError';
    this.code = code;
    this.report = report;
  }
}

/** Per-entry error codes that no retry can fix: the entry is reported failed at once. */
const PERMANENT_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);

/** Whether an entry that failed with this `ErrorCode` would fail again however often it is put. */
export function isPermanentEntryError(errorCode: string): boolean {
  return PERMANENT_ENTRY_ERRORS.has(errorCode);
}

/** The key's own access error: the caller may put to the stream but not use its customer-managed key. */
const KMS_ACCESS_DENIED = 'KMSAccessDeniedException';
const INVALID_REQUEST_ERRORS: ReadonlySet<string> = new Set([
  'ValidationException',
  'InvalidArgumentException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);
/** Errors a later attempt may get past, besides throttling and a transient network error. */
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'RequestTimeTooSkewed',
]);

/**
 * The reason to stop, for an error of a whole request to `stream` that retrying cannot fix;
 * `undefined` for one worth retrying (throttling, 5xx, network).
 * @param client the client that sent the request, for the region a missing stream was looked for in
 */
export async function fatalError(
  error: unknown,
  stream: string,
  client: KinesisClient,
): Promise<{ readonly code: ProducerErrorCode; readonly message: string } | undefined> {
  const { name, text } = describeError(error);
  const named = `Kinesis stream "${stream}"`;
  const action =
    `kinesis:PutRecords on ${named} and, for a stream encrypted with a customer-managed key, ` +
    'kms:GenerateDataKey on that key';
  const shared = describeAwsFailure(error, { profileMay: 'may write to the stream', action });
  if (shared !== undefined && shared.kind !== 'THROTTLED' && shared.kind !== 'NETWORK') {
    return { code: shared.kind, message: shared.message };
  }
  if (name === 'ResourceNotFoundException') {
    return {
      code: 'STREAM_NOT_FOUND',
      message:
        `${named} was not found${await inRegion(client)} (${text}). ` +
        'Deploy the stacks first (`cdk deploy --all`, or `npm run deploy`) and pass the StreamName output of the ' +
        'Ingestion stack (or the stream ARN); check the region and the account of your credentials too.',
    };
  }
  if (name === KMS_ACCESS_DENIED) {
    return { code: 'ACCESS_DENIED', message: accessDeniedMessage(text, action) };
  }
  if (INVALID_REQUEST_ERRORS.has(name)) {
    return { code: 'INVALID_REQUEST', message: `${named} rejected the request (${text}).` };
  }
  if (isRetryable(error, name)) {
    return undefined;
  }
  if (shared !== undefined) {
    return { code: shared.kind, message: shared.message };
  }
  return { code: 'REQUEST_FAILED', message: `PutRecords to ${named} failed (${text}).` };
}

function isRetryable(error: unknown, name: string): boolean {
  if (
    isThrottling(name) ||
    isTransientNetworkError(name) ||
    RETRYABLE_ERRORS.has(name) ||
    errorProperty(error, '$retryable') !== undefined
  ) {
    return true;
  }
  const status = errorProperty(errorProperty(error, '$metadata'), 'httpStatusCode');
  return typeof status === 'number' && (status >= 500 || status === 429);
}
