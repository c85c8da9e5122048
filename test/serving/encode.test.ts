/**
 * The serving encoder against the training SQL: a customer encoded by `lib/serving/encode.ts` must
 * be the very feature row `glue/sql/features.sql` wrote for it (without the label and the split),
 * or the endpoint scores something other than what the model learned from.
 *
 * features.sql writes no customer id: its rows are its labelled customers ordered by
 * `customer_id` (its header says so, and test/etl/features.test.ts relies on it too). So the
 * rows are joined to the customers by position in that order; each row's label is checked against
 * its customer's as well, so a join that slipped would show.
 */
import fc from 'fast-check';
import { NO_DIRT } from '../../lib/schema/dirt';
import { generateCustomers } from '../../lib/schema/generator';
import { FEATURE_COLUMNS, featureManifest, LABEL_COLUMN } from '../../lib/contracts/feature-manifest';
import { CHURN_FIELDS, type FieldSpec } from '../../lib/schema/churn';
import { encodeFeatureCells, encodeFeatureLine, FeatureEncodingError } from '../../lib/serving/encode';
import { curateGenerated, Db, type Row, runFeatures } from '../support/duckdb-etl';

const SEED = 9176;
const COUNT = 2_000;

/** Runs features.sql over the curated customers and returns its rows. */
async function features(db: Db): Promise<Row[]> {
  await runFeatures(db);
  return db.rows('SELECT * FROM features');
}

/** A features.sql row's feature cells as CSV text: numbers in shortest round-trip form, NULL empty. */
function sqlCells(row: Row): string[] {
  return FEATURE_COLUMNS.map((name) => {
    const value = row[name];
    if (value === null || value === undefined) {
      return '';
    }
    if (typeof value !== 'number') {
      throw new Error(`features.sql column ${name} holds a ${typeof value}; expected a number or NULL`);
    }
    return String(value);
  });
}

/** Customers in features.sql's row order: labelled only, by customer_id (ids are ASCII, so code-unit order is byte order). */
function inFeatureOrder<T extends Readonly<Record<string, unknown>>>(customers: readonly T[]): T[] {
  return customers
    .filter((c) => c[LABEL_COLUMN] !== null && c[LABEL_COLUMN] !== undefined)
    .sort((a, b) => (String(a.customer_id) < String(b.customer_id) ? -1 : 1));
}

/** Each row's differences from the encoder's cells, by column, for a readable failure. */
function differences(rows: readonly Row[], customers: readonly Readonly<Record<string, unknown>>[]): unknown[] {
  const wrong: unknown[] = [];
  rows.forEach((row, i) => {
    const customer = customers[i] ?? {};
    const expectedLabel = customer[LABEL_COLUMN] === true ? 1 : 0;
    if (row[LABEL_COLUMN] !== expectedLabel) {
      wrong.push({ customer: customer.customer_id, column: LABEL_COLUMN, sql: row[LABEL_COLUMN], expectedLabel });
    }
    const sql = sqlCells(row);
    const encoded = encodeFeatureLine(customer).split(',');
    FEATURE_COLUMNS.forEach((name, j) => {
      if (sql[j] !== encoded[j]) {
        wrong.push({ customer: customer.customer_id, column: name, sql: sql[j], encoded: encoded[j] });
      }
    });
  });
  return wrong;
}

describe('encodeFeatureLine is what features.sql writes for the same customer', () => {
  let db: Db;

  beforeEach(async () => {
    db = await Db.open();
  });
  afterEach(() => db.close());

  it(`for ${COUNT.toLocaleString('en')} generated customers (no dirt), curated through both paths`, async () => {
    await curateGenerated(db, { seed: SEED, count: COUNT, dirt: NO_DIRT });
    const rows = await features(db);
    const customers = inFeatureOrder(generateCustomers({ seed: SEED, count: COUNT }).map((c) => c.record));

    expect(customers).toHaveLength(COUNT); // no dirt: every customer is labelled and curated
    expect(rows).toHaveLength(customers.length);
    expect(differences(rows, customers)).toEqual([]);
    // Whole lines, too: the encoder's line is the SQL row's feature cells joined by commas.
    expect(rows.map((r) => sqlCells(r).join(','))).toEqual(customers.map((c) => encodeFeatureLine(c)));
  });

  it('for curated rows with missing values (empty numeric and boolean fields, all-zero one-hot groups)', async () => {
    await curateGenerated(db, { seed: SEED, count: COUNT, dirt: { ...NO_DIRT, missing: 0.2 } });
    const rows = await features(db);
    const customers = inFeatureOrder(await db.rows('SELECT * FROM customers'));

    expect(rows).toHaveLength(customers.length);
    expect(customers.length).toBeLessThan(COUNT); // unlabelled customers are left out of both
    expect(differences(rows, customers)).toEqual([]);
    const cells = customers.map((c) => encodeFeatureCells(c));
    expect(cells.some((row) => row.includes(''))).toBe(true);
    expect(customers.some((c) => c.state === null)).toBe(true);
  });

  it('for any clean records, extreme values and nulls included (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cleanRecord(), { minLength: 1, maxLength: 25 }), async (drawn) => {
        const records = drawn.map((r, i) => ({ ...r, customer_id: `C${String(i).padStart(4, '0')}` }));
        await loadCustomers(db, records);
        const rows = await features(db);
        const customers = inFeatureOrder(records);
        expect(rows).toHaveLength(customers.length);
        expect(differences(rows, customers)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});

/** A clean record: every field of the schema, canonical or null (required fields never null). */
function cleanRecord(): fc.Arbitrary<Record<string, string | number | boolean | null>> {
  const entries = CHURN_FIELDS.map((field) => {
    const value = valueOf(field);
    return [field.name, field.required ? value : fc.option(value, { nil: null, freq: 4 })] as const;
  });
  return fc.record(Object.fromEntries(entries));
}

function valueOf(field: FieldSpec): fc.Arbitrary<string | number | boolean> {
  switch (field.type) {
    case 'string':
      return fc.constant('C0000');
    case 'timestamp':
      return fc.constant('2026-01-01T00:00:00.000Z');
    case 'category':
      return fc.constantFrom(...(field.values ?? []));
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: field.min ?? 0, max: field.max ?? 0 });
    case 'double':
      return fc.double({ min: field.min ?? 0, max: field.max ?? 0, noNaN: true });
  }
}

/** Creates (or replaces) table `customers` with typed columns, as the curated table has them, holding these records. */
async function loadCustomers(
  db: Db,
  records: readonly Readonly<Record<string, string | number | boolean | null>>[],
): Promise<void> {
  const sqlType = { string: 'VARCHAR', category: 'VARCHAR', timestamp: 'VARCHAR', integer: 'INTEGER' } as const;
  const columns = CHURN_FIELDS.map(
    (f) => `${f.name} ${f.type === 'double' ? 'DOUBLE' : f.type === 'boolean' ? 'BOOLEAN' : sqlType[f.type]}`,
  );
  await db.run(`CREATE OR REPLACE TABLE customers (${columns.join(', ')})`);
  const appender = await db.connection.createAppender('customers');
  for (const record of records) {
    for (const field of CHURN_FIELDS) {
      const value = record[field.name] ?? null;
      if (value === null) {
        appender.appendNull();
      } else if (typeof value === 'boolean') {
        appender.appendBoolean(value);
      } else if (typeof value === 'number') {
        if (field.type === 'double') {
          appender.appendDouble(value);
        } else {
          appender.appendInteger(value);
        }
      } else {
        appender.appendVarchar(value);
      }
    }
    appender.endRow();
  }
  appender.closeSync();
}

describe('encodeFeatureCells', () => {
  const [customer] = generateCustomers({ seed: 1, count: 1 }).map((c) => c.record);
  const record = customer ?? {};
  const manifest = featureManifest();
  const at = (name: string): number => FEATURE_COLUMNS.indexOf(name);

  it('gives one cell per FEATURE_COLUMNS entry, and no label', () => {
    expect(encodeFeatureCells(record)).toHaveLength(FEATURE_COLUMNS.length);
    expect(FEATURE_COLUMNS).not.toContain(LABEL_COLUMN);
    expect(encodeFeatureLine(record).split(',')).toEqual(encodeFeatureCells(record));
  });

  it('encodes a known record cell by cell', () => {
    const cells = encodeFeatureCells({
      ...record,
      state: 'CA',
      account_length: 128,
      area_code: '415',
      international_plan: true,
      voice_mail_plan: false,
      day_minutes: 265.1,
      gender: 'female',
      age: 41,
    });
    expect(cells[at('state_ca')]).toBe('1');
    expect(cells.filter((c, i) => manifest.columns[i]?.source === 'state' && c === '1')).toHaveLength(1);
    expect(cells[at('account_length')]).toBe('128');
    expect([cells[at('area_code_408')], cells[at('area_code_415')], cells[at('area_code_510')]]).toEqual([
      '0',
      '1',
      '0',
    ]);
    expect([cells[at('international_plan')], cells[at('voice_mail_plan')]]).toEqual(['1', '0']);
    expect(cells[at('day_minutes')]).toBe('265.1');
    expect([cells[at('gender_female')], cells[at('gender_male')], cells[at('gender_other')]]).toEqual(['1', '0', '0']);
    expect(cells[at('age')]).toBe('41');
  });

  it('writes missing numbers and booleans as empty fields, and a missing category as all zeros', () => {
    const withoutAge = Object.fromEntries(Object.entries(record).filter(([name]) => name !== 'age'));
    const cells = encodeFeatureCells({ ...withoutAge, account_length: null, voice_mail_plan: null, state: null });
    expect(cells[at('account_length')]).toBe('');
    expect(cells[at('age')]).toBe(''); // absent counts as missing
    expect(cells[at('voice_mail_plan')]).toBe('');
    expect(manifest.columns.flatMap((c, i) => (c.source === 'state' ? [cells[i]] : []))).toEqual(
      Array.from({ length: 51 }, () => '0'),
    );
  });

  it('encodes a record of nothing but missing values', () => {
    const empty = Object.fromEntries(CHURN_FIELDS.map((f) => [f.name, null]));
    expect(encodeFeatureCells(empty)).toEqual(manifest.columns.map((c) => (c.encoding === 'one-hot' ? '0' : '')));
  });

  it('ignores the label, the id and the dropped columns', () => {
    expect(
      encodeFeatureLine({ ...record, churn: null, customer_id: 'x', day_charge: 'ignored', event_time: null }),
    ).toBe(encodeFeatureLine(record));
  });

  it.each([
    ['state', 'XX', /^state is "XX", which is not one of its canonical values \(AK, AL, .*WY\)/],
    ['state', 'ca', /^state is "ca", which is not one of its canonical values/],
    ['gender', 'F', /^gender is "F", which is not one of its canonical values \(female, male, other\)/],
    ['area_code', 415, /^area_code is 415, which is not one of its canonical values \(408, 415, 510\)/],
    ['international_plan', 'yes', /^international_plan is "yes"; expected true, false or null$/],
    ['account_length', '128', /^account_length is "128"; expected a finite number or null$/],
    ['account_length', 12.5, /^account_length is 12.5; expected a whole number or null$/],
    ['day_minutes', Number.NaN, /^day_minutes is NaN; expected a finite number or null$/],
  ])('refuses %s = %p with an error naming both, never a silent row', (field, value, message) => {
    const encode = (): string => encodeFeatureLine({ ...record, [field]: value });
    expect(encode).toThrow(FeatureEncodingError);
    expect(encode).toThrow(message);
    try {
      encode();
    } catch (error) {
      expect(error).toMatchObject({ name: 'FeatureEncodingError', field, value });
    }
  });
});
