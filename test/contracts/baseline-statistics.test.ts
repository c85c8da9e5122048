import fc from 'fast-check';
import {
  binEdgesFromQuantiles,
  binOf,
  discreteQuantile,
  parseStatistics,
  QUANTILE_PERCENTS,
  StatisticsDocumentError,
} from '../../lib/contracts/baseline-statistics';
import type { FeatureColumn } from '../../lib/contracts/feature-manifest';
import { describeBaseline, describeCurrent } from '../../lambda/drift/describe';

const RUNS = { numRuns: 300, seed: 20260801 } as const;

/** The error `fn` throws; fails unless it is a StatisticsDocumentError. */
function documentError(fn: () => unknown): StatisticsDocumentError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StatisticsDocumentError);
    return e as StatisticsDocumentError;
  }
  throw new Error('expected a StatisticsDocumentError, nothing was thrown');
}

describe('binOf', () => {
  it.each<[number, number]>([
    [-1, 0], // below the first edge: the first bin
    [0, 1], // on an edge: the bin it opens (bins are closed on the left)
    [0.5, 1],
    [1, 2], // on the last edge: the last bin
    [1e9, 2], // far above the baseline's range: still counted, in the last bin
  ])('puts %p in bin %p of edges [0, 1]', (value, bin) => {
    expect(binOf(value, [0, 1])).toBe(bin);
  });

  it('puts everything in the one bin when there are no edges', () => {
    expect(binOf(-5, [])).toBe(0);
    expect(binOf(5, [])).toBe(0);
  });

  it('is the number of edges at or below the value (binary search against a scan)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 12 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (raw, value) => {
          const edges = [...new Set(raw.map((e) => (e === 0 ? 0 : e)))].sort((a, b) => a - b);
          expect(binOf(value, edges)).toBe(edges.filter((e) => e <= value).length);
        },
      ),
      RUNS,
    );
  });
});

describe('discreteQuantile (type 1, SQL PERCENTILE_DISC)', () => {
  const ONE_TO_TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it.each<[number, number]>([
    [0, 1], // the minimum
    [10, 1], // ceil(10 * 10 / 100) = 1st value
    [50, 5], // ceil(5) = 5th, not the interpolated 5.5
    [70, 7],
    [100, 10], // the maximum
  ])('of 1..10 at %p %% is %p', (percent, value) => {
    expect(discreteQuantile(ONE_TO_TEN, percent)).toBe(value);
  });

  it.each<[number, number]>([
    [7, 7], // 0.07 * 100 is 7.000000000000001 in floating point (rank 8); 7 * 100 / 100 is exactly 7
    [55, 55], // 0.55 * 100 is 55.00000000000001 (rank 56)
  ])('of 1..100 at %p %% is %p: the rank is computed from the integer percent', (percent, value) => {
    expect(
      discreteQuantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        percent,
      ),
    ).toBe(value);
  });

  it('of 3 values at 90 % is the third: ceil(2.7) = 3', () => {
    expect(discreteQuantile([1, 2, 3], 90)).toBe(3);
  });

  it('is the smallest value with at least p % of the values at or below it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 100 }),
        (values, percent) => {
          const sorted = [...values].sort((a, b) => a - b);
          const q = discreteQuantile(sorted, percent);
          const share = (x: number): number => sorted.filter((v) => v <= x).length / sorted.length;
          expect(sorted).toContain(q);
          expect(share(q) * 100).toBeGreaterThanOrEqual(percent - 1e-9);
          // Any smaller value of the data has less than p % at or below it (p = 0 gives the minimum).
          sorted.filter((v) => v < q).forEach((v) => expect(share(v) * 100).toBeLessThan(percent));
        },
      ),
      RUNS,
    );
  });

  it('refuses no values and a percent that is not an integer in 0..100', () => {
    expect(() => discreteQuantile([], 50)).toThrow(RangeError);
    expect(() => discreteQuantile([1], 12.5)).toThrow('percent is 12.5; expected an integer from 0 to 100');
    expect(() => discreteQuantile([1], 101)).toThrow(RangeError);
  });
});

describe('binEdgesFromQuantiles', () => {
  /** Quantiles at QUANTILE_PERCENTS: minimum, the nine deciles, maximum. */
  const quantiles = (values: number[]) => QUANTILE_PERCENTS.map((percent, i) => ({ percent, value: values[i] ?? 0 }));

  it('takes the interior deciles, each distinct value once (a mostly-zero count, a 0/1 flag)', () => {
    expect(binEdgesFromQuantiles(quantiles([0, 0, 0, 0, 0, 0, 0, 0, 20, 30, 51]))).toEqual([0, 20, 30]);
    expect(binEdgesFromQuantiles(quantiles([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]))).toEqual([0, 1]);
    expect(binEdgesFromQuantiles(quantiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(binEdgesFromQuantiles([])).toEqual([]);
  });

  it.each([
    ['true in under a tenth of rows (deciles all 0)', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['true in over nine tenths of rows (deciles all 1)', [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    ['always 0 in the baseline', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['always 1 in the baseline', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
  ])('gives a 0/1 feature %s the edges [0, 1]: bins < 0 (empty), 0 and 1', (_case, values) => {
    expect(binEdgesFromQuantiles(quantiles(values))).toEqual([0, 1]);
  });

  it('adds the maximum when every decile is one value below it, so that value has a bin of its own', () => {
    // 0 in 95 % of rows, a tail up to 37: bins < 0, [0, 37) and >= 37.
    expect(binEdgesFromQuantiles(quantiles([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 37]))).toEqual([0, 37]);
    // 5 in 85 % of rows, between 2 and 9: bins < 5, [5, 9) and >= 9.
    expect(binEdgesFromQuantiles(quantiles([2, 5, 5, 5, 5, 5, 5, 5, 5, 5, 9]))).toEqual([5, 9]);
    // The value is the maximum: bins < 7 and >= 7 already part it from the rest.
    expect(binEdgesFromQuantiles(quantiles([2, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]))).toEqual([7]);
    // Two distinct deciles: kept as they are, no maximum.
    expect(binEdgesFromQuantiles(quantiles([0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 37]))).toEqual([0, 3]);
    // A constant that is not 0 or 1: one edge, nothing above it to part.
    expect(binEdgesFromQuantiles(quantiles([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]))).toEqual([4]);
    // Values between 0 and 1 are not a 0/1 feature.
    expect(binEdgesFromQuantiles(quantiles([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5]))).toEqual([0, 0.5]);
  });
});

// ---------------------------------------------------------------------------------------------
// The parser.

const FEATURES: FeatureColumn[] = [
  { name: 'x', source: 'x', encoding: 'numeric' },
  { name: 'color_red', source: 'color', encoding: 'one-hot', category: 'red' },
  { name: 'color_blue', source: 'color', encoding: 'one-hot', category: 'blue' },
];
const COLUMNS = ['x', 'color_red', 'color_blue'];
const ROWS = [
  ['1', '1', '0'],
  ['2', '0', '1'],
  ['3', '0', '1'],
  ['', '0', '0'],
  ['abc', '1', '1'],
];

/** A valid baseline, as plain JSON (what S3 holds). */
function baselineJson(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(describeBaseline(COLUMNS, ROWS, FEATURES))) as Record<string, unknown>;
}

/** `document` with the value at `path` replaced. */
function withValue(
  document: Record<string, unknown>,
  path: (string | number)[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(document);
  let node: Record<string | number, unknown> = copy;
  path.slice(0, -1).forEach((key) => {
    node = node[key] as Record<string | number, unknown>;
  });
  node[path[path.length - 1] ?? ''] = value;
  return copy;
}

describe('parseStatistics', () => {
  it('reads back what describeBaseline writes, and keeps only the document fields', () => {
    const json = { ...baselineJson(), extra: 'ignored' };
    const parsed = parseStatistics(json, 'baseline');
    expect(parsed).toEqual(describeBaseline(COLUMNS, ROWS, FEATURES));
    expect(parsed).not.toHaveProperty('extra');
  });

  it('reads a current window binned over the baseline', () => {
    const baseline = describeBaseline(COLUMNS, ROWS, FEATURES);
    const current = JSON.parse(
      JSON.stringify(describeCurrent(COLUMNS, ROWS.slice(0, 2), FEATURES, baseline)),
    ) as unknown;
    expect(parseStatistics(current, 'current').kind).toBe('current');
  });

  it.each<[string, (string | number)[], unknown, string]>([
    ['another version', ['version'], 2, 'version is 2; expected 1'],
    ['another kind', ['kind'], 'current', 'kind is "current"; expected "baseline"'],
    ['a count as a string', ['numeric', 0, 'count'], '3', 'numeric[0] ("x").count is "3"; expected a count'],
    ['a negative count', ['numeric', 0, 'missing'], -1, 'numeric[0] ("x").missing is -1; expected a count'],
    ['a fractional count', ['rows'], 4.5, 'rows is 4.5; expected a count'],
    [
      'counts that do not add up',
      ['numeric', 0, 'count'],
      4,
      'count + missing + invalid is 4 + 1 + 1 = 6; expected the 5 well-formed rows',
    ],
    [
      'a wrong missing fraction',
      ['numeric', 0, 'missingFraction'],
      0.5,
      'numeric[0] ("x").missingFraction is 0.5; expected 1 / 5 = 0.2',
    ],
    [
      'a mean for values that are there as null',
      ['numeric', 0, 'mean'],
      null,
      'numeric[0] ("x").mean is null; expected a finite number',
    ],
    [
      'a negative deviation',
      ['numeric', 0, 'standardDeviation'],
      -1,
      'standardDeviation is -1; expected a number, 0 or more',
    ],
    ['quantiles at other levels', ['numeric', 0, 'quantiles', 0, 'percent'], 1, 'quantiles percents is [1,10,'],
    [
      'decreasing quantiles',
      ['numeric', 0, 'quantiles', 10, 'value'],
      0,
      'quantiles[10].value is 0; expected at least the quantile before it (3)',
    ],
    [
      'edges that do not increase',
      ['numeric', 0, 'histogram', 'edges'],
      [2, 1],
      'histogram.edges[1] is 1; expected an edge above the one before it (2)',
    ],
    [
      'edges that are not the deciles',
      ['numeric', 0, 'histogram'],
      { edges: [1, 3], counts: [0, 1, 2] },
      'histogram.edges is [1,3]; expected the edges its quantiles give (binEdgesFromQuantiles), [1,2,3]',
    ],
    [
      'a bin too few',
      ['numeric', 0, 'histogram', 'counts'],
      [0, 1, 2],
      'histogram.counts has 3 counts; expected 4 (one more than the 3 edges)',
    ],
    [
      'bins that do not sum to the count',
      ['numeric', 0, 'histogram', 'counts'],
      [0, 1, 1, 0],
      "histogram.counts sum to 2; expected the feature's count, 3",
    ],
    [
      'an infinite edge',
      ['numeric', 0, 'histogram', 'edges', 0],
      Infinity,
      'histogram.edges[0] is Infinity; expected a finite number',
    ],
    [
      'a wrong category frequency',
      ['oneHot', 0, 'categories', 0, 'frequency'],
      0.9,
      'oneHot[0] ("color").categories[0].frequency is 0.9; expected 1 / 5 = 0.2',
    ],
    [
      'no categories',
      ['oneHot', 0, 'categories'],
      [],
      'oneHot[0] ("color").categories is []; expected at least one category',
    ],
    [
      'a described column that is not a column',
      ['columns'],
      ['x', 'color_red'],
      'a described column is "color_blue"; expected one of the document\'s columns',
    ],
    ['a column twice', ['columns'], ['x', 'x', 'color_red', 'color_blue'], 'columns is "x"; expected each column once'],
    ['more malformed rows than rows', ['malformedRows', 'tooFewColumns'], 6, 'expected at most the 5 rows'],
    [
      'a missing field',
      ['numeric', 0, 'histogram'],
      undefined,
      'numeric[0] ("x").histogram is missing; expected an object',
    ],
    ['a list where an object belongs', ['malformedRows'], [], 'malformedRows is an array; expected an object'],
  ])('refuses %s, naming the field and the value', (_what, path, value, message) => {
    expect(documentError(() => parseStatistics(withValue(baselineJson(), path, value), 'baseline')).message).toContain(
      message,
    );
  });

  it('refuses a document that is not an object', () => {
    expect(documentError(() => parseStatistics('{"version":1}', 'baseline')).message).toBe(
      'statistics document is a string; expected an object',
    );
    expect(documentError(() => parseStatistics(null, 'current')).message).toBe(
      'statistics document is null; expected an object',
    );
  });

  it('does not read inherited properties as fields', () => {
    const inherited = Object.create(baselineJson()) as object;
    expect(documentError(() => parseStatistics(inherited, 'baseline')).message).toBe('version is missing; expected 1');
  });

  it('throws only its own error, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (value) => {
        try {
          parseStatistics(value, 'baseline');
        } catch (e) {
          expect(e).toBeInstanceOf(StatisticsDocumentError);
        }
      }),
      RUNS,
    );
  });

  it('throws only its own error for a valid document with any one value replaced by anything', () => {
    /** Every path to a value in a JSON document. */
    const pathsOf = (node: unknown, prefix: (string | number)[] = []): (string | number)[][] =>
      typeof node === 'object' && node !== null
        ? [
            prefix,
            ...Object.entries(node).flatMap(([k, v]) => pathsOf(v, [...prefix, Array.isArray(node) ? Number(k) : k])),
          ]
        : [prefix];
    const paths = pathsOf(baselineJson()).filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.anything(), (path, value) => {
        try {
          parseStatistics(withValue(baselineJson(), path, value), 'baseline');
        } catch (e) {
          expect(e).toBeInstanceOf(StatisticsDocumentError);
        }
      }),
      { ...RUNS, numRuns: 1000 },
    );
  });
});
