#!/usr/bin/env node
/**
 * The synth benchmark's baseline (bench/synth-time.bench.ts): the smallest app that still runs
 * every gate the project's app runs. One stack with one S3 bucket, and `addComplianceChecks`, so
 * CDK's CloudFormation Validate, the three cdk-nag packs and the Control Tower controls all run
 * over its template, and pass: each finding is acknowledged on the bucket, with why it does not
 * apply to a bucket that exists only to be synthesized. Run as `cdk synth` runs an app:
 * `npx cdk synth --app 'node --import tsx bench/one-bucket-app.ts'`.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeFindings, addComplianceChecks } from '../lib/shared/compliance';

const app = new App();
const bucket = new s3.Bucket(new Stack(app, 'OneBucket'), 'Bucket', {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  versioned: true,
});
acknowledgeFindings(
  bucket,
  [
    'AwsSolutions-S1',
    'NIST.800.53.R5-S3BucketLoggingEnabled',
    'HIPAA.Security-S3BucketLoggingEnabled',
    'ControlTower::CT.S3.PR.2',
  ],
  'The benchmark baseline bucket is synthesized to be timed and never deployed: no one reads from it, so there is no access to log.',
);
acknowledgeFindings(
  bucket,
  [
    'NIST.800.53.R5-S3BucketReplicationEnabled',
    'HIPAA.Security-S3BucketReplicationEnabled',
    'NIST.800.53.R5-S3DefaultEncryptionKMS',
    'HIPAA.Security-S3DefaultEncryptionKMS',
    'ControlTower::CT.S3.PR.10',
  ],
  'The benchmark baseline bucket holds no data, so neither a replica nor a customer-managed key would protect anything; adding them would add stacks of resources to the baseline the app is compared with.',
);
acknowledgeFindings(
  bucket,
  ['ControlTower::CT.S3.PR.3', 'ControlTower::CT.S3.PR.4', 'ControlTower::CT.S3.PR.6', 'ControlTower::CT.S3.PR.9'],
  'The benchmark baseline bucket gets no objects, so it has no lifecycle to manage, no events to notify and nothing to lock.',
);
addComplianceChecks(app);
app.synth();
