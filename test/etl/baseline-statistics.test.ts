/**
 * baseline_statistics.sql (rendered by lib/contracts/statistics-sql.ts) run in DuckDB, assembled by
 * `statisticsFromRows`, against the TypeScript reference (`describeBaseline`, lambda/drift/
 * describe.ts) on the same rows: the training split of generated customers with the default dirt
 * (so with NULLs), and random small tables where ties, tiny counts and empty columns test the type 1
 * ranks and the bin edges. Counts, quantiles, histograms and frequencies must be identical; mean and
 * standard deviation agree to 1e-12 relative, because the engines sum in their own order.
 */
import fc from 'fast-check';
import type { BaselineStatistics } from '../../lib/contracts/baseline-statistics';
import {
  FEATURE_COLUMNS,
  type FeatureColumn,
  featureManifest,
  LABEL_COLUMN,
} from '../../lib/contracts/feature-manifest';
import {
  BASELINE_INPUT_VIEW,
  renderBaselineStatisticsQuery,
  STATISTICS_RESULT_COLUMNS,
  statisticsFromRows,
} from '../../lib/contracts/statistics-sql';
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import { describeBaseline } from '../../lambda/drift/describe';
import { curateGenerated, Db, type Row, runFeatures } from '../support/duckdb-etl';
import { checkSqlFile, readSql } from '../support/etl-sql';
import { expectSameStatistics } from '../support/statistics';

const MANIFEST = featureManifest();

/** A row's fields as the CSV reference reads them: a number as JS prints it, NULL as ''. */
function fields(row: Row, columns: readonly string[]): string[] {
  return columns.map((c) => {
    const value = row[c];
    return typeof value === 'number' || typeof value === 'bigint' ? String(value) : '';
  });
}

describe('baseline_statistics.sql', () => {
  it('starts with its comment block and stays in the common subset of Spark SQL and DuckDB', () => {
    expect(checkSqlFile('baseline_statistics.sql')).toEqual([]);
  });

  it('answers the long rows of STATISTICS_RESULT_COLUMNS', async () => {
    const db = await Db.open();
    try {
      await db.run(
        `CREATE TABLE ${BASELINE_INPUT_VIEW} AS SELECT ${FEATURE_COLUMNS.map((c) => `CAST(NULL AS INTEGER) AS ${c}`).join(', ')} WHERE false`,
      );
      expect(await db.columns(readSql('baseline_statistics.sql'))).toEqual([...STATISTICS_RESULT_COLUMNS]);
    } finally {
      db.close();
    }
  });
});

describe('the baseline statistics of generated customers, on DuckDB', () => {
  let db: Db;
  let sql: BaselineStatistics;
  let reference: BaselineStatistics;

  beforeAll(async () => {
    db = await Db.open();
    await curateGenerated(db, { seed: 4711, count: 4_000, dirt: DEFAULT_DIRT });
    await runFeatures(db);
    await db.run(
      `CREATE TABLE ${BASELINE_INPUT_VIEW} AS SELECT * EXCLUDE (${LABEL_COLUMN}, split) FROM features WHERE split = 'train'`,
    );
    sql = statisticsFromRows(await db.rows(readSql('baseline_statistics.sql')));
    const rows = (await db.rows(`SELECT * FROM ${BASELINE_INPUT_VIEW}`)).map((r) => fields(r, FEATURE_COLUMNS));
    reference = describeBaseline(FEATURE_COLUMNS, rows, MANIFEST.columns);
  }, 60_000);

  afterAll(() => db?.close());

  it('is the reference document, computed in TypeScript from the same rows', () => {
    expectSameStatistics(sql, reference);
  });

  it('covers NULLs, every feature and every category', () => {
    expect(sql.rows).toBeGreaterThan(2_000);
    expect(sql.columns).toEqual(FEATURE_COLUMNS);
    expect(sql.numeric.filter((f) => f.missing > 0).length).toBeGreaterThan(5);
    expect(sql.numeric.map((f) => f.name)).toEqual(
      MANIFEST.columns.filter((c) => c.encoding !== 'one-hot').map((c) => c.name),
    );
    expect(sql.oneHot.map((g) => g.source)).toEqual(['state', 'area_code', 'gender']);
    expect(sql.oneHot.every((g) => g.missing > 0)).toBe(true); // a NULL category is all zeros
  });

  it('bins every boolean feature over the edges [0, 1], whatever its deciles', () => {
    const booleans = MANIFEST.columns.filter((c) => c.encoding === 'boolean').map((c) => c.name);
    expect(booleans).toEqual(['international_plan', 'voice_mail_plan']);
    for (const name of booleans) {
      const f = sql.numeric.find((n) => n.name === name);
      expect(f?.histogram.edges).toEqual([0, 1]);
      expect(f?.histogram.counts).toEqual([0, expect.any(Number), expect.any(Number)]);
      expect(f?.histogram.counts[2]).toBeGreaterThan(0);
    }
  });

  it('has counts that add up: each feature to the rows, each histogram to its count', () => {
    for (const f of sql.numeric) {
      expect(f.count + f.missing + f.invalid).toBe(sql.rows);
      expect(f.histogram.counts.reduce((a, b) => a + b, 0)).toBe(f.count);
      expect(f.histogram.counts.length).toBeGreaterThan(1);
    }
    for (const g of sql.oneHot) {
      expect(g.categories.reduce((a, c) => a + c.count, 0) + g.missing + g.invalid).toBe(sql.rows);
    }
  });
});

describe('the baseline statistics of random small tables, on DuckDB', () => {
  // Three numeric columns (one mostly a single value), a 0/1 boolean (mostly 0) and a one-hot group
  // of three: enough for every path, the edges of binEdgesFromQuantiles' every rule included.
  const FEATURES: readonly FeatureColumn[] = [
    { name: 'a', source: 'a', encoding: 'numeric' },
    { name: 'colour_red', source: 'colour', encoding: 'one-hot', category: 'red' },
    { name: 'b', source: 'b', encoding: 'numeric' },
    { name: 'colour_green', source: 'colour', encoding: 'one-hot', category: 'green' },
    { name: 'flag', source: 'flag', encoding: 'boolean' },
    { name: 'colour_blue', source: 'colour', encoding: 'one-hot', category: 'blue' },
    { name: 'c', source: 'c', encoding: 'numeric' },
  ];
  const COLUMNS = FEATURES.map((f) => f.name);
  const TYPES: Record<string, string> = { a: 'INTEGER', b: 'DOUBLE', flag: 'INTEGER', c: 'INTEGER' };
  const query = renderBaselineStatisticsQuery(FEATURES);

  // Few distinct values, so that deciles tie and edges collapse; NULLs; a one-hot row with no 1.
  const row = fc.record({
    a: fc.option(fc.integer({ min: -3, max: 4 }), { freq: 4 }),
    b: fc.option(
      fc.oneof(fc.constantFrom(0.1, 0.2, 0.3, -1.5, 1e-7), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
      { freq: 3 },
    ),
    flag: fc.option(fc.oneof({ arbitrary: fc.constant(0), weight: 9 }, { arbitrary: fc.constant(1), weight: 1 }), {
      freq: 5,
    }),
    colour: fc.constantFrom(-1, 0, 1, 2),
    // 3 in most rows, so that deciles tie at 3 with values on both sides of it.
    c: fc.option(
      fc.oneof({ arbitrary: fc.constant(3), weight: 12 }, { arbitrary: fc.integer({ min: 0, max: 9 }), weight: 1 }),
      {
        freq: 5,
      },
    ),
  });

  let db: Db;
  beforeAll(async () => {
    db = await Db.open();
  });
  afterAll(() => db?.close());

  type TableRow = Readonly<Record<string, number | null>>;

  /** The document of `table` from the SQL on DuckDB, and the reference's of the same rows. */
  async function documents(table: readonly TableRow[]): Promise<[BaselineStatistics, BaselineStatistics]> {
    // With an exponent, DuckDB reads a DOUBLE directly (a plain decimal is a DECIMAL first,
    // whose cast to DOUBLE is not always the nearest double).
    const literal = (v: number | null, column: string): string =>
      `CAST(${v === null ? 'NULL' : v.toExponential()} AS ${TYPES[column] ?? 'INTEGER'})`;
    const select = (r: TableRow): string =>
      `SELECT ${COLUMNS.map((c) => `${literal(r[c] ?? null, c)} AS ${c}`).join(', ')}`;
    await db.run(
      `CREATE OR REPLACE TABLE ${BASELINE_INPUT_VIEW} AS ${
        table.length === 0 ? `${select({})} WHERE false` : table.map(select).join(' UNION ALL ')
      }`,
    );
    const strings = table.map((r) => COLUMNS.map((c) => (r[c] ?? '').toString()));
    return [statisticsFromRows(await db.rows(query)), describeBaseline(COLUMNS, strings, FEATURES)];
  }

  it('is the reference document, for any rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), async (rows) => {
        const table = rows.map((r) => ({
          a: r.a,
          b: r.b === null ? null : r.b === 0 ? 0 : r.b,
          flag: r.flag,
          c: r.c,
          colour_red: r.colour === 0 ? 1 : 0,
          colour_green: r.colour === 1 ? 1 : 0,
          colour_blue: r.colour === 2 ? 1 : 0,
        }));
        const [document, reference] = await documents(table);
        expectSameStatistics(document, reference);
        for (const f of document.numeric) {
          expect(f.histogram.counts.reduce((x, y) => x + y, 0)).toBe(f.count);
        }
        const flag = document.numeric.find((f) => f.name === 'flag');
        expect(flag?.histogram.edges).toEqual(flag?.count === 0 ? [] : [0, 1]);
      }),
      { numRuns: 60, seed: 20260815 },
    );
  }, 120_000);

  it('gives a value in most rows a bin of its own below the maximum, and a rare flag its bin for 1', async () => {
    // c: 1 once, 3 eighteen times, 9 once (20 rows): every decile is 3, so the maximum 9 is an edge
    // too: bins < 3 (the 1), [3, 9) (the eighteen 3s) and >= 9 (the 9). flag: 1 in 1 row of 20,
    // every decile 0: bins < 0, 0 and 1 all the same.
    const table = Array.from({ length: 20 }, (_, i) => ({
      a: i,
      b: i / 2,
      flag: i === 7 ? 1 : 0,
      c: i === 0 ? 1 : i === 19 ? 9 : 3,
      colour_red: 1,
      colour_green: 0,
      colour_blue: 0,
    }));
    const [document, reference] = await documents(table);
    expectSameStatistics(document, reference);
    const histogram = (name: string) => document.numeric.find((f) => f.name === name)?.histogram;
    expect(histogram('c')).toEqual({ edges: [3, 9], counts: [1, 18, 1] });
    expect(histogram('flag')).toEqual({ edges: [0, 1], counts: [0, 19, 1] });
  });
});
