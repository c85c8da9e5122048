/**
 * Firehose data-transformation handler: cleans the churn records of one batch on their way from
 * Kinesis to the raw zone. Thin by design: the work is in `clean.ts`, pure and tested without mocks.
 * Logs one structured line per invocation, with counts only: records are customer data.
 */
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { transformEvent } from './clean';

/** The Lambda entry point. */
export const handler = (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => {
  const { response, summary } = transformEvent(event, new Date());
  console.log(
    JSON.stringify({
      level: summary.processingFailed > 0 ? 'WARN' : 'INFO',
      message: 'clean-records batch transformed',
      ...summary,
    }),
  );
  return Promise.resolve(response);
};
