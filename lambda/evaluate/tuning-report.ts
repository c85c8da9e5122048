/**
 * The tuning report: what a tuning run tried and what its best model learned, round by round, in
 * the reports' shared layout (`lambda/shared/report-page.ts`) with Vega-Lite charts
 * (`lambda/shared/charts.ts`). It opens with the best trial's validation AUC, the number of trials
 * and the round the best model stopped at; then one chart per tuned hyper-parameter (each trial's
 * objective against its value, the best one marked), and the best trial's training and validation
 * AUC by boosting round, with the early-stopping point marked: the under- and overfitting picture.
 * Pure: summary in, HTML text out; every chart is drawn from the summary's numbers.
 *
 * The summary is what a tuning run records: `npm run local` builds it from its search
 * (`lib/local/engines.ts`), the pipeline from the tuning job and its best training job.
 */
import { type ChartSpec, PALETTE, renderChart } from '../shared/charts';
import type { SafeHtml } from '../shared/html';
import { chartRow, figure, renderReportPage } from '../shared/report-page';

/** One tuned hyper-parameter and the range the search drew it from. */
export interface TunedRange {
  readonly name: string;
  readonly low: number;
  readonly high: number;
  /** How the search drew values: evenly, or evenly in log space. */
  readonly scale: 'linear' | 'log';
}

/** One trial: a training job of the tuning run. */
export interface TuningTrial {
  /** The trial's name: the training job's, or `trial 3` locally. */
  readonly name: string;
  /** The tuned hyper-parameters' values (the static ones left out). */
  readonly values: Readonly<Record<string, number>>;
  /** The objective it reached; `null` when it reported none (it failed or was stopped early). */
  readonly objective: number | null;
}

/** A metric by boosting round, on the training and the validation channel. */
export interface RoundHistory {
  readonly train: readonly number[];
  readonly validation: readonly number[];
}

/** Everything the tuning report draws. */
export interface TuningSummary {
  /** The version of this layout, raised when a field changes meaning or disappears. */
  readonly formatVersion: 1;
  /** The objective, as the tuning names it (`validation:auc`), and whether higher is better. */
  readonly objective: { readonly metric: string; readonly maximize: boolean };
  readonly ranges: readonly TunedRange[];
  readonly trials: readonly TuningTrial[];
  /** The best trial, by name, with its metric by round. */
  readonly best: {
    readonly name: string;
    /** The metric the history holds (`auc`). */
    readonly metric: string;
    readonly history: RoundHistory;
    /** The round the saved model ends at, counted from 0 as XGBoost counts: where early stopping found the best. The report counts from 1. */
    readonly bestRound: number;
    /** Rounds without improvement after which training stops; `null` without early stopping. */
    readonly earlyStoppingRounds: number | null;
  };
}

/** Options of {@link renderTuningReport}. */
export interface TuningReportOptions {
  /**
   * The page's title and heading.
   * @default 'Churn model tuning'
   */
  readonly title?: string;
}

/** Throws unless `summary` is consistent: the best trial among the trials, a history of equal lengths, its round inside it. */
function check(summary: TuningSummary): void {
  const { best } = summary;
  if (!summary.trials.some((t) => t.name === best.name)) {
    throw new Error(`the tuning summary's best trial ${best.name} is not one of its ${summary.trials.length} trials`);
  }
  const rounds = best.history.validation.length;
  if (best.history.train.length !== rounds || rounds === 0) {
    throw new Error(
      `the best trial's history must have one value per round on both channels; it has ${best.history.train.length} and ${rounds}`,
    );
  }
  if (!Number.isInteger(best.bestRound) || best.bestRound < 0 || best.bestRound >= rounds) {
    throw new Error(`the best trial's best round ${best.bestRound} is not one of its ${rounds} rounds`);
  }
}

/** One tuned hyper-parameter: each trial's objective against its value, the best trial marked. */
function rangeSpec(summary: TuningSummary, range: TunedRange): ChartSpec {
  const points = summary.trials.flatMap((t) => {
    const value = t.values[range.name];
    return value === undefined || t.objective === null
      ? []
      : [{ value, objective: t.objective, trial: t.name, which: t.name === summary.best.name ? 'best' : 'other' }];
  });
  return {
    title: range.name,
    width: 200,
    height: 170,
    data: { values: points },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      x: {
        field: 'value',
        type: 'quantitative',
        title: `${range.name}${range.scale === 'log' ? ' (log scale)' : ''}`,
        scale: {
          type: range.scale,
          domain: [range.low, range.high],
          ...(range.scale === 'log' ? {} : { zero: false }),
        },
      },
      y: { field: 'objective', type: 'quantitative', title: summary.objective.metric, scale: { zero: false } },
      color: {
        field: 'which',
        type: 'nominal',
        title: null,
        scale: { domain: ['best', 'other'], range: [PALETTE.highlight, PALETTE.stayed] },
        legend: null,
      },
    },
  };
}

/** The best trial's metric by round on both channels, with the best round marked. */
function learningCurveSpec(summary: TuningSummary): ChartSpec {
  const { best } = summary;
  // Rounds are counted from 1 for people (XGBoost's log counts from 0).
  const rows = best.history.train.flatMap((train, i) => [
    { round: i + 1, value: train, channel: 'training' },
    { round: i + 1, value: best.history.validation[i] ?? null, channel: 'validation' },
  ]);
  const last = best.history.validation.length;
  const bestRound = best.bestRound + 1;
  return {
    title: `${best.metric.toUpperCase()} by boosting round, best trial`,
    width: 520,
    height: 300,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'round', type: 'quantitative', title: 'Boosting round' },
          y: { field: 'value', type: 'quantitative', title: best.metric.toUpperCase(), scale: { zero: false } },
          color: {
            field: 'channel',
            type: 'nominal',
            title: null,
            scale: { domain: ['training', 'validation'], range: [PALETTE.neutral, PALETTE.stayed] },
            legend: { orient: 'top-left' },
          },
        },
      },
      {
        data: { values: [{ round: bestRound }] },
        mark: { type: 'rule', color: PALETTE.highlight, strokeWidth: 2 },
        encoding: { x: { field: 'round', type: 'quantitative' } },
      },
      {
        data: { values: [{ round: bestRound, label: `best round ${bestRound}` }] },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, color: PALETTE.highlight },
        encoding: { x: { field: 'round', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
      ...(last > bestRound
        ? [
            {
              data: { values: [{ from: bestRound, to: last }] },
              mark: { type: 'rect', color: PALETTE.reference, opacity: 0.15 },
              encoding: {
                x: { field: 'from', type: 'quantitative' },
                x2: { field: 'to' },
              },
            },
          ]
        : []),
    ],
  } as ChartSpec;
}

/** An AUC for people. */
function formatObjective(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(4);
}

/**
 * The tuning run as a self-contained HTML page (no scripts, no external assets), every chart drawn
 * from `summary`.
 *
 * @throws Error when the summary is inconsistent (see {@link check}).
 */
export async function renderTuningReport(summary: TuningSummary, options: TuningReportOptions = {}): Promise<string> {
  check(summary);
  const title = options.title ?? 'Churn model tuning';
  const { best } = summary;
  const bestTrial = summary.trials.find((t) => t.name === best.name);
  const rounds = best.history.validation.length;
  const reported = summary.trials.filter((t) => t.objective !== null).length;
  const [ranges, curve] = await Promise.all([
    Promise.all(summary.ranges.map((range) => renderChart(rangeSpec(summary, range)))),
    renderChart(learningCurveSpec(summary)),
  ]);
  const stoppedEarly = best.earlyStoppingRounds !== null && rounds - 1 - best.bestRound >= best.earlyStoppingRounds;
  return renderReportPage({
    title,
    subtitle: `${summary.trials.length} trials; objective ${summary.objective.metric}, ${summary.objective.maximize ? 'higher' : 'lower'} is better.`,
    headline: [
      {
        label: `Best ${summary.objective.metric}`,
        value: formatObjective(bestTrial?.objective ?? null),
        note: `${best.name}: the model the pipeline goes on with.`,
      },
      {
        label: 'Trials',
        value: String(summary.trials.length),
        note: `${reported} reported an objective; ${summary.ranges.length} hyper-parameters tuned.`,
      },
      {
        label: 'Best round',
        value: `${best.bestRound + 1} of ${rounds}`,
        note: stoppedEarly
          ? `Early stopping: no gain in the ${best.earlyStoppingRounds} rounds after it, so training stopped.`
          : 'The model is cut at its best round.',
      },
    ],
    sections: [
      {
        id: 'trials',
        heading: 'Trials: the objective against each hyper-parameter',
        intro:
          'One point per trial, at the value the search drew, over the range it drew from. The best trial is orange. A cloud with no slope says the hyper-parameter mattered little here.',
        content: chartRow(
          summary.ranges.map((range, i): SafeHtml =>
            figure(
              `range-${i}`,
              ranges[i] as SafeHtml,
              `${range.name} from ${range.low} to ${range.high}${range.scale === 'log' ? ', drawn in log space' : ''}.`,
            ),
          ),
        ),
      },
      {
        id: 'rounds',
        heading: 'Under- and overfitting: the best trial round by round',
        intro:
          'Training AUC keeps rising as trees are added; validation AUC rises while the model still learns what holds for new customers, then flattens or falls as it fits the training data’s noise. Left of the marked round the model underfits, right of it (shaded) it overfits: the saved model ends at the mark.',
        content: figure(
          'learning-curve',
          curve,
          `Validation ${best.metric.toUpperCase()} ${formatObjective(best.history.validation[best.bestRound] ?? null)} at round ${best.bestRound + 1}; training went on to round ${rounds}.`,
        ),
      },
    ],
  });
}
