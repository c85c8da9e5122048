/**
 * The Firehose contract of the cleaner, checked on arbitrary input with fast-check: whatever the
 * records hold, the response has one result per record in order, Ok or ProcessingFailed (never
 * Dropped), failed records keep their original data, Ok records are one JSON line that satisfies
 * the schema of their kind (a churn record, or an outcome) and carry the partition keys of their
 * route, the response fits its size limit, and nothing throws. The schema checks below are written
 * from lib/schema/churn.ts and lib/schema/outcome.ts, independently of the cleaner's code.
 */
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import fc from 'fast-check';
import { RESPONSE_LIMIT_BYTES, transformEvent, type TransformOptions } from '../../../lambda/clean-records/clean';
import {
  BOOLEAN_SPELLINGS,
  CHURN_FIELDS,
  EVENT_DATE_PARTITION,
  type FieldSpec,
  INGEST_FIELDS,
  MISSING_VALUE_SPELLINGS,
} from '../../../lib/schema/churn';
import { OUTCOME_FIELDS } from '../../../lib/schema/outcome';

const RUNS = { numRuns: 1000, seed: 4242 } as const;
const PARTITION = 'aws';
const STREAM_ARN = `arn:${PARTITION}:firehose:eu-west-1:123456789012:deliverystream/churn-raw`;
const NOW = new Date('2024-05-02T03:04:05.678Z');
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FIELD_NAMES = CHURN_FIELDS.map((f) => f.name);
const OUTCOME_NAMES = OUTCOME_FIELDS.map((f) => f.name);
const INGEST_NAMES = INGEST_FIELDS.map((f) => f.name);

/**
 * The kind the input text must be cleaned as, by the documented rule: an outcome when the object
 * has `observed_at` or `churned` and no churn-record field but `customer_id`.
 */
function kindOf(text: string): 'churn' | 'outcome' {
  const keys = Object.keys(JSON.parse(text.replace(/^\ufeff/, '')) as object);
  const churnOnly = FIELD_NAMES.filter((name) => name !== 'customer_id');
  return keys.some((k) => k === 'observed_at' || k === 'churned') && !keys.some((k) => churnOnly.includes(k))
    ? 'outcome'
    : 'churn';
}

// ---------------------------------------------------------------------------------------------
// The contract.

/** Fails (throws) unless `value` is a clean value of `field`. */
function expectCleanValue(field: FieldSpec, value: unknown): void {
  switch (field.type) {
    case 'string':
      expect(typeof value).toBe('string');
      expect((value as string).trim()).toBe(value);
      if (field.pattern !== undefined) {
        expect(value).toMatch(new RegExp(field.pattern.source, field.pattern.flags.replace(/[gy]/g, '')));
      }
      break;
    case 'category':
      expect(field.values).toContain(value);
      break;
    case 'boolean':
      expect(typeof value).toBe('boolean');
      break;
    case 'integer':
    case 'double':
      expect(typeof value).toBe('number');
      expect(Number.isFinite(value)).toBe(true);
      if (field.type === 'integer') {
        expect(Number.isInteger(value)).toBe(true);
      }
      expect(value).toBeGreaterThanOrEqual(field.min ?? -Infinity);
      expect(value).toBeLessThanOrEqual(field.max ?? Infinity);
      break;
    case 'timestamp': {
      expect(value).toMatch(CANONICAL_TIME);
      expect(new Date(value as string).toISOString()).toBe(value);
      const year = Number((value as string).slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1970);
      expect(year).toBeLessThanOrEqual(2100);
      break;
    }
  }
}

/** Fails unless `line` is one clean record of `fields` as a JSON line; returns the record. */
function expectCleanLine(line: string, fields: readonly FieldSpec[] = CHURN_FIELDS): Record<string, unknown> {
  const names = fields.map((f) => f.name);
  expect(line.endsWith('\n')).toBe(true);
  expect(line.indexOf('\n')).toBe(line.length - 1);
  const record = JSON.parse(line) as Record<string, unknown>;
  const keys = Object.keys(record);
  const schemaKeys = keys.filter((k) => names.includes(k));
  const expectedOrder = [
    ...names.filter((name) => schemaKeys.includes(name)),
    ...(keys.includes('unknown_fields') ? ['unknown_fields'] : []),
    ...INGEST_NAMES,
  ];
  expect(keys).toEqual(expectedOrder);
  for (const field of fields) {
    if (Object.hasOwn(record, field.name)) {
      expectCleanValue(field, record[field.name]);
    } else {
      expect(field.required).toBe(false);
    }
  }
  if (keys.includes('unknown_fields')) {
    const unknown: unknown = JSON.parse(record.unknown_fields as string);
    expect(typeof unknown === 'object' && unknown !== null && !Array.isArray(unknown)).toBe(true);
    expect(Object.keys(unknown as object).length).toBeGreaterThan(0);
    expect(Object.keys(unknown as object).some((k) => names.includes(k))).toBe(false);
  }
  expect(record.ingest_time).toBe(NOW.toISOString());
  expect(typeof record.ingest_source).toBe('string');
  return record;
}

/** Runs the cleaner on `event` and fails unless the response keeps the Firehose contract. */
function expectContract(event: FirehoseTransformationEvent, options?: TransformOptions): void {
  const { response, summary } = transformEvent(event, NOW, options);
  expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
  response.records.forEach((result, i) => {
    const input = event.records[i] as FirehoseTransformationEventRecord;
    if (result.result === 'ProcessingFailed') {
      expect(result).toEqual({ recordId: input.recordId, result: 'ProcessingFailed', data: input.data });
      return;
    }
    expect(result.result).toBe('Ok');
    const text = Buffer.from(input.data, 'base64').toString('utf8');
    const line = Buffer.from(result.data ?? '', 'base64').toString('utf8');
    if (kindOf(text) === 'outcome') {
      const outcome = expectCleanLine(line, OUTCOME_FIELDS);
      expect(result.metadata).toEqual({
        partitionKeys: {
          dataset: 'outcomes-stream',
          partition_column: 'observed_date',
          partition_date: (outcome.observed_at as string).slice(0, 10),
        },
      });
      return;
    }
    const record = expectCleanLine(line);
    expect(result.metadata).toEqual({
      partitionKeys: {
        dataset: 'stream',
        partition_column: EVENT_DATE_PARTITION,
        partition_date: (record.event_time as string).slice(0, 10),
      },
    });
  });
  const bytes = Buffer.byteLength(JSON.stringify(response));
  expect(bytes).toBe(summary.responseBytes);
  expect(bytes).toBeLessThanOrEqual(options?.responseLimitBytes ?? RESPONSE_LIMIT_BYTES);
  expect(summary.ok + summary.processingFailed).toBe(event.records.length);
  expect(Object.values(summary.reasons).reduce((a, b) => a + b, 0)).toBe(summary.processingFailed);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

/** The bytes of a record, as Firehose would hand them over. */
type Content = Uint8Array | string;

const recordId = fc.string({ unit: 'binary', maxLength: 40 });

function eventArbitrary(content: fc.Arbitrary<Content>): fc.Arbitrary<FirehoseTransformationEvent> {
  const record = fc.record({
    recordId,
    content,
    kinesis: fc.option(fc.tuple(fc.string({ maxLength: 20 }), fc.stringMatching(/^\d{1,56}$/)), { nil: undefined }),
  });
  return fc.array(record, { maxLength: 8 }).map((records) => ({
    invocationId: 'invocation-1',
    deliveryStreamArn: STREAM_ARN,
    region: 'eu-west-1',
    records: records.map(({ recordId: id, content: c, kinesis }, i) => ({
      recordId: id,
      approximateArrivalTimestamp: 1714600000000 + i,
      data: Buffer.from(c).toString('base64'),
      ...(kinesis && {
        kinesisRecordMetadata: {
          shardId: kinesis[0],
          partitionKey: 'pk',
          approximateArrivalTimestamp: 1714600000000 + i,
          sequenceNumber: kinesis[1],
          subsequenceNumber: '0',
        },
      }),
    })),
  }));
}

/** JSON text of an object from [key, value] entries: keeps __proto__ and duplicate keys as written. */
function objectText(entries: readonly (readonly [string, unknown])[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** Spellings a dirty producer uses, valid or not, for any field. */
const plausibleValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    ...MISSING_VALUE_SPELLINGS,
    ...Object.keys(BOOLEAN_SPELLINGS),
    'Yes',
    ' NO ',
    'Infinity',
    'NaN',
    '0x1A',
  ),
  fc.constantFrom(...CHURN_FIELDS.flatMap((f) => [...(f.values ?? []), ...Object.keys(f.synonyms ?? {})])),
  fc.integer({ min: -10, max: 5000 }),
  fc.double({ min: -10, max: 1100, noNaN: true }),
  fc.integer({ min: -10, max: 5000 }).map((n) => ` ${String(n)} `),
  fc
    .date({ min: new Date('1960-01-01T00:00:00Z'), max: new Date('2110-12-31T23:59:59Z'), noInvalidDate: true })
    .chain((d) =>
      fc.constantFrom(
        d.toISOString(),
        d.toISOString().replace('T', ' ').slice(0, 19),
        `${d.toISOString().slice(0, 19)}+05:30`,
        `${d.toISOString().slice(0, 19)}-11:00`,
      ),
    ),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);

const keyArbitrary = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...OUTCOME_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'unknown_fields', ...INGEST_NAMES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
);

/** Objects built from schema field names (and a few treacherous others) with arbitrary values. */
const schemaObjectText = fc
  .tuple(
    // Often the required fields, valid, so that the rest of the record gets looked at.
    fc.boolean(),
    fc.array(fc.tuple(keyArbitrary, plausibleValue), { maxLength: 16 }),
  )
  .map(([withRequired, entries]) =>
    objectText(
      withRequired
        ? [
            ['customer_id', 'C-1'],
            ['event_time', '2024-05-01 10:00:00+02:00'],
            ...entries.filter(([k]) => k !== 'customer_id' && k !== 'event_time'),
          ]
        : entries,
    ),
  );

/** Objects of outcome field names (sometimes with a churn-record field) with arbitrary values. */
const outcomeObjectText = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.tuple(
        fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...OUTCOME_NAMES) }, { weight: 1, arbitrary: keyArbitrary }),
        plausibleValue,
      ),
      { maxLength: 6 },
    ),
  )
  .map(([withRequired, entries]) =>
    objectText(
      withRequired
        ? [
            ['customer_id', 'C0000042'],
            ['observed_at', '2026-02-03T04:05:06+01:00'],
            ['churned', 'Yes'],
            ...entries.filter(([k]) => !OUTCOME_NAMES.includes(k)),
          ]
        : entries,
    ),
  );

/** A valid but dirty spelling of a value of `field`, with the clean value it must become. */
function validValue(field: FieldSpec): fc.Arbitrary<readonly [unknown, unknown]> {
  const padded = (s: string): fc.Arbitrary<string> =>
    fc.tuple(fc.constantFrom('', ' ', '\t'), fc.constantFrom('', ' ', '\n')).map(([a, b]) => `${a}${s}${b}`);
  const cased = (s: string): fc.Arbitrary<string> => fc.constantFrom(s, s.toLowerCase(), s.toUpperCase()).chain(padded);
  switch (field.type) {
    case 'string':
      // Strings valid for the field's own pattern (for customer_id: at least one digit, so no id
      // reads as a missing-value spelling such as "NA").
      return fc
        .stringMatching(field.pattern ?? /^.{1,64}$/)
        .filter((s) => !MISSING_VALUE_SPELLINGS.has(s.toLowerCase()))
        .chain((s) => padded(s).map((p) => [p, s] as const));
    case 'category': {
      const spellings = [...(field.values ?? []).map((v) => [v, v] as const), ...Object.entries(field.synonyms ?? {})];
      return fc
        .constantFrom(...spellings)
        .chain(([spelling, canonical]) => cased(spelling).map((s) => [s, canonical] as const));
    }
    case 'boolean':
      return fc.oneof(
        fc.boolean().map((b) => [b, b] as const),
        fc.constantFrom(...Object.entries(BOOLEAN_SPELLINGS)).chain(([s, b]) => cased(s).map((c) => [c, b] as const)),
      );
    case 'integer':
      return fc
        .integer({ min: field.min ?? 0, max: field.max ?? 1000 })
        .chain((n) => fc.constantFrom([n, n] as const, [String(n), n] as const, [` ${String(n)}.0 `, n] as const));
    case 'double':
      return fc
        .double({ min: field.min ?? 0, max: field.max ?? 1000, noNaN: true, noDefaultInfinity: true })
        .map((d) => (Object.is(d, -0) ? 0 : d))
        .chain((d) => fc.constantFrom([d, d] as const, [` ${String(d)} `, d] as const));
    case 'timestamp':
      return fc
        .date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
        .map((d) => [d.toISOString().replace('T', ' ').replace('Z', '+00:00'), d.toISOString()] as const);
  }
}

/** Valid, dirty records: every field either valid or spelled missing, keys in any order. */
const validRecord = fc
  .tuple(
    fc.tuple(...CHURN_FIELDS.map((f) => (f.required ? validValue(f) : fc.option(validValue(f), { nil: undefined })))),
    fc.constantFrom(...MISSING_VALUE_SPELLINGS, null),
    fc.boolean(),
  )
  .map(([values, missing, reverse]) => {
    const entries: [string, unknown][] = [];
    const expected: Record<string, unknown> = {};
    CHURN_FIELDS.forEach((field, i) => {
      const pair = values[i];
      if (pair === undefined) {
        entries.push([field.name, missing]);
      } else {
        entries.push([field.name, pair[0]]);
        expected[field.name] = pair[1];
      }
    });
    return { text: objectText(reverse ? entries.reverse() : entries), expected };
  });

/** Valid, dirty outcomes: every field valid, keys in any order. */
const validOutcome = fc.tuple(fc.tuple(...OUTCOME_FIELDS.map(validValue)), fc.boolean()).map(([values, reverse]) => {
  const entries: [string, unknown][] = OUTCOME_FIELDS.map((field, i) => [field.name, values[i]?.[0]]);
  const expected = Object.fromEntries(OUTCOME_FIELDS.map((field, i) => [field.name, values[i]?.[1]]));
  return { text: objectText(reverse ? entries.reverse() : entries), expected };
});

const anyContent: fc.Arbitrary<Content> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  schemaObjectText,
  validRecord.map((r) => r.text),
  outcomeObjectText,
  validOutcome.map((r) => r.text),
);

// ---------------------------------------------------------------------------------------------

describe('the Firehose contract, on arbitrary input', () => {
  it('holds for arbitrary bytes', () => {
    fc.assert(
      fc.property(eventArbitrary(fc.uint8Array({ maxLength: 300 })), (event) => expectContract(event)),
      RUNS,
    );
  });

  it('holds for arbitrary JSON', () => {
    fc.assert(
      fc.property(eventArbitrary(fc.json({ maxDepth: 4 })), (event) => expectContract(event)),
      RUNS,
    );
  });

  it('holds for arbitrary unicode text, with or without a byte order mark', () => {
    const text = fc
      .tuple(fc.boolean(), fc.string({ unit: 'grapheme', maxLength: 80 }))
      .map(([bom, s]) => (bom ? `\ufeff${s}` : s));
    fc.assert(
      fc.property(eventArbitrary(text), (event) => expectContract(event)),
      RUNS,
    );
  });

  it('holds for objects of schema field names with arbitrary values, and keeps their unknown fields', () => {
    fc.assert(
      fc.property(schemaObjectText, (text) => {
        const event: FirehoseTransformationEvent = {
          invocationId: 'invocation-1',
          deliveryStreamArn: STREAM_ARN,
          region: 'eu-west-1',
          records: [{ recordId: 'r', approximateArrivalTimestamp: 0, data: Buffer.from(text).toString('base64') }],
        };
        expectContract(event);
        const result = transformEvent(event, NOW).response.records[0];
        if (result?.result === 'Ok') {
          const input = JSON.parse(text) as Record<string, unknown>;
          const unknownKeys = Object.keys(input).filter((k) => !FIELD_NAMES.includes(k));
          const output = JSON.parse(Buffer.from(result.data ?? '', 'base64').toString('utf8')) as Record<
            string,
            unknown
          >;
          const unknown = (unknownKeys.length > 0 ? JSON.parse(output.unknown_fields as string) : {}) as Record<
            string,
            unknown
          >;
          expect(Object.keys(unknown)).toEqual(unknownKeys);
          for (const key of unknownKeys) {
            expect(unknown[key]).toEqual(input[key]);
          }
        }
      }),
      RUNS,
    );
  });

  it('cleans every valid record, however dirty its spelling, to its canonical values', () => {
    fc.assert(
      fc.property(validRecord, ({ text, expected }) => {
        const event: FirehoseTransformationEvent = {
          invocationId: 'invocation-1',
          deliveryStreamArn: STREAM_ARN,
          region: 'eu-west-1',
          records: [{ recordId: 'r', approximateArrivalTimestamp: 0, data: Buffer.from(text).toString('base64') }],
        };
        const result = transformEvent(event, NOW).response.records[0];
        expect(result?.result).toBe('Ok');
        const output = JSON.parse(Buffer.from(result?.data ?? '', 'base64').toString('utf8')) as Record<
          string,
          unknown
        >;
        expect(output).toEqual({ ...expected, ingest_time: NOW.toISOString(), ingest_source: 'firehose:churn-raw' });
        expectContract(event);
      }),
      RUNS,
    );
  });

  it('holds for objects of outcome field names with arbitrary values', () => {
    fc.assert(
      fc.property(eventArbitrary(outcomeObjectText), (event) => expectContract(event)),
      RUNS,
    );
  });

  it('cleans every valid outcome, however dirty its spelling, to its canonical values, routed as an outcome', () => {
    fc.assert(
      fc.property(validOutcome, ({ text, expected }) => {
        const event: FirehoseTransformationEvent = {
          invocationId: 'invocation-1',
          deliveryStreamArn: STREAM_ARN,
          region: 'eu-west-1',
          records: [{ recordId: 'r', approximateArrivalTimestamp: 0, data: Buffer.from(text).toString('base64') }],
        };
        const result = transformEvent(event, NOW).response.records[0];
        expect(result?.result).toBe('Ok');
        const output = JSON.parse(Buffer.from(result?.data ?? '', 'base64').toString('utf8')) as Record<
          string,
          unknown
        >;
        expect(output).toEqual({ ...expected, ingest_time: NOW.toISOString(), ingest_source: 'firehose:churn-raw' });
        expect(result?.metadata?.partitionKeys.dataset).toBe('outcomes-stream');
        expectContract(event);
      }),
      RUNS,
    );
  });

  it('holds for mixed batches, within any response limit that failing everything fits', () => {
    fc.assert(
      fc.property(eventArbitrary(anyContent), fc.nat({ max: 5_000 }), (event, slack) => {
        expectContract(event);
        const allFailed = Buffer.byteLength(
          JSON.stringify({
            records: event.records.map((r) => ({ recordId: r.recordId, result: 'ProcessingFailed', data: r.data })),
          }),
        );
        expectContract(event, { responseLimitBytes: allFailed + slack });
      }),
      RUNS,
    );
  });

  it('holds for data that is not even base64', () => {
    const event = fc
      .array(fc.tuple(recordId, fc.string({ unit: 'binary', maxLength: 60 })), { maxLength: 6 })
      .map((records): FirehoseTransformationEvent => ({
        invocationId: 'invocation-1',
        deliveryStreamArn: STREAM_ARN,
        region: 'eu-west-1',
        records: records.map(([id, data]) => ({ recordId: id, approximateArrivalTimestamp: 0, data })),
      }));
    fc.assert(
      fc.property(event, (e) => expectContract(e)),
      RUNS,
    );
  });
});
