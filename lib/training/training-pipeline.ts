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
import { TRAINING_JOB_LOG_GROUP } from '../contracts/training-logs';
import { FEATURES_STATISTICS_FILE, RUN_STATISTICS_PATH } from '../contracts/model-baseline';
import { MONITORING_DETAIL_TYPES, MONITORING_EVENT_SOURCE } from '../contracts/monitoring-events';
import { removalPolicyOf } from '../shared/removal';
import type { SageMakerImages } from '../shared/sagemaker-images';
import { PipelineFunction } from '../shared/pipeline-function';
import { SageMakerJobRole } from '../shared/sagemaker-job-role';
import { type BaselineProps, suggestBaselineState } from './baseline-state';
import { grantPipelinePermissions } from './pipeline-permissions';
import { prefixedSageMakerArn, runNames, throttlingRetry } from './sagemaker-task';
import { createModelState, scoreTestSplitState } from './transform-states';
import { type TuningProps, longestTuning, tuneHyperParametersState } from './tuning-state';
import { defaultPolicyOf } from '../shared/cdk-internals';
import { type BusinessCaseValues, businessCaseEnvironment } from '../contracts/business-case';

/** What the quality gate demands, and what it does with a package that passes. */
export interface QualityGateProps {
  /** The lowest test AUC accepted. */
  readonly minAuc: number;
  /**
   * The test AUC by which the new model must beat the model in service (the group's latest approved
   * version, scored on the same test split), from 0 to 0.5.
   */
  readonly championMargin: number;
  /** `automatic`: a passing package is approved; `manual`: it stays pending for a person. */
  readonly approval: 'automatic' | 'manual';
  /**
   * Whether the gate also requires the campaign at the budget-constrained cutoff to stay within the
   * budget and to be worth more than doing nothing (config `business.gateOnCampaign`).
   */
  readonly onCampaign: boolean;
}

export interface TrainingPipelineProps {
  /**
   * Starts every SageMaker job and model name of the pipeline, and scopes the pipeline's
   * permissions to those names. At most 9 characters (a tuning job name is at most 32: the
   * prefix, a dash, the 20-character run id and a retry digit), lower-case letters, digits, dashes.
   */
  readonly jobNamePrefix: string;
  /**
   * The curated bucket, whose `features/` holds the splits, the Model Monitor baseline data and the
   * baseline statistics (`statistics.json`), which each run copies into its own folder.
   */
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
  /**
   * The business case the evaluation weighs: the costs of the cost-optimal cutoff, and the budget,
   * the churn rates and the customers of the budget-constrained one (`lambda/evaluate/business.ts`).
   */
  readonly business: BusinessCaseValues;
  readonly gate: QualityGateProps;
  /** Where the pipeline reports each run's result and every failure. */
  readonly topic: sns.ITopic;
  /** How long the pipeline's and its functions' logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** `destroy`: the log groups go with the stack. */
  readonly removal: RemovalMode;
}

/**
 * TRAIN and EVALUATE as a Step Functions state machine, in the order a reader follows in the
 * console graph:
 *
 * 1. **Name the run**: a run id from the start time (`20261126-152458-ab12`); every job name and
 *    every S3 location of the run derives from it. **Keep the baseline statistics**: the features
 *    job's `statistics.json` is copied into the run's `feature-statistics/` (the next features run
 *    overwrites `features/`; the package must point at what this model was trained on).
 * 2. **Tune hyper-parameters**: a hyper-parameter tuning job trains the built-in XGBoost and keeps
 *    the training job with the best validation AUC. With the opt-in Model Monitor `baseline`, it runs
 *    in parallel with **Suggest baseline** (**Baseline and tuning**): the analyzer computes
 *    `statistics.json` and `constraints.json` on the headed training data.
 * 3. **Find the best model** → **Create the model** → **Score the test split** (batch transform,
 *    label column filtered out, one score per line in input order) → **Delete the model** (the
 *    serving stage creates its own from the registered package).
 * 4. **Evaluate** (Lambda): confusion matrix, metrics, ROC AUC, cost-optimal cutoff, report.
 * 5. **Find the champion**: the group's latest approved version, the model in service. When there
 *    is one (**Is a model in service?**), its model is scored on the SAME test split by the same
 *    batch transform and evaluated by the same function (**Describe the champion** → **Create the
 *    champion's model** → **Score the champion** → **Delete the champion's model** → **Evaluate the
 *    champion**, under the run's `champion/`); when there is none, **No model in service**.
 * 6. **Register the model** (Lambda): a package version with its metrics and baseline statistics
 *    (and the drift baselines, when there is a baseline step).
 * 7. **Quality gate** (Lambda): approve, leave pending, or reject, with the reason recorded; the
 *    challenger must beat the champion by the margin. **Record the decision** writes both scores
 *    and the reason to the run's `evaluation/gate.json`; **Announce the decision** puts the
 *    `Retraining decision` event on the default bus, for the dashboard.
 * 8. **Report the result** to the topic. Any failure is caught, reported to the topic with its
 *    cause, and ends the run as failed (a champion that cannot be scored fails the run too: a
 *    challenger is never promoted unchecked).
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
    const features = props.curatedBucket.s3UrlForObject(CURATED_PREFIXES.features);
    const names = runNames(prefix, props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.trainingRuns));

    this.jobRole = new SageMakerJobRole(this, 'JobRole', {
      lakeAccess: props.lakeAccess,
      key: props.key,
      description: `ml-lifecycle-cdk training pipeline: SageMaker ${withBaseline ? 'baseline, ' : ''}training and transform jobs, and models`,
      usedBy: `the training pipeline's ${withBaseline ? 'processing, ' : ''}training and transform jobs`,
    });
    const functionDefaults = { logKey: props.key, logRetention: props.logRetention, removal: props.removal };

    this.evaluateFunction = new PipelineFunction(this, 'EvaluateFunction', {
      ...functionDefaults,
      folder: 'evaluate',
      description: 'Evaluates the tuned churn model on the test split: metrics, cost-optimal cutoff, report',
      memoryMiB: 1024,
      timeout: Duration.minutes(5),
      environment: businessCaseEnvironment(props.business),
    });
    this.evaluateFunction.role.addManagedPolicy(props.lakeAccess);
    // The tuning report: what the run's tuning job and its training jobs recorded, and the best
    // training job's log (SageMaker writes every training job's log to this one group).
    const tuningJobsArn = prefixedSageMakerArn(this, 'hyper-parameter-tuning-job', prefix);
    this.evaluateFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTuningJobs',
        actions: ['sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:ListTrainingJobsForHyperParameterTuningJob'],
        resources: [tuningJobsArn],
      }),
    );
    this.evaluateFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTrainingJobLogs',
        actions: ['logs:FilterLogEvents'],
        resources: [
          stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: TRAINING_JOB_LOG_GROUP,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    acknowledgeFindings(
      defaultPolicyOf(this.evaluateFunction.role),
      [wildcardResourceFinding(this, tuningJobsArn)],
      'Tuning jobs are named per run (the pipeline’s prefix, then the run id), so the evaluate function reads the tuning job of its run through the prefix.',
    );

    this.registerFunction = new PipelineFunction(this, 'RegisterFunction', {
      ...functionDefaults,
      folder: 'register-model',
      description: `Registers the tuned churn model as a model package, with its metrics${withBaseline ? ', baseline statistics and drift baselines' : ' and baseline statistics'}`,
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
      environment: {
        MIN_AUC: String(props.gate.minAuc),
        APPROVAL: props.gate.approval,
        CHAMPION_MARGIN: String(props.gate.championMargin),
        GATE_ON_CAMPAIGN: String(props.gate.onCampaign),
      },
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
      defaultPolicyOf(this.registerFunction.role),
      [wildcardResourceFinding(this, packagesArn)],
      versionsReason('register function’s CreateModelPackage'),
    );
    acknowledgeFindings(
      defaultPolicyOf(this.gateFunction.role),
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

    // The features job overwrites features/ on its next run: the package must record a copy that
    // stays what this model was trained on. CopyObject reads the source and writes the copy under
    // the run: s3:GetObject and s3:PutObject, and the lake key through S3, which the lake's pipeline
    // policy on the role grants (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
    const runStatistics = names.inRun(RUN_STATISTICS_PATH);
    const keepStatistics = s3Call(this, 'Keep the baseline statistics', 'copyObject', {
      Comment:
        'Copies the features’ statistics.json into the run: the package records the copy, which no later run overwrites',
      Arguments: {
        Bucket: props.artifactsBucket.bucketName,
        Key: `{% '${ARTIFACT_PREFIXES.trainingRuns}' & $runId & '/${RUN_STATISTICS_PATH}' %}`,
        CopySource: `${props.curatedBucket.bucketName}/${CURATED_PREFIXES.features}${FEATURES_STATISTICS_FILE}`,
      },
    });

    const tune = tuneHyperParametersState(this, 'Tune hyper-parameters', {
      names,
      tuning: props.tuning,
      jobRole: this.jobRole.role,
      trainingImage: props.images.xgboost,
      features,
      key: props.key,
      // Without a baseline step the tuning is a step of the main path, which keeps its result.
      assignResult: !withBaseline,
    });

    // The Model Monitor baseline, when opted in, runs beside the tuning: both read the features and
    // neither needs the other. Without it the package is registered with no drift-check baselines.
    let trainStep: sfn.Parallel | sfn.CustomState = tune;
    if (props.baseline !== undefined && analyzerImage !== undefined) {
      const baselineAndTuning = sfn.Parallel.jsonata(this, 'Baseline and tuning', {
        comment: 'Both read the features; neither needs the other',
        assign: { baseline: '{% $states.result[0] %}', tuning: '{% $states.result[1] %}' },
      });
      const suggestBaseline = suggestBaselineState(this, 'Suggest baseline', {
        ...props.baseline,
        names,
        jobRole: this.jobRole.role,
        analyzerImage,
        baselineData: `${features}baseline/`,
        key: props.key,
      });
      baselineAndTuning.branch(suggestBaseline).branch(tune);
      trainStep = baselineAndTuning;
    }

    const findBest = tasks.CallAwsService.jsonata(this, 'Find the best model', {
      comment: 'The model artifacts of the tuning’s best training job',
      service: 'sagemaker',
      action: 'describeTrainingJob',
      parameters: { TrainingJobName: '{% $tuning.bestTrainingJobName %}' },
      iamResources: [prefixedSageMakerArn(this, 'training-job', prefix)],
      assign: { modelDataUrl: '{% $states.result.ModelArtifacts.S3ModelArtifacts %}' },
    });

    const createModel = createModelState(this, 'Create the model', {
      names,
      jobRole: this.jobRole.role,
      image: props.images.xgboost,
      modelDataUrl: '{% $modelDataUrl %}',
    });

    // Where the test split is, and where its scores go under the run: the scoring writes there and
    // the evaluation reads both.
    const testData = `${features}test/`;
    const scores = 'transform/';
    const score = scoreTestSplitState(this, 'Score the test split', {
      names,
      testData,
      output: scores,
      instanceType: props.transformInstanceType,
      key: props.key,
    });

    const deleteModel = tasks.CallAwsService.jsonata(this, 'Delete the model', {
      comment: 'Scoring is done; the serving stage creates its model from the registered package',
      service: 'sagemaker',
      action: 'deleteModel',
      parameters: { ModelName: names.modelName },
      iamResources: [prefixedSageMakerArn(this, 'model', prefix)],
    });

    const evaluate = tasks.LambdaInvoke.jsonata(this, 'Evaluate', {
      comment:
        'Confusion matrix, metrics, ROC AUC and the cost-optimal cutoff; evaluation.json, report.html and the tuning report',
      lambdaFunction: this.evaluateFunction.function,
      payload: sfn.TaskInput.fromObject({
        runId: '{% $runId %}',
        modelName: names.modelName,
        testData,
        transformOutput: names.inRun(scores),
        evaluationOutput: names.inRun('evaluation/'),
        tuningJobName: '{% $tuning.tuningJobName %}',
      }),
      assign: { evaluation: '{% $states.result.Payload %}' },
    });

    // ---- Champion against challenger: the model in service, scored on the same test split by the
    // same transform and evaluation. Its model is created from its package and deleted once scored.
    const packageVersionsArn = stack.formatArn({
      service: 'sagemaker',
      resource: 'model-package',
      resourceName: `${props.modelPackageGroupName}/*`,
    });
    const findChampion = tasks.CallAwsService.jsonata(this, 'Find the champion', {
      comment: 'The group’s latest approved version: the model in service, which the new model must beat',
      service: 'sagemaker',
      action: 'listModelPackages',
      iamAction: 'sagemaker:ListModelPackages',
      parameters: {
        ModelPackageGroupName: props.modelPackageGroupName,
        ModelApprovalStatus: 'Approved',
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 1,
      },
      // ListModelPackages has no resource-level permissions.
      iamResources: ['*'],
      assign: {
        championArn:
          '{% $count($states.result.ModelPackageSummaryList) > 0 ? $states.result.ModelPackageSummaryList[0].ModelPackageArn : null %}',
      },
    });
    const describeChampion = tasks.CallAwsService.jsonata(this, 'Describe the champion', {
      comment: 'Its model artifacts and image, as registered',
      service: 'sagemaker',
      action: 'describeModelPackage',
      iamAction: 'sagemaker:DescribeModelPackage',
      parameters: { ModelPackageName: '{% $championArn %}' },
      iamResources: [packageVersionsArn],
      assign: {
        championModel: {
          modelDataUrl: '{% $states.result.InferenceSpecification.Containers[0].ModelDataUrl %}',
          image: '{% $states.result.InferenceSpecification.Containers[0].Image %}',
        },
      },
    });
    const championModelName = `{% '${prefix}-champion-' & $runId %}`;
    const createChampionModel = createModelState(this, 'Create the champion’s model', {
      names,
      modelName: championModelName,
      comment: 'A SageMaker model of the version in service, as registered, for the batch transform',
      jobRole: this.jobRole.role,
      image: '{% $championModel.image %}',
      modelDataUrl: '{% $championModel.modelDataUrl %}',
    });
    const championScores = 'champion/transform/';
    const scoreChampion = scoreTestSplitState(this, 'Score the champion', {
      names,
      modelName: championModelName,
      jobKind: '-champion',
      testData,
      output: championScores,
      instanceType: props.transformInstanceType,
      key: props.key,
    });
    const deleteChampionModel = tasks.CallAwsService.jsonata(this, 'Delete the champion’s model', {
      comment: 'Scoring is done; the version in service is untouched',
      service: 'sagemaker',
      action: 'deleteModel',
      parameters: { ModelName: championModelName },
      iamResources: [prefixedSageMakerArn(this, 'model', prefix)],
    });
    const evaluateChampion = tasks.LambdaInvoke.jsonata(this, 'Evaluate the champion', {
      comment: 'The same evaluation on the same split, for the quality gate to compare',
      lambdaFunction: this.evaluateFunction.function,
      payload: sfn.TaskInput.fromObject({
        runId: '{% $runId %}',
        modelName: championModelName,
        testData,
        transformOutput: names.inRun(championScores),
        evaluationOutput: names.inRun('champion/evaluation/'),
      }),
      assign: {
        champion: {
          modelPackageArn: '{% $championArn %}',
          auc: '{% $states.result.Payload.auc %}',
          report: '{% $states.result.Payload.report %}',
        },
      },
    });
    const noChampion = sfn.Pass.jsonata(this, 'No model in service', {
      comment: 'Nothing to beat: the quality gate applies its other checks and says so',
      assign: { champion: null },
    });
    const isChampion = new sfn.Choice(this, 'Is a model in service?', {
      queryLanguage: sfn.QueryLanguage.JSONATA,
    })
      .when(
        sfn.Condition.jsonata("{% $type($championArn) = 'string' %}"),
        describeChampion.next(createChampionModel).next(scoreChampion).next(deleteChampionModel).next(evaluateChampion),
      )
      .otherwise(noChampion);

    const register = tasks.LambdaInvoke.jsonata(this, 'Register the model', {
      comment: `A new version in the model package group, pending approval, with metrics, baseline statistics${withBaseline ? ' and drift baselines' : ''}`,
      lambdaFunction: this.registerFunction.function,
      payload: sfn.TaskInput.fromObject({
        runId: '{% $runId %}',
        tuningJobName: '{% $tuning.tuningJobName %}',
        trainingJobName: '{% $tuning.bestTrainingJobName %}',
        modelDataUrl: '{% $modelDataUrl %}',
        baselineStatistics: runStatistics,
        evaluation: '{% $evaluation %}',
        // null: no Model Monitor baseline, so the package has no drift-check baselines.
        baseline: withBaseline ? '{% $baseline %}' : null,
      }),
      assign: { modelPackageArn: '{% $states.result.Payload.modelPackageArn %}' },
    });

    const gate = tasks.LambdaInvoke.jsonata(this, 'Quality gate', {
      comment: `Test AUC at least ${props.gate.minAuc}, a cost below doing nothing, and ${props.gate.championMargin} above the model in service; approval: ${props.gate.approval}`,
      lambdaFunction: this.gateFunction.function,
      payload: sfn.TaskInput.fromObject({
        runId: '{% $runId %}',
        modelPackageArn: '{% $modelPackageArn %}',
        auc: '{% $evaluation.auc %}',
        costAtOptimalCutoff: '{% $evaluation.costAtOptimalCutoff %}',
        costOfDoingNothing: '{% $evaluation.costOfDoingNothing %}',
        business: '{% $evaluation.business %}',
        // null: no model in service.
        champion: '{% $champion %}',
      }),
      assign: { gate: '{% $states.result.Payload %}' },
    });

    const recordDecision = s3Call(this, 'Record the decision', 'putObject', {
      Comment: 'gate.json in the run’s evaluation folder: the decision, its reason and both models’ scores',
      Arguments: {
        Bucket: props.artifactsBucket.bucketName,
        Key: `{% '${ARTIFACT_PREFIXES.trainingRuns}' & $runId & '/evaluation/gate.json' %}`,
        Body: '{% $string($gate) %}',
        ContentType: 'application/json',
      },
    });

    const announceDecision = tasks.EventBridgePutEvents.jsonata(this, 'Announce the decision', {
      comment: 'A Retraining decision event (challenger promoted or rejected, with the reason) for the dashboard',
      entries: [
        {
          source: MONITORING_EVENT_SOURCE,
          detailType: MONITORING_DETAIL_TYPES.retrainingDecision,
          detail: sfn.TaskInput.fromText('{% $gate.event %}'),
        },
      ],
    });

    const reportResult = tasks.SnsPublish.jsonata(this, 'Report the result', {
      topic: props.topic,
      subject: "{% 'Churn model run ' & $runId & ': ' & $gate.status %}",
      message: sfn.TaskInput.fromText(
        "{% $gate.reason & '\n\nRun: ' & $runId & '\nModel package: ' & $modelPackageArn & '\nTest AUC: ' & $string($evaluation.auc) & '\nModel in service: ' & ($type($champion) = 'object' ? $champion.modelPackageArn & ', test AUC ' & $string($champion.auc) & ' on the same split' : 'none') & '\nReport: ' & $evaluation.report %}",
      ),
      outputs: {
        runId: '{% $runId %}',
        modelPackageArn: '{% $modelPackageArn %}',
        status: '{% $gate.status %}',
        reason: '{% $gate.reason %}',
        auc: '{% $evaluation.auc %}',
        championAuc: "{% $type($champion) = 'object' ? $champion.auc : null %}",
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
    // and cause). The SageMaker steps retry throttling first (the job states' retries come with
    // them); the Lambda steps retry Lambda's own transient errors (the task's default).
    for (const task of [findBest, deleteModel, findChampion, describeChampion, deleteChampionModel]) {
      task.addRetry(throttlingRetry(Duration.seconds(5)));
    }
    // S3 and EventBridge answer throttling and their own transient faults with these errors: an
    // SDK integration names a service's error <Service>.<Exception>, and the optimized EventBridge
    // task fails with EventBridge.FailedEntry when PutEvents reports a failed entry (Step Functions
    // developer guide, "Add EventBridge events with Step Functions",
    // https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html).
    recordDecision.addRetry({
      errors: ['S3.S3Exception', 'S3.SdkClientException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 5,
      jitterStrategy: sfn.JitterType.FULL,
    });
    keepStatistics.addRetry({
      errors: ['S3.S3Exception', 'S3.SdkClientException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 5,
      jitterStrategy: sfn.JitterType.FULL,
    });
    announceDecision.addRetry({
      errors: ['EventBridge.AmazonEventBridgeException', 'EventBridge.FailedEntry'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 5,
      jitterStrategy: sfn.JitterType.FULL,
    });
    for (const step of [
      keepStatistics,
      trainStep,
      findBest,
      createModel,
      score,
      deleteModel,
      evaluate,
      findChampion,
      describeChampion,
      createChampionModel,
      scoreChampion,
      deleteChampionModel,
      evaluateChampion,
      register,
      gate,
      recordDecision,
      announceDecision,
    ]) {
      step.addCatch(reportFailure);
    }

    const definition = nameRun
      .next(keepStatistics)
      .next(trainStep)
      .next(findBest)
      .next(createModel)
      .next(score)
      .next(deleteModel)
      .next(evaluate)
      .next(findChampion)
      .next(isChampion.afterwards())
      .next(register)
      .next(gate)
      .next(recordDecision)
      .next(announceDecision)
      .next(reportResult);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy: removalPolicyOf(props.removal),
    });
    // The longest a run can take: the tuning at its longest, plus three hours for the rest.
    const timeout = longestTuning(props.tuning).plus(Duration.hours(3));
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      comment: `ml-lifecycle-cdk: ${withBaseline ? 'baseline and tune' : 'tune'}, score and evaluate, register and gate the churn model`,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    acknowledgeFindings(
      this.stateMachine,
      RULES.redundantRoleDependency,
      "aws-cdk-lib's StateMachine makes the training pipeline depend on its role, so that the role's policy exists before a run starts; the role itself is listed too, though RoleArn references it already. Redundant, and harmless.",
    );
    // The copy of the statistics and the gate's record: the lake's pipeline policy (read features/,
    // add to training-runs/, the lake key through S3), as the pipeline's jobs and evaluation have it.
    this.stateMachine.role.addManagedPolicy(props.lakeAccess);
    grantPipelinePermissions(this.stateMachine, {
      jobNamePrefix: prefix,
      jobRole: this.jobRole.role,
      processingJobs: withBaseline,
      topicKey: props.key,
      functions: [this.evaluateFunction.function, this.registerFunction.function, this.gateFunction.function],
      modelPackageGroupName: props.modelPackageGroupName,
    });
  }
}

/**
 * A task of the AWS SDK integration for S3, written by hand: `CallAwsService` would add a statement
 * for it to the role, on a wildcard of the run's keys in another stack's bucket. The role's S3 access
 * is the lake's pipeline policy instead (read `features/`, add to `training-runs/`, the lake key
 * through S3), as for the pipeline's jobs and evaluation.
 */
function s3Call(
  scope: Construct,
  id: string,
  action: 'copyObject' | 'putObject',
  state: { readonly Comment: string; readonly Arguments: Record<string, unknown> },
): sfn.CustomState {
  return new sfn.CustomState(scope, id, {
    stateJson: { Type: 'Task', Resource: `arn:${Aws.PARTITION}:states:::aws-sdk:s3:${action}`, ...state },
  });
}
