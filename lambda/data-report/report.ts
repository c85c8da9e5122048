/**
 * The data report: the curated customers and the quarantine as pictures, after the ETL, in
 * the reports' shared layout (`lambda/shared/report-page.ts`) with Vega-Lite charts
 * (`lambda/shared/charts.ts`). It opens with the customers curated, their churn rate and the rows
 * quarantined; then, for each numeric column, a histogram split by churn and a box plot with its
 * outliers marked by Tukey's rule (the `churn-outliers-iqr` query's); the correlation matrix as a
 * heat map; scatter plots of the columns most correlated with churn; each category's customers and
 * churn rate; the missing values per column; and the quarantine by reason. Pure: profile in, HTML
 * text out; every chart is drawn from the profile's numbers (`lib/contracts/data-profile.ts`).
 */
import type { CategoricalProfile, DataProfile, NumericProfile } from '../../lib/contracts/data-profile';
import { type ChartSpec, PALETTE, renderChart } from '../shared/charts';
import { markup, percent, type SafeHtml } from '../shared/html';
import { chartRow, figure, renderReportPage } from '../shared/report-page';

/** Options of {@link renderDataReport}. */
export interface DataReportOptions {
  /**
   * The page's title and heading.
   * @default 'Churn data'
   */
  readonly title?: string;
}

const CLASSES = ['churned', 'stayed', 'unlabelled'] as const;
const CLASS_COLOURS = [PALETTE.churned, PALETTE.stayed, PALETTE.reference];

/** One numeric column: its histogram split by churn over its box plot. */
function numericSpec(column: NumericProfile): ChartSpec | undefined {
  const { histogram, whiskers, outliers } = column;
  if (histogram === undefined || column.q1 === null || column.q3 === null || column.median === null) {
    return undefined;
  }
  // Stacked by hand, churned at the bottom: a bar over a range of x (x and x2) is a rect, which
  // Vega-Lite does not stack.
  const bars = histogram.edges.slice(0, -1).flatMap((from, i) => {
    let base = 0;
    return CLASSES.flatMap((cls) => {
      const count = histogram[cls][i] ?? 0;
      const bar = { from, to: histogram.edges[i + 1], class: cls, count, bottom: base, top: base + count };
      base += count;
      return count > 0 ? [bar] : [];
    });
  });
  const box = [{ q1: column.q1, q3: column.q3, median: column.median, low: whiskers?.[0], high: whiskers?.[1] }];
  const x = { field: 'from', type: 'quantitative', title: column.name, scale: { zero: false, nice: false } } as const;
  return {
    title: column.name,
    vconcat: [
      {
        width: 260,
        height: 130,
        data: { values: bars },
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x,
          x2: { field: 'to' },
          y: { field: 'bottom', type: 'quantitative', title: 'customers' },
          y2: { field: 'top' },
          color: {
            field: 'class',
            type: 'nominal',
            title: null,
            scale: { domain: [...CLASSES], range: CLASS_COLOURS },
            legend: { orient: 'top', direction: 'horizontal' },
          },
        },
      },
      {
        width: 260,
        height: 28,
        layer: [
          {
            data: { values: box },
            mark: { type: 'rule', color: PALETTE.neutral },
            encoding: { x: { ...x, field: 'low', title: null }, x2: { field: 'high' } },
          },
          {
            data: { values: box },
            mark: { type: 'bar', size: 16, color: '#c6dbef', stroke: PALETTE.neutral },
            encoding: { x: { ...x, field: 'q1', title: null }, x2: { field: 'q3' } },
          },
          {
            data: { values: box },
            mark: { type: 'tick', size: 16, thickness: 2, color: PALETTE.neutral },
            encoding: { x: { ...x, field: 'median', title: null } },
          },
          {
            data: { values: (outliers?.values ?? []).map((value) => ({ value })) },
            mark: { type: 'point', color: PALETTE.highlight, filled: true, size: 25 },
            encoding: { x: { ...x, field: 'value', title: null } },
          },
        ],
      },
    ],
    resolve: { scale: { x: 'shared' } },
  };
}

/** The correlation matrix as a heat map, each cell labelled. */
function correlationSpec(profile: DataProfile): ChartSpec {
  const { columns, values } = profile.correlations;
  const cells = columns.flatMap((a, i) =>
    columns.map((b, j) => ({ a, b, r: values[i]?.[j] ?? null })).filter((c) => c.r !== null),
  );
  const side = Math.max(300, columns.length * 26);
  return {
    title: 'Pearson correlation, labelled customers',
    width: side,
    height: side,
    data: { values: cells },
    encoding: {
      x: { field: 'a', type: 'nominal', sort: [...columns], title: null, axis: { labelAngle: -45 } },
      y: { field: 'b', type: 'nominal', sort: [...columns], title: null },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'r',
            type: 'quantitative',
            title: 'r',
            scale: { domain: [-1, 1], scheme: 'redblue', reverse: true },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 8 },
        encoding: {
          text: { field: 'r', type: 'quantitative', format: '.2f' },
          color: { condition: { test: 'abs(datum.r) > 0.6', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

/** One pair of the sampled columns, coloured by churn. */
function scatterSpec(profile: DataProfile, i: number, j: number): ChartSpec {
  const { columns, rows } = profile.scatter;
  const [a, b] = [columns[i] ?? '', columns[j] ?? ''];
  const points = rows.flatMap((row) => {
    const [x, y, churned] = [row[i], row[j], row[row.length - 1]];
    return typeof x === 'number' && typeof y === 'number'
      ? [{ x, y, class: churned === true ? 'churned' : 'stayed' }]
      : [];
  });
  return {
    title: `${b} against ${a}`,
    width: 240,
    height: 200,
    data: { values: points },
    mark: { type: 'point', filled: true, size: 14, opacity: 0.5 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: a, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: b, scale: { zero: false } },
      color: {
        field: 'class',
        type: 'nominal',
        title: null,
        scale: { domain: ['churned', 'stayed'], range: [PALETTE.churned, PALETTE.stayed] },
        legend: { orient: 'top', direction: 'horizontal' },
      },
    },
  };
}

/** A categorical column: customers per value (bars) and each value's churn rate (points). */
function categorySpec(column: CategoricalProfile, overallRate: number): ChartSpec {
  const values = column.values.map((v) => ({
    value: v.value ?? '(missing)',
    rows: v.rows,
    churnRate: v.churnRate,
  }));
  const order = values.map((v) => v.value);
  const x = {
    field: 'value',
    type: 'nominal',
    sort: order,
    title: null,
    axis: { labelAngle: values.length > 8 ? -90 : 0 },
  } as const;
  return {
    title: column.name,
    width: Math.max(160, values.length * 12),
    height: 160,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', color: '#c6dbef' },
        encoding: { x, y: { field: 'rows', type: 'quantitative', title: 'customers' } },
      },
      {
        data: { values: values.filter((v) => v.churnRate !== null) },
        mark: { type: 'point', filled: true, color: PALETTE.churned, size: 30 },
        encoding: {
          x,
          y: {
            field: 'churnRate',
            type: 'quantitative',
            title: 'churn rate',
            axis: { format: '%', orient: 'right', titleColor: PALETTE.churned },
            scale: { domain: [0, 1] },
          },
        },
      },
      {
        data: { values: [{ rate: overallRate }] },
        mark: { type: 'rule', color: PALETTE.churned, strokeDash: [4, 3] },
        encoding: { y: { field: 'rate', type: 'quantitative', scale: { domain: [0, 1] }, axis: null } },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/** Missing values per column, as a share of the customers. */
function missingSpec(profile: DataProfile): ChartSpec {
  return {
    title: 'Missing values',
    width: 320,
    height: Math.max(120, profile.missing.length * 14),
    data: { values: profile.missing.map((m) => ({ ...m, share: profile.rows === 0 ? 0 : m.missing / profile.rows })) },
    mark: { type: 'bar', color: PALETTE.neutral },
    encoding: {
      y: { field: 'name', type: 'nominal', sort: null, title: null },
      x: { field: 'share', type: 'quantitative', title: 'share of customers missing', axis: { format: '%' } },
    },
  };
}

/** The quarantined rows by reason, stacked by source. */
function quarantineSpec(profile: DataProfile): ChartSpec {
  return {
    title: 'Quarantined rows by reason',
    width: 320,
    height: Math.max(60, new Set(profile.quarantine.byReason.map((r) => r.reason)).size * 22),
    data: {
      values: profile.quarantine.byReason.map((r) => ({
        reason: r.reason ?? '(none)',
        source: r.source ?? '(unknown)',
        rows: r.rows,
      })),
    },
    mark: 'bar',
    encoding: {
      y: { field: 'reason', type: 'nominal', sort: '-x', title: null },
      x: { field: 'rows', type: 'quantitative', title: 'rows', stack: true },
      color: {
        field: 'source',
        type: 'nominal',
        title: 'source',
        scale: { range: [PALETTE.neutral, PALETTE.highlight, PALETTE.stayed] },
      },
    },
  };
}

/** The longest customer id an example shows: a quarantined row's id can be anything it was sent as. */
const ID_LENGTH = 40;

/** `text` cut to `length` characters, with an ellipsis when cut. */
function cut(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** The quarantine's examples as a table. */
function quarantineExamples(profile: DataProfile): SafeHtml {
  const rows = profile.quarantine.examples.map(
    (e) =>
      markup`<tr><td class="text">${e.reason ?? ''}</td><td class="text">${e.source ?? ''}</td><td class="text">${cut(e.customerId ?? '', ID_LENGTH)}</td></tr>
`,
  );
  return markup`<table class="quarantine">
<caption>Examples (${profile.quarantine.examples.length} of ${profile.quarantine.rows})</caption>
<thead><tr><th class="text" scope="col">Reason</th><th class="text" scope="col">Source</th><th class="text" scope="col">Customer id</th></tr></thead>
<tbody>
${rows}</tbody>
</table>
`;
}

/**
 * The profile as a self-contained HTML page (no scripts, no external assets), every chart drawn
 * from `profile`.
 */
export async function renderDataReport(profile: DataProfile, options: DataReportOptions = {}): Promise<string> {
  const title = options.title ?? 'Churn data';
  const churnRate = profile.labelled === 0 ? 0 : profile.churned / profile.labelled;
  const numeric = profile.numeric.flatMap((c) => {
    const spec = numericSpec(c);
    return spec === undefined ? [] : [{ column: c, spec }];
  });
  const { columns } = profile.scatter;
  const pairs = columns.flatMap((_, i) => columns.slice(i + 1).map((__, k) => [i, i + 1 + k] as const));
  const [numericCharts, correlation, scatters, categories, missing, quarantine] = await Promise.all([
    Promise.all(numeric.map((n) => renderChart(n.spec))),
    renderChart(correlationSpec(profile)),
    Promise.all(pairs.map(([i, j]) => renderChart(scatterSpec(profile, i, j)))),
    Promise.all(profile.categorical.map((c) => renderChart(categorySpec(c, churnRate)))),
    renderChart(missingSpec(profile)),
    profile.quarantine.rows === 0 ? Promise.resolve(undefined) : renderChart(quarantineSpec(profile)),
  ]);
  const quarantineShare = profile.quarantine.rows / Math.max(1, profile.rows + profile.quarantine.rows);
  return renderReportPage({
    title,
    subtitle: `${profile.rows} curated customers, ${profile.labelled} of them labelled; ${profile.quarantine.rows} rows quarantined.`,
    headline: [
      { label: 'Customers', value: String(profile.rows), note: `${profile.labelled} with a known outcome.` },
      {
        label: 'Churn rate',
        value: percent(churnRate),
        note: `${profile.churned} of ${profile.labelled} labelled customers left.`,
      },
      {
        label: 'Quarantined',
        value: String(profile.quarantine.rows),
        note: `${percent(quarantineShare)} of the rows curated or quarantined; kept as received, with the reason.`,
      },
    ],
    sections: [
      {
        id: 'numeric',
        heading: 'Numeric columns: distribution by churn, and outliers',
        intro:
          'Each histogram stacks churned, stayed and unlabelled customers in equal bins from the smallest value to the largest. Under it, the box plot: the box from the first to the third quartile, the median, whiskers to the extreme values inside Tukey’s fences (1.5 interquartile ranges beyond the box, the rule of the churn-outliers-iqr query), and the values beyond them in orange.',
        content: chartRow(
          numeric.map((n, i) =>
            figure(
              `numeric-${n.column.name}`,
              numericCharts[i] as SafeHtml,
              `${n.column.outliers?.below ?? 0} below and ${n.column.outliers?.above ?? 0} above the fences; ${n.column.missing} missing.`,
            ),
          ),
        ),
      },
      {
        id: 'correlation',
        heading: 'Correlation',
        intro:
          'Pearson correlation between every pair of numeric and boolean columns (booleans as 0 and 1), over the labelled customers. Blue is positive, red negative; the churn row says which columns move with leaving.',
        content: figure('correlation', correlation, `${profile.correlations.columns.length} columns.`),
      },
      {
        id: 'scatter',
        heading: 'The columns most correlated with churn',
        intro: `A sample of ${profile.scatter.rows.length} labelled customers: ${columns.join(', ')}, pair by pair, coloured by churn.`,
        content: chartRow(
          pairs.map(([i, j], k) =>
            figure(`scatter-${i}-${j}`, scatters[k] as SafeHtml, `${columns[j] ?? ''} against ${columns[i] ?? ''}.`),
          ),
        ),
      },
      {
        id: 'categories',
        heading: 'Categories: customers and churn rate',
        intro:
          'Bars: customers with each value (missing ones included). Red points: the share of them that churned, against the right axis; the dashed line is the overall churn rate.',
        content: chartRow(
          profile.categorical.map((c, i) =>
            figure(`category-${c.name}`, categories[i] as SafeHtml, `${c.values.length} values.`),
          ),
        ),
      },
      {
        id: 'missing',
        heading: 'Missing values',
        content: figure(
          'missing',
          missing,
          `Share of the ${profile.rows} curated customers with no value, for every column of the table.`,
        ),
      },
      {
        id: 'quarantine',
        heading: 'Quarantine',
        intro:
          'Rows the curate job refused, kept with their original values under the quarantine prefix, by reason and by source (the stream or a batch upload).',
        content:
          quarantine === undefined
            ? markup`<p>No row was quarantined.</p>`
            : [figure('quarantine', quarantine, `${profile.quarantine.rows} rows.`), quarantineExamples(profile)],
      },
    ],
  });
}
