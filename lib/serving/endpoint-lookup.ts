/**
 * Finding what to call and at which cutoff, from the stage's serving stack
 * (`ml-lifecycle-<stage>-serving`):
 * - the endpoint: the one given with `--endpoint`, otherwise the stack's `EndpointName` output. A
 *   serving stack without that output has no approved model yet.
 * - the cutoff: the stack's `ModelPackageArn` parameter names the model package it serves, whose
 *   `budgetCutoff` metadata (the campaign's cutoff; `optimalCutoff` for a package registered before
 *   it existed) was set when the model was registered. An endpoint the stack does not
 *   serve, or a stack or package that cannot be read, gets the fallback cutoff and the reason.
 */
import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DescribeModelPackageCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describeError, inRegion } from '../shared/cli/aws-errors';
import { type Cutoff, cutoffOfPackage, fallbackCutoff } from './cutoff';
import { InvokeError, setupFailure, stopsEveryCall } from './invoke-error';

/** The serving stack's output that names its endpoint; absent while no model is approved. */
export const ENDPOINT_OUTPUT = 'EndpointName';

/** The serving stack's parameter that names the model package it serves. */
export const MODEL_PACKAGE_PARAMETER = 'ModelPackageArn';

/** What to say when the serving stack has no endpoint. */
export const NO_ENDPOINT_MESSAGE =
  'no endpoint yet: the serving stack has no approved model; run the training pipeline and approve a model (see docs/deploy.md)';

/** The serving stack of a stage. */
export function servingStackName(stage: string): string {
  return `ml-lifecycle-${stage}-serving`;
}

/** The endpoint to call, and where its name came from. */
export interface EndpointChoice {
  readonly endpointName: string;
  /** For the report: `given with --endpoint`, or the stack output it was read from. */
  readonly source: string;
}

/** What {@link describeServingStack} read: the stack, or why it could not. */
export type StackLookup =
  { readonly found: true; readonly stack: Stack } | { readonly found: false; readonly reason: string };

/**
 * The serving stack. A stack that does not exist, or cannot be read, is fatal when the endpoint
 * must come from it (`required`) and only costs the cutoff otherwise; missing credentials, region
 * or network are always fatal.
 */
export async function describeServingStack(
  client: CloudFormationClient,
  stackName: string,
  required: boolean,
): Promise<StackLookup> {
  let stack: Stack | undefined;
  let error: unknown;
  try {
    const output = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = output.Stacks?.[0];
  } catch (e) {
    error = e;
  }
  if (stack !== undefined) {
    return { found: true, stack };
  }
  const where = await inRegion(client);
  if (error !== undefined) {
    const fatal = setupFailure(error, `cloudformation:DescribeStacks on stack ${stackName}`);
    // Without credentials, a region or the network nothing else can work; without access to the
    // stack, or when throttled, a given endpoint can still be called (at the fallback cutoff).
    if (fatal !== undefined && (required || stopsEveryCall(fatal))) {
      throw fatal;
    }
  }
  const missing = error === undefined || isMissingStack(error);
  const reason = missing
    ? `stack ${stackName} was not found${where}${error === undefined ? '' : ` (${describeError(error).text})`}`
    : `stack ${stackName} could not be read${where} (${describeError(error).text})`;
  if (!required) {
    return { found: false, reason };
  }
  if (missing) {
    throw new InvokeError(
      'STACK_NOT_FOUND',
      `${reason}. Deploy it first (npm run deploy), or check the region and the account of your credentials; ` +
        '--stage picks another stage, --endpoint names an endpoint directly.',
      { cause: error },
    );
  }
  throw new InvokeError('REQUEST_FAILED', `${reason}.`, { cause: error });
}

function isMissingStack(error: unknown): boolean {
  const { name, message } = describeError(error);
  return (
    name === 'StackNotFoundException' ||
    ((name === 'ValidationError' || name === 'ValidationException') && /does not exist/i.test(message))
  );
}

function outputOf(stack: Stack, key: string): string | undefined {
  const value = stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  return value === undefined || value === '' ? undefined : value;
}

function parameterOf(stack: Stack, key: string): string | undefined {
  const parameter = stack.Parameters?.find((p) => p.ParameterKey === key);
  const value = parameter?.ResolvedValue ?? parameter?.ParameterValue;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The endpoint given, or the stack's; an {@link InvokeError} when the stack has none. */
export function chooseEndpoint(stackName: string, lookup: StackLookup, given: string | undefined): EndpointChoice {
  if (given !== undefined) {
    return { endpointName: given, source: 'given with --endpoint' };
  }
  if (!lookup.found) {
    // describeServingStack throws when the stack is required; this is unreachable.
    throw new InvokeError('STACK_NOT_FOUND', `${lookup.reason}.`);
  }
  const name = outputOf(lookup.stack, ENDPOINT_OUTPUT);
  if (name === undefined) {
    throw new InvokeError(
      'NO_ENDPOINT',
      `${NO_ENDPOINT_MESSAGE}. Stack ${stackName} (${lookup.stack.StackStatus ?? 'status unknown'}) has no ` +
        `${ENDPOINT_OUTPUT} output.`,
    );
  }
  return { endpointName: name, source: `the ${ENDPOINT_OUTPUT} output of stack ${stackName}` };
}

/** The cutoff of the model behind `endpointName`, or the fallback with the reason. */
export async function resolveCutoff(
  client: SageMakerClient,
  stackName: string,
  lookup: StackLookup,
  endpointName: string,
): Promise<Cutoff> {
  if (!lookup.found) {
    return fallbackCutoff(`${lookup.reason}, so the cutoff of the model behind ${endpointName} is unknown`);
  }
  const stackEndpoint = outputOf(lookup.stack, ENDPOINT_OUTPUT);
  if (stackEndpoint !== endpointName) {
    const served = stackEndpoint ?? 'none';
    return fallbackCutoff(
      `endpoint ${endpointName} is not the endpoint of stack ${stackName} (${served}), so its model's cutoff is unknown`,
    );
  }
  const arn = parameterOf(lookup.stack, MODEL_PACKAGE_PARAMETER);
  if (arn === undefined) {
    return fallbackCutoff(`stack ${stackName} has no ${MODEL_PACKAGE_PARAMETER} parameter value`);
  }
  let metadata: Readonly<Record<string, string>> | undefined;
  try {
    const output = await client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    metadata = output.CustomerMetadataProperties;
  } catch (error) {
    const fatal = setupFailure(error, 'sagemaker:DescribeModelPackage on the model package');
    if (fatal !== undefined && stopsEveryCall(fatal)) {
      throw fatal;
    }
    return fallbackCutoff(`model package ${arn} could not be read (${describeError(error).text})`);
  }
  return cutoffOfPackage(arn, metadata);
}
