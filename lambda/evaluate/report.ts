/**
 * The human-readable companion of `evaluation.json`: one self-contained HTML page (inline CSS and
 * SVG, no scripts, no external assets) with the confusion matrix at the cheapest cutoff, the
 * metrics at 0.5 and at that cutoff, the cost comparison, and the ROC curve. Pure: evaluation in,
 * HTML text out.
 *
 * Every interpolated value goes through the `markup` tag (`lambda/shared/html.ts`), which escapes
 * it unless it is already markup built by the tag, so an evaluation read back from JSON cannot
 * inject markup.
 */
import { markup, type SafeHtml } from '../shared/html';
import type { ClassificationMetrics, Cutoff } from './confusion';
import type { CutoffEvaluation, Evaluation } from './metrics';
import type { RocPoint } from './roc';

export { escapeHtml } from '../shared/html';

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /**
   * The page's title and heading.
   * @default 'Churn model evaluation'
   */
  readonly title?: string;
}

/** A ratio for people: 3 decimals, or "n/a" with the reason when it is undefined (`null`). */
function formatRatio(value: number | null, whyUndefined: string): string {
  return value === null ? `n/a (${whyUndefined})` : value.toFixed(3);
}

const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A cost: thousands separators, 2 decimals, no currency (the costs carry none). */
function formatCost(value: number): string {
  return MONEY.format(value);
}

/** A cutoff for people; `null` is +infinity. */
function formatCutoff(cutoff: Cutoff): string {
  return cutoff === null ? 'above every score (no offers)' : String(cutoff);
}

/** A table row: a header cell, then data cells. */
function row(header: string, cells: readonly (string | number)[]): SafeHtml {
  return markup`    <tr><th scope="row">${header}</th>${cells.map((c) => markup`<td>${c}</td>`)}</tr>
`;
}

/** A table with a caption, column headers (the first over the row headers) and rows. */
function table(cssClass: string, caption: string, columns: readonly string[], rows: readonly SafeHtml[]): SafeHtml {
  const head = columns.map((c, i) => (i === 0 ? markup`<th>${c}</th>` : markup`<th scope="col">${c}</th>`));
  return markup`<table class="${cssClass}">
  <caption>${caption}</caption>
  <thead><tr>${head}</tr></thead>
  <tbody>
${rows}  </tbody>
</table>`;
}

function matrixTable(at: CutoffEvaluation): SafeHtml {
  const { tp, fp, tn, fn } = at.matrix;
  return table(
    'matrix',
    `Confusion matrix at cutoff ${formatCutoff(at.cutoff)}`,
    ['', 'Predicted churn', 'Predicted stay'],
    [row('Churned', [tp, fn]), row('Stayed', [fp, tn])],
  );
}

function metricsTable(evaluation: Evaluation): SafeHtml {
  const columns = [evaluation.atDefaultCutoff, evaluation.atOptimalCutoff];
  const metric = (name: string, pick: (m: ClassificationMetrics) => number | null, why: string): SafeHtml =>
    row(
      name,
      columns.map((c) => formatRatio(pick(c.metrics), why)),
    );
  return table(
    'metrics',
    `Metrics (AUC ${evaluation.auc.toFixed(3)})`,
    ['', 'Cutoff 0.5', `Cheapest cutoff (${formatCutoff(evaluation.atOptimalCutoff.cutoff)})`],
    [
      metric('Accuracy', (m) => m.accuracy, 'no rows'),
      metric('Precision', (m) => m.precision, 'no predicted churners'),
      metric('Recall', (m) => m.recall, 'no churners'),
      metric('F1', (m) => m.f1, 'no churners, none predicted'),
    ],
  );
}

function costTable(evaluation: Evaluation): SafeHtml {
  const { costs } = evaluation;
  const { missedChurner, incentive, retention } = costs.assumptions;
  const line = (name: string, offers: number, cost: number): SafeHtml =>
    row(name, [offers, formatCost(cost), formatCost(costs.doingNothing - cost)]);
  const offers = (at: CutoffEvaluation): number => at.matrix.tp + at.matrix.fp;
  return table(
    'costs',
    `Expected cost (missed churner ${formatCost(missedChurner)}, offer ${formatCost(incentive)}, retention ${retention})`,
    ['', 'Offers', 'Expected cost', 'Saving'],
    [
      line('Doing nothing', 0, costs.doingNothing),
      line('Cutoff 0.5', offers(evaluation.atDefaultCutoff), costs.atDefaultCutoff),
      line(
        `Cheapest cutoff (${formatCutoff(evaluation.atOptimalCutoff.cutoff)})`,
        offers(evaluation.atOptimalCutoff),
        costs.atOptimalCutoff,
      ),
    ],
  );
}

/** Plot geometry: a square plot of SIZE units with MARGIN on each side. */
const SIZE = 400;
const MARGIN = 50;
const FULL = SIZE + 2 * MARGIN;

/** A false positive rate (0..1) as an x coordinate, 2 decimals. */
function x(rate: number): string {
  return (MARGIN + rate * SIZE).toFixed(2);
}

/** A true positive rate (0..1) as a y coordinate (SVG's y grows downwards), 2 decimals. */
function y(rate: number): string {
  return (MARGIN + (1 - rate) * SIZE).toFixed(2);
}

function rocSvg(roc: readonly RocPoint[], auc: number): SafeHtml {
  const title = `ROC curve (AUC = ${auc.toFixed(3)})`;
  const points = roc.map((p) => `${x(p.fpr)},${y(p.tpr)}`).join(' ');
  const ticks = [0, 0.5, 1].map(
    (t) => markup`  <text x="${x(t)}" y="${MARGIN + SIZE + 18}" text-anchor="middle">${t}</text>
  <text x="${MARGIN - 8}" y="${y(t)}" text-anchor="end" dominant-baseline="middle">${t}</text>
`,
  );
  return markup`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${FULL} ${FULL}" width="${FULL}" height="${FULL}" role="img" aria-labelledby="roc-title">
  <title id="roc-title">${title}</title>
  <text x="${x(0.5)}" y="${MARGIN / 2}" text-anchor="middle" font-weight="bold">${title}</text>
  <rect x="${x(0)}" y="${y(1)}" width="${SIZE}" height="${SIZE}" fill="none" stroke="#999"/>
  <line class="diagonal" x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="6 4"/>
  <polyline class="roc" points="${points}" fill="none" stroke="#1f77b4" stroke-width="2"/>
${ticks}  <text x="${x(0.5)}" y="${FULL - 8}" text-anchor="middle">False positive rate</text>
  <text transform="translate(14 ${y(0.5)}) rotate(-90)" text-anchor="middle">True positive rate</text>
</svg>`;
}

/**
 * The evaluation as a self-contained HTML page (no scripts, no external assets): the confusion
 * matrix at the cheapest cutoff, the metrics at 0.5 and at that cutoff, the cost comparison, and
 * the ROC curve as inline SVG.
 *
 * @param evaluation the result of `evaluate`
 */
export function renderReport(evaluation: Evaluation, options: ReportOptions = {}): string {
  const title = options.title ?? 'Churn model evaluation';
  const { rows, positives, negatives } = evaluation.counts;
  return markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.7rem; text-align: right; }
th[scope="row"] { text-align: left; }
svg text { font-size: 13px; fill: #222; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>Test split: ${rows} customers, ${positives} churned, ${negatives} stayed. AUC ${evaluation.auc.toFixed(3)}.</p>
${matrixTable(evaluation.atOptimalCutoff)}
${metricsTable(evaluation)}
${costTable(evaluation)}
${rocSvg(evaluation.roc, evaluation.auc)}
</body>
</html>
`.text;
}
