import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type RunNames, retryingJob, sageMakerIntegration } from './sagemaker-task';

/** The model a run scores its test split with. */

/**
 * How the batch transform feeds the test split to the model: every column but the first (the
 * label), in payloads of at most 6 MB (MaxPayloadInMB's default). The local
 * run (`npm run local`) scores as the transform does with the same values.
 */
export const TRANSFORM_INPUT = { inputFilter: '$[1:]', maxPayloadMb: 6 } as const;

export interface CreateModelStateProps {
  /** The names of the run; the model is named `names.modelName` unless `modelName` says otherwise. */
  readonly names: RunNames;
  /**
   * A JSONata expression for the model's name, which must start with the pipeline's prefix.
   * @default - `names.modelName`, the run's own model
   */
  readonly modelName?: string;
  /**
   * What the state's comment says the model is.
   * @default 'A SageMaker model of the best training job, for the batch transform'
   */
  readonly comment?: string;
  /** The role the model's containers run as. */
  readonly jobRole: iam.IRole;
  /** The built-in XGBoost image of the region (or a JSONata expression for the image a package was registered with). */
  readonly image: string;
  /** A JSONata expression for the S3 URL of the model artifacts. */
  readonly modelDataUrl: string;
}

/** A SageMaker model of the best training job, for the batch transform. Only throttling is retried. */
export function createModelState(scope: Construct, id: string, props: CreateModelStateProps): sfn.CustomState {
  const state = new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Comment: props.comment ?? 'A SageMaker model of the best training job, for the batch transform',
      Resource: sageMakerIntegration('createModel'),
      Arguments: {
        ModelName: props.modelName ?? props.names.modelName,
        ExecutionRoleArn: props.jobRole.roleArn,
        EnableNetworkIsolation: true,
        PrimaryContainer: { Image: props.image, ModelDataUrl: props.modelDataUrl },
        Tags: props.names.tags,
      },
    },
  });
  return retryingJob(state, false);
}

/** What the batch transform scores, with which model, and where it writes. */
export interface ScoreTestSplitStateProps {
  /** The names and locations of the run; the model is `names.modelName` unless `modelName` says otherwise. */
  readonly names: RunNames;
  /**
   * A JSONata expression for the name of the model that scores.
   * @default - `names.modelName`, the run's own model
   */
  readonly modelName?: string;
  /**
   * What the job's name says it does, after the prefix (`-score`, `-champion`).
   * @default '-score'
   */
  readonly jobKind?: string;
  /** The S3 URL of the test split: CSV without a header, the label in the first column. */
  readonly testData: string;
  /** Where under the run the scores go, such as `transform/`. */
  readonly output: string;
  /** Instance type of the transform job. */
  readonly instanceType: string;
  /** The key of the job's volume and output. */
  readonly key: kms.IKey;
}

/**
 * A batch transform of the test split: the label column is filtered out of the input, and the
 * output holds one churn probability per input line, in order. Named by attempt, so a failed job
 * is started again.
 */
export function scoreTestSplitState(scope: Construct, id: string, props: ScoreTestSplitStateProps): sfn.CustomState {
  const { names } = props;
  const keyArn = props.key.keyArn;
  const state = new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Comment: 'Batch transform: the label column is filtered out, one churn probability per input line, in order',
      Resource: sageMakerIntegration('createTransformJob.sync'),
      Arguments: {
        TransformJobName: names.jobName(props.jobKind ?? '-score', true),
        ModelName: props.modelName ?? names.modelName,
        BatchStrategy: 'MultiRecord',
        MaxPayloadInMB: TRANSFORM_INPUT.maxPayloadMb,
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: props.testData } },
          ContentType: 'text/csv',
          CompressionType: 'None',
          SplitType: 'Line',
        },
        // Every column but the first (the label) goes to the model; the output is the score alone.
        DataProcessing: { InputFilter: TRANSFORM_INPUT.inputFilter, JoinSource: 'None' },
        TransformOutput: {
          S3OutputPath: names.inRun(props.output),
          Accept: 'text/csv',
          AssembleWith: 'Line',
          KmsKeyId: keyArn,
        },
        TransformResources: {
          InstanceType: props.instanceType,
          InstanceCount: 1,
          VolumeKmsKeyId: keyArn,
        },
        Tags: names.tags,
      },
    },
  });
  return retryingJob(state, true);
}
