/**
 * The failures of `npm run invoke` that a user can fix, and how an AWS error becomes one: missing
 * credentials, no region and access denied stop any call the same way, whatever it was; the
 * callers decide what their other errors mean.
 */
import { credentialsHelp, isCredentialError } from '../shared/cli/aws-errors';

/** Why scoring stopped. */
export type InvokeErrorCode =
  | 'CREDENTIALS'
  | 'REGION_MISSING'
  | 'ACCESS_DENIED'
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

/** The name and message of a thrown value, and both as `name: message` for a message in brackets. */
export interface ErrorDescription {
  /** The error's `name`, or `Error` when it has none. */
  readonly name: string;
  /** The error's `message`, or the value as a string when it has none. */
  readonly message: string;
  /** `name: message`. */
  readonly text: string;
}

const ACCESS_ERRORS: ReadonlySet<string> = new Set(['AccessDeniedException', 'AccessDenied']);

/** The name and message of a thrown value, whatever was thrown. */
export function describeError(error: unknown): ErrorDescription {
  const prop = (key: string): unknown =>
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
  const name = prop('name');
  const message = prop('message');
  const code = typeof name === 'string' && name !== '' ? name : 'Error';
  const text = typeof message === 'string' ? message : String(error);
  return { name: code, message: text, text: `${code}: ${text}` };
}

/**
 * The error to stop with when the caller's setup is at fault (credentials, region, permissions),
 * whatever the call; `undefined` otherwise.
 * @param action the IAM action and resource the call needs, for the access-denied message
 */
export function setupFailure(error: unknown, action: string): InvokeError | undefined {
  const { name, message, text } = describeError(error);
  if (isCredentialError(name, message)) {
    return new InvokeError(
      'CREDENTIALS',
      `AWS credentials are missing, expired or not recognised (${text}). ` +
        credentialsHelp('belongs to the account the stacks are deployed in'),
      { cause: error },
    );
  }
  if (/region is missing|missing region/i.test(message)) {
    return new InvokeError(
      'REGION_MISSING',
      `No AWS region is configured (${text}). Set AWS_REGION to the region the stacks are deployed in, or use a ` +
        'profile (AWS_PROFILE) that has a region.',
      { cause: error },
    );
  }
  if (ACCESS_ERRORS.has(name)) {
    return new InvokeError('ACCESS_DENIED', `access denied (${text}); the credentials in use need ${action}.`, {
      cause: error,
    });
  }
  return undefined;
}

/** ` in region R` of a client's region, for messages; empty if it has none. */
export async function inRegion(client: { readonly config: { readonly region: unknown } }): Promise<string> {
  const region = await clientRegion(client);
  return region === undefined ? '' : ` in region ${region}`;
}

/** A client's region; `undefined` if it has none or it cannot be resolved. */
async function clientRegion(client: { readonly config: { readonly region: unknown } }): Promise<string | undefined> {
  try {
    const region = client.config.region;
    const value: unknown = typeof region === 'function' ? await (region as () => Promise<unknown>)() : region;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
