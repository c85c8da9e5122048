import { KinesisClient } from '@aws-sdk/client-kinesis';
import { describeError, fatalError, isPermanentEntryError } from '../../lib/ingestion/put-errors';

const client = new KinesisClient({ region: 'eu-west-1' });
const STREAM = 'churn-stream';

afterAll(() => {
  client.destroy();
});

/** An error shaped like the SDK's service exceptions, with optional metadata. */
function awsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, extra);
}

describe('isPermanentEntryError', () => {
  it.each(['AccessDeniedException', 'KMSAccessDeniedException', 'KMSDisabledException', 'KMSNotFoundException'])(
    'gives up on an entry failing with %s at once',
    (code) => {
      expect(isPermanentEntryError(code)).toBe(true);
    },
  );

  it.each(['ProvisionedThroughputExceededException', 'InternalFailure', 'KMSThrottlingException'])(
    'retries an entry failing with %s',
    (code) => {
      expect(isPermanentEntryError(code)).toBe(false);
    },
  );
});

describe('describeError', () => {
  it('prefers a Node error code to the name', () => {
    expect(describeError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toEqual({
      code: 'ECONNRESET',
      message: 'socket hang up',
    });
  });

  it('uses the name of a service error, Error when there is none, and shows a non-error as text', () => {
    expect(describeError(awsError('ThrottlingException', 'slow down')).code).toBe('ThrottlingException');
    expect(describeError(Object.assign(new Error('x'), { code: 'not-a-node-code' })).code).toBe('Error');
    expect(describeError('boom')).toEqual({ code: 'Error', message: 'boom' });
  });
});

describe('fatalError', () => {
  it.each([
    ['a throttled request', awsError('ProvisionedThroughputExceededException', 'Rate exceeded')],
    ['a network error', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    ['a 5xx', awsError('SomethingNew', 'oops', { $metadata: { httpStatusCode: 503 } })],
    ['a 429', awsError('SomethingNew', 'oops', { $metadata: { httpStatusCode: 429 } })],
    ['an error the SDK calls retryable', awsError('SomethingNew', 'oops', { $retryable: {} })],
  ])('retries %s', async (_, error) => {
    await expect(fatalError(error, STREAM, client)).resolves.toBeUndefined();
  });

  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers', 'CREDENTIALS'],
    ['Error', 'Region is missing', 'REGION_MISSING'],
    ['KMSAccessDeniedException', 'not allowed to use the key', 'ACCESS_DENIED'],
    ['InvalidArgumentException', 'bad request', 'INVALID_REQUEST'],
    ['SomethingNew', 'a 400 nobody knows', 'REQUEST_FAILED'],
  ])('stops on %s with %s', async (name, message, code) => {
    const stop = await fatalError(awsError(name, message, { $metadata: { httpStatusCode: 400 } }), STREAM, client);
    expect(stop?.code).toBe(code);
    expect(stop?.message).toContain(message);
  });

  it('says which region a missing stream was looked for in', async () => {
    const stop = await fatalError(awsError('ResourceNotFoundException', 'Stream not found'), STREAM, client);
    expect(stop?.code).toBe('STREAM_NOT_FOUND');
    expect(stop?.message).toContain(`Kinesis stream "${STREAM}" was not found in region eu-west-1`);
  });
});
