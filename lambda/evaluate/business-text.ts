/**
 * The business case in words and plain-text tables, for a terminal or a log: how `npm run local`
 * prints it. The figures are `business.ts`'s; here they are only rounded and formatted. Customers
 * are expectations, shown to the whole customer; projected amounts to the whole unit of the
 * currency, configured ones to the cent; rates as percentages with one decimal.
 */
import type { BusinessEvaluation, CampaignFigures } from './business';
import { percent } from '../shared/html';
import type { Cutoff } from './confusion';

const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** An amount or a count of customers, rounded to a whole number, with thousands separators. */
export function formatWhole(value: number): string {
  // Intl writes -0 as "-0".
  return WHOLE.format(Math.round(value) + 0);
}

const AMOUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** An amount as configured, to the cent: 49.99 stays 49.99, 750000 is 750,000. */
export function formatAmount(value: number): string {
  return AMOUNT.format(value);
}

/**
 * A difference of two rates in percentage points, one decimal as `percent` shows the rates:
 * `2.2 percentage points`, or `2.2 pp` when `short`. A difference too small for that decimal
 * still reads as one.
 */
export function formatPoints(difference: number, short = false): string {
  const points = difference * 100;
  const unit = short ? 'pp' : 'percentage points';
  return points > 0 && points < 0.05 ? `less than 0.1 ${unit}` : `${points.toFixed(1)} ${unit}`;
}

/** A cutoff as a table shows it: the number, or "nobody" when it offers nobody. */
export function formatCampaignCutoff(cutoff: Cutoff): string {
  return cutoff === null ? 'nobody' : String(Number(cutoff.toFixed(4)));
}

/** How far the target is: "met", or the rate points still to go ("1.2 percentage points above"). */
export function formatTarget(figures: CampaignFigures): string {
  return figures.targetMet ? 'met' : `${formatPoints(figures.shortOfTarget)} above`;
}

/** The sentence on the target at the budget-constrained cutoff and the budget that would reach it. */
export function targetSentence(b: BusinessEvaluation): string {
  const at = b.atCutoffs.budgetConstrained;
  const campaign =
    b.cutoff === null
      ? `The budget-constrained campaign offers nobody, and churn stays at ${percent(b.churnRateBefore)}`
      : `The budget-constrained campaign (cutoff ${formatCampaignCutoff(b.cutoff)}) spends ${formatWhole(b.spend)} ` +
        `of the ${formatWhole(b.budget)} budget and leaves ${percent(b.projectedChurnRate)} churn`;
  if (b.targetMet) {
    return `${campaign}: the ${percent(b.targetChurnRate)} target is met.`;
  }
  const reach =
    b.budgetToReachTarget === null
      ? 'The target is not reachable at any budget with this model.'
      : `With this model the target needs a budget of ${formatWhole(b.budgetToReachTarget)}.`;
  return `${campaign}: ${formatTarget(at)} the ${percent(b.targetChurnRate)} target. ${reach}`;
}

const COLUMNS = [
  'cutoff',
  'offers',
  'spend',
  'churners reached',
  'kept',
  'leave anyway',
  'offers to stayers',
  'churn after',
  'target',
  'net value',
] as const;

/** The business case as lines of text: the assumptions, one table row per reported cutoff, and the verdict. */
export function businessCaseLines(b: BusinessEvaluation): string[] {
  const a = b.assumptions;
  const rows: [string, CampaignFigures][] = [
    ['budget-constrained', b.atCutoffs.budgetConstrained],
    ['cost-optimal', b.atCutoffs.costOptimal],
    ['0.5', b.atCutoffs.default],
  ];
  const cells = rows.map(([name, f]) => [
    name === '0.5' ? '0.5' : `${name} ${formatCampaignCutoff(f.cutoff)}`,
    formatWhole(f.offers),
    `${formatWhole(f.spend)}${f.withinBudget ? '' : ' (over budget)'}`,
    formatWhole(f.churnersReached),
    formatWhole(f.churnersRetained),
    formatWhole(f.offeredChurnersLeaving),
    formatWhole(f.offersToStayers),
    percent(f.projectedChurnRate),
    formatTarget(f),
    formatWhole(f.netValue),
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    `${formatWhole(a.customersScored)} customers scored, ${percent(a.churnRateBefore)} of them would leave ` +
      `(${formatWhole(a.customersScored * a.churnRateBefore)}); target ${percent(a.targetChurnRate)}, ` +
      `budget ${formatAmount(a.incentiveBudget)}; an incentive costs ${formatAmount(a.incentiveCost)} and keeps ` +
      `${percent(a.incentiveRetention)} of the churners offered it; a kept customer is worth ` +
      `${formatAmount(a.retainedCustomerValue)}.`,
    line(COLUMNS),
    ...cells.map(line),
    targetSentence(b),
  ];
}
