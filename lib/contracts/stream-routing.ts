/**
 * How Firehose routes what the cleaner returns: one S3 prefix expression for the delivery stream,
 * filled in per record from the partition keys the cleaner returns (Firehose dynamic partitioning,
 * `partitionKeyFromLambda`), so churn records and outcomes travel the same stream and land apart.
 *
 * | record | dataset | partition_column | partition_date | lands under |
 * |---|---|---|---|---|
 * | churn record | `stream` | `event_date` | UTC date of `event_time` | `stream/event_date=YYYY-MM-DD/` (as before outcomes existed) |
 * | outcome | `outcomes-stream` | `observed_date` | UTC date of `observed_at` | `outcomes-stream/observed_date=YYYY-MM-DD/` |
 *
 * No key value ever holds a `/`. The Firehose developer guide ("Understand custom prefixes for
 * Amazon S3 objects", https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html, and "Use
 * Amazon S3 bucket prefix to deliver data",
 * https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-s3bucketprefix.html) says
 * the prefix is the expression with each key's value put in its place and that each `/` makes a
 * level, but not whether a value may itself hold a `/`; so every value here is one path segment,
 * and the levels come from the expression. That is why the outcomes' prefix has as many levels as
 * the churn records' (`outcomes-stream/`, not `outcomes/stream/`).
 *
 * Records the cleaner fails, and records Firehose cannot route, go to the delivery stream's one
 * error prefix (`stream-errors/`), outcomes included: an error prefix cannot use partition keys.
 */
import { EVENT_DATE_PARTITION } from '../schema/churn';
import { OBSERVED_DATE_PARTITION } from '../schema/outcome';
import { RAW_PREFIXES } from './lake-layout';

/** The names of the partition keys the cleaner returns for every record it cleans. */
export const STREAM_PARTITION_KEYS = {
  /** The raw prefix's first level, without its `/`. */
  dataset: 'dataset',
  /** The name of the date partition column (`event_date`, `observed_date`). */
  partitionColumn: 'partition_column',
  /** `YYYY-MM-DD`, UTC. */
  partitionDate: 'partition_date',
} as const;

/** Where one kind of record lands: the raw prefix and its date partition column. */
export interface StreamRoute {
  /** The raw prefix, ending in `/`, one level deep. */
  readonly prefix: string;
  /** The date partition column under it. */
  readonly partitionColumn: string;
}

/** The routes, by kind of record. */
export const STREAM_ROUTES = {
  churn: { prefix: RAW_PREFIXES.stream, partitionColumn: EVENT_DATE_PARTITION },
  outcome: { prefix: RAW_PREFIXES.outcomesStream, partitionColumn: OBSERVED_DATE_PARTITION },
} as const satisfies Readonly<Record<string, StreamRoute>>;

/** The kinds of record the stream carries. */
export type StreamRecordKind = keyof typeof STREAM_ROUTES;

const lambdaKey = (name: string): string => `!{partitionKeyFromLambda:${name}}`;

/** The delivery stream's S3 prefix expression (`ExtendedS3DestinationConfiguration.Prefix`). */
export const STREAM_DELIVERY_PREFIX =
  `${lambdaKey(STREAM_PARTITION_KEYS.dataset)}/` +
  `${lambdaKey(STREAM_PARTITION_KEYS.partitionColumn)}=${lambdaKey(STREAM_PARTITION_KEYS.partitionDate)}/`;

const ONE_SEGMENT = /^[A-Za-z0-9_.-]+$/;
for (const [kind, route] of Object.entries(STREAM_ROUTES)) {
  const dataset = route.prefix.slice(0, -1);
  if (!route.prefix.endsWith('/') || !ONE_SEGMENT.test(dataset) || !ONE_SEGMENT.test(route.partitionColumn)) {
    throw new Error(
      `the ${kind} route must be one prefix level ending in "/" and a column name; received "${route.prefix}", "${route.partitionColumn}"`,
    );
  }
}

/**
 * The partition keys of a record of `kind` whose partition date is `date` (`YYYY-MM-DD`): what
 * the cleaner returns as `metadata.partitionKeys`.
 */
export function streamPartitionKeys(kind: StreamRecordKind, date: string): Record<string, string> {
  const route: StreamRoute = STREAM_ROUTES[kind];
  return {
    [STREAM_PARTITION_KEYS.dataset]: route.prefix.slice(0, -1),
    [STREAM_PARTITION_KEYS.partitionColumn]: route.partitionColumn,
    [STREAM_PARTITION_KEYS.partitionDate]: date,
  };
}

/**
 * The prefix Firehose writes a record under: `expression` with each `!{partitionKeyFromLambda:K}`
 * replaced by the value of K in `keys`, as Firehose evaluates it (for tests and the local
 * lifecycle, which write the raw zone the way Firehose does). Throws when a key is missing, as
 * Firehose would send the record to the error prefix.
 */
export function evaluateDeliveryPrefix(expression: string, keys: Readonly<Record<string, string>>): string {
  return expression.replace(/!\{partitionKeyFromLambda:([^}]+)\}/g, (_match, name: string) => {
    const value = keys[name];
    if (value === undefined) {
      throw new Error(`partition key ${name} is missing; received keys: ${Object.keys(keys).join(', ') || 'none'}`);
    }
    return value;
  });
}
