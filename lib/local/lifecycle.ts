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
 *
 * The report (stage 8) is the evaluation's `report.html`. The Python stages run in the project's
 * `.venv/` (`npm run python`); their JSON output is read back, never parsed from logs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate, type Evaluation } from '../../lambda/evaluate/metrics';
import { modelQualityStatistics } from '../../lambda/evaluate/model-quality';
import { renderReport } from '../../lambda/evaluate/report';
import { decide, type GateDecision } from '../../lambda/quality-gate/gate';
import type { StageConfig } from '../config';
import { DEFAULT_DIRT } from '../schema/dirt';
import { TRANSFORM_INPUT } from '../training/transform-states';
import { HYPERPARAMETER_RANGES, STATIC_HYPERPARAMETERS } from '../training/tuning-state';
import { generateRecords, writeRawZone } from './raw-zone';

/** The split of the curated customers, as the features job gets it by default. */
const SPLIT = { train: 0.7, validation: 0.15 } as const;
/**
 * Stands in for the ARN of the package the pipeline would register: the gate checks its shape,
 * and a local run registers nothing.
 */
const LOCAL_PACKAGE = ['arn', 'aws', 'sagemaker', 'eu-west-1', '000000000000', 'model-package/local-churn/1'].join(':');

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
  readonly config: Pick<StageConfig, 'stage' | 'training' | 'retraining'>;
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
  readonly files: { readonly evaluation: string; readonly report: string; readonly modelQuality: string };
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
  options.log(`[${number}/8] ${name} …`);
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  options.log(`[${number}/8] ${name}: ${done(result)} (${seconds.toFixed(1)} s)`);
  return result;
}

/** Runs the lifecycle; throws {@link StageError} when a Python stage fails. */
export async function runLocalLifecycle(options: LocalRunOptions): Promise<LocalRunResult> {
  const dir = (name: string) => path.join(options.out, name);
  for (const name of ['raw', 'curated', 'features', 'model', 'transform', 'evaluation']) {
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
          .join(', ')}`
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

  return { evaluation, gate, files };
}
