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

/**
 * A new app for a test that builds a few constructs of its own: cdk.json's context, with `context`
 * over it, and without CDK's built-in CloudFormation Validate, as `buildApp` (which says why).
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...CDK_JSON_CONTEXT, ...context }, builtinCloudFormationValidation: BUILTIN_VALIDATION });
}

/** A production config that passes validation, for tests that synthesize the production stage. */
export const PRODUCTION_CONTEXT: ConfigContext = {
  stage: 'production',
  config: { production: { account: '123456789012', region: 'eu-west-1', owner: 'ml-team@example.com' } },
};

/**
 * Whether test apps keep CDK's built-in CloudFormation Validate, as every test app did before
 * issue 17: `npm run bench` sets `BENCH_TESTS_AS_BEFORE=true` for its baseline run of the tests
 * (bench/test-suite.bench.ts), so the same tests are timed both ways in one run.
 */
const BUILTIN_VALIDATION = process.env.BENCH_TESTS_AS_BEFORE === 'true';

/**
 * Builds the app as bin/app.ts does, from the same cdk.json context and the same validated
 * config. Two things are left out to keep template tests fast, both run where they are the point:
 * Lambda bundling (`aws:cdk:bundling-stacks: []`; the synth in CI bundles for real), and CDK's
 * built-in CloudFormation Validate (`builtinCloudFormationValidation: false`), whose WebAssembly
 * engine takes seconds per test file. `addComplianceChecks` registers that check itself, so a test
 * that adds the compliance gate, as test/shared/compliance.test.ts does, runs it as `cdk synth` does.
 */
export function buildApp(context: ConfigContext = {}): { app: App; stacks: MlLifecycleStacks } {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: BUILTIN_VALIDATION,
  });
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
