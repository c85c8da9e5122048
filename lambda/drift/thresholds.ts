/**
 * The verdicts and the thresholds that turn a drift statistic into one. The config passes the
 * thresholds per stage; {@link DEFAULT_DRIFT_THRESHOLDS} documents each default and its source.
 */
import type { MonitoringDriftSettings } from '../../lib/contracts/lake-monitoring';
import { shown } from '../../lib/contracts/shown';
import { DriftInputError } from './errors';

/**
 * A check's verdict: `ok` below the watch threshold, `watch` from it, `act` from the act threshold;
 * `insufficient` when there were too few rows to tell (not drift, and not its absence either).
 */
export type Verdict = 'ok' | 'watch' | 'act' | 'insufficient';

/** The two thresholds of a statistic that grows with drift: `watch ≤ act`, both 0 or more. */
export interface VerdictBand {
  /** The statistic's value from which the verdict is `watch`. */
  readonly watch: number;
  /** The statistic's value from which the verdict is `act`. */
  readonly act: number;
}

/** The thresholds of the drift comparison. */
export interface DriftThresholds {
  /**
   * Population stability index of a numeric feature over the baseline's bins.
   *
   * Defaults 0.1 to watch and 0.25 to act: the credit-scoring rule of thumb (below 0.1 no
   * significant shift, 0.1 to 0.25 a moderate one, above 0.25 a significant one; N. Siddiqi,
   * *Credit Risk Scorecards*, Wiley 2006), as reviewed in B. Yurdakul, *Statistical Properties of
   * Population Stability Index*, dissertation 3208, Western Michigan University, 2018
   * (https://scholarworks.wmich.edu/dissertations/3208). Evidently's PSI test also defaults to 0.1.
   * @default { watch: 0.1, act: 0.25 }
   */
  readonly psi: VerdictBand;
  /**
   * L-infinity distance between a one-hot group's category distributions (the largest change of one
   * category's share; see `distance.ts`).
   *
   * Act at 0.1: SageMaker Model Monitor's default threshold for this same distance on categorical
   * features (`categorical_comparison_threshold`, which defaults to `comparison_threshold`, 0.1:
   * SageMaker Developer Guide, "Schema for Constraints (constraints.json file)",
   * https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-constraints.html), so an
   * account that moves from Model Monitor acts on the same change. Watch at 0.05 is this project's
   * choice, half of it; no source gives a watch level.
   * @default { watch: 0.05, act: 0.1 }
   */
  readonly categorical: VerdictBand;
  /**
   * Absolute change of a feature's missing fraction (0.02 → 0.12 is 0.1).
   *
   * Act at 0.1 following Model Monitor's uniform default of 0.1 for its data quality checks (the
   * same page: `datatype_check_threshold`, `domain_content_threshold`, `comparison_threshold`);
   * watch at 0.05, this project's choice, half of it.
   * @default { watch: 0.05, act: 0.1 }
   */
  readonly missingFractionChange: VerdictBand;
  /**
   * The fewest rows (of a window, and values of a feature) a statistic is judged on; fewer make
   * the check `insufficient`.
   *
   * 200, derived from the sampling distribution of the PSI: with no drift, n·PSI is approximately
   * χ² with (bins − 1) degrees of freedom when the baseline is much larger than the window (Yurdakul
   * 2018, above). With 10 bins the 95th percentile of χ²₉ is 16.9, so a window of n rows shows a
   * PSI above the 0.1 watch threshold by chance alone in 5 % of windows when n = 16.9 / 0.1 ≈ 170;
   * 200 leaves a margin.
   * @default 200
   */
  readonly minimumRows: number;
  /**
   * The smallest share a bin is given in the PSI, so that an empty bin gives a large finite term
   * instead of an infinite one (its logarithm). Evidently replaces an empty bin's share by the same
   * 0.0001 (`get_binned_data`, src/evidently/legacy/calculations/stattests/utils.py). A bin that
   * loses all of a tenth of the values then adds (0.1 − 0.0001) · ln(0.1 / 0.0001) ≈ 0.69: `act`,
   * as it should.
   * @default 0.0001
   */
  readonly emptyBinShare: number;
}

/** The thresholds used when the config gives none; each is documented with its source on {@link DriftThresholds}. */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  psi: { watch: 0.1, act: 0.25 },
  categorical: { watch: 0.05, act: 0.1 },
  missingFractionChange: { watch: 0.05, act: 0.1 },
  minimumRows: 200,
  emptyBinShare: 0.0001,
};

/** The verdict of a statistic's value: `act` from `band.act`, `watch` from `band.watch`, else `ok`. */
export function verdictOf(value: number, band: VerdictBand): Exclude<Verdict, 'insufficient'> {
  if (value >= band.act) {
    return 'act';
  }
  return value >= band.watch ? 'watch' : 'ok';
}

function checkBand(band: VerdictBand, name: string): void {
  for (const level of ['watch', 'act'] as const) {
    const value = band[level];
    if (!Number.isFinite(value) || value < 0) {
      throw new DriftInputError(`${name}.${level} is ${shown(value)}; expected a finite number, 0 or more`);
    }
  }
  if (band.watch > band.act) {
    throw new DriftInputError(`${name}.watch is ${band.watch}, above ${name}.act ${band.act}; expected watch ≤ act`);
  }
}

/**
 * Checks thresholds from the config.
 * @throws DriftInputError naming the threshold that is wrong and its value
 */
export function checkThresholds(thresholds: DriftThresholds): DriftThresholds {
  checkBand(thresholds.psi, 'psi');
  checkBand(thresholds.categorical, 'categorical');
  checkBand(thresholds.missingFractionChange, 'missingFractionChange');
  if (!Number.isSafeInteger(thresholds.minimumRows) || thresholds.minimumRows < 1) {
    throw new DriftInputError(`minimumRows is ${shown(thresholds.minimumRows)}; expected a whole number, 1 or more`);
  }
  if (!(thresholds.emptyBinShare > 0 && thresholds.emptyBinShare < 1)) {
    throw new DriftInputError(`emptyBinShare is ${shown(thresholds.emptyBinShare)}; expected a number between 0 and 1`);
  }
  return thresholds;
}

/**
 * The thresholds of a stage's monitoring settings, checked. The empty-bin share is not a setting
 * (it is a numerical guard, not a judgement): it is always the default's.
 * @throws DriftInputError naming the threshold that is wrong and its value
 */
export function driftThresholdsFromSettings(settings: MonitoringDriftSettings): DriftThresholds {
  return checkThresholds({
    psi: { watch: settings.psiWatch, act: settings.psiAct },
    categorical: { watch: settings.categoricalWatch, act: settings.categoricalAct },
    missingFractionChange: { watch: settings.missingWatch, act: settings.missingAct },
    minimumRows: settings.minimumRows,
    emptyBinShare: DEFAULT_DRIFT_THRESHOLDS.emptyBinShare,
  });
}
