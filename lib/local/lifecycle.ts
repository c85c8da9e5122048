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
 * | 9. check new customers for drift | captured requests, the drift function | two windows of new customers (one drifted) scored by the model and compared with the training baseline by the function's own code (`drift.ts`) |
 *
 * The report (stage 8) is the evaluation's `report.html`; the drift reports (stage 9) are under
 * `monitoring/drift/`. The Python stages run in the project's
 * `.venv/` (`npm run python`); their JSON output is read back, never parsed from logs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate, type Evaluation } from '../../lambda/evaluate/metrics';
import { modelQualityStatistics } from '../../lambda/evaluate/model-quality';
import { renderReport } from '../../lambda/evaluate/report';
import { decide, type GateDecision } from '../../lambda/quality-gate/gate';
import { driftThresholdsFromSettings } from '../../lambda/drift/thresholds';
import type { StageConfig } from '../config';
import { DEFAULT_DIRT } from '../schema/dirt';
import { TRANSFORM_INPUT } from '../training/transform-states';
import { HYPERPARAMETER_RANGES, STATIC_HYPERPARAMETERS } from '../training/tuning-state';
import {
  compareDriftFiles,
  customerWindowLines,
  type DriftFilesResult,
  featuresCsv,
  localDrift,
  writeDriftReport,
} from './drift';
import { generateRecords, writeRawZone } from './raw-zone';

/** The split of the curated customers, as the features job gets it by default. */
const SPLIT = { train: 0.7, validation: 0.15 } as const;
/**
 * Stands in for the ARN of the package the pipeline would register: the gate checks its shape,
 * and a local run registers nothing.
 */
const LOCAL_PACKAGE = ['arn', 'aws', 'sagemaker', 'eu-west-1', '000000000000', 'model-package/local-churn/1'].join(':');

/** The stages of a run, for the progress lines. */
const STAGE_COUNT = 9;
/** New customers in each window of the drift stage: ten times the drift check's minimum, so noise stays far below "watch". */
const DRIFT_WINDOW_CUSTOMERS = 2000;

/** What a local run is asked to do. */
export interface LocalRunOptions {
  /** The project root (holds glue/ and lib/). */
  readonly root: string;
  /** The output folder; made if missing, and its previous run's stage folders replaced. */
  readonly out: string;
  /** Records to generate (duplicates and broken records included). */
  readonly customers: number;
  readonly seed: number;
  /** Tuning trials (1 to 20). */
  readonly trials: number;
  /** The project environment's interpreter (`.venv/bin/python`). */
  readonly python: string;
  /** The stage whose costs, quality gate and champion margin apply. */
  readonly config: Pick<StageConfig, 'stage' | 'training' | 'monitoring' | 'retraining'>;
  /** When the records are ingested (the cleaner's ingest time). */
  readonly now: Date;
  /** Progress, one line at a time. */
  readonly log: (line: string) => void;
}

/** What a local run produced. */
export interface LocalRunResult {
  readonly evaluation: Evaluation;
  readonly gate: GateDecision;
  /** The files a learner looks at. */
  readonly files: {
    readonly evaluation: string;
    readonly report: string;
    readonly modelQuality: string;
    /** The drift reports (HTML) of the window without drift and of the drifted one. */
    readonly drift: { readonly steady: string; readonly drifted: string };
  };
}

/** A Python stage that failed: its command and what it said. */
export class StageError extends Error {
  override readonly name = 'StageError';
}

/**
 * Runs `.venv/bin/python script args`, showing its stderr lines as progress, and returns its
 * stdout's JSON lines.
 */
function runPython(options: LocalRunOptions, script: string, args: readonly string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.python, [path.join(options.root, script), ...args], {
      cwd: options.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => reject(new StageError(`could not start ${options.python}: ${error.message}`)));
    child.on('close', (code) => {
      if (code !== 0) {
        const tail = stderr.trim().split('\n').slice(-20).join('\n');
        reject(new StageError(`${script} ${args[0] ?? ''} failed (exit ${String(code)}):\n${tail}`));
        return;
      }
      const lines = stdout.split('\n').filter((line) => line.trim().startsWith('{'));
      resolve(lines.map((line) => JSON.parse(line) as unknown));
    });
  });
}

/** What glue/local_etl.py reports of its two stages (one JSON line each). */
interface EtlLine {
  readonly read?: number;
  readonly rejected?: number;
  readonly written?: number;
  readonly rows?: Readonly<Record<string, number>>;
}

/** A path as shown: relative to the project root when inside it. */
function shown(options: LocalRunOptions, file: string): string {
  const relative = path.relative(options.root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** The files of a directory, sorted, without hidden ones and Spark's markers. */
function dataFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => !name.startsWith('.') && !name.startsWith('_'))
    .sort();
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
  for (const name of ['raw', 'curated', 'features', 'model', 'transform', 'evaluation', 'monitoring']) {
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

  await stage(
    options,
    3,
    'curate and build features on local Spark',
    () =>
      runPython(options, 'glue/local_etl.py', [
        '--raw',
        dir('raw'),
        '--curated',
        dir('curated'),
        '--features',
        dir('features'),
        '--run-id',
        `local-${options.seed}`,
        '--train-fraction',
        String(SPLIT.train),
        '--validation-fraction',
        String(SPLIT.validation),
      ]),
    (lines) => {
      const [curate, features] = lines as [EtlLine?, EtlLine?];
      return (
        `${curate?.read ?? '?'} records read, ${curate?.rejected ?? '?'} quarantined, ${curate?.written ?? '?'} customers curated; ` +
        `splits ${Object.entries(features?.rows ?? {})
          .map(([split, rows]) => `${split} ${rows}`)
          .join(', ')}; ` +
        // The drift monitor's baseline: the training split's statistics, beside the splits.
        `baseline statistics in ${shown(options, path.join(dir('features'), 'statistics.json'))}`
      );
    },
  );

  const tuning = (await stage(
    options,
    4,
    `train XGBoost 1.7, ${options.trials} tuning trials`,
    () =>
      runPython(options, 'lib/training/local/xgboost_local.py', [
        'tune',
        '--train',
        path.join(dir('features'), 'train'),
        '--validation',
        path.join(dir('features'), 'validation'),
        '--model-dir',
        dir('model'),
        '--static',
        JSON.stringify(STATIC_HYPERPARAMETERS),
        '--ranges',
        JSON.stringify(HYPERPARAMETER_RANGES),
        '--trials',
        String(options.trials),
        '--seed',
        String(options.seed),
      ]),
    (lines) => {
      const best = (lines[0] as { best?: { validationAuc?: number } } | undefined)?.best;
      return `best validation AUC ${best?.validationAuc?.toFixed(4) ?? '?'}`;
    },
  )) as [{ model: string }];

  await stage(
    options,
    5,
    'batch-score the test split as the transform does',
    () =>
      runPython(options, 'lib/training/local/xgboost_local.py', [
        'score',
        '--model',
        tuning[0].model,
        '--input',
        path.join(dir('features'), 'test'),
        '--output',
        dir('transform'),
        '--input-filter',
        TRANSFORM_INPUT.inputFilter,
        '--max-payload-mb',
        String(TRANSFORM_INPUT.maxPayloadMb),
      ]),
    () => `scores in ${shown(options, dir('transform'))}/`,
  );

  const training = options.config.training;
  const evaluation = await stage(
    options,
    6,
    'evaluate',
    () => {
      const testDir = path.join(dir('features'), 'test');
      const tests = dataFiles(testDir);
      const testCsv = tests.map((name) => fs.readFileSync(path.join(testDir, name), 'utf8')).join('');
      const scores = tests.map((name) => fs.readFileSync(path.join(dir('transform'), `${name}.out`), 'utf8')).join('');
      return evaluate(testCsv, scores, {
        missedChurner: training.missedChurnerCost,
        incentive: training.incentiveCost,
        retention: training.incentiveRetention,
      });
    },
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
          // A local run has no model in service to compare with.
          champion: null,
        },
        {
          minAuc: training.minAuc,
          approval: training.approval,
          championMargin: options.config.retraining.championMargin,
        },
      ),
    (d) => `${d.status}: ${d.reason}`,
  );

  const files = await stage(
    options,
    8,
    'write the evaluation report',
    () => {
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
        renderReport(evaluation, { title: `Churn model evaluation: local run, seed ${options.seed}` }),
      );
      fs.writeFileSync(path.join(dir('evaluation'), 'gate.json'), `${JSON.stringify(gate, null, 2)}\n`);
      return written;
    },
    (w) => shown(options, w.report),
  );

  const drift = await stage(
    options,
    9,
    'check two windows of new customers for drift, one of them drifted',
    () => checkDrift(options, path.join(dir('features'), 'baseline'), dir('monitoring'), tuning[0].model),
    (d) =>
      `without drift: ${describeWindow(d.steady)}; with drift in ${Object.keys(d.driftedFeatures ?? {}).join(', ')}: ` +
      `${describeWindow(d.drifted)}; ${shown(options, d.drifted.files.html)}`,
  );

  return {
    evaluation,
    gate,
    files: { ...files, drift: { steady: drift.steady.files.html, drifted: drift.drifted.files.html } },
  };
}

/** One window of the drift stage: its comparison, the report's files, and the model's mean score. */
interface DriftWindow {
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
 * arrive after training (the next seed), one as they were and one with drift in chosen features
 * (`localDrift`), are encoded as the endpoint receives them, scored by the trained model, written
 * as CSV in the features' layout, and each compared with the training baseline (the features job's
 * `baseline/`) by the drift function's code. Everything lands under `monitoring/drift/`, so that a
 * learner can run `npm run drift` on the same files.
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
  const drift = localDrift(start);
  const windows = { steady: undefined, drifted: drift } as const;
  for (const [name, windowDrift] of Object.entries(windows)) {
    const lines = customerWindowLines({
      seed: options.seed + 1,
      count: DRIFT_WINDOW_CUSTOMERS,
      start,
      ...(windowDrift === undefined ? {} : { drift: windowDrift }),
    });
    // The bodies of the requests, as the endpoint receives them (no header), and the same rows as
    // the drift command reads them (headed).
    fs.writeFileSync(path.join(requestsDir, `${name}.csv`), lines.map((line) => `${line}\n`).join(''));
    fs.mkdirSync(path.join(out, name), { recursive: true });
    fs.writeFileSync(path.join(out, name, 'current.csv'), featuresCsv(lines));
  }
  const scoresDir = path.join(out, 'scores');
  await runPython(options, 'lib/training/local/xgboost_local.py', [
    'score',
    '--model',
    model,
    '--input',
    requestsDir,
    '--output',
    scoresDir,
    // The requests have no label: every column goes to the model, as the endpoint's do.
    '--input-filter',
    '$[0:]',
  ]);

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
    return {
      result,
      files: writeDriftReport(path.join(out, name), result.report),
      meanScore: scores.reduce((sum, s) => sum + s, 0) / Math.max(1, scores.length),
    };
  };
  return { steady: compared('steady'), drifted: compared('drifted'), driftedFeatures: drift.features };
}
