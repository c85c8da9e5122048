import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/*
 * How construct tests find a construct's resource in a synthesized template, and what it says:
 * by the construct, not by a logical ID spelled out, so that a test names what it means; and what
 * the cdk-nag packs still find in a construct.
 */

/** Synthesized templates are untyped JSON, and the tests read them as such. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The logical ID of a construct's CloudFormation resource (an L2's default child, or an L1). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

/** The synthesized properties of a construct's CloudFormation resource. */
export function propertiesOf(template: Template, construct: IConstruct): Record<string, Json> {
  return template.toJSON().Resources[logicalId(construct)].Properties as Record<string, Json>;
}

export function ref(construct: IConstruct): { Ref: string } {
  return { Ref: logicalId(construct) };
}

export function arnOf(construct: IConstruct): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId(construct), 'Arn'] };
}

/** The ARN of every object in a bucket, as the template holds it. */
export function objectsOf(bucket: IConstruct): unknown {
  return { 'Fn::Join': ['', [arnOf(bucket), '/*']] };
}

/** A bucket's default encryption as the template holds it: SSE-KMS under `key` with a bucket key, SSE-C refused. */
export function kmsEncryptionWith(key: IConstruct): unknown {
  return {
    ServerSideEncryptionConfiguration: [
      {
        BucketKeyEnabled: true,
        BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf(key) },
      },
    ],
  };
}

/** The DeletionPolicy of each construct's resource, by construct ID. */
export function deletionPolicies(template: Template, constructs: IConstruct[]): Record<string, string | undefined> {
  const resources = template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>;
  return Object.fromEntries(constructs.map((c) => [c.node.id, resources[logicalId(c)]?.DeletionPolicy]));
}

/** The statements of the bucket policy attached to a bucket. */
export function policyStatements(template: Template, bucket: IConstruct): Record<string, unknown>[] {
  const policies = template.findResources('AWS::S3::BucketPolicy', {
    Properties: { Bucket: ref(bucket) },
  });
  const [policy] = Object.values(policies) as {
    Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } };
  }[];
  if (!policy) {
    throw new Error(`no bucket policy for ${bucket.node.path}`);
  }
  return policy.Properties.PolicyDocument.Statement;
}

/** The Sids of the statements in a key's policy. */
export function keyPolicySids(template: Template, key: IConstruct): (string | undefined)[] {
  return (propertiesOf(template, key).KeyPolicy.Statement as { Sid?: string }[]).map((s) => s.Sid);
}

/**
 * What the project's cdk-nag packs find in `scope` and nobody acknowledged, as `<rule> at <path>`,
 * only the rules matching `rules` when given. Only the resources under `scope` are checked, so a
 * construct's test doubles cannot add findings.
 */
export function unacknowledgedFindings(scope: IConstruct, rules?: RegExp): string[] {
  return [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks()].flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.filter((v) => rules?.test(v.ruleName) ?? true)
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
  );
}

/** The rule ids acknowledged on `construct` itself (not on what it contains). */
export function acknowledgedIds(construct: IConstruct): string[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as Record<string, string>))
    .map((id) => id.replace(/^annotation::/i, ''));
}
