/**
 * Command-line arguments of the project's CLIs (`npm run produce`, `invoke`, `generate`, `drift`,
 * `diagram`, `local`, `python`, `preflight`, `measure:auc`), read the same way: strict options, no
 * positional arguments, `--help`/`-h`, and bad usage answered with one line on stderr and exit code 2.
 */
import { parseArgs } from 'node:util';

/** Bad command-line usage (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The exit code of bad usage, the same for every CLI. */
export const USAGE_EXIT_CODE = 2;

/** The options given: each string option's text (or undefined), each flag's presence, and whether --help was asked for. */
export interface ParsedOptions {
  readonly text: (name: string) => string | undefined;
  readonly flag: (name: string) => boolean;
  readonly help: boolean;
}

/**
 * Parses `--name value` options (`stringOptions`), `--name` flags without a value (`flagOptions`)
 * and `--help`/`-h`, strictly: an unknown option, a flag given a value or a positional argument is a
 * {@link UsageError} with node's own message (without its hint on positional arguments, which
 * none of these CLIs take).
 */
export function parseOptionArgs(
  argv: readonly string[],
  stringOptions: readonly string[],
  flagOptions: readonly string[] = [],
): ParsedOptions {
  let values: Readonly<Record<string, string | boolean | undefined>>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(stringOptions.map((name) => [name, { type: 'string' as const }])),
        ...Object.fromEntries(flagOptions.map((name) => [name, { type: 'boolean' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // Node's own error, read by shape: under a test runner it may come from another realm, where
    // `instanceof Error` is false.
    const text: unknown = (error as { message?: unknown } | null)?.message;
    const message = typeof text === 'string' ? text : String(error);
    // "Unknown option '--x'. To specify a positional argument starting with a '-', place it at the
    // end of the command after '--' ...": the hint is for commands that take positional arguments.
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  return {
    text: (name) => {
      const value = values[name];
      return typeof value === 'string' ? value : undefined;
    },
    flag: (name) => values[name] === true,
    help: values.help === true,
  };
}

/** The range an integer option allows; both ends included. */
export interface IntegerRange {
  /** @default Number.MIN_SAFE_INTEGER */
  readonly min?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/**
 * `--name`'s text as an integer written in decimal digits (`1e3`, `1.5`, ` 7` are not), or
 * `undefined` when the option was not given.
 * @throws UsageError naming the option, the value and the integers allowed
 */
export function integerOption(name: string, text: string | undefined, range: IntegerRange = {}): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(value) && value >= min && value <= max) {
    return value;
  }
  const bounded = (n: number) => Math.abs(n) < Number.MAX_SAFE_INTEGER;
  const allowed =
    bounded(min) && bounded(max)
      ? `an integer from ${min} to ${max}`
      : bounded(min)
        ? min === 1
          ? 'an integer > 0'
          : `an integer of at least ${min}`
        : bounded(max)
          ? `an integer of at most ${max}`
          : 'an integer';
  // Digits beyond what a double holds exactly: say where the integers end.
  const tooLarge = !Number.isNaN(value) && !Number.isSafeInteger(value) && value > 0 && !bounded(max);
  throw new UsageError(
    `--${name} is "${text}"; expected ${allowed}${tooLarge ? ` no larger than ${Number.MAX_SAFE_INTEGER}` : ''}`,
  );
}

/** A text sink such as `process.stderr`. */
export interface UsageOutput {
  write(chunk: string): unknown;
}

/**
 * Writes bad usage as the one line every CLI writes for it, pointing at --help, and returns the
 * exit code of bad usage.
 */
export function reportUsageError(stderr: UsageOutput, error: UsageError): number {
  const message = error.message.replace(/\s*\n\s*/g, ' ');
  stderr.write(`error: ${message} (run with --help to see the options)\n`);
  return USAGE_EXIT_CODE;
}

/** Where a CLI writes its usage and its usage errors. */
export interface UsageStreams {
  readonly stdout: UsageOutput;
  readonly stderr: UsageOutput;
}

/**
 * Reads a CLI's arguments with `parse` as every CLI does: with `--help`, writes `usage` on stdout
 * and gives 0; on a {@link UsageError}, writes the one line of {@link reportUsageError} and gives 2.
 * Either way the CLI returns that number as its exit code; otherwise it runs with the options.
 * Errors other than bad usage propagate.
 */
export function readArguments<T extends { readonly help: boolean }>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => T,
  streams: UsageStreams,
  usage: string,
): T | number {
  let options: T;
  try {
    options = parse(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      return reportUsageError(streams.stderr, error);
    }
    throw error;
  }
  if (options.help) {
    streams.stdout.write(usage);
    return 0;
  }
  return options;
}
