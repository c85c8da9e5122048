/**
 * Writes generated churn records as files the raw zone holds, for the Spark tests of the Glue jobs
 * (glue/tests), so Python and the DuckDB harness draw their data from one generator:
 * - `stream`: each record through the Firehose cleaner (`cleanRecord`); the Ok ones as Firehose
 *   delivers them, GZIP JSON Lines under `event_date=YYYY-MM-DD/` (lib/contracts/lake-layout.ts);
 * - `batch`: the records as an uploaded CSV file with a header (`toCsvLines`).
 *
 * ```
 * npx tsx test/support/raw-zone-files.ts '{"out": "/tmp/x", "files": [{"as": "stream", "dir": "stream", ...}]}'
 * ```
 * Prints one JSON line per file written: its path and the number of records in it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { cleanRecord } from '../../lambda/clean-records/record';
import { EVENT_DATE_PARTITION } from '../../lib/schema/churn';
import { DEFAULT_DIRT, NO_DIRT } from '../../lib/schema/dirt';
import { generateWireRecords } from '../../lib/schema/generator';
import { toCsvLines } from '../../lib/schema/wire';

const DIRT = { default: DEFAULT_DIRT, malformed: { ...DEFAULT_DIRT, malformed: 0.1 }, none: NO_DIRT } as const;

/** One file (or, for the stream, one file per event date) to write. */
export interface RawZoneFile {
  /** How the records arrive. */
  readonly as: 'stream' | 'batch';
  /** Folder under `out`: the stream's date partitions go under it, the CSV file into it. */
  readonly dir: string;
  /** The generator's seed. */
  readonly seed: number;
  /** Records generated (the cleaner may drop some from the stream). */
  readonly count: number;
  /** `event_time` of the first record (ISO 8601). */
  readonly start: string;
  /** `default` (DEFAULT_DIRT), `malformed` (DEFAULT_DIRT with one record in ten beyond cleaning) or `none`. */
  readonly dirt: 'default' | 'malformed' | 'none';
  /** The file name (without extension): `<name>.csv`, or `<name>.gz` in each date partition. */
  readonly name: string;
  /** The cleaner's ingest time for stream records (ISO 8601). */
  readonly ingestTime?: string;
}

/** Writes the files of `spec`; returns each written path with its record count. */
export function writeRawZoneFiles(out: string, files: readonly RawZoneFile[]): { path: string; records: number }[] {
  const written: { path: string; records: number }[] = [];
  for (const file of files) {
    const records = generateWireRecords({
      seed: file.seed,
      count: file.count,
      start: new Date(file.start),
      dirt: DIRT[file.dirt],
    });
    const dir = path.join(out, file.dir);
    if (file.as === 'batch') {
      const lines = [...toCsvLines(records)];
      const target = path.join(dir, `${file.name}.csv`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(target, lines.join(''));
      written.push({ path: target, records: lines.length - 1 });
      continue;
    }
    const byDate = new Map<string, string[]>();
    let sequence = 0;
    for (const record of records) {
      const result = cleanRecord(record.text, {
        ingestTime: file.ingestTime ?? file.start,
        ingestSource: `kinesis:shardId-000000000000:${++sequence}`,
      });
      if (result.ok) {
        byDate.set(result.eventDate, [...(byDate.get(result.eventDate) ?? []), result.output]);
      }
    }
    for (const [date, lines] of byDate) {
      const partition = path.join(dir, `${EVENT_DATE_PARTITION}=${date}`);
      const target = path.join(partition, `${file.name}.gz`);
      fs.mkdirSync(partition, { recursive: true });
      fs.writeFileSync(target, zlib.gzipSync(lines.join('')));
      written.push({ path: target, records: lines.length });
    }
  }
  return written;
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as { out?: string; files?: RawZoneFile[] };
  if (spec.out === undefined || spec.files === undefined) {
    console.error('usage: npx tsx test/support/raw-zone-files.ts \'{"out": DIR, "files": [...]}\'');
    process.exit(2);
  }
  for (const file of writeRawZoneFiles(spec.out, spec.files)) {
    console.log(JSON.stringify(file));
  }
}
