import { RemovalPolicy } from 'aws-cdk-lib';
import { DEFINITIONS_REMOVAL_POLICY, removalPolicyOf } from '../../lib/shared/removal';

describe('removalPolicyOf', () => {
  it('destroys stateful resources only when the stage says destroy', () => {
    expect(removalPolicyOf('destroy')).toBe(RemovalPolicy.DESTROY);
  });

  it('retains them when the stage says retain', () => {
    expect(removalPolicyOf('retain')).toBe(RemovalPolicy.RETAIN);
  });
});

describe('DEFINITIONS_REMOVAL_POLICY', () => {
  it('deletes resources that hold no data with their stack, so a redeploy does not meet them by name', () => {
    expect(DEFINITIONS_REMOVAL_POLICY).toBe(RemovalPolicy.DESTROY);
  });
});
