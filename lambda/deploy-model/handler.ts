/**
 * Deploys an approved churn model: EventBridge invokes this function, asynchronously, on SageMaker's
 * "SageMaker Model Package State Change" event, and it updates the serving stack's parameters to
 * the approved package and its drift baseline, if it has one (CloudFormation, with the stack's
 * current template and a least-privilege service role, does the rest). Thin by design: every
 * decision is made by the pure modules beside it, run in order by `deploy.ts` and tested without
 * mocks; this wires them to the SDK clients and the clock.
 *
 * The settings are read from the environment when the module loads (`STACK_NAME`,
 * `CLOUDFORMATION_ROLE_ARN`, `MODEL_PACKAGE_GROUP_NAME`), so a bad variable fails the first
 * invocation with an EnvironmentError naming it. Errors are thrown, not swallowed: Lambda retries
 * the asynchronous invocation, then keeps the event in the function's dead-letter queue. A retry
 * is safe: the update's ClientRequestToken is the same for every retry of one event.
 *
 * A busy stack is waited for, for at most DEFAULT_MAX_WAIT_MS, and never longer than the
 * invocation's remaining time less WAIT_RESERVE_MS, so that a StackBusyError, not a timeout, ends
 * an invocation that waited in vain: give the function a timeout of at least 10.5 minutes.
 */
import { CloudFormationClient, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Context } from 'aws-lambda';
import { type DeployIo, type DeployResult, deployModel } from './deploy';
import type { ModelPackageStateChangeEvent } from './event';
import { settingsFromEnv } from './settings';
import { DEFAULT_MAX_WAIT_MS } from './stack';

/** The time kept back from the invocation's remaining time when waiting for a busy stack. */
export const WAIT_RESERVE_MS = 30_000;

const settings = settingsFromEnv(process.env);
const sagemaker = new SageMakerClient({});
const cloudformation = new CloudFormationClient({});

const io: DeployIo = {
  describeModelPackage: (input) => sagemaker.send(new DescribeModelPackageCommand(input)),
  describeStacks: (input) => cloudformation.send(new DescribeStacksCommand(input)),
  updateStack: (input) => cloudformation.send(new UpdateStackCommand(input)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What the event says, for the log line, whether or not it is well formed. */
function eventFields(event: unknown): Record<string, unknown> {
  const detail: unknown =
    typeof event === 'object' && event !== null ? (event as Readonly<Record<string, unknown>>).detail : undefined;
  if (typeof detail !== 'object' || detail === null) {
    return {};
  }
  const d = detail as Readonly<Record<string, unknown>>;
  return {
    modelPackageArn: d.ModelPackageArn,
    modelPackageGroupName: d.ModelPackageGroupName,
    modelPackageVersion: d.ModelPackageVersion,
    modelApprovalStatus: d.ModelApprovalStatus,
  };
}

/**
 * The Lambda entry point. Logs one line per invocation, as an object (the function uses Lambda's
 * JSON log format): `deploy-model.ignored`, `.unchanged`, `.deploying` with the result, or
 * `.failed` with the error's name and message before it is thrown.
 */
export const handler = async (
  event: ModelPackageStateChangeEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<DeployResult> => {
  const maxWaitMs = Math.min(DEFAULT_MAX_WAIT_MS, context.getRemainingTimeInMillis() - WAIT_RESERVE_MS);
  const common = { ...eventFields(event), stackName: settings.stackName };
  let result: DeployResult;
  try {
    result = await deployModel(event, settings, io, maxWaitMs);
  } catch (error) {
    console.log({
      event: 'deploy-model.failed',
      ...common,
      errorName: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  console.log({ event: `deploy-model.${result.action}`, ...common, ...result });
  return result;
};
