/**
 * The TypeScript suite's wall time per test, on a fixed subset of its files, as jest runs it now
 * against a baseline run in the same benchmark: the same files as the suite ran them before issue
 * 17, on one worker (what jest chose by itself on a 2-core machine, keeping one core for itself)
 * and with CDK's built-in CloudFormation Validate in every test app (test/support/app.ts keeps it
 * when `BENCH_TESTS_AS_BEFORE=true`). The subset holds every kind of test the suite has: the
 * stacks' template tests (each builds and synthesizes the app), the compliance gate, a permission
 * contract, handler tests with the SDK mocked, property tests, SQL on DuckDB and a drift check;
 * the runs on Spark and XGBoost (test/local, test/etl/engine-parity.test.ts,
 * test/training/xgboost-local.test.ts) are left out, as they take minutes whatever jest does.
 * Goal: at most half the baseline's time per test. Each file's own time goes to the log, so a
 * reader can see where the time goes.
 *
 * `measureTestSuite` returns the figures (bench/run.ts, `npm run bench`, puts them in one table
 * with the other benchmarks); `npx tsx bench/test-suite.bench.ts` runs this one alone and prints
 * them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = path.join(__dirname, '..');
/** At most this fraction of the baseline's wall time per test. */
const GOAL_RATIO = 0.5;

/** The fixed subset: change it only with the figures in docs/development.md. */
export const SUBSET = [
  'test/lake/data-lake-stack.test.ts',
  'test/ingestion/ingestion-stack.test.ts',
  'test/etl/etl-stack.test.ts',
  'test/training/training-stack.test.ts',
  'test/serving/serving-stack.test.ts',
  'test/observability/observability-stack.test.ts',
  'test/shared/compliance.test.ts',
  'test/permissions/contract-sandbox.test.ts',
  'test/lambda/drift/check.test.ts',
  'test/lambda/clean-records/contract.property.test.ts',
  'test/etl/curate.test.ts',
  'test/schema/drift.test.ts',
] as const;

/** One jest run of the subset. */
export interface SuiteRun {
  readonly wallMs: number;
  readonly tests: number;
  readonly msPerTest: number;
  /** Each file's own time (from its start to its end, in its worker), slowest first. */
  readonly files: readonly { readonly file: string; readonly ms: number }[];
}

export interface TestSuiteFigures {
  readonly baseline: SuiteRun;
  readonly configured: SuiteRun;
  /** configured.msPerTest / baseline.msPerTest. */
  readonly ratio: number;
  readonly goalRatio: number;
  readonly meets: boolean;
}

interface JestJson {
  readonly success: boolean;
  readonly numTotalTests: number;
  readonly testResults: readonly { readonly name: string; readonly startTime: number; readonly endTime: number }[];
}

/** Runs jest on the subset with `args`; fails when any test fails, as a figure of a broken suite means nothing. */
function runJest(args: readonly string[], env: NodeJS.ProcessEnv = {}): SuiteRun {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-jest-'));
  try {
    const outputFile = path.join(scratch, 'results.json');
    const started = performance.now();
    const result = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'jest'),
      [...args, '--json', `--outputFile=${outputFile}`, ...SUBSET],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } },
    );
    const wallMs = performance.now() - started;
    if (result.status !== 0 || !fs.existsSync(outputFile)) {
      throw new Error(`jest ${args.join(' ')} failed:\n${result.stderr.slice(-4000)}`);
    }
    const json = JSON.parse(fs.readFileSync(outputFile, 'utf8')) as JestJson;
    return {
      wallMs,
      tests: json.numTotalTests,
      msPerTest: wallMs / json.numTotalTests,
      files: json.testResults
        .map((r) => ({ file: path.relative(ROOT, r.name), ms: r.endTime - r.startTime }))
        .sort((a, b) => b.ms - a.ms),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs the subset as before, then as configured; `log` receives each line of the figures. */
export function measureTestSuite(log: (line: string) => void = () => undefined): TestSuiteFigures {
  // A first run warms the transform cache, so neither timed run compiles TypeScript.
  runJest([]);
  const baseline = runJest(['--maxWorkers=1'], { BENCH_TESTS_AS_BEFORE: 'true' });
  const configured = runJest([]);
  for (const [name, run] of [
    ['as before (baseline)', baseline],
    ['as configured', configured],
  ] as const) {
    log(
      `${name}: ${(run.wallMs / 1000).toFixed(1)} s for ${String(run.tests)} tests, ${run.msPerTest.toFixed(1)} ms per test`,
    );
    for (const { file, ms } of run.files) {
      log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}`);
    }
  }
  const ratio = configured.msPerTest / baseline.msPerTest;
  return { baseline, configured, ratio, goalRatio: GOAL_RATIO, meets: ratio <= GOAL_RATIO };
}

if (require.main === module) {
  measureTestSuite((line) => console.log(line));
}
