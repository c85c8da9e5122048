import * as fc from 'fast-check';
import {
  type GateDecision,
  type GateEvent,
  GateInputError,
  type GatePolicy,
  REASON_MAX_LENGTH,
  decide,
  parseGateEvent,
  updateInput,
} from '../../../lambda/quality-gate/gate';

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/7';

const AUTOMATIC: GatePolicy = { minAuc: 0.75, approval: 'automatic' };
const MANUAL: GatePolicy = { minAuc: 0.75, approval: 'manual' };

/** A model that passes: good AUC, and acting on it saves 3,300. */
const GOOD: GateEvent = { modelPackageArn: ARN, auc: 0.873, costAtOptimalCutoff: 9100, costOfDoingNothing: 12400 };

function event(change: Partial<Record<keyof GateEvent, unknown>>): GateEvent {
  return { ...GOOD, ...change } as GateEvent;
}

/** The error `decide` throws for `input`. */
function errorFor(input: GateEvent, policy: GatePolicy = AUTOMATIC): Error {
  try {
    decide(input, policy);
  } catch (e) {
    return e as Error;
  }
  throw new Error('decide did not throw');
}

describe('decide', () => {
  it('approves a package that passes both checks when the stage approves automatically', () => {
    expect(decide(GOOD, AUTOMATIC)).toEqual({
      passed: true,
      status: 'Approved',
      reason:
        'passed: test AUC 0.873 meets the minimum 0.750 and expected cost 9,100 is below the cost of doing ' +
        'nothing, 12,400; approved automatically, as this stage approves what passes',
    });
  });

  it('leaves a package that passes pending, for a person to decide, when the stage approves by hand', () => {
    expect(decide(GOOD, MANUAL)).toEqual({
      passed: true,
      status: 'PendingManualApproval',
      reason:
        'passed: test AUC 0.873 meets the minimum 0.750 and expected cost 9,100 is below the cost of doing ' +
        'nothing, 12,400; waits for a person to approve or reject it',
    });
  });

  it('rejects a package whose AUC is below the minimum, with the numbers', () => {
    expect(decide(event({ auc: 0.712 }), AUTOMATIC)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: 'test AUC 0.712 is below the minimum 0.750',
    });
  });

  it('rejects a package that costs more than doing nothing, with the numbers', () => {
    expect(decide(event({ costAtOptimalCutoff: 13050.5 }), MANUAL)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: 'expected cost 13,050.5 is not below the cost of doing nothing, 12,400',
    });
  });

  it('rejects a package that saves nothing: a cost equal to doing nothing fails', () => {
    expect(decide(event({ costAtOptimalCutoff: 12400 }), AUTOMATIC)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: 'expected cost 12,400 is not below the cost of doing nothing, 12,400',
    });
  });

  it('names both failed checks when both fail, whatever the approval mode', () => {
    const reason =
      'test AUC 0.712 is below the minimum 0.750; expected cost 12,400 is not below the cost of doing nothing, 12,400';
    for (const policy of [AUTOMATIC, MANUAL]) {
      expect(decide(event({ auc: 0.712, costAtOptimalCutoff: 12400 }), policy)).toEqual({
        passed: false,
        status: 'Rejected',
        reason,
      });
    }
  });

  it('passes an AUC of exactly the minimum', () => {
    expect(decide(event({ auc: 0.75 }), AUTOMATIC)).toMatchObject({ passed: true, status: 'Approved' });
    expect(decide(event({ auc: 0.75 }), AUTOMATIC).reason).toContain('test AUC 0.750 meets the minimum 0.750');
  });

  it('passes a cost just below doing nothing', () => {
    expect(decide(event({ costAtOptimalCutoff: 12399.99 }), AUTOMATIC)).toMatchObject({ passed: true });
  });

  it('shows more decimals when an AUC just below the minimum would read as equal to it', () => {
    expect(decide(event({ auc: 0.7499 }), AUTOMATIC).reason).toBe('test AUC 0.7499 is below the minimum 0.7500');
    expect(decide(event({ auc: 0.75 - 1e-12 }), AUTOMATIC).reason).toBe(
      'test AUC 0.749999999999 is below the minimum 0.750000000000',
    );
  });

  it('shows more decimals when a cost just above doing nothing would read as equal to it', () => {
    expect(decide(event({ costAtOptimalCutoff: 12400.001 }), AUTOMATIC).reason).toBe(
      'expected cost 12,400.001 is not below the cost of doing nothing, 12,400',
    );
  });

  it('passes and fails at the bounds of the AUC range', () => {
    expect(decide(event({ auc: 1 }), { minAuc: 1, approval: 'automatic' }).passed).toBe(true);
    expect(decide(event({ auc: 0 }), { minAuc: 0, approval: 'automatic' }).passed).toBe(true);
    expect(decide(event({ auc: 0.999 }), { minAuc: 1, approval: 'automatic' }).passed).toBe(false);
  });

  it('fails a model when doing nothing costs nothing: there is nothing to save', () => {
    expect(decide(event({ costAtOptimalCutoff: 0, costOfDoingNothing: 0 }), AUTOMATIC)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: 'expected cost 0 is not below the cost of doing nothing, 0',
    });
  });

  it('writes very large costs in exponent notation, keeping the reason short', () => {
    const { reason } = decide(event({ costAtOptimalCutoff: 2e300, costOfDoingNothing: 1e300 }), AUTOMATIC);
    expect(reason).toBe('expected cost 2.00e+300 is not below the cost of doing nothing, 1.00e+300');
  });

  it('treats -0 as 0', () => {
    expect(decide(event({ auc: -0, costAtOptimalCutoff: -0 }), { minAuc: 0, approval: 'automatic' }).reason).toBe(
      'passed: test AUC 0.000 meets the minimum 0.000 and expected cost 0 is below the cost of doing nothing, ' +
        '12,400; approved automatically, as this stage approves what passes',
    );
  });

  it('Approved or pending iff passed, Rejected iff not, and a reason of 1 to 1,024 characters', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const money = fc.oneof(
      fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 0, max: 50_000 }),
    );
    fc.assert(
      fc.property(
        unit,
        money,
        money,
        unit,
        fc.constantFrom<GatePolicy['approval']>('automatic', 'manual'),
        (auc, cost, nothing, minAuc, approval) => {
          const decision = decide(event({ auc, costAtOptimalCutoff: cost, costOfDoingNothing: nothing }), {
            minAuc,
            approval,
          });
          expect(decision.passed).toBe(auc >= minAuc && cost < nothing);
          if (decision.passed) {
            expect(decision.status).toBe(approval === 'automatic' ? 'Approved' : 'PendingManualApproval');
          } else {
            expect(decision.status).toBe('Rejected');
          }
          expect(decision.reason.length).toBeGreaterThan(0);
          expect(decision.reason.length).toBeLessThanOrEqual(REASON_MAX_LENGTH);
          expect(decision.reason).not.toMatch(/…$/); // short by construction, never cut
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('decide input checks', () => {
  it.each<[string, GateEvent, string]>([
    ['the input is not an object', null as unknown as GateEvent, 'the input is null; expected an object'],
    ['the input is an array', [] as unknown as GateEvent, 'the input is []; expected an object'],
    [
      'modelPackageArn is missing',
      event({ modelPackageArn: undefined }),
      'modelPackageArn is missing; expected arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>',
    ],
    [
      'modelPackageArn is a group ARN',
      event({ modelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package-group/churn-model-group' }),
      'modelPackageArn is "arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package-group/churn-model-group"; expected',
    ],
    [
      'modelPackageArn has no version',
      event({ modelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group' }),
      'modelPackageArn is "arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group"; expected',
    ],
    [
      'modelPackageArn is of another service',
      event({ modelPackageArn: 'arn:aws-cn:s3:cn-north-1:123456789012:model-package/churn-model-group/7' }),
      'modelPackageArn is "arn:aws-cn:s3:',
    ],
    [
      'modelPackageArn has a short account',
      event({ modelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:1234:model-package/churn-model-group/7' }),
      'modelPackageArn is "arn:aws-cn:sagemaker:cn-north-1:1234:',
    ],
    [
      'modelPackageArn has version 0',
      event({ modelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/0' }),
      'modelPackageArn is "arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/0"',
    ],
    ['auc is missing', event({ auc: undefined }), 'auc is missing; expected a finite number from 0 to 1'],
    ['auc is a string', event({ auc: '0.9' }), 'auc is "0.9"; expected a finite number from 0 to 1'],
    ['auc is NaN', event({ auc: NaN }), 'auc is NaN; expected a finite number from 0 to 1'],
    ['auc is above 1', event({ auc: 1.01 }), 'auc is 1.01; expected a finite number from 0 to 1'],
    ['auc is below 0', event({ auc: -0.2 }), 'auc is -0.2; expected a finite number from 0 to 1'],
    [
      'costAtOptimalCutoff is negative',
      event({ costAtOptimalCutoff: -1 }),
      'costAtOptimalCutoff is -1; expected a finite number >= 0',
    ],
    [
      'costAtOptimalCutoff is infinite',
      event({ costAtOptimalCutoff: Infinity }),
      'costAtOptimalCutoff is Infinity; expected a finite number >= 0',
    ],
    [
      'costAtOptimalCutoff is null',
      event({ costAtOptimalCutoff: null }),
      'costAtOptimalCutoff is null; expected a finite number >= 0',
    ],
    [
      'costOfDoingNothing is missing',
      event({ costOfDoingNothing: undefined }),
      'costOfDoingNothing is missing; expected a finite number >= 0',
    ],
    [
      'costOfDoingNothing is a string',
      event({ costOfDoingNothing: '12,400' }),
      'costOfDoingNothing is "12,400"; expected a finite number >= 0',
    ],
  ])('throws a GateInputError naming the field and the value when %s', (_, input, message) => {
    const error = errorFor(input);
    expect(error).toBeInstanceOf(GateInputError);
    expect(error.name).toBe('GateInputError');
    expect(error.message).toContain(message);
  });

  it('takes a model package ARN in any partition and region', () => {
    for (const arn of [
      'arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:model-package/churn/12',
      'arn:aws-iso-b:sagemaker:us-isob-east-1:123456789012:model-package/Churn-Models-2/1',
    ]) {
      expect(parseGateEvent(event({ modelPackageArn: arn })).modelPackageArn).toBe(arn);
    }
  });

  it('refuses a policy outside its range, as a programming error', () => {
    expect(() => decide(GOOD, { minAuc: 1.5, approval: 'automatic' })).toThrow(RangeError);
    expect(() => decide(GOOD, { minAuc: NaN, approval: 'manual' })).toThrow(RangeError);
    expect(() => decide(GOOD, { minAuc: 0.5, approval: 'sometimes' as GatePolicy['approval'] })).toThrow(
      'the policy\'s approval is "sometimes"; expected automatic or manual',
    );
  });
});

describe('updateInput', () => {
  const decision = (status: GateDecision['status']): GateDecision => ({
    passed: status !== 'Rejected',
    status,
    reason: `the reason for ${status}`,
  });

  it('approves a package that passed when the stage approves automatically', () => {
    expect(updateInput(ARN, decision('Approved'))).toEqual({
      ModelPackageArn: ARN,
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'the reason for Approved',
      CustomerMetadataProperties: { qualityGate: 'passed' },
    });
  });

  it('rejects a package that failed', () => {
    expect(updateInput(ARN, decision('Rejected'))).toEqual({
      ModelPackageArn: ARN,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: 'the reason for Rejected',
      CustomerMetadataProperties: { qualityGate: 'failed' },
    });
  });

  it('leaves the status of a package pending manual approval as it is, recording only the reason', () => {
    const input = updateInput(ARN, decision('PendingManualApproval'));
    expect(input).toEqual({
      ModelPackageArn: ARN,
      ApprovalDescription: 'the reason for PendingManualApproval',
      CustomerMetadataProperties: { qualityGate: 'passed' },
    });
    expect(input).not.toHaveProperty('ModelApprovalStatus');
  });

  it('records what decide decided', () => {
    const rejected = decide(event({ auc: 0.5 }), MANUAL);
    expect(updateInput(ARN, rejected)).toEqual({
      ModelPackageArn: ARN,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: 'test AUC 0.500 is below the minimum 0.750',
      CustomerMetadataProperties: { qualityGate: 'failed' },
    });
  });

  it('throws a GateInputError for an ARN that is not a model package version', () => {
    expect(() => updateInput('churn-model-group/7', decision('Approved'))).toThrow(GateInputError);
  });
});
