import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import { deliveryStreamName, RESPONSE_LIMIT_BYTES, transformEvent } from '../../../lambda/clean-records/clean';
import { cleanRecord } from '../../../lambda/clean-records/record';
import type { CleanResult } from '../../../lambda/clean-records/result';
import { normaliseTimestamp } from '../../../lambda/clean-records/timestamp';
import { BOOLEAN_SPELLINGS, CHURN_FIELDS, MISSING_VALUE_SPELLINGS } from '../../../lib/schema/churn';

const CONTEXT = { ingestTime: '2024-05-02T03:04:05.678Z', ingestSource: 'kinesis:shardId-000000000001:4960001' };
/** The two required fields, clean. */
const BASE = { customer_id: 'C-1', event_time: '2024-05-01T10:00:00.000Z' } as const;

/** Cleans `record` (JSON-encoded unless already text). */
function clean(record: unknown): CleanResult {
  return cleanRecord(typeof record === 'string' ? record : JSON.stringify(record), CONTEXT);
}

/** The clean record of `fields` on top of BASE; fails the test if it is not Ok. */
function cleaned(fields: Record<string, unknown>): Record<string, unknown> {
  const result = clean({ ...BASE, ...fields });
  if (!result.ok) {
    throw new Error(`expected Ok, got ${result.reason}`);
  }
  return JSON.parse(result.output) as Record<string, unknown>;
}

/** The reason `fields` on top of BASE fail; fails the test if they do not. */
function reasonOf(record: unknown): string {
  const result = clean(record);
  if (result.ok) {
    throw new Error(`expected a failure, got ${result.output}`);
  }
  return result.reason;
}

const upperAndPadded = (s: string): string[] => [s, s.toUpperCase(), ` ${s} `, `\t${s.toUpperCase()}\n`];

describe('cleanRecord: strings', () => {
  it('trims a string field', () => {
    expect(cleaned({ customer_id: '  C-42 \t' }).customer_id).toBe('C-42');
  });

  it('fails a string that does not match its pattern', () => {
    expect(reasonOf({ ...BASE, customer_id: 'C 42' })).toBe('invalid_value:customer_id');
    expect(reasonOf({ ...BASE, customer_id: 'x'.repeat(65) })).toBe('invalid_value:customer_id');
  });

  it('fails a string field given a number, rather than guess its text', () => {
    expect(reasonOf({ ...BASE, customer_id: 12345 })).toBe('invalid_value:customer_id');
    // Without a digit an id could be a missing-value spelling ("NA", "none"), so ids need one.
    expect(reasonOf({ ...BASE, customer_id: 'abc' })).toBe('invalid_value:customer_id');
  });
});

describe('cleanRecord: missing values', () => {
  it.each([...MISSING_VALUE_SPELLINGS].flatMap(upperAndPadded))('reads %j as missing and leaves the field out', (s) => {
    const record = cleaned({ state: s, age: s, churn: s, day_minutes: s });
    expect(record).not.toHaveProperty('state');
    expect(record).not.toHaveProperty('age');
    expect(record).not.toHaveProperty('churn');
    expect(record).not.toHaveProperty('day_minutes');
  });

  it('leaves out optional fields that are null or absent', () => {
    const record = cleaned({ state: null, gender: null });
    expect(Object.keys(record)).toEqual(['customer_id', 'event_time', 'ingest_time', 'ingest_source']);
  });

  it.each(['customer_id', 'event_time'])('fails a record whose required %s is absent, null or spelled missing', (f) => {
    for (const value of [undefined, null, '', ' N/A ', 'null']) {
      expect(reasonOf({ ...BASE, [f]: value })).toBe(`missing_required:${f}`);
    }
  });
});

describe('cleanRecord: categories', () => {
  it('matches canonical values case-insensitively, trimmed', () => {
    expect(cleaned({ state: ' ca ', gender: 'FEMALE' })).toMatchObject({ state: 'CA', gender: 'female' });
  });

  it('maps synonyms to the canonical value', () => {
    const gender = CHURN_FIELDS.find((f) => f.name === 'gender');
    for (const [synonym, canonical] of Object.entries(gender?.synonyms ?? {})) {
      for (const spelling of upperAndPadded(synonym)) {
        expect(cleaned({ gender: spelling }).gender).toBe(canonical);
      }
    }
  });

  it('accepts numbers for categories whose values are digits', () => {
    expect(cleaned({ area_code: 415 }).area_code).toBe('415');
    expect(cleaned({ area_code: ' 510 ' }).area_code).toBe('510');
  });

  it('fails values that are not in the category', () => {
    expect(reasonOf({ ...BASE, state: 'XX' })).toBe('invalid_value:state');
    expect(reasonOf({ ...BASE, state: 6 })).toBe('invalid_value:state');
    expect(reasonOf({ ...BASE, area_code: 999 })).toBe('invalid_value:area_code');
    expect(reasonOf({ ...BASE, area_code: 415.5 })).toBe('invalid_value:area_code');
    expect(reasonOf({ ...BASE, gender: true })).toBe('invalid_value:gender');
    expect(reasonOf({ ...BASE, gender: ['f'] })).toBe('invalid_value:gender');
  });
});

describe('cleanRecord: booleans', () => {
  it.each(Object.entries(BOOLEAN_SPELLINGS))('reads %j as %s, in any case and padding', (spelling, value) => {
    for (const s of upperAndPadded(spelling)) {
      expect(cleaned({ churn: s }).churn).toBe(value);
    }
  });

  it('keeps JSON booleans and reads the numbers 1 and 0', () => {
    expect(cleaned({ churn: true, international_plan: false, voice_mail_plan: 1 })).toMatchObject({
      churn: true,
      international_plan: false,
      voice_mail_plan: true,
    });
    expect(cleaned({ churn: 0 }).churn).toBe(false);
  });

  it('fails anything else', () => {
    for (const value of ['maybe', 2, -1, 0.5, {}, []]) {
      expect(reasonOf({ ...BASE, churn: value })).toBe('invalid_value:churn');
    }
  });
});

describe('cleanRecord: numbers', () => {
  it('reads numeric strings: trimmed, signed, with a fraction or an exponent', () => {
    expect(cleaned({ age: ' 42 ' }).age).toBe(42);
    expect(cleaned({ age: '+42' }).age).toBe(42);
    expect(cleaned({ age: '4.2e1' }).age).toBe(42);
    expect(cleaned({ age: '42.0' }).age).toBe(42);
    expect(cleaned({ day_minutes: '1.5E2' }).day_minutes).toBe(150);
    expect(cleaned({ day_minutes: '.5' }).day_minutes).toBe(0.5);
  });

  it('keeps the value of a double, without rounding', () => {
    expect(cleaned({ day_minutes: 0.1 + 0.2 }).day_minutes).toBe(0.30000000000000004);
    expect(cleaned({ day_charge: '31.370000001' }).day_charge).toBe(31.370000001);
  });

  it('fails an integer field given a fraction', () => {
    expect(reasonOf({ ...BASE, age: 42.5 })).toBe('invalid_value:age');
    expect(reasonOf({ ...BASE, age: '42.5' })).toBe('invalid_value:age');
  });

  it('fails numbers outside the field range', () => {
    expect(reasonOf({ ...BASE, age: 17 })).toBe('invalid_value:age');
    expect(reasonOf({ ...BASE, age: '121' })).toBe('invalid_value:age');
    expect(reasonOf({ ...BASE, day_minutes: -0.01 })).toBe('invalid_value:day_minutes');
    expect(reasonOf({ ...BASE, day_minutes: 1000.01 })).toBe('invalid_value:day_minutes');
    // JSON.parse reads 1e400 as Infinity.
    expect(reasonOf(`{"customer_id":"C-1","event_time":"2024-05-01T10:00:00Z","age":1e400}`)).toBe('invalid_value:age');
  });

  it('keeps the range bounds themselves', () => {
    expect(cleaned({ age: 18, account_length: 0, day_minutes: 1000 })).toMatchObject({
      age: 18,
      account_length: 0,
      day_minutes: 1000,
    });
  });

  it('fails text that is not plain decimal notation', () => {
    for (const value of ['0x2A', 'Infinity', '-Infinity', '1,000', '42 years', '4 2', '1e', '.', '+', true, [42], {}]) {
      expect(reasonOf({ ...BASE, age: value })).toBe('invalid_value:age');
    }
  });
});

describe('cleanRecord: timestamps', () => {
  it('normalises to UTC with milliseconds, reading no zone as UTC and a space as the T', () => {
    expect(cleaned({ event_time: '2024-05-01 10:00:00' }).event_time).toBe('2024-05-01T10:00:00.000Z');
    expect(cleaned({ event_time: '2024-05-01T10:00:00Z' }).event_time).toBe('2024-05-01T10:00:00.000Z');
    expect(cleaned({ event_time: ' 2024-05-01t10:00:00.5z ' }).event_time).toBe('2024-05-01T10:00:00.500Z');
    expect(cleaned({ event_time: '2024-05-01T10:00:00.123456789Z' }).event_time).toBe('2024-05-01T10:00:00.123Z');
  });

  it('applies the offset, and takes event_date from the UTC date', () => {
    const late = clean({ ...BASE, event_time: '2024-12-31T22:30:00-02:00' });
    expect(late).toMatchObject({ ok: true, eventDate: '2025-01-01' });
    expect(late.ok && (JSON.parse(late.output) as { event_time: string }).event_time).toBe('2025-01-01T00:30:00.000Z');
    const early = clean({ ...BASE, event_time: '2024-03-01 01:15:00.25+05:30' });
    expect(early).toMatchObject({ ok: true, eventDate: '2024-02-29' });
    expect(early.ok && (JSON.parse(early.output) as { event_time: string }).event_time).toBe(
      '2024-02-29T19:45:00.250Z',
    );
  });

  it('keeps the years 1970 to 2100, in UTC', () => {
    expect(normaliseTimestamp('1970-01-01T00:00:00Z')).toBe('1970-01-01T00:00:00.000Z');
    expect(normaliseTimestamp('2100-12-31T23:59:59.999Z')).toBe('2100-12-31T23:59:59.999Z');
    expect(normaliseTimestamp('1969-12-31T23:59:59.999Z')).toBeUndefined();
    expect(normaliseTimestamp('1970-01-01T00:30:00+01:00')).toBeUndefined();
    expect(normaliseTimestamp('2101-01-01T00:00:00Z')).toBeUndefined();
    expect(normaliseTimestamp('0070-01-01T00:00:00Z')).toBeUndefined();
  });

  it('fails days and times that do not exist', () => {
    expect(normaliseTimestamp('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    for (const text of [
      '2023-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-00-01T00:00:00Z',
      '2024-01-00T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:60:00Z',
      '2024-01-01T00:00:60Z',
      '2024-01-01T00:00:00+24:00',
      '2024-01-01T00:00:00+01:60',
    ]) {
      expect(normaliseTimestamp(text)).toBeUndefined();
    }
  });

  it('fails anything that is not an ISO 8601 date-time', () => {
    for (const value of [
      '2024-01-01',
      '2024-01-01T00:00',
      '2024-01-01T00:00:00+0200',
      '2024-01-01T00:00:00+02',
      '2024-01-01T00:00:00.Z',
      '2024-01-01T00:00:00.1234567890Z',
      '2024-01-01T00:00:00Z x',
      '2024-01-01T00:00:00ZZ',
      '2024/01/01 00:00:00',
      '01/05/2024 10:00',
      '２０２４-01-01T00:00:00Z',
      1714557600000,
      true,
    ]) {
      expect(reasonOf({ ...BASE, event_time: value })).toBe('invalid_value:event_time');
    }
  });
});

describe('cleanRecord: unknown fields', () => {
  it('keeps fields the schema does not know as a JSON-encoded object in unknown_fields', () => {
    const record = cleaned({ campaign: { id: 'c-1', tags: ['a'] }, Age: 42, note: null });
    expect(JSON.parse(record.unknown_fields as string)).toEqual({
      campaign: { id: 'c-1', tags: ['a'] },
      Age: 42,
      note: null,
    });
  });

  it('has no unknown_fields column when there are none', () => {
    expect(cleaned({ age: 42 })).not.toHaveProperty('unknown_fields');
  });

  it('keeps the columns the cleaner adds as unknown fields when a record already has them', () => {
    const record = cleaned({ ingest_time: 'then', unknown_fields: 'x', ingest_source: 'y' });
    expect(JSON.parse(record.unknown_fields as string)).toEqual({
      ingest_time: 'then',
      unknown_fields: 'x',
      ingest_source: 'y',
    });
    expect(record).toMatchObject({ ingest_time: CONTEXT.ingestTime, ingest_source: CONTEXT.ingestSource });
  });

  it('keeps __proto__ and constructor as plain keys, and touches no prototype', () => {
    const text = `{"customer_id":"C-1","event_time":"2024-05-01T10:00:00Z","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`;
    const result = clean(text);
    expect(result.ok).toBe(true);
    const record = JSON.parse(result.ok ? result.output : '{}') as Record<string, unknown>;
    expect(JSON.parse(record.unknown_fields as string)).toEqual(
      JSON.parse(`{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('fails, rather than alter, an unknown field JSON cannot carry', () => {
    expect(reasonOf(`{"customer_id":"C-1","event_time":"2024-05-01T10:00:00Z","big":[1e400]}`)).toBe(
      'unknown_fields_unrepresentable',
    );
  });

  it('fails, without throwing, an unknown field nested too deep to serialise', () => {
    const depth = 200_000;
    const text = `{"customer_id":"C-1","event_time":"2024-05-01T10:00:00Z","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(reasonOf(text)).toBe('unknown_fields_unrepresentable');
  });
});

describe('cleanRecord: output', () => {
  const full = {
    churn: 'no',
    age: '42',
    gender: 'm',
    extra: 1,
    state: 'ny',
    event_time: '2024-05-01 12:00:00+02:00',
    customer_id: 'C-9',
    account_length: 128,
  };

  it('writes schema fields in schema order, then unknown_fields, then the ingest fields', () => {
    const keys = Object.keys(cleaned(full));
    const schemaOrder = CHURN_FIELDS.map((f) => f.name).filter((name) => keys.includes(name));
    expect(keys).toEqual([...schemaOrder, 'unknown_fields', 'ingest_time', 'ingest_source']);
    expect(schemaOrder).toEqual(['customer_id', 'event_time', 'state', 'account_length', 'gender', 'age', 'churn']);
  });

  it('writes the same line whatever the order of the input keys', () => {
    const forward = clean(full);
    const backward = clean(Object.fromEntries(Object.entries(full).reverse()));
    const schemaOrdered = clean({
      customer_id: 'C-9',
      event_time: '2024-05-01 12:00:00+02:00',
      state: 'ny',
      account_length: 128,
      gender: 'm',
      age: '42',
      churn: 'no',
    });
    expect(backward).toEqual(forward);
    expect(schemaOrdered.ok && forward.ok && schemaOrdered.output).toBe(
      forward.ok && forward.output.replace(`,"unknown_fields":"{\\"extra\\":1}"`, ''),
    );
  });

  it('writes one JSON line ending with a newline, with the ingest fields from the context', () => {
    const result = clean({ ...BASE, note: 'two\nlines' });
    expect(result.ok).toBe(true);
    const output = result.ok ? result.output : '';
    expect(output.endsWith('\n')).toBe(true);
    expect(output.indexOf('\n')).toBe(output.length - 1);
    expect(JSON.parse(output)).toMatchObject({ ingest_time: CONTEXT.ingestTime, ingest_source: CONTEXT.ingestSource });
  });

  it('reads a UTF-8 byte order mark, a trailing newline and surrounding whitespace', () => {
    const text = `\ufeff ${JSON.stringify(BASE)}\r\n`;
    expect(clean(text)).toMatchObject({ ok: true, eventDate: '2024-05-01' });
  });

  it('reports the first failing field in schema order', () => {
    expect(reasonOf({ churn: 'maybe', age: 'old', ...BASE })).toBe('invalid_value:age');
    expect(reasonOf({ churn: 'maybe', customer_id: 'C-1' })).toBe('missing_required:event_time');
  });
});

describe('cleanRecord: not a record', () => {
  it('fails text that is not JSON', () => {
    for (const text of ['', 'hello', '{"customer_id":', "{'a':1}", '{"a":1}{"b":2}', '\ufeff\ufeff{}', 'NaN']) {
      expect(reasonOf(text)).toBe('invalid_json');
    }
  });

  it('fails JSON that is not an object', () => {
    for (const text of ['[]', '[{"customer_id":"C-1"}]', '"text"', '42', 'null', 'true']) {
      expect(reasonOf(text)).toBe('not_an_object');
    }
  });
});

describe('deliveryStreamName', () => {
  it('takes the name from the delivery stream ARN', () => {
    const partition = 'aws';
    expect(deliveryStreamName(`arn:${partition}:firehose:eu-west-1:123456789012:deliverystream/churn-raw`)).toBe(
      'churn-raw',
    );
  });
});

// ---------------------------------------------------------------------------------------------

const PARTITION = 'aws';
const STREAM_ARN = `arn:${PARTITION}:firehose:eu-west-1:123456789012:deliverystream/churn-raw`;
const NOW = new Date('2024-05-02T03:04:05.678Z');

function eventOf(records: readonly FirehoseTransformationEventRecord[]): FirehoseTransformationEvent {
  return { invocationId: 'invocation-1', deliveryStreamArn: STREAM_ARN, region: 'eu-west-1', records: [...records] };
}

function recordOf(id: string, content: string | Uint8Array, kinesis = false): FirehoseTransformationEventRecord {
  return {
    recordId: id,
    approximateArrivalTimestamp: 1714600000000,
    data: Buffer.from(content).toString('base64'),
    ...(kinesis && {
      kinesisRecordMetadata: {
        shardId: 'shardId-000000000002',
        partitionKey: 'pk',
        approximateArrivalTimestamp: 1714600000000,
        sequenceNumber: '49650000000000000000000000000000000000000000000000000002',
        subsequenceNumber: '0',
      },
    }),
  };
}

function decoded(data: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
}

describe('transformEvent', () => {
  it('names the Kinesis shard and sequence as ingest source, or else the delivery stream', () => {
    const { response } = transformEvent(
      eventOf([recordOf('a', JSON.stringify(BASE), true), recordOf('b', JSON.stringify(BASE))]),
      NOW,
    );
    expect(decoded(response.records[0]?.data)).toMatchObject({
      ingest_time: '2024-05-02T03:04:05.678Z',
      ingest_source: 'kinesis:shardId-000000000002:49650000000000000000000000000000000000000000000000000002',
    });
    expect(decoded(response.records[1]?.data)).toMatchObject({ ingest_source: 'firehose:churn-raw' });
  });

  it('fails bytes that are not UTF-8, keeping them', () => {
    const bytes = Uint8Array.from([
      ...Buffer.from('{"customer_id":"C-1","event_time":"2024-05-01T10:00:00Z","x":"'),
      0xff,
      0x22,
      0x7d,
    ]);
    const event = eventOf([recordOf('a', bytes)]);
    const { response, summary } = transformEvent(event, NOW);
    expect(response.records).toEqual([{ recordId: 'a', result: 'ProcessingFailed', data: event.records[0]?.data }]);
    expect(summary.reasons).toEqual({ invalid_utf8: 1 });
  });

  it('counts the response bytes exactly', () => {
    const event = eventOf([
      recordOf('a', JSON.stringify({ ...BASE, note: 'é€😀' }), true),
      recordOf('b"\\é', 'not json'),
      recordOf('c', JSON.stringify(BASE)),
    ]);
    const { response, summary } = transformEvent(event, NOW);
    expect(summary.responseBytes).toBe(Buffer.byteLength(JSON.stringify(response)));
  });

  it('keeps the response within 6 MB, failing records with response_budget once cleaning would pass it', () => {
    // A 6 MB event of tiny direct-put records, whose clean form (with the ingest fields and the
    // partition key) is about twice their size: cleaning them all cannot fit in the response.
    const text = '{"customer_id":"1","event_time":"2024-05-01 10:00:00"}';
    const idOf = (i: number): string => String(i).padStart(8, '0');
    const wrapperBytes = JSON.stringify(eventOf([])).length;
    const inputRecordBytes = JSON.stringify(recordOf(idOf(0), text)).length + 1;
    const count = Math.floor((RESPONSE_LIMIT_BYTES - wrapperBytes) / inputRecordBytes);
    const event = eventOf(Array.from({ length: count }, (_, i) => recordOf(idOf(i), text)));
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);
    const responseWrapper = JSON.stringify({ records: [] }).length;
    const okBytes = transformEvent(eventOf([event.records[0]!]), NOW).summary.responseBytes - responseWrapper;
    const failedBytes = JSON.stringify({
      recordId: idOf(0),
      result: 'ProcessingFailed',
      data: event.records[0]?.data,
    }).length;
    expect(responseWrapper + count * (okBytes + 1)).toBeGreaterThan(RESPONSE_LIMIT_BYTES);

    const { response, summary } = transformEvent(event, NOW);

    const bytes = Buffer.byteLength(JSON.stringify(response));
    expect(bytes).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);
    expect(bytes).toBe(summary.responseBytes);
    expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(summary.ok).toBeGreaterThan(0);
    expect(summary.reasons).toEqual({ response_budget: count - summary.ok });
    // The Ok records come first, then failures only, each with its original data...
    expect(response.records.slice(0, summary.ok).every((r) => r.result === 'Ok')).toBe(true);
    expect(response.records.slice(summary.ok)).toEqual(
      event.records.slice(summary.ok).map((r) => ({ recordId: r.recordId, result: 'ProcessingFailed', data: r.data })),
    );
    // ...and the budget is used: one more Ok record would not have fitted.
    expect(bytes - failedBytes + okBytes).toBeGreaterThan(RESPONSE_LIMIT_BYTES);
  });

  it('honours a smaller response limit', () => {
    const event = eventOf(Array.from({ length: 20 }, (_, i) => recordOf(`r${String(i)}`, JSON.stringify(BASE))));
    const allFailed = JSON.stringify({
      records: event.records.map((r) => ({ recordId: r.recordId, result: 'ProcessingFailed', data: r.data })),
    }).length;
    const limit = allFailed + 1_000;
    const { response, summary } = transformEvent(event, NOW, { responseLimitBytes: limit });
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(limit);
    expect(summary.ok).toBeGreaterThan(0);
    expect(summary.reasons.response_budget).toBeGreaterThan(0);
  });

  it('returns an empty response for an empty batch', () => {
    const { response, summary } = transformEvent(eventOf([]), NOW);
    expect(response).toEqual({ records: [] });
    expect(summary).toEqual({
      invocationId: 'invocation-1',
      records: 0,
      ok: 0,
      processingFailed: 0,
      reasons: {},
      responseBytes: 14,
    });
  });
});
