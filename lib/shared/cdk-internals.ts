import { CfnResource, CustomResourceProviderBase, Stack } from 'aws-cdk-lib';
import type * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
// Not exported from cdk-nag's index; cdk-nag is pinned, and nagResourceName's test fails if it moves.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';

/*
 * Every place where the project depends on something aws-cdk-lib or cdk-nag does not publish: a
 * child construct's ID, a module outside the package's index. Each is needed to put an
 * acknowledgement (or a policy exemption) on a resource that a construct we do not own creates.
 * Each function below names the internal it relies on, and test/shared/cdk-internals.test.ts
 * fails, naming the function, when an upgrade changes it.
 */

/** The error for an internal that is no longer where this project expects it. */
function moved(scope: IConstruct, what: string, helper: string): Error {
  return new Error(
    `${scope.node.path}: cannot find ${what}; has the pinned aws-cdk-lib or cdk-nag changed it? ` +
      `Update ${helper} in lib/shared/cdk-internals.ts.`,
  );
}

/**
 * The inline policy that a role's grants (`grant*`, `addToPrincipalPolicy`) write to.
 *
 * Internal: `Role` keeps it in a private `defaultPolicy` field and creates it, on the first
 * grant, as the child `DefaultPolicy`. Call this after a grant has been made.
 */
export function defaultPolicyOf(role: iam.IRole): iam.Policy {
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) {
    throw moved(role, "the role's grant policy (child 'DefaultPolicy', an iam.Policy)", 'defaultPolicyOf');
  }
  return policy;
}

/**
 * The role CloudTrail assumes to deliver a trail's events to CloudWatch Logs.
 *
 * Internal: `Trail` creates it, when `sendToCloudWatchLogs` is on, as the child `LogsRole` and does
 * not expose it.
 */
export function cloudTrailLogsRoleOf(trail: cloudtrail.Trail): iam.Role {
  const role = trail.node.tryFindChild('LogsRole');
  if (!(role instanceof iam.Role)) {
    throw moved(trail, "the trail's CloudWatch Logs role (child 'LogsRole', an iam.Role)", 'cloudTrailLogsRoleOf');
  }
  return role;
}

/**
 * The provider of the stack's `Custom::S3AutoDeleteObjects` resources: the one Lambda function
 * (and its role) that empties every bucket of the stack with `autoDeleteObjects` at teardown.
 *
 * Internal: `Bucket` creates it once per stack, on the first bucket with `autoDeleteObjects`, as
 * the stack's child `Custom::S3AutoDeleteObjectsCustomResourceProvider`. Call this after such a
 * bucket exists.
 */
export function autoDeleteObjectsProviderOf(scope: IConstruct): CustomResourceProviderBase {
  const provider = Stack.of(scope).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
  if (!(provider instanceof CustomResourceProviderBase)) {
    throw moved(
      scope,
      "the stack's S3 auto-delete provider (stack child 'Custom::S3AutoDeleteObjectsCustomResourceProvider')",
      'autoDeleteObjectsProviderOf',
    );
  }
  return provider;
}

/**
 * The Lambda function of the stack's S3 auto-delete provider (see
 * {@link autoDeleteObjectsProviderOf}).
 *
 * Internal: a `CustomResourceProvider` declares its function as the raw child `Handler` (an
 * `AWS::Lambda::Function` CfnResource) and exposes only its role's ARN and its service token.
 */
export function autoDeleteObjectsHandlerOf(scope: IConstruct): CfnResource {
  const handler = autoDeleteObjectsProviderOf(scope).node.tryFindChild('Handler');
  if (!(CfnResource.isCfnResource(handler) && handler.cfnResourceType === 'AWS::Lambda::Function')) {
    throw moved(
      scope,
      "the S3 auto-delete provider's function (child 'Handler', an AWS::Lambda::Function)",
      'autoDeleteObjectsHandlerOf',
    );
  }
  return handler;
}

/**
 * A resource of a policy statement (an ARN, a token resolved to `Fn::GetAtt`, `Fn::Join` …) as
 * cdk-nag spells it in the id of an `AwsSolutions-IAM5[Resource::…]` finding.
 *
 * Internal: cdk-nag's own `flattenCfnReference`, which its index does not export.
 */
export function nagResourceName(resource: unknown): string {
  return flattenCfnReference(resource);
}
