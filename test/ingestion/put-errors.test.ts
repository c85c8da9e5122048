import { KinesisClient } from '@aws-sdk/client-kinesis';
import { fatalError, isPermanentEntryError } from '../../lib/ingestion/put-errors';
import { describeAwsFailure } from '../../lib/shared/cli/aws-errors';

// The shared cases (credentials, region, access, throttling, network) and their messages are
// tested once, in test/shared/cli/aws-errors.test.ts; here only what putting to a stream adds.

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

describe('fatalError', () => {
  it.each([
    ['a throttled request', awsError('ProvisionedThroughputExceededException', 'Rate exceeded')],
    ['a request throttled under a name any service uses', awsError('ThrottlingException', 'Rate exceeded')],
    ['a network error', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    ['a 5xx', awsError('SomethingNew', 'oops', { $metadata: { httpStatusCode: 503 } })],
    ['a 429', awsError('SomethingNew', 'oops', { $metadata: { httpStatusCode: 429 } })],
    ['an error the SDK calls retryable', awsError('SomethingNew', 'oops', { $retryable: {} })],
  ])('retries %s', async (_, error) => {
    await expect(fatalError(error, STREAM, client)).resolves.toBeUndefined();
  });

  it.each([
    ['KMSAccessDeniedException', 'not allowed to use the key', 'ACCESS_DENIED'],
    ['InvalidArgumentException', 'bad request', 'INVALID_REQUEST'],
    ['KMSDisabledException', 'the key is disabled', 'INVALID_REQUEST'],
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

  it.each([
    ['missing credentials', awsError('CredentialsProviderError', 'Could not load credentials from any providers')],
    ['a missing region', new Error('Region is missing')],
    ['access denied', awsError('AccessDeniedException', 'not authorized')],
    ['a host name that does not resolve', Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })],
  ])('stops on %s with the shared description, naming what writing to the stream needs', async (_, error) => {
    const shared = describeAwsFailure(error, {
      profileMay: 'may write to the stream',
      action: `kinesis:PutRecords on Kinesis stream "${STREAM}" and, for a stream encrypted with a customer-managed key, kms:GenerateDataKey on that key`,
    });
    const stop = await fatalError(error, STREAM, client);
    expect(shared).toBeDefined();
    expect(stop).toEqual({ code: shared?.kind, message: shared?.message });
  });

  it("names the key permission when the stream's key is denied, as for access to the stream", async () => {
    const stop = await fatalError(awsError('KMSAccessDeniedException', 'not allowed to use the key'), STREAM, client);
    expect(stop?.message).toBe(
      'Access denied (KMSAccessDeniedException: not allowed to use the key). The credentials in use need ' +
        `kinesis:PutRecords on Kinesis stream "${STREAM}" and, for a stream encrypted with a customer-managed key, ` +
        'kms:GenerateDataKey on that key.',
    );
  });
});
