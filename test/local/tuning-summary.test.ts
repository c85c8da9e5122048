import { tuningSummaryOf } from '../../lib/local/engines';
import { HYPERPARAMETER_RANGES } from '../../lib/training/tuning-state';

/** A trial as `xgboost_local.py tune` prints it. */
const trial = (n: number, eta: number, auc: number | null, best: number) => ({
  trial: n,
  hyperparameters: {
    objective: 'binary:logistic',
    eval_metric: 'auc',
    early_stopping_rounds: '10',
    eta,
    min_child_weight: 2,
    subsample: 0.8,
    gamma: 1,
    max_depth: 4,
    num_round: 60,
  },
  bestIteration: best,
  validationAuc: auc,
  history: { train: { auc: [0.8, 0.85, 0.9] }, validation: { auc: [0.78, 0.84, 0.83] } },
});

describe('tuningSummaryOf (npm run local)', () => {
  const summary = tuningSummaryOf({
    best: trial(1, 0.1, 0.84, 1),
    trials: [trial(0, 0.05, 0.8, 2), trial(1, 0.1, 0.84, 1)],
  });

  it('names the objective and every range the SageMaker tuning job searches, with its scale', () => {
    expect(summary.objective).toEqual({ metric: 'validation:auc', maximize: true });
    expect(summary.ranges.map((r) => r.name)).toEqual(
      [...HYPERPARAMETER_RANGES.continuous, ...HYPERPARAMETER_RANGES.integer].map((r) => r.Name),
    );
    expect(summary.ranges[0]).toEqual({ name: 'eta', low: 0.01, high: 0.3, scale: 'log' });
  });

  it('keeps each trial’s tuned values only, named from 1, with its validation AUC', () => {
    expect(summary.trials[0]).toEqual({
      name: 'trial 1',
      values: { eta: 0.05, min_child_weight: 2, subsample: 0.8, gamma: 1, max_depth: 4, num_round: 60 },
      objective: 0.8,
    });
  });

  it('takes the best trial’s rounds on both channels, its best round and the early-stopping patience', () => {
    expect(summary.best).toEqual({
      name: 'trial 2',
      metric: 'auc',
      history: { train: [0.8, 0.85, 0.9], validation: [0.78, 0.84, 0.83] },
      bestRound: 1,
      earlyStoppingRounds: 10,
    });
  });
});
