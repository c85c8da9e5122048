import { RemovalPolicy } from 'aws-cdk-lib';
import type { RemovalMode } from './config';

/**
 * The CloudFormation removal policy of a stage's stateful resources: the one place where the
 * stage's `removal` choice becomes DESTROY or RETAIN.
 */
export function removalPolicyOf(mode: RemovalMode): RemovalPolicy {
  return mode === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
