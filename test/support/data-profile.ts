/**
 * A data profile for the data report's tests, in the layout profile_core.py writes: ten labelled
 * customers (three churned) and one unlabelled, two numeric columns (one with an outlier above),
 * two categorical ones, and a quarantine of four rows, one with an id that is a whole record.
 */
import type { DataProfile } from '../../lib/contracts/data-profile';

const zeros = (n: number): number[] => Array.from({ length: n }, () => 0);

export const DATA_PROFILE: DataProfile = {
  formatVersion: 1,
  rows: 11,
  labelled: 10,
  churned: 3,
  numeric: [
    {
      name: 'day_minutes',
      rows: 11,
      missing: 1,
      min: 1,
      max: 100,
      q1: 3,
      median: 5,
      q3: 8,
      lowerFence: -4.5,
      upperFence: 15.5,
      whiskers: [1, 9],
      histogram: {
        edges: Array.from({ length: 21 }, (_, i) => 1 + i * 4.95),
        churned: [0, 2, ...zeros(17), 1],
        stayed: [5, 2, ...zeros(18)],
        unlabelled: zeros(20),
      },
      outliers: { below: 0, above: 1, values: [100] },
    },
    {
      name: 'customer_service_calls',
      rows: 11,
      missing: 0,
      min: 0,
      max: 4,
      q1: 1,
      median: 2,
      q3: 3,
      lowerFence: -2,
      upperFence: 6,
      whiskers: [0, 4],
      histogram: {
        edges: Array.from({ length: 21 }, (_, i) => i * 0.2),
        churned: [...zeros(15), 1, ...zeros(3), 2],
        stayed: [2, ...zeros(4), 3, ...zeros(4), 1, ...zeros(8), 1],
        unlabelled: [1, ...zeros(19)],
      },
      outliers: { below: 0, above: 0, values: [] },
    },
  ],
  categorical: [
    {
      name: 'state',
      values: [
        { value: 'CA', rows: 5, churnRate: 0.2 },
        { value: 'NY', rows: 5, churnRate: 0.4 },
        { value: null, rows: 1, churnRate: null },
      ],
    },
    {
      name: 'churn',
      values: [
        { value: 'false', rows: 7, churnRate: 0 },
        { value: 'true', rows: 3, churnRate: 1 },
        { value: null, rows: 1, churnRate: null },
      ],
    },
  ],
  missing: [
    { name: 'customer_id', missing: 0 },
    { name: 'day_minutes', missing: 1 },
    { name: 'customer_service_calls', missing: 0 },
    { name: 'state', missing: 1 },
    { name: 'churn', missing: 1 },
  ],
  correlations: {
    columns: ['day_minutes', 'customer_service_calls', 'churn'],
    values: [
      [1, 0.1, 0.62],
      [0.1, 1, null],
      [0.62, null, 1],
    ],
  },
  scatter: {
    columns: ['day_minutes', 'customer_service_calls'],
    rows: [
      [1, 0, false],
      [5, 1, false],
      [8, 4, true],
      [100, 4, true],
    ],
  },
  quarantine: {
    rows: 4,
    byReason: [
      { reason: 'invalid_value:age', source: 'batch', rows: 2 },
      { reason: 'invalid_value:customer_id', source: 'batch', rows: 1 },
      { reason: 'invalid_value:age', source: 'stream', rows: 1 },
    ],
    examples: [
      { reason: 'invalid_value:age', source: 'batch', customerId: 'C0001' },
      {
        reason: 'invalid_value:customer_id',
        source: 'batch',
        customerId: '{"customer_id":"<b>C0003</b>","event_time":"2026-11-01T10:00:00Z","state":"NY"}',
      },
    ],
  },
};
