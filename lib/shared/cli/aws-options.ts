/**
 * `--region` and `--profile`, read and applied the same way by every CLI that calls AWS (`npm run
 * produce`, `invoke`, `preflight`): validated like the AWS CLI's names, then handed to the SDK in
 * its own terms, the client's `region` and `profile` options and `fromIni({ profile })` credentials,
 * so a profile gives both its credentials and (without `--region`) its region.
 */
import { fromIni } from '@aws-sdk/credential-providers';
import { UsageError } from './args';

/** The option names, for {@link parseOptionArgs}'s string options. */
export const AWS_OPTION_NAMES = ['region', 'profile'] as const;

/** An AWS region name: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`. */
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** A profile name as `aws configure --profile` writes one. */
const PROFILE_PATTERN = /^[\w.@+-]+$/;

/** The help text's lines for both options, aligned on the description column (0-based). */
export function awsOptionsHelp(
  column: number,
  region = "the AWS region (default: AWS_REGION, else the profile's)",
): string {
  const line = (option: string, text: string) =>
    option.length + 2 < column ? `  ${option.padEnd(column - 2)}${text}` : `  ${option}\n${' '.repeat(column)}${text}`;
  return [
    line('--region REGION', region),
    line('--profile NAME', "the AWS profile for credentials and region (default: AWS_PROFILE, else the SDK's chain)"),
  ].join('\n');
}

/** Where AWS calls go, and as whom; an absent member is left to the SDK's default chain. */
export interface AwsTarget {
  readonly region?: string;
  readonly profile?: string;
}

/**
 * `--region` and `--profile` as given, validated.
 * @throws UsageError naming the option, the value and what is allowed
 */
export function awsTargetOptions(text: (name: string) => string | undefined): AwsTarget {
  const region = text('region');
  if (region !== undefined && !REGION_PATTERN.test(region)) {
    throw new UsageError(`--region is "${region}"; expected an AWS region name such as us-east-1 or eu-west-1`);
  }
  const profile = text('profile');
  if (profile !== undefined && !PROFILE_PATTERN.test(profile)) {
    throw new UsageError(`--profile is "${profile}"; expected a profile name of letters, digits and _ . @ + -`);
  }
  return { ...(region === undefined ? {} : { region }), ...(profile === undefined ? {} : { profile }) };
}

/** The part of an SDK v3 client's configuration that {@link awsClientConfig} sets. */
export interface AwsClientConfig {
  readonly region?: string;
  readonly profile?: string;
  readonly credentials?: ReturnType<typeof fromIni>;
}

/**
 * The client configuration for a target: its region, and with a profile the client's `profile`
 * (which the SDK reads the region and other settings from, unless the environment sets them) and
 * that profile's credentials alone (`fromIni`: keys, SSO, `credential_process`, assumed roles),
 * never the environment's keys or the instance's. Spread it into any client's constructor.
 */
export function awsClientConfig(target: AwsTarget): AwsClientConfig {
  return {
    ...(target.region === undefined ? {} : { region: target.region }),
    ...(target.profile === undefined
      ? {}
      : { profile: target.profile, credentials: fromIni({ profile: target.profile }) }),
  };
}
