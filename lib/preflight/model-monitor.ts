/**
 * The Model Monitor check: whether SageMaker Model Monitor, closed to new customers, looks usable in
 * the account, when the stage opts in to it.
 */
import {
  ListDataQualityJobDefinitionsCommand,
  ListMonitoringSchedulesCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { StageConfig } from '../config';
import { couldNotCheck } from './errors';
import { modelMonitorEnabled } from './requirements';
import type { CheckResult } from './result';

/** When SageMaker closed Model Monitor to new customers. */
export const MODEL_MONITOR_CLOSED_SINCE = '2026-07-30';

/**
 * Whether SageMaker Model Monitor looks usable in this account, when the stage opts in to it.
 * Model Monitor is closed to new customers since {@link MODEL_MONITOR_CLOSED_SINCE}: an account
 * that never used it cannot create monitoring schedules. The signal read here is that the account
 * already has a monitoring schedule (ListMonitoringSchedules) or a data-quality job definition
 * (ListDataQualityJobDefinitions) in this region. Its limits: it sees only this region and only
 * resources that still exist (an account that used Model Monitor and deleted everything, or used it
 * in another region, may still be allowed), and a schedule in the account does not prove AWS lets
 * it create more. No signal is therefore a warning, not a blocker.
 */
export async function checkModelMonitor(
  sageMaker: SageMakerClient,
  config: StageConfig,
  region: string,
): Promise<CheckResult> {
  const check = 'Model Monitor';
  if (!modelMonitorEnabled(config)) {
    return {
      check,
      status: 'ok',
      message: `not used (config.${config.stage}.modelMonitor.enabled is false, the default): not checked`,
    };
  }
  try {
    const schedules = await sageMaker.send(new ListMonitoringSchedulesCommand({ MaxResults: 1 }));
    if ((schedules.MonitoringScheduleSummaries ?? []).length > 0) {
      return {
        check,
        status: 'ok',
        message: `the account has monitoring schedules in ${region}, so it has used Model Monitor before`,
      };
    }
    const definitions = await sageMaker.send(new ListDataQualityJobDefinitionsCommand({ MaxResults: 1 }));
    if ((definitions.JobDefinitionSummaries ?? []).length > 0) {
      return {
        check,
        status: 'ok',
        message: `the account has data-quality job definitions in ${region}, so it has used Model Monitor before`,
      };
    }
  } catch (error) {
    return couldNotCheck(check, error, 'sagemaker:ListMonitoringSchedules and sagemaker:ListDataQualityJobDefinitions');
  }
  return {
    check,
    status: 'warn',
    message:
      `config.${config.stage}.modelMonitor.enabled is true, but the account has no monitoring schedule or data-quality job ` +
      `definition in ${region}. Model Monitor is closed to new customers since ${MODEL_MONITOR_CLOSED_SINCE}: an account ` +
      'that never used it cannot create monitoring schedules, and the serving stack would fail to create its monitor, the pipeline its baseline job ' +
      '(this looks at existing resources in this region only, so an account that used it elsewhere may still be allowed)',
    fix: `set config.${config.stage}.modelMonitor.enabled to false (for example --config '{"${config.stage}":{"modelMonitor":{"enabled":false}}}'), unless you know the account has used Model Monitor`,
  };
}
