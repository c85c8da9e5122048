/**
 * The curate job's SQL (glue/sql/curate_*.sql), run in DuckDB as Glue runs it in Spark, on records
 * from the synthetic generator with its dirt: the stream half through the Firehose cleaner, the
 * batch half as an uploaded CSV file. The SQL must agree with the cleaner on every value (it is
 * the second line of defence for the batch path), keep one row per customer, and lose nothing.
 */
import fc from 'fast-check';
import { cleanRecord } from '../../lambda/clean-records/record';
import { FailureReason } from '../../lambda/clean-records/result';
import type { Customer } from '../../lib/schema/customer-model';
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import { generateCustomers, generateWireRecords } from '../../lib/schema/generator';
import type { WireRecord } from '../../lib/schema/wire';
import { CHURN_FIELDS, MISSING_VALUE_SPELLINGS } from '../../lib/schema/churn';
import { type SqlFile, WHITESPACE_LITERAL } from '../../lib/etl/sql';
import {
  batchRows,
  Db,
  javaDoubleString,
  loadRawRecords,
  type RawRow,
  type Row,
  streamRows,
} from '../support/duckdb-etl';
import { checkSqlFile, checkSqlText } from '../support/etl-sql';

const SEED = 20260101;
const COUNT = 3000;
const STREAM_INGEST = '2026-02-01T00:00:00.000Z';
const BATCH_INGEST = '2026-02-02T00:00:00.000Z';
const FIELD_NAMES = CHURN_FIELDS.map((f) => f.name);
const CURATED_COLUMNS = [...FIELD_NAMES, 'source', 'ingest_time', 'origin', 'snapshot_month'];
const CURATE_FILES: readonly SqlFile[] = ['curate_validated.sql', 'curate_customers.sql', 'curate_quarantine.sql'];

/** A value as compared in these tests: timestamps as ISO text, everything else as DuckDB gives it. */
function plain(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** The schema fields of a result row, as plain values. */
function fieldsOf(row: Row): Record<string, unknown> {
  return Object.fromEntries(FIELD_NAMES.map((name) => [name, plain(row[name])]));
}

/** Whether a value as written on the wire means "missing". */
function writtenMissing(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && MISSING_VALUE_SPELLINGS.has(value.trim().toLowerCase()))
  );
}

/** Runs the curate SQL over `raw` (and `previous`, the curated table before the run, if any). */
async function curate(db: Db, raw: readonly RawRow[], previous = 'SELECT * FROM customers_empty'): Promise<void> {
  await loadRawRecords(db, raw);
  await db.runFile('curate_validated.sql', 'validated');
  await db.run(
    `CREATE OR REPLACE TABLE customers_empty AS SELECT ${CURATED_COLUMNS.map((c) => (c === 'snapshot_month' ? "'' AS snapshot_month" : c)).join(', ')} FROM validated WHERE false`,
  );
  await db.run(`CREATE OR REPLACE TABLE previous_customers AS ${previous}`);
  await db.runFile('curate_customers.sql', 'customers');
  await db.runFile('curate_quarantine.sql', 'quarantine');
}

// ---------------------------------------------------------------------------------------------

describe.each(CURATE_FILES)('%s', (file) => {
  it('starts with its comment block and stays in the common subset of Spark SQL and DuckDB', () => {
    expect(checkSqlFile(file)).toEqual([]);
  });
});

describe('the common-subset check', () => {
  it('catches what only one engine reads alike (positive control)', () => {
    const sql = [
      '-- bad.sql: a query written for one engine.',
      'SELECT "customer_id", hash(customer_id) AS h, concat(a, b) AS c, x::INT AS i',
      "FROM t WHERE state rlike '^C' AND regexp_replace(y, '[0-9]', '') = '' QUALIFY 1;",
    ].join('\n');
    expect(checkSqlText('bad.sql', sql)).toEqual([
      'the header lacks "Input view"',
      'the header lacks "Output columns"',
      expect.stringContaining('the header lacks "-- Written in the common subset'),
      expect.stringContaining('a double quote'),
      expect.stringContaining('a semicolon'),
      expect.stringContaining('a :: cast'),
      expect.stringContaining('hash()'),
      expect.stringContaining('a regex predicate'),
      expect.stringContaining('concat()'),
      expect.stringContaining('DuckDB-only syntax'),
      "regexp_replace pattern '[0-9]' must be anchored (^...$) to test a full match",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('curate on generated records (stream through the cleaner, batch as CSV)', () => {
  let db: Db;
  let records: WireRecord[];
  let streamRecords: WireRecord[];
  let batchRecords: WireRecord[];
  let raw: RawRow[];
  let customers: Customer[];

  beforeAll(async () => {
    records = [...generateWireRecords({ seed: SEED, count: COUNT, dirt: DEFAULT_DIRT })];
    // Alternate records between the paths: a duplicate (emitted right after its original) arrives
    // once by each path, with the same event_time and a later ingest_time on the batch side.
    streamRecords = records.filter((_, i) => i % 2 === 0);
    batchRecords = records.filter((_, i) => i % 2 === 1);
    raw = [
      ...streamRows(streamRecords, { ingestTime: STREAM_INGEST }),
      ...batchRows(batchRecords, { ingestTime: BATCH_INGEST }),
    ];
    const lastCustomer = Math.max(...records.map((r) => Number(r.customerId.slice(1))));
    customers = generateCustomers({ seed: SEED, count: lastCustomer });
    db = await Db.open();
    await curate(db, raw);
  });

  afterAll(() => db.close());

  it('gets dirt of every kind from the generator', () => {
    expect(records.filter((r) => r.malformed).length).toBeGreaterThan(10);
    expect(new Set(records.map((r) => r.customerId)).size).toBeLessThan(records.length); // duplicates
    const texts = raw.flatMap((row) => FIELD_NAMES.map((name) => row[name] ?? ''));
    expect(texts.some((t) => t !== t.trim())).toBe(true);
    expect(texts.some((t) => ['NA', 'null', '?', 'N/A'].includes(t.trim()))).toBe(true);
    expect(raw.some((row) => ['F', 'WOMAN', 'Female', 'M', 'X'].includes((row.gender ?? '').trim()))).toBe(true);
    expect(raw.some((row) => ['yes', 'Y', 'No', 'T', '1', '0'].includes((row.churn ?? '').trim()))).toBe(true);
  });

  it('receives no malformed stream record: the cleaner fails them before the raw zone', () => {
    const streamed = raw.filter((row) => row.source === 'stream').length;
    expect(streamed).toBe(streamRecords.filter((r) => !r.malformed).length);
  });

  it('drops nothing: every raw row is either valid or rejected, per source', async () => {
    const counts = await db.rows(
      `SELECT source, count(*) AS n, count(reject_reason) AS rejected FROM validated GROUP BY source ORDER BY source`,
    );
    expect(counts.map((c) => [c.source, Number(c.n)])).toEqual([
      ['batch', raw.filter((r) => r.source === 'batch').length],
      ['stream', raw.filter((r) => r.source === 'stream').length],
    ]);
    expect(await db.count('SELECT count(*) FROM quarantine')).toBe(
      await db.count('SELECT count(*) FROM validated WHERE reject_reason IS NOT NULL'),
    );
  });

  it('quarantines exactly the malformed batch records, with their values as received', async () => {
    const quarantined = await db.rows('SELECT * FROM quarantine');
    const expected = batchRows(
      batchRecords.filter((r) => r.malformed),
      { ingestTime: BATCH_INGEST },
    );
    const key = (row: Record<string, unknown>): string => JSON.stringify(FIELD_NAMES.map((name) => row[name]));
    expect(quarantined.map(key).sort()).toEqual(expected.map(key).sort());
    expect(quarantined.every((row) => row.source === 'batch' && row.ingest_time === BATCH_INGEST)).toBe(true);
    expect(quarantined.every((row) => row.origin === 'batch/upload.csv')).toBe(true);
  });

  it('gives every rejected row a reason naming the first failing field', async () => {
    const reasons = await db.rows('SELECT DISTINCT reject_reason FROM quarantine');
    const allowed = new Set(
      [...FIELD_NAMES, 'ingest_time'].flatMap((f) => [FailureReason.missingRequired(f), FailureReason.invalidValue(f)]),
    );
    expect(reasons.length).toBeGreaterThan(0);
    for (const { reject_reason: reason } of reasons) {
      expect(allowed).toContain(reason);
    }
  });

  it("reads every valid row as its customer's canonical values, whatever the spelling", async () => {
    const valid = await db.rows('SELECT * FROM validated WHERE reject_reason IS NULL');
    const wire = new Map(records.filter((r) => !r.malformed).map((r) => [r.customerId, r]));
    expect(valid.length).toBe(raw.length - batchRecords.filter((r) => r.malformed).length);
    for (const row of valid) {
      const id = String(row.customer_id);
      const written = wire.get(id)?.fields ?? {};
      const canonical = customers[Number(id.slice(1)) - 1]?.record ?? {};
      const expected = Object.fromEntries(
        FIELD_NAMES.map((name) => [name, writtenMissing(written[name]) ? null : canonical[name]]),
      );
      expect(fieldsOf(row)).toEqual(expected);
    }
  });

  it('keeps one row per customer: the latest ingest when a duplicate came both ways', async () => {
    const curated = await db.rows('SELECT * FROM customers ORDER BY customer_id');
    const validIds = new Set(records.filter((r) => !r.malformed).map((r) => r.customerId));
    expect(curated.map((r) => r.customer_id)).toEqual([...validIds].sort());
    const bothWays = [...validIds].filter(
      (id) =>
        streamRecords.some((r) => r.customerId === id && !r.malformed) && batchRecords.some((r) => r.customerId === id),
    );
    expect(bothWays.length).toBeGreaterThan(0);
    for (const row of curated.filter((r) => bothWays.includes(String(r.customer_id)))) {
      expect([row.source, plain(row.ingest_time)]).toEqual(['batch', BATCH_INGEST]);
    }
  });

  it('partitions by the month of event_time', async () => {
    const rows = await db.rows("SELECT DISTINCT snapshot_month, strftime(event_time, '%Y-%m') AS month FROM customers");
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.snapshot_month).toBe(row.month);
    }
  });

  it('is idempotent: the same records against its own output change nothing', async () => {
    const before = await db.rows('SELECT * FROM customers ORDER BY customer_id');
    const again = await Db.open();
    try {
      await curate(again, raw);
      await again.run('CREATE TABLE first_run AS SELECT * FROM customers');
      await curate(again, raw, 'SELECT * FROM first_run');
      const after = await again.rows('SELECT * FROM customers ORDER BY customer_id');
      expect(after.map((r) => Object.values(r).map(plain))).toEqual(before.map((r) => Object.values(r).map(plain)));
    } finally {
      again.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('curate_customers: which snapshot wins', () => {
  const row = (values: Partial<RawRow>): RawRow => ({
    ...Object.fromEntries(FIELD_NAMES.map((name) => [name, null])),
    event_time: '2026-01-05T10:00:00.000Z',
    source: 'batch',
    ingest_time: '2026-02-01T00:00:00.000Z',
    origin: 'batch/a.csv',
    ...values,
  });

  let db: Db;
  beforeEach(async () => {
    db = await Db.open();
  });
  afterEach(() => db.close());

  async function winners(): Promise<Record<string, Record<string, unknown>>> {
    const rows = await db.rows('SELECT * FROM customers');
    return Object.fromEntries(
      rows.map((r) => [String(r.customer_id), Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]))]),
    );
  }

  it('takes the latest event_time, then the latest ingest_time, then source and origin', async () => {
    await curate(db, [
      // Later event wins, though ingested earlier.
      row({ customer_id: 'A1', event_time: '2026-01-05T10:00:00Z', ingest_time: '2026-03-01T00:00:00Z', state: 'CA' }),
      row({ customer_id: 'A1', event_time: '2026-01-06T10:00:00Z', ingest_time: '2026-02-01T00:00:00Z', state: 'NY' }),
      // The same instant in two spellings: a tie on event_time, so the later ingest wins.
      row({
        customer_id: 'B2',
        event_time: '2026-01-05 11:00:00+01:00',
        ingest_time: '2026-02-02T00:00:00Z',
        state: 'TX',
      }),
      row({
        customer_id: 'B2',
        event_time: '2026-01-05T10:00:00.000Z',
        ingest_time: '2026-02-01T00:00:00Z',
        state: 'OH',
      }),
      // Same event and ingest time: the stream's row.
      row({ customer_id: 'C3', source: 'batch', state: 'WA' }),
      row({ customer_id: 'C3', source: 'stream', state: 'OR' }),
      // All of that equal: the greater origin.
      row({ customer_id: 'D4', origin: 'batch/a.csv', state: 'ME' }),
      row({ customer_id: 'D4', origin: 'batch/b.csv', state: 'VT' }),
      // An invalid snapshot never wins, however late.
      row({ customer_id: 'E5', event_time: '2026-01-01T00:00:00Z', state: 'AK' }),
      row({ customer_id: 'E5', event_time: '2026-12-01T00:00:00Z', state: 'Atlantis' }),
    ]);
    const won = await winners();
    expect(Object.fromEntries(Object.entries(won).map(([id, r]) => [id, r.state]))).toEqual({
      A1: 'NY',
      B2: 'TX',
      C3: 'OR',
      D4: 'VT',
      E5: 'AK',
    });
    expect(won.A1?.snapshot_month).toBe('2026-01');
    expect(await db.count('SELECT count(*) FROM quarantine')).toBe(1);
  });

  it('merges the curated table as it stands: newer rows replace older ones, the rest stay', async () => {
    await curate(db, [
      row({ customer_id: 'P1', event_time: '2026-01-10T00:00:00Z', state: 'CA' }),
      row({ customer_id: 'P2', event_time: '2026-03-10T00:00:00Z', state: 'CA' }),
      row({ customer_id: 'P3', event_time: '2026-01-10T00:00:00Z', state: 'CA' }),
      row({ customer_id: 'P4', event_time: '2026-01-10T00:00:00Z', state: 'CA', ingest_time: '2026-02-01T00:00:00Z' }),
    ]);
    await db.run('CREATE TABLE first_run AS SELECT * FROM customers');
    await curate(
      db,
      [
        row({
          customer_id: 'P1',
          event_time: '2026-02-10T00:00:00Z',
          state: 'NY',
          ingest_time: '2026-03-01T00:00:00Z',
        }),
        row({
          customer_id: 'P2',
          event_time: '2026-02-10T00:00:00Z',
          state: 'NY',
          ingest_time: '2026-03-01T00:00:00Z',
        }),
        row({
          customer_id: 'P4',
          event_time: '2026-01-10T00:00:00Z',
          state: 'NY',
          ingest_time: '2026-03-01T00:00:00Z',
        }),
        row({
          customer_id: 'P5',
          event_time: '2026-02-10T00:00:00Z',
          state: 'NY',
          ingest_time: '2026-03-01T00:00:00Z',
        }),
      ],
      'SELECT * FROM first_run',
    );
    const won = await winners();
    expect(Object.fromEntries(Object.entries(won).map(([id, r]) => [id, [r.state, r.snapshot_month]]))).toEqual({
      P1: ['NY', '2026-02'], // a later event
      P2: ['CA', '2026-03'], // the curated row is later than the new one
      P3: ['CA', '2026-01'], // not in this run
      P4: ['NY', '2026-01'], // same event, later ingest
      P5: ['NY', '2026-02'], // new
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('curate_validated agrees with the Firehose cleaner on every value', () => {
  const INGEST = '2026-02-01T00:00:00.000Z';
  const base: RawRow = Object.fromEntries(
    CHURN_FIELDS.map((f) => {
      const value = generateCustomers({ seed: 7, count: 1 })[0]?.record[f.name];
      return [
        f.name,
        typeof value === 'number' ? String(value) : value === undefined || value === null ? null : String(value),
      ];
    }),
  );

  /** The cleaner's verdict on a record whose every value is the row's text. */
  function cleanerVerdict(row: RawRow): { reason: string | null; fields: Record<string, unknown> | null } {
    const record = Object.fromEntries(
      FIELD_NAMES.flatMap((name) => (row[name] === null || row[name] === undefined ? [] : [[name, row[name]]])),
    );
    const result = cleanRecord(JSON.stringify(record), { ingestTime: INGEST, ingestSource: 'test' });
    if (!result.ok) {
      return { reason: result.reason, fields: null };
    }
    const clean = JSON.parse(result.output) as Record<string, unknown>;
    return { reason: null, fields: Object.fromEntries(FIELD_NAMES.map((name) => [name, clean[name] ?? null])) };
  }

  /** Rows (as received) on which the SQL and the cleaner disagree, with both verdicts. */
  async function disagreements(rows: readonly RawRow[]): Promise<unknown[]> {
    const db = await Db.open();
    try {
      await loadRawRecords(
        db,
        rows.map((r, i) => ({ ...r, source: 'batch', ingest_time: INGEST, origin: String(i) })),
      );
      await db.runFile('curate_validated.sql', 'validated');
      const out = await db.rows('SELECT * FROM validated ORDER BY CAST(origin AS INT)');
      expect(out).toHaveLength(rows.length);
      return out.flatMap((sqlRow, i) => {
        const input = rows[i] as RawRow;
        const cleaner = cleanerVerdict(input);
        const sql = {
          reason: sqlRow.reject_reason as string | null,
          fields: sqlRow.reject_reason === null ? fieldsOf(sqlRow) : null,
        };
        return JSON.stringify(sql) === JSON.stringify(cleaner) ? [] : [{ input, sql, cleaner }];
      });
    } finally {
      db.close();
    }
  }

  /** The base record with one field replaced by each of the texts. */
  function variants(field: string, texts: readonly (string | null)[]): RawRow[] {
    return texts.map((text) => ({ ...base, [field]: text }));
  }

  const padding = [
    '\t',
    '\n',
    '\r',
    '\v',
    '\f',
    ' ',
    '\u00a0',
    ...WHITESPACE_LITERAL.map((c) => String.fromCodePoint(c)),
  ];

  it('on whitespace, missing-value spellings and required fields', async () => {
    const rows = [
      base,
      ...padding.flatMap((p) => variants('state', [`${p}ca${p}`, `${p}`, `${p}NA`])),
      ...padding.flatMap((p) => variants('age', [`${p}42${p}`])),
      ...[...MISSING_VALUE_SPELLINGS].flatMap((m) =>
        [m, m.toUpperCase(), ` ${m} `].flatMap((s) => [
          ...variants('customer_id', [s]),
          ...variants('event_time', [s]),
          ...variants('gender', [s]),
          ...variants('day_minutes', [s]),
          ...variants('churn', [s]),
        ]),
      ),
      ...variants('customer_id', [
        null,
        'C1',
        '1',
        'abc',
        'C 1',
        'C-1_x',
        `${'a'.repeat(32)}1`,
        `${'a'.repeat(33)}1`,
        `C${'1'.repeat(63)}`,
        `C${'1'.repeat(64)}`,
        '\u00c71',
        '١٢',
        'C1;',
        'C1,2',
      ]),
      ...variants('event_time', [null]),
    ];
    expect(await disagreements(rows)).toEqual([]);
  });

  it('on categories, booleans and numbers written as text', async () => {
    const numbers = [
      '12',
      '12.0',
      '12.5',
      '-0',
      '+3',
      '.5',
      '5.',
      '1e2',
      '1E+2',
      '1e-2',
      '0x10',
      '1_000',
      '12.5d',
      '12f',
      'Infinity',
      '-Infinity',
      'inf',
      'NaN',
      '1e999',
      '١٢',
      '12 5',
      '1,5',
      '--1',
      '00042',
      '3650',
      '3650.0',
      '3651',
      '-1',
      '18',
      '17.999',
      '120',
      '120.5',
      '999.99',
      '1000',
      '1000.0001',
      '.',
      'e5',
      '5e',
      '1.2.3',
    ];
    const rows = [
      ...variants('state', ['ca', 'Ca', 'cA', 'CA', 'C A', 'california', 'xx', 'dc', 'Dc']),
      ...variants('area_code', ['415', '415.0', '0415', '41 5', '408', '510', '999']),
      ...variants('gender', [
        'F',
        'WOMAN',
        'Woman',
        'w',
        'M',
        'man',
        'X',
        'Diverse',
        'other',
        'OTHER',
        'fem',
        'female ',
      ]),
      ...['international_plan', 'churn'].flatMap((f) =>
        variants(f, [
          'TRUE',
          'True',
          'yes',
          'YES',
          'Y',
          'y',
          '1',
          '0',
          'no',
          'N',
          't',
          'F',
          'on',
          'off',
          '2',
          'truee',
          'tru',
          '1.0',
        ]),
      ),
      ...[
        'account_length',
        'age',
        'day_minutes',
        'day_calls',
        'international_charge',
        'customer_service_calls',
      ].flatMap((f) => variants(f, numbers)),
    ];
    expect(await disagreements(rows)).toEqual([]);
  });

  it('on timestamps: shapes, zones, fractions, calendars and the year range', async () => {
    const rows = variants('event_time', [
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.000Z',
      '2026-01-01t00:00:00z',
      '2026-01-01 00:00:00',
      '2026-01-01T00:00:00',
      '2026-01-01T00:00:00.1Z',
      '2026-01-01T00:00:00.12Z',
      '2026-01-01T00:00:00.123456789Z',
      '2026-01-01T00:00:00.1234567891Z',
      '2026-01-01T00:00:00.Z',
      '2026-01-01T00:00:00,5Z',
      '2026-01-01T00:00Z',
      '2026-01-01',
      'yesterday',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '2026-02-29T00:00:00Z',
      '2024-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '1969-12-31T23:59:59-00:01',
      '1970-01-01T00:00:00Z',
      '1970-01-01T00:30:00+01:00',
      '2100-12-31T23:59:59.999Z',
      '2101-01-01T00:00:00+01:00',
      '2101-01-01T00:00:00Z',
      '2026-01-01T00:00:00+24:00',
      '2026-01-01T00:00:00+23:59',
      '2026-01-01T00:00:00-23:59',
      '2026-01-01T00:00:00+01:60',
      '2026-01-01T00:00:00+0100',
      '2026-01-01T00:00:00+01',
      '2026-03-01T00:30:00+01:00',
      '2024-03-01T00:30:00+01:00',
      '2025-12-31T23:30:00-01:00',
      '2026-06-15T12:34:56.789-05:30',
      '２０２６-01-01T00:00:00Z',
      '2026-1-01T00:00:00Z',
      ' 2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00Z ',
      '2026-01-01T00:00:00ZZ',
      '2026-01-01T00:00:00.5+01:00',
      '9999-12-31T23:59:59Z',
      '0000-01-01T00:00:00Z',
      '2026-01-01X00:00:00Z',
    ]);
    expect(await disagreements(rows)).toEqual([]);
  });

  it('on random timestamps and numbers (fast-check, fixed seed)', async () => {
    const two = (n: number): string => String(n).padStart(2, '0');
    const zone = fc.oneof(
      fc.constantFrom('', 'Z', 'z', 'UTC', '+1'),
      fc
        .record({
          sign: fc.constantFrom('+', '-'),
          h: fc.integer({ min: 0, max: 25 }),
          m: fc.integer({ min: 0, max: 61 }),
        })
        .map(({ sign, h, m }) => `${sign}${two(h)}:${two(m)}`),
    );
    const timestamp = fc
      .record({
        year: fc.integer({ min: 1965, max: 2105 }),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 61 }),
        second: fc.integer({ min: 0, max: 61 }),
        sep: fc.constantFrom('T', 't', ' ', '_'),
        fraction: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 11 })),
        zone,
      })
      .map(
        (t) =>
          `${String(t.year).padStart(4, '0')}-${two(t.month)}-${two(t.day)}${t.sep}${two(t.hour)}:${two(t.minute)}:${two(t.second)}` +
          `${t.fraction === null ? '' : `.${t.fraction}`}${t.zone}`,
      );
    const number = fc.string({ unit: fc.constantFrom(...'0123456789+-.eE x'), maxLength: 8 });
    const rows = [
      ...variants('event_time', fc.sample(timestamp, { seed: 42, numRuns: 3000 })),
      ...variants('age', fc.sample(number, { seed: 43, numRuns: 1500 })),
      ...variants('night_minutes', fc.sample(number, { seed: 44, numRuns: 1500 })),
    ];
    expect(await disagreements(rows)).toEqual([]);
  });

  it('on heavily dirty generated records as a CSV upload', async () => {
    const dirty = generateWireRecords({
      seed: 99,
      count: 2000,
      dirt: { spelling: 0.6, missing: 0.2, numberAsString: 0.6, whitespace: 0.6, duplicate: 0, malformed: 0.2 },
    });
    const rows = batchRows(dirty, { ingestTime: INGEST });
    expect(await disagreements(rows)).toEqual([]);
  });

  it('except on a value padded with a line separator, which it rejects (kept in the quarantine)', async () => {
    const rows = [...variants('state', ['ca\u2028', '\u2029ca']), ...variants('customer_id', ['C1\u2028'])];
    expect((await disagreements(rows)).map((d) => (d as { sql: { reason: string } }).sql.reason)).toEqual([
      'invalid_value:state',
      'invalid_value:state',
      'invalid_value:customer_id',
    ]);
  });
});

describe('the stream values as the curate job reads them', () => {
  it("are Spark's text of the Glue table's typed values", () => {
    expect(['180.0', '12.5', '0.0', '1.0E-4', '1.2345E7', '999.99'].map(Number).map(javaDoubleString)).toEqual([
      '180.0',
      '12.5',
      '0.0',
      '1.0E-4',
      '1.2345E7',
      '999.99',
    ]);
  });
});
