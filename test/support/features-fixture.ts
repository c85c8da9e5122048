/**
 * Test data for the Python tests of the features job (glue/tests/test_features_*.py), from the
 * project's one generator and the DuckDB harness: prints one JSON object with
 * - `customers`: the curated customers of generated records (default dirt; half through the
 *   stream path's cleaner, half as a batch CSV upload), curated by the curate SQL in DuckDB
 *   (`curateGenerated`), as rows of JSON values (timestamps as ISO 8601 text);
 * - `schema`: their columns as a Spark DDL string (`customer_id STRING, event_time TIMESTAMP, ...`);
 * - `feature_manifest`: the features contract (`featureManifest()`), which the job's manifest must
 *   agree with.
 *
 * Usage: `npx tsx test/support/features-fixture.ts --seed N --count N`
 */
import { featureManifest } from '../../lib/contracts/feature-manifest';
import { parseOptionArgs, UsageError } from '../../lib/shared/cli/args';
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import { curateGenerated, Db } from './duckdb-etl';

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
    process.stdout.write(
      `${JSON.stringify({ customers, schema: schema.join(', '), feature_manifest: featureManifest() })}\n`,
    );
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
