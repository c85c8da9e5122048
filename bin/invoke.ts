#!/usr/bin/env node
/**
 * The invoke CLI: a few synthetic customers sent to the deployed churn endpoint, each one's churn
 * probability, and the decision at the campaign's cutoff: the evaluation's budget-constrained one.
 *
 * ```
 * npm run invoke -- [--count 5] [--seed S] [--drift SCENARIO] [--stage sandbox] [--endpoint NAME]
 *                   [--region REGION] [--profile NAME]
 * ```
 *
 * The region and credentials are `--region` and `--profile`'s, else the SDK's default chain's
 * (AWS_REGION, AWS_PROFILE, ...). On a terminal, stderr shows how many customers are scored.
 * Exit codes: 0 success, 1 failure, 2 bad usage. `main` is importable with injected dependencies;
 * the file runs it only when executed directly, and never calls AWS at import time.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { STAGE_NAMES } from '../lib/config';
import { generateCustomers } from '../lib/schema/generator';
import { servingStackName } from '../lib/serving/endpoint-lookup';
import { scoreCustomers, type ServingClients } from '../lib/serving/invoke';
import { formatReport } from '../lib/serving/score-report';
import { integerOption, parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import {
  AWS_OPTION_NAMES,
  awsClientConfig,
  awsOptionsHelp,
  type AwsTarget,
  awsTargetOptions,
} from '../lib/shared/cli/aws-options';
import { countText, createProgress, type ProgressOutput } from '../lib/shared/cli/progress';
import { DRIFT_OPTION_HELP, type DriftChoice, driftOption } from '../lib/shared/cli/drift-option';
import { runMain } from '../lib/shared/cli/run-main';

export { UsageError };

/**
 * The most customers `--count` allows: enough for a drift check's window (`monitoring.minimumRows`,
 * 200 by default) and a quality check's outcomes, sent one request each.
 */
export const MAX_COUNT = 2000;

/** `--count` when not given. */
export const DEFAULT_COUNT = 5;

/** The help text. */
export const USAGE = `Usage: npm run invoke -- [options]

Sends a few synthetic customers to the deployed churn endpoint, one request each with the
customer's id as its InferenceId (so data capture ties the prediction to the customer), and prints
each one's churn probability and the decision (offer or no offer) at the campaign's cutoff: the
evaluation's budget-constrained cutoff, which keeps the incentives within business.incentiveBudget.

Options:
  --count N        customers to send, an integer from 1 to ${MAX_COUNT} (default ${DEFAULT_COUNT})
  --seed S         random seed, an integer (default: a random one, printed); the same seed gives
                   the same customers
  --drift SCENARIO the customers drift as the scenario says (the same as npm run produce's --drift):
${DRIFT_OPTION_HELP}
  --stage STAGE    ${STAGE_NAMES.join(' or ')} (default ${STAGE_NAMES[0]}): the endpoint is the EndpointName
                   output of stack ${servingStackName('STAGE')}, the cutoff its model's budgetCutoff
  --endpoint NAME  call this endpoint instead of the stack's (the cutoff is still read from the
                   stack when it serves this endpoint; otherwise 0.5 is used, and said)
${awsOptionsHelp(19, "the AWS region of the stack and endpoint (default: AWS_REGION, else the profile's)")}
  --help           show this help

Without --region and --profile, the region and credentials come from the AWS SDK's default chain
(AWS_REGION, AWS_PROFILE, ...).
Exit codes: 0 success, 1 failure, 2 bad usage.
`;

/** A random seed is drawn from 0 to this (exclusive): short enough to read and type again. */
const RANDOM_SEED_RANGE = 1_000_000;

/** A SageMaker endpoint name (the API's pattern). */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** The validated options. */
export interface InvokeOptions {
  readonly count: number;
  /** Absent when none was given: `main` draws one and prints it. */
  readonly seed?: number;
  /** The scenario of `--drift`, absent without it. */
  readonly drift?: DriftChoice;
  readonly stage: string;
  readonly endpoint?: string;
  /** `--region` and `--profile`, each absent when not given. */
  readonly aws: AwsTarget;
  readonly help: boolean;
}

/** A text sink such as `process.stdout`; `isTTY` says whether progress is drawn on it. */
export interface TextOutput extends ProgressOutput {
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface InvokeDeps {
  /**
   * Makes the AWS clients (called only after the options are valid).
   * @default - clients in the target's region and profile, else the SDK's default ones
   */
  readonly createClients?: (target: AwsTarget) => ServingClients;
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
  /**
   * Draws the seed when `--seed` is not given, from [0, 1).
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * The clock of the progress line, in milliseconds.
   * @default performance.now
   */
  readonly now?: () => number;
}

/** Parses and validates the arguments; throws a {@link UsageError} naming the option, the value and what is allowed. */
export function parseOptions(argv: readonly string[]): InvokeOptions {
  const { text, help } = parseOptionArgs(argv, ['count', 'seed', 'drift', 'stage', 'endpoint', ...AWS_OPTION_NAMES]);
  const stage = text('stage') ?? STAGE_NAMES[0];
  if (help) {
    return { count: DEFAULT_COUNT, stage, aws: {}, help: true };
  }

  const count = integerOption('count', text('count'), { min: 1, max: MAX_COUNT }) ?? DEFAULT_COUNT;
  const seed = integerOption('seed', text('seed'));
  if (!(STAGE_NAMES as readonly string[]).includes(stage)) {
    throw new UsageError(`--stage is "${stage}"; expected one of: ${STAGE_NAMES.join(', ')}`);
  }
  const drift = driftOption(text('drift'));
  const endpoint = text('endpoint');
  if (endpoint !== undefined && !ENDPOINT_NAME.test(endpoint)) {
    throw new UsageError(
      `--endpoint is "${endpoint}"; expected a SageMaker endpoint name: 1 to 63 letters, digits and hyphens, ` +
        'starting and ending with a letter or digit',
    );
  }
  return {
    count,
    ...(seed === undefined ? {} : { seed }),
    ...(drift === undefined ? {} : { drift }),
    stage,
    ...(endpoint === undefined ? {} : { endpoint }),
    aws: awsTargetOptions(text),
    help: false,
  };
}

/** The three clients, in the target's region and profile (the SDK's defaults for what it leaves out). */
export function defaultClients(target: AwsTarget): ServingClients {
  const config = awsClientConfig(target);
  return {
    cloudFormation: new CloudFormationClient(config),
    sageMaker: new SageMakerClient(config),
    runtime: new SageMakerRuntimeClient(config),
  };
}

/**
 * Runs the CLI with `argv` (without the node and script paths) and resolves with the exit code:
 * 0 success, 1 failure, 2 bad usage.
 */
export async function main(argv: readonly string[], deps: InvokeDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const options = readArguments(argv, parseOptions, { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }
  const seed = options.seed ?? Math.floor((deps.random ?? Math.random)() * RANDOM_SEED_RANGE);
  const customers = generateCustomers({
    seed,
    count: options.count,
    ...(options.drift === undefined ? {} : { drift: options.drift.drift }),
  }).map((c) => c.record);
  const drifted = options.drift === undefined ? '' : `, drifted (${options.drift.name})`;
  stdout.write(
    `${options.count} generated customers, seed ${seed}${drifted} (--seed ${seed} sends the same ones again)\n`,
  );
  const clients = (deps.createClients ?? defaultClients)(options.aws);
  const progress = createProgress(stderr, deps.now === undefined ? {} : { now: deps.now });
  try {
    const report = await scoreCustomers(
      {
        customers,
        stage: options.stage,
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        onProgress: (done, total) => progress.update(() => countText('scored', done, total)),
      },
      clients,
    );
    progress.end();
    stdout.write(formatReport(report));
    return 0;
  } catch (error) {
    progress.end();
    stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    clients.cloudFormation.destroy();
    clients.sageMaker.destroy();
    clients.runtime.destroy();
  }
}

runMain(module, (argv) => main(argv));
