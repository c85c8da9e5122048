/** Command-line arguments of the project's CLIs (`npm run produce`, `npm run invoke`), read the same way. */
import { parseArgs } from 'node:util';

/** Bad command-line usage (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options given: each string option's text (or undefined), and whether --help was asked for. */
export interface ParsedOptions {
  readonly text: (name: string) => string | undefined;
  readonly help: boolean;
}

/**
 * Parses `--name value` options (every one a string) and `--help`/`-h`, strictly: an unknown option
 * or a positional argument is a {@link UsageError} with node's own message.
 */
export function parseOptionArgs(argv: readonly string[], stringOptions: readonly string[]): ParsedOptions {
  let values: Readonly<Record<string, string | boolean | undefined>>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(stringOptions.map((name) => [name, { type: 'string' as const }])),
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
    help: values.help === true,
  };
}
