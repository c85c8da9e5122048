/**
 * Scores customers on the deployed churn endpoint: find the endpoint and the cutoff the evaluation
 * chose (`endpoint-lookup.ts`), send each customer's features in an InvokeEndpoint call of its own
 * whose InferenceId is the customer's id, a few calls at a time (`endpoint-call.ts`: data capture
 * records the id, so an outcome can later be joined to the prediction), and decide for each
 * whether to make an offer (`cutoff.ts`): `offer` when
 * the churn probability is at least the cutoff, else `no offer`. The AWS clients are injected
 * (`bin/invoke.ts` makes them with the SDK defaults; the tests mock them).
 *
 * Failures a user can fix (no credentials, no region, access denied, throttling, no network, no
 * stack, no endpoint, an endpoint that is not InService) throw an `InvokeError` (`invoke-error.ts`)
 * with a plain message that says what to do.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { decide } from './cutoff';
import { encodeFeatureLine } from './encode';
import { invokeEndpointEach } from './endpoint-call';
import { chooseEndpoint, describeServingStack, resolveCutoff, servingStackName } from './endpoint-lookup';
import type { ScoreReport } from './score-report';

/** The three AWS clients the scoring uses. */
export interface ServingClients {
  /** Reads the serving stack (DescribeStacks). */
  readonly cloudFormation: CloudFormationClient;
  /** Reads the model package (DescribeModelPackage). */
  readonly sageMaker: SageMakerClient;
  /** Calls the endpoint (InvokeEndpoint). */
  readonly runtime: SageMakerRuntimeClient;
}

/** What to score, and where. */
export interface ScoreOptions {
  /** Clean records (canonical values, null where missing), as `generateCustomers` gives them. */
  readonly customers: readonly Readonly<Record<string, unknown>>[];
  /** The stage whose serving stack gives the endpoint and the cutoff. */
  readonly stage: string;
  /**
   * The endpoint to call, by name.
   * @default - the `EndpointName` output of the stage's serving stack
   */
  readonly endpoint?: string;
  /**
   * InvokeEndpoint calls in flight at once (one per customer), from 1 to 100.
   * @default DEFAULT_INVOKE_CONCURRENCY
   */
  readonly concurrency?: number;
  /**
   * Called as the customers are scored, with how many are and how many there are.
   * @default - nothing is called
   */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Encodes the customers, finds the endpoint and the cutoff, sends each customer in an
 * InvokeEndpoint call of its own with its `customer_id` as `InferenceId`, and decides for each.
 * @throws FeatureEncodingError when a record is not clean (before any AWS call)
 * @throws RangeError when a customer has no id that can be an InferenceId (before any AWS call)
 * @throws InvokeError for a failure the user can act on
 */
export async function scoreCustomers(options: ScoreOptions, clients: ServingClients): Promise<ScoreReport> {
  if (options.customers.length === 0) {
    throw new RangeError('no customers to score; expected at least one');
  }
  const requests = options.customers.map((c, i) => {
    const id = c.customer_id;
    if (typeof id !== 'string') {
      throw new RangeError(`customer ${i + 1} has no customer_id to send as its InferenceId; received ${String(id)}`);
    }
    return { inferenceId: id, line: encodeFeatureLine(c) };
  });
  const stackName = servingStackName(options.stage);
  const stack = await describeServingStack(clients.cloudFormation, stackName, options.endpoint === undefined);
  const endpoint = chooseEndpoint(stackName, stack, options.endpoint);
  const cutoff = await resolveCutoff(clients.sageMaker, stackName, stack, endpoint.endpointName);
  const probabilities = await invokeEndpointEach(clients.runtime, endpoint.endpointName, requests, {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  return {
    endpoint,
    cutoff,
    customers: options.customers.map((record, i) => {
      const probability = probabilities[i] ?? NaN;
      return { record, probability, decision: decide(probability, cutoff.value) };
    }),
  };
}
