/**
 * The data report function: invoked by EventBridge when the features job succeeds (Glue's "Glue
 * Job State Change" event, state SUCCEEDED), it reads the profile the job wrote, draws the data
 * report (`report.ts`) and writes `report.html`, with the profile it was drawn from, under
 * `data-reports/<job run id>/`. Thin by design: the page is `report.ts`, pure and tested without
 * mocks; here are the event's check and the two S3 calls.
 *
 * Its settings come from the environment, checked when the module loads: `PROFILE_LOCATION` (the
 * `s3://` URL of `profile.json`) and `REPORTS_LOCATION` (the `s3://` prefix the reports go under).
 * Errors are not caught: Lambda retries the asynchronous invocation twice.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DataProfile } from '../../lib/contracts/data-profile';
import { stringFromEnv } from '../shared/env';
import { parseS3Url, s3Url } from '../shared/s3-url';
import { renderDataReport } from './report';

/** The part of Glue's job state change event the function reads. */
export interface FeaturesSucceededEvent {
  readonly detail?: { readonly jobName?: unknown; readonly jobRunId?: unknown; readonly state?: unknown };
}

/** What the function wrote. */
export interface DataReportResult {
  /** `s3://` URL of `report.html`. */
  readonly report: string;
  /** `s3://` URL of the copy of the profile it was drawn from. */
  readonly profile: string;
}

/** Thrown when the event is not a features job run's success; the message says what is wrong. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** A Glue job run id: `jr_` and hex digits, safe as one level of an S3 key. */
const JOB_RUN_ID = /^jr_[0-9a-f]{1,128}$/;

/** The job run id of a features job success event. */
export function jobRunIdOf(event: FeaturesSucceededEvent): string {
  const detail = event.detail;
  if (detail?.state !== 'SUCCEEDED') {
    throw new InvalidEventError(
      `the event is not a job run's success: detail.state is ${JSON.stringify(detail?.state)}`,
    );
  }
  const runId = detail.jobRunId;
  if (typeof runId !== 'string' || !JOB_RUN_ID.test(runId)) {
    throw new InvalidEventError(
      `detail.jobRunId is ${JSON.stringify(runId)}; expected a Glue job run id, jr_ and hex digits`,
    );
  }
  return runId;
}

/**
 * The profile in `text`, checked for what the report relies on first: its layout's version. The
 * features job writes it, so anything else is a bug in one of the two, said as such.
 */
export function profileOf(text: string): DataProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`the profile is not JSON: ${(error as Error).message}`);
  }
  const version = (parsed as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== 1) {
    throw new Error(`the profile's formatVersion is ${JSON.stringify(version)}; this function draws version 1`);
  }
  return parsed as DataProfile;
}

const PROFILE = parseS3Url(stringFromEnv(process.env, 'PROFILE_LOCATION'), 'PROFILE_LOCATION');
const REPORTS = parseS3Url(stringFromEnv(process.env, 'REPORTS_LOCATION'), 'REPORTS_LOCATION');

const s3 = new S3Client({});

export const handler = async (event: FeaturesSucceededEvent): Promise<DataReportResult> => {
  const runId = jobRunIdOf(event);
  const response = await s3.send(new GetObjectCommand({ Bucket: PROFILE.bucket, Key: PROFILE.key }));
  const text = (await response.Body?.transformToString('utf-8')) ?? '';
  const profile = profileOf(text);
  const html = await renderDataReport(profile, { title: `Churn data: features run ${runId}` });
  const folder = `${REPORTS.key}${runId}/`;
  const written = {
    report: { bucket: REPORTS.bucket, key: `${folder}report.html` },
    profile: { bucket: REPORTS.bucket, key: `${folder}profile.json` },
  };
  // No encryption is named: the bucket's default (the lake key) applies.
  await Promise.all([
    s3.send(
      new PutObjectCommand({
        Bucket: REPORTS.bucket,
        Key: written.report.key,
        Body: html,
        ContentType: 'text/html; charset=utf-8',
      }),
    ),
    s3.send(
      new PutObjectCommand({
        Bucket: REPORTS.bucket,
        Key: written.profile.key,
        Body: text,
        ContentType: 'application/json',
      }),
    ),
  ]);
  console.log({ event: 'data-report.done', runId, customers: profile.rows, quarantined: profile.quarantine.rows });
  return { report: s3Url(written.report), profile: s3Url(written.profile) };
};
