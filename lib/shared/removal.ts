import { RemovalPolicy } from 'aws-cdk-lib';
import type { RemovalMode } from '../config';

/**
 * The CloudFormation removal policy of a stage's stateful resources: the one place where the
 * stage's `removal` choice becomes DESTROY or RETAIN.
 */
export function removalPolicyOf(mode: RemovalMode): RemovalPolicy {
  return mode === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}

/**
 * The removal policy of resources that hold no data, only how the data is found or protected (the
 * Glue databases, the Athena workgroup, the Glue security configuration), and whose names are
 * fixed: they are deleted with their stack in every stage. Retained, they would outlive the stack
 * under the same name, and the next deploy of it would fail with AlreadyExists. The data they
 * describe stays in the lake's buckets, which the stage's removal mode governs, and the stacks
 * recreate them as they were (the tables use partition projection, so nothing needs re-crawling).
 */
export const DEFINITIONS_REMOVAL_POLICY = RemovalPolicy.DESTROY;
