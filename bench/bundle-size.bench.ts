/**
 * The size of every Lambda bundle the app synthesizes, against the goal of 100 KB of code each.
 *
 * Synthesizes the sandbox stage with real esbuild bundling into a temporary cloud assembly (as
 * `cdk synth` does), then measures each function's asset directory. Run with `npm run bench`.
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

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-bundles-'));
try {
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true } });
  addStacks(app, loadStageConfig());
  app.synth();

  const functions = app.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
  let failures = 0;
  console.log(
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
    failures += ok ? 0 : 1;
    console.log(
      `  ${fn.node.path}: ${(code / 1024).toFixed(1)} KB code (${((code / GOAL_BYTES) * 100).toFixed(0)}% of the 100 KB goal), ` +
        `${(maps / 1024).toFixed(1)} KB source map  ${ok ? 'meets the goal' : 'MISSES the goal'}`,
    );
  }
  if (failures > 0) {
    process.exitCode = 1;
  }
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
