/**
 * Outcomes on the stream: the cleaner tells them from churn records, cleans them by the outcome
 * schema with the churn record's readers, routes them to `outcomes-stream/observed_date=…/`, and
 * fails a bad one with its original bytes and a reason, as every other record.
 */
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { transformEvent } from '../../../lambda/clean-records/clean';
import { cleanRecord } from '../../../lambda/clean-records/record';
import { evaluateDeliveryPrefix, STREAM_DELIVERY_PREFIX } from '../../../lib/contracts/stream-routing';
import { DEFAULT_OUTCOME_DIRT } from '../../../lib/schema/outcome-model';
import { generateOutcomes } from '../../../lib/schema/generator';

const PARTITION = 'aws';
const CONTEXT = { ingestTime: '2026-03-01T00:00:00.000Z', ingestSource: 'kinesis:shardId-000000000000:1' };
const OUTCOME = { customer_id: 'C0000001', observed_at: '2026-02-03T04:05:06Z', churned: true } as const;

function clean(record: unknown) {
  return cleanRecord(typeof record === 'string' ? record : JSON.stringify(record), CONTEXT);
}

function event(texts: readonly string[]): FirehoseTransformationEvent {
  return {
    invocationId: 'i-1',
    deliveryStreamArn: `arn:${PARTITION}:firehose:eu-west-1:123456789012:deliverystream/raw`,
    region: 'eu-west-1',
    records: texts.map((text, i) => ({
      recordId: `r${i}`,
      approximateArrivalTimestamp: 0,
      data: Buffer.from(text, 'utf8').toString('base64'),
    })),
  };
}

describe('telling an outcome from a churn record', () => {
  it('cleans an object with observed_at and churned and no churn-record field as an outcome', () => {
    expect(clean(OUTCOME)).toEqual({
      ok: true,
      kind: 'outcome',
      eventDate: '2026-02-03',
      output: `${JSON.stringify({ ...OUTCOME, observed_at: '2026-02-03T04:05:06.000Z', ...ingest() })}\n`,
    });
  });

  it('cleans a record with any churn-record field (event_time, state, churn …) as a churn record', () => {
    const withEventTime = clean({ ...OUTCOME, event_time: '2026-01-01T00:00:00Z' });
    expect(withEventTime).toMatchObject({ ok: true, kind: 'churn', eventDate: '2026-01-01' });
    // The outcome's fields a churn record does not know stay in unknown_fields, as before.
    const line = JSON.parse(withEventTime.ok ? withEventTime.output : '{}') as Record<string, unknown>;
    expect(JSON.parse(line.unknown_fields as string)).toEqual({ observed_at: OUTCOME.observed_at, churned: true });
    expect(clean({ ...OUTCOME, state: 'CA' })).toEqual({ ok: false, reason: 'missing_required:event_time' });
    expect(clean({ customer_id: 'C1', churn: true })).toEqual({ ok: false, reason: 'missing_required:event_time' });
  });

  it('cleans an object with only customer_id (no outcome field) as a churn record', () => {
    expect(clean({ customer_id: 'C1' })).toEqual({ ok: false, reason: 'missing_required:event_time' });
  });
});

describe('validating an outcome by the outcome schema', () => {
  it('reads values as the churn record does: trimmed, booleans in any case, timestamps to UTC', () => {
    const result = clean({ customer_id: ' C0000001 ', observed_at: '2026-02-03 04:05:06+02:00', churned: ' NO ' });
    expect(result).toMatchObject({ ok: true, kind: 'outcome', eventDate: '2026-02-03' });
    expect(JSON.parse(result.ok ? result.output : '{}')).toMatchObject({
      customer_id: 'C0000001',
      observed_at: '2026-02-03T02:05:06.000Z',
      churned: false,
    });
  });

  it('partitions by the UTC date of observed_at', () => {
    expect(clean({ ...OUTCOME, observed_at: '2026-02-03T23:30:00-02:00' })).toMatchObject({ eventDate: '2026-02-04' });
  });

  it.each([
    [{ observed_at: OUTCOME.observed_at, churned: true }, 'missing_required:customer_id'],
    [{ customer_id: 'C1', churned: true }, 'missing_required:observed_at'],
    [{ customer_id: 'C1', observed_at: OUTCOME.observed_at }, 'missing_required:churned'],
    [{ ...OUTCOME, churned: 'N/A' }, 'missing_required:churned'],
    [{ ...OUTCOME, customer_id: 'C 1' }, 'invalid_value:customer_id'],
    [{ ...OUTCOME, observed_at: 'yesterday' }, 'invalid_value:observed_at'],
    [{ ...OUTCOME, observed_at: '2026-02-30T00:00:00Z' }, 'invalid_value:observed_at'],
    [{ ...OUTCOME, observed_at: 1767225600 }, 'invalid_value:observed_at'],
    [{ ...OUTCOME, churned: 'maybe' }, 'invalid_value:churned'],
    [{ ...OUTCOME, churned: 2 }, 'invalid_value:churned'],
  ])('rejects %j with %s', (record, reason) => {
    expect(clean(record)).toEqual({ ok: false, reason });
  });

  it('keeps fields the outcome schema does not know in unknown_fields', () => {
    const result = clean({ ...OUTCOME, note: 'from the billing system' });
    expect(JSON.parse(result.ok ? result.output : '{}')).toMatchObject({
      unknown_fields: JSON.stringify({ note: 'from the billing system' }),
    });
  });
});

describe("the generator's outcomes through the transformation", () => {
  const outcomes = [...generateOutcomes({ seed: 7, count: 2000, dirt: { ...DEFAULT_OUTCOME_DIRT, malformed: 0.05 } })];
  const { response, summary } = transformEvent(event(outcomes.map((o) => o.text)), new Date(CONTEXT.ingestTime));

  it('returns Ok for every well-formed outcome, routed under outcomes-stream/observed_date=…/', () => {
    outcomes.forEach((outcome, i) => {
      const result = response.records[i];
      if (outcome.malformed) {
        return;
      }
      expect(result?.result).toBe('Ok');
      const line = JSON.parse(Buffer.from(result?.data ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
      expect(line).toMatchObject(outcome.fields ?? {});
      const prefix = evaluateDeliveryPrefix(STREAM_DELIVERY_PREFIX, result?.metadata?.partitionKeys ?? {});
      expect(prefix).toBe(`outcomes-stream/observed_date=${String(outcome.fields?.observed_at).slice(0, 10)}/`);
    });
  });

  it('fails every malformed outcome with its original bytes, and counts it by reason', () => {
    const malformed = outcomes.flatMap((o, i) => (o.malformed ? [i] : []));
    expect(malformed.length).toBeGreaterThan(50);
    for (const i of malformed) {
      expect(response.records[i]).toEqual({
        recordId: `r${i}`,
        result: 'ProcessingFailed',
        data: Buffer.from(outcomes[i]?.text ?? '', 'utf8').toString('base64'),
      });
    }
    expect(summary.processingFailed).toBe(malformed.length);
    // The kinds of dirt the generator makes, each with its reason.
    expect(Object.keys(summary.reasons).sort()).toEqual(
      expect.arrayContaining(['invalid_json', 'not_an_object', 'invalid_value:churned', 'invalid_value:observed_at']),
    );
    for (const reason of Object.keys(summary.reasons)) {
      // A malformed outcome is never mistaken for a churn record missing its event_time, unless it
      // lost every field of its own (then nothing says it is an outcome).
      expect(reason).toMatch(
        /^(invalid_json|not_an_object|(missing_required|invalid_value):(customer_id|observed_at|churned|event_time))$/,
      );
    }
  });
});

function ingest() {
  return { ingest_time: CONTEXT.ingestTime, ingest_source: CONTEXT.ingestSource };
}
