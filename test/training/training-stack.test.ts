import { Match, Template } from 'aws-cdk-lib/assertions';
import { HYPERPARAMETER_RANGES, STATIC_HYPERPARAMETERS } from '../../lib/training/tuning-state';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';
import { definitionOf } from '../support/state-machine';
import { allStates, mainPath } from './definition';

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

describe('TrainingStack (sandbox)', () => {
  const { stacks, template, definition } = synth();
  const states = allStates(definition);
  const args = (name: string) => states[name]?.Arguments as Record<string, unknown>;

  describe('the state machine', () => {
    it('is built without the baseline step: Model Monitor is opt-in', () => {
      expect(mainPath(definition).slice(0, 3)).toEqual([
        'Name the run',
        'Keep the baseline statistics',
        'Tune hyper-parameters',
      ]);
      expect(Object.keys(states)).not.toContain('Suggest baseline');
    });

    it('keeps the pipeline’s and its functions’ logs for the stage’s retention', () => {
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    });

    it('times a run out after every tuning round at its longest (twice with spot) plus three hours', () => {
      // ceil(6 / 2) rounds × 30 min × 2 (spot) + 3 h
      expect(definition.TimeoutSeconds).toBe(3 * 1800 * 2 + 3 * 3600);
    });

    it('does not rerun a failed tuning job (its training jobs retry internal errors themselves)', () => {
      const retries = states['Tune hyper-parameters']?.Retry as { ErrorEquals: string[] }[];
      expect(retries.flatMap((r) => r.ErrorEquals)).not.toContain('States.TaskFailed');
      expect(args('Tune hyper-parameters')).toMatchObject({
        TrainingJobDefinition: { RetryStrategy: { MaximumRetryAttempts: 2 } },
      });
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
  });

  describe('evaluate, register, gate', () => {
    it('reports each run’s result and every failure to the stack’s topic', () => {
      for (const name of ['Report the result', 'Report the failure']) {
        expect({ name, topic: args(name).TopicArn }).toEqual({ name, topic: '${Notifications87298708}' });
      }
    });

    it('configures the functions from the stage: business case, registry, image, gate', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            CHURN_RATE_BEFORE: '0.145',
            TARGET_CHURN_RATE: '0.04',
            INCENTIVE_BUDGET: '750000',
            INCENTIVE_COST: '50',
            INCENTIVE_RETENTION: '0.8',
            RETAINED_CUSTOMER_VALUE: '500',
            CUSTOMERS_SCORED: '50000',
          },
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
      // that has no resource-level permissions (ListModelPackages, for the registry's emptier and the
      // pipeline's search for the version in service; IAM merges it with other actions on `*`).
      for (const statement of statements) {
        const actions = ([] as string[]).concat(statement.Action);
        if (actions.some((a) => a.startsWith('sagemaker:'))) {
          expect(actions).not.toContain('sagemaker:*');
          if (statement.Resource === '*') {
            expect(actions.filter((a) => a.startsWith('sagemaker:'))).toEqual(['sagemaker:ListModelPackages']);
          }
        }
      }
    });
  });

  describe('registry, topic, trigger', () => {
    it('creates the model package group, destroyed with a sandbox', () => {
      template.hasResource('AWS::SageMaker::ModelPackageGroup', {
        Properties: { ModelPackageGroupName: 'ml-lifecycle-sandbox-churn' },
        DeletionPolicy: 'Delete',
      });
      template.resourceCountIs('Custom::EmptyModelPackageGroup', 1);
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

  it('maps each region to its analyzer registry as well as its XGBoost one', () => {
    const [rows] = Object.values(template.toJSON().Mappings as Record<string, Record<string, object>>);
    expect(rows?.['eu-west-1']).toEqual({ xgboost: '141502667606', modelMonitor: '468650794304' });
  });

  it('suggests a baseline beside the tuning, from the lake’s features, on the stage’s instance type', () => {
    expect(mainPath(definition).slice(0, 4)).toEqual([
      'Name the run',
      'Keep the baseline statistics',
      'Baseline and tuning',
      'Find the best model',
    ]);
    expect(args('Suggest baseline')).toMatchObject({
      ProcessingInputs: [{ S3Input: { S3Uri: `s3://${CURATED}/features/baseline/` } }],
      ProcessingOutputConfig: { KmsKeyId: KEY, Outputs: [{ S3Output: { S3Uri: runPath('baseline') } }] },
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.large', VolumeKmsKeyId: KEY } },
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
