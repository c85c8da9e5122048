/**
 * Naming a Kinesis data stream: by name, or by ARN (whose region is then the one to send to).
 */

const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;
const STREAM_ARN_PATTERN =
  /^arn:(aws[a-z-]*):kinesis:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/;

/** The parts of a Kinesis stream ARN. */
export interface StreamArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly streamName: string;
}

/** The parts of a Kinesis stream ARN, or `undefined` if `arn` is not one. */
export function parseStreamArn(arn: string): StreamArn | undefined {
  const match = STREAM_ARN_PATTERN.exec(arn);
  if (match === null) {
    return undefined;
  }
  const [, partition = '', region = '', account = '', streamName = ''] = match;
  return { partition, region, account, streamName };
}

/** Whether `name` is a valid Kinesis stream name (1 to 128 of `a-zA-Z0-9_.-`). */
export function isStreamName(name: string): boolean {
  return STREAM_NAME_PATTERN.test(name);
}

/**
 * The `PutRecords` parameter that names the stream: `StreamARN` for an ARN (anything starting
 * with `arn:`), `StreamName` otherwise.
 */
export function streamTarget(stream: string): { readonly StreamARN: string } | { readonly StreamName: string } {
  return stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
}
