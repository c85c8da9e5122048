import { describeError, InvokeError, inRegion, setupFailure } from '../../lib/serving/invoke-error';

/** An error shaped like the SDK's service exceptions: a name and a message. */
function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

describe('describeError', () => {
  it('reads the name and the message of an error', () => {
    expect(describeError(awsError('ThrottlingException', 'Rate exceeded'))).toEqual({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      text: 'ThrottlingException: Rate exceeded',
    });
  });

  it('names an error without a name Error, and shows a thrown value that is not an error as text', () => {
    expect(describeError({ name: '', message: 'x' }).text).toBe('Error: x');
    expect(describeError('plain text').text).toBe('Error: plain text');
    expect(describeError(undefined).text).toBe('Error: undefined');
  });
});

describe('setupFailure', () => {
  const ACTION = 'cloudformation:DescribeStacks on stack s';

  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers'],
    ['ExpiredTokenException', 'The security token included in the request is expired'],
    ['Error', 'could not load credentials'],
  ])('explains missing or expired credentials (%s)', (name, message) => {
    const error = awsError(name, message);
    const failure = setupFailure(error, ACTION);
    expect(failure).toBeInstanceOf(InvokeError);
    expect(failure?.code).toBe('CREDENTIALS');
    expect(failure?.message).toContain(`(${name}: ${message})`);
    expect(failure?.message).toContain('AWS_PROFILE');
    expect(failure?.cause).toBe(error);
  });

  it('says to set a region when none is configured', () => {
    const failure = setupFailure(awsError('Error', 'Region is missing'), ACTION);
    expect(failure?.code).toBe('REGION_MISSING');
    expect(failure?.message).toContain('Set AWS_REGION');
  });

  it.each(['AccessDeniedException', 'AccessDenied'])(
    'names the permission needed when access is denied (%s)',
    (name) => {
      const failure = setupFailure(awsError(name, 'not authorized'), ACTION);
      expect(failure?.code).toBe('ACCESS_DENIED');
      expect(failure?.message).toBe(`access denied (${name}: not authorized); the credentials in use need ${ACTION}.`);
    },
  );

  it.each([
    ['ValidationError', 'Stack with id s does not exist'],
    ['ModelError', 'Received client error (400)'],
    ['KMSAccessDeniedException', 'a key of the stream, not of the caller'],
  ])('leaves an error that is not about the setup to the caller (%s)', (name, message) => {
    expect(setupFailure(awsError(name, message), ACTION)).toBeUndefined();
  });
});

describe('inRegion', () => {
  it('names the region a client has, resolved or provided', async () => {
    await expect(inRegion({ config: { region: 'eu-west-1' } })).resolves.toBe(' in region eu-west-1');
    await expect(inRegion({ config: { region: () => Promise.resolve('us-east-1') } })).resolves.toBe(
      ' in region us-east-1',
    );
  });

  it('says nothing when the client has no region or it cannot be resolved', async () => {
    await expect(inRegion({ config: { region: undefined } })).resolves.toBe('');
    await expect(inRegion({ config: { region: () => Promise.reject(new Error('Region is missing')) } })).resolves.toBe(
      '',
    );
  });
});
