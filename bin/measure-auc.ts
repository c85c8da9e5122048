#!/usr/bin/env node
/**
 * How much signal the synthetic churn data carries, for docs/data.md: the churn rate, the AUC of the
 * true churn probability (the ceiling) and that of a logistic regression trained on the first 75%
 * of the customers and scored on the rest.
 *
 * ```
 * npm run measure:auc -- [--count 50000] [--seed 42]
 * ```
 *
 * It needs no AWS account. On a terminal, stderr says what it is doing while it works. Exit codes:
 * 0 measured, 2 bad usage. `main` is importable; the file runs it only when executed directly.
 */
import { measureChurnSignal } from '../lib/shared/churn-signal';
import { generateCustomers } from '../lib/schema/generator';
import { integerOption, parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import { createProgress, type ProgressOutput } from '../lib/shared/cli/progress';
import { runMain } from '../lib/shared/cli/run-main';

export { UsageError };

/** The share of the customers the logistic regression is trained on; the rest are held out. */
const TRAIN_SHARE = 0.75;

/** `--count` when not given: enough customers for the AUCs to be stable to the third decimal. */
export const DEFAULT_COUNT = 50_000;

/** `--seed` when not given. */
export const DEFAULT_SEED = 42;

/** The fewest customers `--count` allows: below, the held-out quarter is too small for an AUC. */
export const MIN_COUNT = 100;

/** The help text. */
export const USAGE = `Usage: npm run measure:auc -- [options]

Measures how much signal the synthetic churn data carries: the churn rate, the AUC of the true
churn probability (the ceiling any model can reach) and that of a logistic regression trained on
the first ${TRAIN_SHARE * 100}% of the customers and scored on the rest. Needs no AWS account.

Options:
  --count N  customers to generate, an integer of at least ${MIN_COUNT} (default ${DEFAULT_COUNT})
  --seed S   the generator's seed, an integer (default ${DEFAULT_SEED})
  --help     show this help

Exit codes: 0 measured, 2 bad usage.
`;

/** The validated options. */
export interface MeasureOptions {
  readonly count: number;
  readonly seed: number;
  readonly help: boolean;
}

/** Parses and validates the arguments; throws a {@link UsageError} naming the option, the value and what is allowed. */
export function parseOptions(argv: readonly string[]): MeasureOptions {
  const { text, help } = parseOptionArgs(argv, ['count', 'seed']);
  if (help) {
    return { count: DEFAULT_COUNT, seed: DEFAULT_SEED, help: true };
  }
  return {
    count: integerOption('count', text('count'), { min: MIN_COUNT }) ?? DEFAULT_COUNT,
    seed: integerOption('seed', text('seed')) ?? DEFAULT_SEED,
    help: false,
  };
}

/** A text sink such as `process.stdout`; `isTTY` says whether progress is drawn on it. */
export interface TextOutput extends ProgressOutput {
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface MeasureDeps {
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
}

/** Runs the CLI with `argv` (without the node and script paths) and returns the exit code: 0 measured, 2 bad usage. */
export function main(argv: readonly string[], deps: MeasureDeps = {}): number {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const options = readArguments(argv, parseOptions, { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }
  const { count, seed } = options;
  const trainCount = Math.round(count * TRAIN_SHARE);

  // The work is synchronous (seconds at the default count): the line is drawn once, before it,
  // with no interval to wait for, and cleared after.
  const progress = createProgress(stderr, { intervalMs: 0 });
  progress.update(`generating ${count} customers and training a logistic regression on ${trainCount}...`);
  const signal = measureChurnSignal(generateCustomers({ seed, count }), trainCount);
  progress.end();

  const rows: [string, string][] = [
    ['seed', String(seed)],
    ['customers', `${count} (${trainCount} to train, ${count - trainCount} held out)`],
    ['churn rate', `${(signal.churnRate * 100).toFixed(1)}%`],
    [
      'AUC of the true churn probability (ceiling)',
      `${signal.trueAuc.toFixed(3)} (held out: ${signal.heldOutTrueAuc.toFixed(3)})`,
    ],
    ['AUC of a logistic regression (held out)', signal.modelAuc.toFixed(3)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) {
    stdout.write(`${label.padEnd(width)}  ${value}\n`);
  }
  return 0;
}

// Synchronous, so the runner gets its code as a settled promise.
runMain(module, (argv) => Promise.resolve(main(argv)));
