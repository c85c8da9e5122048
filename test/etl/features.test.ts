/**
 * The features job's SQL (glue/sql/features.sql), run in DuckDB on customers curated from
 * generated records (with their dirt) by the curate SQL: the column layout the training pipeline
 * relies on, the encodings, and a split by customer that Spark and DuckDB compute alike.
 */
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import {
  CURATED_LINEAGE_COLUMNS,
  FEATURE_COLUMNS,
  featureManifest,
  LABEL_COLUMN,
  SPLIT_BUCKETS,
  splitBucket,
  splitOf,
} from '../../lib/contracts/feature-manifest';
import { CHURN_FIELDS, FIELDS_BY_NAME } from '../../lib/schema/churn';
import { curateFirstRun, curateGenerated, Db, type Row, runFeatures } from '../support/duckdb-etl';
import { checkSqlFile, readSql } from '../support/etl-sql';

const SEED = 4711;
const COUNT = 20_000;
const FRACTIONS = { train: 0.7, validation: 0.15 } as const;
const TOLERANCE = 0.02;
const MANIFEST = featureManifest();

/** The split bucket expression of the checked-in features.sql, to run on any ids. */
function bucketExpression(): string {
  const found = /^\s*(.+) AS split_bucket$/m.exec(readSql('features.sql'));
  if (found?.[1] === undefined) {
    throw new Error('features.sql computes no split_bucket');
  }
  return found[1];
}

describe('features.sql', () => {
  it('starts with its comment block and stays in the common subset of Spark SQL and DuckDB', () => {
    expect(checkSqlFile('features.sql')).toEqual([]);
  });
});

describe('the feature manifest', () => {
  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(MANIFEST))).toEqual(MANIFEST);
  });

  it('lists FEATURE_COLUMNS in order, each once, with the label apart', () => {
    expect(MANIFEST.label).toBe(LABEL_COLUMN);
    expect(LABEL_COLUMN).toBe('churn');
    expect(MANIFEST.columns.map((c) => c.name)).toEqual(FEATURE_COLUMNS);
    expect(new Set(FEATURE_COLUMNS).size).toBe(FEATURE_COLUMNS.length);
    expect(FEATURE_COLUMNS).not.toContain(LABEL_COLUMN);
  });

  it('accounts for every schema field: the label, a feature source, or dropped with a reason', () => {
    const sources = new Set(MANIFEST.columns.map((c) => c.source));
    const dropped = new Map(MANIFEST.dropped.map((d) => [d.name, d.reason]));
    for (const field of CHURN_FIELDS) {
      const roles = [field.name === LABEL_COLUMN, sources.has(field.name), dropped.has(field.name)];
      expect([field.name, roles.filter(Boolean).length]).toEqual([field.name, 1]);
    }
    for (const { name, reason } of MANIFEST.dropped) {
      expect([name, reason.length > 10]).toEqual([name, true]);
    }
  });

  it('drops identifiers, times, lineage and the charges (each a multiple of its minutes)', () => {
    expect(MANIFEST.dropped.map((d) => d.name).sort()).toEqual(
      [
        'customer_id',
        'event_time',
        'day_charge',
        'evening_charge',
        'night_charge',
        'international_charge',
        ...CURATED_LINEAGE_COLUMNS.map((c) => c.name),
      ].sort(),
    );
  });

  it('encodes numbers as numbers, booleans as 0/1 and every category value one-hot', () => {
    for (const column of MANIFEST.columns) {
      const field = FIELDS_BY_NAME.get(column.source);
      const expected = { integer: 'numeric', double: 'numeric', boolean: 'boolean', category: 'one-hot' } as const;
      expect(expected[field?.type as keyof typeof expected]).toBe(column.encoding);
    }
    for (const field of CHURN_FIELDS.filter((f) => f.type === 'category')) {
      const group = MANIFEST.columns.filter((c) => c.source === field.name);
      expect(group.map((c) => c.category)).toEqual(field.values);
    }
    expect(FEATURE_COLUMNS).toEqual(expect.arrayContaining(['state_ca', 'area_code_415', 'gender_female']));
  });
});

describe(`features of ${COUNT.toLocaleString('en')} generated records`, () => {
  let db: Db;
  let customers: Row[];
  let rows: Row[];

  beforeAll(async () => {
    db = await Db.open();
    await curateGenerated(db, { seed: SEED, count: COUNT, dirt: DEFAULT_DIRT });
    await runFeatures(db, FRACTIONS);
    customers = await db.rows(`SELECT * FROM customers WHERE ${LABEL_COLUMN} IS NOT NULL ORDER BY customer_id`);
    rows = await db.rows('SELECT * FROM features');
  });

  afterAll(() => db.close());

  it('has the label first, then FEATURE_COLUMNS, then split', async () => {
    expect(await db.columns(readSql('features.sql'))).toEqual([LABEL_COLUMN, ...FEATURE_COLUMNS, 'split']);
  });

  it('holds no identifier, time, lineage or charge column', async () => {
    const columns = Object.keys(rows[0] ?? {});
    const curated = await db.columns('SELECT * FROM customers');
    const passedThrough = columns.filter((c) => curated.includes(c));
    expect(passedThrough).toEqual(
      [LABEL_COLUMN, ...MANIFEST.columns.filter((c) => c.encoding !== 'one-hot').map((c) => c.name)].sort(
        (a, b) => columns.indexOf(a) - columns.indexOf(b),
      ),
    );
    for (const name of ['customer_id', 'event_time', 'ingest_time', 'source', 'origin', 'snapshot_month']) {
      expect(columns).not.toContain(name);
    }
    expect(columns.filter((c) => c.endsWith('_charge'))).toEqual([]);
  });

  it('has one row per labelled customer, in customer order, with the label as 0/1', async () => {
    expect(await db.count(`SELECT count(*) FROM customers WHERE ${LABEL_COLUMN} IS NULL`)).toBeGreaterThan(0);
    expect(customers.length).toBeGreaterThan(COUNT * 0.9);
    expect(rows).toHaveLength(customers.length);
    expect(rows.map((r) => r[LABEL_COLUMN])).toEqual(customers.map((c) => (c[LABEL_COLUMN] === true ? 1 : 0)));
    expect(new Set(rows.map((r) => r[LABEL_COLUMN]))).toEqual(new Set([0, 1]));
  });

  it('keeps numbers as they are, NULL included, and booleans as 0/1 or NULL', () => {
    const wrong: unknown[] = [];
    let nulls = 0;
    rows.forEach((row, i) => {
      const customer = customers[i] ?? {};
      for (const column of MANIFEST.columns.filter((c) => c.encoding !== 'one-hot')) {
        const value = customer[column.source];
        const expected = column.encoding === 'numeric' || value === null ? value : value === true ? 1 : 0;
        if (row[column.name] !== expected) {
          wrong.push({ row: i, column: column.name, value, written: row[column.name] });
        }
        nulls += value === null ? 1 : 0;
      }
    });
    expect(wrong).toEqual([]);
    expect(nulls).toBeGreaterThan(0);
  });

  it('one-hot encodes each category: exactly one 1 for a value, all zeros for NULL', () => {
    const groups = [...new Set(MANIFEST.columns.filter((c) => c.encoding === 'one-hot').map((c) => c.source))];
    const wrong: unknown[] = [];
    let missing = 0;
    rows.forEach((row, i) => {
      for (const source of groups) {
        const value = customers[i]?.[source] ?? null;
        const group = MANIFEST.columns.filter((c) => c.source === source);
        const bits = group.map((c) => row[c.name]);
        const expected = group.map((c) => (c.category === value ? 1 : 0));
        if (JSON.stringify(bits) !== JSON.stringify(expected)) {
          wrong.push({ row: i, source, value, bits });
        }
        missing += value === null ? 1 : 0;
      }
    });
    expect(wrong).toEqual([]);
    expect(missing).toBeGreaterThan(0);
  });

  it(`splits customers ${FRACTIONS.train} / ${FRACTIONS.validation} / rest, within ±${TOLERANCE * 100}%`, () => {
    const share = (split: string): number => rows.filter((r) => r.split === split).length / rows.length;
    expect(Math.abs(share('train') - FRACTIONS.train)).toBeLessThan(TOLERANCE);
    expect(Math.abs(share('validation') - FRACTIONS.validation)).toBeLessThan(TOLERANCE);
    expect(Math.abs(share('test') - (1 - FRACTIONS.train - FRACTIONS.validation))).toBeLessThan(TOLERANCE);
  });

  it('splits by customer id alone, as the TypeScript formula (md5 by node:crypto) does', () => {
    const splits = rows.map((r) => r.split);
    expect(splits).toEqual(customers.map((c) => splitOf(String(c.customer_id), FRACTIONS)));
  });

  it('gives the same split on a second run and on a subset of the customers', async () => {
    const again = await Db.open();
    try {
      await curateGenerated(again, { seed: SEED, count: COUNT, dirt: DEFAULT_DIRT });
      await again.run(`DELETE FROM customers WHERE customer_id > 'C0010000'`);
      await runFeatures(again, FRACTIONS);
      const subset = await again.rows('SELECT split FROM features');
      const whole = rows.filter((_, i) => String(customers[i]?.customer_id) <= 'C0010000').map((r) => r.split);
      expect(subset.map((r) => r.split)).toEqual(whole);
      expect(subset.length).toBeGreaterThan(9000);
    } finally {
      again.close();
    }
  });
});

describe('the split bucket', () => {
  it('is the same number in DuckDB as in TypeScript for many ids', async () => {
    const ids = [
      ...Array.from({ length: 3000 }, (_, i) => `C${String(i + 1).padStart(7, '0')}`),
      ...Array.from({ length: 2000 }, (_, i) => `cust-${(i * 7919).toString(36)}_${i}`),
      '0',
      '_-9',
      `${'a'.repeat(32)}9${'Z'.repeat(31)}`,
    ];
    const db = await Db.open();
    try {
      await db.run('CREATE TABLE ids (customer_id VARCHAR)');
      const appender = await db.connection.createAppender('ids');
      for (const id of ids) {
        appender.appendVarchar(id);
        appender.endRow();
      }
      appender.closeSync();
      const buckets = await db.rows(`SELECT customer_id, ${bucketExpression()} AS bucket FROM ids`);
      expect(buckets.map((r) => [r.customer_id, Number(r.bucket)])).toEqual(ids.map((id) => [id, splitBucket(id)]));
      const seen = new Set(buckets.map((r) => Number(r.bucket)));
      expect(Math.min(...seen)).toBe(0);
      expect(Math.max(...seen)).toBe(SPLIT_BUCKETS - 1);
    } finally {
      db.close();
    }
  });

  it('puts a bucket on the boundary into the next split', async () => {
    const id = 'C0000001';
    const bucket = splitBucket(id);
    const db = await Db.open();
    try {
      const fields = Object.fromEntries(CHURN_FIELDS.map((f) => [f.name, null]));
      const row = { ...fields, customer_id: id, event_time: '2026-01-01T00:00:00Z', [LABEL_COLUMN]: 'true' };
      await curateFirstRun(db, [
        { ...row, source: 'stream', ingest_time: '2026-01-01T00:00:01Z', origin: 'stream/x.gz' },
      ]);
      const split = async (train: number, validation: number): Promise<unknown> => {
        await runFeatures(db, { train, validation });
        return (await db.rows('SELECT split FROM features'))[0]?.split;
      };
      expect(await split(bucket / SPLIT_BUCKETS, 0.1)).toBe('validation');
      expect(await split((bucket + 1) / SPLIT_BUCKETS, 0)).toBe('train');
      expect(await split(0, (bucket + 1) / SPLIT_BUCKETS)).toBe('validation');
      expect(await split(0, bucket / SPLIT_BUCKETS)).toBe('test');
    } finally {
      db.close();
    }
  });
});
