/**
 * The CDK bootstrap check: does the target account and region have the bootstrap stack, at the
 * version this app's templates require?
 *
 * What the app requires is read from the app itself, not written down here: every stack the
 * DefaultStackSynthesizer synthesizes records `requiresBootstrapStackVersion` and the SSM parameter
 * holding the bootstrapped version (`/cdk-bootstrap/<qualifier>/version`) in the cloud assembly,
 * and its template carries the matching `CheckBootstrapVersion` rule that CloudFormation evaluates
 * against that parameter. aws-cdk-lib keeps the minimum as a module constant it does not export, so
 * synthesizing is the one way to get the number this version of aws-cdk-lib (with this app's
 * qualifier and features) actually asks for.
 */
import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type * as cxapi from 'aws-cdk-lib/cx-api';
import { describeError } from '../shared/cli/aws-errors';
import { couldNotCheck } from './errors';
import type { CheckResult } from './result';

/** The CDK CLI's bootstrap stack name when `--toolkit-stack-name` is not given. */
export const DEFAULT_TOOLKIT_STACK_NAME = 'CDKToolkit';

/** The qualifier `cdk bootstrap` uses by default (DefaultStackSynthesizer.DEFAULT_QUALIFIER). */
export const DEFAULT_QUALIFIER = 'hnb659fds';

/** What the synthesized app asks of the bootstrap stack. */
export interface BootstrapRequirement {
  /** The lowest bootstrap version every stack and asset accepts. */
  readonly minVersion: number;
  /** The SSM parameter the templates read the bootstrapped version from. */
  readonly versionParameter: string;
}

/**
 * The highest `requiresBootstrapStackVersion` of the assembly's stacks and asset manifests, and the
 * version parameter the stacks name.
 * @throws Error when no artifact states a requirement (not the default synthesizer) or stacks
 * disagree on the parameter (mixed qualifiers, which one check cannot cover)
 */
export function bootstrapRequirement(assembly: cxapi.CloudAssembly): BootstrapRequirement {
  let minVersion = 0;
  const parameters = new Set<string>();
  for (const artifact of assembly.artifacts) {
    const properties = (artifact.manifest.properties ?? {}) as {
      requiresBootstrapStackVersion?: number;
      bootstrapStackVersionSsmParameter?: string;
    };
    minVersion = Math.max(minVersion, properties.requiresBootstrapStackVersion ?? 0);
    if (properties.bootstrapStackVersionSsmParameter !== undefined) {
      parameters.add(properties.bootstrapStackVersionSsmParameter);
    }
  }
  const [versionParameter, ...others] = [...parameters];
  if (minVersion === 0 || versionParameter === undefined) {
    throw new Error(
      'the synthesized app states no bootstrap version requirement; is it using the DefaultStackSynthesizer?',
    );
  }
  if (others.length > 0) {
    throw new Error(`the app's stacks read different bootstrap version parameters: ${[...parameters].join(', ')}`);
  }
  return { minVersion, versionParameter };
}

/** The qualifier in a `/cdk-bootstrap/<qualifier>/version` parameter name. */
export function qualifierOf(versionParameter: string): string | undefined {
  return /^\/cdk-bootstrap\/([^/]+)\/version$/.exec(versionParameter)?.[1];
}

/** Where to look, and what the app requires. */
export interface BootstrapTarget {
  readonly requirement: BootstrapRequirement;
  readonly toolkitStackName: string;
  readonly account: string;
  readonly region: string;
}

/** The stack statuses in which a bootstrap stack is not usable and must be bootstrapped again. */
const BROKEN = /FAILED$|^ROLLBACK_COMPLETE$|^DELETE_|^REVIEW_IN_PROGRESS$/;

/**
 * The bootstrap stack (CloudFormation DescribeStacks) and the version the templates will see (SSM
 * GetParameter on the version parameter; the stack's `BootstrapVersion` output when the parameter
 * cannot be read).
 */
export async function checkBootstrap(
  clients: { readonly cloudFormation: CloudFormationClient; readonly ssm: SSMClient },
  target: BootstrapTarget,
): Promise<CheckResult> {
  const check = 'bootstrap';
  const { requirement, toolkitStackName, account, region } = target;
  const qualifier = qualifierOf(requirement.versionParameter);
  const bootstrapCommand =
    `\`npx cdk bootstrap aws://${account}/${region}` +
    (toolkitStackName === DEFAULT_TOOLKIT_STACK_NAME ? '' : ` --toolkit-stack-name ${toolkitStackName}`) +
    (qualifier === undefined || qualifier === DEFAULT_QUALIFIER ? '' : ` --qualifier ${qualifier}`) +
    '`';

  let stack: Stack | undefined;
  try {
    const output = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: toolkitStackName }));
    stack = output.Stacks?.[0];
  } catch (error) {
    const { name, message } = describeError(error);
    if (!(name === 'ValidationError' && /does not exist/i.test(message))) {
      return couldNotCheck(check, error, `cloudformation:DescribeStacks on ${toolkitStackName}`);
    }
  }
  if (stack === undefined) {
    return {
      check,
      status: 'blocker',
      message: `no bootstrap stack ${toolkitStackName} in account ${account}, region ${region}`,
      fix: `run ${bootstrapCommand}`,
    };
  }
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (BROKEN.test(status)) {
    return {
      check,
      status: 'blocker',
      message: `the bootstrap stack ${toolkitStackName} is ${status}`,
      fix:
        status === 'ROLLBACK_COMPLETE'
          ? `delete it (\`aws cloudformation delete-stack --stack-name ${toolkitStackName} --region ${region}\`), then run ${bootstrapCommand}`
          : `see its events in the CloudFormation console, then run ${bootstrapCommand}`,
    };
  }
  if (status.endsWith('_IN_PROGRESS')) {
    return {
      check,
      status: 'warn',
      message: `the bootstrap stack ${toolkitStackName} is ${status}`,
      fix: 'wait until it completes, then run the preflight again',
    };
  }

  const output = stack.Outputs?.find((o) => o.OutputKey === 'BootstrapVersion')?.OutputValue;
  let parameterValue: string | undefined;
  try {
    const result = await clients.ssm.send(new GetParameterCommand({ Name: requirement.versionParameter }));
    parameterValue = result.Parameter?.Value;
  } catch (error) {
    const { name } = describeError(error);
    if (name !== 'ParameterNotFound') {
      const couldNot = couldNotCheck(check, error, `ssm:GetParameter on ${requirement.versionParameter}`);
      return output === undefined
        ? couldNot
        : versionResult(Number(output), 'the stack output BootstrapVersion; ' + couldNot.message);
    }
    return {
      check,
      status: 'blocker',
      message:
        `the bootstrap stack ${toolkitStackName} exists, but the parameter ${requirement.versionParameter} the templates read ` +
        `the bootstrap version from does not${qualifier === undefined ? '' : ` (qualifier ${qualifier}: the stack may have been bootstrapped with another one)`}`,
      fix: `run ${bootstrapCommand}`,
    };
  }
  return versionResult(Number(parameterValue), requirement.versionParameter);

  function versionResult(version: number, from: string): CheckResult {
    if (!Number.isInteger(version)) {
      return {
        check,
        status: 'warn',
        message: `could not read the bootstrap version of ${toolkitStackName} (${from} is not a number)`,
        fix: `run ${bootstrapCommand} to be sure`,
      };
    }
    if (version < requirement.minVersion) {
      return {
        check,
        status: 'blocker',
        message: `${toolkitStackName} is at bootstrap version ${version} (${from}); this app's templates require ${requirement.minVersion} or later`,
        fix: `run ${bootstrapCommand} to upgrade it in place`,
      };
    }
    return {
      check,
      status: 'ok',
      message: `${toolkitStackName} at version ${version} (${from}); the app requires ${requirement.minVersion} or later`,
    };
  }
}
