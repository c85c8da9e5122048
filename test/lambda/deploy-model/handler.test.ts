import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
  type Stack,
  UpdateStackCommand,
  type UpdateStackCommandInput,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeModelPackageCommand,
  type DescribeModelPackageCommandOutput,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { ModelPackageStateChangeDetail, ModelPackageStateChangeEvent } from '../../../lambda/deploy-model/event';

import type * as HandlerModule from '../../../lambda/deploy-model/handler';
import type * as EnvModule from '../../../lambda/shared/env';

const sagemaker = mockClient(SageMakerClient);
const cloudformation = mockClient(CloudFormationClient);

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const ACCOUNT = '123456789012';
const PACKAGE_ARN = `arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:model-package/churn-model-group/7`;
const OLD_PACKAGE_ARN = `arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:model-package/churn-model-group/6`;
const ROLE_ARN = `arn:aws-cn:iam::${ACCOUNT}:role/ChurnServing-DeployRole-1A2B3C4D5E6F`;
const STACK_ID = `arn:aws-cn:cloudformation:cn-north-1:${ACCOUNT}:stack/ChurnServing/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
const RUN = 's3://ml-artifacts-123456789012/training/churn-run-2024-05-01';
const STATISTICS = `${RUN}/baseline/statistics.json`;
const CONSTRAINTS = `${RUN}/baseline/constraints.json`;

const ENV = {
  STACK_NAME: 'ChurnServing',
  CLOUDFORMATION_ROLE_ARN: ROLE_ARN,
  MODEL_PACKAGE_GROUP_NAME: 'churn-model-group',
};

/** A Lambda context with 15 minutes left. */
const CONTEXT = { getRemainingTimeInMillis: () => 15 * 60_000 };

/** SageMaker's event, as EventBridge delivers it (with more of the package than the function reads). */
function stateChange(detail: Partial<ModelPackageStateChangeDetail> = {}): ModelPackageStateChangeEvent {
  const full = {
    ModelPackageGroupName: 'churn-model-group',
    ModelPackageVersion: 7,
    ModelPackageArn: PACKAGE_ARN,
    ModelPackageName: 'churn-model-group/7',
    CreationTime: 1714564800000,
    ModelPackageStatus: 'Completed',
    ModelApprovalStatus: 'Approved',
    ...detail,
  };
  return {
    version: '0',
    id: '6e2b8f10-3c1d-4a8e-9f0b-2d7c5a1e4b93',
    'detail-type': 'SageMaker Model Package State Change',
    source: 'aws.sagemaker',
    account: ACCOUNT,
    time: '2024-05-01T12:00:00Z',
    region: 'cn-north-1',
    resources: [PACKAGE_ARN],
    detail: full,
  };
}

const APPROVED_PACKAGE: Partial<DescribeModelPackageCommandOutput> = {
  ModelPackageGroupName: 'churn-model-group',
  ModelPackageArn: PACKAGE_ARN,
  ModelPackageStatus: 'Completed',
  ModelApprovalStatus: 'Approved',
  DriftCheckBaselines: {
    ModelDataQuality: {
      Statistics: { ContentType: 'application/json', S3Uri: STATISTICS },
      Constraints: { ContentType: 'application/json', S3Uri: CONSTRAINTS },
    },
  },
};

/** The serving stack as DescribeStacks shows it: serving version 6, with the CDK's BootstrapVersion. */
function serving(change: Partial<Stack> = {}): Stack {
  return {
    StackId: STACK_ID,
    StackName: 'ChurnServing',
    CreationTime: new Date('2024-04-01T09:00:00Z'),
    StackStatus: 'UPDATE_COMPLETE',
    Parameters: [
      { ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '21' },
      { ParameterKey: 'ModelPackageArn', ParameterValue: OLD_PACKAGE_ARN },
      { ParameterKey: 'BaselineStatisticsUri', ParameterValue: 's3://ml-artifacts-123456789012/old/statistics.json' },
      { ParameterKey: 'BaselineConstraintsUri', ParameterValue: 's3://ml-artifacts-123456789012/old/constraints.json' },
    ],
    ...change,
  };
}

const BUSY = serving({ StackStatus: 'UPDATE_IN_PROGRESS' });

/** The request that deploys version 7: exactly this, and nothing more. */
const EXPECTED_UPDATE: UpdateStackCommandInput = {
  StackName: STACK_ID,
  UsePreviousTemplate: true,
  Parameters: [
    { ParameterKey: 'BootstrapVersion', UsePreviousValue: true },
    { ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN },
    { ParameterKey: 'BaselineStatisticsUri', ParameterValue: STATISTICS },
    { ParameterKey: 'BaselineConstraintsUri', ParameterValue: CONSTRAINTS },
  ],
  Capabilities: ['CAPABILITY_IAM'],
  RoleARN: ROLE_ARN,
  ClientRequestToken: 'deploy-model-v7-198c5379b7cd1cb5f50f0decb10ac7c76288fe3e',
};

function cloudFormationError(message: string, name = 'ValidationError'): CloudFormationServiceException {
  return new CloudFormationServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

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
          loaded: jest.requireActual<typeof HandlerModule>('../../../lambda/deploy-model/handler'),
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

describe('deploy-model handler', () => {
  let handler: typeof HandlerModule.handler;
  let log: jest.SpyInstance<void, Parameters<typeof console.log>>;
  const savedEnv = process.env;

  beforeAll(() => {
    // Loaded once, in the shared registry (a static import would be hoisted above the environment),
    // so that it uses this file's SDK clients, which mockClient patches.
    process.env = { ...savedEnv, ...ENV };
    try {
      ({ handler } = jest.requireActual<typeof HandlerModule>('../../../lambda/deploy-model/handler'));
    } finally {
      process.env = savedEnv;
    }
  });

  beforeEach(() => {
    sagemaker.reset();
    cloudformation.reset();
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    log.mockRestore();
    jest.useRealTimers();
  });

  /** The SDK answers for an approved package and a stack serving the previous version. */
  function approvedAndReady(): void {
    sagemaker.on(DescribeModelPackageCommand).resolves(APPROVED_PACKAGE);
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [serving()] });
    cloudformation.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
  }

  it('on approval, updates the serving stack with exactly the new parameters, the previous template and the role', async () => {
    approvedAndReady();
    await expect(handler(stateChange(), CONTEXT)).resolves.toEqual({
      action: 'deploying',
      modelPackageArn: PACKAGE_ARN,
      stackId: STACK_ID,
    });
    expect(sagemaker).toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: PACKAGE_ARN });
    expect(cloudformation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'ChurnServing' });
    expect(cloudformation).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
    expect(cloudformation).toHaveReceivedCommandWith(UpdateStackCommand, EXPECTED_UPDATE);
    expect(cloudformation.commandCalls(UpdateStackCommand)[0]?.args[0].input).toEqual(EXPECTED_UPDATE);
  });

  it('logs one structured line for a deployment', async () => {
    approvedAndReady();
    await handler(stateChange(), CONTEXT);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]).toEqual([
      {
        event: 'deploy-model.deploying',
        action: 'deploying',
        modelPackageArn: PACKAGE_ARN,
        modelPackageGroupName: 'churn-model-group',
        modelPackageVersion: 7,
        modelApprovalStatus: 'Approved',
        stackName: 'ChurnServing',
        stackId: STACK_ID,
      },
    ]);
  });

  it('sends the same ClientRequestToken when the same event is retried', async () => {
    approvedAndReady();
    await handler(stateChange(), CONTEXT);
    await handler(stateChange(), CONTEXT);
    const tokens = cloudformation.commandCalls(UpdateStackCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toEqual([EXPECTED_UPDATE.ClientRequestToken, EXPECTED_UPDATE.ClientRequestToken]);
  });

  it.each(['Rejected', 'PendingManualApproval'])(
    'ignores a %s package without any AWS call, and logs why',
    async (status) => {
      await expect(handler(stateChange({ ModelApprovalStatus: status }), CONTEXT)).resolves.toEqual({
        action: 'ignored',
        reason: `the package is ${status}, not Approved`,
        modelPackageArn: PACKAGE_ARN,
      });
      expect(sagemaker).not.toHaveReceivedAnyCommand();
      expect(cloudformation).not.toHaveReceivedAnyCommand();
      expect(log.mock.calls).toEqual([
        [expect.objectContaining({ event: 'deploy-model.ignored', reason: `the package is ${status}, not Approved` })],
      ]);
    },
  );

  it('ignores an approved package of another group without any AWS call', async () => {
    const result = await handler(stateChange({ ModelPackageGroupName: 'fraud-model-group' }), CONTEXT);
    expect(result).toEqual({
      action: 'ignored',
      reason: 'the package is in group fraud-model-group, not churn-model-group',
      modelPackageArn: PACKAGE_ARN,
    });
    expect(sagemaker).not.toHaveReceivedAnyCommand();
    expect(cloudformation).not.toHaveReceivedAnyCommand();
  });

  it('ignores a package that is no longer approved when described, without touching the stack', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves({ ...APPROVED_PACKAGE, ModelApprovalStatus: 'Rejected' });
    await expect(handler(stateChange(), CONTEXT)).resolves.toEqual({
      action: 'ignored',
      reason: 'the package is now Rejected, not Approved',
      modelPackageArn: PACKAGE_ARN,
    });
    expect(cloudformation).not.toHaveReceivedAnyCommand();
  });

  it('throws a DeployInputError for a package that does not exist, and logs the failure', async () => {
    sagemaker.on(DescribeModelPackageCommand).rejects(
      new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: `ModelPackage ${PACKAGE_ARN} does not exist.`,
      }),
    );
    await expect(handler(stateChange(), CONTEXT)).rejects.toMatchObject({
      name: 'DeployInputError',
      message: `model package ${PACKAGE_ARN} does not exist (it was deleted?)`,
    });
    expect(cloudformation).not.toHaveReceivedAnyCommand();
    expect(log.mock.calls).toEqual([
      [
        expect.objectContaining({
          event: 'deploy-model.failed',
          modelPackageArn: PACKAGE_ARN,
          errorName: 'DeployInputError',
          errorMessage: `model package ${PACKAGE_ARN} does not exist (it was deleted?)`,
        }),
      ],
    ]);
  });

  it('deploys an approved package without a baseline (no Model Monitor), with empty baseline parameters', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves({ ...APPROVED_PACKAGE, DriftCheckBaselines: undefined });
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [serving()] });
    cloudformation.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
    await expect(handler(stateChange(), CONTEXT)).resolves.toEqual({
      action: 'deploying',
      modelPackageArn: PACKAGE_ARN,
      stackId: STACK_ID,
    });
    expect(cloudformation).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
    expect(cloudformation.commandCalls(UpdateStackCommand)[0]?.args[0].input).toEqual({
      ...EXPECTED_UPDATE,
      Parameters: [
        { ParameterKey: 'BootstrapVersion', UsePreviousValue: true },
        { ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN },
        { ParameterKey: 'BaselineStatisticsUri', ParameterValue: '' },
        { ParameterKey: 'BaselineConstraintsUri', ParameterValue: '' },
      ],
    });
  });

  it('throws a DeployInputError naming the missing half of a baseline, without touching the stack', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves({
      ...APPROVED_PACKAGE,
      DriftCheckBaselines: {
        ModelDataQuality: { Statistics: { ContentType: 'application/json', S3Uri: STATISTICS } },
      },
    });
    await expect(handler(stateChange(), CONTEXT)).rejects.toMatchObject({
      name: 'DeployInputError',
      message: expect.stringContaining('but no DriftCheckBaselines.ModelDataQuality.Constraints.S3Uri') as string,
    });
    expect(cloudformation).not.toHaveReceivedAnyCommand();
  });

  it('leaves a stack that already serves the package unchanged, without UpdateStack', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves(APPROVED_PACKAGE);
    cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [serving({ Parameters: [{ ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN }] })],
    });
    await expect(handler(stateChange(), CONTEXT)).resolves.toEqual({
      action: 'unchanged',
      modelPackageArn: PACKAGE_ARN,
      stackId: STACK_ID,
    });
    expect(cloudformation).not.toHaveReceivedCommand(UpdateStackCommand);
    expect(log.mock.calls).toEqual([[expect.objectContaining({ event: 'deploy-model.unchanged' })]]);
  });

  it('says unchanged when CloudFormation answers "No updates are to be performed"', async () => {
    approvedAndReady();
    cloudformation.on(UpdateStackCommand).rejects(cloudFormationError('No updates are to be performed.'));
    await expect(handler(stateChange(), CONTEXT)).resolves.toMatchObject({ action: 'unchanged' });
    expect(cloudformation).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
  });

  it('waits for a busy stack, 5 s then 10 s, then updates it', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    approvedAndReady();
    cloudformation
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [BUSY] })
      .resolvesOnce({ Stacks: [BUSY] })
      .resolves({ Stacks: [serving()] });
    const result = handler(stateChange(), CONTEXT);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
    await jest.advanceTimersByTimeAsync(1);
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 2);
    expect(cloudformation).not.toHaveReceivedCommand(UpdateStackCommand);
    await jest.advanceTimersByTimeAsync(10_000);
    await expect(result).resolves.toMatchObject({ action: 'deploying' });
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 3);
    expect(cloudformation).toHaveReceivedCommandWith(UpdateStackCommand, EXPECTED_UPDATE);
  });

  it('throws a StackBusyError when the stack is still busy after 10 minutes, without UpdateStack', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    approvedAndReady();
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [BUSY] });
    const outcome = expect(handler(stateChange(), CONTEXT)).rejects.toMatchObject({
      name: 'StackBusyError',
      message: expect.stringContaining('stack ChurnServing is still UPDATE_IN_PROGRESS after waiting 600 s') as string,
    });
    await jest.advanceTimersByTimeAsync(10 * 60_000 - 1);
    expect(log).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    await outcome;
    expect(cloudformation).not.toHaveReceivedCommand(UpdateStackCommand);
    expect(log.mock.calls).toEqual([
      [expect.objectContaining({ event: 'deploy-model.failed', errorName: 'StackBusyError' })],
    ]);
  });

  it('waits no longer than the invocation has left, less a reserve', async () => {
    approvedAndReady();
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [BUSY] });
    const { WAIT_RESERVE_MS } = jest.requireActual<typeof HandlerModule>('../../../lambda/deploy-model/handler');
    const nearlyOut = { getRemainingTimeInMillis: () => WAIT_RESERVE_MS };
    await expect(handler(stateChange(), nearlyOut)).rejects.toThrow(
      'stack ChurnServing is still UPDATE_IN_PROGRESS after waiting 0 s',
    );
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
  });

  it('waits and retries, with the same token, when UpdateStack finds the stack in progress (a race)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    approvedAndReady();
    cloudformation
      .on(UpdateStackCommand)
      .rejectsOnce(cloudFormationError(`Stack:${STACK_ID} is in UPDATE_IN_PROGRESS state and can not be updated.`))
      .resolves({ StackId: STACK_ID });
    const result = handler(stateChange(), CONTEXT);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(cloudformation).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual({ action: 'deploying', modelPackageArn: PACKAGE_ARN, stackId: STACK_ID });
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 2);
    expect(cloudformation).toHaveReceivedCommandTimes(UpdateStackCommand, 2);
    expect(cloudformation).toHaveReceivedNthSpecificCommandWith(2, UpdateStackCommand, EXPECTED_UPDATE);
  });

  it('throws a ServingStackError when the stack does not exist', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves(APPROVED_PACKAGE);
    cloudformation.on(DescribeStacksCommand).rejects(cloudFormationError('Stack with id ChurnServing does not exist'));
    await expect(handler(stateChange(), CONTEXT)).rejects.toMatchObject({
      name: 'ServingStackError',
      message: 'stack ChurnServing does not exist; deploy the serving stack first',
    });
  });

  it('throws a ServingStackError for a stack whose creation was rolled back', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves(APPROVED_PACKAGE);
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [serving({ StackStatus: 'ROLLBACK_COMPLETE' })] });
    await expect(handler(stateChange(), CONTEXT)).rejects.toMatchObject({
      name: 'ServingStackError',
      message: expect.stringContaining('is ROLLBACK_COMPLETE and cannot be updated') as string,
    });
    expect(cloudformation).not.toHaveReceivedCommand(UpdateStackCommand);
  });

  it('lets an SDK error propagate with its name', async () => {
    approvedAndReady();
    cloudformation
      .on(UpdateStackCommand)
      .rejects(
        cloudFormationError('Requires capabilities : [CAPABILITY_NAMED_IAM]', 'InsufficientCapabilitiesException'),
      );
    await expect(handler(stateChange(), CONTEXT)).rejects.toMatchObject({ name: 'InsufficientCapabilitiesException' });
  });

  it('throws a DeployInputError on a malformed event, before any AWS call', async () => {
    const event = { ...stateChange(), source: 'custom.churn' };
    await expect(handler(event, CONTEXT)).rejects.toMatchObject({ name: 'DeployInputError' });
    expect(sagemaker).not.toHaveReceivedAnyCommand();
    expect(cloudformation).not.toHaveReceivedAnyCommand();
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['STACK_NAME is missing', { STACK_NAME: undefined }, 'STACK_NAME is missing'],
    ['STACK_NAME is empty', { STACK_NAME: '' }, 'STACK_NAME is empty'],
    [
      'CLOUDFORMATION_ROLE_ARN is not a role ARN',
      { CLOUDFORMATION_ROLE_ARN: 'DeployRole' },
      'CLOUDFORMATION_ROLE_ARN is "DeployRole"; expected the ARN of an IAM role',
    ],
    [
      'MODEL_PACKAGE_GROUP_NAME is missing',
      { MODEL_PACKAGE_GROUP_NAME: undefined },
      'MODEL_PACKAGE_GROUP_NAME is missing',
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
