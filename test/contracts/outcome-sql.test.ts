/**
 * The outcome SQL on DuckDB (the engine the tests have; Athena runs the same text): batch lines
 * validated by the cleaner's rules with the generator's dirt, the valid outcomes of both paths, and
 * the join of each outcome to the latest earlier prediction, whose counts must equal what the
 * generator made.
 */
import fc from 'fast-check';
import { cleanRecord } from '../../lambda/clean-records/record';
import {
  athenaOutcomeBatchLines,
  athenaOutcomeStream,
  OUTCOME_CSV_HEADER,
  type OutcomeJoinRow,
  renderOutcomeBatchValidationQuery,
  renderOutcomeJoinQuery,
  renderRejectedOutcomeLinesQuery,
  renderValidOutcomesQuery,
  summariseOutcomeJoin,
} from '../../lib/contracts/outcome-sql';
import { BOOLEAN_SPELLINGS, MISSING_VALUE_SPELLINGS } from '../../lib/schema/churn';
import { generateCustomers, generateOutcomes } from '../../lib/schema/generator';
import { OUTCOME_FIELDS } from '../../lib/schema/outcome';
import { DEFAULT_OUTCOME_DELAY, type OutcomeWireRecord } from '../../lib/schema/outcome-model';
import { toCsvLines } from '../../lib/schema/wire';
import { Db, type Row } from '../support/duckdb-etl';

const INGEST = { ingestTime: '2026-06-01T00:00:00.000Z', ingestSource: 'kinesis:shardId-000000000000:1' };
const SEED = 15;
const CUSTOMERS = 3000;
const DIRT = { late: 0.1, duplicate: 0.05, unknownCustomer: 0.05, malformed: 0.05 } as const;

let db: Db;
beforeAll(async () => {
  db = await Db.open();
});
afterAll(() => db.close());

/** Creates table `name` (line VARCHAR, origin VARCHAR) holding `lines`, from file `origin`. */
async function loadLines(name: string, lines: readonly string[], origin = 'outcomes-batch/upload.csv'): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${name} (line VARCHAR, origin VARCHAR)`);
  const appender = await db.connection.createAppender(name);
  for (const line of lines) {
    appender.appendVarchar(line);
    appender.appendVarchar(origin);
    appender.endRow();
  }
  appender.closeSync();
}

/** The CSV lines of `records` without their line ends, header first, as Athena reads a file. */
function csvLines(records: Iterable<OutcomeWireRecord>): string[] {
  return [...toCsvLines(records, OUTCOME_FIELDS)].map((l) => l.replace(/\n$/, ''));
}

/** Every value as text, as Athena returns result rows. */
function asText(sql: string, columns: readonly string[]): string {
  return `SELECT ${columns.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ')} FROM (${sql}) AS q`;
}

describe('batch validation', () => {
  const outcomes = [...generateOutcomes({ seed: SEED, count: CUSTOMERS, dirt: DIRT })];
  const lines = csvLines(outcomes);
  let rows: Row[];
  beforeAll(async () => {
    await loadLines('batch_lines', lines);
    rows = await db.rows(renderOutcomeBatchValidationQuery({ linesRelation: 'batch_lines' }));
  });

  it('keeps every line but the header, in a row of its own, with its original text and file', () => {
    expect(lines[0]).toBe(OUTCOME_CSV_HEADER);
    expect(rows.map((r) => r.line).sort()).toEqual(lines.slice(1).sort());
    expect(new Set(rows.map((r) => r.origin))).toEqual(new Set(['outcomes-batch/upload.csv']));
  });

  it("rejects each of the generator's malformed outcomes with the reason the cleaner gives it, and no other", () => {
    const byLine = new Map(rows.map((r) => [r.line as string, r]));
    const malformed = outcomes.filter((o) => o.malformed);
    expect(malformed.length).toBeGreaterThan(100);
    for (const [i, outcome] of outcomes.entries()) {
      const row = byLine.get(lines[i + 1] as string);
      if (!outcome.malformed) {
        expect(row?.reject_reason).toBeNull();
        continue;
      }
      // Text that is not an object is one CSV cell: a malformed line. An object with a field
      // missing or invalid is rejected as the stream's cleaner rejects its JSON.
      const cleaner = cleanRecord(outcome.text, INGEST);
      expect(cleaner.ok).toBe(false);
      const expected = outcome.fields === undefined ? 'malformed_line' : !cleaner.ok && cleaner.reason;
      expect({ line: row?.line, reason: row?.reject_reason }).toEqual({ line: lines[i + 1], reason: expected });
      expect(row).toMatchObject({ customer_id: null, observed_at: null, churned: null });
    }
    expect(rows.filter((r) => r.reject_reason !== null)).toHaveLength(malformed.length);
  });

  it('reads every valid line to the values the cleaner gives its JSON', () => {
    const byLine = new Map(outcomes.map((o, i) => [lines[i + 1] as string, o]));
    for (const row of rows.filter((r) => r.reject_reason === null)) {
      const outcome = byLine.get(row.line as string) as OutcomeWireRecord;
      const cleaner = cleanRecord(outcome.text, INGEST);
      const clean = JSON.parse(cleaner.ok ? cleaner.output : '{}') as Record<string, unknown>;
      expect({
        customer_id: row.customer_id,
        observed_at: (row.observed_at as Date).toISOString(),
        churned: row.churned,
      }).toEqual({ customer_id: clean.customer_id, observed_at: clean.observed_at, churned: clean.churned });
    }
  });

  it('counts the rejected lines by reason, one row per reason', async () => {
    const counted = await db.rows(renderRejectedOutcomeLinesQuery({ linesRelation: 'batch_lines' }));
    const expected = new Map<string, number>();
    for (const r of rows.filter((r) => r.reject_reason !== null)) {
      expected.set(r.reject_reason as string, (expected.get(r.reject_reason as string) ?? 0) + 1);
    }
    expect(expected.size).toBeGreaterThan(1);
    expect(counted.map((r) => [r.reject_reason, Number(r.lines)])).toEqual(
      [...expected].sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  });

  it('gives the quality monitor the lines of the files written in a window, by their modification time', () => {
    expect(
      athenaOutcomeBatchLines('raw', {
        start: new Date('2026-03-01T00:00:00Z'),
        end: new Date('2026-03-08T00:00:00Z'),
      }),
    ).toBe(
      `(SELECT line AS line, "$path" AS origin FROM "raw"."outcome_batch" WHERE "$file_modified_time" >= from_iso8601_timestamp('2026-03-01T00:00:00.000Z') AND "$file_modified_time" < from_iso8601_timestamp('2026-03-08T00:00:00.000Z'))`,
    );
    expect(() => athenaOutcomeBatchLines('raw', { start: new Date('nope'), end: new Date() })).toThrow(
      'uploaded.start must be a valid Date; received Invalid Date',
    );
  });

  it('gives the same verdict as the cleaner on arbitrary, dirty cell values', async () => {
    // Mostly the spellings that reach the next field, so every field's rules get exercised.
    const cell = (values: readonly string[]) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...values) },
        {
          weight: 2,
          arbitrary: fc
            .tuple(fc.constantFrom(...values), fc.constantFrom(' ', '\t', '\u00a0', '\u2000', '\u3000', '\ufeff'))
            .map(([v, pad]) => `${pad}${v.toUpperCase()}${pad}`),
        },
        { weight: 1, arbitrary: fc.constantFrom(...MISSING_VALUE_SPELLINGS, ' none ', 'N/A', 'x'.repeat(65)) },
        {
          weight: 1,
          arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }).filter((s) => !/[",\r\n]/.test(s)),
        },
      );
    const triples = fc.sample(
      fc.tuple(
        cell(['C0000001', 'c-42', '_9', 'C 1', 'C0000001#', '12345']),
        cell([
          '2026-02-03T04:05:06Z',
          '2026-02-03t04:05:06.1234567890Z',
          '2026-02-03 04:05:06.999999999-11:59',
          '2024-02-29T23:59:59+00:00',
          '2023-02-29T00:00:00Z',
          '1969-12-31T23:59:59Z',
          '1970-01-01T00:30:00+01:00',
          '2100-12-31T23:59:59-00:01',
          '2026-13-01T00:00:00Z',
          '2026-02-03T24:00:00Z',
          '2026-02-03T04:05:06+24:00',
          '2026-02-03T04:05',
          '2026-02-03T04:05:06.Z',
          'yesterday',
        ]),
        cell([...Object.keys(BOOLEAN_SPELLINGS), 'False', 'YES', 'maybe', '2', '-1', 'on']),
      ),
      { numRuns: 1000, seed: 4242 },
    );
    const texts = triples.map((cells) => cells.map((c) => (/^\s|\s$/.test(c) ? `"${c}"` : c)).join(','));
    await loadLines('arbitrary_lines', texts);
    const found = await db.rows(
      `SELECT line, reject_reason FROM (${renderOutcomeBatchValidationQuery({ linesRelation: 'arbitrary_lines' })}) AS v`,
    );
    const reasons = new Map(found.map((r) => [r.line as string, r.reject_reason]));
    expect(reasons.size).toBe(new Set(texts).size);
    triples.forEach((cells, i) => {
      const cleaner = cleanRecord(
        JSON.stringify(Object.fromEntries(OUTCOME_FIELDS.map((f, j) => [f.name, cells[j]]))),
        INGEST,
      );
      expect({ line: texts[i], reason: reasons.get(texts[i] as string) }).toEqual({
        line: texts[i],
        reason: cleaner.ok ? null : cleaner.reason,
      });
    });
  });

  it('skips the header in any case and with a byte order mark, but keeps a line that only looks like one', async () => {
    await loadLines('headers', [
      '\ufeffCUSTOMER_ID,Observed_At,churned',
      'customer_id,observed_at',
      'C1,2026-01-01T00:00:00Z,y',
    ]);
    const found = await db.rows(renderOutcomeBatchValidationQuery({ linesRelation: 'headers' }));
    expect(found.map((r) => [r.line, r.reject_reason])).toEqual([
      ['customer_id,observed_at', 'malformed_line'],
      ['C1,2026-01-01T00:00:00Z,y', null],
    ]);
  });

  it('refuses a relation that is neither a name nor a parenthesised query', () => {
    expect(() => renderOutcomeBatchValidationQuery({ linesRelation: 'lines; DROP TABLE x' })).toThrow(
      'linesRelation must be a table name or a parenthesised query; received "lines; DROP TABLE x"',
    );
    expect(
      athenaOutcomeStream('raw', { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-08T00:00:00Z') }),
    ).toBe(
      `(SELECT customer_id, observed_at, churned, ingest_time FROM "raw"."outcome_stream" WHERE observed_date >= '2026-03-01' AND observed_date <= '2026-03-08')`,
    );
    expect(athenaOutcomeBatchLines('ml_lifecycle_sandbox_raw')).toBe(
      '(SELECT line AS line, "$path" AS origin FROM "ml_lifecycle_sandbox_raw"."outcome_batch")',
    );
  });
});

describe('valid outcomes of both paths', () => {
  it('unions the valid batch lines and the cleaned stream outcomes, each with its source and arrival', async () => {
    await loadLines('union_lines', [OUTCOME_CSV_HEADER, 'C1,2026-01-02T03:04:05+01:00,yes', 'C2,soon,no']);
    const streamed = cleanRecord('{"customer_id":"C3","observed_at":"2026-01-03T00:00:00Z","churned":"N"}', INGEST);
    const line = JSON.parse(streamed.ok ? streamed.output : '{}') as Record<string, string | boolean>;
    await db.run(
      `CREATE OR REPLACE TABLE stream_outcomes AS SELECT '${String(line.customer_id)}' AS customer_id, '${String(line.observed_at)}' AS observed_at, ${String(line.churned)} AS churned, '${String(line.ingest_time)}' AS ingest_time`,
    );
    const found = await db.rows(
      `${renderValidOutcomesQuery({ batchLinesRelation: 'union_lines', streamRelation: 'stream_outcomes' })} ORDER BY customer_id`,
    );
    expect(found).toEqual([
      {
        customer_id: 'C1',
        observed_at: new Date('2026-01-02T02:04:05Z'),
        churned: true,
        source: 'batch',
        arrived_at: null,
      },
      {
        customer_id: 'C3',
        observed_at: new Date('2026-01-03T00:00:00Z'),
        churned: false,
        source: 'stream',
        arrived_at: new Date(INGEST.ingestTime),
      },
    ]);
  });
});

describe('the join of outcomes to predictions', () => {
  const JOIN_COLUMNS = ['customer_id', 'observed_at', 'churned', 'source', 'captured_at', 'probability', 'status'];
  const WIDE = { windowStart: new Date('2025-01-01T00:00:00Z'), windowEnd: new Date('2027-01-01T00:00:00Z') };

  async function join(options: {
    lateAfterDays: number;
    windowStart?: Date;
    windowEnd?: Date;
  }): Promise<OutcomeJoinRow[]> {
    const sql = renderOutcomeJoinQuery({
      outcomesRelation: 'valid_outcomes',
      predictionsRelation: 'predictions',
      ...WIDE,
      ...options,
    });
    return (await db.rows(asText(sql, JOIN_COLUMNS))) as OutcomeJoinRow[];
  }

  describe("with the generator's outcomes and a prediction per customer at its snapshot", () => {
    const outcomes = [...generateOutcomes({ seed: SEED, count: CUSTOMERS, dirt: DIRT })];
    const customers = generateCustomers({ seed: SEED, count: CUSTOMERS });
    let rows: OutcomeJoinRow[];
    beforeAll(async () => {
      // Half the outcomes by the stream (the cleaner's lines), half uploaded (the batch lines).
      const streamed = outcomes.filter((_, i) => i % 2 === 0);
      const uploaded = outcomes.filter((_, i) => i % 2 === 1);
      await loadLines('join_lines', csvLines(uploaded));
      await db.run(
        'CREATE OR REPLACE TABLE join_stream (customer_id VARCHAR, observed_at VARCHAR, churned BOOLEAN, ingest_time VARCHAR)',
      );
      const appender = await db.connection.createAppender('join_stream');
      for (const outcome of streamed) {
        const result = cleanRecord(outcome.text, INGEST);
        if (result.ok) {
          const line = JSON.parse(result.output) as Record<string, string | boolean>;
          appender.appendVarchar(line.customer_id as string);
          appender.appendVarchar(line.observed_at as string);
          appender.appendBoolean(line.churned as boolean);
          appender.appendVarchar(line.ingest_time as string);
          appender.endRow();
        }
      }
      appender.closeSync();
      await db.run(
        `CREATE OR REPLACE TABLE valid_outcomes AS ${renderValidOutcomesQuery({ batchLinesRelation: 'join_lines', streamRelation: 'join_stream' })}`,
      );
      // The prediction for each customer when its snapshot was scored, and an older one.
      await db.run(
        'CREATE OR REPLACE TABLE predictions (inference_id VARCHAR, captured_at TIMESTAMP, probability DOUBLE)',
      );
      const predictions = await db.connection.createAppender('predictions');
      customers.forEach((customer, i) => {
        const at = Date.parse(String(customer.record.event_time));
        for (const [offset, probability] of [
          [-86_400_000 * 60, 0.5],
          [0, (i % 100) / 100],
        ] as const) {
          predictions.appendVarchar(String(customer.record.customer_id));
          predictions.appendVarchar(new Date(at + offset).toISOString().replace('T', ' ').replace('Z', ''));
          predictions.appendDouble(probability);
          predictions.endRow();
        }
      });
      predictions.closeSync();
      rows = await join({ lateAfterDays: DEFAULT_OUTCOME_DELAY.maxDays });
    });

    it('gives every valid outcome exactly one status, none lost', () => {
      const valid = outcomes.filter((o) => !o.malformed).length;
      expect(rows).toHaveLength(valid);
      const { counts } = summariseOutcomeJoin(rows);
      expect(counts.matched + counts.late + counts.duplicate + counts.unmatched).toBe(valid);
    });

    it('counts as many late, duplicate and unmatched outcomes as the generator made', () => {
      const { counts } = summariseOutcomeJoin(rows);
      const made = {
        late: outcomes.filter((o) => o.kind === 'outcome' && o.late && !o.malformed).length,
        duplicate: outcomes.filter((o) => o.kind === 'duplicate').length,
        unmatched: outcomes.filter((o) => o.kind === 'unknownCustomer').length,
      };
      expect(made.late).toBeGreaterThan(100);
      expect(made.duplicate).toBeGreaterThan(50);
      expect(made.unmatched).toBeGreaterThan(50);
      expect({ late: counts.late, duplicate: counts.duplicate, unmatched: counts.unmatched }).toEqual(made);
      expect(counts.matched).toBe(outcomes.filter((o) => o.kind === 'outcome' && !o.late && !o.malformed).length);
    });

    it("scores each customer once, with the latest prediction before its outcome and the customer's true churn", () => {
      const { scored } = summariseOutcomeJoin(rows);
      expect(new Set(scored.map((s) => s.customer_id)).size).toBe(scored.length);
      const byId = new Map(customers.map((c, i) => [String(c.record.customer_id), { c, i }]));
      for (const s of scored) {
        const { c, i } = byId.get(s.customer_id) ?? { c: undefined, i: -1 };
        expect({ id: s.customer_id, probability: s.probability, churned: s.churned }).toEqual({
          id: s.customer_id,
          probability: (i % 100) / 100,
          churned: c?.record.churn,
        });
      }
    });

    it('keeps within the window by observed_at: the start included, the end excluded', async () => {
      const [first] = [...rows].sort((a, b) => String(a.observed_at).localeCompare(String(b.observed_at)));
      const at = new Date(`${String(first?.observed_at).replace(' ', 'T')}Z`);
      const from = await join({ lateAfterDays: 45, windowStart: at, windowEnd: WIDE.windowEnd });
      const before = await join({ lateAfterDays: 45, windowStart: WIDE.windowStart, windowEnd: at });
      expect(from.length + before.length).toBe(rows.length);
      expect(from.some((r) => r.customer_id === first?.customer_id)).toBe(true);
      expect(before.some((r) => r.observed_at === first?.observed_at)).toBe(false);
    });

    it('makes more outcomes late as the threshold shrinks, and scores them all the same', async () => {
      const strict = summariseOutcomeJoin(await join({ lateAfterDays: DEFAULT_OUTCOME_DELAY.minDays }));
      const loose = summariseOutcomeJoin(rows);
      expect(strict.counts.late).toBeGreaterThan(loose.counts.late);
      expect(strict.scored).toHaveLength(loose.scored.length);
    });
  });

  describe('on hand-made cases', () => {
    beforeAll(async () => {
      await db.run(`CREATE OR REPLACE TABLE valid_outcomes AS SELECT * FROM (VALUES
        ('A1', TIMESTAMP '2026-03-10 00:00:00', TRUE, 'stream', TIMESTAMP '2026-03-10 01:00:00'),
        ('A1', TIMESTAMP '2026-03-10 00:00:00', TRUE, 'batch', CAST(NULL AS TIMESTAMP)),
        ('B2', TIMESTAMP '2026-03-10 00:00:00', FALSE, 'batch', CAST(NULL AS TIMESTAMP)),
        ('C3', TIMESTAMP '2026-03-10 00:00:00', FALSE, 'batch', CAST(NULL AS TIMESTAMP))
      ) AS t(customer_id, observed_at, churned, source, arrived_at)`);
      await db.run(`CREATE OR REPLACE TABLE predictions AS SELECT * FROM (VALUES
        ('A1', TIMESTAMP '2026-03-01 00:00:00', 0.9),
        ('A1', TIMESTAMP '2026-02-01 00:00:00', 0.1),
        ('A1', TIMESTAMP '2026-03-11 00:00:00', 0.3),
        ('B2', TIMESTAMP '2026-01-01 00:00:00', 0.2),
        ('C3', TIMESTAMP '2026-03-10 00:00:00', 0.7)
      ) AS t(inference_id, captured_at, probability)`);
    });

    it('takes the latest prediction made before the outcome, scores a duplicate once, and calls an old prediction late', async () => {
      const rows = await join({ lateAfterDays: 30 });
      expect(rows.map((r) => [r.customer_id, r.source, r.probability, r.status])).toEqual([
        ['A1', 'stream', '0.9', 'matched'],
        ['A1', 'batch', '0.9', 'duplicate'],
        ['B2', 'batch', '0.2', 'late'],
        // A prediction at the very instant of the outcome is not before it.
        ['C3', 'batch', null, 'unmatched'],
      ]);
      expect(summariseOutcomeJoin(rows)).toEqual({
        scored: [
          { customer_id: 'A1', probability: 0.9, churned: true },
          { customer_id: 'B2', probability: 0.2, churned: false },
        ],
        counts: { matched: 1, late: 1, duplicate: 1, unmatched: 1 },
      });
    });
  });

  it('refuses a window that ends before it starts, and a lateness that is not a positive number of days', () => {
    const base = { outcomesRelation: 'o', predictionsRelation: 'p', lateAfterDays: 45 };
    expect(() =>
      renderOutcomeJoinQuery({ ...base, windowStart: new Date('2026-02-01'), windowEnd: new Date('2026-01-01') }),
    ).toThrow('windowEnd (2026-01-01T00:00:00.000Z) must be after windowStart (2026-02-01T00:00:00.000Z)');
    expect(() => renderOutcomeJoinQuery({ ...base, ...WIDE, lateAfterDays: 0 })).toThrow(
      'lateAfterDays must be a positive number of days; received 0',
    );
    expect(() => renderOutcomeJoinQuery({ ...base, ...WIDE, windowStart: new Date('nope') })).toThrow(
      'windowStart must be a valid Date; received Invalid Date',
    );
  });
});

describe('summariseOutcomeJoin', () => {
  it('refuses rows it cannot read, naming the row and the value', () => {
    expect(() => summariseOutcomeJoin([{ status: 'lost' }])).toThrow(
      'row 0: status must be one of matched, late, duplicate, unmatched; received lost',
    );
    expect(() =>
      summariseOutcomeJoin([{ status: 'matched', customer_id: 'C1', probability: '1.5', churned: 'true' }]),
    ).toThrow('row 0 (C1): probability must be a number in [0, 1]; received 1.5');
    expect(() =>
      summariseOutcomeJoin([{ status: 'late', customer_id: 'C1', probability: '0.5', churned: 'yes' }]),
    ).toThrow("row 0 (C1): churned must be 'true' or 'false'; received yes");
  });

  it('counts unmatched and duplicate rows without reading their values', () => {
    expect(summariseOutcomeJoin([{ status: 'unmatched' }, { status: 'duplicate', probability: null }])).toEqual({
      scored: [],
      counts: { matched: 0, late: 0, duplicate: 1, unmatched: 1 },
    });
  });
});
