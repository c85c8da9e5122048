/** `s3://bucket/key` URLs, as SageMaker and the state machine pass locations around. */

/** A bucket and a key (or key prefix). */
export interface S3Location {
  readonly bucket: string;
  /** The key, or a key prefix; '' for the whole bucket. */
  readonly key: string;
}

/** Thrown when a text is not an `s3://bucket/key` URL. */
export class S3UrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3UrlError';
  }
}

// Bucket names: 3 to 63 lower-case letters, digits, dots and hyphens (the S3 naming rules).
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/**
 * The bucket and key of an `s3://bucket/key` URL. The key is taken as written (S3 keys are not
 * URL-encoded in `s3://` URLs).
 * @param what what the URL is, for the error message
 * @throws S3UrlError when `url` is not such a URL
 */
export function parseS3Url(url: string, what = 'location'): S3Location {
  const match = S3_URL.exec(url);
  if (match === null) {
    throw new S3UrlError(`${what} ${JSON.stringify(url)} is not an s3://bucket/key URL`);
  }
  return { bucket: match[1] ?? '', key: match[2] ?? '' };
}

/** `s3://bucket/key` */
export function s3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}
