import * as fc from 'fast-check';
import {
  type GateDecision,
  type GateEvent,
  GateInputError,
  type GatePolicy,
  type GateScores,
  NO_CHAMPION,
  REASON_MAX_LENGTH,
  decide,
  decisionEvent,
  parseGateEvent,
  scoresOf,
  updateInput,
} from '../../../lambda/quality-gate/gate';

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/7';

/** The version in service, of the same group. */
const CHAMPION_ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/6';

const AUTOMATIC: GatePolicy = { minAuc: 0.75, approval: 'automatic', championMargin: 0.01 };
const MANUAL: GatePolicy = { minAuc: 0.75, approval: 'manual', championMargin: 0.01 };

/** A model that passes: good AUC, and acting on it saves 3,300; no model in service. */
const GOOD: GateEvent = {
  runId: '20261126-152458-ab12',
  modelPackageArn: ARN,
  auc: 0.873,
  costAtOptimalCutoff: 9100,
  costOfDoingNothing: 12400,
  champion: null,
};

/** What the reason says when no model is in service. */
const NO_CHAMPION_TEXT = 'no model is in service to compare with';

/** GOOD, with a champion of the given test AUC. */
function against(championAuc: number, change: Partial<Record<keyof GateEvent, unknown>> = {}): GateEvent {
  return event({ champion: { modelPackageArn: CHAMPION_ARN, auc: championAuc }, ...change });
}

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
        `nothing, 12,400; ${NO_CHAMPION_TEXT}; approved automatically, as this stage approves what passes`,
    });
  });

  it('leaves a package that passes pending, for a person to decide, when the stage approves by hand', () => {
    expect(decide(GOOD, MANUAL)).toEqual({
      passed: true,
      status: 'PendingManualApproval',
      reason:
        'passed: test AUC 0.873 meets the minimum 0.750 and expected cost 9,100 is below the cost of doing ' +
        `nothing, 12,400; ${NO_CHAMPION_TEXT}; waits for a person to approve or reject it`,
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
    const at = (minAuc: number): GatePolicy => ({ ...AUTOMATIC, minAuc });
    expect(decide(event({ auc: 1 }), at(1)).passed).toBe(true);
    expect(decide(event({ auc: 0 }), at(0)).passed).toBe(true);
    expect(decide(event({ auc: 0.999 }), at(1)).passed).toBe(false);
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
    expect(decide(event({ auc: -0, costAtOptimalCutoff: -0 }), { ...AUTOMATIC, minAuc: 0 }).reason).toBe(
      'passed: test AUC 0.000 meets the minimum 0.000 and expected cost 0 is below the cost of doing nothing, ' +
        `12,400; ${NO_CHAMPION_TEXT}; approved automatically, as this stage approves what passes`,
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
        fc.option(unit, { nil: null }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (auc, cost, nothing, minAuc, approval, championAuc, championMargin) => {
          const champion = championAuc === null ? null : { modelPackageArn: CHAMPION_ARN, auc: championAuc };
          const decision = decide(event({ auc, costAtOptimalCutoff: cost, costOfDoingNothing: nothing, champion }), {
            minAuc,
            approval,
            championMargin,
          });
          // The gain is compared rounded to 12 decimals; the property stays off that boundary.
          fc.pre(championAuc === null || Math.abs(auc - championAuc - championMargin) > 1e-9);
          const beatsChampion = championAuc === null || auc - championAuc >= championMargin;
          expect(decision.passed).toBe(auc >= minAuc && cost < nothing && beatsChampion);
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

describe('decide against the model in service (champion against challenger)', () => {
  it('approves a challenger that beats the champion by more than the margin, naming both scores', () => {
    expect(decide(against(0.85), AUTOMATIC)).toEqual({
      passed: true,
      status: 'Approved',
      reason:
        'passed: test AUC 0.873 meets the minimum 0.750 and expected cost 9,100 is below the cost of doing ' +
        'nothing, 12,400; it beats the model in service (version 6, test AUC 0.850 on the same test split) by ' +
        '0.023, at least the margin 0.010; approved automatically, as this stage approves what passes',
    });
  });

  it('rejects a challenger that beats the champion by less than the margin, though it passes every other check', () => {
    expect(decide(against(0.868), MANUAL)).toEqual({
      passed: false,
      status: 'Rejected',
      reason:
        'test AUC gain 0.005 over the model in service (version 6, test AUC 0.868 on the same test split) is ' +
        'below the margin 0.010',
    });
  });

  it('rejects a challenger worse than the champion, with a negative gain', () => {
    expect(decide(against(0.9), AUTOMATIC).reason).toBe(
      'test AUC gain -0.027 over the model in service (version 6, test AUC 0.900 on the same test split) is ' +
        'below the margin 0.010',
    );
  });

  it('passes a gain of exactly the margin, which floating point would otherwise lose', () => {
    // In doubles 0.87 - 0.86 is 0.010000000000000009 and 0.3 - 0.29 is 0.009999999999999981.
    for (const [auc, championAuc] of [
      [0.87, 0.86],
      [0.3, 0.29],
    ] as const) {
      const decision = decide(against(championAuc, { auc, costAtOptimalCutoff: 0, costOfDoingNothing: 1 }), {
        ...AUTOMATIC,
        minAuc: 0,
      });
      expect(decision).toMatchObject({ passed: true, status: 'Approved' });
      expect(decision.reason).toContain('by 0.010, at least the margin 0.010');
    }
  });

  it('shows more decimals when a gain just below the margin would read as equal to it', () => {
    expect(decide(against(0.8631), AUTOMATIC).reason).toContain('test AUC gain 0.0099 over');
    expect(decide(against(0.8631), AUTOMATIC).reason).toContain('is below the margin 0.0100');
  });

  it('lets a tie replace the champion when the margin is 0 (the challenger saw fresher data)', () => {
    expect(decide(against(0.873), { ...AUTOMATIC, championMargin: 0 })).toMatchObject({ passed: true });
    expect(decide(against(0.8731), { ...AUTOMATIC, championMargin: 0 })).toMatchObject({ passed: false });
  });

  it('names every failed check, the champion last', () => {
    expect(decide(against(0.8, { auc: 0.7, costAtOptimalCutoff: 13000 }), AUTOMATIC).reason).toBe(
      'test AUC 0.700 is below the minimum 0.750; expected cost 13,000 is not below the cost of doing nothing, ' +
        '12,400; test AUC gain -0.100 over the model in service (version 6, test AUC 0.800 on the same test ' +
        'split) is below the margin 0.010',
    );
  });

  it('still demands the minimum and a saving from a challenger that beats the champion', () => {
    expect(decide(against(0.6, { auc: 0.7 }), AUTOMATIC)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: 'test AUC 0.700 is below the minimum 0.750',
    });
  });
});

describe('scoresOf', () => {
  it('records both scores and the margin', () => {
    expect(scoresOf(against(0.85), AUTOMATIC)).toEqual({
      challengerAuc: 0.873,
      champion: { modelPackageArn: CHAMPION_ARN, auc: 0.85 },
      championMargin: 0.01,
    });
  });

  it('records no champion as null', () => {
    expect(scoresOf(GOOD, MANUAL)).toEqual({ challengerAuc: 0.873, champion: null, championMargin: 0.01 });
  });
});

describe('decisionEvent', () => {
  it('announces a passed challenger as promoted, with the gate’s reason and the run', () => {
    const decision = decide(against(0.85), AUTOMATIC);
    expect(decisionEvent(GOOD.runId, decision)).toEqual({
      decision: 'challenger-promoted',
      reason: decision.reason,
      trigger: 'training pipeline run 20261126-152458-ab12',
    });
  });

  it('announces a challenger waiting for a person as promoted too: its reason says it waits', () => {
    const event = decisionEvent(GOOD.runId, decide(GOOD, MANUAL));
    expect(event.decision).toBe('challenger-promoted');
    expect(event.reason).toContain(`${NO_CHAMPION_TEXT}; waits for a person to approve or reject it`);
  });

  it('announces a rejected challenger as rejected', () => {
    const decision = decide(against(0.868), AUTOMATIC);
    expect(decisionEvent('r1', decision)).toEqual({
      decision: 'challenger-rejected',
      reason: decision.reason,
      trigger: 'training pipeline run r1',
    });
  });
});

describe('decide input checks', () => {
  it.each<[string, GateEvent, string]>([
    ['the input is not an object', null as unknown as GateEvent, 'the input is null; expected an object'],
    ['the input is an array', [] as unknown as GateEvent, 'the input is []; expected an object'],
    ['runId is missing', event({ runId: undefined }), 'runId is missing; expected a non-empty string'],
    ['runId is blank', event({ runId: ' ' }), 'runId is " "; expected a non-empty string'],
    [
      'champion is missing (null, not absence, means none in service)',
      event({ champion: undefined }),
      'champion is missing; expected an object (modelPackageArn, auc), or null when no model is in service',
    ],
    [
      'champion is an ARN instead of an object',
      event({ champion: CHAMPION_ARN }),
      'champion is "arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/6"; expected an object',
    ],
    [
      'champion.modelPackageArn is not a version',
      event({ champion: { modelPackageArn: 'churn-model-group/6', auc: 0.8 } }),
      'champion.modelPackageArn is "churn-model-group/6"; expected arn:<partition>',
    ],
    ['champion.auc is not a probability', against(1.2), 'champion.auc is 1.2; expected a finite number from 0 to 1'],
    ['champion.auc is missing', event({ champion: { modelPackageArn: CHAMPION_ARN } }), 'champion.auc is missing'],
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
    expect(() => decide(GOOD, { ...AUTOMATIC, minAuc: 1.5 })).toThrow(RangeError);
    expect(() => decide(GOOD, { ...MANUAL, minAuc: NaN })).toThrow(RangeError);
    expect(() => decide(GOOD, { ...AUTOMATIC, approval: 'sometimes' as GatePolicy['approval'] })).toThrow(
      'the policy\'s approval is "sometimes"; expected automatic or manual',
    );
    expect(() => decide(GOOD, { ...AUTOMATIC, championMargin: 0.6 })).toThrow(
      "the policy's champion margin is 0.6; expected a number from 0 to 0.5",
    );
    expect(() => decide(GOOD, { ...AUTOMATIC, championMargin: -0.01 })).toThrow(RangeError);
  });
});

describe('updateInput', () => {
  const decision = (status: GateDecision['status']): GateDecision => ({
    passed: status !== 'Rejected',
    status,
    reason: `the reason for ${status}`,
  });
  const NONE: GateScores = { challengerAuc: 0.873, champion: null, championMargin: 0.01 };
  const noChampion = { championModelPackageArn: 'none', championTestAuc: 'none', championMargin: '0.01' };

  it('approves a package that passed when the stage approves automatically', () => {
    expect(updateInput(ARN, decision('Approved'), NONE)).toEqual({
      ModelPackageArn: ARN,
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'the reason for Approved',
      CustomerMetadataProperties: { qualityGate: 'passed', ...noChampion },
    });
  });

  it('rejects a package that failed', () => {
    expect(updateInput(ARN, decision('Rejected'), NONE)).toEqual({
      ModelPackageArn: ARN,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: 'the reason for Rejected',
      CustomerMetadataProperties: { qualityGate: 'failed', ...noChampion },
    });
  });

  it('leaves the status of a package pending manual approval as it is, recording only the reason', () => {
    const input = updateInput(ARN, decision('PendingManualApproval'), NONE);
    expect(input).toEqual({
      ModelPackageArn: ARN,
      ApprovalDescription: 'the reason for PendingManualApproval',
      CustomerMetadataProperties: { qualityGate: 'passed', ...noChampion },
    });
    expect(input).not.toHaveProperty('ModelApprovalStatus');
  });

  it('records what decide decided', () => {
    const input = against(0.85, { auc: 0.5 });
    const rejected = decide(input, MANUAL);
    expect(updateInput(ARN, rejected, scoresOf(input, MANUAL))).toEqual({
      ModelPackageArn: ARN,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription:
        'test AUC 0.500 is below the minimum 0.750; test AUC gain -0.350 over the model in service ' +
        '(version 6, test AUC 0.850 on the same test split) is below the margin 0.010',
      CustomerMetadataProperties: {
        qualityGate: 'failed',
        championModelPackageArn: CHAMPION_ARN,
        championTestAuc: '0.85',
        championMargin: '0.01',
      },
    });
  });

  it('records the champion and its score when there was one', () => {
    const input = against(0.85);
    expect(updateInput(ARN, decide(input, AUTOMATIC), scoresOf(input, AUTOMATIC)).CustomerMetadataProperties).toEqual({
      qualityGate: 'passed',
      championModelPackageArn: CHAMPION_ARN,
      championTestAuc: '0.85',
      championMargin: '0.01',
    });
    expect(NO_CHAMPION).toBe('none');
  });

  it('throws a GateInputError for an ARN that is not a model package version', () => {
    expect(() => updateInput('churn-model-group/7', decision('Approved'), NONE)).toThrow(GateInputError);
  });
});
