/** Command-line arguments of the project's CLIs (`npm run produce`, `npm run invoke`, `npm run generate`), read the same way. */
import { parseArgs } from 'node:util';

/** Bad command-line usage (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options given: each string option's text (or undefined), each flag's presence, and whether --help was asked for. */
export interface ParsedOptions {
  readonly text: (name: string) => string | undefined;
  readonly flag: (name: string) => boolean;
  readonly help: boolean;
}

/**
 * Parses `--name value` options (`stringOptions`), `--name` flags without a value (`flagOptions`)
 * and `--help`/`-h`, strictly: an unknown option, a flag given a value or a positional argument is a
 * {@link UsageError} with node's own message.
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
    throw new UsageError(error instanceof Error ? error.message : String(error));
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
