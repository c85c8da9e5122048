/**
 * Runs every preflight check for one stage, account and region, with injected AWS clients, and
 * returns the findings in a fixed order: account, images, region services, bootstrap, quotas,
 * Model Monitor.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { StageConfig } from '../config';
import { checkAccount } from './account';
import { type BootstrapRequirement, checkBootstrap } from './bootstrap';
import { CredentialsError, noCredentialsMessage } from './errors';
import { checkImages } from './images';
import { checkModelMonitor } from './model-monitor';
import { checkQuotas } from './quotas';
import { describeError, isCredentialError } from '../shared/cli/aws-errors';
import { quotaRequirements } from './requirements';
import type { CheckResult } from './result';
import { checkRegionalServices } from './services';

/** The AWS clients the checks call, all in the target region except `globalInfrastructure`. */
export interface PreflightClients {
  readonly sts: STSClient;
  readonly cloudFormation: CloudFormationClient;
  /** Reads the bootstrap version parameter. */
  readonly ssm: SSMClient;
  /** Reads the public global-infrastructure parameters, in `globalInfrastructureQueryRegion(region)`. */
  readonly globalInfrastructure: SSMClient;
  readonly serviceQuotas: ServiceQuotasClient;
  readonly sageMaker: SageMakerClient;
}

/** What to check. */
export interface PreflightInput {
  readonly config: StageConfig;
  readonly region: string;
  readonly toolkitStackName: string;
  /** What the app requires of the bootstrap stack; called once the credentials are known to work. */
  readonly bootstrapRequirement: () => BootstrapRequirement | Promise<BootstrapRequirement>;
}

/** The findings, and the account they are about. */
export interface PreflightReport {
  readonly account: string;
  readonly results: readonly CheckResult[];
}

/**
 * Runs the checks. The account comes first: when it is not the configured one, every other check
 * would describe the wrong account, so the run stops there.
 * @throws CredentialsError when the credentials are missing, expired or not recognised
 */
export async function runPreflight(clients: PreflightClients, input: PreflightInput): Promise<PreflightReport> {
  const { config, region } = input;
  let account: string;
  let arn: string;
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    account = identity.Account ?? 'unknown';
    arn = identity.Arn ?? 'unknown caller';
  } catch (error) {
    const { name, message, text } = describeError(error);
    if (isCredentialError(name, message)) {
      throw new CredentialsError(noCredentialsMessage(text), { cause: error });
    }
    throw error;
  }
  const accountResult = checkAccount(config, account, arn);
  if (accountResult.status === 'blocker') {
    return { account, results: [accountResult] };
  }

  const requirement = await input.bootstrapRequirement();
  const [services, bootstrap, quotas, modelMonitor] = await Promise.all([
    checkRegionalServices(clients.globalInfrastructure, region),
    checkBootstrap(
      { cloudFormation: clients.cloudFormation, ssm: clients.ssm },
      { requirement, toolkitStackName: input.toolkitStackName, account, region },
    ),
    checkQuotas(clients.serviceQuotas, quotaRequirements(config), region),
    checkModelMonitor(clients.sageMaker, config, region),
  ]);
  return {
    account,
    results: [accountResult, ...checkImages(config, region), ...services, bootstrap, ...quotas, modelMonitor],
  };
}
