/**
 * The InvokeEndpoint call: CSV feature lines in, one churn probability per line back, and the
 * endpoint's failures explained (not InService, model not ready, the model's own error).
 */
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { describeError, inRegion } from '../shared/cli/aws-errors';
import { InvokeError, setupFailure } from './invoke-error';
import { parseProbabilities } from './probability';

/** The content type of the request and of the response: the built-in XGBoost container's CSV. */
export const CONTENT_TYPE = 'text/csv';

/** Sends the CSV lines in one InvokeEndpoint call and reads one probability per line back. */
export async function invokeEndpoint(
  client: SageMakerRuntimeClient,
  endpointName: string,
  lines: readonly string[],
): Promise<number[]> {
  let body: Uint8Array | undefined;
  try {
    const output = await client.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: CONTENT_TYPE,
        Accept: CONTENT_TYPE,
        Body: lines.join('\n'),
      }),
    );
    // Typed as always present; checked anyway, so a bodiless answer is an error, not a crash.
    const received: unknown = output.Body;
    body = received instanceof Uint8Array ? received : undefined;
  } catch (error) {
    throw await endpointFailure(client, endpointName, error);
  }
  if (body === undefined) {
    throw new InvokeError('BAD_RESPONSE', `endpoint ${endpointName} returned no body; expected ${CONTENT_TYPE}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (error) {
    throw new InvokeError('BAD_RESPONSE', `endpoint ${endpointName} returned a body that is not UTF-8 text`, {
      cause: error,
    });
  }
  try {
    return parseProbabilities(text, lines.length);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvokeError('BAD_RESPONSE', `endpoint ${endpointName} returned an unexpected response: ${message}`, {
      cause: error,
    });
  }
}

async function endpointFailure(client: SageMakerRuntimeClient, endpointName: string, error: unknown): Promise<Error> {
  const setup = setupFailure(error, `sagemaker:InvokeEndpoint on endpoint ${endpointName}`);
  if (setup !== undefined) {
    return setup;
  }
  const { name, text } = describeError(error);
  const where = await inRegion(client);
  if (name === 'ValidationError' || name === 'ValidationException') {
    return new InvokeError(
      'ENDPOINT_UNAVAILABLE',
      `endpoint ${endpointName} cannot be invoked${where}: it does not exist or is not InService (${text}). ` +
        `Check its name and region and its status (aws sagemaker describe-endpoint --endpoint-name ${endpointName}); ` +
        'a new or updated endpoint takes several minutes to reach InService.',
      { cause: error },
    );
  }
  if (name === 'ModelNotReadyException') {
    return new InvokeError(
      'ENDPOINT_UNAVAILABLE',
      `endpoint ${endpointName}'s model is not ready yet (${text}); try again in a few minutes.`,
      { cause: error },
    );
  }
  if (name === 'ModelError') {
    return new InvokeError(
      'MODEL_ERROR',
      `the model behind endpoint ${endpointName} failed on the request (${text}); its container logs are in ` +
        `CloudWatch under /aws/sagemaker/Endpoints/${endpointName}.`,
      { cause: error },
    );
  }
  return new InvokeError('REQUEST_FAILED', `InvokeEndpoint on endpoint ${endpointName}${where} failed (${text}).`, {
    cause: error,
  });
}
