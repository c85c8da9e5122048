/**
 * The SageMaker quota check: the quotas the stage needs (see `./requirements`) against the
 * account's applied values, or else the AWS defaults, from Service Quotas.
 */
import {
  ListAWSDefaultServiceQuotasCommand,
  ListServiceQuotasCommand,
  type ServiceQuota,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { couldNotCheck } from './errors';
import type { QuotaRequirement } from './requirements';
import type { CheckResult } from './result';

/** The Service Quotas code of SageMaker. */
export const SAGEMAKER_SERVICE_CODE = 'sagemaker';

/**
 * Every quota named in `names`, read with `list` page by page, stopping as soon as all are found
 * (SageMaker has thousands of quotas; most runs find theirs in a few pages).
 */
async function findQuotas(
  names: ReadonlySet<string>,
  list: (
    nextToken: string | undefined,
  ) => Promise<{ readonly Quotas?: readonly ServiceQuota[]; readonly NextToken?: string }>,
): Promise<Map<string, ServiceQuota>> {
  const found = new Map<string, ServiceQuota>();
  let nextToken: string | undefined;
  do {
    const page = await list(nextToken);
    for (const quota of page.Quotas ?? []) {
      if (quota.QuotaName !== undefined && names.has(quota.QuotaName)) {
        found.set(quota.QuotaName, quota);
      }
    }
    nextToken = page.NextToken;
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
    applied = await findQuotas(names, (NextToken) =>
      client.send(new ListServiceQuotasCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, MaxResults: 100, NextToken })),
    );
  } catch (error) {
    return [couldNotCheck('SageMaker quotas', error, 'servicequotas:ListServiceQuotas')];
  }
  const unapplied = new Set([...names].filter((n) => !applied.has(n)));
  if (unapplied.size > 0) {
    try {
      defaults = await findQuotas(unapplied, (NextToken) =>
        client.send(
          new ListAWSDefaultServiceQuotasCommand({ ServiceCode: SAGEMAKER_SERVICE_CODE, MaxResults: 100, NextToken }),
        ),
      );
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
