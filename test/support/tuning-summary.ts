/**
 * A tuning summary for the tuning report's tests: five trials over two hyper-parameters, and a best
 * trial whose validation AUC peaks at round 6 of 10 (counted from 0) while the training AUC keeps
 * rising, as early stopping with 3 rounds of patience leaves it.
 */
import type { TuningSummary } from '../../lambda/evaluate/tuning-report';

export const TUNING_SUMMARY: TuningSummary = {
  formatVersion: 1,
  objective: { metric: 'validation:auc', maximize: true },
  ranges: [
    { name: 'eta', low: 0.01, high: 0.3, scale: 'log' },
    { name: 'max_depth', low: 3, high: 10, scale: 'linear' },
  ],
  trials: [
    { name: 'trial 1', values: { eta: 0.02, max_depth: 4 }, objective: 0.81 },
    { name: 'trial 2', values: { eta: 0.1, max_depth: 6 }, objective: 0.86 },
    { name: 'trial 3', values: { eta: 0.25, max_depth: 9 }, objective: 0.83 },
    { name: 'trial 4', values: { eta: 0.05, max_depth: 3 }, objective: 0.84 },
    { name: 'trial 5', values: { eta: 0.15, max_depth: 8 }, objective: null },
  ],
  best: {
    name: 'trial 2',
    metric: 'auc',
    history: {
      train: [0.8, 0.83, 0.85, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93],
      validation: [0.78, 0.8, 0.82, 0.83, 0.84, 0.85, 0.86, 0.858, 0.857, 0.855],
    },
    bestRound: 6,
    earlyStoppingRounds: 3,
  },
};
