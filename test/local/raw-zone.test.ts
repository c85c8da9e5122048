import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cleanRecord } from '../../lambda/clean-records/record';
import { BATCH_EVERY, generateRecords, writeRawZone } from '../../lib/local/raw-zone';
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import { toCsvLines } from '../../lib/schema/wire';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('the local raw zone', () => {
  let dir: string;
  const records = generateRecords({ seed: 7, count: 3_000, dirt: DEFAULT_DIRT });
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raw-zone-'));
    writeRawZone(dir, records, NOW);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uploads every fifth record as CSV and streams the rest, losing none', () => {
    expect(records.batch).toHaveLength(3_000 / BATCH_EVERY);
    expect(records.stream.length + records.batch.length).toBe(3_000);
    expect(fs.readFileSync(path.join(dir, 'batch', 'upload.csv'), 'utf8')).toBe(
      [...toCsvLines(records.batch)].join(''),
    );
  });

  it('writes what the cleaner accepts as GZIP JSON Lines under the event date it returns', () => {
    const dates = fs.readdirSync(path.join(dir, 'stream')).sort();
    expect(dates.length).toBeGreaterThan(0);
    const written: string[] = [];
    for (const date of dates) {
      expect(date).toMatch(/^event_date=\d{4}-\d{2}-\d{2}$/);
      for (const file of fs.readdirSync(path.join(dir, 'stream', date))) {
        const lines = gunzipSync(fs.readFileSync(path.join(dir, 'stream', date, file)))
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== '');
        for (const line of lines) {
          const record = JSON.parse(line) as { event_time: string };
          expect(`event_date=${record.event_time.slice(0, 10)}`).toBe(date);
        }
        written.push(...lines);
      }
    }
    const accepted = records.stream
      .map((r) => cleanRecord(r.text, { ingestTime: NOW.toISOString(), ingestSource: 'x' }))
      .filter((r) => r.ok);
    expect(written).toHaveLength(accepted.length);
  });

  it('keeps every refused record with its original bytes, as Firehose keeps processing failures', () => {
    const errors = path.join(dir, 'stream-errors', 'processing-failed');
    const kept = fs
      .readdirSync(errors)
      .flatMap((file) => fs.readFileSync(path.join(errors, file), 'utf8').split('\n'))
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { rawData: string; errorCode: string });
    const refused = records.stream.filter(
      (r) => !cleanRecord(r.text, { ingestTime: NOW.toISOString(), ingestSource: 'x' }).ok,
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(kept.map((k) => Buffer.from(k.rawData, 'base64').toString('utf8'))).toEqual(refused.map((r) => r.text));
    expect(new Set(kept.map((k) => k.errorCode))).toEqual(new Set(['Lambda.ProcessingFailed']));
  });
});
