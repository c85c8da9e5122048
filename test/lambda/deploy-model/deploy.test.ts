import {
  CloudFormationServiceException,
  type DescribeStacksCommandInput,
  type Stack,
  type UpdateStackCommandInput,
} from '@aws-sdk/client-cloudformation';
import {
  type DescribeModelPackageCommandInput,
  type DescribeModelPackageCommandOutput,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import * as fc from 'fast-check';
import { type DeployIo, deployModel } from '../../../lambda/deploy-model/deploy';
import {
  DeployInputError,
  ServingStackError,
  StackBusyError,
  busyStatusOf,
  isNoUpdates,
  isNotFound,
} from '../../../lambda/deploy-model/errors';
import {
  type ModelPackageStateChangeDetail,
  type ModelPackageStateChangeEvent,
  type StateChange,
  ignoredReason,
  parseStateChange,
} from '../../../lambda/deploy-model/event';
import { approvedPackage } from '../../../lambda/deploy-model/model-package';
import { type DeploySettings, settingsFromEnv } from '../../../lambda/deploy-model/settings';
import { DEFAULT_MAX_WAIT_MS, backoffMs, stackStep } from '../../../lambda/deploy-model/stack';
import {
  CLIENT_REQUEST_TOKEN_MAX_LENGTH,
  clientRequestToken,
  updateStackInput,
} from '../../../lambda/deploy-model/update';
import { EnvironmentError } from '../../../lambda/shared/env';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, SERVING_PARAMETERS } from '../../../lib/contracts/serving';

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const ACCOUNT = '123456789012';
const PACKAGE_ARN = `arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:model-package/churn-model-group/7`;
const OLD_PACKAGE_ARN = `arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:model-package/churn-model-group/6`;
const ROLE_ARN = `arn:aws-cn:iam::${ACCOUNT}:role/ChurnServing-DeployRole-1A2B3C4D5E6F`;
const STACK_ID = `arn:aws-cn:cloudformation:cn-north-1:${ACCOUNT}:stack/ChurnServing/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
const RUN = 's3://ml-artifacts-123456789012/training/churn-run-2024-05-01';
const STATISTICS = `${RUN}/baseline/statistics.json`;
const CONSTRAINTS = `${RUN}/baseline/constraints.json`;
const EVENT_ID = '6e2b8f10-3c1d-4a8e-9f0b-2d7c5a1e4b93';

const SETTINGS: DeploySettings = {
  stackName: 'ChurnServing',
  cloudFormationRoleArn: ROLE_ARN,
  modelPackageGroupName: 'churn-model-group',
};

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
    id: EVENT_ID,
    'detail-type': EVENT_DETAIL_TYPE,
    source: EVENT_SOURCE,
    account: ACCOUNT,
    time: '2024-05-01T12:00:00Z',
    region: 'cn-north-1',
    resources: [PACKAGE_ARN],
    detail: full,
  };
}

const CHANGE: StateChange = {
  eventId: EVENT_ID,
  modelPackageGroupName: 'churn-model-group',
  modelPackageArn: PACKAGE_ARN,
  modelApprovalStatus: 'Approved',
  modelPackageVersion: 7,
};

/** DescribeModelPackage's answer for the approved package. */
function described(change: Partial<DescribeModelPackageCommandOutput> = {}): DescribeModelPackageCommandOutput {
  return {
    $metadata: {},
    ModelPackageName: 'churn-model-group',
    ModelPackageGroupName: 'churn-model-group',
    ModelPackageVersion: 7,
    ModelPackageArn: PACKAGE_ARN,
    CreationTime: new Date('2024-05-01T12:00:00Z'),
    ModelPackageStatus: 'Completed',
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    ModelApprovalStatus: 'Approved',
    DriftCheckBaselines: {
      ModelDataQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: STATISTICS },
        Constraints: { ContentType: 'application/json', S3Uri: CONSTRAINTS },
      },
    },
    ...change,
  };
}

/** The serving stack, serving the previous version. */
function stack(change: Partial<Stack> = {}): Stack {
  return {
    StackId: STACK_ID,
    StackName: 'ChurnServing',
    CreationTime: new Date('2024-04-01T09:00:00Z'),
    StackStatus: 'UPDATE_COMPLETE',
    Parameters: [
      { ParameterKey: 'ModelPackageArn', ParameterValue: OLD_PACKAGE_ARN },
      { ParameterKey: 'BaselineStatisticsUri', ParameterValue: 's3://ml-artifacts-123456789012/old/statistics.json' },
      { ParameterKey: 'BaselineConstraintsUri', ParameterValue: 's3://ml-artifacts-123456789012/old/constraints.json' },
      { ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '21' },
      { ParameterKey: 'AlarmEmail', ParameterValue: 'ml-team@example.com' },
    ],
    ...change,
  };
}

const TOKEN = clientRequestToken(PACKAGE_ARN, EVENT_ID);

/** The serving stack without the opt-in Model Monitor: no baseline parameters. */
const WITHOUT_MONITOR = stack({
  Parameters: [
    { ParameterKey: 'ModelPackageArn', ParameterValue: OLD_PACKAGE_ARN },
    { ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '21' },
  ],
});

/** The request that deploys version 7 on {@link stack}. */
const EXPECTED_UPDATE: UpdateStackCommandInput = {
  StackName: STACK_ID,
  UsePreviousTemplate: true,
  Parameters: [
    { ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN },
    { ParameterKey: 'BaselineStatisticsUri', ParameterValue: STATISTICS },
    { ParameterKey: 'BaselineConstraintsUri', ParameterValue: CONSTRAINTS },
    { ParameterKey: 'BootstrapVersion', UsePreviousValue: true },
    { ParameterKey: 'AlarmEmail', UsePreviousValue: true },
  ],
  Capabilities: ['CAPABILITY_IAM'],
  RoleARN: ROLE_ARN,
  ClientRequestToken: TOKEN,
};

function cloudFormationError(message: string, name = 'ValidationError'): CloudFormationServiceException {
  return new CloudFormationServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

function sageMakerError(message: string, name = 'ValidationException'): SageMakerServiceException {
  return new SageMakerServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });
}

const NO_UPDATES = cloudFormationError('No updates are to be performed.');
const IN_PROGRESS = cloudFormationError(`Stack:${STACK_ID} is in UPDATE_IN_PROGRESS state and can not be updated.`);

/** The error `f` throws. */
function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('it did not throw');
}

// ---------------------------------------------------------------------------------------------

describe('SERVING_PARAMETERS', () => {
  it('names the three parameters the serving stack declares', () => {
    expect(Object.values(SERVING_PARAMETERS)).toEqual([
      'ModelPackageArn',
      'BaselineStatisticsUri',
      'BaselineConstraintsUri',
    ]);
  });
});

describe('settingsFromEnv', () => {
  const ENV = {
    STACK_NAME: 'ChurnServing',
    CLOUDFORMATION_ROLE_ARN: ROLE_ARN,
    MODEL_PACKAGE_GROUP_NAME: 'churn-model-group',
  };

  it('reads the three variables', () => {
    expect(settingsFromEnv(ENV)).toEqual(SETTINGS);
  });

  it('takes a stack ID, a role with a path, and a group ARN', () => {
    const env = {
      STACK_NAME: STACK_ID,
      CLOUDFORMATION_ROLE_ARN: `arn:aws-cn:iam::${ACCOUNT}:role/service-role/deploy`,
      MODEL_PACKAGE_GROUP_NAME: `arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:model-package-group/churn-model-group`,
    };
    expect(settingsFromEnv(env)).toEqual({
      stackName: env.STACK_NAME,
      cloudFormationRoleArn: env.CLOUDFORMATION_ROLE_ARN,
      modelPackageGroupName: env.MODEL_PACKAGE_GROUP_NAME,
    });
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['STACK_NAME is missing', { STACK_NAME: undefined }, 'STACK_NAME is missing'],
    ['STACK_NAME is not a stack name', { STACK_NAME: '1-serving' }, 'STACK_NAME is "1-serving"; expected'],
    ['CLOUDFORMATION_ROLE_ARN is empty', { CLOUDFORMATION_ROLE_ARN: ' ' }, 'CLOUDFORMATION_ROLE_ARN is empty'],
    [
      'CLOUDFORMATION_ROLE_ARN is a user',
      { CLOUDFORMATION_ROLE_ARN: `arn:aws-cn:iam::${ACCOUNT}:user/deployer` },
      `CLOUDFORMATION_ROLE_ARN is "arn:aws-cn:iam::${ACCOUNT}:user/deployer"; expected the ARN of an IAM role`,
    ],
    [
      'MODEL_PACKAGE_GROUP_NAME is missing',
      { MODEL_PACKAGE_GROUP_NAME: undefined },
      'MODEL_PACKAGE_GROUP_NAME is missing',
    ],
    [
      'MODEL_PACKAGE_GROUP_NAME is not a group name',
      { MODEL_PACKAGE_GROUP_NAME: 'churn_group' },
      'MODEL_PACKAGE_GROUP_NAME is "churn_group"; expected a model package group name',
    ],
  ])('throws an EnvironmentError naming the variable when %s', (_, change, message) => {
    const error = thrownBy(() => settingsFromEnv({ ...ENV, ...change }));
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error).toMatchObject({ message: expect.stringContaining(`environment variable ${message}`) as string });
  });
});

describe('parseStateChange', () => {
  it('reads the event ID, the group, the package, its version and its approval status', () => {
    expect(parseStateChange(stateChange())).toEqual(CHANGE);
  });

  it('does without the version', () => {
    const event = stateChange();
    const detail: Record<string, unknown> = { ...event.detail };
    delete detail.ModelPackageVersion;
    expect(parseStateChange({ ...event, detail })).toEqual({ ...CHANGE, modelPackageVersion: undefined });
    expect('modelPackageVersion' in parseStateChange({ ...event, detail })).toBe(false);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'Approved', 'event is "Approved"; expected an EventBridge event'],
    [
      'another detail-type',
      { ...stateChange(), 'detail-type': 'SageMaker Model Package Group State Change' },
      'event is from "aws.sagemaker" of type "SageMaker Model Package Group State Change"; expected "aws.sagemaker" ' +
        'of type "SageMaker Model Package State Change"',
    ],
    ['another source', { ...stateChange(), source: 'custom.churn' }, 'event is from "custom.churn"'],
    ['without an ID', { ...stateChange(), id: '' }, 'id is ""; expected a non-empty string'],
    ['without a detail', { ...stateChange(), detail: null }, 'detail is null; expected an object'],
    [
      'without a package ARN',
      stateChange({ ModelPackageArn: undefined }),
      'detail.ModelPackageArn is missing; expected a non-empty string',
    ],
    [
      'with the ARN of a group',
      stateChange({ ModelPackageArn: `arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:model-package-group/churn` }),
      'expected the ARN of a model package version',
    ],
    [
      'without an approval status',
      stateChange({ ModelApprovalStatus: undefined }),
      'detail.ModelApprovalStatus is missing',
    ],
    [
      'without a group',
      stateChange({ ModelPackageGroupName: 42 as unknown as string }),
      'detail.ModelPackageGroupName is 42',
    ],
  ])('throws a DeployInputError naming what is wrong when the event is %s', (_, event, message) => {
    const error = thrownBy(() => parseStateChange(event));
    expect(error).toBeInstanceOf(DeployInputError);
    expect(error).toMatchObject({ name: 'DeployInputError', message: expect.stringContaining(message) as string });
  });
});

describe('ignoredReason', () => {
  it('deploys an approved package of the group', () => {
    expect(ignoredReason(CHANGE, SETTINGS)).toBeUndefined();
  });

  it.each(['Rejected', 'PendingManualApproval'])('ignores a package that is %s', (status) => {
    expect(ignoredReason({ ...CHANGE, modelApprovalStatus: status }, SETTINGS)).toBe(
      `the package is ${status}, not Approved`,
    );
  });

  it('ignores a package of another group, even approved', () => {
    expect(ignoredReason({ ...CHANGE, modelPackageGroupName: 'fraud-model-group' }, SETTINGS)).toBe(
      'the package is in group fraud-model-group, not churn-model-group',
    );
  });

  it('compares group names ignoring case, and takes the group by ARN', () => {
    const byArn = {
      ...SETTINGS,
      modelPackageGroupName: `arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:model-package-group/churn-model-group`,
    };
    expect(ignoredReason({ ...CHANGE, modelPackageGroupName: 'Churn-Model-Group' }, SETTINGS)).toBeUndefined();
    expect(ignoredReason(CHANGE, byArn)).toBeUndefined();
    expect(ignoredReason({ ...CHANGE, modelPackageGroupName: 'other' }, byArn)).toMatch(/not churn-model-group$/);
  });
});

describe('approvedPackage', () => {
  it('deploys an approved package with its data quality baseline', () => {
    expect(approvedPackage(PACKAGE_ARN, described())).toEqual({
      deploy: true,
      baseline: { statistics: STATISTICS, constraints: CONSTRAINTS },
    });
  });

  it.each(['Rejected', 'PendingManualApproval'] as const)(
    'does not deploy a package that is %s by now (a person changed their mind)',
    (status) => {
      expect(approvedPackage(PACKAGE_ARN, described({ ModelApprovalStatus: status }))).toEqual({
        deploy: false,
        reason: `the package is now ${status}, not Approved`,
      });
    },
  );

  it.each<[string, Partial<DescribeModelPackageCommandOutput>]>([
    ['no drift-check baselines (registered without Model Monitor)', { DriftCheckBaselines: undefined }],
    ['drift-check baselines without data quality', { DriftCheckBaselines: {} }],
    [
      'empty data quality URLs',
      {
        DriftCheckBaselines: {
          ModelDataQuality: {
            Statistics: { ContentType: 'application/json', S3Uri: '' },
            Constraints: { ContentType: 'application/json', S3Uri: ' ' },
          },
        },
      },
    ],
  ])('deploys an approved package with %s, without a baseline', (_, change) => {
    expect(approvedPackage(PACKAGE_ARN, described(change))).toEqual({ deploy: true });
  });

  it.each<[string, Partial<DescribeModelPackageCommandOutput>, string, string]>([
    [
      'statistics without constraints',
      {
        DriftCheckBaselines: {
          ModelDataQuality: { Statistics: { ContentType: 'application/json', S3Uri: STATISTICS } },
        },
      },
      'Statistics',
      'Constraints',
    ],
    [
      'constraints and an empty statistics URL',
      {
        DriftCheckBaselines: {
          ModelDataQuality: {
            Statistics: { ContentType: 'application/json', S3Uri: '' },
            Constraints: { ContentType: 'application/json', S3Uri: CONSTRAINTS },
          },
        },
      },
      'Constraints',
      'Statistics',
    ],
  ])('throws a DeployInputError naming what is missing when the package has %s', (_, change, has, lacks) => {
    const error = thrownBy(() => approvedPackage(PACKAGE_ARN, described(change)));
    expect(error).toBeInstanceOf(DeployInputError);
    expect(error).toMatchObject({
      message:
        `model package ${PACKAGE_ARN} has DriftCheckBaselines.ModelDataQuality.${has}.S3Uri but no ` +
        `DriftCheckBaselines.ModelDataQuality.${lacks}.S3Uri; a data quality drift baseline needs both ` +
        '(or neither, for a package served unmonitored)',
    });
  });

  it('throws a DeployInputError when a baseline is not an s3:// URL', () => {
    const change = {
      DriftCheckBaselines: {
        ModelDataQuality: {
          Statistics: { ContentType: 'application/json', S3Uri: 'https://example.com/statistics.json' },
          Constraints: { ContentType: 'application/json', S3Uri: CONSTRAINTS },
        },
      },
    };
    expect(() => approvedPackage(PACKAGE_ARN, described(change))).toThrow(
      'DriftCheckBaselines.ModelDataQuality.Statistics.S3Uri "https://example.com/statistics.json" is not an s3://bucket/key URL',
    );
  });

  it('does not ask a package that is not approved for its baseline', () => {
    expect(
      approvedPackage(PACKAGE_ARN, described({ ModelApprovalStatus: 'Rejected', DriftCheckBaselines: undefined })),
    ).toMatchObject({ deploy: false });
  });
});

describe('stackStep', () => {
  it.each([
    'CREATE_COMPLETE',
    'UPDATE_COMPLETE',
    'UPDATE_ROLLBACK_COMPLETE',
    'IMPORT_COMPLETE',
    'IMPORT_ROLLBACK_COMPLETE',
  ] as const)('updates a stack that is %s', (status) => {
    expect(stackStep(stack({ StackStatus: status }), PACKAGE_ARN)).toEqual({ step: 'update' });
  });

  it.each([
    'UPDATE_IN_PROGRESS',
    'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    'UPDATE_ROLLBACK_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    'CREATE_IN_PROGRESS',
    'REVIEW_IN_PROGRESS',
    'IMPORT_IN_PROGRESS',
    'ROLLBACK_IN_PROGRESS',
  ] as const)('waits for a stack that is %s', (status) => {
    expect(stackStep(stack({ StackStatus: status }), PACKAGE_ARN)).toEqual({ step: 'wait', status });
  });

  it.each([
    'UPDATE_COMPLETE',
    'UPDATE_ROLLBACK_COMPLETE',
    'UPDATE_IN_PROGRESS',
    'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  ] as const)('leaves a stack that is %s and already names the package unchanged', (status) => {
    const serving = stack({
      StackStatus: status,
      Parameters: [{ ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN }],
    });
    expect(stackStep(serving, PACKAGE_ARN)).toEqual({ step: 'unchanged' });
  });

  it('waits for a rollback of an update to the package, whose outcome is not known yet', () => {
    const rollingBack = stack({
      StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
      Parameters: [{ ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN }],
    });
    expect(stackStep(rollingBack, PACKAGE_ARN)).toEqual({ step: 'wait', status: 'UPDATE_ROLLBACK_IN_PROGRESS' });
  });

  it.each<[string, string]>([
    ['ROLLBACK_COMPLETE', 'its creation failed and was rolled back'],
    ['ROLLBACK_FAILED', 'a previous operation failed'],
    ['CREATE_FAILED', 'a previous operation failed'],
    ['UPDATE_FAILED', 'a previous operation failed'],
    ['UPDATE_ROLLBACK_FAILED', 'a previous operation failed'],
    ['IMPORT_ROLLBACK_FAILED', 'a previous operation failed'],
    ['DELETE_FAILED', 'its deletion failed'],
    ['DELETE_IN_PROGRESS', 'it is being deleted'],
    ['DELETE_COMPLETE', 'it was deleted'],
  ])('throws a ServingStackError for a stack that is %s', (status, why) => {
    const error = thrownBy(() =>
      stackStep(
        stack({ StackStatus: status as Stack['StackStatus'], StackStatusReason: 'Resource creation cancelled' }),
        PACKAGE_ARN,
      ),
    );
    expect(error).toBeInstanceOf(ServingStackError);
    expect(error).toMatchObject({
      name: 'ServingStackError',
      message: expect.stringMatching(
        new RegExp(
          `^stack ChurnServing is ${status} and cannot be updated: ${why}.* \\("Resource creation cancelled"\\)$`,
        ),
      ) as string,
    });
  });

  it('throws a ServingStackError even when a failed stack names the package', () => {
    const failed = stack({
      StackStatus: 'UPDATE_ROLLBACK_FAILED',
      Parameters: [{ ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN }],
    });
    expect(() => stackStep(failed, PACKAGE_ARN)).toThrow(ServingStackError);
  });

  it('throws a ServingStackError naming the serving parameters a stack lacks', () => {
    const other = stack({
      Parameters: [{ ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/x/version' }],
    });
    expect(() => stackStep(other, PACKAGE_ARN)).toThrow(
      'stack ChurnServing has no parameter ModelPackageArn (it has BootstrapVersion); is it the serving stack?',
    );
  });

  it('updates a stack without baseline parameters (no Model Monitor)', () => {
    expect(stackStep(WITHOUT_MONITOR, PACKAGE_ARN)).toEqual({ step: 'update' });
  });

  it('throws a ServingStackError for a stack with one baseline parameter and not the other', () => {
    const half = stack({
      Parameters: [
        { ParameterKey: 'ModelPackageArn', ParameterValue: OLD_PACKAGE_ARN },
        { ParameterKey: 'BaselineStatisticsUri', ParameterValue: '' },
      ],
    });
    expect(() => stackStep(half, PACKAGE_ARN)).toThrow(
      'stack ChurnServing has no parameter BaselineConstraintsUri (it has ModelPackageArn, BaselineStatisticsUri); ' +
        'is it the serving stack?',
    );
  });

  it('throws a ServingStackError for a status it does not know', () => {
    expect(() => stackStep(stack({ StackStatus: 'RESTING' as Stack['StackStatus'] }), PACKAGE_ARN)).toThrow(
      'stack ChurnServing is RESTING; expected a *_COMPLETE or *_IN_PROGRESS status',
    );
  });
});

describe('clientRequestToken', () => {
  it('is the version and 40 hex digits of the package and the event', () => {
    expect(TOKEN).toMatch(/^deploy-model-v7-[0-9a-f]{40}$/);
    expect(clientRequestToken(PACKAGE_ARN, EVENT_ID)).toBe(TOKEN);
  });

  it('is the same for every retry of one event, and differs for another package or another event', () => {
    expect(clientRequestToken(OLD_PACKAGE_ARN, EVENT_ID)).not.toBe(TOKEN);
    expect(clientRequestToken(PACKAGE_ARN, 'another-event')).not.toBe(TOKEN);
  });

  it('is always a token the API takes: 1 to 128 of [a-zA-Z0-9][-a-zA-Z0-9]*', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 2_000 }),
          fc.stringMatching(/^\d{1,300}$/).map((version) => `${PACKAGE_ARN.slice(0, -1)}${version}`),
        ),
        fc.string({ maxLength: 200 }),
        (arn, id) => {
          const token = clientRequestToken(arn, id);
          expect(token.length).toBeLessThanOrEqual(CLIENT_REQUEST_TOKEN_MAX_LENGTH);
          expect(token).toMatch(/^[a-zA-Z0-9][-a-zA-Z0-9]*$/);
        },
      ),
    );
    expect(clientRequestToken(`${PACKAGE_ARN.slice(0, -1)}${'9'.repeat(200)}`, EVENT_ID)).toMatch(
      /^deploy-model-[0-9a-f]{40}$/,
    );
  });
});

describe('updateStackInput', () => {
  it('sets the serving parameters, keeps the others’ previous values, on the previous template, with the role', () => {
    const input = updateStackInput(
      stack(),
      SETTINGS,
      PACKAGE_ARN,
      { statistics: STATISTICS, constraints: CONSTRAINTS },
      TOKEN,
    );
    expect(input).toEqual(EXPECTED_UPDATE);
  });

  it('empties both baseline parameters for a package without a baseline, so no earlier baseline stays', () => {
    const input = updateStackInput(stack(), SETTINGS, PACKAGE_ARN, undefined, TOKEN);
    expect(input).toEqual({
      ...EXPECTED_UPDATE,
      Parameters: [
        { ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN },
        { ParameterKey: 'BaselineStatisticsUri', ParameterValue: '' },
        { ParameterKey: 'BaselineConstraintsUri', ParameterValue: '' },
        { ParameterKey: 'BootstrapVersion', UsePreviousValue: true },
        { ParameterKey: 'AlarmEmail', UsePreviousValue: true },
      ],
    });
  });

  it('sets no baseline on a stack without baseline parameters (no Model Monitor), even for a package with one', () => {
    const input = updateStackInput(
      WITHOUT_MONITOR,
      SETTINGS,
      PACKAGE_ARN,
      { statistics: STATISTICS, constraints: CONSTRAINTS },
      TOKEN,
    );
    expect(input.Parameters).toEqual([
      { ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN },
      { ParameterKey: 'BootstrapVersion', UsePreviousValue: true },
    ]);
  });

  it('names the stack by name when it has no ID', () => {
    const input = updateStackInput(
      stack({ StackId: undefined }),
      SETTINGS,
      PACKAGE_ARN,
      { statistics: STATISTICS, constraints: CONSTRAINTS },
      TOKEN,
    );
    expect(input.StackName).toBe('ChurnServing');
  });
});

describe('the errors of the AWS APIs', () => {
  it('knows a missing package or stack', () => {
    expect(isNotFound(sageMakerError(`Model package ${PACKAGE_ARN} does not exist.`))).toBe(true);
    expect(isNotFound(sageMakerError('gone', 'ResourceNotFound'))).toBe(true);
    expect(isNotFound(cloudFormationError('Stack with id ChurnServing does not exist'))).toBe(true);
    expect(isNotFound(sageMakerError('1 validation error detected: Value at modelPackageName failed'))).toBe(false);
    expect(isNotFound(sageMakerError('does not exist', 'AccessDeniedException'))).toBe(false);
    expect(isNotFound('does not exist')).toBe(false);
  });

  it('knows "No updates are to be performed"', () => {
    expect(isNoUpdates(NO_UPDATES)).toBe(true);
    expect(isNoUpdates(cloudFormationError('No updates are to be performed.', 'ValidationException'))).toBe(true);
    expect(isNoUpdates(IN_PROGRESS)).toBe(false);
    expect(isNoUpdates(new Error('No updates are to be performed.'))).toBe(false);
  });

  it('reads the status of a stack too busy to update', () => {
    expect(busyStatusOf(IN_PROGRESS)).toBe('UPDATE_IN_PROGRESS');
    expect(
      busyStatusOf(
        cloudFormationError('Stack:x is in UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS state and can not be updated.'),
      ),
    ).toBe('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(busyStatusOf(cloudFormationError('Stack:x is in ROLLBACK_COMPLETE state and can not be updated.'))).toBe(
      undefined,
    );
    expect(busyStatusOf(NO_UPDATES)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles from 5 s up to 1 minute', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map(backoffMs)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
  });
});

// ---------------------------------------------------------------------------------------------

/** What the fake AWS answers, in order: each call takes the next answer, and the last repeats. */
interface Script {
  readonly packages?: readonly (DescribeModelPackageCommandOutput | Error)[];
  readonly stacks?: readonly (Stack | Error)[];
  readonly updates?: readonly (string | Error)[];
}

/** A fake {@link DeployIo} that answers from `script` and records every call and sleep. */
class FakeIo implements DeployIo {
  readonly packageCalls: DescribeModelPackageCommandInput[] = [];
  readonly stackCalls: DescribeStacksCommandInput[] = [];
  readonly updateCalls: UpdateStackCommandInput[] = [];
  readonly sleeps: number[] = [];

  constructor(private readonly script: Script) {}

  private static answer<T>(answers: readonly (T | Error)[] | undefined, n: number, what: string): T {
    const answer = answers?.[Math.min(n, answers.length - 1)];
    if (answer === undefined) {
      throw new Error(`the script has no answer for ${what}`);
    }
    if (answer instanceof Error) {
      throw answer;
    }
    return answer;
  }

  describeModelPackage(input: DescribeModelPackageCommandInput): Promise<DescribeModelPackageCommandOutput> {
    this.packageCalls.push(input);
    return Promise.resolve().then(() =>
      FakeIo.answer(this.script.packages, this.packageCalls.length - 1, 'DescribeModelPackage'),
    );
  }

  describeStacks(input: DescribeStacksCommandInput) {
    this.stackCalls.push(input);
    const n = this.stackCalls.length - 1;
    return Promise.resolve().then(() => ({
      $metadata: {},
      Stacks: [FakeIo.answer(this.script.stacks, n, 'DescribeStacks')],
    }));
  }

  updateStack(input: UpdateStackCommandInput) {
    this.updateCalls.push(input);
    const n = this.updateCalls.length - 1;
    return Promise.resolve().then(() => ({
      $metadata: {},
      StackId: FakeIo.answer(this.script.updates, n, 'UpdateStack'),
    }));
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return Promise.resolve();
  }
}

const SERVING_NEW = stack({
  Parameters: [
    { ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN },
    { ParameterKey: 'BaselineStatisticsUri', ParameterValue: STATISTICS },
    { ParameterKey: 'BaselineConstraintsUri', ParameterValue: CONSTRAINTS },
    { ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version' },
  ],
});
const BUSY = stack({ StackStatus: 'UPDATE_IN_PROGRESS' });

describe('deployModel', () => {
  it('updates the stack with the approved package and its baseline, and says it is deploying', async () => {
    const io = new FakeIo({ packages: [described()], stacks: [stack()], updates: [STACK_ID] });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toEqual({
      action: 'deploying',
      modelPackageArn: PACKAGE_ARN,
      stackId: STACK_ID,
    });
    expect(io.packageCalls).toEqual([{ ModelPackageName: PACKAGE_ARN }]);
    expect(io.stackCalls).toEqual([{ StackName: 'ChurnServing' }]);
    expect(io.updateCalls).toEqual([EXPECTED_UPDATE]);
    expect(io.sleeps).toEqual([]);
  });

  it.each(['Rejected', 'PendingManualApproval'])('ignores a %s package without calling anything', async (status) => {
    const io = new FakeIo({});
    await expect(deployModel(stateChange({ ModelApprovalStatus: status }), SETTINGS, io)).resolves.toEqual({
      action: 'ignored',
      reason: `the package is ${status}, not Approved`,
      modelPackageArn: PACKAGE_ARN,
    });
    expect([io.packageCalls, io.stackCalls, io.updateCalls]).toEqual([[], [], []]);
  });

  it('ignores a package of another group without calling anything', async () => {
    const io = new FakeIo({});
    const result = await deployModel(stateChange({ ModelPackageGroupName: 'fraud-model-group' }), SETTINGS, io);
    expect(result).toMatchObject({ action: 'ignored', reason: expect.stringContaining('fraud-model-group') as string });
    expect([io.packageCalls, io.stackCalls, io.updateCalls]).toEqual([[], [], []]);
  });

  it('ignores a package that is no longer approved, without touching the stack', async () => {
    const io = new FakeIo({ packages: [described({ ModelApprovalStatus: 'Rejected' })] });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toEqual({
      action: 'ignored',
      reason: 'the package is now Rejected, not Approved',
      modelPackageArn: PACKAGE_ARN,
    });
    expect(io.stackCalls).toEqual([]);
  });

  it('throws a DeployInputError when the package does not exist', async () => {
    const gone = sageMakerError(`Model package ${PACKAGE_ARN} does not exist.`);
    const io = new FakeIo({ packages: [gone] });
    const error: unknown = await deployModel(stateChange(), SETTINGS, io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeployInputError);
    expect(error).toMatchObject({
      message: `model package ${PACKAGE_ARN} does not exist (it was deleted?)`,
      cause: gone,
    });
    expect(io.stackCalls).toEqual([]);
  });

  it('lets any other SageMaker error through as it is', async () => {
    const throttled = sageMakerError('Rate exceeded', 'ThrottlingException');
    await expect(deployModel(stateChange(), SETTINGS, new FakeIo({ packages: [throttled] }))).rejects.toBe(throttled);
  });

  it('deploys a package without a baseline (no Model Monitor), emptying the baseline parameters', async () => {
    const io = new FakeIo({
      packages: [described({ DriftCheckBaselines: undefined })],
      stacks: [stack()],
      updates: [STACK_ID],
    });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toEqual({
      action: 'deploying',
      modelPackageArn: PACKAGE_ARN,
      stackId: STACK_ID,
    });
    expect(io.updateCalls).toEqual([updateStackInput(stack(), SETTINGS, PACKAGE_ARN, undefined, TOKEN)]);
    expect(io.updateCalls[0]?.Parameters).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'BaselineStatisticsUri', ParameterValue: '' },
        { ParameterKey: 'BaselineConstraintsUri', ParameterValue: '' },
      ]),
    );
  });

  it('deploys a package with a baseline on a stack without Model Monitor, setting only the package', async () => {
    const io = new FakeIo({ packages: [described()], stacks: [WITHOUT_MONITOR], updates: [STACK_ID] });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toMatchObject({ action: 'deploying' });
    expect(io.updateCalls.map((input) => input.Parameters)).toEqual([
      [
        { ParameterKey: 'ModelPackageArn', ParameterValue: PACKAGE_ARN },
        { ParameterKey: 'BootstrapVersion', UsePreviousValue: true },
      ],
    ]);
  });

  it('throws a DeployInputError when the package has half a baseline, without touching the stack', async () => {
    const half = {
      DriftCheckBaselines: {
        ModelDataQuality: { Constraints: { ContentType: 'application/json', S3Uri: CONSTRAINTS } },
      },
    };
    const io = new FakeIo({ packages: [described(half)] });
    await expect(deployModel(stateChange(), SETTINGS, io)).rejects.toThrow(DeployInputError);
    expect(io.stackCalls).toEqual([]);
  });

  it('leaves a stack that already serves the package unchanged, without updating it', async () => {
    const io = new FakeIo({ packages: [described()], stacks: [SERVING_NEW] });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toEqual({
      action: 'unchanged',
      modelPackageArn: PACKAGE_ARN,
      stackId: STACK_ID,
    });
    expect(io.updateCalls).toEqual([]);
  });

  it('says unchanged when CloudFormation finds no updates to perform', async () => {
    const io = new FakeIo({ packages: [described()], stacks: [stack()], updates: [NO_UPDATES] });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toEqual({
      action: 'unchanged',
      modelPackageArn: PACKAGE_ARN,
      stackId: STACK_ID,
    });
    expect(io.updateCalls).toHaveLength(1);
  });

  it('waits for a busy stack, backing off, then updates it', async () => {
    const io = new FakeIo({ packages: [described()], stacks: [BUSY, BUSY, BUSY, stack()], updates: [STACK_ID] });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toMatchObject({ action: 'deploying' });
    expect(io.sleeps).toEqual([5_000, 10_000, 20_000]);
    expect(io.stackCalls).toHaveLength(4);
    expect(io.updateCalls).toEqual([EXPECTED_UPDATE]);
  });

  it('stops waiting when the busy stack turns out to be deploying the package already', async () => {
    const deploying = { ...SERVING_NEW, StackStatus: 'UPDATE_IN_PROGRESS' as const };
    const io = new FakeIo({ packages: [described()], stacks: [BUSY, deploying] });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toMatchObject({ action: 'unchanged' });
    expect(io.sleeps).toEqual([5_000]);
    expect(io.updateCalls).toEqual([]);
  });

  it('throws a StackBusyError when the stack is still busy after the longest wait, having waited exactly that', async () => {
    const io = new FakeIo({ packages: [described()], stacks: [BUSY] });
    const error: unknown = await deployModel(stateChange(), SETTINGS, io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackBusyError);
    expect(error).toMatchObject({
      name: 'StackBusyError',
      message:
        `stack ChurnServing is still UPDATE_IN_PROGRESS after waiting 600 s; model package ${PACKAGE_ARN} ` +
        'is not deployed yet (the invocation is retried)',
    });
    expect(io.sleeps.reduce((a, b) => a + b, 0)).toBe(DEFAULT_MAX_WAIT_MS);
    expect(io.sleeps.slice(0, 6)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(Math.max(...io.sleeps)).toBe(60_000);
    expect(io.stackCalls).toHaveLength(io.sleeps.length + 1);
    expect(io.updateCalls).toEqual([]);
  });

  it('waits no longer than it is told, and not at all when told 0', async () => {
    const short = new FakeIo({ packages: [described()], stacks: [BUSY] });
    await expect(deployModel(stateChange(), SETTINGS, short, 12_000)).rejects.toThrow(StackBusyError);
    expect(short.sleeps).toEqual([5_000, 7_000]);
    const none = new FakeIo({ packages: [described()], stacks: [BUSY] });
    await expect(deployModel(stateChange(), SETTINGS, none, 0)).rejects.toThrow('after waiting 0 s');
    expect(none.sleeps).toEqual([]);
    expect(none.stackCalls).toHaveLength(1);
  });

  it('waits and tries again when the stack went busy between describing and updating it, with the same token', async () => {
    const io = new FakeIo({
      packages: [described()],
      stacks: [stack(), BUSY, stack()],
      updates: [IN_PROGRESS, STACK_ID],
    });
    await expect(deployModel(stateChange(), SETTINGS, io)).resolves.toMatchObject({ action: 'deploying' });
    expect(io.sleeps).toEqual([5_000, 10_000]);
    expect(io.updateCalls).toEqual([EXPECTED_UPDATE, EXPECTED_UPDATE]);
  });

  it('throws a StackBusyError when the stack keeps going busy before each update', async () => {
    const io = new FakeIo({ packages: [described()], stacks: [stack()], updates: [IN_PROGRESS] });
    await expect(deployModel(stateChange(), SETTINGS, io, 30_000)).rejects.toThrow(
      'stack ChurnServing is still UPDATE_IN_PROGRESS after waiting 30 s',
    );
    expect(io.sleeps).toEqual([5_000, 10_000, 15_000]);
  });

  it('throws a ServingStackError when the stack does not exist', async () => {
    const missing = cloudFormationError('Stack with id ChurnServing does not exist');
    const io = new FakeIo({ packages: [described()], stacks: [missing] });
    await expect(deployModel(stateChange(), SETTINGS, io)).rejects.toMatchObject({
      name: 'ServingStackError',
      message: 'stack ChurnServing does not exist; deploy the serving stack first',
      cause: missing,
    });
  });

  it('throws a ServingStackError when the stack failed, without updating it', async () => {
    const io = new FakeIo({ packages: [described()], stacks: [stack({ StackStatus: 'ROLLBACK_COMPLETE' })] });
    await expect(deployModel(stateChange(), SETTINGS, io)).rejects.toThrow(ServingStackError);
    expect(io.updateCalls).toEqual([]);
  });

  it('lets any other UpdateStack error through as it is', async () => {
    const denied = cloudFormationError('not authorized to perform iam:PassRole', 'AccessDenied');
    const io = new FakeIo({ packages: [described()], stacks: [stack()], updates: [denied] });
    await expect(deployModel(stateChange(), SETTINGS, io)).rejects.toBe(denied);
  });

  it('throws a DeployInputError on a malformed event, without calling anything', async () => {
    const io = new FakeIo({});
    await expect(deployModel({ detail: {} }, SETTINGS, io)).rejects.toThrow(DeployInputError);
    expect(io.packageCalls).toEqual([]);
  });
});
