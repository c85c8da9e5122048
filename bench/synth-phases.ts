#!/usr/bin/env node
/**
 * An app entry for the synth benchmark's breakdown (bench/synth-time.bench.ts): runs bin/app.ts
 * (or, with the argument `one-bucket`, bench/one-bucket-app.ts) unchanged, and writes the time
 * each validation plugin took in the synth, and the time bundling took, in milliseconds, as JSON
 * to the file that `SYNTH_CHECK_TIMES_FILE` names. Run through the CLI like the app itself:
 * `cdk synth --app 'node --import tsx bench/synth-phases.ts' -c @aws-cdk/core.slowSynthThreshold=0`. The
 * rest of the breakdown (loading, construction, the synthesis as a whole) comes from
 * CDK's own performance counters, which it writes to the file `SYNTH_PERF_COUNTERS_FILE` names.
 *
 * Each plugin is timed where it is registered: `Validations.addPlugins` gives each a timed
 * `validate` of its own, which keeps its class (CDK tells its CloudFormation Validate by class).
 * Bundling is timed where a function's code asks for it: `lambda.Code.fromAsset` gives its local
 * bundler a timed `tryBundle`.
 */
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type IPolicyValidationPluginBeta1, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { AssetOptions } from 'aws-cdk-lib/aws-s3-assets';

/** The value of an environment variable that must be set. */
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} must name the file for the figures`);
  }
  return value;
}

const file = required('SYNTH_CHECK_TIMES_FILE');
// Where CDK writes its counters after the synth, when the context key
// `@aws-cdk/core.slowSynthThreshold` is 0; the CLI sets the variable for its own use, hence ours.
process.env.CDK_PERF_COUNTERS_FILE = required('SYNTH_PERF_COUNTERS_FILE');
/** Milliseconds spent in each plugin's `validate` (by plugin name) and in bundling. */
const times: { checks: Record<string, number>; bundling: number } = { checks: {}, bundling: 0 };

function record(what: string, ms: number): void {
  if (what === 'bundling') {
    times.bundling += ms;
  } else {
    times.checks[what] = (times.checks[what] ?? 0) + ms;
  }
  fs.writeFileSync(file, JSON.stringify(times));
}
const addPlugins = Validations.prototype.addPlugins; // eslint-disable-line @typescript-eslint/unbound-method
Validations.prototype.addPlugins = function (this: Validations, ...plugins: IPolicyValidationPluginBeta1[]): void {
  for (const plugin of plugins) {
    const validate = plugin.validate.bind(plugin);
    plugin.validate = (context) => {
      const started = performance.now();
      try {
        return validate(context);
      } finally {
        record(plugin.name, performance.now() - started);
      }
    };
  }
  addPlugins.apply(this, plugins);
};

// Bundling, timed where CDK calls a local bundler: lib/shared/bundled-code.ts's esbuild.
const fromAsset = lambda.Code.fromAsset; // eslint-disable-line @typescript-eslint/unbound-method
lambda.Code.fromAsset = (assetPath: string, options?: AssetOptions): lambda.AssetCode => {
  const local = options?.bundling?.local;
  if (local !== undefined) {
    const tryBundle = local.tryBundle.bind(local);
    local.tryBundle = (outputDir, bundlingOptions) => {
      const started = performance.now();
      try {
        return tryBundle(outputDir, bundlingOptions);
      } finally {
        record('bundling', performance.now() - started);
      }
    };
  }
  return fromAsset(assetPath, options);
};

// Each app builds and synthesizes itself as it loads, after the patch above.
(process.argv[2] === 'one-bucket' ? import('./one-bucket-app.js') : import('../bin/app.js')).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
