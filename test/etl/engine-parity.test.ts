/**
 * Cross-engine parity: one raw zone through Spark (`glue/local_etl.py`: the real curate and
 * features cores on local Spark, Glue 5.0's 3.5.4) and through DuckDB (the harness, running the
 * same glue/sql files) gives the same curated rows, the same quarantine rows and the same split
 * membership, compared after sorting, and the same baseline statistics (counts, quantiles and
 * histograms identical; mean and deviation to 1e-12 relative, as each engine sums in its order).
 *
 * The raw zone is written once (`writeRawZone`): the stream's share of one generation through the
 * record cleaner (GZIP JSON Lines by event date, two dates, two months), and as the upload the
 * batch share of the same seed with one record in ten beyond cleaning, so the quarantine has rows
 * (most uploaded customers are streamed too, so the latest-event tie-breaks run across sources,
 * and the uploads' later ingest time wins them). DuckDB's
 * `raw_records` is built from those same files, read as Spark's readers read them:
 * - stream: each JSON line's value as the curate core gets it, Spark's inferred JSON type cast to
 *   STRING (`sparkText`: a DOUBLE column prints `121.0`, a BIGINT `121`), ingest_time the record's
 *   own, origin the file's key under the raw zone (`stream/event_date=…/….gz`);
 * - batch: the CSV file parsed as Spark's CSV reader parses it in `read_batch` (header, RFC 4180,
 *   multiLine): an UNQUOTED empty cell is NULL (Spark's reader; the harness's `batchRows` makes
 *   it ''), a quoted empty cell is '' (the generator writes none), a short line's missing cells
 *   are NULL (a record beyond cleaning may be one quoted cell), a blank line is no row;
 *   ingest_time the run's --ingest-time, origin `batch/upload.csv`.
 * Spark's own count of rows read, by source, must equal that model's, so a reader mismatch shows
 * there as well as in the quarantine (which keeps values as received).
 *
 * Where the engines legitimately differ, and what is normalised (nothing else: every other value
 * must be identical):
 * - the batch readers: Spark's CSV reader makes an UNQUOTED empty cell NULL and keeps a quoted
 *   one as ''; the harness's `batchRows` gives '' for both. The curated rows do not care (both
 *   are missing), but the quarantine keeps values as received, so the DuckDB side here reads the
 *   upload as Spark does (above) rather than normalising afterwards. The quarantined uploads do
 *   hold such NULLs (an empty customer_id), so this is checked, not assumed.
 * - float formatting in the splits: Spark's CSV writer prints a DOUBLE with Java's
 *   Double.toString (`217.0`, `1.0E-4`); the DuckDB side has numbers, not text. So each Spark cell
 *   is parsed as a number ('' = missing, as XGBoost reads it). The parse is exact (Double.toString
 *   round-trips), so no rounding is applied.
 * - timestamps are compared as ISO 8601 text, only because DuckDB's JS values are Date objects:
 *   Spark's Parquet timestamps (INT96) read back in DuckDB as TIMESTAMP, the type of its own
 *   column, and the instants must agree to the millisecond (all the SQL keeps).
 * - doubles are compared exactly, not to a precision: both engines turn the same decimal text
 *   into a DOUBLE with a correctly rounded parser (Java's Double.parseDouble, DuckDB's
 *   fast_float), and the SQL does no arithmetic on them, so any difference is a real one.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { parseStatistics } from '../../lib/contracts/baseline-statistics';
import { BASELINE_INPUT_VIEW, statisticsFromRows } from '../../lib/contracts/statistics-sql';
import { BATCH_EVERY, writeRawZone } from '../../lib/local/raw-zone';
import { CHURN_FIELDS } from '../../lib/schema/churn';
import { DEFAULT_DIRT, type DirtOptions } from '../../lib/schema/dirt';
import { generateWireRecords } from '../../lib/schema/generator';
import type { WireRecord } from '../../lib/schema/wire';
import { curateFirstRun, Db, type RawRow, type Row, runFeatures, sparkText } from '../support/duckdb-etl';
import { readSql } from '../support/etl-sql';
import { expectSameStatistics } from '../support/statistics';

const ROOT = path.join(__dirname, '..', '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');
const LOCAL_ETL = path.join(ROOT, 'glue', 'local_etl.py');

const SEED = 14;
// 3,000 records: 2,400 streamed (about 2,300 customers) and 600 uploaded, enough for every split
// and a quarantine of some 60 rows, and Spark finishes in well under a minute on 2 cores.
const COUNT = 3_000;
// Four hours before February: the records (1 to 10 s apart) span two event dates and two months,
// so the comparison covers the stream's date partitions and the table's month partitions.
const START = new Date('2026-01-31T20:00:00.000Z');
const STREAM_NOW = new Date('2026-03-01T12:00:00.000Z');
// Later than the stream's: an uploaded snapshot that ties with a streamed one on event_time wins.
const BATCH_INGEST = '2026-03-01T13:00:00.000Z';
const RUN_ID = 'parity';
const FRACTIONS = { train: 0.7, validation: 0.15 } as const;
const SPLITS = ['train', 'validation', 'test'] as const;

const execFileAsync = promisify(execFile);

/**
 * The records of one generation with `dirt`, split as `generateRecords` splits them (every
 * BATCH_EVERY-th uploaded), but from START: `generateRecords` always starts on 2026-01-01.
 */
function generation(dirt: DirtOptions): { stream: WireRecord[]; batch: WireRecord[] } {
  const records = [...generateWireRecords({ seed: SEED, count: COUNT, start: START, dirt })];
  return {
    stream: records.filter((_, i) => i % BATCH_EVERY !== BATCH_EVERY - 1),
    batch: records.filter((_, i) => i % BATCH_EVERY === BATCH_EVERY - 1),
  };
}

/** A value as compared: timestamps as ISO text, BIGINT as a number, everything else as it is. */
function plain(value: unknown): unknown {
  if (value instanceof Date) {
    return value.toISOString();
  }
  return typeof value === 'bigint' ? Number(value) : value;
}

function plainRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plain(value)]));
}

/** The data files Spark wrote in a folder (not its hidden or underscore files). */
function dataFiles(dir: string, extension: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => !name.startsWith('.') && !name.startsWith('_') && name.endsWith(extension))
    .map((name) => path.join(dir, name));
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

/**
 * The stream's rows of raw_records, read back from the gzipped JSON Lines under `rawDir/stream`.
 * `sparkText` types a value by the schema field; Spark types it by inferring the JSON column's type
 * over all the files. `streamJsonTypes` checks that these agree for the data at hand.
 */
function streamRawRows(rawDir: string): { rows: RawRow[]; records: Record<string, unknown>[] } {
  const rows: RawRow[] = [];
  const records: Record<string, unknown>[] = [];
  for (const file of filesUnder(path.join(rawDir, 'stream')).filter((f) => f.endsWith('.gz'))) {
    const origin = path.relative(rawDir, file).split(path.sep).join('/');
    for (const line of gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n')) {
      if (line.trim() === '') {
        continue;
      }
      const record = JSON.parse(line) as Record<string, unknown>;
      records.push(record);
      const row: RawRow = {};
      for (const field of CHURN_FIELDS) {
        row[field.name] = sparkText(field, record[field.name]);
      }
      row.source = 'stream';
      row.ingest_time = typeof record.ingest_time === 'string' ? record.ingest_time : null;
      row.origin = origin;
      rows.push(row);
    }
  }
  return { rows, records };
}

/**
 * The JSON types each schema field has among the stream records (null left out), and whether a
 * number field holds a non-whole value: Spark infers BIGINT for a column of whole numbers only.
 */
function streamJsonTypes(records: readonly Record<string, unknown>[]): Record<string, string[]> {
  const types: Record<string, Set<string>> = {};
  for (const record of records) {
    for (const field of CHURN_FIELDS) {
      const value = record[field.name];
      if (value === null || value === undefined) {
        continue;
      }
      const kind =
        typeof value === 'number' ? (Number.isInteger(value) ? 'whole number' : 'fractional number') : typeof value;
      (types[field.name] ??= new Set()).add(kind);
    }
  }
  return Object.fromEntries(Object.entries(types).map(([name, kinds]) => [name, [...kinds].sort()]));
}

/**
 * A CSV file's rows as Spark's CSV reader gives them with `read_batch`'s options (header, RFC 4180
 * quoting with "" as an escaped quote, multiLine, nullValue \u0000): an unquoted empty cell is
 * NULL, a quoted one '' (emptyValue), a blank line is skipped.
 */
function sparkCsvRows(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let cells: (string | null)[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  const endCell = (): void => {
    cells.push(quoted || cell !== '' ? cell : null);
    cell = '';
    quoted = false;
  };
  const endRow = (): void => {
    const blank = cells.length === 0 && cell === '' && !quoted;
    endCell();
    if (!blank) {
      rows.push(cells);
    }
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (inQuotes) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        inQuotes = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"' && cell === '' && !quoted) {
      inQuotes = true;
      quoted = true;
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\n' || (ch === '\r' && text.charAt(i + 1) === '\n')) {
      if (ch === '\r') {
        i++;
      }
      endRow();
    } else {
      cell += ch;
    }
  }
  if (cells.length > 0 || cell !== '' || quoted) {
    endRow();
  }
  return rows;
}

/** The upload's rows of raw_records, read from `rawDir/batch/upload.csv` as Spark reads it. */
function batchRawRows(rawDir: string, ingestTime: string): RawRow[] {
  const [header = [], ...lines] = sparkCsvRows(fs.readFileSync(path.join(rawDir, 'batch', 'upload.csv'), 'utf8'));
  return lines.map((cells) => {
    const row: RawRow = {};
    for (const field of CHURN_FIELDS) {
      const at = header.indexOf(field.name);
      row[field.name] = at < 0 ? null : (cells[at] ?? null);
    }
    row.source = 'batch';
    row.ingest_time = ingestTime;
    row.origin = 'batch/upload.csv';
    return row;
  });
}

/** Rows as sorted JSON texts, for a multiset comparison. */
function keyed(rows: readonly unknown[]): string[] {
  return rows.map((row) => JSON.stringify(row)).sort();
}

/** What one multiset has and the other lacks (with multiplicity), at most `limit` of each. */
function multisetDifference(
  spark: readonly string[],
  duckdb: readonly string[],
  limit = 5,
): { onlySpark: string[]; onlyDuckDb: string[] } {
  const counts = new Map<string, number>();
  for (const row of spark) {
    counts.set(row, (counts.get(row) ?? 0) + 1);
  }
  const onlyDuckDb: string[] = [];
  for (const row of duckdb) {
    const n = counts.get(row) ?? 0;
    if (n > 0) {
      counts.set(row, n - 1);
    } else {
      onlyDuckDb.push(row);
    }
  }
  const onlySpark = [...counts].flatMap(([row, n]) => Array<string>(n).fill(row));
  return { onlySpark: onlySpark.slice(0, limit), onlyDuckDb: onlyDuckDb.slice(0, limit) };
}

/** The differing cells of two row lists keyed by `key` (rows missing on one side included). */
function cellDifferences(spark: readonly Row[], duckdb: readonly Row[], key: string, limit = 10): string[] {
  const byKey = new Map(duckdb.map((row) => [String(row[key]), row]));
  const differences: string[] = [];
  for (const row of spark) {
    const other = byKey.get(String(row[key]));
    byKey.delete(String(row[key]));
    if (other === undefined) {
      differences.push(`${key}=${String(row[key])}: only in Spark`);
      continue;
    }
    for (const column of Object.keys(row)) {
      if (!Object.is(row[column], other[column])) {
        differences.push(
          `${key}=${String(row[key])} ${column}: Spark ${JSON.stringify(row[column])}, DuckDB ${JSON.stringify(other[column])}`,
        );
      }
    }
  }
  differences.push(...[...byKey.keys()].map((k) => `${key}=${k}: only in DuckDB`));
  return differences.slice(0, limit);
}

interface SparkCounts {
  readonly read: number;
  readonly read_by_source: Record<string, number>;
  readonly rejected: number;
  readonly written: number;
}

describe('DuckDB and Spark agree on one raw zone', () => {
  let dir: string;
  let db: Db;
  let sparkCurate: SparkCounts;
  let raw: { stream: RawRow[]; batch: RawRow[]; streamTypes: Record<string, string[]> };

  beforeAll(async () => {
    if (!fs.existsSync(PYTHON)) {
      throw new Error(`${PYTHON} is missing: run \`npm run python\` to create the project's Python environment`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-parity-'));
    const rawDir = path.join(dir, 'raw');
    writeRawZone(
      rawDir,
      { stream: generation(DEFAULT_DIRT).stream, batch: generation({ ...DEFAULT_DIRT, malformed: 0.1 }).batch },
      STREAM_NOW,
    );

    const spark = execFileAsync(
      PYTHON,
      [
        LOCAL_ETL,
        ...['--raw', rawDir, '--curated', path.join(dir, 'curated'), '--features', path.join(dir, 'features')],
        ...['--run-id', RUN_ID, '--ingest-time', BATCH_INGEST],
        ...['--train-fraction', String(FRACTIONS.train), '--validation-fraction', String(FRACTIONS.validation)],
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`glue/local_etl.py failed: ${error.message}\n${error.stderr ?? ''}`);
    });

    // DuckDB runs while Spark starts: the same files, read as Spark's readers read them.
    const stream = streamRawRows(rawDir);
    raw = {
      stream: stream.rows,
      batch: batchRawRows(rawDir, BATCH_INGEST),
      streamTypes: streamJsonTypes(stream.records),
    };
    db = await Db.open();
    await curateFirstRun(db, [...raw.stream, ...raw.batch]);
    await db.run(`CREATE OR REPLACE TABLE quarantine AS\n${readSql('curate_quarantine.sql')}`);
    await runFeatures(db, FRACTIONS);

    const { stdout } = await spark;
    const stages = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { stage: string } & SparkCounts);
    const curate = stages.find((s) => s.stage === 'curate');
    if (curate === undefined) {
      throw new Error(`glue/local_etl.py printed no curate stage:\n${stdout}`);
    }
    sparkCurate = curate;
  }, 300_000);

  afterAll(() => {
    db?.close();
    if (dir !== undefined) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('the inputs are the same', () => {
    it('Spark read as many rows from each source as the DuckDB side was given', () => {
      expect(sparkCurate.read_by_source).toEqual({ stream: raw.stream.length, batch: raw.batch.length });
      expect(raw.stream.length).toBeGreaterThan(2_000);
      expect(raw.batch.length).toBeGreaterThan(500);
      expect(new Set(raw.stream.map((r) => r.origin)).size).toBe(2); // one file per event date
    });

    it('each stream field has one JSON type, so Spark infers the type sparkText assumes', () => {
      const expected = Object.fromEntries(
        CHURN_FIELDS.map((f) => {
          switch (f.type) {
            case 'double':
              // Whole values among fractional ones: the column is DOUBLE, and 121 prints as 121.0.
              return [f.name, ['fractional number', 'whole number']];
            case 'integer':
              return [f.name, ['whole number']];
            case 'boolean':
              return [f.name, ['boolean']];
            default:
              return [f.name, ['string']];
          }
        }),
      );
      expect(raw.streamTypes).toEqual(expected);
    });
  });

  it('the curated rows are the same, every column', async () => {
    const spark = (
      await db.rows(
        `SELECT * FROM read_parquet('${path.join(dir, 'curated', 'customers')}/*/*.parquet', hive_partitioning = true)`,
      )
    ).map(plainRow);
    const duckdb = (await db.rows('SELECT * FROM customers')).map(plainRow);
    const byId = (a: Row, b: Row): number => String(a.customer_id).localeCompare(String(b.customer_id));
    spark.sort(byId);
    duckdb.sort(byId);

    // Spark's Parquet puts the partition column last, which is where the SQL puts it.
    expect(Object.keys(spark[0] ?? {})).toEqual(Object.keys(duckdb[0] ?? {}));
    expect(sparkCurate.written).toBe(duckdb.length);
    expect(duckdb.length).toBeGreaterThan(2_000);
    // Both sources and both months: the comparison covers the tie-breaks and the partitioning.
    expect(new Set(duckdb.map((r) => r.source))).toEqual(new Set(['stream', 'batch']));
    expect(new Set(duckdb.map((r) => r.snapshot_month)).size).toBeGreaterThan(1);
    expect(cellDifferences(spark, duckdb, 'customer_id')).toEqual([]);
    expect(spark).toHaveLength(duckdb.length);
  });

  it('the quarantine rows are the same, every column, values as received', async () => {
    const folder = path.join(dir, 'curated', 'quarantine', `run_id=${RUN_ID}`);
    const spark = dataFiles(folder, '.json').flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Row),
    );
    const duckdb = (await db.rows('SELECT * FROM quarantine')).map(plainRow);

    expect(sparkCurate.rejected).toBe(duckdb.length);
    expect(duckdb.length).toBeGreaterThan(20);
    // The reader difference is in these rows: an upload's empty first cell (unquoted) is NULL.
    expect(
      spark.filter((r) => r.reject_reason === 'missing_required:customer_id' && r.customer_id === null),
    ).not.toEqual([]);
    const columns = await db.columns('SELECT * FROM quarantine');
    for (const row of spark) {
      expect(Object.keys(row)).toEqual(columns);
    }
    expect(multisetDifference(keyed(spark), keyed(duckdb))).toEqual({ onlySpark: [], onlyDuckDb: [] });
    expect(spark).toHaveLength(duckdb.length);
  });

  describe('split membership', () => {
    let manifest: { columns: { name: string }[]; rows: Record<string, number> };
    beforeAll(() => {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, 'features', 'manifest.json'), 'utf8')) as typeof manifest;
    });

    it("the manifest's columns are DuckDB's features columns, label first and split last", async () => {
      expect(await db.columns('SELECT * FROM features')).toEqual([
        'churn',
        ...manifest.columns.map((c) => c.name),
        'split',
      ]);
    });

    it.each(SPLITS)('the %s split holds the same rows', async (split) => {
      const columns = ['churn', ...manifest.columns.map((c) => c.name)];
      const spark = dataFiles(path.join(dir, 'features', split), '.csv').flatMap((file) =>
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          // No quoting in a file of numbers; a cell that is not a number stays text, and differs.
          .map((line) =>
            line.split(',').map((cell) => (cell === '' ? null : Number.isNaN(Number(cell)) ? cell : Number(cell))),
          ),
      );
      const duckdb = (await db.rows(`SELECT ${columns.join(', ')} FROM features WHERE split = '${split}'`)).map((row) =>
        columns.map((c) => {
          const value = plain(row[c]);
          return value === null ? null : Number(value);
        }),
      );

      expect(manifest.rows[split]).toBe(duckdb.length);
      expect(duckdb.length).toBeGreaterThan(200);
      expect(spark.every((row) => row.length === columns.length)).toBe(true);
      expect(multisetDifference(keyed(spark), keyed(duckdb))).toEqual({ onlySpark: [], onlyDuckDb: [] });
      expect(spark).toHaveLength(duckdb.length);
    });
  });

  it('the baseline statistics are the same: statistics.json from Spark, baseline_statistics.sql on DuckDB', async () => {
    const spark = parseStatistics(
      JSON.parse(fs.readFileSync(path.join(dir, 'features', 'statistics.json'), 'utf8')),
      'baseline',
    );
    await db.run(
      `CREATE OR REPLACE TABLE ${BASELINE_INPUT_VIEW} AS SELECT * EXCLUDE (churn, split) FROM features WHERE split = 'train'`,
    );
    const duckdb = statisticsFromRows(await db.rows(readSql('baseline_statistics.sql')));

    expect(duckdb.rows).toBeGreaterThan(1_000);
    expect(duckdb.numeric.some((f) => f.missing > 0)).toBe(true);
    expectSameStatistics(spark, duckdb);
  });
});
