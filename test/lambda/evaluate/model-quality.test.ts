import fc from 'fast-check';
import { evaluate, type Evaluation } from '../../../lambda/evaluate/metrics';
import { modelQualityStatistics } from '../../../lambda/evaluate/model-quality';
import { caseWithCosts } from '../../support/scored-sets';

const RUNS = { numRuns: 300, seed: 20240501 } as const;

/**
 * The worked example of metrics.test.ts. With missed churner 100, incentive 10, retention 1 the
 * cheapest cutoff is 0.4: churners at 0.9, 0.7, 0.4 and the stayer at 0.8 get an offer, so
 * tp 3, fp 1, tn 2, fn 0; accuracy 5/6, precision 3/4, recall 3/3, F1 2*3 / (2*3 + 1 + 0) = 6/7.
 * AUC 7/9. The ROC curve, from the cutoff above every score down to 0.1 (3 churners, 3 stayers):
 *
 *   cutoff  none  0.9  0.8  0.7  0.4  0.3  0.1
 *   fpr     0     0    1/3  1/3  1/3  2/3  1
 *   tpr     0     1/3  1/3  2/3  1    1    1
 */
const CSV = '1,34,,2.5\n0,51,1,0.0\n1,22,0,7.1\n1,,1,3.3\n0,40,0,\n0,63,1,1.0\n';
const TRANSFORM = '0.9\n0.8\n0.7\n0.4\n0.3\n0.1\n';
const EVALUATION = evaluate(CSV, TRANSFORM, caseWithCosts({ missedChurner: 100, incentive: 10 }));

/** The same data when an offer costs more than a churner: giving nobody an offer is cheapest. */
const NOBODY = evaluate(CSV, TRANSFORM, caseWithCosts({ missedChurner: 1, incentive: 1000 }));

describe('modelQualityStatistics', () => {
  it('computes the worked example at the budget-constrained cutoff, here also the cost-optimal one', () => {
    expect(EVALUATION.atBudgetCutoff.cutoff).toBe(0.4);
    expect(EVALUATION.atOptimalCutoff.cutoff).toBe(0.4);
    const statistics = modelQualityStatistics(EVALUATION);
    expect(statistics).toEqual({
      version: 0,
      binary_classification_metrics: {
        confusion_matrix: { '0': { '0': 2, '1': 1 }, '1': { '0': 0, '1': 3 } },
        accuracy: { value: expect.closeTo(5 / 6, 12) as number },
        precision: { value: expect.closeTo(3 / 4, 12) as number },
        recall: { value: 1 },
        f1: { value: expect.closeTo(6 / 7, 12) as number },
        auc: { value: expect.closeTo(7 / 9, 12) as number },
        receiver_operating_characteristic_curve: {
          false_positive_rates: [0, 0, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 1],
          true_positive_rates: [0, 1 / 3, 1 / 3, 2 / 3, 1, 1, 1],
        },
      },
    });
  });

  it('takes the threshold metrics at the campaign’s cutoff, the budget-constrained one, not the cost-optimal one', () => {
    // A budget of 100,000 pays for the offers at 0.9 (2,417 churners of 50,000 customers, at 10 each)
    // and not for those at 0.8 (16,667): the campaign's cutoff is 0.9, the cheapest is 0.4.
    const tight = evaluate(
      CSV,
      TRANSFORM,
      caseWithCosts({ missedChurner: 100, incentive: 10 }, { incentiveBudget: 100_000 }),
    );
    expect([tight.atBudgetCutoff.cutoff, tight.atOptimalCutoff.cutoff]).toEqual([0.9, 0.4]);
    const { confusion_matrix: matrix } = modelQualityStatistics(tight).binary_classification_metrics;
    expect(matrix).toEqual({ '0': { '0': 3, '1': 0 }, '1': { '0': 2, '1': 1 } });
  });

  it('takes the threshold metrics at the campaign’s cutoff, not at 0.5', () => {
    // At 0.5: tp 2, fp 1, tn 2, fn 1, accuracy 4/6. At 0.4: accuracy 5/6.
    expect(EVALUATION.atDefaultCutoff.matrix).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    const metrics = modelQualityStatistics(EVALUATION).binary_classification_metrics;
    expect(metrics.accuracy?.value).toBeCloseTo(5 / 6, 12);
    expect(metrics.confusion_matrix['1']['0']).toBe(0);
  });

  it('puts the true class in rows and the predicted class in columns', () => {
    const { confusion_matrix: matrix } = modelQualityStatistics(NOBODY).binary_classification_metrics;
    // Nobody is predicted to churn: every row lands in the column "0" (predicted to stay).
    expect(NOBODY.atBudgetCutoff.matrix).toEqual({ tp: 0, fp: 0, tn: 3, fn: 3 });
    expect(matrix).toEqual({ '0': { '0': 3, '1': 0 }, '1': { '0': 3, '1': 0 } });
  });

  it('leaves out a metric that is undefined, rather than writing null or NaN', () => {
    expect(NOBODY.atBudgetCutoff.metrics.precision).toBeNull();
    const statistics = modelQualityStatistics(NOBODY);
    const metrics = statistics.binary_classification_metrics;
    expect(metrics).not.toHaveProperty('precision');
    expect(metrics.accuracy).toEqual({ value: 0.5 });
    expect(metrics.recall).toEqual({ value: 0 });
    expect(metrics.f1).toEqual({ value: 0 });
    expect(JSON.stringify(statistics)).not.toMatch(/null|NaN/);
  });

  it('leaves out every threshold metric that is null', () => {
    const undefinedMetrics: Evaluation = {
      ...EVALUATION,
      atBudgetCutoff: {
        ...EVALUATION.atBudgetCutoff,
        metrics: { accuracy: null, precision: null, recall: null, f1: null },
      },
    };
    expect(Object.keys(modelQualityStatistics(undefinedMetrics).binary_classification_metrics)).toEqual([
      'confusion_matrix',
      'auc',
      'receiver_operating_characteristic_curve',
    ]);
  });

  it("has SageMaker's binary classification layout, and survives a JSON round trip", () => {
    const statistics = modelQualityStatistics(EVALUATION);
    expect(Object.keys(statistics)).toEqual(['version', 'binary_classification_metrics']);
    expect(Object.keys(statistics.binary_classification_metrics)).toEqual([
      'confusion_matrix',
      'accuracy',
      'precision',
      'recall',
      'f1',
      'auc',
      'receiver_operating_characteristic_curve',
    ]);
    expect(JSON.parse(JSON.stringify(statistics))).toEqual(statistics);
  });

  it('keeps the counts and the ROC curve of any evaluation, with no null or NaN', () => {
    const rowsArb = fc
      .array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 20 })), { minLength: 2, maxLength: 60 })
      .filter((rows) => rows.some(([l]) => l === 1) && rows.some(([l]) => l === 0));
    const costsArb = fc.record({
      missedChurner: fc.integer({ min: 0, max: 1000 }),
      incentive: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(rowsArb, costsArb, (rows, costs) => {
        const csv = rows.map(([label]) => `${label},1\n`).join('');
        const scores = rows.map(([, k]) => `${k / 20}\n`).join('');
        const evaluation = evaluate(csv, scores, caseWithCosts(costs));
        const statistics = modelQualityStatistics(evaluation);
        const { confusion_matrix: m, receiver_operating_characteristic_curve: roc } =
          statistics.binary_classification_metrics;
        expect(m['1']['0'] + m['1']['1']).toBe(evaluation.counts.positives);
        expect(m['0']['0'] + m['0']['1']).toBe(evaluation.counts.negatives);
        expect(roc.false_positive_rates).toEqual(evaluation.roc.map((p) => p.fpr));
        expect(roc.true_positive_rates).toEqual(evaluation.roc.map((p) => p.tpr));
        expect(JSON.stringify(statistics)).not.toMatch(/null|NaN/);
      }),
      RUNS,
    );
  });
});
