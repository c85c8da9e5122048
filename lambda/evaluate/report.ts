/**
 * The human-readable companion of `evaluation.json`: one self-contained HTML page in the reports'
 * shared layout (`lambda/shared/report-page.ts`), with its charts drawn by Vega-Lite
 * (`lambda/shared/charts.ts`). It opens with the AUC, the saving at the cheapest cutoff and the
 * share of churners that cutoff reaches, then the business case (`business.ts`): the campaign at
 * the budget-constrained cutoff, the cost-optimal cutoff and 0.5 in one table, the case it was
 * projected under and the budget that would reach the target in words, and the projected churn
 * rate against spend. Then the confusion matrix at the cheapest cutoff and at 0.5, the metrics and
 * the cost comparison as tables, the ROC and precision-recall curves with both cutoffs marked, the
 * expected cost over every cutoff with the cheapest marked, and the calibration of the predicted
 * probabilities. Pure: evaluation in, HTML text out; every chart is drawn from the evaluation's
 * numbers.
 */
import { type ChartSpec, PALETTE, renderChart } from '../shared/charts';
import { markup, percent, type SafeHtml } from '../shared/html';
import { chartRow, figure, renderReportPage } from '../shared/report-page';
import { type CampaignFigures, campaignCurve } from './business';
import { formatPoints, formatWhole } from './business-text';
import type { ClassificationMetrics, Cutoff } from './confusion';
import { costCurve, precisionRecallCurve } from './curves';
import type { CutoffEvaluation, Evaluation } from './metrics';

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

/** A cutoff for people, to 3 decimals (`evaluation.json` has it whole); `null` is +infinity. */
function formatCutoff(cutoff: Cutoff): string {
  return cutoff === null ? 'above every score (no offers)' : cutoff.toFixed(3);
}

/** A cutoff, shortly, for a chart's legend. */
function cutoffLabel(which: 'cheapest' | 'default', cutoff: Cutoff): string {
  const at = cutoff === null ? 'no offers' : cutoff.toFixed(3);
  return which === 'cheapest' ? `cheapest (${at})` : 'cutoff 0.5';
}

/** A table row: a header cell, then data cells. */
function row(header: string, cells: readonly (string | number | SafeHtml)[]): SafeHtml {
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
</table>
`;
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

/** How many get an offer at a cutoff. */
function offers(at: CutoffEvaluation): number {
  return at.matrix.tp + at.matrix.fp;
}

function costTable(evaluation: Evaluation): SafeHtml {
  const { costs } = evaluation;
  const { missedChurner, incentive, retention } = costs.assumptions;
  const line = (name: string, offered: number, cost: number): SafeHtml =>
    row(name, [offered, formatCost(cost), formatCost(costs.doingNothing - cost)]);
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

/** The cutoffs the business case reports, in the order it shows them, each with its names. */
function campaignRows(evaluation: Evaluation): { name: string; label: string; figures: CampaignFigures }[] {
  const { atCutoffs } = evaluation.business;
  return [
    { name: 'Budget-constrained', label: 'budget-constrained', figures: atCutoffs.budgetConstrained },
    { name: 'Cost-optimal', label: 'cost-optimal', figures: atCutoffs.costOptimal },
    { name: 'Cutoff 0.5', label: 'cutoff 0.5', figures: atCutoffs.default },
  ];
}

/** The campaign at the reported cutoffs, one row each. */
function campaignTable(evaluation: Evaluation): SafeHtml {
  const { budget, targetChurnRate, assumptions } = evaluation.business;
  const line = (name: string, f: CampaignFigures): SafeHtml =>
    row(name, [
      formatCutoff(f.cutoff),
      formatWhole(f.offers),
      f.withinBudget ? formatCost(f.spend) : markup`${formatCost(f.spend)} <strong>over budget</strong>`,
      formatWhole(f.churnersReached),
      formatWhole(f.churnersRetained),
      formatWhole(f.offersToStayers),
      formatWhole(f.offeredChurnersLeaving),
      percent(f.projectedChurnRate),
      f.targetMet ? 'yes' : `no: ${formatPoints(f.shortOfTarget, true)} short`,
      formatCost(f.netValue),
    ]);
  return table(
    'business',
    `The campaign on ${formatWhole(assumptions.customersScored)} customers (budget ${formatCost(budget)}, target ${percent(targetChurnRate)}; pp: percentage points)`,
    [
      '',
      'Cutoff',
      'Offers',
      'Expected spend',
      'Churners reached',
      'Churners retained',
      'Incentives to customers who would have stayed',
      'Offered churners who leave anyway',
      'Projected churn rate',
      'Target met',
      'Net value',
    ],
    campaignRows(evaluation).map(({ name, figures }) => line(name, figures)),
  );
}

/**
 * The business case in words: what it was projected under, what the budget-constrained cutoff
 * achieves, and the budget that would reach the target with this model.
 */
function campaignText(evaluation: Evaluation, curve: readonly CampaignFigures[]): SafeHtml {
  const b = evaluation.business;
  const c = b.assumptions;
  const chosen = b.atCutoffs.budgetConstrained;
  const before = percent(b.churnRateBefore);
  const outcome =
    b.cutoff === null
      ? `At the budget-constrained cutoff nobody gets an offer: nothing is spent and the churn rate stays at ${before}`
      : `At the budget-constrained cutoff, ${formatCutoff(b.cutoff)}, the campaign spends ${formatCost(b.spend)} and is projected to bring the churn rate from ${before} to ${percent(b.projectedChurnRate)}`;
  const verdict = b.targetMet
    ? 'the target is met within the budget.'
    : `${formatPoints(chosen.shortOfTarget)} short of the target.`;
  const lowest = curve.reduce((least, p) => Math.min(least, p.projectedChurnRate), b.churnRateBefore);
  const toReach =
    b.budgetToReachTarget === null
      ? `The target is not reachable at any budget with this model: the lowest churn rate it can reach is ${percent(lowest)}.`
      : `The budget that would reach the target with this model: ${formatCost(b.budgetToReachTarget)}${
          b.budgetToReachTarget <= b.budget
            ? ', within the budget.'
            : `, ${formatCost(b.budgetToReachTarget - b.budget)} more than the budget.`
        }`;
  return markup`<p>Budget for incentives: ${formatCost(b.budget)}. Of the ${formatWhole(c.customersScored)} customers scored, ${before} would leave without a campaign (the churn rate before); the target is ${percent(b.targetChurnRate)}. Each incentive costs ${formatCost(c.incentiveCost)}; an offered churner stays with probability ${percent(c.incentiveRetention)} (retention), and each churner retained is worth ${formatCost(c.retainedCustomerValue)}.</p>
<p>${outcome}: ${verdict} ${toReach}</p>
`;
}

/** Every chart's size, in pixels of its plotting area. */
const SIDE = 280;

/** The confusion matrix at one cutoff as a 2 x 2 heat map, each cell with its count. */
function confusionSpec(at: CutoffEvaluation, title: string): ChartSpec {
  const { tp, fp, tn, fn } = at.matrix;
  const cells = [
    { actual: 'churned', predicted: 'churn (offer)', count: tp },
    { actual: 'churned', predicted: 'stay (no offer)', count: fn },
    { actual: 'stayed', predicted: 'churn (offer)', count: fp },
    { actual: 'stayed', predicted: 'stay (no offer)', count: tn },
  ];
  const max = Math.max(tp, fp, tn, fn, 1);
  return {
    title,
    width: 220,
    height: 220,
    data: { values: cells },
    encoding: {
      x: { field: 'predicted', type: 'nominal', title: 'Predicted', axis: { labelAngle: 0 } },
      y: { field: 'actual', type: 'nominal', title: 'Actual' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'count',
            type: 'quantitative',
            scale: { domain: [0, max], range: ['#f7fbff', '#2171b5'] },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 18, fontWeight: 'bold' },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

/** Where the two reported cutoffs fall on a curve: a point each, in the legend's colours. */
function cutoffMarks(points: readonly Record<string, number | string>[], x: string, y: string): object[] {
  return [
    {
      data: { values: [...points] },
      mark: { type: 'point', filled: true, size: 110 },
      encoding: {
        x: { field: x, type: 'quantitative' },
        y: { field: y, type: 'quantitative' },
        color: {
          field: 'which',
          type: 'nominal',
          title: null,
          scale: { range: [PALETTE.highlight, PALETTE.neutral] },
          legend: { orient: 'bottom-right' },
        },
        shape: { value: 'diamond' },
      },
    },
  ];
}

/** The two reported cutoffs, each with the label its mark gets. */
function reportedCutoffs(evaluation: Evaluation): { which: string; at: CutoffEvaluation }[] {
  return [
    { which: cutoffLabel('cheapest', evaluation.atOptimalCutoff.cutoff), at: evaluation.atOptimalCutoff },
    { which: cutoffLabel('default', evaluation.atDefaultCutoff.cutoff), at: evaluation.atDefaultCutoff },
  ];
}

/** A square chart's two axes over [0, 1]. */
function unitAxis(
  field: string,
  title: string,
): { field: string; type: 'quantitative'; title: string; scale: { domain: [number, number] } } {
  return { field, type: 'quantitative', title, scale: { domain: [0, 1] } };
}

function rocSpec(evaluation: Evaluation): ChartSpec {
  const { positives, negatives } = evaluation.counts;
  const marks = reportedCutoffs(evaluation).map(({ which, at }) => ({
    which,
    fpr: at.matrix.fp / negatives,
    tpr: at.matrix.tp / positives,
  }));
  return {
    title: `ROC curve (AUC = ${evaluation.auc.toFixed(3)})`,
    width: SIDE,
    height: SIDE,
    layer: [
      {
        data: {
          values: [
            { fpr: 0, tpr: 0 },
            { fpr: 1, tpr: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [6, 4], color: PALETTE.reference },
        encoding: { x: unitAxis('fpr', 'False positive rate'), y: unitAxis('tpr', 'True positive rate (recall)') },
      },
      {
        data: { values: evaluation.roc.map((p) => ({ fpr: p.fpr, tpr: p.tpr })) },
        mark: { type: 'line', color: PALETTE.stayed, strokeWidth: 2 },
        encoding: {
          x: { field: 'fpr', type: 'quantitative' },
          y: { field: 'tpr', type: 'quantitative' },
          order: { field: 'fpr' },
        },
      },
      ...cutoffMarks(marks, 'fpr', 'tpr'),
    ],
  } as ChartSpec;
}

function precisionRecallSpec(evaluation: Evaluation): ChartSpec {
  const { positives, negatives } = evaluation.counts;
  const curve = precisionRecallCurve(evaluation.roc, evaluation.counts);
  const churnRate = positives / (positives + negatives);
  const marks = reportedCutoffs(evaluation).flatMap(({ which, at }) =>
    at.metrics.precision === null || at.metrics.recall === null
      ? []
      : [{ which, recall: at.metrics.recall, precision: at.metrics.precision }],
  );
  return {
    title: 'Precision against recall',
    width: SIDE,
    height: SIDE,
    layer: [
      {
        data: {
          values: [
            { recall: 0, precision: churnRate },
            { recall: 1, precision: churnRate },
          ],
        },
        mark: { type: 'line', strokeDash: [6, 4], color: PALETTE.reference },
        encoding: {
          x: unitAxis('recall', 'Recall (churners reached)'),
          y: unitAxis('precision', 'Precision (offers to churners)'),
        },
      },
      {
        data: { values: curve },
        mark: { type: 'line', color: PALETTE.stayed, strokeWidth: 2 },
        encoding: {
          x: { field: 'recall', type: 'quantitative' },
          y: { field: 'precision', type: 'quantitative' },
          order: { field: 'cutoff', sort: 'descending' },
        },
      },
      ...cutoffMarks(marks, 'recall', 'precision'),
    ],
  } as ChartSpec;
}

function costSpec(evaluation: Evaluation): ChartSpec {
  const curve = costCurve(evaluation.roc, evaluation.counts, evaluation.costs.assumptions).flatMap((p) =>
    p.cutoff === null ? [] : [{ cutoff: p.cutoff, cost: p.cost, offers: p.offers }],
  );
  const cheapest = evaluation.atOptimalCutoff;
  const marks = reportedCutoffs(evaluation).flatMap(({ which, at }) =>
    at.cutoff === null ? [] : [{ which, cutoff: at.cutoff, cost: at.cost }],
  );
  return {
    title: 'Expected cost by cutoff',
    width: SIDE * 1.4,
    height: SIDE,
    layer: [
      {
        data: { values: [{ cost: evaluation.costs.doingNothing, label: 'doing nothing' }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: PALETTE.reference },
        encoding: { y: { field: 'cost', type: 'quantitative' } },
      },
      {
        data: { values: [{ cost: evaluation.costs.doingNothing, label: 'doing nothing' }] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -7, color: PALETTE.neutral },
        encoding: { y: { field: 'cost', type: 'quantitative' }, x: { datum: 0 }, text: { field: 'label' } },
      },
      {
        data: { values: curve },
        mark: { type: 'line', color: PALETTE.stayed, strokeWidth: 2, interpolate: 'step-before' },
        encoding: {
          x: {
            field: 'cutoff',
            type: 'quantitative',
            title: 'Cutoff (offer when the score is at least this)',
            scale: { domain: [0, 1] },
          },
          y: { field: 'cost', type: 'quantitative', title: 'Expected cost on the test split', scale: { zero: true } },
        },
      },
      ...(cheapest.cutoff === null
        ? []
        : [
            {
              data: { values: [{ cutoff: cheapest.cutoff }] },
              mark: { type: 'rule', color: PALETTE.highlight },
              encoding: { x: { field: 'cutoff', type: 'quantitative' } },
            },
          ]),
      ...cutoffMarks(marks, 'cutoff', 'cost'),
    ],
  } as ChartSpec;
}

/**
 * The projected churn rate against spend at every cutoff of the ROC curve, from nobody offered
 * (spend 0, the churn rate before) to everybody; the budget, the target and the churn rate before
 * as rules, and the reported cutoffs as labelled points (one label for cutoffs that coincide).
 */
function campaignSpec(evaluation: Evaluation, curve: readonly CampaignFigures[]): ChartSpec {
  const { budget, targetChurnRate, churnRateBefore } = evaluation.business;
  // Folded, not spread: a test split can have more distinct scores than a call takes arguments.
  const right = curve.reduce((most, p) => Math.max(most, p.spend), budget);
  const top = Math.max(churnRateBefore, targetChurnRate);
  // Labels sit where the curve is not. It falls from the churn rate before at spend 0: the target's
  // label goes at the left (the curve is still high there), the churn rate before's at the right,
  // and the budget's on the wider side of its rule.
  const budgetOnLeft = budget <= right / 2;
  const marks = new Map<string, { spend: number; churnRate: number; which: string; label: string }>();
  for (const { label, figures } of campaignRows(evaluation)) {
    const key = `${figures.spend} ${figures.projectedChurnRate}`;
    const named = `${label} (${figures.cutoff === null ? 'no offers' : figures.cutoff.toFixed(3)})`;
    const same = marks.get(key);
    marks.set(
      key,
      same === undefined
        ? { spend: figures.spend, churnRate: figures.projectedChurnRate, which: label, label: named }
        : { ...same, label: `${same.label}, ${named}` },
    );
  }
  const rateRule = (rate: number, label: string, color: string, atLeft: boolean): object[] => [
    {
      data: { values: [{ churnRate: rate }] },
      mark: { type: 'rule', strokeDash: [6, 4], color },
      encoding: { y: { field: 'churnRate', type: 'quantitative' } },
    },
    {
      data: { values: [{ churnRate: rate, label }] },
      mark: { type: 'text', align: atLeft ? 'left' : 'right', baseline: 'bottom', dx: atLeft ? 4 : -4, dy: -3, color },
      encoding: {
        y: { field: 'churnRate', type: 'quantitative' },
        x: { datum: atLeft ? 0 : right },
        text: { field: 'label' },
      },
    },
  ];
  return {
    title: 'Projected churn rate against spend',
    width: SIDE * 1.4,
    height: SIDE,
    layer: [
      {
        data: { values: curve.map((p, step) => ({ step, spend: p.spend, churnRate: p.projectedChurnRate })) },
        mark: { type: 'line', color: PALETTE.stayed, strokeWidth: 2 },
        encoding: {
          x: { field: 'spend', type: 'quantitative', title: 'Expected spend on incentives', scale: { zero: true } },
          y: {
            field: 'churnRate',
            type: 'quantitative',
            title: 'Projected churn rate',
            scale: { zero: true },
            axis: { format: '~%' },
          },
          order: { field: 'step' },
        },
      },
      ...rateRule(churnRateBefore, `before the campaign: ${percent(churnRateBefore)}`, PALETTE.reference, false),
      ...rateRule(targetChurnRate, `target: ${percent(targetChurnRate)}`, PALETTE.churned, true),
      {
        data: { values: [{ spend: budget }] },
        mark: { type: 'rule', color: PALETTE.neutral },
        encoding: { x: { field: 'spend', type: 'quantitative' } },
      },
      {
        data: { values: [{ spend: budget, label: `budget: ${formatCost(budget)}` }] },
        mark: {
          type: 'text',
          align: budgetOnLeft ? 'left' : 'right',
          baseline: 'top',
          dx: budgetOnLeft ? 4 : -4,
          dy: 4,
          color: PALETTE.neutral,
        },
        encoding: { x: { field: 'spend', type: 'quantitative' }, y: { datum: top }, text: { field: 'label' } },
      },
      {
        data: { values: [...marks.values()] },
        mark: { type: 'point', filled: true, size: 110, shape: 'diamond' },
        encoding: {
          x: { field: 'spend', type: 'quantitative' },
          y: { field: 'churnRate', type: 'quantitative' },
          color: {
            field: 'which',
            type: 'nominal',
            scale: {
              domain: campaignRows(evaluation).map((r) => r.label),
              range: [PALETTE.churned, PALETTE.highlight, PALETTE.neutral],
            },
            legend: null,
          },
        },
      },
      {
        data: { values: [...marks.values()] },
        mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 11, color: PALETTE.neutral },
        encoding: {
          x: { field: 'spend', type: 'quantitative' },
          y: { field: 'churnRate', type: 'quantitative' },
          text: { field: 'label' },
        },
      },
    ],
  } as ChartSpec;
}

function calibrationSpec(evaluation: Evaluation): ChartSpec {
  const bins = evaluation.calibration.flatMap((b) =>
    b.meanScore === null || b.churnRate === null
      ? []
      : [
          {
            meanScore: b.meanScore,
            churnRate: b.churnRate,
            rows: b.rows,
            bin: `${b.lower.toFixed(1)}-${b.upper.toFixed(1)}`,
          },
        ],
  );
  return {
    title: 'Calibration: predicted against observed churn',
    width: SIDE,
    height: SIDE,
    layer: [
      {
        data: {
          values: [
            { meanScore: 0, churnRate: 0 },
            { meanScore: 1, churnRate: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [6, 4], color: PALETTE.reference },
        encoding: {
          x: unitAxis('meanScore', 'Mean predicted probability (bin)'),
          y: unitAxis('churnRate', 'Share that churned'),
        },
      },
      {
        data: { values: bins },
        mark: { type: 'line', point: { color: PALETTE.churned }, color: PALETTE.churned },
        encoding: {
          x: { field: 'meanScore', type: 'quantitative' },
          y: { field: 'churnRate', type: 'quantitative' },
        },
      },
      {
        data: { values: bins },
        mark: { type: 'text', dy: -10, fontSize: 10, color: PALETTE.neutral },
        encoding: {
          x: { field: 'meanScore', type: 'quantitative' },
          y: { field: 'churnRate', type: 'quantitative' },
          text: { field: 'rows', type: 'quantitative' },
        },
      },
    ],
  };
}

/**
 * The evaluation as a self-contained HTML page (no scripts, no external assets), every chart drawn
 * from `evaluation`.
 *
 * @param evaluation the result of `evaluate`
 */
export async function renderReport(evaluation: Evaluation, options: ReportOptions = {}): Promise<string> {
  const title = options.title ?? 'Churn model evaluation';
  const { rows, positives, negatives } = evaluation.counts;
  const cheapest = evaluation.atOptimalCutoff;
  const cheapestName = formatCutoff(cheapest.cutoff);
  const curve = campaignCurve(evaluation.roc, evaluation.counts, evaluation.business.assumptions);
  const [campaign, matrixCheapest, matrixDefault, roc, pr, cost, calibrationChart] = await Promise.all([
    renderChart(campaignSpec(evaluation, curve)),
    renderChart(confusionSpec(cheapest, `At the cheapest cutoff (${cheapestName})`)),
    renderChart(confusionSpec(evaluation.atDefaultCutoff, 'At cutoff 0.5')),
    renderChart(rocSpec(evaluation)),
    renderChart(precisionRecallSpec(evaluation)),
    renderChart(costSpec(evaluation)),
    renderChart(calibrationSpec(evaluation)),
  ]);
  return renderReportPage({
    title,
    subtitle: `Test split: ${rows} customers, ${positives} churned, ${negatives} stayed.`,
    headline: [
      { label: 'AUC', value: evaluation.auc.toFixed(3), note: 'Chance that a churner scores above a stayer.' },
      {
        label: 'Saving at the cheapest cutoff',
        value: formatCost(evaluation.costs.saving),
        note: `Against offering nothing, on the test split, at cutoff ${cheapestName}.`,
      },
      {
        label: 'Churners reached',
        value: percent(cheapest.metrics.recall),
        note: `Recall at the cheapest cutoff: ${cheapest.matrix.tp} of ${positives} churners get an offer.`,
      },
    ],
    sections: [
      {
        id: 'business',
        heading: 'Business case',
        intro:
          'What a retention campaign acting on the model is projected to spend and to achieve: the model’s rates on the test split (the share of churners it offers the incentive to, and the share of customers who stay that it offers it to anyway) applied to the customers scored, at the business’s churn rate. The budget-constrained cutoff retains the most churners the budget pays for, with no more offers than the target needs; the cost-optimal cutoff is the one whose expected cost is lowest on the test split, at its churn mix (the cheapest cutoff of the sections below); 0.5 is the conventional cutoff. Counts of customers are expectations, rounded to whole customers; the net value is what the retained churners are worth less the spend, against doing nothing.',
        content: [
          campaignText(evaluation, curve),
          campaignTable(evaluation),
          figure(
            'campaign',
            campaign,
            'Every cutoff, from nobody offered (spend 0, the churn rate before) to everybody. The solid line is the budget, the red dashed line the target, the grey dashed line the churn rate before the campaign.',
          ),
        ],
      },
      {
        id: 'confusion',
        heading: 'Confusion matrix',
        intro:
          'Who gets an offer against who churned, at the cutoff that costs least and at the conventional 0.5. Offers to customers who stay cost the incentive; churners without one are lost.',
        content: chartRow([
          figure('confusion-cheapest', matrixCheapest, `Cutoff ${cheapestName}: ${offers(cheapest)} offers.`),
          figure('confusion-default', matrixDefault, `Cutoff 0.5: ${offers(evaluation.atDefaultCutoff)} offers.`),
        ]),
      },
      { id: 'metrics', heading: 'Metrics and cost', content: [metricsTable(evaluation), costTable(evaluation)] },
      {
        id: 'curves',
        heading: 'Ranking: ROC and precision-recall',
        intro:
          'Every cutoff at once. The dashed lines are a model that guesses: the diagonal, and precision equal to the churn rate.',
        content: chartRow([
          figure('roc', roc, 'True against false positive rate at every cutoff.'),
          figure('precision-recall', pr, 'Precision against recall at every cutoff.'),
        ]),
      },
      {
        id: 'cost',
        heading: 'Expected cost over cutoffs',
        intro:
          'What acting on the model costs at each cutoff, under the cost assumptions above; the dashed line is the cost of offering nothing. The marked cutoff costs least.',
        content: figure('cost', cost, `Cheapest: cutoff ${cheapestName}, expected cost ${formatCost(cheapest.cost)}.`),
      },
      {
        id: 'calibration',
        heading: 'Calibration',
        intro:
          'Whether a predicted probability means what it says: customers binned by their score, the share that churned against the mean score. On the diagonal, the model is calibrated. Each point is labelled with its number of customers.',
        content: figure(
          'calibration',
          calibrationChart,
          'Ten equal bins of predicted probability; empty bins are left out.',
        ),
      },
    ],
  });
}
