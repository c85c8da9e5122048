/**
 * Synthesizes the stage's app to read what it requires of the CDK bootstrap stack. Kept apart from
 * `./bootstrap` so that the CLI loads the stacks (and all of aws-cdk-lib they pull in) only once the
 * credentials have been found: a run without credentials stays fast.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addStacks } from '../app';
import type { StageConfig } from '../config';
import { bootstrapRequirement, type BootstrapRequirement } from './bootstrap';

/**
 * Synthesizes the stage's app into a temporary directory (without bundling: bundling changes no
 * requirement) and reads its {@link bootstrapRequirement}.
 * @param context the CDK context `cdk synth` would see (cdk.json's feature flags, a bootstrap qualifier)
 */
export function synthesizeBootstrapRequirement(
  config: StageConfig,
  context: Readonly<Record<string, unknown>>,
): BootstrapRequirement {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-preflight-'));
  try {
    const app = new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    addStacks(app, config);
    return bootstrapRequirement(app.synth());
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
