/**
 * How much signal the synthetic churn data carries, for the README: the churn rate, the AUC of the
 * true churn probability (the ceiling) and that of a logistic regression trained on the first 75%
 * of the customers and scored on the rest.
 *
 *   npx tsx bin/measure-auc.ts [--count N] [--seed S]      (defaults: --count 50000 --seed 42)
 */
import { parseArgs } from 'node:util';
import { measureChurnSignal } from '../lib/shared/churn-signal';
import { generateCustomers } from '../lib/schema/generator';

const TRAIN_SHARE = 0.75;

/** `--name` as an integer (of at least `min` when given), or `fallback` when it is not given. */
function integerOption(name: string, value: string | undefined, fallback: number, min?: number): number {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < (min ?? -Infinity)) {
    const wanted = min === undefined ? 'a safe integer' : `an integer of at least ${min}`;
    throw new RangeError(`--${name} must be ${wanted}; received "${value}"`);
  }
  return n;
}

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: [...argv],
    options: { count: { type: 'string' }, seed: { type: 'string' } },
    strict: true,
  });
  const count = integerOption('count', values.count, 50_000, 100);
  const seed = integerOption('seed', values.seed, 42);
  const trainCount = Math.round(count * TRAIN_SHARE);

  const signal = measureChurnSignal(generateCustomers({ seed, count }), trainCount);
  const rows: [string, string][] = [
    ['seed', String(seed)],
    ['customers', `${count} (${trainCount} to train, ${count - trainCount} held out)`],
    ['churn rate', `${(signal.churnRate * 100).toFixed(1)}%`],
    [
      'AUC of the true churn probability (ceiling)',
      `${signal.trueAuc.toFixed(3)} (held out: ${signal.heldOutTrueAuc.toFixed(3)})`,
    ],
    ['AUC of a logistic regression (held out)', signal.modelAuc.toFixed(3)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) {
    console.log(`${label.padEnd(width)}  ${value}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (e) {
  // Bad arguments: one clear line and a non-zero exit, without a stack trace to skip.
  if (
    e instanceof RangeError ||
    (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))
  ) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
