import { Match, Template } from 'aws-cdk-lib/assertions';
import { SAGEMAKER_THROTTLING_ERRORS } from '../../lib/training/sagemaker-task';
import { HYPERPARAMETER_RANGES, STATIC_HYPERPARAMETERS } from '../../lib/training/tuning-state';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';
import { type Definition, type StateJson, definitionOf } from '../support/state-machine';

/** The sandbox with the opt-in Model Monitor turned on. */
const MODEL_MONITOR_CONTEXT = { config: { sandbox: { modelMonitor: { enabled: true } } } };

function synth(context = {}) {
  const { stacks } = buildApp(context);
  const { training } = stacks;
  return {
    stacks,
    template: Template.fromStack(training),
    definition: definitionOf(training.pipeline.stateMachine),
  };
}

/** Every state of a definition, those inside Parallel branches included, by name. */
function allStates(definition: Pick<Definition, 'States'>): Record<string, StateJson> {
  const states: Record<string, StateJson> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    states[name] = state;
    for (const branch of (state.Branches as Definition[] | undefined) ?? []) {
      Object.assign(states, allStates(branch));
    }
  }
  return states;
}

/** Follows `Next` from the start: the main path's state names, in order. */
function mainPath(definition: Definition): string[] {
  const path: string[] = [];
  let name: string | undefined = definition.StartAt;
  while (name !== undefined) {
    path.push(name);
    name = definition.States[name]?.Next as string | undefined;
  }
  return path;
}

/** An IAM policy statement as the template holds it. */
interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const KEY = '${StorageDataKeyE15BA43B.Arn}';
const ARTIFACTS = '${StorageArtifactsBucketB19151BF}';
const CURATED = '${StorageCuratedBucket1413FA2D}';
const JOB_ROLE = '${PipelineJobRole9700A35A.Arn}';
const runPath = (path: string) => `{% 's3://${ARTIFACTS}/training-runs/' & $runId & '/${path}' %}`;

/** What the tuning step passes on. */
const TUNING_RESULT = {
  tuningJobName: '{% $states.result.HyperParameterTuningJobName %}',
  bestTrainingJobName: '{% $states.result.BestTrainingJob.TrainingJobName %}',
  validationAuc: '{% $states.result.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value %}',
};

/** What the register step sends its function, with a baseline. */
const REGISTER_PAYLOAD = {
  runId: '{% $runId %}',
  tuningJobName: '{% $tuning.tuningJobName %}',
  trainingJobName: '{% $tuning.bestTrainingJobName %}',
  modelDataUrl: '{% $modelDataUrl %}',
  evaluation: '{% $evaluation %}',
  baseline: '{% $baseline %}',
};

/** The retry that starts a failed job again, under a new name (capacity and transient failures). */
const FAILED_JOB_RETRY = {
  ErrorEquals: ['States.TaskFailed'],
  IntervalSeconds: 120,
  MaxAttempts: 2,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};

describe('TrainingStack (sandbox)', () => {
  const { stacks, template, definition } = synth();
  const states = allStates(definition);
  const args = (name: string) => states[name]?.Arguments as Record<string, unknown>;

  describe('the state machine', () => {
    it('is a standard workflow in JSONata, logged in full to its KMS-encrypted log group, and traced', () => {
      expect(definition.QueryLanguage).toBe('JSONata');
      // No StateMachineType: CloudFormation's default, STANDARD (exactly-once steps, runs up to a year).
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: Match.absent(),
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: true,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
        },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        KmsKeyId: Match.anyValue(),
        RetentionInDays: 365,
      });
    });

    it('runs the steps in order: name, tuning, model, score, evaluate, register, gate, report', () => {
      expect(mainPath(definition)).toEqual([
        'Name the run',
        'Tune hyper-parameters',
        'Find the best model',
        'Create the model',
        'Score the test split',
        'Delete the model',
        'Evaluate',
        'Register the model',
        'Quality gate',
        'Report the result',
      ]);
    });

    it('has no Model Monitor baseline step and no parallel state (Model Monitor is opt-in)', () => {
      expect(Object.keys(states)).not.toContain('Suggest baseline');
      expect(Object.values(states).map((state) => state.Type)).not.toContain('Parallel');
      expect(JSON.stringify(definition)).not.toMatch(/createProcessingJob|model-monitor-analyzer/);
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

    it('times a run out after every tuning round at its longest (twice with spot) plus three hours', () => {
      // ceil(6 / 2) rounds × 30 min × 2 (spot) + 3 h
      expect(definition.TimeoutSeconds).toBe(3 * 1800 * 2 + 3 * 3600);
    });

    it('uses the optimised .sync integrations for the tuning and transform jobs', () => {
      expect(states['Tune hyper-parameters']?.Resource).toBe(
        'arn:${AWS::Partition}:states:::sagemaker:createHyperParameterTuningJob.sync',
      );
      expect(states['Score the test split']?.Resource).toBe(
        'arn:${AWS::Partition}:states:::sagemaker:createTransformJob.sync',
      );
      expect(states['Create the model']?.Resource).toBe('arn:${AWS::Partition}:states:::sagemaker:createModel');
      expect(states['Find the best model']?.Resource).toBe(
        'arn:${AWS::Partition}:states:::aws-sdk:sagemaker:describeTrainingJob',
      );
      expect(states['Delete the model']?.Resource).toBe('arn:${AWS::Partition}:states:::aws-sdk:sagemaker:deleteModel');
      for (const name of ['Evaluate', 'Register the model', 'Quality gate']) {
        expect(states[name]?.Resource).toBe('arn:${AWS::Partition}:states:::lambda:invoke');
      }
    });

    it('catches every failure of every step, reports it to the topic and ends the run as failed', () => {
      const failing = [
        'Tune hyper-parameters',
        'Find the best model',
        'Create the model',
        'Score the test split',
        'Delete the model',
        'Evaluate',
        'Register the model',
        'Quality gate',
      ];
      for (const name of failing) {
        expect({ name, Catch: definition.States[name]?.Catch }).toEqual({
          name,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Report the failure' }],
        });
      }
      expect(definition.States['Report the failure']).toMatchObject({
        Resource: 'arn:${AWS::Partition}:states:::sns:publish',
        Arguments: {
          TopicArn: '${Notifications87298708}',
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
        'Tune hyper-parameters',
        'Find the best model',
        'Create the model',
        'Score the test split',
        'Delete the model',
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
        "{% 'churn-sbx-score-' & $runId & '-' & $states.context.State.RetryCount %}",
      );
    });

    it('does not rerun a failed tuning job (its training jobs retry internal errors themselves)', () => {
      const retries = states['Tune hyper-parameters']?.Retry as { ErrorEquals: string[] }[];
      expect(retries.flatMap((r) => r.ErrorEquals)).not.toContain('States.TaskFailed');
      expect(args('Tune hyper-parameters')).toMatchObject({
        TrainingJobDefinition: { RetryStrategy: { MaximumRetryAttempts: 2 } },
      });
    });

    it('keeps the Lambda steps’ retries of Lambda’s transient errors', () => {
      for (const name of ['Evaluate', 'Register the model', 'Quality gate']) {
        expect(states[name]?.Retry).toContainEqual(
          expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException']) as unknown }),
        );
      }
    });
  });

  describe('the tuning', () => {
    it('maximises validation AUC with the built-in XGBoost 1.7-1, within the configured budget', () => {
      expect(args('Tune hyper-parameters')).toMatchObject({
        HyperParameterTuningJobName: "{% 'churn-sbx-' & $runId & '-' & $states.context.State.RetryCount %}",
        HyperParameterTuningJobConfig: {
          Strategy: 'Bayesian',
          HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
          ResourceLimits: { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 2 },
          TrainingJobEarlyStoppingType: 'Auto',
        },
        TrainingJobDefinition: {
          AlgorithmSpecification: {
            TrainingImage: '${FindInMap:xgboost}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/sagemaker-xgboost:1.7-1',
            TrainingInputMode: 'File',
          },
          StaticHyperParameters: STATIC_HYPERPARAMETERS,
        },
      });
    });

    it('searches eta, max_depth, min_child_weight, subsample, gamma and num_round, with early stopping', () => {
      const ranges = (args('Tune hyper-parameters').HyperParameterTuningJobConfig as Record<string, unknown>)
        .ParameterRanges as Record<string, { Name: string }[]>;
      expect(ranges).toEqual({
        ContinuousParameterRanges: HYPERPARAMETER_RANGES.continuous,
        IntegerParameterRanges: HYPERPARAMETER_RANGES.integer,
      });
      const names = [...(ranges.ContinuousParameterRanges ?? []), ...(ranges.IntegerParameterRanges ?? [])].map(
        (r) => r.Name,
      );
      expect(names.sort()).toEqual(['eta', 'gamma', 'max_depth', 'min_child_weight', 'num_round', 'subsample']);
      expect(STATIC_HYPERPARAMETERS).toMatchObject({ eval_metric: 'auc', early_stopping_rounds: '10' });
    });

    it('trains on the train and validation splits (CSV, label first) and writes models under the run', () => {
      expect(args('Tune hyper-parameters')).toMatchObject({
        TrainingJobDefinition: {
          RoleArn: JOB_ROLE,
          InputDataConfig: [
            {
              ChannelName: 'train',
              ContentType: 'text/csv',
              DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${CURATED}/features/train/` } },
            },
            {
              ChannelName: 'validation',
              ContentType: 'text/csv',
              DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${CURATED}/features/validation/` } },
            },
          ],
          OutputDataConfig: { S3OutputPath: runPath('tuning/'), KmsKeyId: KEY },
        },
      });
    });

    it('trains on spot capacity with checkpoints under the run, waiting at most as long again as it trains', () => {
      expect(args('Tune hyper-parameters')).toMatchObject({
        TrainingJobDefinition: {
          EnableManagedSpotTraining: true,
          CheckpointConfig: { S3Uri: runPath('checkpoints/') },
          StoppingCondition: { MaxRuntimeInSeconds: 1800, MaxWaitTimeInSeconds: 3600 },
        },
      });
    });

    it('isolates training from the network, encrypts inter-container traffic and volumes with the lake key', () => {
      expect(args('Tune hyper-parameters')).toMatchObject({
        TrainingJobDefinition: {
          EnableNetworkIsolation: true,
          EnableInterContainerTrafficEncryption: true,
          ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeKmsKeyId: KEY },
        },
      });
    });

    it('keeps the tuning job, the best training job and its validation AUC for the rest of the run', () => {
      expect(states['Tune hyper-parameters']?.Output).toEqual(TUNING_RESULT);
      expect(states['Tune hyper-parameters']?.Assign).toEqual({ tuning: TUNING_RESULT });
    });
  });

  describe('model and scoring', () => {
    it('finds the best training job’s model artifacts and makes a network-isolated model of them', () => {
      expect(definition.States['Find the best model']).toMatchObject({
        Arguments: { TrainingJobName: '{% $tuning.bestTrainingJobName %}' },
        Assign: { modelDataUrl: '{% $states.result.ModelArtifacts.S3ModelArtifacts %}' },
      });
      expect(args('Create the model')).toMatchObject({
        ModelName: "{% 'churn-sbx-' & $runId %}",
        ExecutionRoleArn: JOB_ROLE,
        EnableNetworkIsolation: true,
        PrimaryContainer: {
          Image: '${FindInMap:xgboost}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/sagemaker-xgboost:1.7-1',
          ModelDataUrl: '{% $modelDataUrl %}',
        },
      });
    });

    it('scores the test split line by line without its label column, in order, encrypted with the lake key', () => {
      expect(args('Score the test split')).toMatchObject({
        ModelName: "{% 'churn-sbx-' & $runId %}",
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${CURATED}/features/test/` } },
          ContentType: 'text/csv',
          SplitType: 'Line',
        },
        DataProcessing: { InputFilter: '$[1:]', JoinSource: 'None' },
        TransformOutput: { S3OutputPath: runPath('transform/'), AssembleWith: 'Line', KmsKeyId: KEY },
        TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeKmsKeyId: KEY },
      });
    });

    it('deletes the scoring model once the test split is scored', () => {
      expect(definition.States['Delete the model']).toMatchObject({
        Arguments: { ModelName: "{% 'churn-sbx-' & $runId %}" },
        Next: 'Evaluate',
      });
    });
  });

  describe('evaluate, register, gate', () => {
    it('evaluates the run’s scores against the test split and keeps the result', () => {
      expect(args('Evaluate').Payload).toEqual({
        runId: '{% $runId %}',
        modelName: "{% 'churn-sbx-' & $runId %}",
        testData: `s3://${CURATED}/features/test/`,
        transformOutput: runPath('transform/'),
        evaluationOutput: runPath('evaluation/'),
      });
      expect(definition.States.Evaluate?.Assign).toEqual({ evaluation: '{% $states.result.Payload %}' });
    });

    it('registers the best model with its evaluation and no baseline (null: no drift-check baselines)', () => {
      expect(args('Register the model').Payload).toEqual({ ...REGISTER_PAYLOAD, baseline: null });
    });

    it('gates the package on its AUC and costs, and reports the decision', () => {
      expect(args('Quality gate').Payload).toEqual({
        modelPackageArn: '{% $modelPackageArn %}',
        auc: '{% $evaluation.auc %}',
        costAtOptimalCutoff: '{% $evaluation.costAtOptimalCutoff %}',
        costOfDoingNothing: '{% $evaluation.costOfDoingNothing %}',
      });
      expect(definition.States['Report the result']).toMatchObject({
        Resource: 'arn:${AWS::Partition}:states:::sns:publish',
        Arguments: { TopicArn: '${Notifications87298708}' },
        End: true,
      });
    });

    it('configures the functions from the stage: costs, registry, image, gate', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ MISSED_CHURNER_COST: '500', INCENTIVE_COST: '100', INCENTIVE_RETENTION: '1' }),
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            MODEL_PACKAGE_GROUP_NAME: 'ml-lifecycle-sandbox-churn',
            IMAGE_URI: Match.anyValue(),
            REALTIME_INSTANCE_TYPES: 'ml.m5.large',
            TRANSFORM_INSTANCE_TYPES: 'ml.m5.large',
          }),
        },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ MIN_AUC: '0.75', APPROVAL: 'automatic' }) },
      });
    });

    it('runs the functions on Node.js 24, arm64, traced, with JSON logs and the runtime’s AWS SDK', () => {
      const functions = template.findResources('AWS::Lambda::Function');
      expect(Object.keys(functions)).toHaveLength(4); // evaluate, register, gate, and the registry's emptier
      for (const fn of Object.values(functions)) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogFormat: 'JSON' },
        });
      }
      expect(stacks.training.pipeline.evaluateFunction.function.node.tryGetContext('aws:cdk:bundling-stacks')).toEqual(
        [],
      );
    });
  });

  describe('permissions', () => {
    it('lets SageMaker assume the job role only for this account, with the lake’s policy for the pipeline', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [
            Match.objectLike({
              Principal: { Service: 'sagemaker.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ],
        }),
        ManagedPolicyArns: [Match.anyValue()],
      });
    });

    it('gives the job role no S3 or SageMaker permission of its own: only logs, metrics and the key', () => {
      const policies = template.findResources('AWS::IAM::ManagedPolicy');
      const actions = Object.values(policies).flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
      );
      expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('sagemaker:'))).toEqual([]);
      expect(actions).toEqual(
        expect.arrayContaining(['logs:PutLogEvents', 'cloudwatch:PutMetricData', 'kms:CreateGrant']),
      );
    });

    it('scopes the state machine’s SageMaker permissions to this stage’s job names', () => {
      const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
        (p) => p.Properties.PolicyDocument.Statement as Statement[],
      );
      const bySid = new Map(statements.map((st) => [st.Sid, st]));
      const jobs = bySid.get('RunPipelineJobs');
      const resources = ([] as unknown[]).concat(jobs?.Resource).map((r) => JSON.stringify(r));
      expect(resources.map((r) => /:([a-z-]+)\/churn-sbx\*"\]\]\}$/.exec(r)?.[1]).sort()).toEqual([
        'hyper-parameter-tuning-job',
        'model',
        'transform-job',
      ]);
      expect(bySid.get('PassJobRole')).toMatchObject({
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PipelineJobRole/), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      });
      const rules = JSON.stringify(bySid.get('ManageJobEventRules')?.Resource);
      for (const kind of ['Tuning', 'Transform']) {
        expect(rules).toContain(`:rule/StepFunctionsGetEventsForSageMaker${kind}JobsRule"`);
      }
      // No SageMaker wildcard action anywhere in the stack, and none on every resource but the one
      // that has no resource-level permissions (ListModelPackages, for the registry's emptier).
      for (const statement of statements) {
        const actions = ([] as string[]).concat(statement.Action);
        if (actions.some((a) => a.startsWith('sagemaker:'))) {
          expect(actions).not.toContain('sagemaker:*');
          if (statement.Resource === '*') {
            expect(actions).toEqual(['sagemaker:ListModelPackages']);
          }
        }
      }
    });

    it('gives no role a processing-job permission: without Model Monitor the pipeline starts no processing job', () => {
      const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as Statement[]).flatMap((st) => ([] as string[]).concat(st.Action)),
      );
      expect(actions.filter((a) => /ProcessingJob/.test(a))).toEqual([]);
      expect(JSON.stringify(template.toJSON())).not.toMatch(/processing-job|ProcessingJobsRule/);
    });

    it('lets the register function create versions of its one package group, the gate update them', () => {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Sid: 'RegisterModelPackages', Action: 'sagemaker:CreateModelPackage' }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'DecideModelPackages',
              Action: 'sagemaker:UpdateModelPackage',
              Resource: {
                'Fn::Join': [
                  '',
                  Match.arrayWith([Match.stringLikeRegexp(':model-package/ml-lifecycle-sandbox-churn/\\*$')]),
                ],
              },
            }),
          ]),
        },
      });
    });
  });

  describe('registry, topic, trigger', () => {
    it('creates the model package group, destroyed with a sandbox', () => {
      template.hasResource('AWS::SageMaker::ModelPackageGroup', {
        Properties: { ModelPackageGroupName: 'ml-lifecycle-sandbox-churn' },
        DeletionPolicy: 'Delete',
      });
    });

    it('deletes every model version before the group when a sandbox is destroyed, answering within 15 minutes', () => {
      const empties = template.findResources('Custom::EmptyModelPackageGroup');
      expect(Object.values(empties)).toEqual([
        expect.objectContaining({
          Properties: {
            ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^RegistryEmptierFunction/), 'Arn'] },
            ServiceTimeout: '900',
            ModelPackageGroupName: 'ml-lifecycle-sandbox-churn',
          },
          DependsOn: [expect.stringMatching(/^Registry[0-9A-F]{8}$/)],
        }),
      ]);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Sid: 'ListVersions', Action: 'sagemaker:ListModelPackages', Resource: '*' }),
            Match.objectLike({
              Sid: 'DeleteVersions',
              Action: 'sagemaker:DeleteModelPackage',
              Resource: {
                'Fn::Join': [
                  '',
                  Match.arrayWith([Match.stringLikeRegexp(':model-package/ml-lifecycle-sandbox-churn/\\*$')]),
                ],
              },
            }),
          ]),
        },
      });
    });

    it('reports to a KMS-encrypted topic that refuses plain HTTP', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('lets the state machine publish to the encrypted topic: sns:Publish, and the topic key’s data keys', () => {
      const roleId = stacks.training.resolve(
        (stacks.training.pipeline.stateMachine.role.node.defaultChild as { ref: string } | undefined)?.ref,
      ) as unknown;
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([roleId]))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
      const allowing = (action: string) =>
        statements.filter((st) => ([] as string[]).concat(st.Action).includes(action)).map((st) => st.Resource);
      expect(allowing('sns:Publish')).toEqual([{ Ref: expect.stringMatching(/^Notifications/) as unknown }]);
      // SNS encrypts each published message with a data key it asks KMS for as the publisher.
      const topicKey = stacks.training.resolve(stacks.training.topic.masterKey?.keyArn) as unknown;
      expect(topicKey).toBeDefined();
      const keyStatement = statements.find((st) => st.Sid === 'PublishToEncryptedTopic');
      expect(keyStatement).toEqual({
        Sid: 'PublishToEncryptedTopic',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: topicKey,
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
          },
        },
      });
    });

    it('starts on the features job’s success, passing the job run id, with retries', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.glue'],
          'detail-type': ['Glue Job State Change'],
          detail: { jobName: [Match.anyValue()], state: ['SUCCEEDED'] },
        },
        Targets: [
          Match.objectLike({
            Arn: { Ref: Match.stringLikeRegexp('^Pipeline') },
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
            InputTransformer: Match.objectLike({
              InputPathsMap: { 'detail-jobRunId': '$.detail.jobRunId' },
            }),
          }),
        ],
      });
    });

    it('outputs what a person needs to start a run and find its results', () => {
      for (const output of [
        'StateMachineArn',
        'ModelPackageGroupName',
        'TrainingRunsLocation',
        'NotificationTopicArn',
      ]) {
        template.hasOutput(output, {});
      }
    });
  });

  it('matches the snapshot', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });
});

describe('TrainingStack with Model Monitor (opt-in)', () => {
  const { template, definition } = synth(MODEL_MONITOR_CONTEXT);
  const states = allStates(definition);
  const args = (name: string) => states[name]?.Arguments as Record<string, unknown>;

  it('runs the baseline in parallel with the tuning, and keeps both results', () => {
    expect(mainPath(definition).slice(0, 3)).toEqual(['Name the run', 'Baseline and tuning', 'Find the best model']);
    const parallel = definition.States['Baseline and tuning'];
    expect((parallel?.Branches as Definition[]).map((b) => b.StartAt)).toEqual([
      'Suggest baseline',
      'Tune hyper-parameters',
    ]);
    expect(parallel?.Assign).toEqual({ baseline: '{% $states.result[0] %}', tuning: '{% $states.result[1] %}' });
    expect(states['Tune hyper-parameters']?.Output).toEqual(TUNING_RESULT);
    // Inside a branch the tuning assigns nothing: the parallel state keeps its result.
    expect(states['Tune hyper-parameters']).not.toHaveProperty('Assign');
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
      "{% 'churn-sbx-baseline-' & $runId & '-' & $states.context.State.RetryCount %}",
    );
  });

  it('registers the best model with its evaluation and baseline', () => {
    expect(args('Register the model').Payload).toEqual(REGISTER_PAYLOAD);
  });

  it('lets the state machine run the baseline processing job, scoped to this stage’s job names', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    const jobs = statements.find((st) => st.Sid === 'RunPipelineJobs');
    expect(jobs?.Action).toEqual(
      expect.arrayContaining(['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob']),
    );
    expect(JSON.stringify(jobs?.Resource)).toContain(':processing-job/churn-sbx*');
    expect(JSON.stringify(statements.find((st) => st.Sid === 'ManageJobEventRules')?.Resource)).toContain(
      ':rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule"',
    );
  });

  it('maps each region to its analyzer registry as well as its XGBoost one', () => {
    const [rows] = Object.values(template.toJSON().Mappings as Record<string, Record<string, object>>);
    expect(rows?.['eu-west-1']).toEqual({ xgboost: '141502667606', modelMonitor: '468650794304' });
  });

  describe('the baseline', () => {
    it('runs the Model Monitor analyzer on the headed training data, writing under the run', () => {
      expect(args('Suggest baseline')).toMatchObject({
        RoleArn: JOB_ROLE,
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
              S3Uri: `s3://${CURATED}/features/baseline/`,
              LocalPath: '/opt/ml/processing/input/baseline_dataset_input',
            },
          },
        ],
        ProcessingOutputConfig: {
          KmsKeyId: KEY,
          Outputs: [{ S3Output: { S3Uri: runPath('baseline'), LocalPath: '/opt/ml/processing/output' } }],
        },
      });
      expect(states['Suggest baseline']?.Output).toEqual({
        statistics: runPath('baseline/statistics.json'),
        constraints: runPath('baseline/constraints.json'),
      });
    });

    it('isolates the job from the network, encrypts traffic between containers and its volume with the lake key', () => {
      expect(args('Suggest baseline')).toMatchObject({
        NetworkConfig: { EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true },
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', VolumeKmsKeyId: KEY } },
      });
    });
  });
});

describe('TrainingStack (production)', () => {
  const { template, definition } = synth(PRODUCTION_CONTEXT);
  const states = allStates(definition);

  it('trains on demand, without spot or checkpoints, with the production budget', () => {
    const tuning = states['Tune hyper-parameters']?.Arguments as Record<string, Record<string, unknown>>;
    expect(tuning.HyperParameterTuningJobConfig).toMatchObject({
      ResourceLimits: { MaxNumberOfTrainingJobs: 30, MaxParallelTrainingJobs: 5 },
    });
    expect(tuning.TrainingJobDefinition).toMatchObject({
      EnableManagedSpotTraining: false,
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge' },
    });
    expect(tuning.TrainingJobDefinition).not.toHaveProperty('CheckpointConfig');
    expect(tuning.TrainingJobDefinition?.StoppingCondition).not.toHaveProperty('MaxWaitTimeInSeconds');
    expect(tuning.HyperParameterTuningJobName).toBe(
      "{% 'churn-prd-' & $runId & '-' & $states.context.State.RetryCount %}",
    );
  });

  it('leaves passing packages pending for a person, at a higher minimum AUC', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MIN_AUC: '0.8', APPROVAL: 'manual' }) },
    });
  });

  it('retains the model registry and the logs', () => {
    template.hasResource('AWS::SageMaker::ModelPackageGroup', {
      Properties: { ModelPackageGroupName: 'ml-lifecycle-production-churn' },
      DeletionPolicy: 'Retain',
    });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    template.resourceCountIs('Custom::EmptyModelPackageGroup', 0);
  });
});
