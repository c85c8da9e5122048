#!/usr/bin/env node
/**
 * The preflight CLI: what would block the first `cdk deploy --all` of a stage in the account and
 * region the credentials point at, and how to fix each thing.
 *
 * ```
 * npm run preflight -- [--stage sandbox] [--config JSON] [--region REGION] [--profile NAME]
 * ```
 *
 * Exit codes: 0 nothing blocks the deploy (warnings may remain), 1 blockers (or no credentials, no
 * region, an AWS failure), 2 bad usage (including an invalid configuration). `main` is importable
 * with injected dependencies; the file runs it only when executed directly, and never calls AWS
 * at import time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { parseOptionArgs, readArguments, reportUsageError, UsageError } from '../lib/shared/cli/args';
import { AWS_OPTION_NAMES, awsClientConfig, awsOptionsHelp, awsTargetOptions } from '../lib/shared/cli/aws-options';
import { describeError } from '../lib/shared/cli/aws-errors';
import { ConfigError, loadStageConfig, STAGE_NAMES, type StageConfig } from '../lib/config';
import { DEFAULT_TOOLKIT_STACK_NAME, type BootstrapRequirement } from '../lib/preflight/bootstrap';
import { globalInfrastructureQueryRegion } from '../lib/preflight/services';
import { type HostFacts, type ImdsPolicy, imdsPolicy } from '../lib/preflight/credentials';
import { CredentialsError, noCredentialsMessage } from '../lib/preflight/errors';
import { exitCodeOf, formatReport } from '../lib/preflight/result';
import { type PreflightClients, runPreflight } from '../lib/preflight/run';
import { runMain } from '../lib/shared/cli/run-main';

export { UsageError };

/** The help text. */
export const USAGE = `Usage: npm run preflight -- [options]

Checks, with your AWS credentials and before the first \`npm run deploy\`, what would block the
deploy of a stage: the CDK bootstrap stack and its version, the region's services and SageMaker
images, the SageMaker quotas of the stage's instance types, the account, and (when the stage uses
it) whether Model Monitor is open to the account. One line per check (ok, warn or BLOCKER, with
what to do), then a summary. Nothing is created or changed.

Options:
  --stage STAGE        ${STAGE_NAMES.join(' or ')} (default: the \`stage\` context of cdk.json, else ${STAGE_NAMES[0]}), as -c stage=STAGE
  --config JSON        configuration overrides, as -c config=JSON (default: the \`config\` context of
                       cdk.json, else of cdk.context.json)
${awsOptionsHelp(
  23,
  "the region to check (default: the stage's configured region, else AWS_REGION or the profile's);\n" +
    '                       production must not name another region than its own',
)}
  --toolkit-stack-name NAME
                       the CDK bootstrap stack (default ${DEFAULT_TOOLKIT_STACK_NAME}), as for cdk bootstrap
  --help               show this help

Exit codes: 0 nothing blocks the deploy, 1 blockers or a failure (no credentials, no region),
2 bad usage or an invalid configuration.
`;

const STACK_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** The validated options; absent ones take their defaults in `main`. */
export interface PreflightOptions {
  readonly stage?: string;
  readonly config?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly toolkitStackName: string;
  readonly help: boolean;
}

/** Parses and validates the arguments; throws a {@link UsageError} naming the option, the value and what is allowed. */
export function parseOptions(argv: readonly string[]): PreflightOptions {
  const { text, help } = parseOptionArgs(argv, ['stage', 'config', 'toolkit-stack-name', ...AWS_OPTION_NAMES]);
  const toolkitStackName = text('toolkit-stack-name') ?? DEFAULT_TOOLKIT_STACK_NAME;
  if (help) {
    return { toolkitStackName, help: true };
  }
  const stage = text('stage');
  if (stage !== undefined && !(STAGE_NAMES as readonly string[]).includes(stage)) {
    throw new UsageError(`--stage is "${stage}"; expected one of: ${STAGE_NAMES.join(', ')}`);
  }
  const { region, profile } = awsTargetOptions(text);
  if (!STACK_NAME_PATTERN.test(toolkitStackName)) {
    throw new UsageError(
      `--toolkit-stack-name is "${toolkitStackName}"; expected a CloudFormation stack name: a letter, then letters, digits and hyphens`,
    );
  }
  const config = text('config');
  return {
    ...(stage === undefined ? {} : { stage }),
    ...(config === undefined ? {} : { config }),
    ...(region === undefined ? {} : { region }),
    ...(profile === undefined ? {} : { profile }),
    toolkitStackName,
    help: false,
  };
}

/** A text sink such as `process.stdout`. */
export interface TextOutput {
  write(chunk: string): unknown;
}

/**
 * A credential provider as the SDK clients take one (the type of the SDK's own default chain,
 * rather than an import from a package this project does not depend on directly).
 */
export type CredentialProvider = (
  ...args: Parameters<ReturnType<typeof fromNodeProviderChain>>
) => ReturnType<ReturnType<typeof fromNodeProviderChain>>;

/** What the clients are made for. */
export interface ClientTarget {
  readonly region: string;
  readonly credentials: CredentialProvider;
}

/** What `main` talks to; tests inject them. */
export interface PreflightDeps {
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
  /**
   * The CDK context cdk.json and cdk.context.json give, in the CDK CLI's order of precedence
   * (cdk.json first).
   * @default - read from the project's cdk.json and cdk.context.json
   */
  readonly projectContext?: () => readonly Readonly<Record<string, unknown>>[];
  /**
   * The region of the SDK's default chain (AWS_REGION, the profile's region).
   * @default - an STS client's resolved region
   */
  readonly defaultRegion?: (profile: string | undefined) => Promise<string | undefined>;
  /**
   * The credential provider, with the IMDS policy it follows.
   * @default - {@link defaultCredentials}
   */
  readonly credentials?: (profile: string | undefined) => { provider: CredentialProvider; policy: ImdsPolicy };
  /**
   * Makes the AWS clients (called only once credentials were found).
   * @default - SDK clients in the target region (the global-infrastructure one where those parameters can be read)
   */
  readonly createClients?: (target: ClientTarget) => PreflightClients;
  /**
   * What the app requires of the bootstrap stack.
   * @default - synthesizes the stage's app (lib/preflight/synth.ts)
   */
  readonly bootstrapRequirement?: (
    config: StageConfig,
    context: Readonly<Record<string, unknown>>,
  ) => BootstrapRequirement | Promise<BootstrapRequirement>;
}

const ROOT = path.join(__dirname, '..');

/** The `context` of cdk.json and the whole of cdk.context.json, when present. */
function readProjectContext(): Readonly<Record<string, unknown>>[] {
  const read = (file: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const cdkJson = (read('cdk.json')?.context ?? {}) as Record<string, unknown>;
  return [cdkJson, read('cdk.context.json') ?? {}];
}

/** The first of the context sources that has `key`. */
function contextValue(sources: readonly Readonly<Record<string, unknown>>[], key: string): unknown {
  return sources.find((source) => Object.hasOwn(source, key))?.[key];
}

/** The facts of this host that decide whether to ask IMDS. */
export function hostFacts(env: Readonly<Record<string, string | undefined>> = process.env): HostFacts {
  const disabled = env.AWS_EC2_METADATA_DISABLED;
  return {
    platform: process.platform,
    imdsEnvironment:
      disabled === undefined || disabled === '' ? 'unset' : disabled.toLowerCase() === 'false' ? 'enabled' : 'disabled',
    readFile: (file) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Applies an IMDS policy: when IMDS is not to be asked, sets AWS_EC2_METADATA_DISABLED, the switch
 * the SDK's default chain itself reads (it takes no option for it), so that the chain ends at once
 * instead of waiting on 169.254.169.254.
 */
export function applyImdsPolicy(policy: ImdsPolicy, env: Record<string, string | undefined> = process.env): void {
  if (!policy.consult) {
    env.AWS_EC2_METADATA_DISABLED = 'true';
  }
}

/**
 * With `--profile`, that profile's credentials alone, as every CLI reads them
 * (lib/shared/cli/aws-options.ts); without, the SDK's default credential chain (environment, SSO and
 * shared config files, credential_process, web identity, container and instance metadata), with
 * IMDS asked only where it can answer (lib/preflight/credentials.ts) and never retried.
 */
export function defaultCredentials(
  profile: string | undefined,
  facts: HostFacts = hostFacts(),
  env: Record<string, string | undefined> = process.env,
): { provider: CredentialProvider; policy: ImdsPolicy } {
  const policy = imdsPolicy(facts);
  applyImdsPolicy(policy, env);
  const fromProfile = profile === undefined ? undefined : awsClientConfig({ profile }).credentials;
  if (fromProfile !== undefined) {
    return { provider: fromProfile, policy };
  }
  const provider = fromNodeProviderChain({
    maxRetries: 0,
    ...(policy.consult && policy.timeoutMs !== undefined ? { timeout: policy.timeoutMs } : {}),
  });
  return { provider, policy };
}

/** The region of the SDK's default chain for the profile (its config, else AWS_REGION), as any client of it resolves it. */
export async function sdkDefaultRegion(profile: string | undefined): Promise<string | undefined> {
  const client = new STSClient(awsClientConfig(profile === undefined ? {} : { profile }));
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

function defaultClients({ region, credentials }: ClientTarget): PreflightClients {
  const config = { region, credentials };
  return {
    sts: new STSClient(config),
    cloudFormation: new CloudFormationClient(config),
    ssm: new SSMClient(config),
    globalInfrastructure: new SSMClient({ region: globalInfrastructureQueryRegion(region), credentials }),
    serviceQuotas: new ServiceQuotasClient(config),
    sageMaker: new SageMakerClient(config),
  };
}

async function synthesizedRequirement(
  config: StageConfig,
  context: Readonly<Record<string, unknown>>,
): Promise<BootstrapRequirement> {
  // Loaded here, not at the top: the stacks pull in most of aws-cdk-lib, which a run that stops
  // early (no credentials, bad usage) should not wait for.
  const { synthesizeBootstrapRequirement } = await import('../lib/preflight/synth.js');
  return synthesizeBootstrapRequirement(config, context);
}

/**
 * Runs the CLI with `argv` (without the node and script paths) and resolves with the exit code:
 * 0 nothing blocks the deploy, 1 blockers or a failure, 2 bad usage.
 */
export async function main(argv: readonly string[], deps: PreflightDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const fail = (message: string, code: number) => {
    stderr.write(`error: ${message}\n`);
    return code;
  };
  const options = readArguments(argv, parseOptions, { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }

  const sources = (deps.projectContext ?? readProjectContext)();
  let config: StageConfig;
  try {
    config = loadStageConfig({
      stage: options.stage ?? contextValue(sources, 'stage'),
      config: options.config ?? contextValue(sources, 'config'),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      return fail(`${error.message}\nRun with --help to see the options.`, 2);
    }
    throw error;
  }
  if (config.region !== undefined && options.region !== undefined && options.region !== config.region) {
    return reportUsageError(
      stderr,
      new UsageError(
        `--region is "${options.region}", but stage ${config.stage} deploys to config.${config.stage}.region ` +
          `"${config.region}"; leave --region out or make them agree`,
      ),
    );
  }
  const region = config.region ?? options.region ?? (await (deps.defaultRegion ?? sdkDefaultRegion)(options.profile));
  if (region === undefined) {
    return fail(
      `no AWS region: stage ${config.stage} has no configured region, and none was given. Pass --region, set ` +
        'AWS_REGION, or use a profile (--profile or AWS_PROFILE) that has a region.',
      1,
    );
  }

  // Credentials first, on their own: without them nothing else can be checked, and the message
  // should come at once rather than after the app is synthesized.
  const { provider, policy } = (deps.credentials ?? defaultCredentials)(options.profile);
  try {
    await provider();
  } catch (error) {
    const { message } = describeError(error);
    const imds = policy.consult ? '' : ` (the EC2 instance metadata service was not asked: ${policy.reason})`;
    return fail(noCredentialsMessage(`${message}${imds}`), 1);
  }

  const clients = (deps.createClients ?? defaultClients)({ region, credentials: provider });
  const context = Object.assign({}, ...[...sources].reverse()) as Record<string, unknown>;
  try {
    const report = await runPreflight(clients, {
      config,
      region,
      toolkitStackName: options.toolkitStackName,
      bootstrapRequirement: () => {
        if (deps.bootstrapRequirement !== undefined) {
          return deps.bootstrapRequirement(config, context);
        }
        // Synthesis takes seconds: say why the run pauses.
        stderr.write('synthesizing the app to read the bootstrap version it requires...\n');
        return synthesizedRequirement(config, context);
      },
    });
    stdout.write(formatReport(report.results, { stage: config.stage, account: report.account, region }));
    return exitCodeOf(report.results);
  } catch (error) {
    if (error instanceof CredentialsError) {
      return fail(error.message, 1);
    }
    const { name, message } = describeError(error);
    return fail(`${name}: ${message}`, 1);
  } finally {
    for (const client of Object.values(clients) as { destroy(): void }[]) {
      client.destroy();
    }
  }
}

runMain(module, (argv) => main(argv));
