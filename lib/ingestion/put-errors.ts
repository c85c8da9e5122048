/**
 * What a `PutRecords` error means for the run: a per-entry error that no retry fixes, a whole-request
 * error worth retrying (throttling, 5xx, network), or one that stops the run with a
 * {@link ProducerError} saying what to do (no stream, credentials, region, access, invalid request).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { credentialsHelp, isCredentialError } from '../shared/cli/aws-errors';
import type { ProducerReport } from './producer-report';

/** Why a run stopped early. */
export type ProducerErrorCode =
  /** The stream does not exist (in this region, for these credentials). */
  | 'STREAM_NOT_FOUND'
  /** No credentials, or expired or unknown ones. */
  | 'CREDENTIALS'
  /** The credentials may not put to the stream or use its key. */
  | 'ACCESS_DENIED'
  /** No AWS region configured. */
  | 'REGION_MISSING'
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

/** A property of an unknown thrown value, if it is an object. */
function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The name (or Node error code) and message of a thrown value. */
export function describeError(error: unknown): { readonly code: string; readonly message: string } {
  const name = prop(error, 'name');
  const nodeCode = prop(error, 'code');
  const message = prop(error, 'message');
  const code =
    typeof nodeCode === 'string' && /^E[A-Z_]+$/.test(nodeCode)
      ? nodeCode
      : typeof name === 'string' && name !== '' && name !== 'Error'
        ? name
        : 'Error';
  return { code, message: typeof message === 'string' ? message : String(error) };
}

const ACCESS_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'KMSAccessDeniedException',
]);
const INVALID_REQUEST_ERRORS: ReadonlySet<string> = new Set([
  'ValidationException',
  'InvalidArgumentException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
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
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
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
  const { code: name, message } = describeError(error);
  const what = `${name}: ${message}`;
  const named = `Kinesis stream "${stream}"`;
  if (isCredentialError(name, message)) {
    return {
      code: 'CREDENTIALS',
      message:
        `AWS credentials are missing, expired or not recognised (${what}). ` +
        credentialsHelp('may write to the stream'),
    };
  }
  if (/region is missing|missing region/i.test(message)) {
    return {
      code: 'REGION_MISSING',
      message:
        `No AWS region is configured (${what}). Give the Kinesis client a region: set AWS_REGION, ` +
        'or use a profile (AWS_PROFILE) that has a region.',
    };
  }
  if (name === 'ResourceNotFoundException') {
    const region = await clientRegion(client);
    return {
      code: 'STREAM_NOT_FOUND',
      message:
        `${named} was not found${region === undefined ? '' : ` in region ${region}`} (${what}). ` +
        'Deploy the stacks first (`cdk deploy --all`, or `npm run deploy`) and pass the StreamName output of the ' +
        'Ingestion stack (or the stream ARN); check the region and the account of your credentials too.',
    };
  }
  if (ACCESS_ERRORS.has(name)) {
    return {
      code: 'ACCESS_DENIED',
      message:
        `Access denied writing to ${named} (${what}). The credentials in use need kinesis:PutRecords on the stream ` +
        'and, for a stream encrypted with a customer-managed key, kms:GenerateDataKey on that key.',
    };
  }
  if (INVALID_REQUEST_ERRORS.has(name)) {
    return { code: 'INVALID_REQUEST', message: `${named} rejected the request (${what}).` };
  }
  if (isRetryable(error, name)) {
    return undefined;
  }
  return { code: 'REQUEST_FAILED', message: `PutRecords to ${named} failed (${what}).` };
}

function isRetryable(error: unknown, name: string): boolean {
  if (RETRYABLE_ERRORS.has(name) || prop(error, '$retryable') !== undefined) {
    return true;
  }
  const status = prop(prop(error, '$metadata'), 'httpStatusCode');
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/** The client's region, for messages; `undefined` if it has none. */
async function clientRegion(client: KinesisClient): Promise<string | undefined> {
  try {
    const region: unknown = await client.config.region();
    return typeof region === 'string' ? region : undefined;
  } catch {
    return undefined;
  }
}
