/**
 * Test data for the Python tests of the features job (glue/tests/test_features_*.py), from the
 * project's one generator and the DuckDB harness: prints one JSON object with
 * - `customers`: the curated customers of generated records (default dirt; half through the
 *   stream path's cleaner, half as a batch CSV upload), curated by the curate SQL in DuckDB
 *   (`curateGenerated`), as rows of JSON values (timestamps as ISO 8601 text);
 * - `schema`: their columns as a Spark DDL string (`customer_id STRING, event_time TIMESTAMP, ...`);
 * - `feature_manifest`: the features contract (`featureManifest()`), which the job's manifest must
 *   agree with;
 * - `baseline_statistics`: the statistics document of the training split that features.sql gives
 *   those customers in DuckDB with the fractions `baseline_fractions` (0.7 and 0.15), computed by
 *   the TypeScript reference (`describeBaseline`, lambda/drift/describe.ts), which the features
 *   job's statistics.json (Spark SQL, assembled in Python) must equal.
 *
 * Usage: `npx tsx test/support/features-fixture.ts --seed N --count N`
 */
import { FEATURE_COLUMNS, featureManifest, LABEL_COLUMN } from '../../lib/contracts/feature-manifest';
import { describeBaseline } from '../../lambda/drift/describe';
import { parseOptionArgs, UsageError } from '../../lib/shared/cli/args';
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import { curateGenerated, Db, runFeatures } from './duckdb-etl';

/** The split the baseline statistics are computed for (the Python tests' fractions). */
const BASELINE_FRACTIONS = { train: 0.7, validation: 0.15 } as const;

/** DuckDB's type names of the curated columns, as Spark spells them. */
const SPARK_TYPES: Readonly<Record<string, string>> = {
  VARCHAR: 'STRING',
  INTEGER: 'INT',
  DOUBLE: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
};

function positiveInteger(name: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a positive integer; received ${text ?? 'nothing'}`);
  }
  return value;
}

async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptionArgs(argv, ['seed', 'count']);
  const seed = positiveInteger('seed', options.text('seed'));
  const count = positiveInteger('count', options.text('count'));
  const db = await Db.open();
  try {
    await curateGenerated(db, { seed, count, dirt: DEFAULT_DIRT });
    const columns = await db.rows('DESCRIBE customers');
    const schema = columns.map((c) => {
      const type = SPARK_TYPES[String(c.column_type)];
      if (type === undefined) {
        throw new Error(`curated column ${String(c.column_name)} has DuckDB type ${String(c.column_type)}, unmapped`);
      }
      return `${String(c.column_name)} ${type}`;
    });
    const customers = await db.rows('SELECT * FROM customers ORDER BY customer_id');
    await runFeatures(db, BASELINE_FRACTIONS);
    const training = await db.rows(
      `SELECT * EXCLUDE (${LABEL_COLUMN}, split) FROM features WHERE split = 'train' ORDER BY ALL`,
    );
    const fields = training.map((row) =>
      FEATURE_COLUMNS.map((c) => (typeof row[c] === 'number' ? String(row[c]) : '')),
    );
    process.stdout.write(
      `${JSON.stringify({
        customers,
        schema: schema.join(', '),
        feature_manifest: featureManifest(),
        baseline_fractions: BASELINE_FRACTIONS,
        baseline_statistics: describeBaseline(FEATURE_COLUMNS, fields, featureManifest().columns),
      })}\n`,
    );
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
