import {
  type AwsCall,
  clientRegion,
  describeAwsFailure,
  describeError,
  inRegion,
  isTransientNetworkError,
} from '../../../lib/shared/cli/aws-errors';

/** An error shaped like the SDK's service exceptions: a name and a message. */
function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** An error shaped like Node's system errors: the name Error, and what happened in `code`. */
function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const CALL: AwsCall = { profileMay: 'may do the thing', action: 'service:Action on resource r' };

describe('describeError', () => {
  it('reads the name and the message of an error', () => {
    expect(describeError(awsError('ThrottlingException', 'Rate exceeded'))).toEqual({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      text: 'ThrottlingException: Rate exceeded',
    });
  });

  it("names a Node error by its code, not its bare name Error, and ignores a code that is not Node's", () => {
    expect(describeError(nodeError('ECONNRESET', 'socket hang up'))).toEqual({
      name: 'ECONNRESET',
      message: 'socket hang up',
      text: 'ECONNRESET: socket hang up',
    });
    expect(describeError(nodeError('not-a-node-code', 'x')).name).toBe('Error');
  });

  it('names an error without a name Error, and shows a thrown value that is not an error as text', () => {
    expect(describeError({ name: '', message: 'x' }).text).toBe('Error: x');
    expect(describeError('plain text').text).toBe('Error: plain text');
    expect(describeError(undefined).text).toBe('Error: undefined');
  });
});

describe('describeAwsFailure', () => {
  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers'],
    ['ExpiredTokenException', 'The security token included in the request is expired'],
    ['UnrecognizedClientException', 'The security token included in the request is invalid'],
    ['Error', 'could not load credentials'],
  ])('explains missing or expired credentials, and how to set them up (%s)', (name, message) => {
    const failure = describeAwsFailure(awsError(name, message), CALL);
    expect(failure?.kind).toBe('CREDENTIALS');
    expect(failure?.message).toBe(
      `AWS credentials are missing, expired or not recognised (${name}: ${message}). Configure AWS credentials: ` +
        'set AWS_PROFILE to a profile that may do the thing and run `aws sso login --profile NAME` (or `aws configure`), ' +
        'or export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.',
    );
  });

  it.each(['Region is missing', 'Missing region in config'])(
    'says how to set a region when none is (%s)',
    (message) => {
      const failure = describeAwsFailure(new Error(message), CALL);
      expect(failure?.kind).toBe('REGION_MISSING');
      expect(failure?.message).toBe(
        `No AWS region is configured (Error: ${message}). Set AWS_REGION to the region the stacks are deployed in, ` +
          'or use a profile (AWS_PROFILE) that has a region.',
      );
    },
  );

  it.each(['AccessDeniedException', 'AccessDenied'])(
    'names the permission needed when access is denied (%s)',
    (name) => {
      const failure = describeAwsFailure(awsError(name, 'not authorized'), CALL);
      expect(failure?.kind).toBe('ACCESS_DENIED');
      expect(failure?.message).toBe(
        `Access denied (${name}: not authorized). The credentials in use need service:Action on resource r.`,
      );
    },
  );

  it.each(['ThrottlingException', 'TooManyRequestsException', 'SlowDown'])(
    'says to wait when the requests are throttled (%s)',
    (name) => {
      const failure = describeAwsFailure(awsError(name, 'Rate exceeded'), CALL);
      expect(failure?.kind).toBe('THROTTLED');
      expect(failure?.message).toBe(
        `AWS throttled the request (${name}: Rate exceeded) and the SDK's retries ran out. Wait a minute and try again.`,
      );
    },
  );

  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND kinesis.eu-west-9.amazonaws.com', "the endpoint's host name does not resolve"],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:443', 'the connection was refused'],
    ['ETIMEDOUT', 'connect ETIMEDOUT', 'the connection timed out'],
  ])('says what a network error means and what to check (%s)', (code, message, meaning) => {
    const failure = describeAwsFailure(nodeError(code, message), CALL);
    expect(failure?.kind).toBe('NETWORK');
    expect(failure?.message).toBe(
      `Could not reach AWS: ${meaning} (${code}: ${message}). Check the network connection (and any VPN or proxy) ` +
        'and the region name, then try again.',
    );
  });

  it.each([
    ['ValidationError', 'Stack with id s does not exist'],
    ['ResourceNotFoundException', 'Stream not found'],
    ['KMSAccessDeniedException', 'a key of the resource, not of the caller'],
    ['ServiceUnavailable', 'try later'],
    ['constructor', 'a name that is also an Object property'],
  ])("leaves an error that is the caller's to explain (%s)", (name, message) => {
    expect(describeAwsFailure(awsError(name, message), CALL)).toBeUndefined();
  });
});

describe('isTransientNetworkError', () => {
  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'])('may pass on a retry: %s', (code) => {
    expect(isTransientNetworkError(code)).toBe(true);
  });

  it.each(['ENOTFOUND', 'ThrottlingException', 'Error'])('is not a transient network error: %s', (name) => {
    expect(isTransientNetworkError(name)).toBe(false);
  });
});

describe('clientRegion and inRegion', () => {
  it('name the region a client has, resolved or provided', async () => {
    await expect(clientRegion({ config: { region: 'eu-west-1' } })).resolves.toBe('eu-west-1');
    await expect(inRegion({ config: { region: 'eu-west-1' } })).resolves.toBe(' in region eu-west-1');
    await expect(inRegion({ config: { region: () => Promise.resolve('us-east-1') } })).resolves.toBe(
      ' in region us-east-1',
    );
  });

  it('say nothing when the client has no region or it cannot be resolved', async () => {
    await expect(clientRegion({ config: { region: undefined } })).resolves.toBeUndefined();
    await expect(inRegion({ config: { region: undefined } })).resolves.toBe('');
    await expect(inRegion({ config: { region: () => Promise.reject(new Error('Region is missing')) } })).resolves.toBe(
      '',
    );
  });
});
