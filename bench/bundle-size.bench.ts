/**
 * The size of every Lambda bundle the app synthesizes, against the goal of 100 KB of code each, or
 * 1.5 MB for a function that draws a report's charts: Vega and Vega-Lite
 * (`lambda/shared/charts.ts`) are about 1.1 MB of code, parsed once per cold start of a function
 * that runs once per training run.
 *
 * Synthesizes the sandbox stage with real esbuild bundling into a temporary cloud assembly (as
 * `cdk synth` does), then measures each function's asset directory. `measureBundles` returns the
 * sizes (bench/run.ts, `npm run bench`, puts them in one table with the other benchmarks);
 * `npx tsx bench/bundle-size.bench.ts` runs this one alone and prints them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { addStacks } from '../lib/app';
import { loadStageConfig } from '../lib/config';

const GOAL_BYTES = 100 * 1024;
/** The goal of a function that draws charts, by the end of its construct path. */
const CHART_GOAL_BYTES = 1536 * 1024;
const DRAWS_CHARTS = ['/EvaluateFunction/Function/Resource', '/DataReport/Function/Function/Resource'];
const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** One function's bundle. */
export interface Bundle {
  /** The function's construct path, e.g. `Ingestion/Streaming/Cleaner/Function/Resource`. */
  readonly path: string;
  /** Bytes of code (.js, .cjs and .mjs files). */
  readonly codeBytes: number;
  /** Bytes of source maps, not loaded unless an error is mapped. */
  readonly mapBytes: number;
  /** The most code this bundle may have: 100 KB, or 1.5 MB for a function that draws charts. */
  readonly goalBytes: number;
  /** Whether `codeBytes` is under `goalBytes`. */
  readonly meets: boolean;
}

/** Everything `measureBundles` measured. */
export interface BundleFigures {
  /** Every function with a code asset, in construct order. */
  readonly bundles: readonly Bundle[];
}

/**
 * Synthesizes the sandbox stage and measures each bundle; `log` receives each line of the figures.
 * Synchronous, as synthesis is.
 */
export function measureBundles(log: (line: string) => void = () => undefined): BundleFigures {
  const bundles: Bundle[] = [];
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-bundles-'));
  try {
    const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true } });
    addStacks(app, loadStageConfig());
    app.synth();

    const functions = app.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
    log(
      'Lambda bundles (code = .js/.mjs files; source maps listed apart, they are not loaded unless an error is mapped)',
    );
    for (const fn of functions) {
      const assetPath = fn.getMetadata('aws:asset:path') as string | undefined;
      if (assetPath === undefined) {
        continue;
      }
      const files = fs.readdirSync(path.join(outdir, assetPath), { recursive: true, withFileTypes: true });
      let code = 0;
      let maps = 0;
      for (const file of files.filter((f) => f.isFile())) {
        const size = fs.statSync(path.join(file.parentPath, file.name)).size;
        if (/\.(c|m)?js$/.test(file.name)) {
          code += size;
        } else if (file.name.endsWith('.map')) {
          maps += size;
        }
      }
      const goal = DRAWS_CHARTS.some((end) => fn.node.path.endsWith(end)) ? CHART_GOAL_BYTES : GOAL_BYTES;
      const ok = code < goal;
      bundles.push({ path: fn.node.path, codeBytes: code, mapBytes: maps, goalBytes: goal, meets: ok });
      log(
        `  ${fn.node.path}: ${(code / 1024).toFixed(1)} KB code (${((code / goal) * 100).toFixed(0)}% of the ${String(goal / 1024)} KB goal), ` +
          `${(maps / 1024).toFixed(1)} KB source map  ${ok ? 'meets the goal' : 'MISSES the goal'}`,
      );
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return { bundles };
}

if (require.main === module) {
  if (!measureBundles((line) => console.log(line)).bundles.every((b) => b.meets)) {
    process.exitCode = 1;
  }
}
