/**
 * Grouping records into `PutRecords` requests within the service limits, in input order. A record
 * that no request could ever carry (too large, a bad partition key) is rejected up front with an
 * error code of its own, so it is reported rather than sent and refused.
 */

/** Most records in one `PutRecords` request (service limit). */
export const PUT_RECORDS_MAX_RECORDS = 500;
/** Most bytes in one `PutRecords` request, data plus partition keys (service limit, 5 MiB). */
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;
/** Most bytes in one record, data plus partition key (service limit, 1 MiB). */
export const RECORD_MAX_BYTES = 1024 * 1024;
/** Longest partition key, in Unicode characters (service limit); the shortest is 1. */
export const PARTITION_KEY_MAX_LENGTH = 256;

/**
 * Error code reported for a record larger than {@link RECORD_MAX_BYTES}: it is never sent.
 */
export const RECORD_TOO_LARGE = 'RecordTooLarge';
/**
 * Error code reported for a record whose partition key is empty or longer than
 * {@link PARTITION_KEY_MAX_LENGTH} characters: it is never sent.
 */
export const INVALID_PARTITION_KEY = 'InvalidPartitionKey';

/** One record to put. */
export interface ProducerRecord {
  /** Decides the shard; 1 to 256 Unicode characters. The churn producer uses the customer id. */
  readonly partitionKey: string;
  /** The record's bytes. */
  readonly data: Uint8Array;
}

/** A record on its way, with its input position. */
export interface Entry {
  /** Position of the record in the input, from 0. */
  readonly index: number;
  readonly record: ProducerRecord;
  /** The last error code, once it failed. */
  readonly errorCode?: string;
  /** The last error message, once it failed. */
  readonly errorMessage?: string;
}

/** Takes a record that will not be sent: its input position, key, error code and message. */
export type RejectRecord = (index: number, partitionKey: string, errorCode: string, errorMessage: string) => void;

/** Bytes a record counts against the limits: its data plus its partition key in UTF-8. */
export function recordBytes(record: ProducerRecord): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
}

/**
 * Groups records into batches of at most `maxRecords` records and {@link PUT_RECORDS_MAX_BYTES}
 * bytes, in input order. Records that can never be sent are passed to `reject` instead.
 */
export async function* batchesOf(
  records: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>,
  maxRecords: number,
  reject: RejectRecord,
): AsyncGenerator<readonly Entry[]> {
  let batch: Entry[] = [];
  let bytes = 0;
  let index = 0;
  for await (const record of records) {
    const i = index++;
    const keyLength = [...record.partitionKey].length;
    if (keyLength < 1 || keyLength > PARTITION_KEY_MAX_LENGTH) {
      reject(
        i,
        record.partitionKey,
        INVALID_PARTITION_KEY,
        `partition key has ${keyLength} characters; expected 1 to ${PARTITION_KEY_MAX_LENGTH}`,
      );
      continue;
    }
    const size = recordBytes(record);
    if (size > RECORD_MAX_BYTES) {
      reject(
        i,
        record.partitionKey,
        RECORD_TOO_LARGE,
        `record is ${size} bytes (data plus partition key); Kinesis accepts at most ${RECORD_MAX_BYTES} (1 MiB)`,
      );
      continue;
    }
    if (batch.length === maxRecords || bytes + size > PUT_RECORDS_MAX_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push({ index: i, record });
    bytes += size;
  }
  if (batch.length > 0) {
    yield batch;
  }
}
