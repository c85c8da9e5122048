/**
 * The preflight checks that do not concern the CDK bootstrap (see `./bootstrap`): the account, the
 * region's images and services, the SageMaker quotas and Model Monitor. Each takes the AWS clients
 * it calls as parameters and returns findings; none throws except for credential errors
 * ({@link CredentialsError}), which end the run.
 */
import {
  ListDataQualityJobDefinitionsCommand,
  ListMonitoringSchedulesCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  ListAWSDefaultServiceQuotasCommand,
  ListServiceQuotasCommand,
  type ServiceQuota,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { StageConfig } from '../config';
import { MODEL_MONITOR_REGISTRIES, XGBOOST_REGISTRIES, XGBOOST_VERSION } from '../shared/sagemaker-images';
import { couldNotCheck } from './errors';
import { modelMonitorEnabled, type QuotaRequirement } from './requirements';
import type { CheckResult } from './result';

// ---------------------------------------------------------------------------------------------
// Account

/**
 * The account the credentials belong to (STS GetCallerIdentity) against the configured one. A
 * stage without an account (sandbox) deploys wherever the credentials point, so any account is
 * fine; a mismatch would deploy `production` with the wrong credentials, and CloudFormation would
 * refuse, so it is a blocker.
 */
export function checkAccount(config: StageConfig, callerAccount: string, callerArn: string): CheckResult {
  const check = 'account';
  if (config.account === undefined) {
    return {
      check,
      status: 'ok',
      message: `${callerAccount} (${callerArn}); stage ${config.stage} deploys to the credentials' account`,
    };
  }
  if (config.account !== callerAccount) {
    return {
      check,
      status: 'blocker',
      message: `the credentials belong to account ${callerAccount} (${callerArn}), but config.${config.stage}.account is ${config.account}`,
      fix: `use credentials of account ${config.account} (--profile NAME or AWS_PROFILE), or correct config.${config.stage}.account`,
    };
  }
  return { check, status: 'ok', message: `${callerAccount} (${callerArn}), as configured` };
}

// ---------------------------------------------------------------------------------------------
// Images

/**
 * Whether `lib/shared/sagemaker-images.ts` knows the region's registry of each SageMaker image the app
 * uses. The stacks look the registry up in a CloudFormation mapping keyed by region; a region
 * missing from it fails the deploy on that lookup. Pure: the tables are the project's own.
 */
export function checkImages(config: StageConfig, region: string): CheckResult[] {
  const results: CheckResult[] = [];
  const source = 'the SageMaker Python SDK, src/sagemaker/image_uri_config';
  results.push(
    XGBOOST_REGISTRIES[region] === undefined
      ? {
          check: 'XGBoost image',
          status: 'blocker',
          message: `lib/shared/sagemaker-images.ts has no registry of the built-in XGBoost ${XGBOOST_VERSION} image for ${region}, so the training stack fails on the mapping lookup`,
          fix: `deploy to a region it lists (${Object.keys(XGBOOST_REGISTRIES).join(', ')}), or add ${region}'s registry account from ${source}/xgboost.json`,
        }
      : {
          check: 'XGBoost image',
          status: 'ok',
          message: `sagemaker-xgboost:${XGBOOST_VERSION} from registry ${XGBOOST_REGISTRIES[region]} in ${region}`,
        },
  );
  if (modelMonitorEnabled(config)) {
    results.push(
      MODEL_MONITOR_REGISTRIES[region] === undefined
        ? {
            check: 'Model Monitor image',
            status: 'blocker',
            message: `lib/shared/sagemaker-images.ts has no registry of the Model Monitor analyzer image for ${region}, which the baseline job (and monitoring) runs, so the deploy fails on the mapping lookup`,
            fix: `deploy to a region it lists (${Object.keys(MODEL_MONITOR_REGISTRIES).join(', ')}), or add ${region}'s registry account from ${source}/model-monitor.json`,
          }
        : {
            check: 'Model Monitor image',
            status: 'ok',
            message: `sagemaker-model-monitor-analyzer from registry ${MODEL_MONITOR_REGISTRIES[region]} in ${region}`,
          },
    );
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Regional services

/** An AWS service the app deploys to, by its code in the global-infrastructure parameters. */
export interface RegionalService {
  /** The code in `/aws/service/global-infrastructure/services/<code>`. */
  readonly code: string;
  readonly name: string;
  /** What the app uses it for. */
  readonly uses: string;
  /** What the parameter cannot tell (a feature or version within the service). */
  readonly caveat?: string;
}

/** The regional services the stacks use. */
export const REGIONAL_SERVICES: readonly RegionalService[] = [
  { code: 'sagemaker', name: 'SageMaker', uses: 'training, tuning, batch transform, model registry and endpoint' },
  {
    code: 'glue',
    name: 'Glue',
    uses: 'the Data Catalog and the curate and features jobs',
    caveat: 'whether Glue 5.0 is offered has no API; the Glue release notes list it per region',
  },
  { code: 'kinesis', name: 'Kinesis Data Streams', uses: 'the ingestion stream' },
  {
    code: 'firehose',
    name: 'Data Firehose',
    uses: 'delivery to the raw zone',
    caveat: 'dynamic partitioning, which the delivery uses, has no per-region API of its own',
  },
  { code: 'stepfunctions', name: 'Step Functions', uses: 'the training pipeline' },
  { code: 'athena', name: 'Athena', uses: 'the lake workgroup and the analysis queries' },
];

/**
 * The regions where the `/aws/service/global-infrastructure` parameters can be read (Systems
 * Manager user guide, "Calling public parameters for AWS services, Regions, endpoints ..."). From
 * any other region the query goes to us-east-1, as that page advises.
 */
export const GLOBAL_INFRASTRUCTURE_QUERY_REGIONS: ReadonlySet<string> = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ap-east-1',
  'ap-south-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'sa-east-1',
]);

/** The region to read the global-infrastructure parameters from when checking `region`. */
export function globalInfrastructureQueryRegion(region: string): string {
  return GLOBAL_INFRASTRUCTURE_QUERY_REGIONS.has(region) ? region : 'us-east-1';
}

const INFRA = '/aws/service/global-infrastructure';

/**
 * Whether the region offers each service the app uses, from the AWS public parameters
 * `/aws/service/global-infrastructure/regions/<region>/services/<code>` (SSM GetParameters; one
 * call for the region and every service). A service whose parameter is absent is a blocker, unless
 * its code is not found under `/aws/service/global-infrastructure/services/` either (then the code
 * here is wrong, and the finding is a warning that it could not be verified).
 * @param ssm a client in {@link globalInfrastructureQueryRegion}
 */
export async function checkRegionalServices(
  ssm: SSMClient,
  region: string,
  services: readonly RegionalService[] = REGIONAL_SERVICES,
): Promise<CheckResult[]> {
  const regionName = `${INFRA}/regions/${region}`;
  const serviceName = (s: RegionalService) => `${INFRA}/regions/${region}/services/${s.code}`;
  let missing: Set<string>;
  try {
    const output = await ssm.send(new GetParametersCommand({ Names: [regionName, ...services.map(serviceName)] }));
    missing = new Set(output.InvalidParameters ?? []);
  } catch (error) {
    return [
      couldNotCheck('region services', error, 'ssm:GetParameters on the public global-infrastructure parameters'),
    ];
  }
  if (missing.has(regionName)) {
    return [
      {
        check: 'region',
        status: 'blocker',
        message: `${region} is not a region the AWS global-infrastructure parameters know`,
        fix: 'check the region name (--region, AWS_REGION, the profile, or config.<stage>.region)',
      },
    ];
  }
  const absent = services.filter((s) => missing.has(serviceName(s)));
  let unknownCodes = new Set<string>();
  if (absent.length > 0) {
    try {
      const output = await ssm.send(
        new GetParametersCommand({ Names: absent.map((s) => `${INFRA}/services/${s.code}`) }),
      );
      unknownCodes = new Set((output.InvalidParameters ?? []).map((name) => name.slice(name.lastIndexOf('/') + 1)));
    } catch (error) {
      return [
        couldNotCheck('region services', error, 'ssm:GetParameters on the public global-infrastructure parameters'),
      ];
    }
  }
  return services.map((s): CheckResult => {
    const check = `${s.name} in ${region}`;
    const caveat = s.caveat === undefined ? '' : ` (${s.caveat})`;
    if (!missing.has(serviceName(s))) {
      return { check, status: 'ok', message: `offered, for ${s.uses}${caveat}` };
    }
    if (unknownCodes.has(s.code)) {
      return {
        check,
        status: 'warn',
        message: `could not check: the service code "${s.code}" is not in ${INFRA}/services`,
        fix: 'check the region table of AWS services by hand, and correct REGIONAL_SERVICES in lib/preflight/checks.ts',
      };
    }
    return {
      check,
      status: 'blocker',
      message: `not offered in ${region}; the stacks need it for ${s.uses}`,
      fix: 'deploy to a region that offers every service the app uses (config.<stage>.region, --region or AWS_REGION)',
    };
  });
}

// ---------------------------------------------------------------------------------------------
// SageMaker quotas

/** The Service Quotas code of SageMaker. */
export const SAGEMAKER_SERVICE_CODE = 'sagemaker';

/**
 * Every quota named in `names`, read with `list` page by page, stopping as soon as all are found
 * (SageMaker has thousands of quotas; most runs find theirs in a few pages).
 */
async function findQuotas(
  names: ReadonlySet<string>,
  list: (nextToken: string | undefined) => Promise<{ quotas: readonly ServiceQuota[]; nextToken?: string }>,
): Promise<Map<string, ServiceQuota>> {
  const found = new Map<string, ServiceQuota>();
  let nextToken: string | undefined;
  do {
    const page = await list(nextToken);
    for (const quota of page.quotas) {
      if (quota.QuotaName !== undefined && names.has(quota.QuotaName)) {
        found.set(quota.QuotaName, quota);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined && found.size < names.size);
  return found;
}

/**
 * The SageMaker quotas the stage needs, through Service Quotas: ListServiceQuotas gives the
 * values applied to the account; a quota it does not return (the API returns only quotas with an
 * applied value) is looked up in ListAWSDefaultServiceQuotas, whose default may not be what the
 * account has (new accounts often have 0), so enough by default is only a warning.
 */
export async function checkQuotas(
  client: ServiceQuotasClient,
  requirements: readonly QuotaRequirement[],
  region: string,
): Promise<CheckResult[]> {
  const names = new Set(requirements.map((r) => r.quotaName));
  let applied: Map<string, ServiceQuota>;
  let defaults = new Map<string, ServiceQuota>();
  try {
    applied = await findQuotas(names, async (NextToken) => {
      const out = await client.send(
        new ListServiceQuotasCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, MaxResults: 100, NextToken }),
      );
      return { quotas: out.Quotas ?? [], ...(out.NextToken === undefined ? {} : { nextToken: out.NextToken }) };
    });
  } catch (error) {
    return [couldNotCheck('SageMaker quotas', error, 'servicequotas:ListServiceQuotas')];
  }
  const unapplied = new Set([...names].filter((n) => !applied.has(n)));
  if (unapplied.size > 0) {
    try {
      defaults = await findQuotas(unapplied, async (NextToken) => {
        const out = await client.send(
          new ListAWSDefaultServiceQuotasCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, MaxResults: 100, NextToken }),
        );
        return { quotas: out.Quotas ?? [], ...(out.NextToken === undefined ? {} : { nextToken: out.NextToken }) };
      });
    } catch (error) {
      return [couldNotCheck('SageMaker quotas', error, 'servicequotas:ListAWSDefaultServiceQuotas')];
    }
  }
  return requirements.map((r) => quotaResult(r, applied.get(r.quotaName), defaults.get(r.quotaName), region));
}

/** The finding for one quota, from its applied value or else its AWS default. */
export function quotaResult(
  requirement: QuotaRequirement,
  applied: ServiceQuota | undefined,
  awsDefault: ServiceQuota | undefined,
  region: string,
): CheckResult {
  const check = `quota "${requirement.quotaName}"`;
  const used = requirement.used ?? true;
  const because = requirement.demands.map((d) => `${d.instances} for ${d.because}`).join(' + ');
  const need = used
    ? `needs ${requirement.needed}: ${because}`
    : `would need ${requirement.needed} if ${requirement.usedIf ?? 'the configuration changed'}: ${because}`;
  const quota = applied ?? awsDefault;
  if (quota === undefined || quota.Value === undefined) {
    return {
      check,
      status: 'warn',
      message: `no such SageMaker quota in ${region}; the instance type may not be offered for this use there (${need})`,
      fix: `look the instance type up in the Service Quotas console (https://${region}.console.aws.amazon.com/servicequotas/home/services/sagemaker/quotas) and choose one that has this quota`,
    };
  }
  const value = quota.Value;
  const source = applied === undefined ? 'the AWS default (the account has no applied value on record)' : 'applied';
  const comfortable = requirement.comfortable ?? requirement.needed;
  const increase = (desired: number) => requestIncrease(quota, desired, region);
  if (value < requirement.needed) {
    const zero = value === 0 ? '; new accounts often start at 0' : '';
    return {
      check,
      status: used ? 'blocker' : 'warn',
      message: `${value} (${source}), ${need}${zero}`,
      fix: quota.Adjustable === false ? `not adjustable: choose another instance type` : increase(comfortable),
    };
  }
  if (applied === undefined) {
    return {
      check,
      status: 'warn',
      message: `${value} by ${source}, ${need}; the account's own value may be lower`,
      fix: `check the applied value in the console, and if it is lower: ${increase(comfortable)}`,
    };
  }
  if (used && value < comfortable) {
    return {
      check,
      status: 'warn',
      message: `${value}, enough for ${requirement.needed} (${because}), but ${requirement.comfortableBecause ?? `${comfortable} is advised`}: ${comfortable}`,
      fix: quota.Adjustable === false ? 'not adjustable' : increase(comfortable),
    };
  }
  return { check, status: 'ok', message: `${value}, ${need}` };
}

/** How to ask for more of a quota: the CLI command and the console page. */
function requestIncrease(quota: ServiceQuota, desired: number, region: string): string {
  const code = quota.QuotaCode ?? 'QUOTA_CODE';
  return (
    `request ${desired} with \`aws service-quotas request-service-quota-increase --service-code ${SAGEMAKER_SERVICE_CODE} ` +
    `--quota-code ${code} --desired-value ${desired} --region ${region}\` or in the console: ` +
    `https://${region}.console.aws.amazon.com/servicequotas/home/services/${SAGEMAKER_SERVICE_CODE}/quotas/${code}`
  );
}

// ---------------------------------------------------------------------------------------------
// Model Monitor

/** When SageMaker closed Model Monitor to new customers. */
export const MODEL_MONITOR_CLOSED_SINCE = '2026-07-30';

/**
 * Whether SageMaker Model Monitor looks usable in this account, when the stage opts in to it.
 * Model Monitor is closed to new customers since {@link MODEL_MONITOR_CLOSED_SINCE}: an account
 * that never used it cannot create monitoring schedules. The signal read here is that the account
 * already has a monitoring schedule (ListMonitoringSchedules) or a data-quality job definition
 * (ListDataQualityJobDefinitions) in this region. Its limits: it sees only this region and only
 * resources that still exist (an account that used Model Monitor and deleted everything, or used it
 * in another region, may still be allowed), and a schedule in the account does not prove AWS lets
 * it create more. No signal is therefore a warning, not a blocker.
 */
export async function checkModelMonitor(
  sageMaker: SageMakerClient,
  config: StageConfig,
  region: string,
): Promise<CheckResult> {
  const check = 'Model Monitor';
  if (!modelMonitorEnabled(config)) {
    return {
      check,
      status: 'ok',
      message: `not used (config.${config.stage}.modelMonitor.enabled is false, the default): not checked`,
    };
  }
  try {
    const schedules = await sageMaker.send(new ListMonitoringSchedulesCommand({ MaxResults: 1 }));
    if ((schedules.MonitoringScheduleSummaries ?? []).length > 0) {
      return {
        check,
        status: 'ok',
        message: `the account has monitoring schedules in ${region}, so it has used Model Monitor before`,
      };
    }
    const definitions = await sageMaker.send(new ListDataQualityJobDefinitionsCommand({ MaxResults: 1 }));
    if ((definitions.JobDefinitionSummaries ?? []).length > 0) {
      return {
        check,
        status: 'ok',
        message: `the account has data-quality job definitions in ${region}, so it has used Model Monitor before`,
      };
    }
  } catch (error) {
    return couldNotCheck(check, error, 'sagemaker:ListMonitoringSchedules and sagemaker:ListDataQualityJobDefinitions');
  }
  return {
    check,
    status: 'warn',
    message:
      `config.${config.stage}.modelMonitor.enabled is true, but the account has no monitoring schedule or data-quality job ` +
      `definition in ${region}. Model Monitor is closed to new customers since ${MODEL_MONITOR_CLOSED_SINCE}: an account ` +
      'that never used it cannot create monitoring schedules, and the serving stack would fail to create its monitor, the pipeline its baseline job ' +
      '(this looks at existing resources in this region only, so an account that used it elsewhere may still be allowed)',
    fix: `set config.${config.stage}.modelMonitor.enabled to false (for example --config '{"${config.stage}":{"modelMonitor":{"enabled":false}}}'), unless you know the account has used Model Monitor`,
  };
}
