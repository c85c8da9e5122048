/**
 * The engines of the local run, each called the way the lifecycle's stages call it: the Glue jobs'
 * cores on local Spark (`glue/local_etl.py`), XGBoost 1.7 tuned and scored as SageMaker's tuning
 * job and batch transform do (`lib/training/local/xgboost_local.py`), and the evaluate function's
 * own evaluation of the scores. The first training run and the retraining run call the same
 * functions, so a challenger is made and judged exactly as the champion was.
 *
 * The Python stages run in the project's `.venv/` (`npm run python`); their JSON output is read
 * back, never parsed from logs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate, type Evaluation } from '../../lambda/evaluate/metrics';
import { type BusinessCaseValues, businessCaseValues } from '../contracts/business-case';
import { TRANSFORM_INPUT } from '../training/transform-states';
import type { TuningSummary } from '../../lambda/evaluate/tuning-report';
import { HYPERPARAMETER_RANGES, STATIC_HYPERPARAMETERS, TUNING_OBJECTIVE } from '../training/tuning-state';

/** A Python stage that failed: its command and what it said. */
export class StageError extends Error {
  override readonly name = 'StageError';
}

/** Where the Python stages run. */
export interface PythonEnv {
  /** The project root (holds glue/ and lib/). */
  readonly root: string;
  /** The project environment's interpreter (`.venv/bin/python`). */
  readonly python: string;
}

/** The split of the curated customers, as the features job gets it by default. */
export const SPLIT = { train: 0.7, validation: 0.15 } as const;

/**
 * Runs `python script args` in the project root, and returns its stdout's JSON lines.
 * @throws StageError with the command and the tail of its stderr when it fails or cannot start
 */
export function runPython(env: PythonEnv, script: string, args: readonly string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(env.python, [path.join(env.root, script), ...args], {
      cwd: env.root,
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
    child.on('error', (error) => reject(new StageError(`could not start ${env.python}: ${error.message}`)));
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

/** The files of a directory, sorted, without hidden ones and Spark's markers. */
export function dataFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => !name.startsWith('.') && !name.startsWith('_'))
    .sort();
}

/** What glue/local_etl.py reports of one of its two stages (one JSON line each). */
export interface EtlLine {
  readonly read?: number;
  readonly rejected?: number;
  readonly written?: number;
  readonly rows?: Readonly<Record<string, number>>;
}

/** The folders of one ETL run: the raw zone it reads, the curated zone and features it writes. */
export interface EtlFolders {
  readonly raw: string;
  readonly curated: string;
  readonly features: string;
}

/** The curate and features jobs' cores on local Spark, over `folders`; their counts. */
export async function runLocalEtl(
  env: PythonEnv,
  folders: EtlFolders,
  runId: string,
): Promise<{ readonly curate?: EtlLine; readonly features?: EtlLine }> {
  const lines = await runPython(env, 'glue/local_etl.py', [
    '--raw',
    folders.raw,
    '--curated',
    folders.curated,
    '--features',
    folders.features,
    '--run-id',
    runId,
    '--train-fraction',
    String(SPLIT.train),
    '--validation-fraction',
    String(SPLIT.validation),
  ]);
  const [curate, features] = lines as [EtlLine?, EtlLine?];
  return { ...(curate === undefined ? {} : { curate }), ...(features === undefined ? {} : { features }) };
}

/** The ETL's counts, for a progress line. */
export function describeEtl(etl: { readonly curate?: EtlLine; readonly features?: EtlLine }): string {
  const { curate, features } = etl;
  return (
    `${curate?.read ?? '?'} records read, ${curate?.rejected ?? '?'} quarantined, ${curate?.written ?? '?'} customers curated; ` +
    `splits ${Object.entries(features?.rows ?? {})
      .map(([split, rows]) => `${split} ${rows}`)
      .join(', ')}`
  );
}

/** What a tuning run made: the best model's file and its validation AUC, and what the tuning report draws. */
export interface TunedModel {
  readonly model: string;
  /** `undefined` when the trainer did not report it. */
  readonly validationAuc: number | undefined;
  readonly summary: TuningSummary;
}

/** One trial as `xgboost_local.py tune` prints it. */
interface LocalTrial {
  readonly trial: number;
  readonly hyperparameters: Record<string, unknown>;
  readonly bestIteration: number;
  readonly validationAuc: number | null;
  readonly history: { readonly train: { readonly auc: number[] }; readonly validation: { readonly auc: number[] } };
}

/** A trial's name in the report: `trial 1` for the first. */
function trialName(trial: LocalTrial): string {
  return `trial ${trial.trial + 1}`;
}

/**
 * The tuning report's summary of a local search, as `xgboost_local.py tune` printed it: the tuned
 * hyper-parameters of `HYPERPARAMETER_RANGES` with their ranges, each trial's values and
 * validation AUC, and the best trial's AUC by round on both channels.
 */
export function tuningSummaryOf(output: {
  readonly best: LocalTrial;
  readonly trials: readonly LocalTrial[];
}): TuningSummary {
  const ranges = [...HYPERPARAMETER_RANGES.continuous, ...HYPERPARAMETER_RANGES.integer].map((r) => ({
    name: r.Name,
    low: Number(r.MinValue),
    high: Number(r.MaxValue),
    scale: r.ScalingType === 'Logarithmic' ? ('log' as const) : ('linear' as const),
  }));
  return {
    formatVersion: 1,
    objective: { metric: TUNING_OBJECTIVE.MetricName, maximize: TUNING_OBJECTIVE.Type === 'Maximize' },
    ranges,
    trials: output.trials.map((t) => ({
      name: trialName(t),
      values: Object.fromEntries(ranges.map((r) => [r.name, Number(t.hyperparameters[r.name])])),
      objective: t.validationAuc,
    })),
    best: {
      name: trialName(output.best),
      metric: STATIC_HYPERPARAMETERS.eval_metric,
      history: { train: output.best.history.train.auc, validation: output.best.history.validation.auc },
      bestRound: output.best.bestIteration,
      earlyStoppingRounds: Number(STATIC_HYPERPARAMETERS.early_stopping_rounds),
    },
  };
}

/**
 * The pipeline's tuning on this machine: the static hyper-parameters and the ranges the SageMaker
 * tuning job searches, `trials` trials drawn with `seed`, trained on `features/train` and judged on
 * `features/validation`; the best model is written under `modelDir`.
 */
export async function tuneModel(
  env: PythonEnv,
  options: { readonly features: string; readonly modelDir: string; readonly trials: number; readonly seed: number },
): Promise<TunedModel> {
  const lines = await runPython(env, 'lib/training/local/xgboost_local.py', [
    'tune',
    '--train',
    path.join(options.features, 'train'),
    '--validation',
    path.join(options.features, 'validation'),
    '--model-dir',
    options.modelDir,
    '--static',
    JSON.stringify(STATIC_HYPERPARAMETERS),
    '--ranges',
    JSON.stringify(HYPERPARAMETER_RANGES),
    '--trials',
    String(options.trials),
    '--seed',
    String(options.seed),
  ]);
  const first = lines[0] as { model?: unknown; best?: LocalTrial; trials?: LocalTrial[] } | undefined;
  if (typeof first?.model !== 'string' || first.best === undefined || first.trials === undefined) {
    throw new StageError(`xgboost_local.py tune reported no model file or trials: ${JSON.stringify(first)}`);
  }
  return {
    model: first.model,
    validationAuc: first.best.validationAuc ?? undefined,
    summary: tuningSummaryOf({ best: first.best, trials: first.trials }),
  };
}

/**
 * Scores every file of `input` with `model` as the batch transform does (one `<file>.out` per
 * file under `output`, one probability a line). The default filter drops the label, as the
 * pipeline's transform of the test split does; requests without a label take `$[0:]`.
 */
export async function scoreFiles(
  env: PythonEnv,
  options: { readonly model: string; readonly input: string; readonly output: string; readonly inputFilter?: string },
): Promise<void> {
  await runPython(env, 'lib/training/local/xgboost_local.py', [
    'score',
    '--model',
    options.model,
    '--input',
    options.input,
    '--output',
    options.output,
    '--input-filter',
    options.inputFilter ?? TRANSFORM_INPUT.inputFilter,
    '--max-payload-mb',
    String(TRANSFORM_INPUT.maxPayloadMb),
  ]);
}

/**
 * The evaluate function's evaluation of a test split (`testDir`, as the features job writes it)
 * and the transform's scores of it (`transformDir`, `<file>.out` each), under the stage's business case.
 */
export function evaluateScores(testDir: string, transformDir: string, business: BusinessCaseValues): Evaluation {
  const tests = dataFiles(testDir);
  const testCsv = tests.map((name) => fs.readFileSync(path.join(testDir, name), 'utf8')).join('');
  const scores = tests.map((name) => fs.readFileSync(path.join(transformDir, `${name}.out`), 'utf8')).join('');
  return evaluate(testCsv, scores, businessCaseValues(business));
}
