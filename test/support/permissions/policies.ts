import type { PolicyDocument, DeployedApp, DeployedResource } from './world';

/** A named policy document, as the simulator takes it. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** Thrown when a principal holds a policy whose text the app does not contain (an AWS managed policy). */
export class UnknownPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownPolicyError';
  }
}

/**
 * The identity policies of a role, as IAM would hold them once the app is deployed: its inline
 * policies, the `AWS::IAM::Policy` resources that name it, the customer managed policies it lists
 * (in any stack: the lake's access policies are attached across stacks) and those that list it.
 * An AWS managed policy has no text in the templates: asking for it throws, naming it, rather than
 * evaluate without it.
 */
export function identityPoliciesOf(app: DeployedApp, roleArn: string): NamedPolicy[] {
  const resources = app.resources;
  const role = resources.find((r) => r.type === 'AWS::IAM::Role' && r.identity.arn === roleArn);
  if (role === undefined) {
    throw new Error(`no role ${roleArn} in the app`);
  }
  const roleName = role.identity.ref;
  const props = role.properties();
  const policies: NamedPolicy[] = [];
  for (const inline of (props.Policies as { PolicyName: string; PolicyDocument: PolicyDocument }[] | undefined) ?? []) {
    policies.push({ name: `${role.logicalId}/${inline.PolicyName}`, policy: inline.PolicyDocument });
  }
  const managedArns = new Set((props.ManagedPolicyArns as string[] | undefined) ?? []);
  for (const r of resources) {
    if (r.type !== 'AWS::IAM::Policy' && r.type !== 'AWS::IAM::ManagedPolicy') {
      continue;
    }
    const p = r.properties();
    const attached = ((p.Roles as string[] | undefined) ?? []).includes(roleName);
    const listed = r.type === 'AWS::IAM::ManagedPolicy' && managedArns.delete(r.identity.ref);
    if (attached || listed) {
      policies.push({ name: `${r.stackName}/${r.logicalId}`, policy: p.PolicyDocument as PolicyDocument });
    }
  }
  if (managedArns.size > 0) {
    throw new UnknownPolicyError(
      `${role.stackName}/${role.logicalId} has managed policies that are not in the app: ${[...managedArns].join(', ')}. ` +
        'Add their statements (from the AWS managed policy reference) to the evaluator, or drop them from the role.',
    );
  }
  if (props.PermissionsBoundary !== undefined) {
    throw new UnknownPolicyError(`${role.logicalId} has a permissions boundary, which the evaluator does not apply`);
  }
  return policies;
}

/** Parts of an ARN: `arn:partition:service:region:account:resource`. */
export function parseArn(arn: string): { service: string; region: string; account: string; resource: string } {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) {
    throw new Error(`not an ARN: ${arn}`);
  }
  return {
    service: parts[2] ?? '',
    region: parts[3] ?? '',
    account: parts[4] ?? '',
    resource: parts.slice(5).join(':'),
  };
}

/** The resource behind an ARN, if the app has it (a bucket for an object ARN, a function for a qualified one). */
export function ownerOf(app: DeployedApp, arn: string): DeployedResource | undefined {
  const { service } = parseArn(arn);
  const base =
    service === 's3'
      ? arn.split('/')[0]
      : service === 'lambda'
        ? arn.split(':').slice(0, 7).join(':')
        : service === 'logs'
          ? arn.split(':').slice(0, 7).join(':')
          : arn;
  return app.resources.find((r) => r.identity.arn === base);
}

/**
 * The resource-based policy that S3, KMS, SNS, SQS, CloudWatch Logs, Lambda or IAM (a role's trust
 * policy, for `sts:AssumeRole`) evaluates for a request on `arn`, merged when several resources
 * of the app add to it; undefined when the service has none for it.
 */
export function resourcePolicyFor(app: DeployedApp, arn: string, action: string): PolicyDocument | undefined {
  const { service, region, account } = parseArn(arn);
  const resources = app.resources;
  const merge = (documents: PolicyDocument[]): PolicyDocument | undefined =>
    documents.length === 0
      ? undefined
      : { Version: '2012-10-17', Statement: documents.flatMap((d) => asArray(d.Statement)) };
  switch (service) {
    case 's3': {
      const bucket = ownerOf(app, arn);
      return merge(
        resources
          .filter((r) => r.type === 'AWS::S3::BucketPolicy' && r.properties().Bucket === bucket?.identity.ref)
          .map((r) => r.properties().PolicyDocument as PolicyDocument),
      );
    }
    case 'kms': {
      const key = resources.find((r) => r.type === 'AWS::KMS::Key' && r.identity.arn === arn);
      return key?.properties().KeyPolicy as PolicyDocument | undefined;
    }
    case 'sns':
      return merge(
        resources
          .filter(
            (r) =>
              r.type === 'AWS::SNS::TopicPolicy' &&
              ((r.properties().Topics as string[] | undefined) ?? []).includes(arn),
          )
          .map((r) => r.properties().PolicyDocument as PolicyDocument),
      );
    case 'sqs': {
      const queue = resources.find((r) => r.type === 'AWS::SQS::Queue' && r.identity.arn === arn);
      return merge(
        resources
          .filter(
            (r) =>
              r.type === 'AWS::SQS::QueuePolicy' &&
              ((r.properties().Queues as string[] | undefined) ?? []).includes(queue?.identity.ref ?? ''),
          )
          .map((r) => r.properties().PolicyDocument as PolicyDocument),
      );
    }
    case 'logs':
      // CloudWatch Logs resource policies are per account and region, and all of them apply.
      return merge(
        resources
          .filter((r) => r.type === 'AWS::Logs::ResourcePolicy' && r.account === account && regionOf(app, r) === region)
          .map((r) => JSON.parse(r.properties().PolicyDocument as string) as PolicyDocument),
      );
    case 'lambda': {
      const fn = ownerOf(app, arn);
      if (fn === undefined) {
        return undefined;
      }
      return merge(
        resources
          .filter((r) => r.type === 'AWS::Lambda::Permission')
          .filter((r) => {
            const name = r.properties().FunctionName;
            return name === fn.identity.arn || name === fn.identity.ref;
          })
          .map((r) => ({ Version: '2012-10-17', Statement: [lambdaPermissionStatement(r, arn)] })),
      );
    }
    case 'iam': {
      if (!action.toLowerCase().startsWith('sts:assumerole')) {
        return undefined;
      }
      const role = resources.find((r) => r.type === 'AWS::IAM::Role' && r.identity.arn === arn);
      return role?.properties().AssumeRolePolicyDocument as PolicyDocument | undefined;
    }
    default:
      return undefined;
  }
}

function regionOf(app: DeployedApp, r: DeployedResource): string {
  return app.stack(r.stackName).env.region;
}

/** An `AWS::Lambda::Permission` as the statement Lambda adds to the function's policy. */
function lambdaPermissionStatement(permission: DeployedResource, functionArn: string): Record<string, unknown> {
  const p = permission.properties() as Record<string, string | undefined>;
  const principal = p.Principal ?? '';
  const conditions: Record<string, Record<string, string>> = {};
  if (p.SourceArn !== undefined) {
    conditions.ArnLike = { 'aws:SourceArn': p.SourceArn };
  }
  if (p.SourceAccount !== undefined) {
    conditions.StringEquals = { 'aws:SourceAccount': p.SourceAccount };
  }
  return {
    Sid: permission.logicalId,
    Effect: 'Allow',
    Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
    Action: p.Action,
    Resource: functionArn,
    ...(Object.keys(conditions).length > 0 ? { Condition: conditions } : {}),
  };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
