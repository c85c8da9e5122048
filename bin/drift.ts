#!/usr/bin/env node
/**
 * The drift CLI: the comparison the drift function runs in AWS, on two CSV files in the features'
 * layout (a header of the feature columns, no label), with the same code (`lambda/drift/`).
 *
 * ```
 * npm run drift -- --baseline FILE --current FILE [--out DIR] [--stage sandbox|production] [--json]
 * ```
 *
 * It needs no AWS account. Exit codes: 0 compared (whatever the verdict: read it in the output),
 * 1 the files cannot be compared (missing, not in the features' layout) or the report cannot be
 * written, 2 bad usage.
 */
import * as path from 'node:path';
import { STAGE_DEFAULTS, STAGE_NAMES } from '../lib/config';
import { compareDriftFiles, DriftFileError, type DriftFilesResult, writeDriftReport } from '../lib/local/drift';
import { parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import { runMain } from '../lib/shared/cli/run-main';
import { DriftInputError } from '../lambda/drift/errors';
import { FeaturesCsvError } from '../lambda/drift/features-csv';
import { formatDriftTable } from '../lambda/drift/report';
import { driftThresholdsFromSettings } from '../lambda/drift/thresholds';

export { UsageError };

/** `--out` when not given, relative to the current directory. */
export const DEFAULT_OUT = 'drift-report';

/** The help text. */
export const USAGE = `Usage: npm run drift -- --baseline FILE --current FILE [options]

Compares the current data with the baseline as the drift monitor does in AWS (same code): per
numeric feature the population stability index over the baseline's bins, per one-hot group the
largest change of a category's share, per feature the change of its missing fraction, and schema
violations. Prints a table of the checks, most urgent first, and the overall verdict (ok, watch,
act, or insufficient: too few rows), and writes report.json and report.html.

Both files are CSV in the features' layout: a header line naming the feature columns (the
training data's columns without the label), then one row per customer. The baseline must be
exactly that layout; what is wrong with the current file (a column missing, a value that is not
a number) is reported as a check that acts.

Options:
  --baseline FILE  the baseline CSV (the training split's features), required
  --current FILE   the CSV to judge, required
  --out DIR        where to write report.json and report.html (default ${DEFAULT_OUT}/; with --json,
                   nothing is written unless --out is given)
  --stage STAGE    ${STAGE_NAMES.join(' or ')} (default ${STAGE_NAMES[0]}): take the thresholds from that
                   stage's monitoring defaults
  --json           print only the JSON report: {"verdict", "features": [{"name", "statistic",
                   "value", "verdict"}], ...}
  --help           show this help

Exit codes: 0 compared (whatever the verdict), 1 the files cannot be compared or the report
cannot be written, 2 bad usage.
`;

/** The validated options. */
export interface DriftCliOptions {
  readonly baseline: string;
  readonly current: string;
  /** Absent with --json and no --out: nothing is written. */
  readonly out?: string;
  readonly stage: (typeof STAGE_NAMES)[number];
  readonly json: boolean;
  readonly help: boolean;
}

/** A text sink such as `process.stdout`. */
export interface TextOutput {
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface DriftDeps {
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Relative paths are resolved against it.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/** Parses and validates the arguments; throws a {@link UsageError} naming the option, the value and what is allowed. */
export function parseOptions(argv: readonly string[], cwd: string): DriftCliOptions {
  const { text, flag, help } = parseOptionArgs(argv, ['baseline', 'current', 'out', 'stage'], ['json']);
  const stageText = text('stage') ?? STAGE_NAMES[0];
  const stage = STAGE_NAMES.find((s) => s === stageText);
  if (help) {
    return { baseline: '', current: '', stage: stage ?? STAGE_NAMES[0], json: false, help: true };
  }
  if (stage === undefined) {
    throw new UsageError(`--stage is "${stageText}"; expected one of: ${STAGE_NAMES.join(', ')}`);
  }
  const file = (name: string): string => {
    const value = text(name);
    if (value === undefined || value.trim() === '') {
      throw new UsageError(
        `--${name} is ${value === undefined ? 'missing' : 'empty'}; expected the path of a CSV file in the features' layout`,
      );
    }
    return path.resolve(cwd, value);
  };
  const json = flag('json');
  const outText = text('out');
  if (outText?.trim() === '') {
    throw new UsageError('--out is empty; expected a directory');
  }
  const out = outText ?? (json ? undefined : DEFAULT_OUT);
  return {
    baseline: file('baseline'),
    current: file('current'),
    ...(out === undefined ? {} : { out: path.resolve(cwd, out) }),
    stage,
    json,
    help: false,
  };
}

/**
 * Runs the CLI with `argv` (without the node and script paths) and returns the exit code:
 * 0 compared, 1 the files cannot be compared or the report written, 2 bad usage.
 */
export function main(argv: readonly string[], deps: DriftDeps = {}): number {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const cwd = deps.cwd ?? process.cwd();
  /** A path as shown: relative to the current directory when inside it. */
  const shown = (file: string): string => {
    const relative = path.relative(cwd, file);
    return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  };
  const options = readArguments(argv, (args) => parseOptions(args, cwd), { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }

  let result: DriftFilesResult;
  try {
    result = compareDriftFiles({
      baseline: options.baseline,
      current: options.current,
      thresholds: driftThresholdsFromSettings(STAGE_DEFAULTS[options.stage].monitoring),
      generatedAt: (deps.now ?? (() => new Date()))(),
    });
  } catch (error) {
    if (error instanceof DriftFileError || error instanceof FeaturesCsvError || error instanceof DriftInputError) {
      stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  let written: { json: string; html: string } | undefined;
  if (options.out !== undefined) {
    try {
      written = writeDriftReport(options.out, result.report);
    } catch (error) {
      stderr.write(`error: cannot write the report to ${shown(options.out)}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  if (options.json) {
    stdout.write(`${JSON.stringify(result.report.json, null, 2)}\n`);
    return 0;
  }
  stdout.write(
    `Baseline ${shown(options.baseline)} (${result.baseline.rows} rows), current ${shown(options.current)} ` +
      `(${result.current.rows} rows), thresholds of stage ${options.stage}.\n\n`,
  );
  stdout.write(formatDriftTable(result.report.json));
  if (written !== undefined) {
    stdout.write(`\nWrote ${shown(written.json)}\nWrote ${shown(written.html)}\n`);
  }
  return 0;
}

// Synchronous (it reads two files and writes two), so the runner gets its code as a settled promise.
runMain(module, (argv) => Promise.resolve(main(argv)));
