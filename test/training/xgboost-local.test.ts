/**
 * The model the pipeline trains, trained for real: the features splits built by the Glue SQL (in
 * DuckDB) from generated customers, XGBoost 1.7 (the family of SageMaker's built-in 1.7-1) trained
 * on them by `lib/training/local/xgboost_local.py` with the pipeline's static hyper-parameters and
 * the middle of each tuning range, the test split scored as the batch transform sends and answers
 * it, and the project's own evaluation run on that output and checked against scikit-learn.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { classificationMetrics, confusionMatrix, type Cutoff } from '../../lambda/evaluate/confusion';
import { evaluate, type Evaluation } from '../../lambda/evaluate/metrics';
import { parseLabels, parseScores } from '../../lambda/evaluate/parse';
import { rocAuc } from '../../lambda/evaluate/roc';
import { measureChurnSignal, type ChurnSignal } from '../../lib/shared/churn-signal';
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import { generateCustomers } from '../../lib/schema/generator';
import { HYPERPARAMETER_RANGES, STATIC_HYPERPARAMETERS } from '../../lib/training/tuning-state';
import { curateGenerated, Db, javaDoubleString, runFeatures } from '../support/duckdb-etl';
import { caseWithCosts } from '../support/scored-sets';

const ROOT = path.join(__dirname, '..', '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const TRAINER = path.join(ROOT, 'lib', 'training', 'local', 'xgboost_local.py');
const SKLEARN = path.join(__dirname, 'sklearn_metrics.py');

// 20,000 wire records (with the default dirt: duplicates, missing values, broken records) make
// about 19,000 customers: a test split of about 2,900 rows, trained in seconds on 2 cores.
const SEED = 42;
const COUNT = 20_000;
// The measure of README's "Synthetic data": 75% of the customers to train the linear baseline.
const TRAIN_SHARE = 0.75;
const COSTS = { missedChurner: 500, incentive: 100, retention: 0.5 } as const;
const SPLITS = ['train', 'validation', 'test'] as const;

type Ranges = typeof HYPERPARAMETER_RANGES;

/**
 * The middle of each tuning range: the geometric middle (sqrt(min * max)) of a logarithmic range,
 * as a logarithmic search is uniform in log space; the arithmetic middle of a linear one, rounded
 * half up for an integer range. As strings, as SageMaker hands them to a training job.
 */
function middleOf(ranges: Ranges): Record<string, string> {
  const middle: Record<string, string> = {};
  for (const range of [...ranges.continuous, ...ranges.integer]) {
    const [low, high] = [Number(range.MinValue), Number(range.MaxValue)];
    const value = range.ScalingType === 'Logarithmic' ? Math.sqrt(low * high) : (low + high) / 2;
    middle[range.Name] = String(ranges.integer.some((r) => r.Name === range.Name) ? Math.round(value) : value);
  }
  return middle;
}

/** Fails, saying what to run, when the project's Python environment is missing (`npm test` makes it). */
function requirePython(): void {
  if (!fs.existsSync(PYTHON)) {
    throw new Error(`${PYTHON} is missing: run \`npm run python\` to create the project's Python environment`);
  }
}

/** Runs `.venv/bin/python` with these arguments and returns its stdout; fails with its stderr. */
function python(args: readonly string[]): string {
  requirePython();
  const result = spawnSync(PYTHON, [...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`python ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Writes the features table's splits as the features job does: one headerless CSV per split, the
 * label first, the split column dropped, a missing value an empty field, doubles as Spark prints
 * them. Spark writes rows in no set order; here they are sorted, so that the run is repeatable
 * (the trainer's row subsampling depends on the order).
 */
async function writeSplits(db: Db, dir: string): Promise<void> {
  const types = new Map(
    (await db.rows('DESCRIBE features')).map((r) => [String(r.column_name), String(r.column_type)]),
  );
  const columns = [...types.keys()].filter((c) => c !== 'split');
  const cell = (column: string, value: unknown): string => {
    if (value === null || value === undefined) {
      return '';
    }
    if (typeof value === 'number') {
      return types.get(column) === 'DOUBLE' ? javaDoubleString(value) : String(value);
    }
    if (typeof value === 'bigint') {
      return value.toString();
    }
    throw new Error(`features column ${column} holds a ${typeof value}; expected a number`);
  };
  for (const split of SPLITS) {
    const rows = await db.rows(`SELECT ${columns.join(', ')} FROM features WHERE split = '${split}'`);
    const lines = rows.map((row) => columns.map((c) => cell(c, row[c])).join(',')).sort();
    fs.mkdirSync(path.join(dir, split), { recursive: true });
    fs.writeFileSync(path.join(dir, split, 'part-00000.csv'), `${lines.join('\n')}\n`);
  }
}

interface TrainingSummary {
  readonly model: string;
  readonly bestIteration: number;
  readonly rounds: number;
  readonly validationAuc: number;
  readonly history: { readonly train: { readonly auc: number[] }; readonly validation: { readonly auc: number[] } };
}

interface SklearnMetrics {
  readonly auc: number;
  readonly atCutoffs: readonly {
    readonly cutoff: number;
    readonly tp: number;
    readonly fp: number;
    readonly tn: number;
    readonly fn: number;
    readonly precision: number | null;
    readonly recall: number | null;
    readonly f1: number | null;
  }[];
}

describe('middleOf', () => {
  it('takes the geometric middle of a logarithmic range and rounds an integer middle', () => {
    const middle = middleOf(HYPERPARAMETER_RANGES);
    expect(Number(middle.eta)).toBeCloseTo(Math.sqrt(0.01 * 0.3), 12);
    expect(middle.subsample).toBe('0.75');
    expect(middle.max_depth).toBe('7');
    expect(middle.num_round).toBe('275');
    expect(Object.keys(middle).sort()).toEqual(
      [...HYPERPARAMETER_RANGES.continuous, ...HYPERPARAMETER_RANGES.integer].map((r) => r.Name).sort(),
    );
  });
});

describe('the churn model on XGBoost 1.7', () => {
  let dir: string;
  let summary: TrainingSummary;
  let testCsv: string;
  let transformOutput: string;
  let evaluation: Evaluation;
  let signal: ChurnSignal;

  beforeAll(async () => {
    requirePython();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xgboost-local-'));
    const db = await Db.open();
    try {
      await curateGenerated(db, { seed: SEED, count: COUNT, dirt: DEFAULT_DIRT });
      await runFeatures(db);
      await writeSplits(db, path.join(dir, 'features'));
    } finally {
      db.close();
    }
    const hyperparameters = { ...STATIC_HYPERPARAMETERS, ...middleOf(HYPERPARAMETER_RANGES) };
    summary = JSON.parse(
      python([
        TRAINER,
        'train',
        '--train',
        path.join(dir, 'features', 'train'),
        '--validation',
        path.join(dir, 'features', 'validation'),
        '--model-dir',
        path.join(dir, 'model'),
        '--hyperparameters',
        JSON.stringify(hyperparameters),
      ]),
    ) as TrainingSummary;
    python([
      TRAINER,
      'score',
      '--model',
      summary.model,
      '--input',
      path.join(dir, 'features', 'test'),
      '--output',
      path.join(dir, 'transform'),
    ]);
    testCsv = fs.readFileSync(path.join(dir, 'features', 'test', 'part-00000.csv'), 'utf8');
    transformOutput = fs.readFileSync(path.join(dir, 'transform', 'part-00000.csv.out'), 'utf8');
    evaluation = evaluate(testCsv, transformOutput, caseWithCosts(COSTS));
    const customers = generateCustomers({ seed: SEED, count: COUNT });
    signal = measureChurnSignal(customers, Math.round(COUNT * TRAIN_SHARE));
  }, 180_000);

  afterAll(() => {
    if (dir !== undefined) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops early on validation AUC and keeps the best round, as the built-in algorithm does', () => {
    const validation = summary.history.validation.auc;
    const best = validation.indexOf(Math.max(...validation));
    expect(summary.bestIteration).toBe(best);
    expect(summary.validationAuc).toBe(validation[best]);
    // Stopped 10 rounds (early_stopping_rounds) after the best, before num_round.
    expect(summary.rounds).toBe(best + 1 + Number(STATIC_HYPERPARAMETERS.early_stopping_rounds));
    expect(summary.rounds).toBeLessThan(Number(middleOf(HYPERPARAMETER_RANGES).num_round));
    expect(summary.history.train.auc).toHaveLength(summary.rounds);
  });

  it('answers one probability per line of the test split, in order, as the evaluation reads them', () => {
    const labels = parseLabels(testCsv);
    const scores = parseScores(transformOutput);
    expect(scores).toHaveLength(labels.length);
    expect(transformOutput.endsWith('\n')).toBe(true);
    expect(scores.every((s) => s > 0 && s < 1)).toBe(true);
    expect(evaluation.counts.rows).toBe(labels.length);
  });

  it('agrees with scikit-learn on the confusion matrix, precision, recall, F1 and AUC to 1e-9', () => {
    const cutoffs: Cutoff[] = [0.5, evaluation.atOptimalCutoff.cutoff];
    const numeric = cutoffs.filter((c): c is number => c !== null);
    const reference = JSON.parse(
      python([
        SKLEARN,
        '--test',
        path.join(dir, 'features', 'test', 'part-00000.csv'),
        '--scores',
        path.join(dir, 'transform', 'part-00000.csv.out'),
        ...numeric.flatMap((c) => ['--cutoff', String(c)]),
      ]),
    ) as SklearnMetrics;
    const labels = parseLabels(testCsv);
    const scores = parseScores(transformOutput);
    expect(Math.abs(rocAuc(labels, scores) - reference.auc)).toBeLessThan(1e-9);
    expect(Math.abs(evaluation.auc - reference.auc)).toBeLessThan(1e-9);
    expect(reference.atCutoffs).toHaveLength(numeric.length);
    for (const expected of reference.atCutoffs) {
      const matrix = confusionMatrix(labels, scores, expected.cutoff);
      expect(matrix).toEqual({ tp: expected.tp, fp: expected.fp, tn: expected.tn, fn: expected.fn });
      const metrics = classificationMetrics(matrix);
      for (const name of ['precision', 'recall', 'f1'] as const) {
        const [ours, theirs] = [metrics[name], expected[name]];
        expect([name, ours === null, theirs === null]).toEqual([name, false, false]);
        expect([name, Math.abs((ours ?? NaN) - (theirs ?? NaN)) < 1e-9]).toEqual([name, true]);
      }
    }
    expect(evaluation.atDefaultCutoff.matrix).toEqual(confusionMatrix(labels, scores, 0.5));
  });

  it('lands between the held-out logistic regression and the ceiling of the true churn probability', () => {
    expect(signal.modelAuc).toBeLessThan(signal.trueAuc);
    expect(evaluation.auc).toBeGreaterThan(signal.modelAuc);
    expect(evaluation.auc).toBeLessThan(signal.trueAuc);
  });
});
