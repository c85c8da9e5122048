/**
 * What a producer run did, and the tally that builds it: records sent, retried and failed, every
 * failure counted by error code and the first ones listed.
 */
/** Progress after a batch. */
export interface ProducerProgress {
  /** Records the stream accepted so far. */
  readonly sent: number;
  /** Records given up on so far. */
  readonly failed: number;
  /** The number of records expected, when the caller said. */
  readonly total?: number;
}

/** A record that was not delivered. */
export interface RecordFailure {
  /** Position of the record in the input, from 0. */
  readonly index: number;
  readonly partitionKey: string;
  /**
   * The last error: a Kinesis error code (per entry, such as `ProvisionedThroughputExceededException`,
   * or of the whole request), or `RecordTooLarge` or `InvalidPartitionKey` for a record rejected up front.
   */
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** What a run did. */
export interface ProducerReport {
  /** Records the stream accepted (each exactly once). */
  readonly sent: number;
  /** Entry retries performed: an entry put three times counts two. */
  readonly retried: number;
  /** Records not delivered: attempts exhausted, a permanent per-entry error, or rejected up front. */
  readonly failed: number;
  /** The first failures, in the order they were given up on (at most `maxFailuresListed`). */
  readonly failures: readonly RecordFailure[];
  /** Every failure counted by error code (complete, unlike `failures`). */
  readonly failuresByCode: Readonly<Record<string, number>>;
  /** Batches formed from the input. */
  readonly batches: number;
  /** `PutRecords` requests made, retries included. */
  readonly requests: number;
  /** Wall-clock duration of the run, by the injected clock. */
  readonly durationMs: number;
}

/** Counts what a run does as it goes; {@link ReportTally.report} is a copy, safe to keep. */
export class ReportTally {
  private sentCount = 0;
  private retriedCount = 0;
  private failedCount = 0;
  private batchCount = 0;
  private requestCount = 0;
  private readonly failures: RecordFailure[] = [];
  private readonly failuresByCode: Record<string, number> = {};

  /** @param maxFailuresListed failures listed one by one in the report (all are counted) */
  constructor(private readonly maxFailuresListed: number) {}

  /** Records the stream accepted so far. */
  get sent(): number {
    return this.sentCount;
  }

  /** Records given up on so far. */
  get failed(): number {
    return this.failedCount;
  }

  /** `count` records were accepted. */
  accepted(count: number): void {
    this.sentCount += count;
  }

  /** `count` entries are put again. */
  retrying(count: number): void {
    this.retriedCount += count;
  }

  /** A batch was formed. */
  batch(): void {
    this.batchCount += 1;
  }

  /** A `PutRecords` request is made. */
  request(): void {
    this.requestCount += 1;
  }

  /** A record is given up on with its last error. */
  fail(index: number, partitionKey: string, errorCode: string, errorMessage: string): void {
    this.failedCount += 1;
    this.failuresByCode[errorCode] = (this.failuresByCode[errorCode] ?? 0) + 1;
    if (this.failures.length < this.maxFailuresListed) {
      this.failures.push({ index, partitionKey, errorCode, errorMessage });
    }
  }

  /** The report so far, lasting `durationMs`. */
  report(durationMs: number): ProducerReport {
    return {
      sent: this.sentCount,
      retried: this.retriedCount,
      failed: this.failedCount,
      failures: [...this.failures],
      failuresByCode: { ...this.failuresByCode },
      batches: this.batchCount,
      requests: this.requestCount,
      durationMs,
    };
  }
}
