/**
 * How long `cdk synth` takes for the whole app, against a baseline timed in the same run: the
 * smallest app that runs every gate the project's app runs (bench/one-bucket-app.ts: one stack,
 * one bucket, `addComplianceChecks`). Both go through the CLI as a user runs it (`npx cdk synth
 * --quiet`, with cdk.json's context and its app command, `node --import tsx bin/app.ts`), with real esbuild bundling
 * and every check; the goal is the whole app at most 1.5 times the baseline.
 *
 * Each is synthesized once to warm up (tsx's transform cache, the file cache), then timed over
 * `ROUNDS` rounds that alternate the two, so a slow spell of a shared machine falls on both; the
 * median is reported. Then one more synth of each, through bench/synth-phases.ts, breaks the time
 * down: what the CLI and starting node, npx and tsx take; loading the modules; building the
 * constructs; bundling; writing the assembly; and each check. `measureSynth` returns the figures
 * (bench/run.ts, `npm run bench`, puts them in one table with the other benchmarks);
 * `npx tsx bench/synth-time.bench.ts` runs this one alone and prints them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './median';

const ROOT = path.join(__dirname, '..');
const ROUNDS = 5;
/** The most the whole app's synth may take, as a multiple of the baseline's. */
const GOAL_RATIO = 1.5;

/** The two apps, as the CLI runs them: the project's through cdk.json, the baseline by `--app`. */
const APPS = {
  app: { args: [] as string[], phasesApp: 'node --import tsx bench/synth-phases.ts' },
  baseline: {
    args: ['--app', 'node --import tsx bench/one-bucket-app.ts'],
    phasesApp: 'node --import tsx bench/synth-phases.ts one-bucket',
  },
} as const;
type Which = keyof typeof APPS;

/** Where the time of one synth went, in milliseconds. */
export interface SynthPhases {
  /** The CLI, and starting the app's process (npx, tsx): the rest of the synth's wall time. */
  readonly cliAndStart: number;
  /** Loading the modules, TypeScript compiled by tsx (CDK's `phase:Load`). */
  readonly load: number;
  /** Building the constructs, bundling apart (CDK's `phase:Construction`). */
  readonly construction: number;
  /** esbuild bundling the Lambda functions (timed by bench/synth-phases.ts). */
  readonly bundling: number;
  /** Synthesizing and writing the cloud assembly, the checks apart. */
  readonly writing: number;
  /** Each validation plugin, by name, in the order they ran: the time the synth waited on it. */
  readonly checks: Readonly<Record<string, number>>;
}

/** Everything `measureSynth` measured, in milliseconds. */
export interface SynthFigures {
  readonly rounds: number;
  /** Median wall time of the baseline's `cdk synth`. */
  readonly baselineMs: number;
  /** Median wall time of the whole app's `cdk synth`. */
  readonly appMs: number;
  /** appMs/baselineMs. */
  readonly ratio: number;
  readonly goalRatio: number;
  readonly meets: boolean;
  readonly phases: { readonly app: SynthPhases; readonly baseline: SynthPhases };
}

/** Runs `npx cdk synth --quiet` for one app into a fresh directory; returns its wall time in ms. */
function cliSynth(args: readonly string[], env: NodeJS.ProcessEnv = {}): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-synth-'));
  try {
    const started = performance.now();
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', ...env },
    });
    const elapsed = performance.now() - started;
    if (result.status !== 0) {
      throw new Error(`cdk synth ${args.join(' ')} failed:\n${result.stderr}`);
    }
    return elapsed;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** One synth of `which` through bench/synth-phases.ts, and where its time went. */
function phasesOf(which: Which): SynthPhases {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-phases-'));
  try {
    const checksFile = path.join(scratch, 'checks.json');
    const countersFile = path.join(scratch, 'counters.json');
    const wall = cliSynth(['--app', APPS[which].phasesApp, '--context', '@aws-cdk/core.slowSynthThreshold=0'], {
      SYNTH_CHECK_TIMES_FILE: checksFile,
      SYNTH_PERF_COUNTERS_FILE: countersFile,
    });
    const { checks, bundling } = JSON.parse(fs.readFileSync(checksFile, 'utf8')) as {
      checks: Record<string, number>;
      bundling: number;
    };
    const { counters } = JSON.parse(fs.readFileSync(countersFile, 'utf8')) as { counters: Record<string, number> };
    const counter = (name: string): number => {
      const value = counters[name];
      if (value === undefined) {
        throw new Error(`CDK's performance counters have no ${name}: ${Object.keys(counters).join(', ')}`);
      }
      return value;
    };
    const load = counter('phase:Load');
    const construction = counter('phase:Construction');
    const synthesis = counter('phase:Synthesis');
    const validation = counter('validateTemplates');
    return {
      cliAndStart: wall - load - construction - synthesis,
      load,
      // CDK bundles as it builds the constructs, and counts that time in phase:Construction.
      construction: construction - bundling,
      bundling,
      writing: synthesis - validation,
      checks,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Times the CLI synth of the baseline and of this app, and breaks one of each down; `log`
 * receives each line of the figures.
 */
export function measureSynth(log: (line: string) => void = () => undefined): SynthFigures {
  const times: Record<Which, number[]> = { app: [], baseline: [] };
  cliSynth(APPS.baseline.args);
  cliSynth(APPS.app.args);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const which of ['baseline', 'app'] as const) {
      times[which].push(cliSynth(APPS[which].args));
    }
    log(
      `  round ${String(round)}: baseline ${times.baseline.at(-1)?.toFixed(0)} ms, app ${times.app.at(-1)?.toFixed(0)} ms`,
    );
  }
  const baselineMs = median(times.baseline);
  const appMs = median(times.app);
  const phases = { baseline: phasesOf('baseline'), app: phasesOf('app') };
  log(`CLI synth, median of ${String(ROUNDS)}: baseline ${baselineMs.toFixed(0)} ms, app ${appMs.toFixed(0)} ms`);
  for (const which of ['baseline', 'app'] as const) {
    const { checks, ...rest } = phases[which];
    const parts = [...Object.entries(rest), ...Object.entries(checks)].map(([k, ms]) => `${k} ${ms.toFixed(0)}`);
    log(`  ${which}: ${parts.join(', ')} (ms)`);
  }
  const ratio = appMs / baselineMs;
  return { rounds: ROUNDS, baselineMs, appMs, ratio, goalRatio: GOAL_RATIO, meets: ratio <= GOAL_RATIO, phases };
}

if (require.main === module) {
  measureSynth((line) => console.log(line));
}
