/**
 * The live model quality function: run on the monitors' schedule (or by hand), it scores the
 * outcomes of the last `QUALITY_WINDOW_DAYS` against the predictions of the model in service and
 * publishes the result (`check.ts`). Thin by design: clients at module scope, settings checked when
 * the module loads (`settings.ts`), and the outcome join on Athena plugged in here (`join.ts`).
 *
 * Logs one line per check: the verdict, the counts and the reason, never an outcome or a
 * probability, which are customer data.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { checkLiveQuality, type QualityCheckEvent, type QualityCheckResult } from './check';
import { athenaOutcomeJoin } from './join';
import { settingsFromEnv } from './settings';

export { InvalidQualityEventError, type QualityCheckEvent, type QualityCheckResult } from './check';

const SETTINGS = settingsFromEnv(process.env);

const clients = {
  sagemaker: new SageMakerClient({}),
  s3: new S3Client({}),
  cloudwatch: new CloudWatchClient({}),
  events: new EventBridgeClient({}),
};

// The outcome tables are in the capture table's database: the lake's raw database.
const joinOutcomes = athenaOutcomeJoin(new AthenaClient({}), {
  workGroup: SETTINGS.workGroup,
  database: SETTINGS.database,
});

/** The Lambda entry point. */
export async function handler(
  event: QualityCheckEvent,
  context: { getRemainingTimeInMillis(): number },
): Promise<QualityCheckResult> {
  const result = await checkLiveQuality(clients, SETTINGS, joinOutcomes, event, {
    timeLeft: () => context.getRemainingTimeInMillis(),
    now: new Date(),
  });
  console.log(
    result.status === 'no-model'
      ? { message: 'no model in service: nothing to check', endpointName: result.endpointName, reason: result.reason }
      : { message: 'live quality checked', ...result.detail, metrics: result.metrics },
  );
  return result;
}
