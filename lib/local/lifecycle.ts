/**
 * The whole lifecycle on this machine, as a learner without an AWS account runs it
 * (`npm run local`): each stage on the engine it targets in AWS, in the order the pipeline runs
 * them, everything under one output folder.
 *
 * | stage | in AWS | here |
 * |---|---|---|
 * | 1. generate records | producers, `npm run produce` | the same generator |
 * | 2. clean them | Firehose invokes the record cleaner | the cleaner's `transformEvent` on Firehose-shaped events (`raw-zone.ts`) |
 * | 3. curate and build features | the Glue jobs on Spark | the jobs' PySpark cores on local Spark (`glue/local_etl.py`) |
 * | 4. train, with a small bounded search | a SageMaker tuning job, built-in XGBoost 1.7-1 | XGBoost 1.7 (`lib/training/local/xgboost_local.py tune`) |
 * | 5. batch-score the test split | a batch transform | the same module's `score`, as the transform sends and answers |
 * | 6. evaluate | the evaluate function | its own modules: `evaluation.json`, `model-quality.json`, `report.html` |
 * | 7. apply the quality gate | the quality-gate function | its own `decide`, with the stage's policy |
 * | 9. check new customers for drift | captured requests, the drift function | two windows of new customers (one drifted as the run's `--scenario` says) scored by the model and compared with the training baseline by the function's own code (`drift.ts`) |
 * | 10. live quality | outcomes joined to captured predictions, the quality function | the same windows' outcomes (the generator's, for the same customers) joined to their scores by customer id, measured by the function's own `liveQuality` at the evaluation's cutoff (`quality.ts`) |
 * | 11. retrain | the guard starts the ETL workflow, then the training pipeline | new labelled customers of the scenario through stages 1 to 4 again, into `retraining/` (`retraining.ts`) |
 * | 12. champion against challenger | the pipeline scores both models on the new test split; the quality gate decides | both models scored by stage 5's transform and evaluated by stage 6's code on the same new test split; the gate's own `decide` with the champion and `retraining.championMargin` |
 *
 * The report (stage 8) is the evaluation's `report.html`; the drift reports (stage 9) are under
 * `monitoring/drift/`, the quality reports (stage 10) under `monitoring/quality/`, and the
 * retraining's decision, with both models' scores and the margin, is `retraining/gate.json`. The
 * Python stages run in the project's `.venv/` (`npm run python`; `engines.ts`); their JSON output
 * is read back, never parsed from logs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { businessSummary } from '../../lambda/evaluate/business';
import type { Evaluation } from '../../lambda/evaluate/metrics';
import { modelQualityStatistics } from '../../lambda/evaluate/model-quality';
import { renderDataReport } from '../../lambda/data-report/report';
import { renderReport } from '../../lambda/evaluate/report';
import { renderTuningReport, type TuningSummary } from '../../lambda/evaluate/tuning-report';
import { decide, type GateDecision } from '../../lambda/quality-gate/gate';
import { driftThresholdsFromSettings } from '../../lambda/drift/thresholds';
import type { Cutoff } from '../contracts/cutoff';
import { type DataProfile, PROFILE_FILE } from '../contracts/data-profile';
import type { StageConfig } from '../config';
import { DEFAULT_DIRT } from '../schema/dirt';
import type { DriftOptions } from '../schema/drift';
import { DRIFT_SCENARIOS, type DriftScenarioName, driftScenario } from '../schema/drift-scenarios';
import { compareDriftFiles, customerWindow, type DriftFilesResult, featuresCsv, writeDriftReport } from './drift';
import { dataFiles, describeEtl, evaluateScores, runLocalEtl, scoreFiles, StageError, tuneModel } from './engines';
import { checkWindowQuality, type LocalQualityReport, type Prediction, windowOutcomes } from './quality';
import { generateRecords, writeRawZone } from './raw-zone';
import {
  championAgainstChallenger,
  type ChampionChallenger,
  describeDecision,
  describeRetrained,
  retrainChallenger,
  type RetrainOptions,
} from './retraining';

export { StageError } from './engines';

/** The ARN of the package version `version` the pipeline would register (a local run registers nothing). */
function localPackage(version: number): string {
  return ['arn', 'aws', 'sagemaker', 'eu-west-1', '000000000000', `model-package/local-churn/${version}`].join(':');
}
/**
 * Stands in for the ARN of the package the pipeline would register: the gate checks its shape,
 * and a local run registers nothing. The retrained challenger is version 2.
 */
const LOCAL_PACKAGE = localPackage(1);

/** The stages of a run, for the progress lines. */
const STAGE_COUNT = 12;
/** New customers in each window of the drift stage: ten times the drift check's minimum, so noise stays far below "watch". */
const DRIFT_WINDOW_CUSTOMERS = 2000;
/**
 * The drift scenario of a run when none is asked for: usage+concept, where the drift check acts,
 * the live AUC drops below the minimum and the retrained challenger is promoted. With `market` the
 * drift check acts but quality holds and the challenger is rejected (see docs/local.md, "The whole
 * lifecycle on this machine").
 */
export const DEFAULT_SCENARIO: DriftScenarioName = 'usage+concept';

/** What a local run is asked to do. */
export interface LocalRunOptions {
  /** The project root (holds glue/ and lib/). */
  readonly root: string;
  /** The output folder; made if missing, and its previous run's stage folders replaced. */
  readonly out: string;
  /** Records to generate (duplicates and broken records included), for training and again for retraining. */
  readonly customers: number;
  readonly seed: number;
  /** Tuning trials (1 to 20), for the first model and the challenger. */
  readonly trials: number;
  /**
   * What happens to the customers after training: the drifted window of the drift and quality
   * checks, and the new data the challenger is trained on, follow it.
   */
  readonly scenario: DriftScenarioName;
  /** The project environment's interpreter (`.venv/bin/python`). */
  readonly python: string;
  /** The stage whose costs, quality gate, monitoring thresholds and champion margin apply. */
  readonly config: Pick<StageConfig, 'stage' | 'training' | 'business' | 'monitoring' | 'retraining'>;
  /** When the records are ingested (the cleaner's ingest time); new customers arrive from then on. */
  readonly now: Date;
  /** Progress, one line at a time. */
  readonly log: (line: string) => void;
}

/** What a local run produced. */
export interface LocalRunResult {
  readonly evaluation: Evaluation;
  readonly gate: GateDecision;
  /** The live quality of the drift stage's two windows, from their outcomes. */
  readonly quality: { readonly steady: LocalQualityReport; readonly drifted: LocalQualityReport };
  /** Champion against challenger after retraining on the scenario's new customers. */
  readonly retraining: ChampionChallenger;
  /** The files a learner looks at. */
  readonly files: {
    readonly evaluation: string;
    readonly report: string;
    /** The data report (HTML) of the curated customers and the quarantine. */
    readonly dataReport: string;
    /** The tuning report (HTML); `tuning.json` beside it. */
    readonly tuningReport: string;
    readonly modelQuality: string;
    /** The drift reports (HTML) of the window without drift and of the drifted one. */
    readonly drift: { readonly steady: string; readonly drifted: string };
    /** The live quality reports (JSON) of the same windows. */
    readonly quality: { readonly steady: string; readonly drifted: string };
    /** The retraining's `gate.json`. */
    readonly retrainingGate: string;
  };
}

/** A path as shown: relative to the project root when inside it. */
function shown(options: LocalRunOptions, file: string): string {
  const relative = path.relative(options.root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Runs one stage, timing it and logging its line. */
async function stage<T>(
  options: LocalRunOptions,
  number: number,
  name: string,
  work: () => Promise<T> | T,
  done: (result: T) => string,
): Promise<T> {
  options.log(`[${number}/${STAGE_COUNT}] ${name} …`);
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  options.log(`[${number}/${STAGE_COUNT}] ${name}: ${done(result)} (${seconds.toFixed(1)} s)`);
  return result;
}

/** Runs the lifecycle; throws {@link StageError} when a Python stage fails. */
export async function runLocalLifecycle(options: LocalRunOptions): Promise<LocalRunResult> {
  const dir = (name: string) => path.join(options.out, name);
  for (const name of [
    'raw',
    'curated',
    'features',
    'data',
    'model',
    'tuning',
    'transform',
    'evaluation',
    'monitoring',
    'retraining',
  ]) {
    fs.rmSync(dir(name), { recursive: true, force: true });
  }
  fs.mkdirSync(options.out, { recursive: true });

  const records = await stage(
    options,
    1,
    'generate records',
    () => generateRecords({ seed: options.seed, count: options.customers, dirt: DEFAULT_DIRT }),
    (r) => `${r.stream.length + r.batch.length} records (seed ${options.seed}, with the default dirt)`,
  );
  await stage(
    options,
    2,
    'clean them as Firehose invokes the record cleaner',
    () => writeRawZone(dir('raw'), records, options.now),
    (r) =>
      `${r.streamed} through the stream (${r.refused} refused, kept with their bytes in stream-errors/), ${r.uploaded} uploaded as CSV`,
  );

  const etl = await stage(
    options,
    3,
    'curate and build features on local Spark',
    async () => {
      const counts = await runLocalEtl(
        options,
        { raw: dir('raw'), curated: dir('curated'), features: dir('features') },
        `local-${options.seed}`,
      );
      // The data report, from the profile the features stage computed on Spark beside the splits.
      return { counts, dataReport: await writeDataReport(dir('features'), dir('data'), options.seed) };
    },
    ({ counts, dataReport }) =>
      // The drift monitor's baseline: the training split's statistics, beside the splits.
      `${describeEtl(counts)}; baseline statistics in ${shown(options, path.join(dir('features'), 'statistics.json'))}; ` +
      `the data report ${shown(options, dataReport)}`,
  );

  const tuned = await stage(
    options,
    4,
    `train XGBoost 1.7, ${options.trials} tuning trials`,
    async () => {
      const model = await tuneModel(options, {
        features: dir('features'),
        modelDir: dir('model'),
        trials: options.trials,
        seed: options.seed,
      });
      return { ...model, files: await writeTuningReport(dir('tuning'), model.summary, options.seed) };
    },
    (t) =>
      `best validation AUC ${t.validationAuc?.toFixed(4) ?? '?'}; the tuning report ${shown(options, t.files.report)}`,
  );

  await stage(
    options,
    5,
    'batch-score the test split as the transform does',
    () =>
      scoreFiles(options, { model: tuned.model, input: path.join(dir('features'), 'test'), output: dir('transform') }),
    () => `scores in ${shown(options, dir('transform'))}/`,
  );

  const evaluation = await stage(
    options,
    6,
    'evaluate',
    () => evaluateScores(path.join(dir('features'), 'test'), dir('transform'), options.config.business),
    (e) => `AUC ${e.auc.toFixed(4)} on ${e.counts.rows} test rows`,
  );

  const gate = await stage(
    options,
    7,
    'apply the quality gate',
    () =>
      decide(
        {
          runId: `local-seed-${options.seed}`,
          modelPackageArn: LOCAL_PACKAGE,
          auc: evaluation.auc,
          costAtOptimalCutoff: evaluation.costs.atOptimalCutoff,
          costOfDoingNothing: evaluation.costs.doingNothing,
          business: businessSummary(evaluation.business),
          // The first model has no model in service to compare with (the retraining's has).
          champion: null,
        },
        {
          minAuc: options.config.training.minAuc,
          approval: options.config.training.approval,
          championMargin: options.config.retraining.championMargin,
          onCampaign: options.config.business.gateOnCampaign,
        },
      ),
    (d) => `${d.status}: ${d.reason}`,
  );

  const files = await stage(
    options,
    8,
    'write the evaluation report',
    async () => {
      fs.mkdirSync(dir('evaluation'), { recursive: true });
      const written = {
        evaluation: path.join(dir('evaluation'), 'evaluation.json'),
        modelQuality: path.join(dir('evaluation'), 'model-quality.json'),
        report: path.join(dir('evaluation'), 'report.html'),
      };
      fs.writeFileSync(written.evaluation, `${JSON.stringify(evaluation, null, 2)}\n`);
      fs.writeFileSync(written.modelQuality, `${JSON.stringify(modelQualityStatistics(evaluation), null, 2)}\n`);
      fs.writeFileSync(
        written.report,
        await renderReport(evaluation, { title: `Churn model evaluation: local run, seed ${options.seed}` }),
      );
      fs.writeFileSync(path.join(dir('evaluation'), 'gate.json'), `${JSON.stringify(gate, null, 2)}\n`);
      return written;
    },
    (w) => shown(options, w.report),
  );

  const drift = await stage(
    options,
    9,
    `check two windows of new customers for drift, one of them drifted as the ${options.scenario} scenario says`,
    () => checkDrift(options, path.join(dir('features'), 'baseline'), dir('monitoring'), tuned.model),
    (d) =>
      `without drift: ${describeWindow(d.steady)}; with drift (${d.scenario}): ` +
      `${describeWindow(d.drifted)}; ${shown(options, d.drifted.files.html)}`,
  );

  // The deployed cutoff is the campaign's, the evaluation's budget-constrained one: the pipeline
  // records it on the package (lib/contracts/cutoff.ts).
  const cutoff: Cutoff = {
    value: evaluation.business.cutoff,
    source: `the evaluation's budget-constrained cutoff (${shown(options, files.evaluation)})`,
    fallback: false,
  };
  const quality = await stage(
    options,
    10,
    "join the same windows' outcomes to their scores and measure live quality",
    () => {
      const check = (name: 'steady' | 'drifted') =>
        checkWindowQuality({
          name,
          scenario: name === 'steady' ? 'none' : options.scenario,
          predictions: drift[name].predictions,
          outcomes: windowOutcomes(drift[name].customers),
          cutoff,
          modelPackageArn: LOCAL_PACKAGE,
          config: options.config,
          dir: path.join(dir('monitoring'), 'quality'),
        });
      return { steady: check('steady'), drifted: check('drifted') };
    },
    (q) =>
      `without drift: ${describeQuality(q.steady.report)}; with drift (${options.scenario}): ${describeQuality(q.drifted.report)}; ` +
      `${shown(options, q.drifted.file)}`,
  );

  const retrainOptions = localRetrainOptions(options, tuned.model);

  const retrained = await stage(
    options,
    11,
    `retrain: new labelled customers (${options.scenario}) through the same cleaning, local Spark ETL and tuning`,
    () => retrainChallenger(retrainOptions),
    describeRetrained,
  );
  const retraining = await stage(
    options,
    12,
    'champion against challenger on the new test split, and the quality gate decides',
    () => championAgainstChallenger(retrainOptions, retrained),
    (r) => `${describeDecision(r)}; ${shown(options, r.files.gate)}`,
  );

  return {
    evaluation,
    gate,
    quality: { steady: quality.steady.report, drifted: quality.drifted.report },
    retraining,
    files: {
      ...files,
      dataReport: etl.dataReport,
      tuningReport: tuned.files.report,
      drift: { steady: drift.steady.files.html, drifted: drift.drifted.files.html },
      quality: { steady: quality.steady.file, drifted: quality.drifted.file },
      retrainingGate: retraining.files.gate,
    },
  };
}

/**
 * The retraining of a run: under `retraining/`, new customers of the run's scenario (seed + 2:
 * other customers than the drift windows', seed + 1), as many records as the first training had,
 * tuned as the first model was, against `championModel` (the first run's model, version 1).
 */
export function localRetrainOptions(options: LocalRunOptions, championModel: string): RetrainOptions {
  return {
    root: options.root,
    python: options.python,
    out: path.join(options.out, 'retraining'),
    scenario: options.scenario,
    seed: options.seed + 2,
    customers: options.customers,
    trials: options.trials,
    tuningSeed: options.seed,
    now: options.now,
    champion: { model: championModel, modelPackageArn: LOCAL_PACKAGE },
    challengerPackageArn: localPackage(2),
    config: options.config,
  };
}

/** A window's live quality for the progress line: its verdict and AUC. */
function describeQuality(report: LocalQualityReport): string {
  const { quality } = report;
  return `${quality.verdict}, live AUC ${quality.auc === null ? 'undefined' : quality.auc.toFixed(4)} on ${quality.counts.matched} outcomes`;
}

/**
 * One window of the drift stage: which customers it holds, its comparison, the report's files, the
 * model's score of each customer, and their mean.
 */
interface DriftWindow {
  readonly customers: {
    readonly seed: number;
    readonly count: number;
    readonly start: Date;
    readonly drift?: DriftOptions;
  };
  readonly predictions: readonly Prediction[];
  readonly result: DriftFilesResult;
  readonly files: { readonly json: string; readonly html: string };
  readonly meanScore: number;
}

/** A window's verdict, the features that act, and the model's mean score, for the progress line. */
function describeWindow(window: DriftWindow): string {
  const acting = [...new Set(window.result.report.json.features.filter((f) => f.verdict === 'act').map((f) => f.name))];
  return (
    `${window.result.report.json.verdict}${acting.length === 0 ? '' : ` (${acting.join(', ')} act)`}, ` +
    `mean churn score ${window.meanScore.toFixed(3)}`
  );
}

/**
 * Stage 9: what the drift monitor does in AWS, on this machine. Two windows of customers that
 * arrive after training (the next seed), one as they were and one drifted as the run's scenario
 * says (`lib/schema/drift-scenarios.ts`), are encoded as the endpoint receives them, scored by the
 * trained model, written as CSV in the features' layout, and each compared with the training
 * baseline (the features job's `baseline/`) by the drift function's code. Everything lands under
 * `monitoring/drift/`, so that a learner can run `npm run drift` on the same files. The windows'
 * customers and scores are returned for the quality stage, which joins their outcomes to them.
 */
async function checkDrift(options: LocalRunOptions, baselineDir: string, monitoringDir: string, model: string) {
  const out = path.join(monitoringDir, 'drift');
  const requestsDir = path.join(out, 'requests');
  fs.mkdirSync(requestsDir, { recursive: true });
  // The features job writes one headed CSV file under baseline/ (Spark names it part-…).
  const [baselinePart, ...others] = dataFiles(baselineDir);
  if (baselinePart === undefined || others.length > 0) {
    throw new StageError(`expected one baseline CSV file in ${baselineDir}; found ${[baselinePart, ...others].length}`);
  }
  const baseline = path.join(out, 'baseline.csv');
  fs.copyFileSync(path.join(baselineDir, baselinePart), baseline);

  const start = options.now;
  // Fully drifted from the window's first customer on.
  const drift = driftScenario(options.scenario, new Date(start.getTime() - 3_600_000));
  const windows = {
    steady: { seed: options.seed + 1, count: DRIFT_WINDOW_CUSTOMERS, start },
    drifted: { seed: options.seed + 1, count: DRIFT_WINDOW_CUSTOMERS, start, drift },
  } as const;
  const customerIds: Record<string, readonly string[]> = {};
  for (const [name, customers] of Object.entries(windows)) {
    const { customerIds: ids, lines } = customerWindow(customers);
    customerIds[name] = ids;
    // The bodies of the requests, as the endpoint receives them (no header), and the same rows as
    // the drift command reads them (headed).
    fs.writeFileSync(path.join(requestsDir, `${name}.csv`), lines.map((line) => `${line}\n`).join(''));
    fs.mkdirSync(path.join(out, name), { recursive: true });
    fs.writeFileSync(path.join(out, name, 'current.csv'), featuresCsv(lines));
  }
  const scoresDir = path.join(out, 'scores');
  // The requests have no label: every column goes to the model, as the endpoint's do.
  await scoreFiles(options, { model, input: requestsDir, output: scoresDir, inputFilter: '$[0:]' });

  const thresholds = driftThresholdsFromSettings(options.config.monitoring);
  const compared = (name: keyof typeof windows): DriftWindow => {
    const result = compareDriftFiles({
      baseline,
      current: path.join(out, name, 'current.csv'),
      thresholds,
      generatedAt: options.now,
      model: `local model, seed ${options.seed}`,
    });
    const scores = fs
      .readFileSync(path.join(scoresDir, `${name}.csv.out`), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
    const ids = customerIds[name] ?? [];
    if (scores.length !== ids.length) {
      throw new StageError(`the ${name} window has ${ids.length} customers but ${scores.length} scores`);
    }
    return {
      customers: windows[name],
      predictions: ids.map((customerId, i) => ({ customerId, probability: scores[i] ?? NaN })),
      result,
      files: writeDriftReport(path.join(out, name), result.report),
      meanScore: scores.reduce((sum, s) => sum + s, 0) / Math.max(1, scores.length),
    };
  };
  return {
    steady: compared('steady'),
    drifted: compared('drifted'),
    scenario: DRIFT_SCENARIOS[options.scenario].description,
  };
}

/** Writes `tuning.json` and the tuning report, `report.html`, into `dir` (made if missing). */
async function writeTuningReport(
  dir: string,
  summary: TuningSummary,
  seed: number,
): Promise<{ readonly json: string; readonly report: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const written = { json: path.join(dir, 'tuning.json'), report: path.join(dir, 'report.html') };
  fs.writeFileSync(written.json, `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(
    written.report,
    await renderTuningReport(summary, { title: `Churn model tuning: local run, seed ${seed}` }),
  );
  return written;
}

/** Renders the features stage's `profile.json` (in `features`) as `report.html` in `dir` (made if missing); returns its path. */
async function writeDataReport(features: string, dir: string, seed: number): Promise<string> {
  const profile = JSON.parse(fs.readFileSync(path.join(features, PROFILE_FILE), 'utf8')) as DataProfile;
  fs.mkdirSync(dir, { recursive: true });
  const report = path.join(dir, 'report.html');
  fs.writeFileSync(report, await renderDataReport(profile, { title: `Churn data: local run, seed ${seed}` }));
  return report;
}
