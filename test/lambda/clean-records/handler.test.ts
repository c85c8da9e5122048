import type { FirehoseTransformationEvent } from 'aws-lambda';
import { handler } from '../../../lambda/clean-records/handler';

const PARTITION = 'aws';

/** Records as a producer might send them: clean, dirty, broken. The ids are Firehose-like. */
const CONTENTS = [
  {
    id: 'rec-ok-clean',
    text: '{"customer_id":"C-1","event_time":"2024-05-01T10:00:00Z","state":"CA","churn":false}\n',
  },
  { id: 'rec-not-json', text: 'customer_id=C-2;secret-phone=+1-555-0100' },
  {
    id: 'rec-ok-dirty',
    text: '\ufeff{"customer_id":" C-3 ","event_time":"2024-05-01 23:30:00-02:00","gender":"W","age":" 61 "}',
  },
  { id: 'rec-missing', text: '{"event_time":"2024-05-01T10:00:00Z","note":"secret-note-C-4"}' },
  { id: 'rec-bad-value', text: '{"customer_id":"C-5","event_time":"2024-05-01T10:00:00Z","age":"secret-age-C-5"}' },
  { id: 'rec-array', text: '[{"customer_id":"C-6"}]' },
] as const;

function event(): FirehoseTransformationEvent {
  return {
    invocationId: 'invocation-7f3a',
    deliveryStreamArn: `arn:${PARTITION}:firehose:eu-west-1:123456789012:deliverystream/churn-raw`,
    sourceKinesisStreamArn: `arn:${PARTITION}:kinesis:eu-west-1:123456789012:stream/churn`,
    region: 'eu-west-1',
    records: CONTENTS.map(({ id, text }, i) => ({
      recordId: id,
      approximateArrivalTimestamp: 1714557600000 + i,
      data: Buffer.from(text, 'utf8').toString('base64'),
      kinesisRecordMetadata: {
        shardId: 'shardId-000000000000',
        partitionKey: `C-${String(i + 1)}`,
        approximateArrivalTimestamp: 1714557600000 + i,
        sequenceNumber: `4965000000000000000000000000000000000000000000000000000${String(i)}`,
        subsequenceNumber: '0',
      },
    })),
  };
}

describe('clean-records handler', () => {
  let log: jest.SpyInstance<void, Parameters<typeof console.log>>;

  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    log.mockRestore();
  });

  it('returns one result per record, with the same ids in the same order, never Dropped', async () => {
    const response = await handler(event());
    expect(response.records.map((r) => r.recordId)).toEqual(CONTENTS.map((c) => c.id));
    expect(response.records.map((r) => r.result)).toEqual([
      'Ok',
      'ProcessingFailed',
      'Ok',
      'ProcessingFailed',
      'ProcessingFailed',
      'ProcessingFailed',
    ]);
  });

  it('returns failed records with their original data, byte for byte, and no metadata', async () => {
    const input = event();
    const response = await handler(input);
    response.records.forEach((result, i) => {
      if (result.result === 'ProcessingFailed') {
        expect(result).toEqual({
          recordId: input.records[i]?.recordId,
          result: 'ProcessingFailed',
          data: input.records[i]?.data,
        });
      }
    });
  });

  it('returns Ok records cleaned, with the event_date partition key of their UTC event time', async () => {
    const response = await handler(event());
    const ok = response.records.filter((r) => r.result === 'Ok');
    expect(ok.map((r) => r.metadata)).toEqual([
      // Firehose writes them under stream/event_date=YYYY-MM-DD/, as before outcomes existed.
      { partitionKeys: { dataset: 'stream', partition_column: 'event_date', partition_date: '2024-05-01' } },
      { partitionKeys: { dataset: 'stream', partition_column: 'event_date', partition_date: '2024-05-02' } },
    ]);
    const lines = ok.map((r) => Buffer.from(r.data ?? '', 'base64').toString('utf8'));
    expect(lines.every((line) => line.endsWith('\n'))).toBe(true);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({
      customer_id: 'C-3',
      event_time: '2024-05-02T01:30:00.000Z',
      gender: 'female',
      age: 61,
      ingest_source: 'kinesis:shardId-000000000000:49650000000000000000000000000000000000000000000000000002',
    });
  });

  it('logs one structured line with counts by result and reason, and no record content', async () => {
    await handler(event());
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]).toEqual([
      {
        event: 'clean-records.batch',
        invocationId: 'invocation-7f3a',
        records: 6,
        ok: 2,
        processingFailed: 4,
        reasons: {
          invalid_json: 1,
          'missing_required:customer_id': 1,
          'invalid_value:age': 1,
          not_an_object: 1,
        },
        responseBytes: expect.any(Number) as number,
      },
    ]);
    const line = JSON.stringify(log.mock.calls[0]);
    for (const secret of ['secret', 'C-1', 'C-3', '555', 'CA', '2024-05']) {
      expect(line).not.toContain(secret);
    }
  });
});
