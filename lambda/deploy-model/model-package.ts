/**
 * The approved model package, as DescribeModelPackage describes it: whether it is still to be
 * deployed, and with which data quality drift baseline, if any.
 */
import type { DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import { parseS3Url } from '../shared/s3-url';
import { APPROVED } from '../../lib/contracts/serving';
import { DeployInputError } from './errors';

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
