/**
 * How a command-line tool describes an AWS SDK or Node error to its user: what was thrown (the name,
 * or Node's error code), and, for the failures every AWS call can hit whatever it is (credentials,
 * region, access, throttling, network), what happened and what to do. Shared by `npm run produce`,
 * `npm run invoke` and `npm run preflight`; each keeps only the errors of its own calls.
 */

/** What was thrown: its name (or Node error code) and message, and both as `name: message` for a message in brackets. */
export interface ErrorDescription {
  /** Node's error code (`ECONNREFUSED`) when it has one, else its `name`, else `Error`. */
  readonly name: string;
  /** The error's `message`, or the value as a string when it has none. */
  readonly message: string;
  /** `name: message`. */
  readonly text: string;
}

/** A property of an unknown thrown value, if it is an object. */
export function errorProperty(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The name and message of a thrown value, whatever was thrown. A Node system error's `name` is a
 * bare `Error`; its `code` (`ENOTFOUND`, `ECONNRESET` ...) is what says what happened, so it wins.
 */
export function describeError(error: unknown): ErrorDescription {
  const name = errorProperty(error, 'name');
  const nodeCode = errorProperty(error, 'code');
  const message = errorProperty(error, 'message');
  const code =
    typeof nodeCode === 'string' && /^E[A-Z_]+$/.test(nodeCode)
      ? nodeCode
      : typeof name === 'string' && name !== ''
        ? name
        : 'Error';
  const text = typeof message === 'string' ? message : String(error);
  return { name: code, message: text, text: `${code}: ${text}` };
}

/** Error names the SDK and AWS services give to missing, expired or unrecognised credentials. */
const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);

/** Whether an error with this name and message means the caller's credentials are missing, expired or not recognised. */
export function isCredentialError(name: string, message: string): boolean {
  return CREDENTIAL_ERRORS.has(name) || /could not load credentials/i.test(message);
}

/** How to set credentials up, completing a sentence that says what the profile must be allowed to do. */
export function credentialsHelp(profileMay: string): string {
  return (
    `Configure AWS credentials: set AWS_PROFILE to a profile that ${profileMay} and run ` +
    '`aws sso login --profile NAME` (or `aws configure`), or export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.'
  );
}

/** The error names of a caller denied an action by IAM (a service's own variants, such as KMS's, are the caller's to add). */
const ACCESS_ERRORS: ReadonlySet<string> = new Set(['AccessDeniedException', 'AccessDenied']);

/** Whether the caller was denied the action by IAM. */
export function isAccessDenied(name: string): boolean {
  return ACCESS_ERRORS.has(name);
}

/** The message for a call the credentials may not make, naming the action they need. */
export function accessDeniedMessage(text: string, action: string): string {
  return `Access denied (${text}). The credentials in use need ${action}.`;
}

/** Error names AWS services give to a request refused for its rate. */
const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

/** Whether the request was refused for its rate. */
export function isThrottling(name: string): boolean {
  return THROTTLING_ERRORS.has(name);
}

/** Node's codes for a request that never reached AWS or lost its connection, and what each means. */
const NETWORK_ERRORS: ReadonlyMap<string, string> = new Map([
  ['ENOTFOUND', "the endpoint's host name does not resolve"],
  ['EAI_AGAIN', 'the DNS lookup of the endpoint failed'],
  ['ECONNREFUSED', 'the connection was refused'],
  ['ECONNRESET', 'the connection was reset'],
  ['ECONNABORTED', 'the connection was aborted'],
  ['EPIPE', 'the connection closed while the request was sent'],
  ['ETIMEDOUT', 'the connection timed out'],
  ['ENETUNREACH', 'the network is unreachable'],
  ['EHOSTUNREACH', 'the host is unreachable'],
]);

/**
 * Whether a network error may pass if the request is sent again. A host name that does not resolve
 * is not one: it is mostly a wrong region name, or no network at all.
 */
export function isTransientNetworkError(name: string): boolean {
  return NETWORK_ERRORS.has(name) && name !== 'ENOTFOUND';
}

/** A failure of any AWS call that the user can act on. */
export type AwsFailureKind = 'CREDENTIALS' | 'REGION_MISSING' | 'ACCESS_DENIED' | 'THROTTLED' | 'NETWORK';

/** What went wrong, and a message that says what happened and what to do. */
export interface AwsFailure {
  readonly kind: AwsFailureKind;
  readonly message: string;
}

/** The call that failed, as the messages name it. */
export interface AwsCall {
  /** What the credentials must allow, completing "set AWS_PROFILE to a profile that ...". */
  readonly profileMay: string;
  /** The IAM action and resource the call needs, for the access-denied message. */
  readonly action: string;
}

/**
 * The failure an error is, when it is one any AWS call can hit whatever it was (credentials,
 * region, access, throttling, network); `undefined` for an error that is the caller's to explain.
 */
export function describeAwsFailure(error: unknown, call: AwsCall): AwsFailure | undefined {
  const { name, message, text } = describeError(error);
  if (isCredentialError(name, message)) {
    return {
      kind: 'CREDENTIALS',
      message: `AWS credentials are missing, expired or not recognised (${text}). ${credentialsHelp(call.profileMay)}`,
    };
  }
  if (/region is missing|missing region/i.test(message)) {
    return {
      kind: 'REGION_MISSING',
      message:
        `No AWS region is configured (${text}). Set AWS_REGION to the region the stacks are deployed in, or use a ` +
        'profile (AWS_PROFILE) that has a region.',
    };
  }
  if (isAccessDenied(name)) {
    return { kind: 'ACCESS_DENIED', message: accessDeniedMessage(text, call.action) };
  }
  if (isThrottling(name)) {
    return {
      kind: 'THROTTLED',
      message: `AWS throttled the request (${text}) and the SDK's retries ran out. Wait a minute and try again.`,
    };
  }
  const network = NETWORK_ERRORS.get(name);
  if (network !== undefined) {
    return {
      kind: 'NETWORK',
      message:
        `Could not reach AWS: ${network} (${text}). Check the network connection (and any VPN or proxy) and the ` +
        'region name, then try again.',
    };
  }
  return undefined;
}

/** A client whose configured region can be read: any AWS SDK v3 client. */
export interface RegionalClient {
  readonly config: { readonly region: unknown };
}

/** A client's region; `undefined` if it has none or it cannot be resolved. */
export async function clientRegion(client: RegionalClient): Promise<string | undefined> {
  try {
    const region = client.config.region;
    const value: unknown = typeof region === 'function' ? await (region as () => Promise<unknown>)() : region;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** ` in region R` of a client's region, for messages; empty if it has none. */
export async function inRegion(client: RegionalClient): Promise<string> {
  const region = await clientRegion(client);
  return region === undefined ? '' : ` in region ${region}`;
}
