/**
 * How the preflight checks treat AWS errors: missing or bad credentials stop the whole run (every
 * later check would fail the same way), access denied or anything else makes that one check a
 * warning that says it could not be verified.
 */
import { credentialsHelp, describeError, isAccessDenied, isCredentialError } from '../shared/cli/aws-errors';
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

/**
 * The finding for a check whose AWS call failed: a warning that it could not be verified, naming
 * the IAM action the credentials lack when access was denied.
 * @throws CredentialsError when the failure is the credentials'
 */
export function couldNotCheck(check: string, error: unknown, action: string): CheckResult {
  const { name, message, text } = describeError(error);
  if (isCredentialError(name, message)) {
    throw new CredentialsError(noCredentialsMessage(text), { cause: error });
  }
  if (isAccessDenied(name)) {
    return {
      check,
      status: 'warn',
      message: `could not check: ${action} was denied (${name})`,
      fix: `allow ${action} to the credentials in use, or check this by hand`,
    };
  }
  return { check, status: 'warn', message: `could not check: ${action} failed (${text})` };
}
