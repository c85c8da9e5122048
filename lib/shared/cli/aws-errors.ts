/**
 * Telling apart the AWS errors a command-line tool should explain rather than retry: the caller's
 * credentials. Shared by `npm run produce` and `npm run invoke`.
 */

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
