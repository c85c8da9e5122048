/**
 * The failures of `npm run invoke` that a user can fix. The failures any AWS call can hit
 * (credentials, region, access, throttling, network) are described by the shared describer
 * (`lib/shared/cli/aws-errors.ts`); the callers explain the endpoint's and the stack's own errors.
 */
import { type AwsFailureKind, describeAwsFailure } from '../shared/cli/aws-errors';

/** Why scoring stopped. */
export type InvokeErrorCode =
  | AwsFailureKind
  | 'STACK_NOT_FOUND'
  | 'NO_ENDPOINT'
  | 'ENDPOINT_UNAVAILABLE'
  | 'MODEL_ERROR'
  | 'BAD_RESPONSE'
  | 'REQUEST_FAILED';

/** A failure the user can act on; the message says what happened and what to do. */
export class InvokeError extends Error {
  constructor(
    readonly code: InvokeErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'InvokeError';
  }
}

/** What the credentials must allow, for the credentials message. */
const PROFILE_MAY = 'belongs to the account the stacks are deployed in';

/**
 * The error to stop with when the failure is one any AWS call can hit (credentials, region,
 * permissions, throttling, network), whatever the call; `undefined` otherwise.
 * @param action the IAM action and resource the call needs, for the access-denied message
 */
export function setupFailure(error: unknown, action: string): InvokeError | undefined {
  const failure = describeAwsFailure(error, { profileMay: PROFILE_MAY, action });
  return failure === undefined ? undefined : new InvokeError(failure.kind, failure.message, { cause: error });
}

/** Failures after which no other call can work either: an optional lookup that hits one stops the run. */
const STOPS_EVERY_CALL: ReadonlySet<InvokeErrorCode> = new Set(['CREDENTIALS', 'REGION_MISSING', 'NETWORK']);

/** Whether no other call can work after this failure, so an optional lookup must stop the run too. */
export function stopsEveryCall(failure: InvokeError): boolean {
  return STOPS_EVERY_CALL.has(failure.code);
}
