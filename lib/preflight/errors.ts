/**
 * How the preflight checks treat AWS errors: missing or bad credentials stop the whole run (every
 * later check would fail the same way), access denied or anything else makes that one check a
 * warning that says it could not be verified.
 */
import { credentialsHelp, isCredentialError } from '../shared/cli/aws-errors';
import type { CheckResult } from './result';

/** The credentials are missing, expired or not recognised: nothing can be checked. */
export class CredentialsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CredentialsError';
  }
}

/** What the credentials must be allowed, completing {@link credentialsHelp}'s sentence. */
export const PROFILE_MAY = 'may read the target account (the one `cdk deploy` deploys to)';

/** The message for credentials that cannot be found or used, with what to do. */
export function noCredentialsMessage(detail: string): string {
  return `no AWS credentials found: ${detail}. ${credentialsHelp(PROFILE_MAY)}`;
}

/** The name (or Node error code) and message of a thrown value. */
export function errorInfo(error: unknown): { readonly name: string; readonly message: string } {
  const prop = (key: string): unknown =>
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
  const name = prop('name');
  const message = prop('message');
  return {
    name: typeof name === 'string' && name !== '' ? name : 'Error',
    message: typeof message === 'string' ? message : String(error),
  };
}

const ACCESS_DENIED: ReadonlySet<string> = new Set(['AccessDeniedException', 'AccessDenied']);

/**
 * The finding for a check whose AWS call failed: a warning that it could not be verified, naming
 * the IAM action the credentials lack when access was denied.
 * @throws CredentialsError when the failure is the credentials'
 */
export function couldNotCheck(check: string, error: unknown, action: string): CheckResult {
  const { name, message } = errorInfo(error);
  if (isCredentialError(name, message)) {
    throw new CredentialsError(noCredentialsMessage(`${name}: ${message}`), { cause: error });
  }
  if (ACCESS_DENIED.has(name)) {
    return {
      check,
      status: 'warn',
      message: `could not check: ${action} was denied (${name})`,
      fix: `allow ${action} to the credentials in use, or check this by hand`,
    };
  }
  return { check, status: 'warn', message: `could not check: ${action} failed (${name}: ${message})` };
}
