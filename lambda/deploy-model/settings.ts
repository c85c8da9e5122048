/**
 * The deploy function's settings, from the environment the CDK sets, each checked against what the
 * API it is sent to accepts, so that a bad variable fails the first invocation and names itself.
 */
import { EnvironmentError, stringFromEnv } from '../shared/env';

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
