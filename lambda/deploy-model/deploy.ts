/**
 * The logic of the function that deploys an approved churn model: on SageMaker's "Model Package
 * State Change" event, it updates the serving stack so that the stack's parameters name the
 * approved model package and its drift baseline, if it has one. CloudFormation does the
 * deployment; this only changes parameter values, on the stack's current template.
 *
 * The decisions are pure functions, one concern a module beside this one: the event (`event.ts`:
 * `parseStateChange`, `ignoredReason`), the package (`model-package.ts`: `approvedPackage`), the
 * stack's state and the backoff (`stack.ts`: `stackStep`, `backoffMs`), the request (`update.ts`:
 * `updateStackInput`, `clientRequestToken`), the errors and the tests of the SDK's errors
 * (`errors.ts`) and the settings (`settings.ts`). {@link deployModel} runs them in order, with the
 * AWS calls and the sleep passed in ({@link DeployIo}), so that it is tested without mocks and
 * without waiting. The modules import the SDKs' types only; the names they share with the CDK app
 * live in `lib/contracts/serving.ts`.
 *
 * What happens to an event:
 * 1. one that is not `Approved`, or is about another group, is ignored (nothing is called);
 * 2. the package is described: no longer `Approved` (a person changed their mind since) → ignored;
 *    gone, or with half a data quality drift baseline (statistics without constraints, or the
 *    reverse) → {@link DeployInputError}. A package without a baseline (registered without the
 *    opt-in Model Monitor) is deployed with empty baseline parameters: served, not monitored;
 * 3. the stack is described: already serving the package → unchanged; busy (`*_IN_PROGRESS`) → wait
 *    and describe again, with exponential backoff, for at most the maximum wait, then
 *    {@link StackBusyError}; missing, failed or being deleted → {@link ServingStackError};
 * 4. UpdateStack with the previous template, the new parameter values, the others' previous values,
 *    the CloudFormation service role and an idempotency token. "No updates are to be performed" →
 *    unchanged; the stack went busy in the meantime → wait as in 3.
 *
 * Errors are thrown for Lambda to see: the function is invoked asynchronously, so Lambda retries a
 * failed invocation and finally keeps the event in the function's dead-letter queue.
 */
import type {
  DescribeStacksCommandInput,
  DescribeStacksCommandOutput,
  Stack,
  UpdateStackCommandInput,
  UpdateStackCommandOutput,
} from '@aws-sdk/client-cloudformation';
import type { DescribeModelPackageCommandInput, DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import { DeployInputError, ServingStackError, StackBusyError, busyStatusOf, isNoUpdates, isNotFound } from './errors';
import { ignoredReason, parseStateChange } from './event';
import { approvedPackage } from './model-package';
import type { DeploySettings } from './settings';
import { DEFAULT_MAX_WAIT_MS, backoffMs, stackStep } from './stack';
import { clientRequestToken, updateStackInput } from './update';

/** What became of the event. */
export type DeployResult =
  | { readonly action: 'ignored'; readonly reason: string; readonly modelPackageArn: string }
  | { readonly action: 'unchanged'; readonly modelPackageArn: string; readonly stackId?: string }
  | { readonly action: 'deploying'; readonly modelPackageArn: string; readonly stackId: string };

/** The calls {@link deployModel} makes: the AWS APIs, and the clock. */
export interface DeployIo {
  describeModelPackage(input: DescribeModelPackageCommandInput): Promise<DescribeModelPackageCommandOutput>;
  describeStacks(input: DescribeStacksCommandInput): Promise<DescribeStacksCommandOutput>;
  updateStack(input: UpdateStackCommandInput): Promise<UpdateStackCommandOutput>;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

async function describeStack(io: DeployIo, stackName: string): Promise<Stack> {
  let stacks: Stack[] | undefined;
  try {
    stacks = (await io.describeStacks({ StackName: stackName })).Stacks;
  } catch (error) {
    if (isNotFound(error)) {
      throw new ServingStackError(`stack ${stackName} does not exist; deploy the serving stack first`, {
        cause: error,
      });
    }
    throw error;
  }
  const stack = stacks?.[0];
  if (stack === undefined) {
    throw new ServingStackError(`stack ${stackName} does not exist; deploy the serving stack first`);
  }
  return stack;
}

/**
 * Deploys the package the event names, if it is approved, by updating the serving stack's
 * parameters (see the module's documentation for each step).
 * @param event the event as received; checked first, whatever its type says
 * @param maxWaitMs the longest to wait, in all, for a busy stack (the sum of the sleeps)
 * @throws DeployInputError, ServingStackError, StackBusyError, or the SDK's own errors
 */
export async function deployModel(
  event: unknown,
  settings: DeploySettings,
  io: DeployIo,
  maxWaitMs: number = DEFAULT_MAX_WAIT_MS,
): Promise<DeployResult> {
  const change = parseStateChange(event);
  const modelPackageArn = change.modelPackageArn;
  const ignored = ignoredReason(change, settings);
  if (ignored !== undefined) {
    return { action: 'ignored', reason: ignored, modelPackageArn };
  }

  let described: DescribeModelPackageCommandOutput;
  try {
    described = await io.describeModelPackage({ ModelPackageName: modelPackageArn });
  } catch (error) {
    if (isNotFound(error)) {
      throw new DeployInputError(`model package ${modelPackageArn} does not exist (it was deleted?)`, {
        cause: error,
      });
    }
    throw error;
  }
  const verdict = approvedPackage(modelPackageArn, described);
  if (!verdict.deploy) {
    return { action: 'ignored', reason: verdict.reason, modelPackageArn };
  }

  const token = clientRequestToken(modelPackageArn, change.eventId);
  let waitedMs = 0;
  for (let attempt = 0; ; attempt++) {
    const stack = await describeStack(io, settings.stackName);
    let step = stackStep(stack, modelPackageArn);
    if (step.step === 'unchanged') {
      return {
        action: 'unchanged',
        modelPackageArn,
        ...(stack.StackId === undefined ? {} : { stackId: stack.StackId }),
      };
    }
    if (step.step === 'update') {
      const input = updateStackInput(stack, settings, modelPackageArn, verdict.baseline, token);
      try {
        const output = await io.updateStack(input);
        const stackId = output.StackId ?? stack.StackId ?? settings.stackName;
        return { action: 'deploying', modelPackageArn, stackId };
      } catch (error) {
        if (isNoUpdates(error)) {
          return {
            action: 'unchanged',
            modelPackageArn,
            ...(stack.StackId === undefined ? {} : { stackId: stack.StackId }),
          };
        }
        const status = busyStatusOf(error);
        if (status === undefined) {
          throw error;
        }
        step = { step: 'wait', status };
      }
    }
    const remainingMs = maxWaitMs - waitedMs;
    if (!(remainingMs > 0)) {
      throw new StackBusyError(
        `stack ${settings.stackName} is still ${step.status} after waiting ${Math.round(waitedMs / 1000)} s; ` +
          `model package ${modelPackageArn} is not deployed yet (the invocation is retried)`,
      );
    }
    const ms = Math.min(backoffMs(attempt), remainingMs);
    await io.sleep(ms);
    waitedMs += ms;
  }
}
