import * as fs from 'node:fs';
import { type DuckDBConnection, DuckDBInstance, DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import { generateCustomers } from '../../lib/schema/generator';
import { ANALYSIS_QUERIES, ANALYSIS_SQL_DIR, type AnalysisQuery, DUCKDB_SHIMS } from '../../lib/etl/analysis-queries';
import { CHURN_FIELDS, type FieldSpec, LABEL_FIELD } from '../../lib/schema/churn';

/**
 * The analysis queries run, as checked in, in DuckDB against a `customers` table shaped like the
 * curated one and filled with generated customers (some values set to NULL on purpose). Every
 * figure they return is checked against the same figure computed here in TypeScript.
 */

const ROWS = 5000;
/** Relative tolerance for floating-point figures (absolute below 1). */
const TOLERANCE = 1e-9;

type Value = string | number | boolean | null;
type Row = Record<string, DuckDBValue>;

/** The columns the curate job adds to the schema's: lineage and the partition. */
const LINEAGE_COLUMNS = [
  { name: 'source', sqlType: 'VARCHAR' },
  { name: 'ingest_time', sqlType: 'TIMESTAMP' },
  { name: 'origin', sqlType: 'VARCHAR' },
  { name: 'snapshot_month', sqlType: 'VARCHAR' },
] as const;

const NUMERIC_FIELDS = CHURN_FIELDS.filter((f) => f.type === 'integer' || f.type === 'double');
const NOMINAL_FIELDS = CHURN_FIELDS.filter((f) => f.type === 'category' || f.type === 'boolean');
const FEATURES = CHURN_FIELDS.filter(
  (f) => f.type === 'integer' || f.type === 'double' || (f.type === 'boolean' && f.label !== true),
);
const ALL_COLUMNS = [...CHURN_FIELDS.map((f) => f.name), ...LINEAGE_COLUMNS.map((c) => c.name)];

/**
 * Functions both engines have with the same meaning for the arguments used here (checked against
 * the Trino and DuckDB function references). A query may call only these and the shimmed ones.
 */
const SHARED_FUNCTIONS = new Set(['count', 'sum', 'avg', 'stddev_samp', 'min', 'max', 'corr', 'abs']);

/** The generated customers, with NULLs put in on purpose: the table's rows, by column name. */
const ROWS_DATA: readonly Readonly<Record<string, Value>>[] = generateCustomers({ seed: 7, count: ROWS }).map(
  (customer, i) => {
    const row: Record<string, Value> = {};
    CHURN_FIELDS.forEach((field, f) => {
      // Optional fields lose about one value in 40, each field on different rows; the label too,
      // which leaves those customers unlabelled.
      row[field.name] = !field.required && (i * 31 + f * 17) % 41 === 0 ? null : (customer.record[field.name] ?? null);
    });
    row.source = i % 3 === 0 ? 'batch' : 'stream';
    row.ingest_time = String(customer.record.event_time);
    row.origin = `s3://raw/${String(row.source)}/part-${i % 7}.json`;
    row.snapshot_month = String(customer.record.event_time).slice(0, 7);
    return row;
  },
);

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await createCustomersTable(connection);
  for (const shim of DUCKDB_SHIMS) {
    await connection.run(shim.sql);
  }
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe('ANALYSIS_QUERIES', () => {
  it('lists every SQL file in glue/sql/analysis once, with its text', () => {
    const files = fs.readdirSync(ANALYSIS_SQL_DIR).filter((f) => f.endsWith('.sql'));
    expect(ANALYSIS_QUERIES.map((q) => q.file).sort()).toEqual(files.sort());
    for (const query of ANALYSIS_QUERIES) {
      expect(query.sql).toBe(fs.readFileSync(`${ANALYSIS_SQL_DIR}/${query.file}`, 'utf8'));
    }
  });

  it('gives names and descriptions that Athena accepts for named queries', () => {
    const names = ANALYSIS_QUERIES.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    for (const query of ANALYSIS_QUERIES) {
      expect(query.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(query.name.length).toBeLessThanOrEqual(128);
      expect(query.description.length).toBeGreaterThan(0);
      expect(query.description.length).toBeLessThanOrEqual(1024);
      expect(Buffer.byteLength(query.sql, 'utf8')).toBeLessThanOrEqual(262_144);
    }
  });

  it.each(ANALYSIS_QUERIES.map((q) => [q.file, q]))(
    '%s opens with a comment naming the query, what it answers and its dialect',
    (_file, query) => {
      const header = headerOf(query);
      expect(header[0]).toBe(`-- ${query.name}`);
      expect(header.some((line) => line.startsWith('-- Answers: '))).toBe(true);
      expect(header.some((line) => line.startsWith('-- Shared with DuckDB: '))).toBe(true);
      expect(header.some((line) => line.startsWith('-- Trino-only: '))).toBe(true);
      expect(header.join('\n')).toContain('Lines the tests rewrite: none.');
    },
  );

  it.each(ANALYSIS_QUERIES.map((q) => [q.file, q]))(
    '%s is one statement that DuckDB parses unchanged, without the shims',
    async (_file, query) => {
      const ast = await parse(query.sql);
      expect(ast.error).toBe(false);
      expect(ast.statements).toHaveLength(1);
      expect(query.sql.trimEnd().endsWith(';')).toBe(false);
    },
  );

  it.each(ANALYSIS_QUERIES.map((q) => [q.file, q]))(
    '%s calls exactly the functions its header lists, each shared or shimmed',
    async (_file, query) => {
      const header = headerOf(query);
      const shared = listed(header, 'Shared with DuckDB');
      const trinoOnly = listed(header, 'Trino-only');
      const { functions } = walk(await parse(query.sql));

      expect([...functions].sort()).toEqual([...shared, ...trinoOnly].sort());
      expect(shared.filter((f) => !SHARED_FUNCTIONS.has(f))).toEqual([]);
      expect(trinoOnly.filter((f) => !DUCKDB_SHIMS.some((s) => s.trinoFunction === f))).toEqual([]);
    },
  );

  it.each(ANALYSIS_QUERIES.map((q) => [q.file, q]))(
    '%s reads only the unqualified customers table',
    async (_file, query) => {
      const { tables, ctes } = walk(await parse(query.sql));
      const base = [...tables].filter((t) => !ctes.has(t.name));
      expect(base).toEqual([{ schema: '', name: 'customers' }]);
    },
  );
});

describe('DUCKDB_SHIMS', () => {
  it('makes approx_percentile the exact, interpolated quantile in DuckDB', async () => {
    const [row] = await query(
      'SELECT approx_percentile(x, 0.25) AS q1, approx_percentile(x, 0.5) AS q2 FROM (VALUES (1), (2), (4), (10)) AS t(x)',
    );
    expect(row).toEqual({ q1: 1.75, q2: 3 });
  });
});

describe('describe_numeric.sql', () => {
  let rows: Row[];
  beforeAll(async () => {
    rows = await query(sqlOf('describe_numeric.sql'));
  });

  it('has one row per numeric column of the schema', () => {
    expect(rows.map((r) => r.column_name).sort()).toEqual(NUMERIC_FIELDS.map((f) => f.name).sort());
  });

  it.each(NUMERIC_FIELDS.map((f) => [f.name, f]))(
    '%s: count, mean, stddev, min, max and quartiles equal those computed here',
    (_name, field) => {
      const row = rowFor(rows, 'column_name', field.name);
      const xs = numbers(field.name);
      const sorted = [...xs].sort((a, b) => a - b);
      expect(toNumber(row.count)).toBe(xs.length);
      expectClose(row.mean, mean(xs));
      expectClose(row.stddev, stddevSamp(xs));
      expectClose(row.min, sorted[0]);
      expectClose(row.max, sorted[sorted.length - 1]);
      expectClose(row.p25, quantileCont(sorted, 0.25));
      expectClose(row.p50, quantileCont(sorted, 0.5));
      expectClose(row.p75, quantileCont(sorted, 0.75));
    },
  );
});

describe('missing_counts.sql', () => {
  let rows: Row[];
  beforeAll(async () => {
    rows = await query(sqlOf('missing_counts.sql'));
  });

  it('has one row per column of the curated table', () => {
    expect(rows.map((r) => r.column_name).sort()).toEqual([...ALL_COLUMNS].sort());
  });

  it.each(ALL_COLUMNS.map((c) => [c]))('%s: NULL count and share equal those counted here', (column) => {
    const row = rowFor(rows, 'column_name', column);
    const missing = ROWS_DATA.filter((r) => r[column] === null).length;
    expect(toNumber(row.row_count)).toBe(ROWS);
    expect(toNumber(row.missing)).toBe(missing);
    expectClose(row.missing_share, missing / ROWS);
  });

  it('sees the NULLs put in on purpose, worst column first', () => {
    const missing = rows.map((r) => toNumber(r.missing));
    expect(Math.max(...missing)).toBeGreaterThan(0);
    expect(missing).toEqual([...missing].sort((a, b) => b - a));
    expect(toNumber(rowFor(rows, 'column_name', 'customer_id').missing)).toBe(0);
  });
});

describe('category_frequencies.sql', () => {
  let rows: Row[];
  beforeAll(async () => {
    rows = await query(sqlOf('category_frequencies.sql'));
  });

  it('covers every nominal and boolean column of the schema', () => {
    expect(new Set(rows.map((r) => r.column_name))).toEqual(new Set(NOMINAL_FIELDS.map((f) => f.name)));
  });

  it.each(NOMINAL_FIELDS.map((f) => [f.name, f]))(
    '%s: counts per value (NULL included) equal those counted here, summing to the rows and shares to 1',
    (_name, field) => {
      const ofColumn = rows.filter((r) => r.column_name === field.name);
      const expected = new Map<string | null, number>();
      for (const r of ROWS_DATA) {
        const value = r[field.name] ?? null;
        const key = value === null ? null : String(value);
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const actual = new Map(ofColumn.map((r) => [r.value === null ? null : String(r.value), toNumber(r.count)]));
      expect(actual).toEqual(expected);
      expect(actual.has(null)).toBe(true);
      expect(sum(ofColumn.map((r) => toNumber(r.count)))).toBe(ROWS);
      expectClose(sum(ofColumn.map((r) => toNumber(r.share))), 1);
      for (const r of ofColumn) {
        expectClose(r.share, toNumber(r.count) / ROWS);
        expect(allowedValues(field)).toContain(r.value);
      }
    },
  );
});

describe('churn_correlation.sql', () => {
  let rows: Row[];
  beforeAll(async () => {
    rows = await query(sqlOf('churn_correlation.sql'));
  });

  it('has one row per numeric and boolean feature, the label excluded', () => {
    expect(rows.map((r) => r.feature).sort()).toEqual(FEATURES.map((f) => f.name).sort());
  });

  it.each(FEATURES.map((f) => [f.name, f]))(
    '%s: Pearson correlation with churn over labelled customers equals the one computed here',
    (_name, field) => {
      const row = rowFor(rows, 'feature', field.name);
      const pairs = ROWS_DATA.filter((r) => r[LABEL_FIELD.name] !== null && r[field.name] !== null).map(
        (r) => [Number(r[field.name]), Number(r[LABEL_FIELD.name])] as const,
      );
      expect(toNumber(row.n)).toBe(pairs.length);
      expectClose(row.correlation, pearson(pairs));
    },
  );

  it('finds customer-service calls positively correlated with churn, as the generator makes them', () => {
    expect(toNumber(rowFor(rows, 'feature', 'customer_service_calls').correlation)).toBeGreaterThan(0.1);
  });

  it('orders the features by the strength of their correlation, either sign', () => {
    const strengths = rows.map((r) => Math.abs(toNumber(r.correlation)));
    expect(strengths).toEqual([...strengths].sort((a, b) => b - a));
  });
});

describe('outliers_iqr.sql', () => {
  let rows: Row[];
  beforeAll(async () => {
    rows = await query(sqlOf('outliers_iqr.sql'));
  });

  it('has one row per numeric column of the schema', () => {
    expect(rows.map((r) => r.column_name).sort()).toEqual(NUMERIC_FIELDS.map((f) => f.name).sort());
  });

  it.each(NUMERIC_FIELDS.map((f) => [f.name, f]))(
    '%s: quartiles, fences and counts outside them equal those computed here',
    (_name, field) => {
      const row = rowFor(rows, 'column_name', field.name);
      const xs = numbers(field.name);
      const sorted = [...xs].sort((a, b) => a - b);
      const q1 = quantileCont(sorted, 0.25);
      const q3 = quantileCont(sorted, 0.75);
      const lower = q1 - 1.5 * (q3 - q1);
      const upper = q3 + 1.5 * (q3 - q1);
      expectClose(row.q1, q1);
      expectClose(row.q3, q3);
      expectClose(row.iqr, q3 - q1);
      expectClose(row.lower_fence, lower);
      expectClose(row.upper_fence, upper);
      expect(toNumber(row.below)).toBe(xs.filter((x) => x < lower).length);
      expect(toNumber(row.above)).toBe(xs.filter((x) => x > upper).length);
    },
  );

  it('finds outliers where the data has them (customer-service calls above the upper fence)', () => {
    expect(toNumber(rowFor(rows, 'column_name', 'customer_service_calls').above)).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// The table

function sqlType(field: FieldSpec): string {
  switch (field.type) {
    case 'string':
    case 'category':
      return 'VARCHAR';
    case 'integer':
      return 'INTEGER';
    case 'double':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMP';
  }
}

/** `customers` as the curate job writes it: the schema's columns with their types, lineage, partition. */
async function createCustomersTable(db: DuckDBConnection): Promise<void> {
  const columns: readonly { name: string; sqlType: string }[] = [
    ...CHURN_FIELDS.map((f) => ({ name: f.name, sqlType: sqlType(f) })),
    ...LINEAGE_COLUMNS,
  ];
  await db.run(`CREATE TABLE customers (${columns.map((c) => `${c.name} ${c.sqlType}`).join(', ')})`);
  const appender = await db.createAppender('customers');
  for (const row of ROWS_DATA) {
    for (const column of columns) {
      const value = row[column.name] ?? null;
      if (value === null) {
        appender.appendNull();
      } else if (column.sqlType === 'TIMESTAMP') {
        appender.appendTimestamp(new DuckDBTimestampValue(BigInt(Date.parse(String(value))) * 1000n));
      } else if (column.sqlType === 'INTEGER') {
        appender.appendInteger(Number(value));
      } else if (column.sqlType === 'DOUBLE') {
        appender.appendDouble(Number(value));
      } else if (column.sqlType === 'BOOLEAN') {
        appender.appendBoolean(value === true);
      } else {
        appender.appendVarchar(String(value));
      }
    }
    appender.endRow();
  }
  appender.closeSync();
}

// ---------------------------------------------------------------------------------------------
// Running and parsing SQL

async function query(sql: string): Promise<Row[]> {
  return (await connection.runAndReadAll(sql)).getRowObjects();
}

function sqlOf(file: string): string {
  const found = ANALYSIS_QUERIES.find((q) => q.file === file);
  if (found === undefined) {
    throw new Error(`ANALYSIS_QUERIES lists no ${file}`);
  }
  return found.sql;
}

interface ParsedSql {
  readonly error: boolean;
  readonly statements?: unknown[];
}

/** DuckDB's parse tree of `sql` (parsed only: names are not looked up, so Trino-only functions pass). */
async function parse(sql: string): Promise<ParsedSql> {
  const [row] = await query(`SELECT json_serialize_sql(${quote(sql)}) AS ast`);
  return JSON.parse(String(row?.ast)) as ParsedSql;
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The functions called (operators left out), the tables read and the CTEs defined in a parse tree. */
function walk(tree: unknown): {
  functions: Set<string>;
  tables: { schema: string; name: string }[];
  ctes: Set<string>;
} {
  const functions = new Set<string>();
  const tables: { schema: string; name: string }[] = [];
  const ctes = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) {
      return;
    }
    const n = node as Record<string, unknown>;
    if (typeof n.function_name === 'string' && n.is_operator !== true) {
      functions.add(n.function_name === 'count_star' ? 'count' : n.function_name);
    }
    if (n.type === 'BASE_TABLE' && typeof n.table_name === 'string') {
      const table = { schema: String(n.schema_name), name: n.table_name };
      if (!tables.some((t) => t.schema === table.schema && t.name === table.name)) {
        tables.push(table);
      }
    }
    const cteMap = n.cte_map as { map?: { key: string }[] } | undefined;
    for (const entry of cteMap?.map ?? []) {
      ctes.add(entry.key);
    }
    Object.values(n).forEach(visit);
  };
  visit(tree);
  return { functions, tables, ctes };
}

/** The leading comment lines of a query. */
function headerOf(query: AnalysisQuery): string[] {
  const lines = query.sql.split('\n');
  const end = lines.findIndex((line) => !line.startsWith('--'));
  return lines.slice(0, end);
}

/** The names a header line `-- <label>: a, b, c` lists (`none` for none). */
function listed(header: readonly string[], label: string): string[] {
  const line = header.find((l) => l.startsWith(`-- ${label}: `));
  const names = (line ?? '').slice(`-- ${label}: `.length).trim();
  return names === 'none' ? [] : names.split(',').map((s) => s.trim());
}

// ---------------------------------------------------------------------------------------------
// Statistics computed here

function numbers(column: string): number[] {
  return ROWS_DATA.map((r) => r[column] ?? null)
    .filter((v) => v !== null)
    .map(Number);
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function mean(xs: readonly number[]): number {
  return sum(xs) / xs.length;
}

function stddevSamp(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(sum(xs.map((x) => (x - m) ** 2)) / (xs.length - 1));
}

/** DuckDB's quantile_cont: linear interpolation at position (n - 1) * p of the sorted values. */
function quantileCont(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const lo = sorted[Math.floor(position)] ?? NaN;
  const hi = sorted[Math.ceil(position)] ?? NaN;
  return lo + (hi - lo) * (position - Math.floor(position));
}

function pearson(pairs: readonly (readonly [number, number])[]): number {
  const mx = mean(pairs.map(([x]) => x));
  const my = mean(pairs.map(([, y]) => y));
  const sxy = sum(pairs.map(([x, y]) => (x - mx) * (y - my)));
  const sxx = sum(pairs.map(([x]) => (x - mx) ** 2));
  const syy = sum(pairs.map(([, y]) => (y - my) ** 2));
  return sxy / Math.sqrt(sxx * syy);
}

// ---------------------------------------------------------------------------------------------
// Reading results

function toNumber(value: DuckDBValue | undefined): number {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  throw new TypeError(`expected a number; received ${String(value)}`);
}

function expectClose(actual: DuckDBValue | undefined, expected: number | undefined): void {
  const e = expected ?? NaN;
  const a = toNumber(actual);
  expect(Math.abs(a - e)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(e)));
}

function rowFor(rows: readonly Row[], key: string, value: string): Row {
  const matches = rows.filter((r) => r[key] === value);
  if (matches.length !== 1) {
    throw new Error(`expected one row with ${key} = ${value}; found ${matches.length}`);
  }
  return matches[0] as Row;
}

/** The values a nominal column may show: its canonical values (true/false for booleans) and NULL. */
function allowedValues(field: FieldSpec): (string | null)[] {
  return [...(field.type === 'boolean' ? ['true', 'false'] : (field.values ?? [])), null];
}
