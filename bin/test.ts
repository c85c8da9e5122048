#!/usr/bin/env node
/**
 * `npm test`: every check of the project, in every language, with one summary.
 *
 * 1. the type check (`tsc --noEmit`) and the linters (ESLint, Prettier);
 * 2. the Python environment (`npm run python`: `.venv/` with the pins of requirements.txt);
 * 3. jest: the TypeScript suites, cfn-lint over the synthesized templates among them;
 * 4. pytest: the Glue jobs on local Spark, the model on XGBoost.
 *
 * Every part runs even when an earlier one failed, so one run shows every problem. It ends with
 * the time of each part and one plain line, `N passed, N failed`, the tests of jest and pytest
 * added up (a skipped or errored test counts as failed: nothing is skipped silently; a part that
 * failed without counts of its own, such as the type check, counts as one failure). The exit
 * code is 1 when any part failed. Extra arguments go to jest (`npm test -- test/etl`), and then
 * pytest does not run. Each runner alone, with nothing else: `npm run test:typescript` (jest) and
 * `npm run test:python` (pytest).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensurePythonEnv, PythonEnvError } from '../lib/local/python-env';
import { type TestCounts, jestCounts, junitCounts, summaryLine } from '../lib/local/test-counts';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

interface Part {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly counts?: TestCounts;
}

/** Runs a command with its output shown, and times it. */
function step(name: string, command: string, args: readonly string[]): Omit<Part, 'counts'> {
  console.log(`\n== ${name}`);
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  return { name, ok: result.status === 0, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function main(argv: readonly string[]): number {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-test-'));
  const parts: Part[] = [];
  try {
    parts.push(step('type check', path.join(BIN, 'tsc'), ['--noEmit', '-p', '.']));
    parts.push(step('eslint', path.join(BIN, 'eslint'), ['.']));
    parts.push(step('prettier', path.join(BIN, 'prettier'), ['--check', '.']));

    console.log('\n== python environment');
    let env: ReturnType<typeof ensurePythonEnv> | undefined;
    const started = process.hrtime.bigint();
    try {
      env = ensurePythonEnv({
        root: ROOT,
        python: process.env.PYTHON,
        java: process.env.JAVA,
        log: (message) => console.log(`python: ${message}`),
      });
      console.log(`python: .venv/ ${env.installed ? 'installed' : 'up to date'}`);
    } catch (error) {
      console.error(error instanceof PythonEnvError ? `python: ${error.message}` : error);
    }
    parts.push({
      name: 'python environment',
      ok: env !== undefined,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    });

    const jestJson = path.join(scratch, 'jest.json');
    const jest = step('jest', path.join(BIN, 'jest'), ['--json', `--outputFile=${jestJson}`, ...argv]);
    parts.push({
      ...jest,
      counts: fs.existsSync(jestJson) ? jestCounts(fs.readFileSync(jestJson, 'utf8')) : undefined,
    });

    if (argv.length === 0) {
      const junit = path.join(scratch, 'pytest.xml');
      if (env === undefined) {
        parts.push({ name: 'pytest', ok: false, seconds: 0 });
      } else {
        const pytest = step('pytest', env.python, ['-m', 'pytest', `--junitxml=${junit}`]);
        parts.push({
          ...pytest,
          counts: fs.existsSync(junit) ? junitCounts(fs.readFileSync(junit, 'utf8')) : undefined,
        });
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  console.log('\n== summary');
  for (const part of parts) {
    const counts = part.counts === undefined ? '' : `  ${summaryLine([part.counts])}`;
    console.log(
      `${part.ok ? 'ok    ' : 'FAILED'}  ${part.name.padEnd(20)} ${part.seconds.toFixed(1).padStart(6)} s${counts}`,
    );
  }
  // A part that failed without test counts of its own (the type check, a linter, the Python
  // environment, a runner that did not start or wrote no report) counts as one failed test, so the
  // line never reads "0 failed" for a run that failed.
  const counts = parts.map(
    (part) => part.counts ?? { passed: 0, failed: part.ok && !['jest', 'pytest'].includes(part.name) ? 0 : 1 },
  );
  console.log(summaryLine(counts));
  return parts.every((part) => part.ok) && counts.every((c) => c.failed === 0) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
