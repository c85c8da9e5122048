import {
  CreateModelPackageCommand,
  ResourceLimitExceeded,
  SageMakerClient,
  type CreateModelPackageCommandInput,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { RegisterEvent } from '../../../lambda/register-model/package';

import type * as HandlerModule from '../../../lambda/register-model/handler';
import type * as EnvModule from '../../../lambda/shared/env';

const sagemaker = mockClient(SageMakerClient);

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const PACKAGE_ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/7';
const RUN = 's3://ml-artifacts-123456789012/training/churn-run-2024-05-01';

const ENV = {
  MODEL_PACKAGE_GROUP_NAME: 'churn-model-group',
  IMAGE_URI: '390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1',
  REALTIME_INSTANCE_TYPES: 'ml.m5.large,ml.m5.xlarge',
  TRANSFORM_INSTANCE_TYPES: 'ml.m5.xlarge',
};

const EVENT: RegisterEvent = {
  runId: 'churn-run-2024-05-01',
  tuningJobName: 'churn-tune-20240501',
  trainingJobName: 'churn-tune-20240501-007-3f2a1b9c',
  modelDataUrl: `${RUN}/tuning/churn-tune-20240501-007-3f2a1b9c/output/model.tar.gz`,
  baselineStatistics: `${RUN}/feature-statistics/statistics.json`,
  evaluation: {
    auc: 0.87351,
    optimalCutoff: null,
    budgetCutoff: null,
    evaluation: `${RUN}/evaluation/evaluation.json`,
    modelQuality: `${RUN}/evaluation/model-quality.json`,
    report: `${RUN}/evaluation/report.html`,
  },
  baseline: {
    statistics: `${RUN}/baseline/statistics.json`,
    constraints: `${RUN}/baseline/constraints.json`,
  },
};

/** The request the handler must send for EVENT under ENV. */
const EXPECTED_INPUT: CreateModelPackageCommandInput = {
  ModelPackageGroupName: 'churn-model-group',
  ModelPackageDescription:
    'Churn model of run churn-run-2024-05-01: training job churn-tune-20240501-007-3f2a1b9c, ' +
    'the best of tuning job churn-tune-20240501. Test AUC 0.874.',
  InferenceSpecification: {
    Containers: [
      {
        Image: '390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1',
        ModelDataUrl: EVENT.modelDataUrl,
      },
    ],
    SupportedContentTypes: ['text/csv'],
    SupportedResponseMIMETypes: ['text/csv'],
    SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large', 'ml.m5.xlarge'],
    SupportedTransformInstanceTypes: ['ml.m5.xlarge'],
  },
  ModelMetrics: {
    ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: `${RUN}/evaluation/model-quality.json` } },
    ModelDataQuality: {
      Statistics: { ContentType: 'application/json', S3Uri: `${RUN}/feature-statistics/statistics.json` },
    },
  },
  DriftCheckBaselines: {
    ModelDataQuality: {
      Statistics: { ContentType: 'application/json', S3Uri: `${RUN}/baseline/statistics.json` },
      Constraints: { ContentType: 'application/json', S3Uri: `${RUN}/baseline/constraints.json` },
    },
  },
  ModelApprovalStatus: 'PendingManualApproval',
  ClientToken: '89b5ed65e447d697f7e76eacdcecdf8a',
  CustomerMetadataProperties: {
    runId: 'churn-run-2024-05-01',
    tuningJobName: 'churn-tune-20240501',
    trainingJobName: 'churn-tune-20240501-007-3f2a1b9c',
    testAuc: '0.87351',
    budgetCutoff: 'none',
    optimalCutoff: 'none',
    evaluation: `${RUN}/evaluation/evaluation.json`,
    report: `${RUN}/evaluation/report.html`,
  },
};

/** What loading the handler module in a registry of its own gave. */
interface Isolated {
  /** The module, when it loaded. */
  readonly loaded?: typeof HandlerModule;
  /** What loading it threw, when it did not. */
  readonly error?: unknown;
  /** The registry's own EnvironmentError class, the one the module throws. */
  readonly EnvironmentError: typeof EnvModule.EnvironmentError;
}

/**
 * Loads the handler module with `env` as its environment, in a module registry of its own, so it
 * reads its settings afresh. Its SDK is the isolated registry's own, not the one mocked above: use
 * it only to see whether the module loads.
 */
function loadIsolated(env: Record<string, string | undefined>): Isolated {
  const saved = process.env;
  process.env = { ...saved, ...env };
  let result: Isolated | undefined;
  try {
    jest.isolateModules(() => {
      const { EnvironmentError } = jest.requireActual<typeof EnvModule>('../../../lambda/shared/env');
      try {
        result = {
          loaded: jest.requireActual<typeof HandlerModule>('../../../lambda/register-model/handler'),
          EnvironmentError,
        };
      } catch (error) {
        result = { error, EnvironmentError };
      }
    });
  } finally {
    process.env = saved;
  }
  if (result === undefined) {
    throw new Error('the isolated registry did not run');
  }
  return result;
}

describe('register-model handler', () => {
  let handler: typeof HandlerModule.handler;
  let log: jest.SpyInstance<void, Parameters<typeof console.log>>;
  const savedEnv = process.env;

  beforeAll(() => {
    // Loaded once, in the shared registry (a static import would be hoisted above the environment),
    // so that it uses this file's @aws-sdk/client-sagemaker, which mockClient patches.
    process.env = { ...savedEnv, ...ENV };
    try {
      ({ handler } = jest.requireActual<typeof HandlerModule>('../../../lambda/register-model/handler'));
    } finally {
      process.env = savedEnv;
    }
  });

  beforeEach(() => {
    sagemaker.reset();
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    log.mockRestore();
  });

  it('sends exactly one CreateModelPackage with the request built from the event and the environment', async () => {
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: PACKAGE_ARN });
    await handler(EVENT);
    expect(sagemaker).toHaveReceivedCommandTimes(CreateModelPackageCommand, 1);
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelPackageCommand, EXPECTED_INPUT);
    expect(sagemaker.commandCalls(CreateModelPackageCommand)[0]?.args[0].input).toEqual(EXPECTED_INPUT);
  });

  it('registers without drift-check baselines when the pipeline has no baseline step (baseline null)', async () => {
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: PACKAGE_ARN });
    await expect(handler({ ...EVENT, baseline: null })).resolves.toEqual({ modelPackageArn: PACKAGE_ARN });
    const { DriftCheckBaselines, ...withoutBaselines } = EXPECTED_INPUT;
    expect(DriftCheckBaselines).toBeDefined();
    expect(sagemaker.commandCalls(CreateModelPackageCommand)[0]?.args[0].input).toEqual(withoutBaselines);
  });

  it('returns the new package version ARN', async () => {
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: PACKAGE_ARN });
    await expect(handler(EVENT)).resolves.toEqual({ modelPackageArn: PACKAGE_ARN });
  });

  it('sends the same ClientToken when the same run is retried', async () => {
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: PACKAGE_ARN });
    await handler(EVENT);
    await handler(EVENT);
    const tokens = sagemaker.commandCalls(CreateModelPackageCommand).map((call) => call.args[0].input.ClientToken);
    expect(tokens).toEqual(['89b5ed65e447d697f7e76eacdcecdf8a', '89b5ed65e447d697f7e76eacdcecdf8a']);
  });

  it('logs one structured line: what was registered, and where', async () => {
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: PACKAGE_ARN });
    await handler(EVENT);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]).toEqual([
      {
        event: 'register-model.registered',
        modelPackageArn: PACKAGE_ARN,
        modelPackageGroupName: 'churn-model-group',
        runId: 'churn-run-2024-05-01',
        tuningJobName: 'churn-tune-20240501',
        trainingJobName: 'churn-tune-20240501-007-3f2a1b9c',
        testAuc: '0.87351',
        budgetCutoff: 'none',
        optimalCutoff: 'none',
        evaluation: `${RUN}/evaluation/evaluation.json`,
        report: `${RUN}/evaluation/report.html`,
      },
    ]);
  });

  it('lets an SDK error propagate with its name, and logs nothing', async () => {
    sagemaker
      .on(CreateModelPackageCommand)
      .rejects(new ResourceLimitExceeded({ message: 'too many model packages', $metadata: {} }));
    await expect(handler(EVENT)).rejects.toMatchObject({
      name: 'ResourceLimitExceeded',
      message: 'too many model packages',
    });
    expect(log).not.toHaveBeenCalled();
  });

  it('throws when SageMaker answers without an ARN, rather than return none', async () => {
    sagemaker.on(CreateModelPackageCommand).resolves({});
    await expect(handler(EVENT)).rejects.toThrow('CreateModelPackage answered without a ModelPackageArn');
  });

  it('throws a RegisterInputError on a malformed event, before calling SageMaker', async () => {
    const event = { ...EVENT, evaluation: { ...EVENT.evaluation, auc: 1.2 } };
    await expect(handler(event)).rejects.toMatchObject({
      name: 'RegisterInputError',
      message: 'evaluation.auc is 1.2; expected a finite number from 0 to 1',
    });
    expect(sagemaker).not.toHaveReceivedAnyCommand();
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    [
      'MODEL_PACKAGE_GROUP_NAME is missing',
      { MODEL_PACKAGE_GROUP_NAME: undefined },
      'MODEL_PACKAGE_GROUP_NAME is missing',
    ],
    ['IMAGE_URI is empty', { IMAGE_URI: '' }, 'IMAGE_URI is empty'],
    [
      'REALTIME_INSTANCE_TYPES is not a list of instance types',
      { REALTIME_INSTANCE_TYPES: 'm5.large' },
      'REALTIME_INSTANCE_TYPES is "m5.large"; expected instance types separated by commas',
    ],
    [
      'TRANSFORM_INSTANCE_TYPES has a space',
      { TRANSFORM_INSTANCE_TYPES: 'ml.m5.large, ml.m5.xlarge' },
      'TRANSFORM_INSTANCE_TYPES is "ml.m5.large, ml.m5.xlarge"',
    ],
  ])('fails to load with an EnvironmentError naming the variable when %s', (_, change, message) => {
    const isolated = loadIsolated({ ...ENV, ...change });
    expect(isolated.loaded).toBeUndefined();
    expect(isolated.error).toBeInstanceOf(isolated.EnvironmentError);
    expect(isolated.error).toMatchObject({
      name: 'EnvironmentError',
      message: expect.stringContaining(`environment variable ${message}`) as string,
    });
  });

  it('loads in isolation with a good environment (the check above is not failing for another reason)', () => {
    const isolated = loadIsolated(ENV);
    expect(isolated.error).toBeUndefined();
    expect(typeof isolated.loaded?.handler).toBe('function');
  });
});
