#!/usr/bin/env node
/**
 * The local CLI: the whole lifecycle on this machine, no AWS account needed (lib/local/lifecycle.ts).
 *
 * ```
 * npm run local                                   # 10,000 records, seed 42, into local/
 * npm run local -- --customers 20000 --seed 7     # other data
 * npm run local -- --out /tmp/run --trials 2      # elsewhere, a smaller search
 * npm run local -- --scenario market              # the customers move, who leaves does not: the challenger is rejected
 * ```
 *
 * It needs Python 3.11+ and Java 17 (for local Spark); it makes the project's `.venv/` first
 * (`npm run python`). Exit codes: 0 done (whatever the gate decided), 1 a stage failed or
 * something to install, 2 bad usage.
 */
import * as path from 'node:path';
import { loadStageConfig } from '../lib/config';
import { businessCaseLines } from '../lambda/evaluate/business-text';
import { DEFAULT_SCENARIO, runLocalLifecycle, StageError } from '../lib/local/lifecycle';
import { ensurePythonEnv, PythonEnvError } from '../lib/local/python-env';
import { integerOption, parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import { runMain } from '../lib/shared/cli/run-main';
import {
  DRIFT_SCENARIO_NAMES,
  DRIFT_SCENARIOS,
  type DriftScenarioName,
  isDriftScenarioName,
} from '../lib/schema/drift-scenarios';

const ROOT = path.join(__dirname, '..');

/** The help text. */
export const USAGE = `Usage: npm run local [-- --customers N] [--seed S] [--trials T] [--scenario NAME] [--out DIR]

Runs the lifecycle on this machine: generate records, clean them as Firehose invokes the record
cleaner, curate and build features on local Spark, tune and train XGBoost 1.7, batch-score the
test split, evaluate, apply the quality gate, write the evaluation report, check two windows of
new customers (one drifted as the scenario says) for drift against the training baseline, join
their outcomes to their scores for live quality, retrain on new customers of the scenario, and let
the quality gate decide between the model in service (the champion) and the retrained challenger.

Options:
  --customers N    records to generate, 1,000 to 1,000,000 (default 10000), for the first
                   training and again for the retraining
  --seed S         the generator's seed, an integer (default 42)
  --trials T       tuning trials, 1 to 20 (default 4)
  --scenario NAME  what happens to the customers after training (default ${DEFAULT_SCENARIO}):
${DRIFT_SCENARIO_NAMES.map((name) => `                   ${name}: ${DRIFT_SCENARIOS[name].description}`).join('\n')}
  --out DIR        the output folder (default local/); its previous run is replaced
  --help           show this help

Needs Python 3.11+ and Java 17; makes the project's .venv/ first (npm run python).
Exit codes: 0 done (whatever the gates decided), 1 a stage failed or something to install, 2 bad usage.
`;

/** `--scenario`, or the default. */
function scenario(text: string | undefined): DriftScenarioName {
  if (text === undefined) {
    return DEFAULT_SCENARIO;
  }
  if (!isDriftScenarioName(text)) {
    throw new UsageError(`--scenario is "${text}"; expected one of: ${DRIFT_SCENARIO_NAMES.join(', ')}`);
  }
  return text;
}

/** What a run is asked for. */
interface LocalOptions {
  readonly help: boolean;
  readonly customers: number;
  readonly seed: number;
  readonly trials: number;
  readonly scenario: DriftScenarioName;
  readonly out: string;
}

/** Parses and validates the arguments; throws a {@link UsageError} naming the option, the value and what is allowed. */
function parseOptions(argv: readonly string[]): LocalOptions {
  const args = parseOptionArgs(argv, ['customers', 'seed', 'trials', 'scenario', 'out']);
  return {
    help: args.help,
    customers: integerOption('customers', args.text('customers'), { min: 1_000, max: 1_000_000 }) ?? 10_000,
    seed: integerOption('seed', args.text('seed')) ?? 42,
    trials: integerOption('trials', args.text('trials'), { min: 1, max: 20 }) ?? 4,
    scenario: scenario(args.text('scenario')),
    out: path.resolve(args.text('out') ?? path.join(ROOT, 'local')),
  };
}

/**
 * Runs the CLI with `argv` (without the node and script paths) and resolves with the exit code:
 * 0 done, 1 a stage failed or something to install, 2 bad usage.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const options = readArguments(argv, parseOptions, process, USAGE);
  if (typeof options === 'number') {
    return options;
  }

  try {
    const env = ensurePythonEnv({
      root: ROOT,
      python: process.env.PYTHON,
      java: process.env.JAVA,
      log: (message) => console.log(`python: ${message}`),
    });
    const started = Date.now();
    const result = await runLocalLifecycle({
      ...options,
      root: ROOT,
      python: env.python,
      config: loadStageConfig({}),
      now: new Date(),
      log: (line) => console.log(line),
    });
    const { retraining, quality } = result;
    const auc = (value: number | null) => (value === null ? 'undefined' : value.toFixed(4));
    console.log(
      `\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s. Open the report: ${result.files.report}\n` +
        `The data report: ${result.files.dataReport}; the tuning report: ${result.files.tuningReport}\n` +
        `evaluation.json, model-quality.json and gate.json are beside it; the data of each stage is under ${options.out}/.\n` +
        `The drift reports: ${result.files.drift.drifted} (drifted) and ${result.files.drift.steady} (not);\n` +
        `compare the same files yourself: npm run drift -- --baseline ${path.join(options.out, 'monitoring', 'drift', 'baseline.csv')} ` +
        `--current ${path.join(options.out, 'monitoring', 'drift', 'drifted', 'current.csv')}\n` +
        `Live quality (${result.files.quality.drifted}): ${quality.steady.quality.verdict} without drift (AUC ${auc(quality.steady.quality.auc)}), ` +
        `${quality.drifted.quality.verdict} with ${options.scenario} (AUC ${auc(quality.drifted.quality.auc)}).\n` +
        `Retraining (${result.files.retrainingGate}): ${retraining.gate.event.decision}, ${retraining.gate.decision.status}; ` +
        `on the new test split the challenger's AUC is ${auc(retraining.challenger.auc)} and the champion's ${auc(retraining.champion.auc)} ` +
        `(margin ${retraining.gate.scores.championMargin}).\n\n` +
        `The business case (config business.*; evaluation.json's business):\n` +
        businessCaseLines(result.evaluation.business)
          .map((line) => `  ${line}`)
          .join('\n'),
    );
    return 0;
  } catch (error) {
    if (error instanceof PythonEnvError || error instanceof StageError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

runMain(module, main);
