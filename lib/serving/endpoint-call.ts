/**
 * The InvokeEndpoint call: CSV feature lines in, one churn probability per line back, and the
 * endpoint's failures explained (not InService, model not ready, the model's own error).
 *
 * How a prediction is tied to a customer: each customer is sent in a call of its own whose
 * `InferenceId` is the customer's id ({@link invokeEndpointEach}). InvokeEndpoint's InferenceId
 * "is added to the captured data when you enable data capture on the endpoint"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html), where
 * data capture records it as `eventMetadata.inferenceId` beside `eventId` and `inferenceTime`
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-model-quality-merge.html). The
 * outcome join (`lib/contracts/outcome-sql.ts`) matches an outcome's `customer_id` to it. A capture
 * without an inference id (a request sent some other way) still counts for drift, but cannot be
 * joined to an outcome.
 */
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { describeError, inRegion } from '../shared/cli/aws-errors';
import { InvokeError, setupFailure } from './invoke-error';
import { parseProbabilities } from './probability';

/** The content type of the request and of the response: the built-in XGBoost container's CSV. */
export const CONTENT_TYPE = 'text/csv';

/**
 * InvokeEndpoint's `InferenceId`: 1 to 64 characters, printable, the first not a space (the API's
 * pattern `\A\S[\p{Print}]*\z`, where Java's `\p{Print}` is printable ASCII).
 */
const INFERENCE_ID = /^[\x21-\x7e][\x20-\x7e]{0,63}$/;

/** How many InvokeEndpoint calls {@link invokeEndpointEach} keeps in flight by default. */
export const DEFAULT_INVOKE_CONCURRENCY = 4;

/** One customer's request: its CSV feature line and the id its capture is recorded under. */
export interface EndpointRequest {
  /** The customer's id, sent as `InferenceId`. */
  readonly inferenceId: string;
  /** The customer's features, one CSV line. */
  readonly line: string;
}

/** Options of {@link invokeEndpointEach}. */
export interface InvokeEachOptions {
  /**
   * Calls in flight at once: an integer from 1 to 100.
   * @default DEFAULT_INVOKE_CONCURRENCY
   */
  readonly concurrency?: number;
  /**
   * Called after each call that succeeded, with how many have and how many there are.
   * @default - nothing is called
   */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Sends each request in an InvokeEndpoint call of its own, with its `InferenceId`, at most
 * `concurrency` at a time, and returns the probabilities in the requests' order. Every id is
 * checked before the first call. On the first failure no further call starts, and that failure
 * is thrown once the calls in flight have ended.
 */
export async function invokeEndpointEach(
  client: SageMakerRuntimeClient,
  endpointName: string,
  requests: readonly EndpointRequest[],
  options: InvokeEachOptions = {},
): Promise<number[]> {
  const concurrency = options.concurrency ?? DEFAULT_INVOKE_CONCURRENCY;
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 100)) {
    throw new RangeError(`concurrency must be an integer from 1 to 100; received ${concurrency}`);
  }
  for (const { inferenceId } of requests) {
    if (!INFERENCE_ID.test(inferenceId)) {
      throw new RangeError(
        `inference id ${JSON.stringify(inferenceId)} cannot be sent as InferenceId; expected 1 to 64 printable ASCII characters, the first not a space`,
      );
    }
  }
  const probabilities: number[] = new Array<number>(requests.length).fill(NaN);
  let next = 0;
  let done = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < requests.length) {
      const i = next++;
      const request = requests[i] as EndpointRequest;
      try {
        const [probability] = await invokeEndpoint(client, endpointName, [request.line], request.inferenceId);
        probabilities[i] = probability ?? NaN;
        options.onProgress?.(++done, requests.length);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  if (failure !== undefined) {
    throw failure.error;
  }
  return probabilities;
}

/**
 * Sends the CSV lines in one InvokeEndpoint call (with `inferenceId` as its `InferenceId`, if
 * given) and reads one probability per line back.
 */
export async function invokeEndpoint(
  client: SageMakerRuntimeClient,
  endpointName: string,
  lines: readonly string[],
  inferenceId?: string,
): Promise<number[]> {
  let body: Uint8Array | undefined;
  try {
    const output = await client.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: CONTENT_TYPE,
        Accept: CONTENT_TYPE,
        Body: lines.join('\n'),
        ...(inferenceId === undefined ? {} : { InferenceId: inferenceId }),
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
