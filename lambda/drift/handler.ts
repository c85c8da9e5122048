/**
 * The drift function: run on the monitors' schedule (or by hand, with `windowEnd`), it compares the
 * last `WINDOW_HOURS` of the endpoint's captured requests with the baseline statistics of the model
 * in service and publishes the result (`check.ts`). Thin by design: clients at module scope,
 * settings checked when the module loads (`settings.ts`).
 *
 * Logs one line per check: the verdict, the rows, the acting features and where the report is,
 * never a captured value.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { checkDrift, type DriftCheckEvent, type DriftCheckResult } from './check';
import { driftSettingsFromEnv } from './settings';

export type { DriftCheckEvent, DriftCheckResult } from './check';
export { InvalidMonitorEventError } from '../shared/monitor-run';

const SETTINGS = driftSettingsFromEnv(process.env);

const clients = {
  sagemaker: new SageMakerClient({}),
  s3: new S3Client({}),
  athena: new AthenaClient({}),
  cloudwatch: new CloudWatchClient({}),
  events: new EventBridgeClient({}),
};

/** What the log line says about a check. */
export function driftLogLine(result: DriftCheckResult): Record<string, unknown> {
  switch (result.status) {
    case 'no-model':
      return {
        message: 'no model in service: nothing to check',
        endpointName: result.endpointName,
        reason: result.reason,
      };
    case 'no-baseline':
      return {
        message: 'no baseline: nothing to compare the window with',
        endpointName: result.endpointName,
        modelPackageArn: result.modelPackageArn,
        reason: result.reason,
      };
    case 'checked':
      return {
        message: 'drift checked',
        ...result.detail,
        reportPage: result.report.html,
        metrics: result.metrics.length,
        ...(result.metricsSkipped === undefined ? {} : { metricsSkipped: result.metricsSkipped }),
        queryExecutionId: result.query.id,
        scannedBytes: result.query.scannedBytes,
      };
  }
}

/** The Lambda entry point. */
export async function handler(
  event: DriftCheckEvent,
  context: { getRemainingTimeInMillis(): number },
): Promise<DriftCheckResult> {
  const result = await checkDrift(clients, SETTINGS, event, {
    timeLeft: () => context.getRemainingTimeInMillis(),
    now: new Date(),
  });
  console.log(driftLogLine(result));
  return result;
}
