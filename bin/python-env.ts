#!/usr/bin/env node
/**
 * Makes sure the project's Python environment (`.venv/`, the pins of `requirements.txt`) is
 * installed and current; `npm test` and `npm run local` run it first.
 *
 * ```
 * npm run python          # create or update .venv/ when requirements.txt or Python changed
 * ```
 *
 * `PYTHON` and `JAVA` name other interpreters than `python3` and `java`. Exit codes: 0 ready,
 * 1 something to install (the message says what) or pip failed, 2 bad usage.
 */
import * as path from 'node:path';
import { ensurePythonEnv, PythonEnvError, VENV_DIR } from '../lib/local/python-env';
import { parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import { runMain } from '../lib/shared/cli/run-main';

export { UsageError };

const ROOT = path.join(__dirname, '..');

/** The help text. */
export const USAGE = `Usage: npm run python

Makes sure the project's Python environment (${VENV_DIR}/, with the pins of requirements.txt) is
installed and current: creates or updates it when requirements.txt or the Python interpreter
changed, and says so; does nothing otherwise. npm test and npm run local run it first.

Options:
  --help  show this help

Environment: PYTHON and JAVA name other interpreters than python3 and java.
Exit codes: 0 ready, 1 something to install (the message says what) or pip failed, 2 bad usage.
`;

/** A text sink such as `process.stdout`. */
export interface TextOutput {
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface PythonEnvDeps {
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
  /**
   * The environment, for PYTHON and JAVA.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Runs the CLI with `argv` (without the node and script paths) and resolves with the exit code. */
export function main(argv: readonly string[] = [], deps: PythonEnvDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const env = deps.env ?? process.env;
  const options = readArguments(argv, (args) => parseOptionArgs(args, []), { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return Promise.resolve(options);
  }
  try {
    const ready = ensurePythonEnv({
      root: ROOT,
      python: env.PYTHON,
      java: env.JAVA,
      log: (message) => stdout.write(`python: ${message}\n`),
    });
    stdout.write(`python: ${VENV_DIR}/ ${ready.installed ? 'installed' : 'up to date'}\n`);
    return Promise.resolve(0);
  } catch (error) {
    if (error instanceof PythonEnvError) {
      stderr.write(`python: ${error.message}\n`);
      return Promise.resolve(1);
    }
    throw error;
  }
}

runMain(module, (argv) => main(argv));
