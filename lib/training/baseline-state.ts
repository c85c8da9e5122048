import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type RunNames, retryingJob, sageMakerIntegration } from './sagemaker-task';

/** The Model Monitor baseline step: opt-in, as Model Monitor is closed to new AWS customers since 2026-07-30. */
export interface BaselineProps {
  /** Instance type of the baseline job (the Model Monitor analyzer; 1 instance, 20 GB volume, 1 hour at most). */
  readonly instanceType: string;
}

/** What the baseline job reads, runs as and writes with. */
export interface SuggestBaselineStateProps extends BaselineProps {
  /** The names and locations of the run. */
  readonly names: RunNames;
  /** The role the processing job runs as. */
  readonly jobRole: iam.IRole;
  /** The Model Monitor analyzer image of the region. */
  readonly analyzerImage: string;
  /** The S3 URL of the headed training data (its label column first) the baseline describes. */
  readonly baselineData: string;
  /** The key of the job's volume and output. */
  readonly key: kms.IKey;
}

/** Where the Model Monitor analyzer reads the baseline data and writes its results, in its container. */
const ANALYZER_INPUT = '/opt/ml/processing/input/baseline_dataset_input';
const ANALYZER_OUTPUT = '/opt/ml/processing/output';

/**
 * A processing job of the Model Monitor analyzer that writes `statistics.json` and
 * `constraints.json` of the training data under the run's `baseline/`, and passes on their
 * locations. Named by attempt, so a failed job is started again.
 */
export function suggestBaselineState(scope: Construct, id: string, props: SuggestBaselineStateProps): sfn.CustomState {
  const { names } = props;
  const keyArn = props.key.keyArn;
  const state = new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Comment: 'Model Monitor analyzer: statistics.json and constraints.json of the training data',
      Resource: sageMakerIntegration('createProcessingJob.sync'),
      Arguments: {
        ProcessingJobName: names.jobName('-baseline', true),
        RoleArn: props.jobRole.roleArn,
        AppSpecification: { ImageUri: props.analyzerImage },
        Environment: {
          dataset_format: JSON.stringify({ csv: { header: true, output_columns_position: 'START' } }),
          dataset_source: ANALYZER_INPUT,
          output_path: ANALYZER_OUTPUT,
          publish_cloudwatch_metrics: 'Disabled',
        },
        ProcessingInputs: [
          {
            InputName: 'baseline_dataset_input',
            S3Input: {
              S3Uri: props.baselineData,
              LocalPath: ANALYZER_INPUT,
              S3DataType: 'S3Prefix',
              S3InputMode: 'File',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
        ],
        ProcessingOutputConfig: {
          KmsKeyId: keyArn,
          Outputs: [
            {
              OutputName: 'monitoring_output',
              S3Output: { S3Uri: names.inRun('baseline'), LocalPath: ANALYZER_OUTPUT, S3UploadMode: 'EndOfJob' },
            },
          ],
        },
        ProcessingResources: {
          ClusterConfig: {
            InstanceCount: 1,
            InstanceType: props.instanceType,
            VolumeSizeInGB: 20,
            VolumeKmsKeyId: keyArn,
          },
        },
        NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
        StoppingCondition: { MaxRuntimeInSeconds: Duration.hours(1).toSeconds() },
        Tags: names.tags,
      },
      Output: {
        statistics: names.inRun('baseline/statistics.json'),
        constraints: names.inRun('baseline/constraints.json'),
      },
    },
  });
  return retryingJob(state, true);
}
