import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { addStacks, type MlLifecycleStacks } from '../../lib/app';
import { type ConfigContext, loadStageConfig } from '../../lib/config';

/** The feature flags and settings of cdk.json, so tests synthesize what `cdk synth` does. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/** A production config that passes validation, for tests that synthesize the production stage. */
export const PRODUCTION_CONTEXT: ConfigContext = {
  stage: 'production',
  config: { production: { account: '123456789012', region: 'eu-west-1', owner: 'ml-team@example.com' } },
};

/**
 * Builds the app as bin/app.ts does, from the same cdk.json context and the same validated
 * config. Lambda bundling is skipped (`aws:cdk:bundling-stacks: []`) to keep template tests fast;
 * the synth in CI bundles for real.
 */
export function buildApp(context: ConfigContext = {}): { app: App; stacks: MlLifecycleStacks } {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stacks = addStacks(app, loadStageConfig(context));
  return { app, stacks };
}

/**
 * The template as JSON with what changes on every unrelated edit normalised: asset hashes
 * (in S3 keys, file names and the bootstrap template URL) become `<asset-hash>`.
 */
export function normalizedTemplate(template: Template): unknown {
  const json = JSON.stringify(template.toJSON());
  return JSON.parse(json.replace(/[0-9a-f]{64}(\.(zip|json))?/g, '<asset-hash>$1')) as unknown;
}
