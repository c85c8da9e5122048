import * as fc from 'fast-check';
import type { BusinessSummary } from '../../../lambda/evaluate/business';
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
import { BUSINESS, CAMPAIGN } from './fixtures';

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/7';

/** The version in service, of the same group. */
const CHAMPION_ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/6';

const AUTOMATIC: GatePolicy = { minAuc: 0.75, approval: 'automatic', championMargin: 0.01, onCampaign: true };
const MANUAL: GatePolicy = { minAuc: 0.75, approval: 'manual', championMargin: 0.01, onCampaign: true };

/** A rejection's reason: the failed checks, then the campaign's figures. */
function rejected(failures: string): string {
  return `${failures}; ${CAMPAIGN}`;
}

/** A model that passes: good AUC, acting on it saves 3,300, its campaign passes; no model in service. */
const GOOD: GateEvent = {
  runId: '20261126-152458-ab12',
  modelPackageArn: ARN,
  auc: 0.873,
  costAtOptimalCutoff: 9100,
  costOfDoingNothing: 12400,
  business: BUSINESS,
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
        `nothing, 12,400; ${NO_CHAMPION_TEXT}; ${CAMPAIGN}; approved automatically, as this stage approves what passes`,
    });
  });

  it('leaves a package that passes pending, for a person to decide, when the stage approves by hand', () => {
    expect(decide(GOOD, MANUAL)).toEqual({
      passed: true,
      status: 'PendingManualApproval',
      reason:
        'passed: test AUC 0.873 meets the minimum 0.750 and expected cost 9,100 is below the cost of doing ' +
        `nothing, 12,400; ${NO_CHAMPION_TEXT}; ${CAMPAIGN}; waits for a person to approve or reject it`,
    });
  });

  it('rejects a package whose AUC is below the minimum, with the numbers', () => {
    expect(decide(event({ auc: 0.712 }), AUTOMATIC)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: rejected('test AUC 0.712 is below the minimum 0.750'),
    });
  });

  it('rejects a package that costs more than doing nothing, with the numbers', () => {
    expect(decide(event({ costAtOptimalCutoff: 13050.5 }), MANUAL)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: rejected('expected cost 13,050.5 is not below the cost of doing nothing, 12,400'),
    });
  });

  it('rejects a package that saves nothing: a cost equal to doing nothing fails', () => {
    expect(decide(event({ costAtOptimalCutoff: 12400 }), AUTOMATIC)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: rejected('expected cost 12,400 is not below the cost of doing nothing, 12,400'),
    });
  });

  it('names both failed checks when both fail, whatever the approval mode', () => {
    const reason = rejected(
      'test AUC 0.712 is below the minimum 0.750; expected cost 12,400 is not below the cost of doing nothing, 12,400',
    );
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
    expect(decide(event({ auc: 0.7499 }), AUTOMATIC).reason).toBe(
      rejected('test AUC 0.7499 is below the minimum 0.7500'),
    );
    expect(decide(event({ auc: 0.75 - 1e-12 }), AUTOMATIC).reason).toBe(
      rejected('test AUC 0.749999999999 is below the minimum 0.750000000000'),
    );
  });

  it('shows more decimals when a cost just above doing nothing would read as equal to it', () => {
    expect(decide(event({ costAtOptimalCutoff: 12400.001 }), AUTOMATIC).reason).toBe(
      rejected('expected cost 12,400.001 is not below the cost of doing nothing, 12,400'),
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
      reason: rejected('expected cost 0 is not below the cost of doing nothing, 0'),
    });
  });

  it('writes very large costs in exponent notation, keeping the reason short', () => {
    const { reason } = decide(event({ costAtOptimalCutoff: 2e300, costOfDoingNothing: 1e300 }), AUTOMATIC);
    expect(reason).toBe(rejected('expected cost 2.00e+300 is not below the cost of doing nothing, 1.00e+300'));
  });

  it('treats -0 as 0', () => {
    expect(decide(event({ auc: -0, costAtOptimalCutoff: -0 }), { ...AUTOMATIC, minAuc: 0 }).reason).toBe(
      'passed: test AUC 0.000 meets the minimum 0.000 and expected cost 0 is below the cost of doing nothing, ' +
        `12,400; ${NO_CHAMPION_TEXT}; ${CAMPAIGN}; approved automatically, as this stage approves what passes`,
    );
  });

  it('Approved or pending iff passed, Rejected iff not, and a reason of 1 to 1,024 characters with the spend and the budget', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const money = fc.oneof(
      fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: 0, max: 50_000 }),
    );
    const value = fc.oneof(
      fc.double({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -50_000, max: 50_000 }),
    );
    const business: fc.Arbitrary<BusinessSummary> = fc.record({
      budget: money,
      spend: money,
      cutoff: fc.option(unit, { nil: null }),
      projectedChurnRate: unit,
      targetChurnRate: unit,
      targetMet: fc.boolean(),
      churnRateBefore: unit,
      netValue: value,
      budgetToReachTarget: fc.option(money, { nil: null }),
    });
    fc.assert(
      fc.property(
        unit,
        money,
        money,
        unit,
        fc.constantFrom<GatePolicy['approval']>('automatic', 'manual'),
        fc.option(unit, { nil: null }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        business,
        fc.boolean(),
        (auc, cost, nothing, minAuc, approval, championAuc, championMargin, b, onCampaign) => {
          const champion = championAuc === null ? null : { modelPackageArn: CHAMPION_ARN, auc: championAuc };
          const decision = decide(
            event({ auc, costAtOptimalCutoff: cost, costOfDoingNothing: nothing, business: b, champion }),
            { minAuc, approval, championMargin, onCampaign },
          );
          // The gain is compared rounded to 12 decimals; the property stays off that boundary.
          fc.pre(championAuc === null || Math.abs(auc - championAuc - championMargin) > 1e-9);
          const beatsChampion = championAuc === null || auc - championAuc >= championMargin;
          const campaignPasses = !onCampaign || (b.spend <= b.budget && b.netValue > 0);
          expect(decision.passed).toBe(auc >= minAuc && cost < nothing && beatsChampion && campaignPasses);
          // The spend and the budget are named, and never read the same unless they are.
          const [, spendText, budgetText] = /spends (\S+) of the (\S+) budget/.exec(decision.reason) ?? [];
          expect(spendText).toBeDefined();
          expect(spendText === budgetText).toBe(b.spend === b.budget);
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
        `0.023, at least the margin 0.010; ${CAMPAIGN}; approved automatically, as this stage approves what passes`,
    });
  });

  it('rejects a challenger that beats the champion by less than the margin, though it passes every other check', () => {
    expect(decide(against(0.868), MANUAL)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: rejected(
        'test AUC gain 0.005 over the model in service (version 6, test AUC 0.868 on the same test split) is ' +
          'below the margin 0.010',
      ),
    });
  });

  it('rejects a challenger worse than the champion, with a negative gain', () => {
    expect(decide(against(0.9), AUTOMATIC).reason).toBe(
      rejected(
        'test AUC gain -0.027 over the model in service (version 6, test AUC 0.900 on the same test split) is ' +
          'below the margin 0.010',
      ),
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

  it('names every failed check, the champion last, then the campaign', () => {
    expect(decide(against(0.8, { auc: 0.7, costAtOptimalCutoff: 13000 }), AUTOMATIC).reason).toBe(
      rejected(
        'test AUC 0.700 is below the minimum 0.750; expected cost 13,000 is not below the cost of doing nothing, ' +
          '12,400; test AUC gain -0.100 over the model in service (version 6, test AUC 0.800 on the same test ' +
          'split) is below the margin 0.010',
      ),
    );
  });

  it('still demands the minimum and a saving from a challenger that beats the champion', () => {
    expect(decide(against(0.6, { auc: 0.7 }), AUTOMATIC)).toEqual({
      passed: false,
      status: 'Rejected',
      reason: rejected('test AUC 0.700 is below the minimum 0.750'),
    });
  });
});

describe('decide on the campaign (business.gateOnCampaign)', () => {
  /** A stage that states the campaign's figures but does not gate on them. */
  const OFF: GatePolicy = { ...AUTOMATIC, onCampaign: false };

  /** GOOD, with the campaign's figures changed. */
  function campaign(change: Partial<BusinessSummary>): GateEvent {
    return event({ business: { ...BUSINESS, ...change } });
  }

  /** The budget-constrained campaign of a model that reaches nobody within the budget: it offers nobody. */
  const NOBODY: BusinessSummary = {
    budget: 750000,
    spend: 0,
    cutoff: null,
    projectedChurnRate: 0.145,
    targetChurnRate: 0.04,
    targetMet: false,
    churnRateBefore: 0.145,
    netValue: 0,
    budgetToReachTarget: null,
  };

  /** The figures after the cutoff, as BUSINESS states them. */
  const CHURN =
    'projected churn 5.2% (from 14.5%) against the 4.0% target (not met; this model needs 1,095,617 to reach it)';

  /** The reason of a package that passes every check, with the campaign's words. */
  function approved(campaignText: string): string {
    return (
      'passed: test AUC 0.873 meets the minimum 0.750 and expected cost 9,100 is below the cost of doing nothing, ' +
      `12,400; ${NO_CHAMPION_TEXT}; ${campaignText}; approved automatically, as this stage approves what passes`
    );
  }

  it('passes a campaign within the budget and worth more than doing nothing, stating its figures', () => {
    expect(decide(GOOD, AUTOMATIC)).toEqual({ passed: true, status: 'Approved', reason: approved(CAMPAIGN) });
  });

  it('rejects a campaign over the budget, naming the spend and the budget', () => {
    expect(decide(campaign({ spend: 812345.6 }), AUTOMATIC)).toEqual({
      passed: false,
      status: 'Rejected',
      reason:
        'the campaign is over budget: at cutoff 0.165, it spends 812,346 of the 750,000 budget, worth 1,602,113 ' +
        `more than doing nothing; ${CHURN}`,
    });
  });

  it('rejects a campaign that offers nobody: it spends nothing and keeps no one, no better than doing nothing', () => {
    expect(decide(event({ business: NOBODY }), MANUAL)).toEqual({
      passed: false,
      status: 'Rejected',
      reason:
        'the campaign is no better than doing nothing: offering nobody (no cutoff), it spends 0 of the 750,000 ' +
        'budget, worth no more than doing nothing; projected churn 14.5% (from 14.5%) against the 4.0% target ' +
        '(not met; not reachable at any budget with this model)',
    });
  });

  it('rejects a campaign whose incentives cost more than the churners it keeps are worth', () => {
    expect(decide(campaign({ netValue: -20000.4 }), AUTOMATIC).reason).toBe(
      'the campaign is no better than doing nothing: at cutoff 0.165, it spends 706,899 of the 750,000 budget, ' +
        `worth 20,000 less than doing nothing; ${CHURN}`,
    );
  });

  it('names both campaign failures at once, after the other checks', () => {
    expect(decide(campaign({ spend: 812345.6, netValue: -20000 }), AUTOMATIC).reason).toBe(
      'the campaign is over budget and no better than doing nothing: at cutoff 0.165, it spends 812,346 of the ' +
        `750,000 budget, worth 20,000 less than doing nothing; ${CHURN}`,
    );
    expect(decide(event({ auc: 0.712, business: NOBODY }), AUTOMATIC).reason).toMatch(
      /^test AUC 0\.712 is below the minimum 0\.750; the campaign is no better than doing nothing: /,
    );
  });

  it('passes a spend of exactly the budget, and fails one just over it, which reads apart from the budget', () => {
    expect(decide(campaign({ spend: 750000 }), AUTOMATIC).reason).toBe(
      approved(
        'the campaign at cutoff 0.165 spends 750,000 of the 750,000 budget, worth 1,602,113 more than doing ' +
          `nothing; ${CHURN}`,
      ),
    );
    expect(decide(campaign({ spend: 750000.4 }), AUTOMATIC)).toMatchObject({ passed: false, status: 'Rejected' });
    expect(decide(campaign({ spend: 750000.4 }), AUTOMATIC).reason).toContain(
      'over budget: at cutoff 0.165, it spends 750,000.4 of the 750,000 budget',
    );
    expect(decide(campaign({ spend: 749999.6 }), AUTOMATIC).reason).toContain('spends 749,999.6 of the 750,000 budget');
  });

  it('passes a campaign worth a little more than doing nothing, and says how little', () => {
    const decision = decide(campaign({ netValue: 0.004 }), AUTOMATIC);
    expect(decision.passed).toBe(true);
    expect(decision.reason).toContain('worth 0.004 more than doing nothing');
  });

  it('does not check the campaign when the stage does not gate on it, but still states its figures', () => {
    expect(decide(campaign({ spend: 812345.6, netValue: -20000 }), OFF)).toEqual({
      passed: true,
      status: 'Approved',
      reason: approved(
        'the campaign at cutoff 0.165 spends 812,346 of the 750,000 budget, worth 20,000 less than doing nothing ' +
          `(not a check in this stage); ${CHURN}`,
      ),
    });
    expect(decide(event({ business: NOBODY }), OFF)).toMatchObject({ passed: true, status: 'Approved' });
    expect(decide(event({ business: NOBODY }), OFF).reason).toContain(
      'the campaign offering nobody (no cutoff) spends 0 of the 750,000 budget, worth no more than doing nothing ' +
        '(not a check in this stage); projected churn 14.5% (from 14.5%) against the 4.0% target (not met; not ' +
        'reachable at any budget with this model)',
    );
  });

  it('still rejects on the other checks when it does not gate on the campaign', () => {
    expect(decide(event({ auc: 0.712 }), OFF)).toEqual({
      passed: false,
      status: 'Rejected',
      reason:
        'test AUC 0.712 is below the minimum 0.750; the campaign at cutoff 0.165 spends 706,899 of the 750,000 ' +
        `budget, worth 1,602,113 more than doing nothing (not a check in this stage); ${CHURN}`,
    });
  });

  it('says when the target is met, whatever the budget it would need', () => {
    expect(decide(campaign({ projectedChurnRate: 0.0312, targetMet: true }), AUTOMATIC).reason).toContain(
      'projected churn 3.1% (from 14.5%) against the 4.0% target (met); approved automatically',
    );
  });

  it('shows more decimals when a rate, a budget or a cutoff would read the same as another', () => {
    // 3.95% and 4% are both 4.0% with one decimal.
    expect(decide(campaign({ projectedChurnRate: 0.0395, targetMet: true }), AUTOMATIC).reason).toContain(
      'projected churn 3.95% (from 14.50%) against the 4.00% target (met)',
    );
    expect(decide(campaign({ budgetToReachTarget: 750000.3 }), AUTOMATIC).reason).toContain(
      '(not met; this model needs 750,000.3 to reach it)',
    );
    expect(decide(campaign({ cutoff: 0.0001 }), AUTOMATIC).reason).toContain('the campaign at cutoff 0.0001 spends');
    expect(decide(campaign({ cutoff: 0.9999 }), AUTOMATIC).reason).toContain('the campaign at cutoff 0.9999 spends');
    expect(decide(campaign({ cutoff: 0 }), AUTOMATIC).reason).toContain('the campaign at cutoff 0.000 spends');
  });

  it('fits the longest realistic reason, every check failing with a model in service, within 1,024 characters', () => {
    const input = event({
      auc: 0.749999999999,
      costAtOptimalCutoff: 98765432109.87,
      costOfDoingNothing: 98765432109.86,
      business: {
        budget: 99999999999.99,
        spend: 100000000000,
        cutoff: 0.00001,
        projectedChurnRate: 0.040001,
        targetChurnRate: 0.04,
        targetMet: false,
        churnRateBefore: 0.99999,
        netValue: -98765432109.87,
        budgetToReachTarget: null,
      },
      champion: {
        modelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/123456',
        auc: 0.999999999999,
      },
    });
    const { reason } = decide(input, { ...MANUAL, championMargin: 0.5 });
    expect(reason).toBe(
      'test AUC 0.749999999999 is below the minimum 0.750000000000; expected cost 98,765,432,109.87 is not below ' +
        'the cost of doing nothing, 98,765,432,109.86; test AUC gain -0.250 over the model in service (version ' +
        '123456, test AUC 1.000 on the same test split) is below the margin 0.500; the campaign is over budget and ' +
        'no better than doing nothing: at cutoff 0.00001, it spends 100,000,000,000 of the 99,999,999,999.99 ' +
        'budget, worth 98,765,432,110 less than doing nothing; projected churn 4.0001% (from 99.9990%) against the ' +
        '4.0000% target (not met; not reachable at any budget with this model)',
    );
    expect(reason.length).toBeLessThan(REASON_MAX_LENGTH);
  });

  it('clips a reason longer than the API takes to 1,024 characters, ending in an ellipsis', () => {
    // Only an absurd input gets there: a version number of a thousand digits.
    const version = '9'.repeat(1000);
    const { reason } = decide(
      against(0.9, {
        champion: {
          modelPackageArn: `arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/${version}`,
          auc: 0.9,
        },
      }),
      AUTOMATIC,
    );
    expect(reason).toHaveLength(REASON_MAX_LENGTH);
    expect(reason).toMatch(/^test AUC gain -0\.027 over the model in service \(version 9{900,}…$/);
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
    expect(event.reason).toContain(`${CAMPAIGN}; waits for a person to approve or reject it`);
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
    [
      'business is missing',
      event({ business: undefined }),
      'business is missing; expected an object (budget, spend, cutoff, projectedChurnRate, targetChurnRate, ' +
        'targetMet, churnRateBefore, netValue, budgetToReachTarget)',
    ],
    ['business is null', event({ business: null }), 'business is null; expected an object'],
    ['business is an array', event({ business: [] }), 'business is []; expected an object'],
  ])('throws a GateInputError naming the field and the value when %s', (_, input, message) => {
    const error = errorFor(input);
    expect(error).toBeInstanceOf(GateInputError);
    expect(error.name).toBe('GateInputError');
    expect(error.message).toContain(message);
  });

  it.each<[string, Partial<Record<keyof BusinessSummary, unknown>>, string]>([
    ['budget is missing', { budget: undefined }, 'business.budget is missing; expected a finite number >= 0'],
    ['budget is negative', { budget: -1 }, 'business.budget is -1; expected a finite number >= 0'],
    ['budget is a string', { budget: '750000' }, 'business.budget is "750000"; expected a finite number >= 0'],
    ['spend is NaN', { spend: NaN }, 'business.spend is NaN; expected a finite number >= 0'],
    ['spend is negative', { spend: -0.01 }, 'business.spend is -0.01; expected a finite number >= 0'],
    ['spend is infinite', { spend: Infinity }, 'business.spend is Infinity; expected a finite number >= 0'],
    [
      'cutoff is missing (null, not absence, offers nobody)',
      { cutoff: undefined },
      'business.cutoff is missing; expected a finite number from 0 to 1, or null when nobody is offered',
    ],
    ['cutoff is above 1', { cutoff: 1.5 }, 'business.cutoff is 1.5; expected a finite number from 0 to 1'],
    ['cutoff is a string', { cutoff: 'none' }, 'business.cutoff is "none"; expected a finite number from 0 to 1'],
    [
      'projectedChurnRate is above 1',
      { projectedChurnRate: 1.2 },
      'business.projectedChurnRate is 1.2; expected a finite number from 0 to 1',
    ],
    [
      'projectedChurnRate is a percentage string',
      { projectedChurnRate: '5.2%' },
      'business.projectedChurnRate is "5.2%"; expected a finite number from 0 to 1',
    ],
    [
      'targetChurnRate is negative',
      { targetChurnRate: -0.04 },
      'business.targetChurnRate is -0.04; expected a finite number from 0 to 1',
    ],
    ['targetMet is a string', { targetMet: 'false' }, 'business.targetMet is "false"; expected true or false'],
    ['targetMet is missing', { targetMet: undefined }, 'business.targetMet is missing; expected true or false'],
    [
      'churnRateBefore is missing',
      { churnRateBefore: undefined },
      'business.churnRateBefore is missing; expected a finite number from 0 to 1',
    ],
    ['netValue is null', { netValue: null }, 'business.netValue is null; expected a finite number'],
    ['netValue is -Infinity', { netValue: -Infinity }, 'business.netValue is -Infinity; expected a finite number'],
    [
      'budgetToReachTarget is negative',
      { budgetToReachTarget: -5 },
      'business.budgetToReachTarget is -5; expected a finite number >= 0, or null when no budget reaches the target',
    ],
    [
      'budgetToReachTarget is missing (null, not absence, means unreachable)',
      { budgetToReachTarget: undefined },
      'business.budgetToReachTarget is missing; expected a finite number >= 0, or null',
    ],
  ])('throws a GateInputError naming the business field and the value when %s', (_, change, message) => {
    const error = errorFor(event({ business: { ...BUSINESS, ...change } }));
    expect(error).toBeInstanceOf(GateInputError);
    expect(error.message).toContain(message);
  });

  it('takes a campaign that offers nobody and a target no budget reaches (null, not missing)', () => {
    const business = { ...BUSINESS, cutoff: null, budgetToReachTarget: null, netValue: -0 };
    expect(parseGateEvent(event({ business })).business).toEqual({ ...business, netValue: 0 });
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
    expect(() => decide(GOOD, { ...AUTOMATIC, onCampaign: 'true' as unknown as boolean })).toThrow(
      'the policy\'s onCampaign is "true"; expected true or false',
    );
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
    const decided = decide(input, MANUAL);
    expect(updateInput(ARN, decided, scoresOf(input, MANUAL))).toEqual({
      ModelPackageArn: ARN,
      ModelApprovalStatus: 'Rejected',
      ApprovalDescription: rejected(
        'test AUC 0.500 is below the minimum 0.750; test AUC gain -0.350 over the model in service ' +
          '(version 6, test AUC 0.850 on the same test split) is below the margin 0.010',
      ),
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
