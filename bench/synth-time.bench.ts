/**
 * How long the whole app takes to synthesize, against a baseline measured in the same run: an app
 * of one stack with one S3 bucket. Both are synthesized as `cdk synth` does (cdk.json's context,
 * into a temporary cloud assembly); the project's app also bundles its Lambda functions with esbuild
 * and runs the compliance gate (three cdk-nag packs). Run with `npm run bench`.
 *
 * Each is synthesized once to warm up (module loading, esbuild's first start), then timed over
 * three rounds; the median is reported.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addStacks } from '../lib/app';
import { addComplianceChecks } from '../lib/compliance';
import { loadStageConfig } from '../lib/config';

const ROUNDS = 3;
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

/** The median of the timed rounds, after one warm-up. */
function median(build: (app: App) => void): number {
  timeSynth(build);
  const times = Array.from({ length: ROUNDS }, () => timeSynth(build)).sort((a, b) => a - b);
  return times[Math.floor(ROUNDS / 2)] ?? Number.NaN;
}

const baseline = median((app) => {
  new s3.Bucket(new Stack(app, 'OneBucket'), 'Bucket');
});
const project = median((app) => {
  addStacks(app, loadStageConfig());
  addComplianceChecks(app);
});
console.log(`Synth time, median of ${String(ROUNDS)} rounds after a warm-up`);
console.log(`  one-bucket app (baseline): ${baseline.toFixed(0)} ms`);
console.log(
  `  this app (6 stacks, Lambda bundling, 3 cdk-nag packs): ${project.toFixed(0)} ms, ratio ${(project / baseline).toFixed(1)}`,
);
