import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { SAGEMAKER_THROTTLING_ERRORS, retryingJob, runNames } from '../../lib/training/sagemaker-task';
import { testApp } from '../support/app';

describe('runNames', () => {
  const names = runNames('churn-sbx', 's3://artifacts/training-runs/');

  it('names a job by prefix, kind and run id, and by attempt when it may be started again', () => {
    expect(names.jobName('-score', false)).toBe("{% 'churn-sbx-score-' & $runId %}");
    expect(names.jobName('-score', true)).toBe(
      "{% 'churn-sbx-score-' & $runId & '-' & $states.context.State.RetryCount %}",
    );
  });

  it('names the run’s model by prefix and run id', () => {
    expect(names.modelName).toBe("{% 'churn-sbx-' & $runId %}");
  });

  it('places outputs under the run’s prefix', () => {
    expect(names.inRun('transform/')).toBe("{% 's3://artifacts/training-runs/' & $runId & '/transform/' %}");
  });

  it('tags every job with the project and the run id', () => {
    expect(names.tags).toEqual([
      { Key: 'project', Value: 'ml-lifecycle-cdk' },
      { Key: 'run-id', Value: '{% $runId %}' },
    ]);
  });
});

describe('retryingJob', () => {
  function retriesOf(retryFailedJob: boolean): { ErrorEquals: string[]; MaxAttempts: number }[] {
    const stack = new Stack(testApp(), 'Test');
    const state = retryingJob(new sfn.CustomState(stack, 'Job', { stateJson: { Type: 'Task' } }), retryFailedJob);
    return (state.toStateJson() as { Retry: { ErrorEquals: string[]; MaxAttempts: number }[] }).Retry;
  }

  it('retries throttling, five times', () => {
    expect(retriesOf(false)).toEqual([
      expect.objectContaining({ ErrorEquals: SAGEMAKER_THROTTLING_ERRORS, MaxAttempts: 5 }),
    ]);
  });

  it('starts a failed job again, twice, only when asked', () => {
    expect(retriesOf(true)).toEqual([
      expect.objectContaining({ ErrorEquals: SAGEMAKER_THROTTLING_ERRORS }),
      expect.objectContaining({ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2, IntervalSeconds: 120 }),
    ]);
  });
});
