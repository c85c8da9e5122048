import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SecureBucket } from '../../lib/shared/secure-bucket';
import { testApp } from '../support/app';

const lifecycle = {
  noncurrentVersionExpiration: Duration.days(10),
  abortIncompleteMultipartUploadAfter: Duration.days(2),
};

function bucketIn(removal: 'destroy' | 'retain', appendOnly: boolean): Template {
  const stack = new Stack(testApp(), 'Test');
  const logs = SecureBucket.forAccessLogs(stack, 'Logs', { lifecycle, removal });
  new SecureBucket(stack, 'Bucket', {
    encryptionKey: new kms.Key(stack, 'Key'),
    accessLogs: { bucket: logs, prefix: 'bucket/' },
    lifecycle: { ...lifecycle, expiration: Duration.days(100) },
    removal,
    appendOnly,
  });
  return Template.fromStack(stack);
}

function statementSids(template: Template): (string | undefined)[] {
  return Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Sid?: string }[]).map((s) => s.Sid),
  );
}

describe('SecureBucket', () => {
  it('sends its events to EventBridge unless told not to, and the access-log bucket never', () => {
    const stack = new Stack(testApp(), 'Test');
    const logs = SecureBucket.forAccessLogs(stack, 'Logs', { lifecycle, removal: 'retain' });
    const common = { encryptionKey: new kms.Key(stack, 'Key'), lifecycle, removal: 'retain' as const };
    new SecureBucket(stack, 'Events', { ...common, accessLogs: { bucket: logs, prefix: 'events/' } });
    new SecureBucket(stack, 'Quiet', {
      ...common,
      accessLogs: { bucket: logs, prefix: 'quiet/' },
      publishEvents: false,
    });
    const notifications = Object.fromEntries(
      Object.entries(Template.fromStack(stack).findResources('AWS::S3::Bucket')).map(([id, bucket]) => [
        id.replace(/[0-9A-F]{8}$/, ''),
        bucket.Properties.NotificationConfiguration as unknown,
      ]),
    );
    expect(notifications).toEqual({
      Logs: undefined,
      Events: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      Quiet: undefined,
    });
  });

  it('adds no append-only statement unless asked', () => {
    expect(statementSids(bucketIn('destroy', false))).not.toContain('AppendOnlyDenyDeletes');
  });

  it('exempts no one from the append-only deny when data is retained', () => {
    const template = bucketIn('retain', true);
    const deny = Object.values(template.findResources('AWS::S3::BucketPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[])
      .find((s) => s.Sid === 'AppendOnlyDenyDeletes');
    expect(deny).toBeDefined();
    expect(deny?.Condition).toBeUndefined();
  });

  it('writes the expiration and the retention rule into one lifecycle rule, without a delete-marker rule', () => {
    const template = bucketIn('retain', false);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'Retention',
            Status: 'Enabled',
            ExpirationInDays: 100,
            NoncurrentVersionExpiration: { NoncurrentDays: 10 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
          },
        ],
      },
    });
  });

  it('cleans up expired delete markers where objects never expire', () => {
    const stack = new Stack(testApp(), 'Test');
    SecureBucket.forAccessLogs(stack, 'Logs', { lifecycle, removal: 'retain' });
    const [bucket] = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket'));
    expect(bucket?.Properties.LifecycleConfiguration.Rules[0].ExpiredObjectDeleteMarker).toBe(true);
  });
});
