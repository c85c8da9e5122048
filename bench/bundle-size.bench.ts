/**
 * The size of every Lambda bundle the app synthesizes, against the goal of 100 KB of code each.
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
  /** Whether `codeBytes` is under {@link BundleFigures.goalBytes}. */
  readonly meets: boolean;
}

/** Everything `measureBundles` measured. */
export interface BundleFigures {
  /** The most code a bundle may have. */
  readonly goalBytes: number;
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
      const ok = code < GOAL_BYTES;
      bundles.push({ path: fn.node.path, codeBytes: code, mapBytes: maps, meets: ok });
      log(
        `  ${fn.node.path}: ${(code / 1024).toFixed(1)} KB code (${((code / GOAL_BYTES) * 100).toFixed(0)}% of the 100 KB goal), ` +
          `${(maps / 1024).toFixed(1)} KB source map  ${ok ? 'meets the goal' : 'MISSES the goal'}`,
      );
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return { goalBytes: GOAL_BYTES, bundles };
}

if (require.main === module) {
  if (!measureBundles((line) => console.log(line)).bundles.every((b) => b.meets)) {
    process.exitCode = 1;
  }
}
