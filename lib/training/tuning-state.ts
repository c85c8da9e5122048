import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type RunNames, retryingJob, sageMakerIntegration } from './sagemaker-task';

/** The hyper-parameter tuning's budget and the training jobs' resources. */
export interface TuningProps {
  /** Training jobs the tuning runs in all. */
  readonly maxJobs: number;
  /** Training jobs it runs at the same time. */
  readonly maxParallelJobs: number;
  /** Instance type of each training job. */
  readonly instanceType: string;
  /** How long one training job may train. */
  readonly maxRuntime: Duration;
  /** Managed spot training, with checkpoints under the run's prefix so an interrupted job resumes. */
  readonly spot: boolean;
}

/** What the tuning job trains on, runs as and writes with. */
export interface TuneHyperParametersStateProps {
  /** The names and locations of the run. */
  readonly names: RunNames;
  readonly tuning: TuningProps;
  /** The role the training jobs run as. */
  readonly jobRole: iam.IRole;
  /** The built-in XGBoost image of the region. */
  readonly trainingImage: string;
  /** The S3 URL of the features, whose `train/` and `validation/` are the training jobs' channels. */
  readonly features: string;
  /** The key of the jobs' volumes and outputs. */
  readonly key: kms.IKey;
  /**
   * Whether the state assigns its result to `$tuning` itself: when it is a step of the main path.
   * Variables assigned in a `Parallel` branch stay in the branch, so there the `Parallel` assigns it.
   */
  readonly assignResult: boolean;
}

/** The hyper-parameter ranges the tuning searches (built-in XGBoost 1.7-1 names). */
export const HYPERPARAMETER_RANGES = {
  continuous: [
    { Name: 'eta', MinValue: '0.01', MaxValue: '0.3', ScalingType: 'Logarithmic' },
    { Name: 'min_child_weight', MinValue: '1', MaxValue: '10', ScalingType: 'Linear' },
    { Name: 'subsample', MinValue: '0.5', MaxValue: '1', ScalingType: 'Linear' },
    { Name: 'gamma', MinValue: '0', MaxValue: '5', ScalingType: 'Linear' },
  ],
  integer: [
    { Name: 'max_depth', MinValue: '3', MaxValue: '10', ScalingType: 'Linear' },
    { Name: 'num_round', MinValue: '50', MaxValue: '500', ScalingType: 'Linear' },
  ],
} as const;

/**
 * The hyper-parameters every training job gets: a probability of churn as output, AUC on the
 * validation channel as the metric the tuning maximises, and early stopping, so that a large
 * `num_round` stops once validation AUC has not improved for 10 rounds.
 */
export const STATIC_HYPERPARAMETERS = {
  objective: 'binary:logistic',
  eval_metric: 'auc',
  early_stopping_rounds: '10',
} as const;

/** What the tuning maximises: the AUC on the validation channel, as the algorithm reports it. */
export const TUNING_OBJECTIVE = { Type: 'Maximize', MetricName: 'validation:auc' } as const;

/** What the rest of the run needs of the tuning. */
export const TUNING_RESULT = {
  tuningJobName: '{% $states.result.HyperParameterTuningJobName %}',
  bestTrainingJobName: '{% $states.result.BestTrainingJob.TrainingJobName %}',
  validationAuc: '{% $states.result.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value %}',
} as const;

/**
 * The longest a tuning job can take: every round of parallel training jobs at its longest, twice
 * that with spot, where a job may wait for capacity as long as it may train.
 */
export function longestTuning(tuning: TuningProps): Duration {
  const rounds = Math.ceil(tuning.maxJobs / tuning.maxParallelJobs);
  return Duration.seconds(rounds * tuning.maxRuntime.toSeconds() * (tuning.spot ? 2 : 1));
}

/**
 * A hyper-parameter tuning job (Bayesian search) of the built-in XGBoost that keeps the training
 * job with the best validation AUC, and passes on {@link TUNING_RESULT}. Only throttling is
 * retried: a failed tuning is not started again (SageMaker retries a training job that fails with
 * an internal error).
 */
export function tuneHyperParametersState(
  scope: Construct,
  id: string,
  props: TuneHyperParametersStateProps,
): sfn.CustomState {
  const { names, tuning } = props;
  const keyArn = props.key.keyArn;
  const maxRuntime = tuning.maxRuntime.toSeconds();
  const state = new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Comment: 'Bayesian search over the XGBoost hyper-parameters, maximising validation AUC',
      Resource: sageMakerIntegration('createHyperParameterTuningJob.sync'),
      Arguments: {
        HyperParameterTuningJobName: names.jobName('', true),
        HyperParameterTuningJobConfig: {
          Strategy: 'Bayesian',
          HyperParameterTuningJobObjective: TUNING_OBJECTIVE,
          ResourceLimits: {
            MaxNumberOfTrainingJobs: tuning.maxJobs,
            MaxParallelTrainingJobs: tuning.maxParallelJobs,
          },
          ParameterRanges: {
            ContinuousParameterRanges: HYPERPARAMETER_RANGES.continuous,
            IntegerParameterRanges: HYPERPARAMETER_RANGES.integer,
          },
          TrainingJobEarlyStoppingType: 'Auto',
        },
        TrainingJobDefinition: {
          AlgorithmSpecification: { TrainingImage: props.trainingImage, TrainingInputMode: 'File' },
          StaticHyperParameters: STATIC_HYPERPARAMETERS,
          RoleArn: props.jobRole.roleArn,
          InputDataConfig: ['train', 'validation'].map((channel) => ({
            ChannelName: channel,
            ContentType: 'text/csv',
            CompressionType: 'None',
            DataSource: {
              S3DataSource: {
                S3DataType: 'S3Prefix',
                S3Uri: `${props.features}${channel}/`,
                S3DataDistributionType: 'FullyReplicated',
              },
            },
          })),
          OutputDataConfig: { S3OutputPath: names.inRun('tuning/'), KmsKeyId: keyArn },
          ResourceConfig: {
            InstanceType: tuning.instanceType,
            InstanceCount: 1,
            VolumeSizeInGB: 10,
            VolumeKmsKeyId: keyArn,
          },
          StoppingCondition: {
            MaxRuntimeInSeconds: maxRuntime,
            // Spot: how long a job may wait for capacity and run, in all.
            ...(tuning.spot ? { MaxWaitTimeInSeconds: 2 * maxRuntime } : {}),
          },
          EnableManagedSpotTraining: tuning.spot,
          ...(tuning.spot ? { CheckpointConfig: { S3Uri: names.inRun('checkpoints/') } } : {}),
          EnableNetworkIsolation: true,
          EnableInterContainerTrafficEncryption: true,
          // SageMaker retries a training job that fails with an internal error.
          RetryStrategy: { MaximumRetryAttempts: 2 },
        },
        Tags: names.tags,
      },
      Output: TUNING_RESULT,
      ...(props.assignResult ? { Assign: { tuning: TUNING_RESULT } } : {}),
    },
  });
  return retryingJob(state, false);
}
