import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { runNames } from '../../lib/training/sagemaker-task';
import {
  HYPERPARAMETER_RANGES,
  TUNING_RESULT,
  type TuningProps,
  longestTuning,
  tuneHyperParametersState,
} from '../../lib/training/tuning-state';
import { testApp } from '../support/app';

const SANDBOX_TUNING: TuningProps = {
  maxJobs: 6,
  maxParallelJobs: 2,
  instanceType: 'ml.m5.large',
  maxRuntime: Duration.minutes(30),
  spot: true,
};

/** The parts of the tuning state these tests read. */
interface TuneStateJson {
  Arguments: {
    TrainingJobDefinition: Record<string, unknown> & {
      InputDataConfig: { ChannelName: string; DataSource: { S3DataSource: { S3Uri: string } } }[];
    };
  };
  Output: unknown;
  Assign?: unknown;
  Retry: { ErrorEquals: string[] }[];
}

/** The tuning state's JSON, resolved, as the state machine definition holds it. */
function tuneState(tuning: TuningProps, assignResult = true): TuneStateJson {
  const stack = new Stack(testApp(), 'Test');
  const state = tuneHyperParametersState(stack, 'Tune', {
    names: runNames('churn-sbx', 's3://artifacts/training-runs/'),
    tuning,
    jobRole: new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }),
    trainingImage: 'xgboost:1.7-1',
    features: 's3://curated/features/',
    key: new kms.Key(stack, 'Key'),
    assignResult,
  });
  return stack.resolve(state.toStateJson()) as TuneStateJson;
}

describe('longestTuning', () => {
  it('is every round of parallel training jobs at its longest, twice that with spot', () => {
    expect(longestTuning(SANDBOX_TUNING).toMinutes()).toBe(3 * 30 * 2);
    expect(longestTuning({ ...SANDBOX_TUNING, spot: false }).toMinutes()).toBe(3 * 30);
  });

  it('counts a round that is not full as a whole round', () => {
    expect(longestTuning({ ...SANDBOX_TUNING, maxJobs: 7, spot: false }).toMinutes()).toBe(4 * 30);
    expect(longestTuning({ ...SANDBOX_TUNING, maxJobs: 1, maxParallelJobs: 5, spot: false }).toMinutes()).toBe(30);
  });
});

describe('tuneHyperParametersState', () => {
  it('lets a spot job wait for capacity as long as it may train, and resume from checkpoints under the run', () => {
    const definition = tuneState(SANDBOX_TUNING).Arguments.TrainingJobDefinition;
    expect(definition.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800, MaxWaitTimeInSeconds: 3600 });
    expect(definition.EnableManagedSpotTraining).toBe(true);
    expect(definition.CheckpointConfig).toEqual({
      S3Uri: "{% 's3://artifacts/training-runs/' & $runId & '/checkpoints/' %}",
    });
  });

  it('trains on demand without a wait time or checkpoints', () => {
    const definition = tuneState({ ...SANDBOX_TUNING, spot: false }).Arguments.TrainingJobDefinition;
    expect(definition.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
    expect(definition.EnableManagedSpotTraining).toBe(false);
    expect(definition).not.toHaveProperty('CheckpointConfig');
  });

  it('assigns its result only when it is a step of the main path', () => {
    expect(tuneState(SANDBOX_TUNING, true).Assign).toEqual({ tuning: TUNING_RESULT });
    expect(tuneState(SANDBOX_TUNING, false)).not.toHaveProperty('Assign');
    expect(tuneState(SANDBOX_TUNING, false).Output).toEqual(TUNING_RESULT);
  });

  it('trains on the train and validation channels under the features', () => {
    const channels = tuneState(SANDBOX_TUNING).Arguments.TrainingJobDefinition.InputDataConfig;
    expect(channels.map((c) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri])).toEqual([
      ['train', 's3://curated/features/train/'],
      ['validation', 's3://curated/features/validation/'],
    ]);
  });

  it('retries throttling only: a failed tuning is not started again', () => {
    const retries = tuneState(SANDBOX_TUNING).Retry;
    expect(retries.flatMap((r) => r.ErrorEquals)).not.toContain('States.TaskFailed');
    expect(retries).toHaveLength(1);
  });
});

describe('HYPERPARAMETER_RANGES', () => {
  const ranges = [...HYPERPARAMETER_RANGES.continuous, ...HYPERPARAMETER_RANGES.integer];

  it('names each hyper-parameter once', () => {
    expect(new Set(ranges.map((r) => r.Name)).size).toBe(ranges.length);
  });

  it('has ranges SageMaker accepts: numbers, the minimum below the maximum', () => {
    for (const range of ranges) {
      expect([range.Name, Number(range.MinValue) < Number(range.MaxValue)]).toEqual([range.Name, true]);
    }
  });

  it('searches the learning rate on a logarithmic scale, above zero as that scale needs', () => {
    const eta = HYPERPARAMETER_RANGES.continuous.find((r) => r.Name === 'eta');
    expect(eta?.ScalingType).toBe('Logarithmic');
    expect(Number(eta?.MinValue)).toBeGreaterThan(0);
  });

  it('searches whole numbers of depth and rounds as integers', () => {
    expect(HYPERPARAMETER_RANGES.integer.map((r) => r.Name)).toEqual(['max_depth', 'num_round']);
    for (const range of HYPERPARAMETER_RANGES.integer) {
      expect(Number.isInteger(Number(range.MinValue)) && Number.isInteger(Number(range.MaxValue))).toBe(true);
    }
  });
});
