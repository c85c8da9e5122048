/**
 * The drift comparison on statistics computed by the reference describer from small hand-made
 * tables: verdicts per feature and overall, schema violations, not enough data, and documents that
 * cannot be compared.
 */
import fc from 'fast-check';
import { parseStatistics } from '../../../lib/contracts/baseline-statistics';
import { type FeatureColumn, featureManifest } from '../../../lib/contracts/feature-manifest';
import { ALL_COLUMNS, compareStatistics, type FeatureCheck, overallVerdict } from '../../../lambda/drift/compare';
import { describeBaseline, describeCurrent } from '../../../lambda/drift/describe';
import { DriftInputError } from '../../../lambda/drift/errors';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from '../../../lambda/drift/thresholds';

const RUNS = { numRuns: 200, seed: 20260801 } as const;

/** A numeric feature, a 0/1 flag and a one-hot group of three colours. */
const FEATURES: FeatureColumn[] = [
  { name: 'x', source: 'x', encoding: 'numeric' },
  { name: 'flag', source: 'flag', encoding: 'boolean' },
  { name: 'color_red', source: 'color', encoding: 'one-hot', category: 'red' },
  { name: 'color_blue', source: 'color', encoding: 'one-hot', category: 'blue' },
  { name: 'color_green', source: 'color', encoding: 'one-hot', category: 'green' },
];
const COLUMNS = FEATURES.map((f) => f.name);
/** Small tables: 10 rows are enough here, so that the cases can be worked by hand. */
const THRESHOLDS: DriftThresholds = { ...DEFAULT_DRIFT_THRESHOLDS, minimumRows: 10 };

const ONE_HOT = { red: ['1', '0', '0'], blue: ['0', '1', '0'], green: ['0', '0', '1'], none: ['0', '0', '0'] };
type Color = keyof typeof ONE_HOT;

/** Rows of x values, flags and colours (taken in turn). */
function table(xs: readonly string[], flags: readonly string[], colors: readonly Color[]): string[][] {
  return xs.map((x, i) => [x, flags[i % flags.length] ?? '', ...ONE_HOT[colors[i % colors.length] ?? 'none']]);
}

/** 10 red, 6 blue, 4 green. */
const BASE_COLORS: Color[] = [
  ...Array<Color>(10).fill('red'),
  ...Array<Color>(6).fill('blue'),
  ...Array<Color>(4).fill('green'),
];
const ONE_TO_TWENTY = Array.from({ length: 20 }, (_, i) => String(i + 1));
/**
 * x = 1..20: deciles (type 1, n = 20) are the values at ranks 2, 4, …, 18, so the edges are
 * 2, 4, …, 18 and the counts [1 (x = 1), 2, 2, 2, 2, 2, 2, 2, 2, 3 (x = 18, 19, 20)].
 */
const BASE_ROWS = table(ONE_TO_TWENTY, ['0', '1'], BASE_COLORS);
const BASELINE = describeBaseline(COLUMNS, BASE_ROWS, FEATURES);

function compare(columns: readonly string[], rows: string[][], thresholds = THRESHOLDS) {
  return compareStatistics(BASELINE, describeCurrent(columns, rows, FEATURES, BASELINE), thresholds);
}

function check(checks: readonly FeatureCheck[], name: string, statistic: string): FeatureCheck | undefined {
  return checks.find((c) => c.name === name && c.statistic === statistic);
}

describe('compareStatistics', () => {
  it('bins the baseline as worked out by hand', () => {
    const x = BASELINE.numeric.find((f) => f.name === 'x');
    expect(x?.histogram).toEqual({ edges: [2, 4, 6, 8, 10, 12, 14, 16, 18], counts: [1, 2, 2, 2, 2, 2, 2, 2, 2, 3] });
    // The flag is a 0/1 column: deciles 0 (ranks 2..10) and 1 (ranks 12..18), bins < 0, 0 and 1.
    expect(BASELINE.numeric.find((f) => f.name === 'flag')?.histogram).toEqual({ edges: [0, 1], counts: [0, 10, 10] });
  });

  it('finds nothing between a table and itself: every statistic 0, every verdict ok', () => {
    const report = compare(COLUMNS, BASE_ROWS);
    expect(report.verdict).toBe('ok');
    expect(report.features.map((f) => [f.name, f.statistic, f.value, f.verdict])).toEqual([
      ['x', 'psi', 0, 'ok'],
      ['x', 'missing_fraction_change', 0, 'ok'],
      ['flag', 'psi', 0, 'ok'],
      ['flag', 'missing_fraction_change', 0, 'ok'],
      ['color', 'l_infinity', 0, 'ok'],
      ['color', 'missing_fraction_change', 0, 'ok'],
    ]);
    expect(report.rows).toEqual({ baseline: 20, current: 20 });
  });

  it('acts on x shifted by 10, and only on x', () => {
    // x = 11..30 over the baseline's edges: counts [0, 0, 0, 0, 0, 1, 2, 2, 2, 13] of 20.
    //   e = .05 .1 .1 .1 .1 .1 .1 .1 .1 .15     a = 0 0 0 0 0 .05 .1 .1 .1 .65 (0 -> 0.0001)
    //   bin 0:     (0.0001 - 0.05) * ln(0.0001 / 0.05) = 0.0499 * 6.214608 = 0.310109
    //   bins 1-4:  4 * (0.0001 - 0.1) * ln(0.001)      = 4 * 0.690085     = 2.760340
    //   bin 5:     (0.05 - 0.1) * ln(0.5)              =                    0.034657
    //   bins 6-8:  0
    //   bin 9:     (0.65 - 0.15) * ln(0.65 / 0.15)     = 0.5 * 1.466337   = 0.733169
    //   PSI = 3.838274
    const shifted = Array.from({ length: 20 }, (_, i) => String(i + 11));
    const report = compare(COLUMNS, table(shifted, ['0', '1'], BASE_COLORS));
    expect(check(report.features, 'x', 'psi')?.value).toBeCloseTo(3.838274, 5);
    expect(check(report.features, 'x', 'psi')?.verdict).toBe('act');
    expect(report.features.filter((f) => f.verdict !== 'ok').map((f) => f.name)).toEqual(['x']);
    expect(report.verdict).toBe('act');
  });

  it('acts on a rare flag that became common: true in 9.7 % of rows, then in 30 %', () => {
    // The churn data's international_plan. Every decile of the baseline is 0, yet the flag's edges
    // are [0, 1]: bins < 0, 0 and 1, so each value's share is compared.
    //   e = 0 .903 .097     a = 0 .7 .3     (bin 0 empty on both sides: 0)
    //   bin 1: (0.7 - 0.903) * ln(0.7 / 0.903) = 0.051692
    //   bin 2: (0.3 - 0.097) * ln(0.3 / 0.097) = 0.229202
    //   PSI = 0.280894: act (at least 0.25)
    const xs = Array.from({ length: 1000 }, (_, i) => String((i % 20) + 1));
    const flags = (ones: number) => Array.from({ length: 1000 }, (_, i) => (i < ones ? '1' : '0'));
    const baseline = describeBaseline(COLUMNS, table(xs, flags(97), BASE_COLORS), FEATURES);
    const flag = baseline.numeric.find((f) => f.name === 'flag');
    expect(flag?.quantiles.slice(1, -1).every((q) => q.value === 0)).toBe(true);
    expect(flag?.histogram).toEqual({ edges: [0, 1], counts: [0, 903, 97] });
    const current = describeCurrent(COLUMNS, table(xs, flags(300), BASE_COLORS), FEATURES, baseline);
    const report = compareStatistics(baseline, current, THRESHOLDS);
    expect(check(report.features, 'flag', 'psi')).toEqual({
      name: 'flag',
      statistic: 'psi',
      value: expect.closeTo(0.280894, 6) as number,
      verdict: 'act',
    });
    expect(report.features.filter((f) => f.verdict !== 'ok').map((f) => f.name)).toEqual(['flag']);
  });

  it('acts on a colour mix that moved: red 50 % to 20 % is an L-infinity of 0.3', () => {
    // baseline red .5 blue .3 green .2; current red .2 blue .3 green .5: max(|.3|, 0, |.3|) = 0.3
    const colors: Color[] = [
      ...Array<Color>(4).fill('red'),
      ...Array<Color>(6).fill('blue'),
      ...Array<Color>(10).fill('green'),
    ];
    const report = compare(COLUMNS, table(ONE_TO_TWENTY, ['0', '1'], colors));
    expect(check(report.features, 'color', 'l_infinity')).toEqual({
      name: 'color',
      statistic: 'l_infinity',
      value: expect.closeTo(0.3, 12) as number,
      verdict: 'act',
    });
  });

  it('watches a missing fraction up by 0.05 and acts on one up by 0.1', () => {
    // flag missing in 1 of 20 rows: 0 -> 0.05 (watch); in 2 of 20: 0 -> 0.1 (act)
    const oneMissing = compare(COLUMNS, table(ONE_TO_TWENTY, ['', ...Array<string>(19).fill('1')], BASE_COLORS));
    expect(check(oneMissing.features, 'flag', 'missing_fraction_change')).toMatchObject({
      value: 0.05,
      verdict: 'watch',
    });
    const twoMissing = compare(COLUMNS, table(ONE_TO_TWENTY, ['', '', ...Array<string>(18).fill('1')], BASE_COLORS));
    expect(check(twoMissing.features, 'flag', 'missing_fraction_change')).toMatchObject({ value: 0.1, verdict: 'act' });
  });

  it('counts a missing colour (all zeros) as missing, not as a category', () => {
    // 2 of 20 rows without a colour: missing fraction 0 -> 0.1 (act); the rest keep the mix
    const colors: Color[] = [
      ...Array<Color>(9).fill('red'),
      ...Array<Color>(5).fill('blue'),
      ...Array<Color>(4).fill('green'),
      'none',
      'none',
    ];
    const report = compare(COLUMNS, table(ONE_TO_TWENTY, ['0', '1'], colors));
    expect(check(report.features, 'color', 'missing_fraction_change')).toMatchObject({ value: 0.1, verdict: 'act' });
    // among 18 with a colour: 9/18 = .5, 5/18 = .2778, 4/18 = .2222 against .5 .3 .2: max .0222
    expect(check(report.features, 'color', 'l_infinity')?.value).toBeCloseTo(0.3 - 5 / 18, 12);
  });

  describe('not enough data', () => {
    it('reports a window of fewer rows than the minimum as insufficient, with no values', () => {
      const report = compare(COLUMNS, BASE_ROWS.slice(0, 9));
      expect(report.verdict).toBe('insufficient');
      expect(report.features.every((f) => f.verdict === 'insufficient' && f.value === null)).toBe(true);
    });

    it('is insufficient for a window too small even when there is no feature to check', () => {
      const noFeatures = describeBaseline(
        [],
        Array.from({ length: 20 }, () => []),
        FEATURES,
      );
      const empty = describeCurrent([], [], FEATURES, noFeatures);
      expect(compareStatistics(noFeatures, empty, THRESHOLDS)).toEqual({
        verdict: 'insufficient',
        features: [],
        rows: { baseline: 20, current: 0 },
      });
    });

    it('is insufficient for an empty window, never ok', () => {
      expect(compare(COLUMNS, []).verdict).toBe('insufficient');
      expect(compareStatistics(BASELINE, describeCurrent([], [], FEATURES, BASELINE), THRESHOLDS).verdict).not.toBe(
        'ok',
      );
    });

    it('still acts on a schema violation in a small window', () => {
      const report = compare(
        [...COLUMNS, 'y'],
        BASE_ROWS.slice(0, 3).map((r) => [...r, '7']),
      );
      expect(report.verdict).toBe('act');
      expect(check(report.features, 'y', 'column_extra')?.verdict).toBe('act');
    });

    it('judges a feature with too few values as insufficient, and its missing fraction as usual', () => {
      // x missing in 15 of 20 rows: 5 values < 10 -> PSI insufficient; missing 0 -> 0.75 (act)
      const xs = [...ONE_TO_TWENTY.slice(0, 5), ...Array<string>(15).fill('')];
      const report = compare(COLUMNS, table(xs, ['0', '1'], BASE_COLORS));
      expect(check(report.features, 'x', 'psi')).toMatchObject({ value: null, verdict: 'insufficient' });
      expect(check(report.features, 'x', 'missing_fraction_change')).toMatchObject({ value: 0.75, verdict: 'act' });
    });

    it('lets an insufficient check keep the whole from ok, but not hide a watch or an act', () => {
      expect(overallVerdict(['ok', 'insufficient'])).toBe('insufficient');
      expect(overallVerdict(['insufficient', 'watch'])).toBe('watch');
      expect(overallVerdict(['watch', 'act', 'insufficient'])).toBe('act');
      expect(overallVerdict([])).toBe('ok');
    });
  });

  describe('schema violations', () => {
    it('acts on a column the window lacks and skips its statistics', () => {
      const columns = COLUMNS.filter((c) => c !== 'flag');
      const report = compare(
        columns,
        BASE_ROWS.map(([x, , ...rest]) => [x ?? '', ...rest]),
      );
      expect(check(report.features, 'flag', 'column_missing')).toEqual({
        name: 'flag',
        statistic: 'column_missing',
        value: null,
        verdict: 'act',
      });
      expect(check(report.features, 'flag', 'psi')).toBeUndefined();
      expect(check(report.features, 'x', 'psi')?.verdict).toBe('ok');
    });

    it('acts on a one-hot column the window lacks, and does not compare the broken group', () => {
      const columns = COLUMNS.filter((c) => c !== 'color_green');
      const report = compare(
        columns,
        BASE_ROWS.map((r) => r.slice(0, 4)),
      );
      expect(check(report.features, 'color_green', 'column_missing')?.verdict).toBe('act');
      expect(check(report.features, 'color', 'l_infinity')).toBeUndefined();
    });

    it('acts on columns in another order: the model reads by position', () => {
      const columns = ['flag', 'x', ...COLUMNS.slice(2)];
      const report = compare(
        columns,
        BASE_ROWS.map(([x, flag, ...rest]) => [flag ?? '', x ?? '', ...rest]),
      );
      expect(check(report.features, ALL_COLUMNS, 'column_order')?.verdict).toBe('act');
      expect(check(report.features, 'x', 'psi')?.value).toBe(0); // read by name, the data is the same
    });

    it('acts on values that are not numbers and on one-hot groups that are not one-hot, with their counts', () => {
      const rows = BASE_ROWS.map((r) => [...r]);
      rows[0] = ['abc', ...(rows[0] ?? []).slice(1)];
      rows[1] = ['2', 'yes', '1', '1', '0'];
      const report = compare(COLUMNS, rows);
      expect(check(report.features, 'x', 'invalid_values')).toMatchObject({ value: 1, verdict: 'act' });
      expect(check(report.features, 'flag', 'invalid_values')).toMatchObject({ value: 1, verdict: 'act' });
      expect(check(report.features, 'color', 'invalid_values')).toMatchObject({ value: 1, verdict: 'act' });
    });

    it('acts on rows with too few or too many fields, with their counts, and leaves them out', () => {
      const rows = [...BASE_ROWS, ['1', '0'], ['1', '0', '1', '0', '0', 'extra'], ['1']];
      const report = compare(COLUMNS, rows);
      expect(check(report.features, ALL_COLUMNS, 'rows_with_too_few_columns')).toMatchObject({
        value: 2,
        verdict: 'act',
      });
      expect(check(report.features, ALL_COLUMNS, 'rows_with_too_many_columns')).toMatchObject({
        value: 1,
        verdict: 'act',
      });
      expect(check(report.features, 'x', 'psi')?.value).toBe(0);
    });
  });

  describe('documents that cannot be compared', () => {
    it('refuses a window binned over other edges', () => {
      const other = describeBaseline(COLUMNS, table(['5', '6', '7'], ['0'], ['red']), FEATURES);
      const current = describeCurrent(COLUMNS, BASE_ROWS, FEATURES, other);
      expect(() => compareStatistics(BASELINE, current, THRESHOLDS)).toThrow(DriftInputError);
      expect(() => compareStatistics(BASELINE, current, THRESHOLDS)).toThrow(
        'the current histogram of "x" has edges [5,6,7]; expected the baseline\'s, [2,4,6,8,10,12,14,16,18]',
      );
    });

    it('refuses a one-hot group with other categories', () => {
      const current = describeCurrent(COLUMNS, BASE_ROWS, FEATURES, BASELINE);
      const renamed = {
        ...current,
        oneHot: current.oneHot.map((g) => ({
          ...g,
          categories: g.categories.map((c) => ({ ...c, category: c.category.toUpperCase() })),
        })),
      };
      expect(() => compareStatistics(BASELINE, renamed, THRESHOLDS)).toThrow('one-hot group "color" has categories');
    });

    it('refuses malformed thresholds before comparing', () => {
      expect(() => compare(COLUMNS, BASE_ROWS, { ...THRESHOLDS, psi: { watch: 1, act: 0.5 } })).toThrow(
        'psi.watch is 1, above psi.act 0.5',
      );
    });
  });

  describe('properties', () => {
    /** A field: mostly numbers, sometimes empty or garbage. */
    const cell = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: -50, max: 50 }).map(String) },
      { weight: 1, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom('abc', 'NaN', '1e999', ' ') },
    );
    const oneHotCell = fc.constantFrom(...Object.values(ONE_HOT), ['1', '1', '0'], ['', '', ''], ['2', '0', '0']);
    const row = fc
      .tuple(cell, fc.constantFrom('0', '1', ''), oneHotCell)
      .map(([x, flag, colors]) => [x, flag, ...colors]);
    const rows = fc.array(
      fc.oneof({ weight: 20, arbitrary: row }, { weight: 1, arbitrary: fc.array(cell, { maxLength: 7 }) }),
      {
        maxLength: 60,
      },
    );

    it('a table compared with itself is never drift: ok, or insufficient when small, or act only for schema', () => {
      fc.assert(
        fc.property(rows, (table) => {
          const baseline = describeBaseline(COLUMNS, table, FEATURES);
          const report = compareStatistics(baseline, describeCurrent(COLUMNS, table, FEATURES, baseline), THRESHOLDS);
          const distribution = report.features.filter((f) =>
            ['psi', 'l_infinity', 'missing_fraction_change'].includes(f.statistic),
          );
          distribution.forEach((f) => expect(['ok', 'insufficient']).toContain(f.verdict));
          distribution.forEach((f) => expect(f.value === null || f.value === 0).toBe(true));
        }),
        RUNS,
      );
    });

    it('what the describer writes, the parser reads back unchanged', () => {
      fc.assert(
        fc.property(rows, rows, (base, window) => {
          const baseline = describeBaseline(COLUMNS, base, FEATURES);
          const current = describeCurrent(COLUMNS, window, FEATURES, baseline);
          expect(parseStatistics(JSON.parse(JSON.stringify(baseline)), 'baseline')).toEqual(baseline);
          expect(parseStatistics(JSON.parse(JSON.stringify(current)), 'current')).toEqual(current);
        }),
        RUNS,
      );
    });
  });

  it("describes the churn manifest's features: its booleans as numbers, its category fields as one-hot groups", () => {
    const columns = featureManifest().columns;
    const names = columns.map((c) => c.name);
    const baseline = describeBaseline(names, [names.map(() => '')], columns);
    expect(baseline.oneHot.map((g) => g.source)).toEqual([
      ...new Set(columns.filter((c) => c.encoding === 'one-hot').map((c) => c.source)),
    ]);
    expect(baseline.numeric.map((f) => f.name)).toEqual(
      columns.filter((c) => c.encoding !== 'one-hot').map((c) => c.name),
    );
    expect(parseStatistics(JSON.parse(JSON.stringify(baseline)), 'baseline')).toEqual(baseline);
  });
});
