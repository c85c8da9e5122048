import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';

/**
 * Errors of SageMaker's API that are worth retrying: throttling, which the optimised integrations
 * report as `SageMaker.AmazonSageMakerException` and the AWS SDK integrations as
 * `SageMaker.SageMakerException` (unmodelled errors) or `SageMaker.ThrottlingException`.
 */
export const SAGEMAKER_THROTTLING_ERRORS = [
  'SageMaker.AmazonSageMakerException',
  'SageMaker.SageMakerException',
  'SageMaker.ThrottlingException',
];

/**
 * The JSONata expressions that name a run's SageMaker jobs and place its outputs. Every one of them
 * derives from `$runId`, which the run's first state assigns.
 */
export interface RunNames {
  /** The start of every job and model name of the pipeline. */
  readonly prefix: string;
  /** The run's model: the prefix and the run id (one model per run, created once). */
  readonly modelName: string;
  /** The tags of every job and model of a run. */
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
  /**
   * A job name: prefix, kind (`-score`), run id and, for a job started again by a retry, the
   * attempt, since SageMaker job names are unique in the account and region.
   */
  jobName(kind: string, withAttempt: boolean): string;
  /** A location under the run's prefix, such as `tuning/`. */
  inRun(path: string): string;
}

/**
 * The names of a run's jobs and locations.
 * @param prefix the pipeline's job name prefix
 * @param runs the S3 URL every run writes under, `<run id>/` after it
 */
export function runNames(prefix: string, runs: string): RunNames {
  return {
    prefix,
    modelName: `{% '${prefix}-' & $runId %}`,
    tags: [
      { Key: 'project', Value: 'ml-lifecycle-cdk' },
      { Key: 'run-id', Value: '{% $runId %}' },
    ],
    jobName: (kind, withAttempt) =>
      `{% '${prefix}${kind}-' & $runId${withAttempt ? " & '-' & $states.context.State.RetryCount" : ''} %}`,
    inRun: (path) => `{% '${runs}' & $runId & '/${path}' %}`,
  };
}

/**
 * The ARN of every SageMaker resource of a kind (`training-job`, `model`) whose name starts with
 * the pipeline's prefix: what the pipeline's permissions are scoped to.
 */
export function prefixedSageMakerArn(scope: IConstruct, resource: string, prefix: string): string {
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource, resourceName: `${prefix}*` });
}

/** The ARN of a Step Functions optimised SageMaker integration, such as `createModel`. */
export function sageMakerIntegration(action: string): string {
  return `arn:${Aws.PARTITION}:states:::sagemaker:${action}`;
}

/** Retries SageMaker's throttling with exponential backoff and full jitter, five times. */
export function throttlingRetry(interval: Duration): sfn.RetryProps {
  return {
    errors: SAGEMAKER_THROTTLING_ERRORS,
    interval,
    backoffRate: 2,
    maxAttempts: 5,
    jitterStrategy: sfn.JitterType.FULL,
  };
}

/**
 * Adds the retries of a SageMaker job's state: throttling and, with `retryFailedJob`, a failed job
 * (such as no capacity), started again; such a job must be named by attempt, as a job name is
 * unique in the account and region.
 */
export function retryingJob(state: sfn.CustomState, retryFailedJob: boolean): sfn.CustomState {
  state.addRetry(throttlingRetry(Duration.seconds(10)));
  if (retryFailedJob) {
    state.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.minutes(2),
      backoffRate: 2,
      maxAttempts: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
  }
  return state;
}
