/**
 * Test data for the Python tests of the features job (glue/tests/test_features_core.py), from the
 * project's one generator: prints one JSON object with
 * - `raw_records`: generated records (with the default dirt) as the curate job's `raw_records`
 *   view holds them, half through the stream path's cleaner, half as a batch CSV upload (the rows
 *   the DuckDB harness curates, `curateGenerated`);
 * - `feature_manifest`: the features contract (`featureManifest()`), which the job's manifest
 *   must agree with.
 *
 * Usage: `npx tsx test/support/features-fixture.ts --seed N --count N`
 */
import { featureManifest } from '../../lib/contracts/feature-manifest';
import { parseOptionArgs, UsageError } from '../../lib/shared/cli/args';
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import { generateWireRecords } from '../../lib/schema/generator';
import { batchRows, streamRows } from './duckdb-etl';

function positiveInteger(name: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a positive integer; received ${text ?? 'nothing'}`);
  }
  return value;
}

function main(argv: readonly string[]): void {
  const options = parseOptionArgs(argv, ['seed', 'count']);
  const seed = positiveInteger('seed', options.text('seed'));
  const count = positiveInteger('count', options.text('count'));
  const records = [...generateWireRecords({ seed, count, dirt: DEFAULT_DIRT })];
  const rawRecords = [
    ...streamRows(
      records.filter((_, i) => i % 2 === 0),
      { ingestTime: '2026-02-01T00:00:00.000Z' },
    ),
    ...batchRows(
      records.filter((_, i) => i % 2 === 1),
      { ingestTime: '2026-02-02T00:00:00.000Z' },
    ),
  ];
  process.stdout.write(`${JSON.stringify({ raw_records: rawRecords, feature_manifest: featureManifest() })}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
