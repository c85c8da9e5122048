/**
 * The drift report: a comparison's result as a JSON document (what `npm run drift -- --json` prints
 * and the function in AWS writes as `report.json`), as one self-contained HTML page, and as the
 * text table `npm run drift` prints. Pure: documents in, values and text out, no file system, no
 * clock (the caller says when it ran), so that the function and the local command write the same.
 *
 * The page has no script at all, no external font, image or style sheet: inline CSS (allowed by its
 * own Content-Security-Policy through the style's hash) and inline SVG, so it opens from S3, from a
 * disk or as an e-mail attachment alike, under the strictest policy. Every value that comes from
 * data (column and category names, file names, the model's name) goes through the escaping `markup`
 * tag (`lambda/shared/html.ts`). A verdict is always written as its word: colour only repeats it.
 */
import type {
  BaselineStatistics,
  CurrentStatistics,
  NumericFeatureStatistics,
  OneHotGroupStatistics,
} from '../../lib/contracts/baseline-statistics';
import type { SafeHtml } from '../shared/html';
import { markup, selfContainedPage } from '../shared/html';
import type { DriftReport, FeatureCheck, Statistic } from './compare';
import { sharesOf } from './psi';
import type { DriftThresholds, Verdict } from './thresholds';

/** What the comparison does not know and the report shows: when, what, and with which thresholds. */
export interface DriftReportContext {
  /** When the comparison ran. */
  readonly generatedAt: Date;
  /** The thresholds the comparison was made with: the summary shows and explains them. */
  readonly thresholds: DriftThresholds;
  /**
   * The window of captured requests the current statistics describe.
   * @default - not shown (a local comparison of two files has none)
   */
  readonly window?: { readonly start: Date; readonly end: Date };
  /**
   * The model in service whose baseline was compared: a model package ARN or a name.
   * @default - not shown
   */
  readonly model?: string;
  /**
   * Where each statistics document came from (file names, S3 URLs), for the summary.
   * @default - not shown
   */
  readonly sources?: { readonly baseline: string; readonly current: string };
}

/**
 * The JSON report. Its first two keys are the contract of `npm run drift -- --json`, kept stable:
 * `verdict` (overall) and `features`, each element exactly `{ name, statistic, value, verdict }`,
 * in the comparison's order (the baseline's column order; see `DriftReport.features`). The other
 * keys say what the verdicts were given on.
 */
export interface DriftReportDocument {
  readonly verdict: Verdict;
  readonly features: readonly FeatureCheck[];
  /** Rows read from each side (malformed ones included); `currentMalformed` of them did not have the baseline's columns. */
  readonly rows: { readonly baseline: number; readonly current: number; readonly currentMalformed: number };
  /** The thresholds the verdicts were given with. */
  readonly thresholds: DriftThresholds;
  /** ISO 8601. */
  readonly generatedAt: string;
  /** ISO 8601; present when the context gave a window. */
  readonly window?: { readonly start: string; readonly end: string };
  /** Present when the context named the model. */
  readonly model?: string;
}

/** The report in both forms. */
export interface RenderedDriftReport {
  /** The JSON document (serialise it with `JSON.stringify(json, null, 2)`). */
  readonly json: DriftReportDocument;
  /** The self-contained HTML page. */
  readonly html: string;
}

/** The verdicts from the most to the least urgent; "not enough data" ranks above a clean bill. */
export const VERDICT_SEVERITY: readonly Verdict[] = ['act', 'watch', 'insufficient', 'ok'];

/** What each statistic is, in words, for the page and the table's legend. */
export const STATISTIC_DESCRIPTIONS: Readonly<Record<Statistic, string>> = {
  psi: "population stability index over the baseline's bins",
  l_infinity: "largest change of one category's share (L∞ distance)",
  missing_fraction_change: 'change of the share of rows where the value is missing',
  column_missing: 'a column of the baseline is missing',
  column_extra: 'a column the baseline does not have',
  column_order: "the columns are not in the baseline's order (the model reads by position)",
  invalid_values: 'values that are not numbers, or a one-hot group that is not one-hot (count)',
  rows_with_too_few_columns: 'rows with fewer fields than columns (count)',
  rows_with_too_many_columns: 'rows with more fields than columns (count)',
};

/** The threshold a statistic's verdict is judged against, or undefined for a schema violation (always `act`). */
function bandOf(statistic: Statistic, thresholds: DriftThresholds): { watch: number; act: number } | undefined {
  switch (statistic) {
    case 'psi':
      return thresholds.psi;
    case 'l_infinity':
      return thresholds.categorical;
    case 'missing_fraction_change':
      return thresholds.missingFractionChange;
    default:
      return undefined;
  }
}

/**
 * The checks from the most to the least urgent: by verdict ({@link VERDICT_SEVERITY}); within a
 * verdict, schema violations first, then the largest value relative to its act threshold (so a PSI
 * and a distance compare on one scale); ties keep the comparison's order.
 */
export function bySeverity(features: readonly FeatureCheck[], thresholds: DriftThresholds): FeatureCheck[] {
  const weight = (check: FeatureCheck): number => {
    const band = bandOf(check.statistic, thresholds);
    if (band === undefined) {
      return Infinity;
    }
    if (check.value === null) {
      return -Infinity;
    }
    return band.act > 0 ? check.value / band.act : check.value;
  };
  return features
    .map((check, index) => ({ check, index, rank: VERDICT_SEVERITY.indexOf(check.verdict), weight: weight(check) }))
    .sort((a, b) => a.rank - b.rank || compareWeights(b.weight, a.weight) || a.index - b.index)
    .map((entry) => entry.check);
}

/** a − b for weights that may be infinite (Infinity − Infinity is NaN, which sorts nothing). */
function compareWeights(a: number, b: number): number {
  return a === b ? 0 : a > b ? 1 : -1;
}

/** The statistics that measure a distribution (the others are schema violations, counted or stated). */
const MEASURES: ReadonlySet<Statistic> = new Set<Statistic>(['psi', 'l_infinity', 'missing_fraction_change']);

/** A check's value for people: 4 decimals for a measure, a whole count, or a dash when not measured. */
export function formatValue(check: FeatureCheck): string {
  if (check.value === null) {
    return check.verdict === 'insufficient' ? '– (too few rows)' : '–';
  }
  return MEASURES.has(check.statistic) ? check.value.toFixed(4) : String(check.value);
}

/** The JSON document of a comparison (see {@link DriftReportDocument}). */
export function driftReportDocument(
  current: CurrentStatistics,
  comparison: DriftReport,
  context: DriftReportContext,
): DriftReportDocument {
  const { thresholds } = context;
  return {
    verdict: comparison.verdict,
    // Exactly the four keys of the contract, whatever else a check object may carry.
    features: comparison.features.map(({ name, statistic, value, verdict }) => ({ name, statistic, value, verdict })),
    rows: {
      baseline: comparison.rows.baseline,
      current: comparison.rows.current,
      currentMalformed: current.malformedRows.tooFewColumns + current.malformedRows.tooManyColumns,
    },
    thresholds: {
      psi: { watch: thresholds.psi.watch, act: thresholds.psi.act },
      categorical: { watch: thresholds.categorical.watch, act: thresholds.categorical.act },
      missingFractionChange: {
        watch: thresholds.missingFractionChange.watch,
        act: thresholds.missingFractionChange.act,
      },
      minimumRows: thresholds.minimumRows,
      emptyBinShare: thresholds.emptyBinShare,
    },
    generatedAt: context.generatedAt.toISOString(),
    ...(context.window === undefined
      ? {}
      : { window: { start: context.window.start.toISOString(), end: context.window.end.toISOString() } }),
    ...(context.model === undefined ? {} : { model: context.model }),
  };
}

/**
 * The report of a comparison: the JSON document and the HTML page.
 *
 * @param baseline the baseline document the comparison was made with
 * @param current the current window's document
 * @param comparison `compareStatistics(baseline, current, context.thresholds)`
 */
export function renderDriftReport(
  baseline: BaselineStatistics,
  current: CurrentStatistics,
  comparison: DriftReport,
  context: DriftReportContext,
): RenderedDriftReport {
  const json = driftReportDocument(current, comparison, context);
  return { json, html: renderPage(baseline, current, json, context) };
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * The checks as a text table, most urgent first, and the overall verdict: what `npm run drift`
 * prints. Columns are padded to their widest cell.
 */
export function formatDriftTable(document: DriftReportDocument): string {
  const header = ['feature', 'statistic', 'value', 'verdict'];
  const rows = bySeverity(document.features, document.thresholds).map((c) => [
    c.name,
    c.statistic,
    formatValue(c),
    c.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const counts = VERDICT_SEVERITY.map((v) => `${document.features.filter((c) => c.verdict === v).length} ${v}`);
  return (
    [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') +
    `\n\nOverall verdict: ${document.verdict} (${counts.join(', ')}; ` +
    `${document.rows.baseline} baseline rows, ${document.rows.current} current rows)\n`
  );
}

// ---------------------------------------------------------------------------------------------
// HTML

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 72rem; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.7rem; text-align: left; vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-weight: bold; white-space: nowrap; }
.verdict-act { background: #fdd; color: #8a0000; }
.verdict-watch { background: #fec; color: #7a4a00; }
.verdict-insufficient { background: #eee; color: #444; }
.verdict-ok { background: #dfd; color: #1d5e1d; }
.overall { font-size: 1.3rem; padding: 0.4rem 0.8rem; display: inline-block; border: 1px solid #999; }
figure { margin: 1.5rem 0; }
figcaption { font-weight: bold; }
svg text { font-size: 12px; fill: #222; }
svg .baseline { fill: #fff; stroke: #555; stroke-width: 1; }
svg .current { fill: #1f77b4; }
svg .axis { stroke: #999; }
details { margin: 0.3rem 0 1rem; }
`;

/** A number for people: whole numbers as they are, others to at most 3 decimals. */
function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

/** A share (0..1) as a percentage with one decimal. */
function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function verdictCell(verdict: Verdict): SafeHtml {
  return markup`<td class="verdict verdict-${verdict}">${verdict}</td>`;
}

function summary(document: DriftReportDocument, current: CurrentStatistics, context: DriftReportContext): SafeHtml {
  const { thresholds } = document;
  const counts = VERDICT_SEVERITY.map((v) => `${document.features.filter((c) => c.verdict === v).length} ${v}`);
  const facts: SafeHtml[] = [markup`<tr><th scope="row">Generated</th><td>${document.generatedAt}</td></tr>\n`];
  if (document.model !== undefined) {
    facts.push(markup`<tr><th scope="row">Model</th><td>${document.model}</td></tr>\n`);
  }
  if (document.window !== undefined) {
    facts.push(
      markup`<tr><th scope="row">Window</th><td>${document.window.start} to ${document.window.end}</td></tr>\n`,
    );
  }
  if (context.sources !== undefined) {
    facts.push(
      markup`<tr><th scope="row">Baseline</th><td>${context.sources.baseline}</td></tr>\n`,
      markup`<tr><th scope="row">Current</th><td>${context.sources.current}</td></tr>\n`,
    );
  }
  const malformed = current.malformedRows;
  facts.push(
    markup`<tr><th scope="row">Rows compared</th><td>baseline ${document.rows.baseline}, current ${document.rows.current} (${malformed.tooFewColumns} with too few fields, ${malformed.tooManyColumns} with too many)</td></tr>\n`,
    markup`<tr><th scope="row">Checks</th><td>${counts.join(', ')}</td></tr>\n`,
  );
  const band = (name: string, b: { watch: number; act: number }, what: string): SafeHtml =>
    markup`<tr><th scope="row">${name}</th><td class="number">${b.watch}</td><td class="number">${b.act}</td><td>${what}</td></tr>\n`;
  return markup`<section id="summary">
<h2>Summary</h2>
<p>Overall verdict: <span class="overall verdict verdict-${document.verdict}">${document.verdict}</span></p>
<p>${VERDICT_MEANINGS[document.verdict]}</p>
<table class="facts">
<tbody>
${facts}</tbody>
</table>
<table class="thresholds">
<caption>Thresholds used: a check is "watch" from the first value and "act" from the second</caption>
<thead><tr><th scope="col">Statistic</th><th scope="col">watch from</th><th scope="col">act from</th><th scope="col">What it measures</th></tr></thead>
<tbody>
${band('psi', thresholds.psi, `numeric features: ${STATISTIC_DESCRIPTIONS.psi}; 0 when the shares are the same, 0.25 and above a significant shift`)}${band('l_infinity', thresholds.categorical, `one-hot groups: ${STATISTIC_DESCRIPTIONS.l_infinity} among the rows that have one; 0.1 is a change of 10 points`)}${band('missing_fraction_change', thresholds.missingFractionChange, `every feature: ${STATISTIC_DESCRIPTIONS.missing_fraction_change}`)}</tbody>
</table>
<p>A distribution is judged on at least ${thresholds.minimumRows} rows (and values) on each side; with fewer its verdict is "insufficient": not enough data, which is neither drift nor its absence. Schema violations (a column missing, extra or out of order, values that are not numbers, rows of the wrong width) are always "act": the model cannot read such requests as it was trained to.</p>
</section>`;
}

/** What an overall verdict means, and what to do. */
const VERDICT_MEANINGS: Readonly<Record<Verdict, string>> = {
  act: 'At least one check acts: the inputs moved enough, or broke the schema, for the model to be retrained or the producer to be fixed.',
  watch: 'At least one check is worth watching; none acts.',
  insufficient: 'Too few rows to judge some distributions; no check shows drift. This is not a clean bill of health.',
  ok: 'No check shows drift.',
};

function checksTable(document: DriftReportDocument): SafeHtml {
  const rows = bySeverity(document.features, document.thresholds).map(
    (c) =>
      markup`<tr><th scope="row">${c.name}</th><td><code>${c.statistic}</code> <small>${STATISTIC_DESCRIPTIONS[c.statistic]}</small></td><td class="number">${formatValue(c)}</td>${verdictCell(c.verdict)}</tr>\n`,
  );
  return markup`<section id="checks">
<h2>Checks, most urgent first</h2>
<table class="checks">
<thead><tr><th scope="col">Feature</th><th scope="col">Statistic</th><th scope="col">Value</th><th scope="col">Verdict</th></tr></thead>
<tbody>
${rows}</tbody>
</table>
</section>`;
}

/** The labels of a histogram's bins: `x < e0`, `e0 ≤ x < e1`, …, `x ≥ e(k-1)`; one bin without edges is every value. */
export function binLabels(edges: readonly number[]): string[] {
  if (edges.length === 0) {
    return ['every value'];
  }
  const shown = edges.map(formatNumber);
  return [
    `x < ${shown[0] ?? ''}`,
    ...shown.slice(1).map((edge, i) => `${shown[i] ?? ''} ≤ x < ${edge}`),
    `x ≥ ${shown[shown.length - 1] ?? ''}`,
  ];
}

/** The baseline's and the current window's share of values per bin of a numeric feature (each sums to 1, or is all 0 without values). */
export function histogramShares(
  base: NumericFeatureStatistics,
  current: NumericFeatureStatistics,
): { readonly labels: string[]; readonly baseline: number[]; readonly current: number[] } {
  return {
    labels: binLabels(base.histogram.edges),
    baseline: sharesOf(base.histogram.counts),
    current: sharesOf(current.histogram.counts),
  };
}

/** The baseline's and the current window's share of each category among the rows that have one (what the distance compares). */
export function categoryShares(
  base: OneHotGroupStatistics,
  current: OneHotGroupStatistics,
): { readonly labels: string[]; readonly baseline: number[]; readonly current: number[] } {
  return {
    labels: base.categories.map((c) => c.category),
    baseline: sharesOf(base.categories.map((c) => c.count)),
    current: sharesOf(current.categories.map((c) => c.count)),
  };
}

/** The largest share of a chart, rounded up to a whole percent so the axis reads well (at least 1 %). */
function chartTop(...series: readonly (readonly number[])[]): number {
  const max = Math.max(0, ...series.flat());
  return Math.max(0.01, Math.ceil(max * 100) / 100);
}

/** The note under a chart's heading: the feature's checks, each with its verdict as a word. */
function checksNote(name: string, document: DriftReportDocument): SafeHtml {
  const checks = document.features.filter((c) => c.name === name);
  return markup`<p class="feature-checks">${checks.map(
    (c, i) =>
      markup`${i === 0 ? '' : '; '}<code>${c.statistic}</code> ${formatValue(c)}: <span class="verdict verdict-${c.verdict}">${c.verdict}</span>`,
  )}</p>`;
}

/** The numbers of a chart as a table, folded: for reading exact shares and for screen readers. */
function sharesTable(
  caption: string,
  labels: readonly string[],
  baseline: readonly number[],
  current: readonly number[],
): SafeHtml {
  const rows = labels.map(
    (label, i) =>
      markup`<tr><th scope="row">${label}</th><td class="number">${formatShare(baseline[i] ?? 0)}</td><td class="number">${formatShare(current[i] ?? 0)}</td></tr>\n`,
  );
  return markup`<details><summary>Numbers</summary>
<table class="shares">
<caption>${caption}</caption>
<thead><tr><th scope="col"></th><th scope="col">baseline</th><th scope="col">current</th></tr></thead>
<tbody>
${rows}</tbody>
</table>
</details>`;
}

/** Legend of every chart: outlined bars are the baseline, filled ones the current window. */
function legend(x: number, y: number): SafeHtml {
  return markup`<g class="legend"><rect class="baseline" x="${x}" y="${y - 10}" width="12" height="10"/><text x="${x + 16}" y="${y}">baseline</text>
<rect class="current" x="${x + 90}" y="${y - 10}" width="12" height="10"/><text x="${x + 106}" y="${y}">current</text></g>`;
}

/** Histogram geometry, in SVG units. */
const HIST = { width: 640, height: 240, left: 64, right: 10, top: 24, bottom: 40 } as const;

/** Baseline-versus-current bars over the baseline's bins, the edges under the boundaries between them. */
function histogramSvg(id: string, title: string, edges: readonly number[], base: number[], now: number[]): SafeHtml {
  const plotWidth = HIST.width - HIST.left - HIST.right;
  const plotHeight = HIST.height - HIST.top - HIST.bottom;
  const top = chartTop(base, now);
  const bins = base.length;
  const slot = plotWidth / bins;
  const barWidth = Math.max(1, (slot - 6) / 2);
  const y = (share: number): number => HIST.top + plotHeight * (1 - share / top);
  const fixed = (n: number): string => n.toFixed(1);
  const labels = binLabels(edges);
  const bars = base.map((b, i) => {
    const x0 = HIST.left + i * slot + 3;
    const c = now[i] ?? 0;
    return markup`<rect class="baseline" x="${fixed(x0)}" y="${fixed(y(b))}" width="${fixed(barWidth)}" height="${fixed(y(0) - y(b))}"><title>${labels[i] ?? ''}: baseline ${formatShare(b)}</title></rect>
<rect class="current" x="${fixed(x0 + barWidth)}" y="${fixed(y(c))}" width="${fixed(barWidth)}" height="${fixed(y(0) - y(c))}"><title>${labels[i] ?? ''}: current ${formatShare(c)}</title></rect>
`;
  });
  const edgeTicks = edges.map(
    (edge, i) =>
      markup`<text x="${fixed(HIST.left + (i + 1) * slot)}" y="${HIST.height - HIST.bottom + 16}" text-anchor="middle">${formatNumber(edge)}</text>\n`,
  );
  const yTicks = [0, top / 2, top].map(
    (share) =>
      markup`<text x="${HIST.left - 6}" y="${fixed(y(share))}" text-anchor="end" dominant-baseline="middle">${formatShare(share)}</text>\n`,
  );
  return markup`<svg class="histogram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${HIST.width} ${HIST.height}" width="${HIST.width}" height="${HIST.height}" role="img" aria-labelledby="${id}">
<title id="${id}">${title}</title>
${legend(HIST.left, 14)}
<line class="axis" x1="${HIST.left}" y1="${fixed(y(0))}" x2="${HIST.width - HIST.right}" y2="${fixed(y(0))}"/>
${bars}${edgeTicks}${yTicks}<text x="${HIST.left + plotWidth / 2}" y="${HIST.height - 4}" text-anchor="middle">bin edges (the baseline's deciles); share of values per bin</text>
</svg>`;
}

/** Category bar geometry, in SVG units: one row per category. */
const BARS = { width: 640, row: 18, left: 120, right: 100, top: 24, bottom: 8 } as const;

/** Baseline-versus-current shares of a one-hot group's categories, one row each. */
function categorySvg(id: string, title: string, labels: readonly string[], base: number[], now: number[]): SafeHtml {
  const height = BARS.top + labels.length * BARS.row + BARS.bottom;
  const plotWidth = BARS.width - BARS.left - BARS.right;
  const top = chartTop(base, now);
  const length = (share: number): number => (plotWidth * share) / top;
  const barHeight = (BARS.row - 4) / 2;
  const rows = labels.map((label, i) => {
    const y0 = BARS.top + i * BARS.row + 2;
    const b = base[i] ?? 0;
    const c = now[i] ?? 0;
    return markup`<text x="${BARS.left - 6}" y="${y0 + barHeight}" text-anchor="end" dominant-baseline="middle">${label}</text>
<rect class="baseline" x="${BARS.left}" y="${y0}" width="${length(b).toFixed(1)}" height="${barHeight}"><title>${label}: baseline ${formatShare(b)}</title></rect>
<rect class="current" x="${BARS.left}" y="${y0 + barHeight}" width="${length(c).toFixed(1)}" height="${barHeight}"><title>${label}: current ${formatShare(c)}</title></rect>
<text x="${(BARS.left + length(Math.max(b, c))).toFixed(1)}" dx="4" y="${y0 + barHeight}" dominant-baseline="middle">${formatShare(b)} → ${formatShare(c)}</text>
`;
  });
  return markup`<svg class="categories" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${BARS.width} ${height}" width="${BARS.width}" height="${height}" role="img" aria-labelledby="${id}">
<title id="${id}">${title}</title>
${legend(BARS.left, 14)}
${rows}</svg>`;
}

function numericSection(
  base: NumericFeatureStatistics,
  current: NumericFeatureStatistics | undefined,
  index: number,
  document: DriftReportDocument,
): SafeHtml {
  if (current === undefined) {
    return markup`<figure class="feature" data-feature="${base.name}">
<figcaption>${base.name}</figcaption>
${checksNote(base.name, document)}
<p>The current data has no column ${base.name}: nothing to draw.</p>
</figure>
`;
  }
  const shares = histogramShares(base, current);
  const title = `${base.name}: share of values per bin, baseline (${base.count} values) and current (${current.count} values)`;
  return markup`<figure class="feature" data-feature="${base.name}">
<figcaption>${base.name}</figcaption>
${checksNote(base.name, document)}
${histogramSvg(`histogram-${index}`, title, base.histogram.edges, shares.baseline, shares.current)}
${sharesTable(`${base.name}: share of values per bin`, shares.labels, shares.baseline, shares.current)}
</figure>
`;
}

function groupSection(
  base: OneHotGroupStatistics,
  current: OneHotGroupStatistics | undefined,
  index: number,
  document: DriftReportDocument,
): SafeHtml {
  if (current === undefined) {
    return markup`<figure class="group" data-feature="${base.source}">
<figcaption>${base.source}</figcaption>
${checksNote(base.source, document)}
<p>The current data lacks some of the columns of ${base.source}: nothing to draw.</p>
</figure>
`;
  }
  const shares = categoryShares(base, current);
  const title = `${base.source}: share of each category among the rows that have one, baseline and current`;
  return markup`<figure class="group" data-feature="${base.source}">
<figcaption>${base.source}</figcaption>
${checksNote(base.source, document)}
${categorySvg(`categories-${index}`, title, shares.labels, shares.baseline, shares.current)}
${sharesTable(`${base.source}: share of each category`, shares.labels, shares.baseline, shares.current)}
</figure>
`;
}

function renderPage(
  baseline: BaselineStatistics,
  current: CurrentStatistics,
  document: DriftReportDocument,
  context: DriftReportContext,
): string {
  const currentNumeric = new Map(current.numeric.map((f) => [f.name, f]));
  const currentGroups = new Map(current.oneHot.map((g) => [g.source, g]));
  const title = `Data drift: ${document.verdict}`;
  return selfContainedPage(
    title,
    STYLE,
    markup`<h1>Data drift report</h1>
${summary(document, current, context)}
${checksTable(document)}
<section id="numeric">
<h2>Numeric features: share of values per bin</h2>
<p>Bars over the baseline's bins (its deciles), as shares of each side's values, so that windows of any size compare. Outlined: baseline; filled: current.</p>
${baseline.numeric.map((f, i) => numericSection(f, currentNumeric.get(f.name), i, document))}</section>
<section id="groups">
<h2>One-hot groups: share of each category</h2>
<p>Shares among the rows that have a category (rows with none are the missing fraction). Outlined: baseline; filled: current.</p>
${baseline.oneHot.map((g, i) => groupSection(g, currentGroups.get(g.source), i, document))}</section>
`,
  );
}
