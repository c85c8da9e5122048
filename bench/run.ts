/**
 * `npm run bench`: every benchmark in one run, and every figure in one table.
 *
 * Runs, in order and in this one process, the cleaner against its floor
 * (bench/clean-records.bench.ts), the Lambda bundle sizes (bench/bundle-size.bench.ts), the CLI
 * synth time against a one-bucket app with every gate (bench/synth-time.bench.ts) and the test
 * suite's time per test against the same tests as they ran before (bench/test-suite.bench.ts). Progress and each benchmark's
 * own lines go to stderr; stdout gets only a date line and a Markdown table (what | measured |
 * baseline | ratio | goal), formatted as Prettier formats Markdown, to paste into docs/development.md's
 * Benchmark section. A time is only ever compared with a baseline timed in the same run, on the
 * same machine, so the ratios are what carries from one machine to another. Exits non-zero when a
 * figure misses its goal, after printing the table.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { measureBundles } from './bundle-size.bench';
import { measureCleaner } from './clean-records.bench';
import { type SynthFigures, measureSynth } from './synth-time.bench';
import { measureTestSuite } from './test-suite.bench';

/** One row of the table: what | measured | baseline | ratio | goal. */
type Row = readonly [what: string, measured: string, baseline: string, ratio: string, goal: string];

const HEADER: Row = ['What', 'Measured', 'Baseline', 'Ratio', 'Goal'];
/** Numbers are right-aligned. */
const RIGHT_ALIGNED: readonly boolean[] = [false, true, true, true, false];

/** Writes one line of progress to stderr. */
function progress(line: string): void {
  console.error(line);
}

/** A ratio to about three significant digits: 1.41, 23.4, 230. */
function formatRatio(ratio: number): string {
  return ratio.toFixed(ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2);
}

/** Whether a goal is met, as the table says it. */
function verdict(meets: boolean): string {
  return meets ? 'met' : '**MISSED**';
}

/** A function's construct path without the trailing `/Function/Resource` levels every function has. */
function functionName(constructPath: string): string {
  return constructPath.replace(/(\/Function)*\/Resource$/, '');
}

/** Where a synth's time went, app beside baseline: [what, app ms, baseline ms]. */
function synthBreakdown(synth: SynthFigures): [string, number, number][] {
  const { app, baseline } = synth.phases;
  const checks = [...new Set([...Object.keys(app.checks), ...Object.keys(baseline.checks)])];
  return [
    ['the CLI, and starting node and tsx', app.cliAndStart, baseline.cliAndStart],
    ['loading the modules', app.load, baseline.load],
    ['building the constructs', app.construction, baseline.construction],
    ['bundling with esbuild', app.bundling, baseline.bundling],
    ['writing the assembly', app.writing, baseline.writing],
    ...checks.map((name): [string, number, number] => [
      `check ${name}`,
      app.checks[name] ?? 0,
      baseline.checks[name] ?? 0,
    ]),
  ];
}

/** The table as Prettier prints Markdown: every column padded to its widest cell. */
function markdownTable(rows: readonly Row[]): string {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(3, ...all.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const pad = (row: Row): string =>
    line(row.map((cell, i) => (RIGHT_ALIGNED[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))));
  const rule = line(widths.map((width, i) => (RIGHT_ALIGNED[i] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))));
  return [pad(HEADER), rule, ...rows.map(pad)].join('\n');
}

/** When, and on what, the figures were measured. */
function dateLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'an unknown CPU';
  const date = new Date().toISOString().slice(0, 10);
  return `Measured ${date} on ${model}, ${String(cpus.length)} cores, Node ${process.version}`;
}

/** Runs `measure`, with a progress line before it and its duration after. */
async function step<T>(n: number, title: string, measure: () => T | Promise<T>): Promise<T> {
  progress(`\n[${String(n)}/4] ${title}`);
  const start = performance.now();
  const result = await measure();
  progress(`[${String(n)}/4] done in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  return result;
}

async function main(): Promise<void> {
  const cleaner = await step(1, 'Firehose record cleaner against its floor', () => measureCleaner(progress));
  const bundles = await step(2, 'Lambda bundle sizes (synth with esbuild)', () => measureBundles(progress));
  const synth = await step(3, 'CLI synth time against a one-bucket app with every gate', () => measureSynth(progress));
  const suite = await step(4, 'Test suite: a fixed subset as configured against as before', () =>
    measureTestSuite(progress),
  );

  const rows: Row[] = [
    ...cleaner.cases.map((c): Row => [
      `Cleaner vs floor, ${c.label} (MB/s of event)`,
      `${c.cleanerMBps.toFixed(1)} MB/s`,
      `${c.floorMBps.toFixed(1)} MB/s`,
      formatRatio(c.ratio),
      `time cleaner/floor ≤ ${String(cleaner.goalRatio)}: ${verdict(c.meets)}`,
    ]),
    ...bundles.bundles.map((b): Row => [
      `Lambda bundle \`${functionName(b.path)}\` (code; source map apart)`,
      `${(b.codeBytes / 1024).toFixed(1)} KB (map ${(b.mapBytes / 1024).toFixed(1)} KB)`,
      '—',
      '—',
      `< ${String(b.goalBytes / 1024)} KB of code: ${verdict(b.meets)}`,
    ]),
    [
      `Synth through the CLI, whole app vs one-bucket app with every gate (median of ${String(synth.rounds)})`,
      `${(synth.appMs / 1000).toFixed(1)} s`,
      `${(synth.baselineMs / 1000).toFixed(1)} s`,
      formatRatio(synth.ratio),
      `≤ ${String(synth.goalRatio)}: ${verdict(synth.meets)}`,
    ],
    ...synthBreakdown(synth).map(([what, app, baseline]): Row => [
      `Synth breakdown: ${what}`,
      `${app.toFixed(0)} ms`,
      `${baseline.toFixed(0)} ms`,
      baseline >= 10 ? formatRatio(app / baseline) : '—',
      '—',
    ]),
    [
      `Tests, fixed subset (${String(suite.configured.tests)} tests), wall time per test: as configured vs as before`,
      `${suite.configured.msPerTest.toFixed(1)} ms`,
      `${suite.baseline.msPerTest.toFixed(1)} ms`,
      formatRatio(suite.ratio),
      `≤ ${String(suite.goalRatio)}: ${verdict(suite.meets)}`,
    ],
  ];
  console.log(`${dateLine()}\n\n${markdownTable(rows)}`);

  if (!cleaner.cases.every((c) => c.meets) || !bundles.bundles.every((b) => b.meets) || !synth.meets || !suite.meets) {
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
