import { describeAwsFailure } from '../../lib/shared/cli/aws-errors';
import { InvokeError, setupFailure, stopsEveryCall } from '../../lib/serving/invoke-error';

// The shared cases (credentials, region, access, throttling, network) and their messages are
// tested once, in test/shared/cli/aws-errors.test.ts; here only what invoke adds.

/** An error shaped like the SDK's service exceptions: a name and a message. */
function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

const ACTION = 'cloudformation:DescribeStacks on stack s';

describe('setupFailure', () => {
  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers'],
    ['AccessDenied', 'not authorized'],
    ['ThrottlingException', 'Rate exceeded'],
  ])('stops with the shared description of a failure any call can hit (%s)', (name, message) => {
    const error = awsError(name, message);
    const failure = setupFailure(error, ACTION);
    const shared = describeAwsFailure(error, {
      profileMay: 'belongs to the account the stacks are deployed in',
      action: ACTION,
    });

    expect(failure).toBeInstanceOf(InvokeError);
    expect(shared).toBeDefined();
    expect(failure?.code).toBe(shared?.kind);
    expect(failure?.message).toBe(shared?.message);
    expect(failure?.cause).toBe(error);
  });

  it('names the profile as one of the account the stacks are deployed in', () => {
    const failure = setupFailure(awsError('ExpiredTokenException', 'expired'), ACTION);
    expect(failure?.message).toContain('a profile that belongs to the account the stacks are deployed in');
  });

  it("leaves the endpoint's own errors to the caller", () => {
    expect(setupFailure(awsError('ModelError', 'Received client error (400)'), ACTION)).toBeUndefined();
  });
});

describe('stopsEveryCall', () => {
  it.each(['CREDENTIALS', 'REGION_MISSING', 'NETWORK'] as const)(
    'stops the run even from an optional lookup on %s: no other call can work',
    (code) => {
      expect(stopsEveryCall(new InvokeError(code, 'x'))).toBe(true);
    },
  );

  it.each(['ACCESS_DENIED', 'THROTTLED', 'REQUEST_FAILED'] as const)(
    'lets an optional lookup fall back on %s: the endpoint call may still work',
    (code) => {
      expect(stopsEveryCall(new InvokeError(code, 'x'))).toBe(false);
    },
  );
});
