/**
 * The window statistics query (`renderWindowStatisticsQuery`) for Athena, run on DuckDB, assembled
 * by `windowStatisticsFromRows`, against the TypeScript reference (`describeCurrent`,
 * lambda/drift/describe.ts) on the same captured fields: counts, missing and invalid fields,
 * malformed rows, one-hot frequencies and histograms over the baseline's edges identical; mean and
 * deviation to 1e-12 relative; quantiles not compared.
 *
 * One stand-in, and only one: DuckDB has no `approx_percentile`, so a macro maps it to DuckDB's
 * exact `quantile_disc`, which takes the same arguments (a value and an array of fractions) and
 * answers an array in the same order. It is faithful enough because the quantiles of a window are
 * shown in the report and no verdict depends on them; the query holds them within the exact minimum
 * and maximum, which this test checks. Everything else in the query runs on DuckDB as written for
 * Trino. DuckDB's `trim` removes spaces only (Trino's and the reference's all white space), so the
 * fields here pad with spaces only.
 */
import fc from 'fast-check';
import type { BaselineStatistics } from '../../lib/contracts/baseline-statistics';
import type { FeatureColumn } from '../../lib/contracts/feature-manifest';
import {
  FIELD_COUNT_COLUMN,
  renderWindowStatisticsQuery,
  STATISTICS_RESULT_COLUMNS,
  windowStatisticsFromRows,
} from '../../lib/contracts/statistics-sql';
import { describeBaseline, describeCurrent } from '../../lambda/drift/describe';
import { Db, type Row } from '../support/duckdb-etl';
import { expectSameStatistics } from '../support/statistics';

const FEATURES: readonly FeatureColumn[] = [
  { name: 'a', source: 'a', encoding: 'numeric' },
  { name: 'colour_red', source: 'colour', encoding: 'one-hot', category: 'red' },
  { name: 'b', source: 'b', encoding: 'numeric' },
  { name: 'colour_green', source: 'colour', encoding: 'one-hot', category: 'green' },
  { name: 'flag', source: 'flag', encoding: 'boolean' },
  { name: 'colour_blue', source: 'colour', encoding: 'one-hot', category: 'blue' },
];
const COLUMNS = FEATURES.map((f) => f.name);

/** A baseline whose features have several edges, one edge, and none. */
function baseline(): BaselineStatistics {
  const rows = Array.from({ length: 50 }, (_, i) => [
    String(i % 10),
    i % 3 === 0 ? '1' : '0',
    i < 5 ? '' : String((i * 7) % 13) + '.5',
    i % 3 === 1 ? '1' : '0',
    '1',
    i % 3 === 2 ? '1' : '0',
  ]);
  return describeBaseline(COLUMNS, rows, FEATURES);
}

/** Loads captured requests (CSV fields, any count) into table `captured`, as the monitor's relation. */
async function loadCaptured(db: Db, rows: readonly (readonly string[])[]): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TABLE captured (${[...COLUMNS.map((c) => `${c} VARCHAR`), `${FIELD_COUNT_COLUMN} INTEGER`].join(', ')})`,
  );
  const appender = await db.connection.createAppender('captured');
  for (const fields of rows) {
    COLUMNS.forEach((_, i) => {
      const field = fields[i];
      if (field === undefined) {
        appender.appendNull();
      } else {
        appender.appendVarchar(field);
      }
    });
    appender.appendInteger(fields.length);
    appender.endRow();
  }
  appender.closeSync();
}

/** Rows as Athena gives them: every value text, a NULL absent. */
function asAthena(rows: readonly Row[]): Record<string, string>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).flatMap(([key, value]) =>
        value === null || value === undefined
          ? []
          : [[key, typeof value === 'string' ? value : String(value as number)]],
      ),
    ),
  );
}

describe('renderWindowStatisticsQuery on DuckDB (approx_percentile stood in by quantile_disc)', () => {
  const BASELINE = baseline();
  const QUERY = renderWindowStatisticsQuery(BASELINE, 'captured');
  let db: Db;

  beforeAll(async () => {
    db = await Db.open();
    await db.run('CREATE MACRO approx_percentile(x, p) AS quantile_disc(x, p)');
  });
  afterAll(() => db?.close());

  async function window(rows: readonly (readonly string[])[]) {
    await loadCaptured(db, rows);
    return db.rows(QUERY);
  }

  it('answers the long rows of STATISTICS_RESULT_COLUMNS', async () => {
    await loadCaptured(db, []);
    expect(await db.columns(QUERY)).toEqual([...STATISTICS_RESULT_COLUMNS]);
  });

  it('counts every kind of field and row as the reference does', async () => {
    const rows = [
      ['3', '1', '2.5', '0', '1', '0'],
      [' 4 ', '0', '1e1', '1', '0', '0'], // spaces, an exponent
      ['', '0', '', '0', '', '0'], // missing everywhere: the group has no category
      ['abc', '1', 'NaN', '1', 'Infinity', '0'], // invalid numbers; two 1s in the group
      ['1e400', '2', '0x10', '0', '1.0', '0'], // beyond a double; a 2 in the group; hex
      ['-0', '0', '-7.25', '0', '1', ' 1 '], // -0 is 0; a value far below the baseline
      ['99', '0', '1000', '', '0', '1'], // far above; an empty one-hot field
      ['1', '0', '2'], // too few columns
      ['1', '0', '2', '0', '1', '0', 'extra'], // too many
    ];
    const document = windowStatisticsFromRows(await window(rows), BASELINE);
    expectSameStatistics(document, describeCurrent(COLUMNS, rows, FEATURES, BASELINE), { quantiles: false });
    expect(document.kind).toBe('current');
    expect(document.malformedRows).toEqual({ tooFewColumns: 1, tooManyColumns: 1 });
    expect(document.numeric.find((f) => f.name === 'a')).toMatchObject({ count: 4, missing: 1, invalid: 2 });
    expect(document.oneHot[0]).toMatchObject({ missing: 1, invalid: 2 });
  });

  it('puts every value in a bin over the baseline edges, the outer bins open', async () => {
    const rows = [['-1000', '0', '5000', '0', '1', '1']];
    const document = windowStatisticsFromRows(await window(rows), BASELINE);
    const a = document.numeric.find((f) => f.name === 'a');
    const b = document.numeric.find((f) => f.name === 'b');
    expect(a?.histogram.edges).toEqual(BASELINE.numeric.find((f) => f.name === 'a')?.histogram.edges);
    expect(a?.histogram.counts[0]).toBe(1);
    expect(b?.histogram.counts.at(-1)).toBe(1);
  });

  it('assembles the same document from Athena-style text values', async () => {
    const rows = [
      ['3', '1', '2.5', '0', '1', '0'],
      ['7', '0', '', '1', '0', '0'],
    ];
    const answer = await window(rows);
    expect(windowStatisticsFromRows(asAthena(answer), BASELINE)).toEqual(windowStatisticsFromRows(answer, BASELINE));
  });

  it('has no rows to describe in an empty window, and says so', async () => {
    const document = windowStatisticsFromRows(await window([]), BASELINE);
    expect(document.rows).toBe(0);
    expect(document.numeric.every((f) => f.count === 0 && f.quantiles.length === 0 && f.mean === null)).toBe(true);
    expect(document.oneHot[0]?.categories.map((c) => c.count)).toEqual([0, 0, 0]);
  });

  it('is the reference for any fields, its quantiles within the exact minimum and maximum', async () => {
    const numberText = fc.oneof(
      fc.integer({ min: -20, max: 20 }).map(String),
      fc.double({ min: -1e3, max: 1e3, noNaN: true }).map(String),
      fc.constantFrom('', ' ', '1e2', '.5', '5.', '+3', '-0', 'x', 'NaN', '1e999', ' 2 '),
    );
    const oneHotText = fc.constantFrom('0', '1', '', '2', '1.0', 'y');
    const fields = fc.tuple(numberText, oneHotText, numberText, oneHotText, numberText, oneHotText);
    const row = fc.oneof(
      { weight: 10, arbitrary: fields.map((f) => [...f]) },
      { weight: 1, arbitrary: fields.map((f) => f.slice(0, 4)) },
      { weight: 1, arbitrary: fields.map((f) => [...f, '1']) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 30 }), async (rows) => {
        const document = windowStatisticsFromRows(await window(rows), BASELINE);
        expectSameStatistics(document, describeCurrent(COLUMNS, rows, FEATURES, BASELINE), { quantiles: false });
        for (const f of document.numeric) {
          expect(f.histogram.counts.reduce((x, y) => x + y, 0)).toBe(f.count);
          const values = f.quantiles.map((q) => q.value);
          expect(values.every((v) => v >= (values[0] ?? 0) && v <= (values.at(-1) ?? 0))).toBe(true);
        }
      }),
      { numRuns: 60, seed: 20260816 },
    );
  }, 120_000);
});

describe('renderWindowStatisticsQuery refuses a baseline it cannot write as SQL', () => {
  const BASELINE = baseline();

  it.each<[string, BaselineStatistics]>([
    ['a column that is not a plain name', { ...BASELINE, columns: ['a; DROP TABLE x', ...BASELINE.columns.slice(1)] }],
    ['a column named as the field count', { ...BASELINE, columns: [FIELD_COUNT_COLUMN, ...BASELINE.columns.slice(1)] }],
    [
      'a category with a quote',
      {
        ...BASELINE,
        oneHot: BASELINE.oneHot.map((g) => ({
          ...g,
          categories: g.categories.map((c, i) => (i === 0 ? { ...c, category: "x' OR '1'='1" } : c)),
        })),
      },
    ],
  ])('%s', (_, bad) => {
    expect(() => renderWindowStatisticsQuery(bad, 'captured')).toThrow(/expected/);
  });

  it('refuses an empty relation', () => {
    expect(() => renderWindowStatisticsQuery(BASELINE, ' ')).toThrow(/rows relation is empty/);
  });
});

describe('windowStatisticsFromRows refuses rows that are not a document', () => {
  const BASELINE = baseline();
  const table = (statistic: string, value: unknown) => ({
    section: 'table',
    name: '',
    statistic,
    position: 0,
    category: '',
    column_name: '',
    value,
  });

  it('names a row whose value is not a number', () => {
    expect(() => windowStatisticsFromRows([table('rows', 'many')], BASELINE)).toThrow(
      /statistics row 0 .*value is "many"; expected a finite number/,
    );
  });

  it('names a statistic it does not know', () => {
    expect(() => windowStatisticsFromRows([table('median', 1)], BASELINE)).toThrow(/is not a statistic/);
  });

  it('names a statistic read twice', () => {
    expect(() => windowStatisticsFromRows([table('rows', 1), table('rows', 2)], BASELINE)).toThrow(/repeats/);
  });

  it('names a missing table count', () => {
    expect(() => windowStatisticsFromRows([table('rows', 1)], BASELINE)).toThrow(/lack the table's too_few_columns/);
  });
});
