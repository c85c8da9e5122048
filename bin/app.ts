#!/usr/bin/env node
/**
 * The CDK app. The only place that reads context: `-c stage=NAME` picks the stage (default
 * `sandbox`), `-c config=JSON` (or a `config` object in cdk.json / cdk.context.json) overrides
 * its values. Everything below receives the validated config as props.
 */
import { App } from 'aws-cdk-lib';
import { addStacks } from '../lib/app';
import { addComplianceChecks } from '../lib/shared/compliance';
import { ConfigError, loadStageConfig } from '../lib/config';

const app = new App();
try {
  const config = loadStageConfig({ stage: app.node.tryGetContext('stage'), config: app.node.tryGetContext('config') });
  addStacks(app, config);
} catch (e) {
  if (e instanceof ConfigError) {
    // One clear message and a non-zero exit, without a stack trace the reader would have to skip.
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
addComplianceChecks(app);
app.synth();
