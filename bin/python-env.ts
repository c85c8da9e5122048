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
 * 1 something to install (the message says what) or pip failed.
 */
import * as path from 'node:path';
import { ensurePythonEnv, PythonEnvError, VENV_DIR } from '../lib/local/python-env';
import { runMain } from '../lib/shared/cli/run-main';

const ROOT = path.join(__dirname, '..');

export function main(): Promise<number> {
  try {
    const env = ensurePythonEnv({
      root: ROOT,
      python: process.env.PYTHON,
      java: process.env.JAVA,
      log: (message) => console.log(`python: ${message}`),
    });
    console.log(`python: ${VENV_DIR}/ ${env.installed ? 'installed' : 'up to date'}`);
    return Promise.resolve(0);
  } catch (error) {
    if (error instanceof PythonEnvError) {
      console.error(`python: ${error.message}`);
      return Promise.resolve(1);
    }
    throw error;
  }
}

runMain(module, main);
