import {
  businessCaseLines,
  formatAmount,
  formatCampaignCutoff,
  formatWhole,
  targetSentence,
} from '../../../lambda/evaluate/business-text';
import { type BusinessCase, businessEvaluation } from '../../../lambda/evaluate/business';
import { percent } from '../../../lambda/shared/html';
import { confusionMatrix } from '../../../lambda/evaluate/confusion';
import { rocCurve } from '../../../lambda/evaluate/roc';
import { WORKED_CASE, WORKED_LABELS, WORKED_SCORES } from '../../support/worked-example';

/** The worked example (test/support/worked-example.ts) with a budget of 35,000. */
const [LABELS, SCORES] = [WORKED_LABELS, WORKED_SCORES];
const CASE: BusinessCase = { ...WORKED_CASE, incentiveBudget: 35_000 };

function businessOf(c: Partial<BusinessCase>) {
  const at = (cutoff: number) => ({ cutoff, matrix: confusionMatrix(LABELS, SCORES, cutoff) });
  return businessEvaluation(
    { ...CASE, ...c },
    rocCurve(LABELS, SCORES),
    { positives: 3, negatives: 3 },
    {
      costOptimal: at(0.4),
      default: at(0.5),
    },
  );
}

describe('the business case in words', () => {
  it('formats customers and amounts whole, configured amounts to the cent, rates with one decimal', () => {
    expect([formatWhole(16_666.67), formatWhole(-0.2), formatAmount(49.99), formatAmount(750_000)]).toEqual([
      '16,667',
      '0',
      '49.99',
      '750,000',
    ]);
    expect([percent(0.0525), percent(0.145), formatCampaignCutoff(null), formatCampaignCutoff(1 / 3)]).toEqual([
      '5.3%',
      '14.5%',
      'nobody',
      '0.3333',
    ]);
  });

  it('prints the assumptions, a row per reported cutoff and the verdict, hand-computed', () => {
    // The budget of 35,000 binds at 0.7 (30,000); the cost-optimal 0.4 spends 40,000, over it.
    expect(businessCaseLines(businessOf({}))).toEqual([
      '600 customers scored, 50.0% of them would leave (300); target 10.0%, budget 35,000; an incentive costs 100 ' +
        'and keeps 100.0% of the churners offered it; a kept customer is worth 1,000.',
      'cutoff                  offers                 spend  churners reached  kept  leave anyway  offers to stayers  churn after                       target  net value',
      'budget-constrained 0.7     300                30,000               200   200             0                100        16.7%  6.7 percentage points above    170,000',
      'cost-optimal 0.4           400  40,000 (over budget)               300   300             0                100         0.0%                          met    260,000',
      '0.5                        300                30,000               200   200             0                100        16.7%  6.7 percentage points above    170,000',
      'The budget-constrained campaign (cutoff 0.7) spends 30,000 of the 35,000 budget and leaves 16.7% churn: ' +
        '6.7 percentage points above the 10.0% target. With this model the target needs a budget of 40,000.',
    ]);
  });

  it('says when the target is met, when it is out of reach at any budget, and when nobody is offered', () => {
    expect(targetSentence(businessOf({ incentiveBudget: 100_000 }))).toBe(
      'The budget-constrained campaign (cutoff 0.4) spends 40,000 of the 100,000 budget and leaves 0.0% churn: the 10.0% target is met.',
    );
    expect(targetSentence(businessOf({ incentiveRetention: 0.5 }))).toMatch(
      /leaves 33\.3% churn: 23\.3 percentage points above the 10\.0% target\. The target is not reachable at any budget with this model\.$/,
    );
    expect(targetSentence(businessOf({ incentiveBudget: 0 }))).toBe(
      'The budget-constrained campaign offers nobody, and churn stays at 50.0%: 40.0 percentage points above the 10.0% target. ' +
        'With this model the target needs a budget of 40,000.',
    );
  });
});
