/**
 * The drift report on small hand-made tables: the JSON document's shape, the order of the checks,
 * escaping of every value that comes from data, and the histograms' shares.
 */
import { createHash } from 'node:crypto';
import type { FeatureColumn } from '../../../lib/contracts/feature-manifest';
import { compareStatistics, type FeatureCheck } from '../../../lambda/drift/compare';
import { describeBaseline, describeCurrent } from '../../../lambda/drift/describe';
import {
  binLabels,
  bySeverity,
  type DriftReportContext,
  formatDriftTable,
  histogramShares,
  renderDriftReport,
} from '../../../lambda/drift/report';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from '../../../lambda/drift/thresholds';

/** A numeric feature, a 0/1 flag and a one-hot group whose category names need escaping. */
const FEATURES: FeatureColumn[] = [
  { name: 'x', source: 'x', encoding: 'numeric' },
  { name: 'flag', source: 'flag', encoding: 'boolean' },
  { name: 'color_a', source: 'color', encoding: 'one-hot', category: '<b>"a"&' },
  { name: 'color_b', source: 'color', encoding: 'one-hot', category: 'b' },
];
const COLUMNS = FEATURES.map((f) => f.name);
const THRESHOLDS: DriftThresholds = { ...DEFAULT_DRIFT_THRESHOLDS, minimumRows: 10 };
const CONTEXT: DriftReportContext = { generatedAt: new Date('2026-07-01T12:00:00Z'), thresholds: THRESHOLDS };

/** Rows of x values, flags taken in turn, and colours a (true) or b (false) taken in turn. */
function table(xs: readonly string[], flags: readonly string[], colorA: readonly boolean[]): string[][] {
  return xs.map((x, i) => [x, flags[i % flags.length] ?? '', ...(colorA[i % colorA.length] ? ['1', '0'] : ['0', '1'])]);
}

/** x = 1..20: edges 2, 4, …, 18 and counts [1, 2, 2, 2, 2, 2, 2, 2, 2, 3] (see compare.test.ts). */
const BASE_ROWS = table(
  Array.from({ length: 20 }, (_, i) => String(i + 1)),
  ['0', '1'],
  [true, false],
);
const BASELINE = describeBaseline(COLUMNS, BASE_ROWS, FEATURES);

function report(columns: readonly string[], rows: string[][], context: DriftReportContext = CONTEXT) {
  const current = describeCurrent(columns, rows, FEATURES, BASELINE);
  const comparison = compareStatistics(BASELINE, current, THRESHOLDS);
  return { comparison, ...renderDriftReport(BASELINE, current, comparison, context) };
}

/** The same table as the baseline: nothing moved. */
const SAME = report(COLUMNS, BASE_ROWS);
/** x all at 19 and 20 (the last bin), the flag all 1, colour all b: three act. */
const MOVED = report(
  COLUMNS,
  table(
    Array.from({ length: 20 }, (_, i) => String(19 + (i % 2))),
    ['1'],
    [false],
  ),
);

function check(
  name: string,
  statistic: FeatureCheck['statistic'],
  verdict: FeatureCheck['verdict'],
  value: number | null = 0.5,
): FeatureCheck {
  return { name, statistic, value, verdict };
}

describe('the JSON document', () => {
  it("starts with the verdict and the checks, each exactly { name, statistic, value, verdict }, in the comparison's order", () => {
    expect(Object.keys(MOVED.json)).toEqual(['verdict', 'features', 'rows', 'thresholds', 'generatedAt']);
    expect(MOVED.json.verdict).toBe('act');
    expect(MOVED.json.features).toEqual(MOVED.comparison.features);
    for (const feature of MOVED.json.features) {
      expect(Object.keys(feature)).toEqual(['name', 'statistic', 'value', 'verdict']);
    }
  });

  it('keeps only the four keys of a check, whatever else the comparison carries', () => {
    const extra = { ...SAME.comparison, features: [{ ...check('x', 'psi', 'ok'), note: 'internal' }] };
    const current = describeCurrent(COLUMNS, BASE_ROWS, FEATURES, BASELINE);
    const { json } = renderDriftReport(BASELINE, current, extra, CONTEXT);
    expect(json.features).toEqual([check('x', 'psi', 'ok')]);
  });

  it('says what the verdicts were given on: rows, thresholds, when, and the window and model when known', () => {
    expect(SAME.json).toMatchObject({
      rows: { baseline: 20, current: 20, currentMalformed: 0 },
      thresholds: THRESHOLDS,
      generatedAt: '2026-07-01T12:00:00.000Z',
    });
    const known = report(COLUMNS, BASE_ROWS, {
      ...CONTEXT,
      window: { start: new Date('2026-06-30T12:00:00Z'), end: new Date('2026-07-01T12:00:00Z') },
      model: 'churn-model/3',
    });
    expect(known.json.window).toEqual({ start: '2026-06-30T12:00:00.000Z', end: '2026-07-01T12:00:00.000Z' });
    expect(known.json.model).toBe('churn-model/3');
    expect(JSON.parse(JSON.stringify(known.json))).toEqual(known.json);
  });

  it('counts the current rows of the wrong width', () => {
    const { json } = report(COLUMNS, [...BASE_ROWS, ['1'], ['1', '0', '1', '0', 'extra']]);
    expect(json.rows).toEqual({ baseline: 20, current: 22, currentMalformed: 2 });
  });
});

describe('bySeverity', () => {
  it('puts act before watch before insufficient before ok', () => {
    const checks = [
      check('a', 'psi', 'ok'),
      check('b', 'psi', 'insufficient', null),
      check('c', 'psi', 'watch'),
      check('d', 'psi', 'act'),
    ];
    expect(bySeverity(checks, THRESHOLDS).map((c) => c.name)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('within a verdict, puts schema violations first, then the largest value relative to its act threshold', () => {
    const checks = [
      check('psi-0.5', 'psi', 'act', 0.5), // 2 × its act threshold 0.25
      check('linf-0.3', 'l_infinity', 'act', 0.3), // 3 × its act threshold 0.1
      check('missing', 'column_missing', 'act', null),
      check('psi-1.0', 'psi', 'act', 1.0), // 4 ×
      check('invalid', 'invalid_values', 'act', 3),
    ];
    expect(bySeverity(checks, THRESHOLDS).map((c) => c.name)).toEqual([
      'missing',
      'invalid',
      'psi-1.0',
      'linf-0.3',
      'psi-0.5',
    ]);
  });

  it("keeps the comparison's order between equals, and does not change its input", () => {
    const checks = [
      check('a', 'psi', 'ok', 0),
      check('b', 'missing_fraction_change', 'ok', 0),
      check('c', 'psi', 'ok', 0),
    ];
    expect(bySeverity(checks, THRESHOLDS).map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(checks.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it("orders the page's table and the text table the same way", () => {
    const names = bySeverity(MOVED.json.features, THRESHOLDS).map((c) => `${c.name} ${c.statistic}`);
    const pageRows = [...MOVED.html.matchAll(/<tr><th scope="row">([^<]*)<\/th><td><code>([^<]*)<\/code>/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(pageRows.map((r) => r.replace('&lt;', '<'))).toEqual(names);
    const textRows = formatDriftTable(MOVED.json)
      .split('\n')
      .slice(2, 2 + names.length)
      .map((line) => line.split(/ +/).slice(0, 2).join(' '));
    expect(textRows).toEqual(names);
  });
});

describe('formatDriftTable', () => {
  it('prints a padded table, most urgent first, and the overall verdict with its counts', () => {
    const text = formatDriftTable(MOVED.json);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^feature +statistic +value +verdict$/);
    expect(lines[1]).toMatch(/^-+ +-+ +-+ +-+$/);
    expect(lines[2]).toMatch(/^x +psi +\d+\.\d{4} +act$/);
    expect(text).toContain(
      '\nOverall verdict: act (3 act, 0 watch, 0 insufficient, 3 ok; 20 baseline rows, 20 current rows)\n',
    );
  });

  it('shows a value not measured as a dash, saying why when there were too few rows', () => {
    const few = report(COLUMNS, BASE_ROWS.slice(0, 5));
    expect(formatDriftTable(few.json)).toMatch(/^x +psi +– \(too few rows\) +insufficient$/m);
  });
});

describe('the histograms', () => {
  it('labels the bins by their edges, the outer bins open', () => {
    expect(binLabels([2, 4.25, 18])).toEqual(['x < 2', '2 ≤ x < 4.25', '4.25 ≤ x < 18', 'x ≥ 18']);
    expect(binLabels([])).toEqual(['every value']);
  });

  it('compares shares, not counts, so that windows of different sizes compare', () => {
    const base = BASELINE.numeric[0];
    // The baseline's table three times over: three times the counts, the same shares.
    const current = describeCurrent(COLUMNS, [...BASE_ROWS, ...BASE_ROWS, ...BASE_ROWS], FEATURES, BASELINE).numeric[0];
    if (base === undefined || current === undefined) throw new Error('no numeric feature');
    const shares = histogramShares(base, current);
    // Counts [1, 2, 2, 2, 2, 2, 2, 2, 2, 3] of 20 values.
    expect(shares.baseline).toEqual([0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15]);
    expect(shares.current).toEqual(shares.baseline);
  });

  it('draws one bar per bin and side, as tall as its share', () => {
    const svg = MOVED.html.match(/<figure class="feature" data-feature="x">[\s\S]*?<\/figure>/)?.[0] ?? '';
    const heights = (side: string): number[] =>
      [
        ...svg.matchAll(
          new RegExp(`<rect class="${side}" x="[^"]*" y="[^"]*" width="[^"]*" height="([^"]*)"><title>`, 'g'),
        ),
      ].map((m) => Number(m[1]));
    const baseline = heights('baseline');
    const current = heights('current');
    expect(baseline).toHaveLength(10);
    expect(current).toHaveLength(10);
    // Baseline shares 0.05, 0.1 … 0.15; current: all 20 values at 19 and 20, the last bin (share 1).
    const unit = (current[9] ?? 0) / 1;
    expect(baseline.map((h) => h / unit)).toEqual(
      [0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15].map((s): unknown => expect.closeTo(s, 3)),
    );
    expect(current.slice(0, 9)).toEqual(Array(9).fill(0));
    expect(svg).toContain('<th scope="row">x ≥ 18</th><td class="number">15.0 %</td><td class="number">100.0 %</td>');
  });

  it('draws one histogram per numeric feature and one chart per one-hot group', () => {
    expect(MOVED.html.match(/<svg class="histogram"/g)).toHaveLength(BASELINE.numeric.length);
    expect(MOVED.html.match(/<svg class="categories"/g)).toHaveLength(BASELINE.oneHot.length);
  });
});

describe('the page', () => {
  it('escapes every value that comes from data: column and category names, file names, the model', () => {
    const hostile = '<script>alert("x")</script>';
    const page = report(
      [...COLUMNS, hostile],
      BASE_ROWS.map((r) => [...r, '1']),
      {
        ...CONTEXT,
        model: `<img src=x onerror='alert(1)'>`,
        sources: { baseline: 'base"><svg onload=alert(1)>.csv', current: 'now&then.csv' },
      },
    ).html;
    expect(page).not.toMatch(/<script|<img|<svg onload|onerror='/);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=&#39;alert(1)&#39;&gt;');
    expect(page).toContain('base&quot;&gt;&lt;svg onload=alert(1)&gt;.csv');
    expect(page).toContain('now&amp;then.csv');
    expect(page).toContain('&lt;b&gt;&quot;a&quot;&amp;');
  });

  it('writes each verdict as a word, not only as a colour', () => {
    for (const feature of MOVED.json.features) {
      expect(MOVED.html).toContain(`<td class="verdict verdict-${feature.verdict}">${feature.verdict}</td>`);
    }
    expect(MOVED.html).toContain('Overall verdict: <span class="overall verdict verdict-act">act</span>');
  });

  it('loads nothing and runs nothing: no script, no external reference, a policy that allows only its own style', () => {
    const page = MOVED.html;
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\son[a-z]+=|javascript:|url\(|@import/i);
    expect(page).not.toMatch(/(?:src|href)=/);
    const style = page.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');
    expect(page).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-${hash}&#39;;`,
    );
  });

  it('is the same for the same input (no clock, no randomness)', () => {
    expect(report(COLUMNS, BASE_ROWS).html).toBe(SAME.html);
  });
});
