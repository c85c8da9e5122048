import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { RULES, acknowledgeFindings, wildcardResourceFinding } from '../shared/compliance';
import type { RemovalMode } from '../config';
import { ARTIFACT_PREFIXES, CURATED_PREFIXES } from '../contracts/lake-layout';
import { removalPolicyOf } from '../shared/removal';
import type { SageMakerImages } from '../shared/sagemaker-images';
import { PipelineFunction } from '../shared/pipeline-function';
import { SageMakerJobRole } from '../shared/sagemaker-job-role';

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

/** The business costs the evaluation weighs (see `lambda/evaluate/metrics.ts`). */
export interface EvaluationCosts {
  /** The cost of a churner who was not offered the incentive. */
  readonly missedChurner: number;
  /** The cost of one incentive. */
  readonly incentive: number;
  /** The share of churners offered the incentive who stay. */
  readonly retention: number;
}

/** What the quality gate demands, and what it does with a package that passes. */
export interface QualityGateProps {
  /** The lowest test AUC accepted. */
  readonly minAuc: number;
  /** `automatic`: a passing package is approved; `manual`: it stays pending for a person. */
  readonly approval: 'automatic' | 'manual';
}

/** The Model Monitor baseline step: opt-in, as Model Monitor is closed to new AWS customers since 2026-07-30. */
export interface BaselineProps {
  /** Instance type of the baseline job (the Model Monitor analyzer; 1 instance, 20 GB volume, 1 hour at most). */
  readonly instanceType: string;
}

export interface TrainingPipelineProps {
  /**
   * Starts every SageMaker job and model name of the pipeline, and scopes the pipeline's
   * permissions to those names. At most 9 characters (a tuning job name is at most 32: the
   * prefix, a dash, the 20-character run id and a retry digit), lower-case letters, digits, dashes.
   */
  readonly jobNamePrefix: string;
  /** The curated bucket, whose `features/` holds the splits and the baseline data. */
  readonly curatedBucket: s3.IBucket;
  /** The artifacts bucket, where each run writes under `training-runs/<run id>/`. */
  readonly artifactsBucket: s3.IBucket;
  /** The lake's policy for the pipeline's jobs and evaluation (DataLake stack). */
  readonly lakeAccess: iam.IManagedPolicy;
  /** The lake key: job volumes and outputs, logs. */
  readonly key: kms.IKey;
  /** The region's SageMaker images: the analyzer among them when there is a baseline step. */
  readonly images: SageMakerImages;
  /** The model package group each run registers its model in. */
  readonly modelPackageGroupName: string;
  readonly tuning: TuningProps;
  /**
   * The Model Monitor baseline step, run beside the tuning: the analyzer computes statistics and
   * constraints of the training data, which the package is registered with as drift-check
   * baselines. Only for accounts that already use Model Monitor (closed to new AWS customers since
   * 2026-07-30); needs `images.modelMonitorAnalyzer`.
   * @default - no baseline step: a run goes straight to tuning, packages are registered without
   *   drift-check baselines, and the state machine may start no processing job
   */
  readonly baseline?: BaselineProps;
  /** Instance type of the batch transform that scores the test split (also offered for real-time inference). */
  readonly transformInstanceType: string;
  readonly costs: EvaluationCosts;
  readonly gate: QualityGateProps;
  /** Where the pipeline reports each run's result and every failure. */
  readonly topic: sns.ITopic;
  /** How long the pipeline's and its functions' logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** `destroy`: the log groups go with the stack. */
  readonly removal: RemovalMode;
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

/** Where the Model Monitor analyzer reads the baseline data and writes its results, in its container. */
const ANALYZER_INPUT = '/opt/ml/processing/input/baseline_dataset_input';
const ANALYZER_OUTPUT = '/opt/ml/processing/output';

/**
 * TRAIN and EVALUATE as a Step Functions state machine, in the order a reader follows in the
 * console graph:
 *
 * 1. **Name the run**: a run id from the start time (`20261126-152458-ab12`); every job name and
 *    every S3 location of the run derives from it.
 * 2. **Tune hyper-parameters**: a hyper-parameter tuning job trains the built-in XGBoost and keeps
 *    the training job with the best validation AUC. With the opt-in Model Monitor `baseline`, it runs
 *    in parallel with **Suggest baseline** (**Baseline and tuning**): the analyzer computes
 *    `statistics.json` and `constraints.json` on the headed training data.
 * 3. **Find the best model** → **Create the model** → **Score the test split** (batch transform,
 *    label column filtered out, one score per line in input order) → **Delete the model** (the
 *    serving stage creates its own from the registered package).
 * 4. **Evaluate** (Lambda): confusion matrix, metrics, ROC AUC, cost-optimal cutoff, report.
 * 5. **Register the model** (Lambda): a package version with its metrics (and the drift baselines,
 *    when there is a baseline step).
 * 6. **Quality gate** (Lambda): approve, leave pending, or reject, with the reason recorded.
 * 7. **Report the result** to the topic. Any failure is caught, reported to the topic with its
 *    cause, and ends the run as failed.
 *
 * The SageMaker jobs use Step Functions' optimised `.sync` integrations (the state waits for
 * the job). They are written as `CustomState`s: aws-cdk-lib has no task for tuning or processing
 * jobs, and its transform task cannot filter the label column out of the input (`DataProcessing`)
 * and grants `sagemaker:ListTags` on every resource; written by hand, every SageMaker permission
 * is scoped to this pipeline's job names.
 */
export class TrainingPipeline extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly jobRole: SageMakerJobRole;
  readonly evaluateFunction: PipelineFunction;
  readonly registerFunction: PipelineFunction;
  readonly gateFunction: PipelineFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    if (!/^[a-z0-9-]{1,9}$/.test(props.jobNamePrefix)) {
      throw new Error(
        `jobNamePrefix ${JSON.stringify(props.jobNamePrefix)} must be 1 to 9 lower-case letters, digits or dashes`,
      );
    }
    const analyzerImage = props.images.modelMonitorAnalyzer;
    if (props.baseline !== undefined && analyzerImage === undefined) {
      throw new Error(
        'a baseline step needs the Model Monitor analyzer image: SageMakerImages with modelMonitorAnalyzer',
      );
    }
    const stack = Stack.of(this);
    const prefix = props.jobNamePrefix;
    const withBaseline = props.baseline !== undefined;
    const keyArn = props.key.keyArn;
    const features = props.curatedBucket.s3UrlForObject(CURATED_PREFIXES.features);
    const runs = props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.trainingRuns);
    /** A JSONata expression for a location under the run's prefix. */
    const inRun = (path: string) => `{% '${runs}' & $runId & '/${path}' %}`;
    /** A JSONata expression for a job name: prefix, kind, run id, and the attempt when retried. */
    const jobName = (kind: string, withAttempt: boolean) =>
      `{% '${prefix}${kind}-' & $runId${withAttempt ? " & '-' & $states.context.State.RetryCount" : ''} %}`;
    const sagemakerArn = (resource: string) =>
      stack.formatArn({ service: 'sagemaker', resource, resourceName: `${prefix}*` });
    const tags = [
      { Key: 'project', Value: 'ml-lifecycle-cdk' },
      { Key: 'run-id', Value: '{% $runId %}' },
    ];

    this.jobRole = new SageMakerJobRole(this, 'JobRole', {
      lakeAccess: props.lakeAccess,
      key: props.key,
      description: `ml-lifecycle-cdk training pipeline: SageMaker ${withBaseline ? 'baseline, ' : ''}training and transform jobs, and models`,
      usedBy: `the training pipeline's ${withBaseline ? 'processing, ' : ''}training and transform jobs`,
    });
    const jobRoleArn = this.jobRole.role.roleArn;
    const functionDefaults = { logKey: props.key, logRetention: props.logRetention, removal: props.removal };

    this.evaluateFunction = new PipelineFunction(this, 'EvaluateFunction', {
      ...functionDefaults,
      folder: 'evaluate',
      description: 'Evaluates the tuned churn model on the test split: metrics, cost-optimal cutoff, report',
      memoryMiB: 1024,
      timeout: Duration.minutes(5),
      environment: {
        MISSED_CHURNER_COST: String(props.costs.missedChurner),
        INCENTIVE_COST: String(props.costs.incentive),
        INCENTIVE_RETENTION: String(props.costs.retention),
      },
    });
    this.evaluateFunction.role.addManagedPolicy(props.lakeAccess);

    this.registerFunction = new PipelineFunction(this, 'RegisterFunction', {
      ...functionDefaults,
      folder: 'register-model',
      description: `Registers the tuned churn model as a model package, with its metrics${withBaseline ? ' and drift baselines' : ''}`,
      environment: {
        MODEL_PACKAGE_GROUP_NAME: props.modelPackageGroupName,
        IMAGE_URI: props.images.xgboost,
        REALTIME_INSTANCE_TYPES: props.transformInstanceType,
        TRANSFORM_INSTANCE_TYPES: props.transformInstanceType,
      },
    });
    const packageGroupArn = stack.formatArn({
      service: 'sagemaker',
      resource: 'model-package-group',
      resourceName: props.modelPackageGroupName,
    });
    const packagesArn = stack.formatArn({
      service: 'sagemaker',
      resource: 'model-package',
      resourceName: `${props.modelPackageGroupName}/*`,
    });
    this.registerFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RegisterModelPackages',
        actions: ['sagemaker:CreateModelPackage'],
        resources: [packageGroupArn, packagesArn],
      }),
    );

    this.gateFunction = new PipelineFunction(this, 'GateFunction', {
      ...functionDefaults,
      folder: 'quality-gate',
      description: 'Approves, leaves pending or rejects the registered churn model, with the reason',
      environment: { MIN_AUC: String(props.gate.minAuc), APPROVAL: props.gate.approval },
    });
    this.gateFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecideModelPackages',
        actions: ['sagemaker:UpdateModelPackage'],
        resources: [packagesArn],
      }),
    );
    const versionsReason = (what: string) =>
      `Model package versions are numbered by SageMaker as they are created, so the ${what} is granted on the versions of this pipeline’s one package group.`;
    acknowledgeFindings(
      this.registerFunction.role.node.findChild('DefaultPolicy'),
      [wildcardResourceFinding(this, packagesArn)],
      versionsReason('register function’s CreateModelPackage'),
    );
    acknowledgeFindings(
      this.gateFunction.role.node.findChild('DefaultPolicy'),
      [wildcardResourceFinding(this, packagesArn)],
      versionsReason('quality gate’s UpdateModelPackage'),
    );

    // ---- States. Their ids are the names the console graph shows, so they read as steps.

    const nameRun = sfn.Pass.jsonata(this, 'Name the run', {
      comment: 'The run id: start time (UTC) and four random hex digits; every job and S3 location derives from it',
      assign: {
        runId:
          "{% $fromMillis($toMillis($states.context.Execution.StartTime), '[Y0001][M01][D01]-[H01][m01][s01]') & '-' & $substring($uuid(), 0, 4) %}",
      },
    });

    const suggestBaseline = (baseline: BaselineProps, imageUri: string) =>
      new sfn.CustomState(this, 'Suggest baseline', {
        stateJson: {
          Type: 'Task',
          Comment: 'Model Monitor analyzer: statistics.json and constraints.json of the training data',
          Resource: integration('createProcessingJob.sync'),
          Arguments: {
            ProcessingJobName: jobName('-baseline', true),
            RoleArn: jobRoleArn,
            AppSpecification: { ImageUri: imageUri },
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
                  S3Uri: `${features}baseline/`,
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
                  S3Output: { S3Uri: inRun('baseline'), LocalPath: ANALYZER_OUTPUT, S3UploadMode: 'EndOfJob' },
                },
              ],
            },
            ProcessingResources: {
              ClusterConfig: {
                InstanceCount: 1,
                InstanceType: baseline.instanceType,
                VolumeSizeInGB: 20,
                VolumeKmsKeyId: keyArn,
              },
            },
            NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
            StoppingCondition: { MaxRuntimeInSeconds: Duration.hours(1).toSeconds() },
            Tags: tags,
          },
          Output: {
            statistics: inRun('baseline/statistics.json'),
            constraints: inRun('baseline/constraints.json'),
          },
        },
      });

    const { tuning } = props;
    const maxRuntime = tuning.maxRuntime.toSeconds();
    /** What the rest of the run needs of the tuning. */
    const tuningResult = {
      tuningJobName: '{% $states.result.HyperParameterTuningJobName %}',
      bestTrainingJobName: '{% $states.result.BestTrainingJob.TrainingJobName %}',
      validationAuc: '{% $states.result.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value %}',
    };
    const tune = new sfn.CustomState(this, 'Tune hyper-parameters', {
      stateJson: {
        Type: 'Task',
        Comment: 'Bayesian search over the XGBoost hyper-parameters, maximising validation AUC',
        Resource: integration('createHyperParameterTuningJob.sync'),
        Arguments: {
          HyperParameterTuningJobName: jobName('', true),
          HyperParameterTuningJobConfig: {
            Strategy: 'Bayesian',
            HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
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
            AlgorithmSpecification: { TrainingImage: props.images.xgboost, TrainingInputMode: 'File' },
            StaticHyperParameters: STATIC_HYPERPARAMETERS,
            RoleArn: jobRoleArn,
            InputDataConfig: ['train', 'validation'].map((channel) => ({
              ChannelName: channel,
              ContentType: 'text/csv',
              CompressionType: 'None',
              DataSource: {
                S3DataSource: {
                  S3DataType: 'S3Prefix',
                  S3Uri: `${features}${channel}/`,
                  S3DataDistributionType: 'FullyReplicated',
                },
              },
            })),
            OutputDataConfig: { S3OutputPath: inRun('tuning/'), KmsKeyId: keyArn },
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
            ...(tuning.spot ? { CheckpointConfig: { S3Uri: inRun('checkpoints/') } } : {}),
            EnableNetworkIsolation: true,
            EnableInterContainerTrafficEncryption: true,
            // SageMaker retries a training job that fails with an internal error.
            RetryStrategy: { MaximumRetryAttempts: 2 },
          },
          Tags: tags,
        },
        Output: tuningResult,
        // Without a baseline step the tuning is a step of the main path, which keeps its result.
        ...(withBaseline ? {} : { Assign: { tuning: tuningResult } }),
      },
    });
    retryingJob(tune, false);

    // The Model Monitor baseline, when opted in, runs beside the tuning: both read the features and
    // neither needs the other. Without it the package is registered with no drift-check baselines.
    let trainStep: sfn.Parallel | sfn.CustomState = tune;
    if (props.baseline !== undefined && analyzerImage !== undefined) {
      const baselineAndTuning = sfn.Parallel.jsonata(this, 'Baseline and tuning', {
        comment: 'Both read the features; neither needs the other',
        assign: { baseline: '{% $states.result[0] %}', tuning: '{% $states.result[1] %}' },
      });
      baselineAndTuning.branch(retryingJob(suggestBaseline(props.baseline, analyzerImage), true)).branch(tune);
      trainStep = baselineAndTuning;
    }

    const findBest = tasks.CallAwsService.jsonata(this, 'Find the best model', {
      comment: 'The model artifacts of the tuning’s best training job',
      service: 'sagemaker',
      action: 'describeTrainingJob',
      parameters: { TrainingJobName: '{% $tuning.bestTrainingJobName %}' },
      iamResources: [sagemakerArn('training-job')],
      assign: { modelDataUrl: '{% $states.result.ModelArtifacts.S3ModelArtifacts %}' },
    });

    const modelName = `{% '${prefix}-' & $runId %}`;
    const createModel = new sfn.CustomState(this, 'Create the model', {
      stateJson: {
        Type: 'Task',
        Comment: 'A SageMaker model of the best training job, for the batch transform',
        Resource: integration('createModel'),
        Arguments: {
          ModelName: modelName,
          ExecutionRoleArn: jobRoleArn,
          EnableNetworkIsolation: true,
          PrimaryContainer: { Image: props.images.xgboost, ModelDataUrl: '{% $modelDataUrl %}' },
          Tags: tags,
        },
      },
    });

    const score = new sfn.CustomState(this, 'Score the test split', {
      stateJson: {
        Type: 'Task',
        Comment: 'Batch transform: the label column is filtered out, one churn probability per input line, in order',
        Resource: integration('createTransformJob.sync'),
        Arguments: {
          TransformJobName: jobName('-score', true),
          ModelName: modelName,
          BatchStrategy: 'MultiRecord',
          MaxPayloadInMB: 6,
          TransformInput: {
            DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `${features}test/` } },
            ContentType: 'text/csv',
            CompressionType: 'None',
            SplitType: 'Line',
          },
          // Every column but the first (the label) goes to the model; the output is the score alone.
          DataProcessing: { InputFilter: '$[1:]', JoinSource: 'None' },
          TransformOutput: {
            S3OutputPath: inRun('transform/'),
            Accept: 'text/csv',
            AssembleWith: 'Line',
            KmsKeyId: keyArn,
          },
          TransformResources: {
            InstanceType: props.transformInstanceType,
            InstanceCount: 1,
            VolumeKmsKeyId: keyArn,
          },
          Tags: tags,
        },
      },
    });

    const deleteModel = tasks.CallAwsService.jsonata(this, 'Delete the model', {
      comment: 'Scoring is done; the serving stage creates its model from the registered package',
      service: 'sagemaker',
      action: 'deleteModel',
      parameters: { ModelName: modelName },
      iamResources: [sagemakerArn('model')],
    });

    const evaluate = tasks.LambdaInvoke.jsonata(this, 'Evaluate', {
      comment: 'Confusion matrix, metrics, ROC AUC and the cost-optimal cutoff; evaluation.json and report.html',
      lambdaFunction: this.evaluateFunction.function,
      payload: sfn.TaskInput.fromObject({
        runId: '{% $runId %}',
        modelName,
        testData: `${features}test/`,
        transformOutput: inRun('transform/'),
        evaluationOutput: inRun('evaluation/'),
      }),
      assign: { evaluation: '{% $states.result.Payload %}' },
    });

    const register = tasks.LambdaInvoke.jsonata(this, 'Register the model', {
      comment: `A new version in the model package group, pending approval, with metrics${withBaseline ? ' and drift baselines' : ''}`,
      lambdaFunction: this.registerFunction.function,
      payload: sfn.TaskInput.fromObject({
        runId: '{% $runId %}',
        tuningJobName: '{% $tuning.tuningJobName %}',
        trainingJobName: '{% $tuning.bestTrainingJobName %}',
        modelDataUrl: '{% $modelDataUrl %}',
        evaluation: '{% $evaluation %}',
        // null: no Model Monitor baseline, so the package has no drift-check baselines.
        baseline: withBaseline ? '{% $baseline %}' : null,
      }),
      assign: { modelPackageArn: '{% $states.result.Payload.modelPackageArn %}' },
    });

    const gate = tasks.LambdaInvoke.jsonata(this, 'Quality gate', {
      comment: `Test AUC at least ${props.gate.minAuc} and a cost below doing nothing; approval: ${props.gate.approval}`,
      lambdaFunction: this.gateFunction.function,
      payload: sfn.TaskInput.fromObject({
        modelPackageArn: '{% $modelPackageArn %}',
        auc: '{% $evaluation.auc %}',
        costAtOptimalCutoff: '{% $evaluation.costAtOptimalCutoff %}',
        costOfDoingNothing: '{% $evaluation.costOfDoingNothing %}',
      }),
      outputs: '{% $states.result.Payload %}',
    });

    const reportResult = tasks.SnsPublish.jsonata(this, 'Report the result', {
      topic: props.topic,
      subject: "{% 'Churn model run ' & $runId & ': ' & $states.input.status %}",
      message: sfn.TaskInput.fromText(
        "{% $states.input.reason & '\n\nRun: ' & $runId & '\nModel package: ' & $modelPackageArn & '\nTest AUC: ' & $string($evaluation.auc) & '\nReport: ' & $evaluation.report %}",
      ),
      outputs: {
        runId: '{% $runId %}',
        modelPackageArn: '{% $modelPackageArn %}',
        status: '{% $states.input.status %}',
        reason: '{% $states.input.reason %}',
        auc: '{% $evaluation.auc %}',
        report: '{% $evaluation.report %}',
      },
    });

    const failed = sfn.Fail.jsonata(this, 'Failed', {
      error: '{% $states.input.Error %}',
      cause: '{% $states.input.Cause %}',
    });
    const reportFailure = tasks.SnsPublish.jsonata(this, 'Report the failure', {
      topic: props.topic,
      subject: "{% 'Churn model run ' & ($exists($runId) ? $runId : '(unnamed)') & ' failed' %}",
      message: sfn.TaskInput.fromText(
        "{% 'The training pipeline failed.\n\nRun: ' & ($exists($runId) ? $runId : '(unnamed)') & '\nExecution: ' & $states.context.Execution.Id & '\nError: ' & $states.input.Error & '\nCause: ' & $states.input.Cause %}",
      ),
      outputs: '{% $states.input %}',
    }).next(failed);

    // Every step that can fail is caught and reported (a catcher's output is the error: its name
    // and cause). The SageMaker steps retry throttling first; the Lambda steps retry Lambda's own
    // transient errors (the task's default).
    trainStep.addCatch(reportFailure);
    for (const task of [findBest, deleteModel]) {
      task.addRetry(throttlingRetry(Duration.seconds(5))).addCatch(reportFailure);
    }
    retryingJob(createModel, false).addCatch(reportFailure);
    retryingJob(score, true).addCatch(reportFailure);
    for (const task of [evaluate, register, gate]) {
      task.addCatch(reportFailure);
    }

    const definition = nameRun
      .next(trainStep)
      .next(findBest)
      .next(createModel)
      .next(score)
      .next(deleteModel)
      .next(evaluate)
      .next(register)
      .next(gate)
      .next(reportResult);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy: removalPolicyOf(props.removal),
    });
    // The longest a run can take: every round of parallel training jobs at its longest (twice that
    // with spot, which may wait for capacity as long again), plus three hours for the rest.
    const rounds = Math.ceil(tuning.maxJobs / tuning.maxParallelJobs);
    const timeout = Duration.seconds(rounds * maxRuntime * (tuning.spot ? 2 : 1) + Duration.hours(3).toSeconds());
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      comment: `ml-lifecycle-cdk: ${withBaseline ? 'baseline and tune' : 'tune'}, score and evaluate, register and gate the churn model`,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.grantJobs(stack, prefix, jobRoleArn, withBaseline);
    // The Report steps grant only sns:Publish. Publishing to a topic encrypted with a customer
    // managed key also needs the key's data keys: SNS asks KMS for them as the publisher (SNS
    // developer guide, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html). Without
    // them every report, the failure report included, would fail after the model was registered.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PublishToEncryptedTopic',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
      }),
    );

    /** Retries on throttling, and for jobs named by attempt, on a failed job (such as no capacity). */
    function retryingJob(state: sfn.CustomState, retryFailedJob: boolean): sfn.CustomState {
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
  }

  /** What the state machine's role needs for the jobs it starts and waits for, scoped to their names. */
  private grantJobs(stack: Stack, prefix: string, jobRoleArn: string, withBaseline: boolean): void {
    const arn = (resource: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName: `${prefix}*` });
    const rule = (name: string) =>
      stack.formatArn({
        service: 'events',
        resource: 'rule',
        resourceName: name,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    const jobs = {
      ...(withBaseline ? { processing: arn('processing-job') } : {}),
      tuning: arn('hyper-parameter-tuning-job'),
      transform: arn('transform-job'),
      model: arn('model'),
    };
    const role = this.stateMachine.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RunPipelineJobs',
        actions: [
          ...(withBaseline
            ? ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob']
            : []),
          'sagemaker:CreateHyperParameterTuningJob',
          'sagemaker:DescribeHyperParameterTuningJob',
          'sagemaker:StopHyperParameterTuningJob',
          'sagemaker:CreateTransformJob',
          'sagemaker:DescribeTransformJob',
          'sagemaker:StopTransformJob',
          'sagemaker:CreateModel',
          'sagemaker:AddTags',
          'sagemaker:ListTags',
        ],
        resources: Object.values(jobs),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassJobRole',
        actions: ['iam:PassRole'],
        resources: [jobRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    // The .sync integrations learn that a job ended from EventBridge rules that Step Functions
    // manages in the account, one per job type.
    const managedRules = [
      ...(withBaseline ? [rule('StepFunctionsGetEventsForSageMakerProcessingJobsRule')] : []),
      rule('StepFunctionsGetEventsForSageMakerTuningJobsRule'),
      rule('StepFunctionsGetEventsForSageMakerTransformJobsRule'),
    ];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ManageJobEventRules',
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: managedRules,
      }),
    );

    const policy = role.node.findChild('DefaultPolicy');
    acknowledgeFindings(
      policy,
      // The jobs, and the training jobs (described) and models (deleted) of the SDK tasks.
      [...Object.values(jobs), arn('training-job')].map((a) => wildcardResourceFinding(this, a)),
      `Every job and model name of a run is "${prefix}" plus a run id made at run time (tuning's training jobs are named by SageMaker after the tuning job), so the pipeline's SageMaker permissions are scoped to that name prefix.`,
    );
    acknowledgeFindings(
      policy,
      [
        wildcardResourceFinding(this, `${this.evaluateFunction.function.functionArn}:*`),
        wildcardResourceFinding(this, `${this.registerFunction.function.functionArn}:*`),
        wildcardResourceFinding(this, `${this.gateFunction.function.functionArn}:*`),
      ],
      'The grant to invoke each pipeline function covers its versions and aliases (the function ARN followed by a qualifier), as Step Functions may invoke a qualified ARN.',
    );
    acknowledgeFindings(
      policy,
      ['AwsSolutions-IAM5[Resource::*]'],
      'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray tracing have no resource-level permissions, so those statements name no resource.',
    );
    acknowledgeFindings(
      policy,
      RULES.iamInlinePolicy,
      'Built by the state machine and its tasks for this one role (its functions, topic, key, jobs and log delivery); a customer-managed policy would hold the same statements for the same single role.',
    );
  }
}

/** Retries SageMaker's throttling with exponential backoff and full jitter, five times. */
function throttlingRetry(interval: Duration): sfn.RetryProps {
  return {
    errors: SAGEMAKER_THROTTLING_ERRORS,
    interval,
    backoffRate: 2,
    maxAttempts: 5,
    jitterStrategy: sfn.JitterType.FULL,
  };
}

/** The ARN of a Step Functions optimised SageMaker integration, such as `createModel`. */
function integration(action: string): string {
  return `arn:${Aws.PARTITION}:states:::sagemaker:${action}`;
}
