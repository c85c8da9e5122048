/**
 * Firehose data-transformation handler: cleans the churn records of one batch on their way from
 * Kinesis to the raw zone. Thin by design: the work is in `clean.ts` and the modules beside it, pure
 * and tested without mocks.
 */
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { transformEvent } from './clean';

/**
 * The Lambda entry point. Logs one line per invocation: the batch summary (counts by result and by
 * failure reason), never record content, which is customer data. The summary is logged as an
 * object: the function uses Lambda's JSON log format, which then nests it as structured fields
 * under `message` (a pre-stringified line would land there as one escaped string).
 */
export const handler = (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => {
  const { response, summary } = transformEvent(event, new Date());
  console.log({ event: 'clean-records.batch', ...summary });
  return Promise.resolve(response);
};
