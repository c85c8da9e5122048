/**
 * The regional-services check: whether the region offers each AWS service the stacks deploy to,
 * from the AWS public global-infrastructure parameters.
 */
import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { couldNotCheck } from './errors';
import type { CheckResult } from './result';

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
        fix: 'check the region table of AWS services by hand, and correct REGIONAL_SERVICES in lib/preflight/services.ts',
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
