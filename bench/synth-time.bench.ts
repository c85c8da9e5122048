/**
 * How long the whole app takes to synthesize, against a baseline measured in the same run: an app
 * of one stack with one S3 bucket. Both are synthesized as `cdk synth` does (cdk.json's context,
 * into a temporary cloud assembly); the project's app also bundles its Lambda functions with esbuild
 * and runs the compliance gate, every validation plugin that `addComplianceChecks` registers (the
 * cdk-nag packs and the rest).
 *
 * Each is synthesized once to warm up (module loading, esbuild's first start), then timed over
 * several rounds; the median is reported. The baseline takes a few tens of milliseconds, so a
 * stray pause on a shared machine moves it by half: it gets 31 rounds (about a second in all),
 * the app 3. `measureSynth` returns the figures (bench/run.ts, `npm run
 * bench`, puts them in one table with the other benchmarks); `npx tsx bench/synth-time.bench.ts`
 * runs this one alone and prints them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addStacks } from '../lib/app';
import { addComplianceChecks } from '../lib/shared/compliance';
import { loadStageConfig } from '../lib/config';

const ROUNDS = 3;
const BASELINE_ROUNDS = 31;
const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Synthesizes one app built by `build` into a fresh temporary directory; returns the milliseconds taken. */
function timeSynth(build: (app: App) => void): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-synth-'));
  try {
    const start = performance.now();
    const app = new App({ outdir, context: cdkJson.context });
    build(app);
    app.synth();
    return performance.now() - start;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The median of `rounds` timed rounds, after one warm-up. */
function median(build: (app: App) => void, rounds: number): number {
  timeSynth(build);
  const times = Array.from({ length: rounds }, () => timeSynth(build)).sort((a, b) => a - b);
  return times[Math.floor(rounds / 2)] ?? Number.NaN;
}

/** Everything `measureSynth` measured, in milliseconds. */
export interface SynthFigures {
  readonly rounds: number;
  readonly baselineRounds: number;
  /** Median synth time of the one-bucket app. */
  readonly baselineMs: number;
  /** Median synth time of this app. */
  readonly appMs: number;
  /** appMs/baselineMs. */
  readonly ratio: number;
}

/**
 * Times the synthesis of the one-bucket app, then of this app; `log` receives each line of the
 * figures. Synchronous, as synthesis is.
 */
export function measureSynth(log: (line: string) => void = () => undefined): SynthFigures {
  const baseline = median((app) => {
    new s3.Bucket(new Stack(app, 'OneBucket'), 'Bucket');
  }, BASELINE_ROUNDS);
  const project = median((app) => {
    addStacks(app, loadStageConfig());
    addComplianceChecks(app);
  }, ROUNDS);
  log('Synth time, median of the rounds after a warm-up');
  log(`  one-bucket app (baseline, ${String(BASELINE_ROUNDS)} rounds): ${baseline.toFixed(0)} ms`);
  log(
    `  this app (6 stacks, Lambda bundling, compliance gate, ${String(ROUNDS)} rounds): ${project.toFixed(0)} ms, ratio ${(project / baseline).toFixed(1)}`,
  );
  return {
    rounds: ROUNDS,
    baselineRounds: BASELINE_ROUNDS,
    baselineMs: baseline,
    appMs: project,
    ratio: project / baseline,
  };
}

if (require.main === module) {
  measureSynth((line) => console.log(line));
}
