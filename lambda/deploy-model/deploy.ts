/**
 * The logic of the function that deploys an approved churn model: on SageMaker's "Model Package
 * State Change" event, it updates the serving stack so that the stack's parameters name the
 * approved model package and its drift baseline, if it has one. CloudFormation does the
 * deployment; this only changes parameter values, on the stack's current template.
 *
 * The decisions are pure functions ({@link parseStateChange}, {@link ignoredReason},
 * {@link approvedPackage}, {@link stackStep}, {@link updateStackInput}, {@link clientRequestToken},
 * the error tests); {@link deployModel} runs them in order, with the AWS calls and the sleep passed
 * in ({@link DeployIo}), so that it is tested without mocks and without waiting. The module imports
 * the SDKs' types only; the names it shares with the CDK app live in `lib/contracts/serving.ts`.
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
import { createHash } from 'node:crypto';
import type {
  Capability,
  DescribeStacksCommandInput,
  DescribeStacksCommandOutput,
  Parameter,
  Stack,
  UpdateStackCommandInput,
  UpdateStackCommandOutput,
} from '@aws-sdk/client-cloudformation';
import type { DescribeModelPackageCommandInput, DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import type { EventBridgeEvent } from 'aws-lambda';
import { EnvironmentError, stringFromEnv } from '../shared/env';
import { parseS3Url } from '../shared/s3-url';
import { shown } from '../../lib/contracts/shown';
import { APPROVED, EVENT_DETAIL_TYPE, EVENT_SOURCE, SERVING_PARAMETERS } from '../../lib/contracts/serving';

// ---------------------------------------------------------------------------------------------
// Names shared with the CDK app (lib/contracts/serving.ts), and this function's own.

/** The capabilities the update acknowledges: the serving stack creates IAM roles (unnamed). */
export const CAPABILITIES: readonly Capability[] = ['CAPABILITY_IAM'];

// ---------------------------------------------------------------------------------------------
// Waiting.

/** The longest the function waits, in all, for a busy stack, unless told otherwise. */
export const DEFAULT_MAX_WAIT_MS = 10 * 60_000;

/** The first wait for a busy stack; each next one is twice as long, up to {@link LONGEST_WAIT_MS}. */
export const FIRST_WAIT_MS = 5_000;

/** The longest single wait between two looks at a busy stack. */
export const LONGEST_WAIT_MS = 60_000;

/** How long to wait before the `attempt`th look again (from 0): exponential, capped. */
export function backoffMs(attempt: number): number {
  return Math.min(FIRST_WAIT_MS * 2 ** Math.max(0, attempt), LONGEST_WAIT_MS);
}

// ---------------------------------------------------------------------------------------------
// Errors.

/**
 * Thrown when the event or the package it names cannot be deployed, whatever is retried: the event
 * is malformed, the package does not exist, or its data quality drift baseline is half there or
 * not in S3.
 */
export class DeployInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeployInputError';
  }
}

/**
 * Thrown when the serving stack was still busy with another operation after the longest wait. The
 * invocation fails, so Lambda retries it later, and finally keeps it in the dead-letter queue.
 */
export class StackBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackBusyError';
  }
}

/**
 * Thrown when the serving stack cannot be updated without a person: it does not exist, is being
 * deleted, is in a failed state, or lacks the parameters this function sets.
 */
export class ServingStackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ServingStackError';
  }
}

// ---------------------------------------------------------------------------------------------
// Settings.

/** The function's configuration, from its environment (see {@link settingsFromEnv}). */
export interface DeploySettings {
  /** The serving stack, by name or stack ID (`STACK_NAME`). */
  readonly stackName: string;
  /** The role CloudFormation assumes to update the stack (`CLOUDFORMATION_ROLE_ARN`). */
  readonly cloudFormationRoleArn: string;
  /** The model package group whose approved versions are deployed, by name or ARN (`MODEL_PACKAGE_GROUP_NAME`). */
  readonly modelPackageGroupName: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** A stack name (a letter, then up to 127 letters, digits and hyphens) or a stack ID. */
const STACK_NAME_OR_ID =
  /^(?:[a-zA-Z][-a-zA-Z0-9]{0,127}|arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/[a-zA-Z][-a-zA-Z0-9]{0,127}\/[-a-zA-Z0-9]+)$/;

/** An IAM role ARN, with or without a path. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\x21-\x7E]*\/)?[\w+=,.@-]{1,64}$/;

/** A model package group name, or its ARN (the API's pattern, partition-neutral). */
const GROUP_NAME_OR_ARN =
  /^(?:arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:model-package-group\/)?[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}$/;

function matchingFromEnv(env: Environment, name: string, pattern: RegExp, expected: string): string {
  const value = stringFromEnv(env, name);
  if (!pattern.test(value)) {
    throw new EnvironmentError(`environment variable ${name} is ${JSON.stringify(value)}; expected ${expected}`);
  }
  return value;
}

/**
 * The settings, from the variables the CDK sets: `STACK_NAME` (the serving stack's name or ID),
 * `CLOUDFORMATION_ROLE_ARN` (an IAM role ARN) and `MODEL_PACKAGE_GROUP_NAME` (a group name or ARN).
 * @throws EnvironmentError naming the variable, when one is missing or not allowed
 */
export function settingsFromEnv(env: Environment): DeploySettings {
  return {
    stackName: matchingFromEnv(
      env,
      'STACK_NAME',
      STACK_NAME_OR_ID,
      'a CloudFormation stack name (a letter, then letters, digits and hyphens; at most 128) or stack ID',
    ),
    cloudFormationRoleArn: matchingFromEnv(env, 'CLOUDFORMATION_ROLE_ARN', ROLE_ARN, 'the ARN of an IAM role'),
    modelPackageGroupName: matchingFromEnv(
      env,
      'MODEL_PACKAGE_GROUP_NAME',
      GROUP_NAME_OR_ARN,
      'a model package group name (1 to 63 letters, digits and hyphens) or its ARN',
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// The event.

/** The part of the event's `detail` this function reads (SageMaker sends more: the whole package). */
export interface ModelPackageStateChangeDetail {
  readonly ModelPackageGroupName: string;
  /** `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>` */
  readonly ModelPackageArn: string;
  /** `Approved`, `Rejected` or `PendingManualApproval`. */
  readonly ModelApprovalStatus: string;
  readonly ModelPackageVersion?: number;
}

/** SageMaker's event, as EventBridge delivers it. */
export type ModelPackageStateChangeEvent = EventBridgeEvent<typeof EVENT_DETAIL_TYPE, ModelPackageStateChangeDetail>;

/** The event, checked: what the decisions need. */
export interface StateChange {
  /** The EventBridge event ID: the same for every delivery and retry of one event. */
  readonly eventId: string;
  readonly modelPackageGroupName: string;
  readonly modelPackageArn: string;
  readonly modelApprovalStatus: string;
  /** The package version, when the event gives it. */
  readonly modelPackageVersion?: number;
}

/** A versioned model package ARN (partition-neutral; SageMaker writes the group in lower case). */
const MODEL_PACKAGE_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}\/\d+$/;

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DeployInputError(`${field} is ${shown(value)}; expected a non-empty string`);
  }
  return value;
}

/**
 * The event, checked: SageMaker's model package state change, with an ID, a group, a versioned
 * package ARN and an approval status.
 * @throws DeployInputError naming the first field that is missing or wrong, and its value
 */
export function parseStateChange(event: unknown): StateChange {
  if (!isObject(event)) {
    throw new DeployInputError(`event is ${shown(event)}; expected an EventBridge event`);
  }
  if (event.source !== EVENT_SOURCE || event['detail-type'] !== EVENT_DETAIL_TYPE) {
    throw new DeployInputError(
      `event is from ${shown(event.source)} of type ${shown(event['detail-type'])}; ` +
        `expected ${JSON.stringify(EVENT_SOURCE)} of type ${JSON.stringify(EVENT_DETAIL_TYPE)}`,
    );
  }
  const eventId = nonEmptyString(event.id, 'id');
  const detail = event.detail;
  if (!isObject(detail)) {
    throw new DeployInputError(`detail is ${shown(detail)}; expected an object`);
  }
  const modelPackageArn = nonEmptyString(detail.ModelPackageArn, 'detail.ModelPackageArn');
  if (!MODEL_PACKAGE_ARN.test(modelPackageArn)) {
    throw new DeployInputError(
      `detail.ModelPackageArn is ${shown(modelPackageArn)}; expected the ARN of a model package version`,
    );
  }
  const version = detail.ModelPackageVersion;
  return {
    eventId,
    modelPackageGroupName: nonEmptyString(detail.ModelPackageGroupName, 'detail.ModelPackageGroupName'),
    modelPackageArn,
    modelApprovalStatus: nonEmptyString(detail.ModelApprovalStatus, 'detail.ModelApprovalStatus'),
    ...(typeof version === 'number' && Number.isInteger(version) ? { modelPackageVersion: version } : {}),
  };
}

/** A group's name, given its name or ARN. */
export function groupNameOf(nameOrArn: string): string {
  const slash = nameOrArn.lastIndexOf('/');
  return slash < 0 ? nameOrArn : nameOrArn.slice(slash + 1);
}

/**
 * Why the event is not deployed, or `undefined` when it may be: it must say `Approved` and be
 * about the settings' group. Group names are compared ignoring case, as SageMaker does (its ARNs
 * write them in lower case).
 */
export function ignoredReason(change: StateChange, settings: DeploySettings): string | undefined {
  const group = groupNameOf(settings.modelPackageGroupName);
  if (change.modelPackageGroupName.toLowerCase() !== group.toLowerCase()) {
    return `the package is in group ${change.modelPackageGroupName}, not ${group}`;
  }
  if (change.modelApprovalStatus !== APPROVED) {
    return `the package is ${change.modelApprovalStatus}, not ${APPROVED}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The package.

/** The drift baseline the serving stack monitors against. */
export interface Baseline {
  /** `s3://` URL of the data quality statistics. */
  readonly statistics: string;
  /** `s3://` URL of the data quality constraints. */
  readonly constraints: string;
}

/**
 * What DescribeModelPackage says about deploying the package: to deploy, with its baseline when it
 * has one (no `baseline`: the package was registered without the opt-in Model Monitor, and is
 * served unmonitored), or not, with the reason.
 */
export type PackageVerdict =
  { readonly deploy: true; readonly baseline?: Baseline } | { readonly deploy: false; readonly reason: string };

function isBlank(value: string | undefined): value is undefined {
  return value === undefined || value.trim() === '';
}

function baselineUrl(value: string, field: string, arn: string): string {
  try {
    parseS3Url(value, field);
  } catch (e) {
    throw new DeployInputError(`model package ${arn}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return value;
}

/**
 * Whether the described package is to be deployed, and with which baseline: it must still be
 * `Approved` (else it is not deployed, with the reason). Its data quality drift baseline is used
 * when it has one, both statistics and constraints; a package with neither is deployed without.
 * @throws DeployInputError when the approved package has one half of a baseline and not the other
 *   (naming what is missing), or a baseline URL that is not an `s3://bucket/key` URL
 */
export function approvedPackage(arn: string, described: DescribeModelPackageCommandOutput): PackageVerdict {
  const status = described.ModelApprovalStatus;
  if (status !== APPROVED) {
    return { deploy: false, reason: `the package is now ${status ?? 'without an approval status'}, not ${APPROVED}` };
  }
  const quality = described.DriftCheckBaselines?.ModelDataQuality;
  const field = 'DriftCheckBaselines.ModelDataQuality';
  const statistics = quality?.Statistics?.S3Uri;
  const constraints = quality?.Constraints?.S3Uri;
  if (isBlank(statistics) && isBlank(constraints)) {
    return { deploy: true };
  }
  if (isBlank(statistics) || isBlank(constraints)) {
    const [has, lacks] = isBlank(statistics) ? ['Constraints', 'Statistics'] : ['Statistics', 'Constraints'];
    throw new DeployInputError(
      `model package ${arn} has ${field}.${has}.S3Uri but no ${field}.${lacks}.S3Uri; ` +
        'a data quality drift baseline needs both (or neither, for a package served unmonitored)',
    );
  }
  return {
    deploy: true,
    baseline: {
      statistics: baselineUrl(statistics, `${field}.Statistics.S3Uri`, arn),
      constraints: baselineUrl(constraints, `${field}.Constraints.S3Uri`, arn),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The stack.

/** What to do with the stack as described. */
export type StackStep =
  { readonly step: 'update' } | { readonly step: 'unchanged' } | { readonly step: 'wait'; readonly status: string };

/** Statuses from which no update is possible without a person (besides `*_FAILED`), and why. */
const STUCK_REASONS: ReadonlyMap<string, string> = new Map([
  ['ROLLBACK_COMPLETE', 'its creation failed and was rolled back: delete it and deploy it again'],
  ['DELETE_IN_PROGRESS', 'it is being deleted'],
  ['DELETE_COMPLETE', 'it was deleted'],
  ['DELETE_FAILED', 'its deletion failed: see its events'],
]);

function parameterValue(stack: Stack, key: string): string | undefined {
  return stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;
}

/**
 * What to do with the stack, to serve `modelPackageArn`:
 * - `unchanged` when its `ModelPackageArn` parameter already names the package, and it is not
 *   rolling back (an update to it may be under way: a retry or a duplicate event);
 * - `wait` while it is busy (`*_IN_PROGRESS`), for another update to finish;
 * - `update` when it is in a stable state that can be updated (`CREATE_COMPLETE`,
 *   `UPDATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, `IMPORT_COMPLETE`, `IMPORT_ROLLBACK_COMPLETE`).
 * @throws ServingStackError when it cannot be updated without a person: `ROLLBACK_COMPLETE` (a
 *   failed creation), any `*_FAILED`, being deleted, an unknown status, without the
 *   `ModelPackageArn` parameter, or with one baseline parameter and not the other (a stack without
 *   Model Monitor has neither)
 */
export function stackStep(stack: Stack, modelPackageArn: string): StackStep {
  const name = stack.StackName ?? stack.StackId ?? 'the serving stack';
  const status: string = stack.StackStatus ?? 'without a status';
  if (STUCK_REASONS.has(status) || status.endsWith('_FAILED')) {
    const why = STUCK_REASONS.get(status) ?? 'a previous operation failed: see its events';
    throw new ServingStackError(`stack ${name} is ${status} and cannot be updated: ${why}${reasonOf(stack)}`);
  }
  const busy = status.endsWith('_IN_PROGRESS');
  const rollingBack = busy && status.includes('ROLLBACK');
  if (!rollingBack && parameterValue(stack, SERVING_PARAMETERS.modelPackageArn) === modelPackageArn) {
    return { step: 'unchanged' };
  }
  if (busy) {
    return { step: 'wait', status };
  }
  if (!status.endsWith('_COMPLETE')) {
    throw new ServingStackError(`stack ${name} is ${status}; expected a *_COMPLETE or *_IN_PROGRESS status`);
  }
  const keys = (stack.Parameters ?? []).map((p) => p.ParameterKey);
  const baselineKeys = [SERVING_PARAMETERS.baselineStatisticsUri, SERVING_PARAMETERS.baselineConstraintsUri];
  const hasBaselineKeys = baselineKeys.some((key) => keys.includes(key));
  const required = [SERVING_PARAMETERS.modelPackageArn, ...(hasBaselineKeys ? baselineKeys : [])];
  const missing = required.filter((key) => !keys.includes(key));
  if (missing.length > 0) {
    throw new ServingStackError(
      `stack ${name} has no parameter ${missing.join(', ')} (it has ${keys.length === 0 ? 'none' : keys.join(', ')}); ` +
        'is it the serving stack?',
    );
  }
  return { step: 'update' };
}

function reasonOf(stack: Stack): string {
  const reason = stack.StackStatusReason;
  return reason === undefined || reason === '' ? '' : ` (${shown(reason)})`;
}

/** The longest `ClientRequestToken` the API takes (1 to 128 of `[a-zA-Z0-9][-a-zA-Z0-9]*`). */
export const CLIENT_REQUEST_TOKEN_MAX_LENGTH = 128;

/**
 * The idempotency token of the update that deploys `modelPackageArn` for the event `eventId`:
 * `deploy-model-v<version>-` (when the ARN ends in a version of at most 10 digits) and the first
 * 40 hex digits of the SHA-256 of both: at most 65 characters of `[a-z0-9-]`. Every delivery and
 * retry of one event sends the same token, so CloudFormation does not start a second update; a
 * later approval of the same package (a new event: say, a rollback to it) sends a new one.
 */
export function clientRequestToken(modelPackageArn: string, eventId: string): string {
  const version = /\/(\d{1,10})$/.exec(modelPackageArn)?.[1];
  const hash = createHash('sha256').update(`deploy-model:${modelPackageArn}:${eventId}`, 'utf8').digest('hex');
  return `deploy-model-${version === undefined ? '' : `v${version}-`}${hash.slice(0, 40)}`;
}

/**
 * The UpdateStack request: the stack's current template, the {@link SERVING_PARAMETERS} it has set
 * to the package and its baseline (both baseline parameters empty when the package has none, so
 * that no earlier package's baseline stays; a stack without Model Monitor has no baseline
 * parameters, and gets none), every other parameter of the stack at its previous value, the
 * CloudFormation service role, and the idempotency token. Tags, notifications and the rollback
 * configuration are left out, so CloudFormation keeps them.
 */
export function updateStackInput(
  stack: Stack,
  settings: DeploySettings,
  modelPackageArn: string,
  baseline: Baseline | undefined,
  token: string,
): UpdateStackCommandInput {
  const values: Readonly<Record<string, string>> = {
    [SERVING_PARAMETERS.modelPackageArn]: modelPackageArn,
    [SERVING_PARAMETERS.baselineStatisticsUri]: baseline?.statistics ?? '',
    [SERVING_PARAMETERS.baselineConstraintsUri]: baseline?.constraints ?? '',
  };
  const parameters: Parameter[] = (stack.Parameters ?? []).flatMap((p): Parameter[] => {
    const key = p.ParameterKey;
    if (key === undefined) {
      return [];
    }
    const value = values[key];
    return [
      value === undefined
        ? { ParameterKey: key, UsePreviousValue: true }
        : { ParameterKey: key, ParameterValue: value },
    ];
  });
  return {
    StackName: stack.StackId ?? settings.stackName,
    UsePreviousTemplate: true,
    Parameters: parameters,
    Capabilities: [...CAPABILITIES],
    RoleARN: settings.cloudFormationRoleArn,
    ClientRequestToken: token,
  };
}

// ---------------------------------------------------------------------------------------------
// Errors of the AWS APIs.

/** A client error of the request's content: SageMaker names it ValidationException, CloudFormation ValidationError. */
function isValidation(error: unknown): error is Error {
  return error instanceof Error && (error.name === 'ValidationException' || error.name === 'ValidationError');
}

/**
 * Whether an SDK error says the resource does not exist: a `ResourceNotFound`, or a validation
 * error whose message says `does not exist` (SageMaker: `Model package ... does not exist`;
 * CloudFormation: `Stack with id ... does not exist`). Not any other validation error.
 */
export function isNotFound(error: unknown): boolean {
  if (error instanceof Error && error.name === 'ResourceNotFound') {
    return true;
  }
  return isValidation(error) && /\bdoes not exist\b/i.test(error.message);
}

/** Whether UpdateStack was refused because the request changes nothing. */
export function isNoUpdates(error: unknown): boolean {
  return isValidation(error) && /\bNo updates are to be performed\b/i.test(error.message);
}

/**
 * The status named by UpdateStack's refusal because the stack is busy (`... is in
 * UPDATE_IN_PROGRESS state and can not be updated`), or `undefined` for any other error.
 */
export function busyStatusOf(error: unknown): string | undefined {
  if (!isValidation(error)) {
    return undefined;
  }
  return /\bis in ([A-Z_]+_IN_PROGRESS) state\b/.exec(error.message)?.[1];
}

// ---------------------------------------------------------------------------------------------
// The deployment.

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
