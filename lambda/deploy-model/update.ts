/**
 * The UpdateStack request that deploys a package: the serving stack's parameters set to the package
 * and its baseline, on the stack's current template, with an idempotency token per event.
 */
import { createHash } from 'node:crypto';
import type { Capability, Parameter, Stack, UpdateStackCommandInput } from '@aws-sdk/client-cloudformation';
import { SERVING_PARAMETERS } from '../../lib/contracts/serving';
import type { Baseline } from './model-package';
import type { DeploySettings } from './settings';

/** The capabilities the update acknowledges: the serving stack creates IAM roles (unnamed). */
export const CAPABILITIES: readonly Capability[] = ['CAPABILITY_IAM'];

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
