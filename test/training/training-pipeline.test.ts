import { unacknowledgedFindings } from '../support/resources';
import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SageMakerImages } from '../../lib/shared/sagemaker-images';
import { SAGEMAKER_THROTTLING_ERRORS } from '../../lib/training/sagemaker-task';
import { TrainingPipeline, type TrainingPipelineProps } from '../../lib/training/training-pipeline';
import { TUNING_RESULT } from '../../lib/training/tuning-state';
import { testApp } from '../support/app';
import { accountArn } from '../support/conditions';
import { type Definition, definitionOf } from '../support/state-machine';
import { allStates, mainPath } from './definition';

/** What the tests vary: the Model Monitor baseline, and any prop. */
interface Options {
  readonly baseline?: boolean;
  readonly analyzer?: boolean;
  readonly props?: Partial<TrainingPipelineProps>;
}

/** The pipeline alone in a stack, its collaborators imported or built small; Lambda bundling skipped. */
function pipelineIn({ baseline = false, analyzer = baseline, props = {} }: Options = {}) {
  const app = testApp({ 'aws:cdk:bundling-stacks': [] });
  const stack = new Stack(app, 'Test');
  const key = new kms.Key(stack, 'Key');
  const lakeAccess = iam.ManagedPolicy.fromManagedPolicyName(stack, 'LakeAccess', 'lake-access');
  const topic = new sns.Topic(stack, 'Topic');
  const pipeline = new TrainingPipeline(stack, 'Pipeline', {
    jobNamePrefix: 'churn-t',
    curatedBucket: s3.Bucket.fromBucketName(stack, 'Curated', 'curated'),
    artifactsBucket: s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts'),
    lakeAccess,
    key,
    images: new SageMakerImages(stack, 'Images', { modelMonitorAnalyzer: analyzer }),
    modelPackageGroupName: 'churn-models',
    tuning: {
      maxJobs: 4,
      maxParallelJobs: 2,
      instanceType: 'ml.m5.large',
      maxRuntime: Duration.minutes(20),
      spot: false,
    },
    baseline: baseline ? { instanceType: 'ml.m5.xlarge' } : undefined,
    transformInstanceType: 'ml.c5.large',
    business: {
      churnRateBefore: 0.2,
      targetChurnRate: 0.05,
      incentiveBudget: 200000,
      incentiveCost: 50,
      incentiveRetention: 0.5,
      retainedCustomerValue: 400,
      customersScored: 10000,
    },
    gate: { minAuc: 0.7, approval: 'manual', championMargin: 0.02, onCampaign: true },
    topic,
    logRetention: logs.RetentionDays.ONE_MONTH,
    removal: 'destroy',
    ...props,
  });
  const definition = definitionOf(pipeline.stateMachine);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return {
    app,
    stack,
    pipeline,
    template: Template.fromStack(stack),
    definition,
    states: allStates(definition),
    keyArn: `\${${logicalId(key)}.Arn}`,
    topicArn: `\${${logicalId(topic)}}`,
    lakeAccessArn: stack.resolve(lakeAccess.managedPolicyArn) as unknown,
  };
}

/** `{% 's3://artifacts/training-runs/' & $runId & '/<path>' %}`: a location under the run. */
const inRun = (path: string) => `{% 's3://artifacts/training-runs/' & $runId & '/${path}' %}`;

/** The retry that starts a failed job again, under a new name (capacity and transient failures). */
const FAILED_JOB_RETRY = {
  ErrorEquals: ['States.TaskFailed'],
  IntervalSeconds: 120,
  MaxAttempts: 2,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};

/** What the register step sends its function, with a baseline. */
const REGISTER_PAYLOAD = {
  runId: '{% $runId %}',
  tuningJobName: '{% $tuning.tuningJobName %}',
  trainingJobName: '{% $tuning.bestTrainingJobName %}',
  modelDataUrl: '{% $modelDataUrl %}',
  baselineStatistics: inRun('feature-statistics/statistics.json'),
  evaluation: '{% $evaluation %}',
  baseline: '{% $baseline %}',
};

/** The steps that can fail, each caught and reported. */
const FAILING_STEPS = [
  'Find the best model',
  'Create the model',
  'Score the test split',
  'Delete the model',
  'Evaluate',
  'Register the model',
  'Quality gate',
];

/** The steps that score the model in service, each caught and reported too. */
const CHAMPION_STEPS = [
  'Describe the champion',
  'Create the champion’s model',
  'Score the champion',
  'Delete the champion’s model',
  'Evaluate the champion',
];

/** The steps after the gate, and the copy at the start: caught and reported too. */
const RECORDING_STEPS = [
  'Keep the baseline statistics',
  'Find the champion',
  'Record the decision',
  'Announce the decision',
];

describe('TrainingPipeline', () => {
  it.each(['', 'churn-sandbox', 'Churn', 'churn_sbx'])('refuses the job name prefix "%s"', (jobNamePrefix) => {
    expect(() => pipelineIn({ props: { jobNamePrefix } })).toThrow(
      `jobNamePrefix ${JSON.stringify(jobNamePrefix)} must be 1 to 9 lower-case letters, digits or dashes`,
    );
  });

  it('refuses a baseline step without the Model Monitor analyzer image', () => {
    expect(() => pipelineIn({ baseline: true, analyzer: false })).toThrow(
      'a baseline step needs the Model Monitor analyzer image: SageMakerImages with modelMonitorAnalyzer',
    );
  });

  describe('without a baseline (Model Monitor is opt-in)', () => {
    const { template, definition, states, keyArn, topicArn, lakeAccessArn } = pipelineIn();
    const args = (name: string) => states[name]?.Arguments as Record<string, unknown>;

    it('is a standard workflow in JSONata, traced, logged in full to its own log group under the key', () => {
      expect(definition.QueryLanguage).toBe('JSONata');
      // No StateMachineType: CloudFormation's default, STANDARD (exactly-once steps, runs up to a year).
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: Match.absent(),
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: true,
          Destinations: [
            {
              CloudWatchLogsLogGroup: {
                LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineLogGroup'), 'Arn'] },
              },
            },
          ],
        },
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
          RetentionInDays: 30,
        },
        DeletionPolicy: 'Delete',
      });
    });

    it('runs the steps in order: name, keep the statistics, tuning, model, score, evaluate, champion, register, gate, record, report', () => {
      const [findBest, createModel, score, deleteModel, evaluate, register, gate] = FAILING_STEPS;
      const start = ['Name the run', 'Keep the baseline statistics', 'Tune hyper-parameters'];
      const scoring = [
        findBest,
        createModel,
        score,
        deleteModel,
        evaluate,
        'Find the champion',
        'Is a model in service?',
      ];
      const end = [register, gate, 'Record the decision', 'Announce the decision', 'Report the result'];
      // No model in service (the Choice's default): straight on to the register step.
      expect(mainPath(definition)).toEqual([...start, ...scoring, 'No model in service', ...end]);
      // A model in service: scored on the same split first.
      expect(mainPath(definition, { 'Is a model in service?': 0 })).toEqual([
        ...start,
        ...scoring,
        ...CHAMPION_STEPS,
        ...end,
      ]);
    });

    it('has no baseline step, no parallel state and no processing job, and says so', () => {
      expect(Object.keys(states)).not.toContain('Suggest baseline');
      expect(Object.values(states).map((state) => state.Type)).not.toContain('Parallel');
      expect(JSON.stringify(definition)).not.toMatch(/createProcessingJob|model-monitor-analyzer/);
      expect(definition).toMatchObject({
        Comment: 'ml-lifecycle-cdk: tune, score and evaluate, register and gate the churn model',
      });
    });

    it('gives no role a processing-job permission', () => {
      const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
      expect(policies).not.toMatch(/ProcessingJob|processing-job/);
    });

    it('names the run from its start time and a random suffix, once', () => {
      expect(definition.States['Name the run']).toMatchObject({
        Type: 'Pass',
        Assign: {
          runId:
            "{% $fromMillis($toMillis($states.context.Execution.StartTime), '[Y0001][M01][D01]-[H01][m01][s01]') & '-' & $substring($uuid(), 0, 4) %}",
        },
      });
    });

    it('times a run out after the tuning at its longest plus three hours', () => {
      // ceil(4 / 2) rounds × 20 min, on demand, + 3 h
      expect(definition.TimeoutSeconds).toBe(2 * 20 * 60 + 3 * 3600);
    });

    it('keeps the tuning’s result on the main path', () => {
      expect(states['Tune hyper-parameters']?.Assign).toEqual({ tuning: TUNING_RESULT });
    });

    it('uses the optimised .sync integrations for the jobs, the SDK for describe and delete, Lambda for the rest', () => {
      const resources = Object.fromEntries(Object.entries(states).map(([name, state]) => [name, state.Resource]));
      expect(resources).toMatchObject({
        'Tune hyper-parameters': 'arn:${AWS::Partition}:states:::sagemaker:createHyperParameterTuningJob.sync',
        'Find the best model': 'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:describeTrainingJob',
        'Create the model': 'arn:${AWS::Partition}:states:::sagemaker:createModel',
        'Score the test split': 'arn:${AWS::Partition}:states:::sagemaker:createTransformJob.sync',
        'Delete the model': 'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:deleteModel',
        Evaluate: 'arn:${AWS::Partition}:states:::lambda:invoke',
        'Register the model': 'arn:${AWS::Partition}:states:::lambda:invoke',
        'Quality gate': 'arn:${AWS::Partition}:states:::lambda:invoke',
      });
    });

    it('catches every failure of every step, reports it to the topic and ends the run as failed', () => {
      for (const name of ['Tune hyper-parameters', ...FAILING_STEPS, ...CHAMPION_STEPS, ...RECORDING_STEPS]) {
        expect({ name, Catch: definition.States[name]?.Catch }).toEqual({
          name,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Report the failure' }],
        });
      }
      expect(definition.States['Report the failure']).toMatchObject({
        Resource: 'arn:${AWS::Partition}:states:::sns:publish',
        Arguments: {
          TopicArn: topicArn,
          Message: expect.stringContaining('$states.input.Cause') as unknown,
          Subject: expect.stringContaining('failed') as unknown,
        },
        Next: 'Failed',
      });
      expect(definition.States.Failed).toEqual({
        Type: 'Fail',
        Error: '{% $states.input.Error %}',
        Cause: '{% $states.input.Cause %}',
      });
    });

    it('retries SageMaker throttling with exponential backoff and jitter on every SageMaker step', () => {
      const throttling = {
        ErrorEquals: SAGEMAKER_THROTTLING_ERRORS,
        MaxAttempts: 5,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      };
      for (const name of [
        ...FAILING_STEPS.slice(0, 4),
        'Find the champion',
        ...CHAMPION_STEPS.filter((n) => !n.startsWith('Evaluate')),
      ]) {
        expect({ name, Retry: states[name]?.Retry }).toEqual({
          name,
          Retry: expect.arrayContaining([expect.objectContaining(throttling)]) as unknown,
        });
      }
    });

    it('starts a failed scoring job again, under a new name, for capacity and transient failures', () => {
      expect(states['Score the test split']?.Retry).toContainEqual(FAILED_JOB_RETRY);
      expect(args('Score the test split').TransformJobName).toBe(
        "{% 'churn-t-score-' & $runId & '-' & $states.context.State.RetryCount %}",
      );
    });

    it('keeps the Lambda steps’ retries of Lambda’s transient errors', () => {
      for (const name of ['Evaluate', 'Register the model', 'Quality gate']) {
        expect(states[name]?.Retry).toContainEqual(
          expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException']) as unknown }),
        );
      }
    });

    it('finds the best training job’s model artifacts and makes a network-isolated model of them', () => {
      expect(definition.States['Find the best model']).toMatchObject({
        Arguments: { TrainingJobName: '{% $tuning.bestTrainingJobName %}' },
        Assign: { modelDataUrl: '{% $states.result.ModelArtifacts.S3ModelArtifacts %}' },
      });
      expect(args('Create the model')).toMatchObject({
        ModelName: "{% 'churn-t-' & $runId %}",
        ExecutionRoleArn: expect.stringMatching(/^\$\{PipelineJobRole[0-9A-F]{8}\.Arn\}$/) as unknown,
        EnableNetworkIsolation: true,
        PrimaryContainer: {
          Image: '${FindInMap:xgboost}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/sagemaker-xgboost:1.7-1',
          ModelDataUrl: '{% $modelDataUrl %}',
        },
      });
    });

    it('scores the test split line by line without its label column, in order, under the key', () => {
      expect(args('Score the test split')).toMatchObject({
        ModelName: "{% 'churn-t-' & $runId %}",
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://curated/features/test/' } },
          ContentType: 'text/csv',
          SplitType: 'Line',
        },
        DataProcessing: { InputFilter: '$[1:]', JoinSource: 'None' },
        TransformOutput: { S3OutputPath: inRun('transform/'), AssembleWith: 'Line', KmsKeyId: keyArn },
        TransformResources: { InstanceType: 'ml.c5.large', InstanceCount: 1, VolumeKmsKeyId: keyArn },
      });
    });

    describe('baseline statistics, champion against challenger, and the decision', () => {
      /** Every statement of the state machine role's policies. */
      const roleStatements = () =>
        Object.values(template.findResources('AWS::IAM::Policy'))
          .filter((p) => JSON.stringify(p.Properties.Roles).includes('PipelineRole'))
          .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
      const grantedOn = (action: string) =>
        roleStatements()
          // IAM actions are case-insensitive; the SDK integrations write them as the API's camel case.
          .filter((st) => [st.Action].flat().some((a) => a.toLowerCase() === action.toLowerCase()))
          .flatMap((st) => [st.Resource].flat());

      it('copies the features’ statistics.json into the run before tuning, where no later run overwrites it', () => {
        expect(definition.States['Keep the baseline statistics']).toMatchObject({
          Resource: 'arn:${AWS::Partition}:states:::aws-sdk:s3:copyObject',
          Arguments: {
            Bucket: 'artifacts',
            Key: "{% 'training-runs/' & $runId & '/feature-statistics/statistics.json' %}",
            CopySource: 'curated/features/statistics.json',
          },
        });
        // The opt-in Model Monitor analyzer writes its own statistics.json under baseline/.
        expect(JSON.stringify(states['Keep the baseline statistics'])).not.toContain('/baseline/');
        // Its S3 access is the lake's pipeline policy, as the jobs' and the evaluation's: no statement
        // of its own on another stack's bucket.
        template.hasResourceProperties('AWS::IAM::Role', {
          AssumeRolePolicyDocument: Match.objectLike({
            Statement: [Match.objectLike({ Principal: { Service: 'states.amazonaws.com' } })],
          }),
          ManagedPolicyArns: [lakeAccessArn],
        });
        expect(grantedOn('s3:GetObject')).toEqual([]);
        expect(grantedOn('s3:PutObject')).toEqual([]);
      });

      it('finds the group’s latest approved version, the model in service, and goes on without one when none', () => {
        expect(definition.States['Find the champion']).toMatchObject({
          Resource: 'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:listModelPackages',
          Arguments: {
            ModelPackageGroupName: 'churn-models',
            ModelApprovalStatus: 'Approved',
            SortBy: 'CreationTime',
            SortOrder: 'Descending',
            MaxResults: 1,
          },
          Assign: {
            championArn:
              '{% $count($states.result.ModelPackageSummaryList) > 0 ? $states.result.ModelPackageSummaryList[0].ModelPackageArn : null %}',
          },
        });
        expect(definition.States['Is a model in service?']).toEqual({
          Type: 'Choice',
          Choices: [{ Condition: "{% $type($championArn) = 'string' %}", Next: 'Describe the champion' }],
          Default: 'No model in service',
        });
        // Skipped: the gate gets null, and says there was nothing to beat.
        expect(definition.States['No model in service']).toMatchObject({
          Type: 'Pass',
          Assign: { champion: null },
          Next: 'Register the model',
        });
        expect(grantedOn('sagemaker:ListModelPackages')).toEqual(['*']);
      });

      it('makes a network-isolated model of the version in service, as registered', () => {
        expect(definition.States['Describe the champion']).toMatchObject({
          Arguments: { ModelPackageName: '{% $championArn %}' },
        });
        expect(args('Create the champion’s model')).toMatchObject({
          ModelName: "{% 'churn-t-champion-' & $runId %}",
          EnableNetworkIsolation: true,
          PrimaryContainer: { Image: '{% $championModel.image %}', ModelDataUrl: '{% $championModel.modelDataUrl %}' },
        });
        expect(grantedOn('sagemaker:DescribeModelPackage')).toEqual([
          accountArn('sagemaker', 'model-package/churn-models/*'),
        ]);
      });

      it('scores the SAME test split with the same batch transform as the new model, under the run’s champion/', () => {
        const challenger = args('Score the test split');
        const champion = args('Score the champion');
        const differences = {
          TransformJobName: "{% 'churn-t-champion-' & $runId & '-' & $states.context.State.RetryCount %}",
          ModelName: "{% 'churn-t-champion-' & $runId %}",
          TransformOutput: { ...(challenger.TransformOutput as object), S3OutputPath: inRun('champion/transform/') },
        };
        expect(champion).toEqual({ ...challenger, ...differences });
        expect(states['Score the champion']?.Retry).toEqual(states['Score the test split']?.Retry);
        expect(args('Delete the champion’s model')).toEqual({ ModelName: "{% 'churn-t-champion-' & $runId %}" });
      });

      it('evaluates the champion with the same function on the same split, and keeps its score for the gate', () => {
        const evaluate = definition.States.Evaluate;
        const champion = definition.States['Evaluate the champion'];
        expect(champion?.Arguments).toEqual({
          ...(evaluate?.Arguments as object),
          Payload: {
            runId: '{% $runId %}',
            modelName: "{% 'churn-t-champion-' & $runId %}",
            testData: 's3://curated/features/test/',
            transformOutput: inRun('champion/transform/'),
            evaluationOutput: inRun('champion/evaluation/'),
          },
        });
        expect(champion?.Assign).toEqual({
          champion: {
            modelPackageArn: '{% $championArn %}',
            auc: '{% $states.result.Payload.auc %}',
            report: '{% $states.result.Payload.report %}',
          },
        });
        expect(champion?.Next).toBe('Register the model');
      });

      it('records the gate’s decision and both scores in the run’s evaluation folder', () => {
        expect(definition.States['Record the decision']).toMatchObject({
          Resource: 'arn:${AWS::Partition}:states:::aws-sdk:s3:putObject',
          Arguments: {
            Bucket: 'artifacts',
            Key: "{% 'training-runs/' & $runId & '/evaluation/gate.json' %}",
            Body: '{% $string($gate) %}',
            ContentType: 'application/json',
          },
        });
        expect(grantedOn('s3:PutObject')).toEqual([]); // the lake's pipeline policy grants it
      });

      it('announces the decision as a Retraining decision event on the default bus', () => {
        expect(definition.States['Announce the decision']).toMatchObject({
          Resource: 'arn:${AWS::Partition}:states:::events:putEvents',
          Arguments: {
            Entries: [
              {
                Detail: '{% $gate.event %}',
                DetailType: 'Retraining decision',
                Source: 'ml-lifecycle.monitoring',
              },
            ],
          },
          Next: 'Report the result',
        });
        expect(JSON.stringify(grantedOn('events:PutEvents'))).toContain('event-bus/default');
      });
    });

    it('deletes the scoring model once the test split is scored', () => {
      expect(definition.States['Delete the model']).toMatchObject({
        Arguments: { ModelName: "{% 'churn-t-' & $runId %}" },
        Next: 'Evaluate',
      });
    });

    it('evaluates the run’s scores against the test split it scored, and keeps the result', () => {
      expect(args('Evaluate').Payload).toEqual({
        runId: '{% $runId %}',
        modelName: "{% 'churn-t-' & $runId %}",
        testData: 's3://curated/features/test/',
        transformOutput: inRun('transform/'),
        evaluationOutput: inRun('evaluation/'),
        // The tuning job of the run, for the tuning report.
        tuningJobName: '{% $tuning.tuningJobName %}',
      });
      expect(definition.States.Evaluate?.Assign).toEqual({ evaluation: '{% $states.result.Payload %}' });
    });

    it('registers the best model with its evaluation and no baseline (null: no drift-check baselines)', () => {
      expect(args('Register the model').Payload).toEqual({ ...REGISTER_PAYLOAD, baseline: null });
      expect(definition.States['Register the model']?.Assign).toEqual({
        modelPackageArn: '{% $states.result.Payload.modelPackageArn %}',
      });
    });

    it('gates the package on its AUC, its costs, its business case and the champion’s score, and reports the decision to the topic', () => {
      expect(args('Quality gate').Payload).toEqual({
        runId: '{% $runId %}',
        modelPackageArn: '{% $modelPackageArn %}',
        auc: '{% $evaluation.auc %}',
        costAtOptimalCutoff: '{% $evaluation.costAtOptimalCutoff %}',
        costOfDoingNothing: '{% $evaluation.costOfDoingNothing %}',
        business: '{% $evaluation.business %}',
        champion: '{% $champion %}',
      });
      expect(definition.States['Quality gate']?.Assign).toEqual({ gate: '{% $states.result.Payload %}' });
      expect(definition.States['Report the result']).toMatchObject({
        Resource: 'arn:${AWS::Partition}:states:::sns:publish',
        Arguments: {
          TopicArn: topicArn,
          Subject: "{% 'Churn model run ' & $runId & ': ' & $gate.status %}",
          Message: expect.stringContaining("'\nModel in service: '") as unknown,
        },
        Output: expect.objectContaining({ status: '{% $gate.status %}', reason: '{% $gate.reason %}' }) as unknown,
        End: true,
      });
    });

    it('invokes its three functions, and the state machine may invoke those and no other', () => {
      const functions = Object.keys(template.findResources('AWS::Lambda::Function')).sort();
      expect(functions).toEqual([
        expect.stringMatching(/^PipelineEvaluateFunction/),
        expect.stringMatching(/^PipelineGateFunction/),
        expect.stringMatching(/^PipelineRegisterFunction/),
      ]);
      const invoked = (['Evaluate', 'Register the model', 'Quality gate'] as const).map(
        (name) => args(name).FunctionName,
      );
      expect(invoked).toEqual(
        ['Evaluate', 'Register', 'Gate'].map(
          (f) => expect.stringMatching(new RegExp(`^\\$\\{Pipeline${f}Function[0-9A-F]{8}\\.Arn\\}$`)) as unknown,
        ),
      );
      const invokable = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes('PipelineRole'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((st) => [st.Action].flat().includes('lambda:InvokeFunction'))
        .flatMap((st) => [st.Resource].flat());
      const functionsInvokable = new Set(JSON.stringify(invokable).match(/Pipeline[A-Za-z]+Function[0-9A-F]{8}/g));
      expect([...functionsInvokable].sort()).toEqual(functions);
    });

    it('gives the evaluate function the business case, a GiB, five minutes and the lake access to read the scores', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            CHURN_RATE_BEFORE: '0.2',
            TARGET_CHURN_RATE: '0.05',
            INCENTIVE_BUDGET: '200000',
            INCENTIVE_COST: '50',
            INCENTIVE_RETENTION: '0.5',
            RETAINED_CUSTOMER_VALUE: '400',
            CUSTOMERS_SCORED: '10000',
          }),
        },
        MemorySize: 1024,
        Timeout: 300,
      });
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp('^ml-lifecycle-cdk evaluate:'),
        ManagedPolicyArns: [lakeAccessArn],
      });
    });

    it('gives the register function the group, the image and the instance types, without the drift baselines', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'Registers the tuned churn model as a model package, with its metrics and baseline statistics',
        Environment: {
          Variables: Match.objectLike({
            MODEL_PACKAGE_GROUP_NAME: 'churn-models',
            IMAGE_URI: Match.anyValue(),
            REALTIME_INSTANCE_TYPES: 'ml.c5.large',
            TRANSFORM_INSTANCE_TYPES: 'ml.c5.large',
          }),
        },
      });
    });

    it('gives the gate its minimum AUC and approval, and names them in the gate step', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            MIN_AUC: '0.7',
            APPROVAL: 'manual',
            CHAMPION_MARGIN: '0.02',
            GATE_ON_CAMPAIGN: 'true',
          }),
        },
      });
      expect(definition.States['Quality gate']?.Comment).toBe(
        'Test AUC at least 0.7, a cost below doing nothing, and 0.02 above the model in service; approval: manual',
      );
    });

    it('lets the register function create versions of its one package group, and the gate only update them', () => {
      const versions = accountArn('sagemaker', 'model-package/churn-models/*');
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^PipelineRegisterFunctionRole') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'RegisterModelPackages',
              Effect: 'Allow',
              Action: 'sagemaker:CreateModelPackage',
              Resource: [accountArn('sagemaker', 'model-package-group/churn-models'), versions],
            },
          ]),
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^PipelineGateFunctionRole') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Sid: 'DecideModelPackages', Effect: 'Allow', Action: 'sagemaker:UpdateModelPackage', Resource: versions },
          ]),
        },
      });
      // The evaluate function only reads the run's tuning job (for the tuning report) and the
      // training jobs' log group: no SageMaker action changes anything.
      const evaluateStatements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes('PipelineEvaluateFunctionRole'))
        .flatMap(
          (p) =>
            (p.Properties as { PolicyDocument: { Statement: { Action: string | string[] }[] } }).PolicyDocument
              .Statement,
        );
      const sagemakerActions = evaluateStatements
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a.startsWith('sagemaker:'));
      expect(sagemakerActions.sort()).toEqual([
        'sagemaker:DescribeHyperParameterTuningJob',
        'sagemaker:ListTrainingJobsForHyperParameterTuningJob',
      ]);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^PipelineEvaluateFunctionRole') }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'ReadTuningJobs',
              Effect: 'Allow',
              Action: [
                'sagemaker:DescribeHyperParameterTuningJob',
                'sagemaker:ListTrainingJobsForHyperParameterTuningJob',
              ],
              Resource: accountArn('sagemaker', 'hyper-parameter-tuning-job/churn-t*'),
            },
            {
              Sid: 'ReadTrainingJobLogs',
              Effect: 'Allow',
              Action: 'logs:FilterLogEvents',
              Resource: accountArn('logs', 'log-group:/aws/sagemaker/TrainingJobs'),
            },
          ]),
        },
      });
    });
  });

  describe('with a baseline (Model Monitor, opt-in)', () => {
    const { app, template, definition, states, keyArn } = pipelineIn({ baseline: true });
    const args = (name: string) => states[name]?.Arguments as Record<string, unknown>;

    it('runs the baseline in parallel with the tuning, and keeps both results', () => {
      expect(mainPath(definition).slice(0, 4)).toEqual([
        'Name the run',
        'Keep the baseline statistics',
        'Baseline and tuning',
        'Find the best model',
      ]);
      const parallel = definition.States['Baseline and tuning'];
      expect((parallel?.Branches as Definition[]).map((b) => b.StartAt)).toEqual([
        'Suggest baseline',
        'Tune hyper-parameters',
      ]);
      expect(parallel?.Assign).toEqual({ baseline: '{% $states.result[0] %}', tuning: '{% $states.result[1] %}' });
      expect(states['Tune hyper-parameters']?.Output).toEqual(TUNING_RESULT);
      // Inside a branch the tuning assigns nothing: the parallel state keeps its result.
      expect(states['Tune hyper-parameters']).not.toHaveProperty('Assign');
      expect(definition).toMatchObject({
        Comment: 'ml-lifecycle-cdk: baseline and tune, score and evaluate, register and gate the churn model',
      });
    });

    it('catches a failure of the baseline or the tuning at the parallel state', () => {
      expect(definition.States['Baseline and tuning']?.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], Next: 'Report the failure' },
      ]);
    });

    it('retries throttling on the baseline, and starts a failed baseline job again under a new name', () => {
      expect(states['Suggest baseline']?.Resource).toBe(
        'arn:${AWS::Partition}:states:::sagemaker:createProcessingJob.sync',
      );
      expect(states['Suggest baseline']?.Retry).toEqual([
        expect.objectContaining({ ErrorEquals: SAGEMAKER_THROTTLING_ERRORS, MaxAttempts: 5 }),
        FAILED_JOB_RETRY,
      ]);
      expect(args('Suggest baseline').ProcessingJobName).toBe(
        "{% 'churn-t-baseline-' & $runId & '-' & $states.context.State.RetryCount %}",
      );
    });

    it('runs the analyzer on the headed training data as the job role, isolated, encrypted, writing under the run', () => {
      expect(args('Suggest baseline')).toMatchObject({
        RoleArn: expect.stringMatching(/^\$\{PipelineJobRole[0-9A-F]{8}\.Arn\}$/) as unknown,
        AppSpecification: {
          ImageUri:
            '${FindInMap:modelMonitor}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/sagemaker-model-monitor-analyzer',
        },
        Environment: {
          dataset_format: '{"csv":{"header":true,"output_columns_position":"START"}}',
          dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
          output_path: '/opt/ml/processing/output',
          publish_cloudwatch_metrics: 'Disabled',
        },
        ProcessingInputs: [
          {
            InputName: 'baseline_dataset_input',
            S3Input: {
              S3Uri: 's3://curated/features/baseline/',
              LocalPath: '/opt/ml/processing/input/baseline_dataset_input',
            },
          },
        ],
        ProcessingOutputConfig: {
          KmsKeyId: keyArn,
          Outputs: [{ S3Output: { S3Uri: inRun('baseline'), LocalPath: '/opt/ml/processing/output' } }],
        },
        NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', VolumeKmsKeyId: keyArn } },
      });
      expect(states['Suggest baseline']?.Output).toEqual({
        statistics: inRun('baseline/statistics.json'),
        constraints: inRun('baseline/constraints.json'),
      });
    });

    it('registers the best model with its evaluation and baseline, and tells the register function so', () => {
      expect(args('Register the model').Payload).toEqual(REGISTER_PAYLOAD);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description:
          'Registers the tuned churn model as a model package, with its metrics, baseline statistics and drift baselines',
      });
    });

    it('lets the state machine run the baseline processing job, scoped to its job names', () => {
      const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Sid?: string; Action: string[]; Resource: unknown }[],
      );
      const jobs = statements.find((st) => st.Sid === 'RunPipelineJobs');
      expect(jobs?.Action).toEqual(
        expect.arrayContaining(['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob']),
      );
      expect(jobs?.Resource).toContainEqual(accountArn('sagemaker', 'processing-job/churn-t*'));
    });

    it('acknowledges the wildcards of every role it makes, so none is left to find', () => {
      const iam5 = unacknowledgedFindings(app, /^AwsSolutions-IAM5/);
      expect(iam5).toEqual([]);
    });
  });
});
