import {
  ConflictException,
  DeleteModelPackageCommand,
  ListModelPackagesCommand,
  ResourceNotFound,
  SageMakerClient,
  SageMakerServiceException,
  type ModelPackageSummary,
} from '@aws-sdk/client-sagemaker';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import * as fc from 'fast-check';
import {
  CREATE_FAILED_PHYSICAL_ID,
  DeadlineError,
  PAGE_SIZE,
  RESPONSE_MAX_BYTES,
  TRUNCATED,
  cloudFormationResponse,
  deleteAllVersions,
  groupNameOf,
  isNotFound,
  untilDeadline,
} from '../../../lambda/empty-model-registry/registry';

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const GROUP = 'churn-model-group';
const GROUP_ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package-group/churn-model-group';
const STACK_ID =
  'arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/churn-sandbox/5b6e1c30-0a1b-11ef-9e3e-0a1b2c3d4e5f';

function versionArn(version: number): string {
  return `arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/${GROUP}/${version}`;
}

function summaries(...versions: number[]): ModelPackageSummary[] {
  return versions.map((v) => ({
    ModelPackageArn: versionArn(v),
    ModelPackageGroupName: GROUP,
    ModelPackageVersion: v,
    CreationTime: new Date(Date.UTC(2024, 4, v)),
    ModelPackageStatus: 'Completed',
  }));
}

/** An error as the SDK builds it for an exception its model does not name (SageMaker's ValidationException). */
function validationException(message: string): SageMakerServiceException {
  return new SageMakerServiceException({ name: 'ValidationException', $fault: 'client', message, $metadata: {} });
}

const GROUP_MISSING = validationException('Model Package Group does not exist.');
const VERSION_MISSING = validationException(`ModelPackage ${versionArn(2)} does not exist.`);

const COMMON = {
  ServiceToken: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:empty-model-registry',
  ResponseURL: 'https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/signed',
  StackId: STACK_ID,
  RequestId: '0f7a3c2e-4d5b-4e6f-8a9b-0c1d2e3f4a5b',
  LogicalResourceId: 'EmptyModelRegistry',
  ResourceType: 'Custom::EmptyModelRegistry',
};

function properties(groupName: unknown): CloudFormationCustomResourceEvent['ResourceProperties'] {
  return { ServiceToken: COMMON.ServiceToken, ModelPackageGroupName: groupName };
}

const CREATE: CloudFormationCustomResourceCreateEvent = {
  ...COMMON,
  RequestType: 'Create',
  ResourceProperties: properties(GROUP),
};
const UPDATE: CloudFormationCustomResourceUpdateEvent = {
  ...COMMON,
  RequestType: 'Update',
  PhysicalResourceId: GROUP,
  ResourceProperties: properties('churn-model-group-2'),
  OldResourceProperties: properties(GROUP),
};
const DELETE: CloudFormationCustomResourceDeleteEvent = {
  ...COMMON,
  RequestType: 'Delete',
  PhysicalResourceId: GROUP,
  ResourceProperties: properties(GROUP),
};

describe('groupNameOf', () => {
  it.each([GROUP, GROUP_ARN, 'a', 'a--b', 'A1'.padEnd(63, 'x')])('accepts %s', (name) => {
    expect(groupNameOf({ ...CREATE, ResourceProperties: properties(name) })).toEqual({ ok: true, groupName: name });
  });

  it.each<[string, unknown, string]>([
    ['missing', undefined, 'is missing'],
    ['empty', '', 'is blank'],
    ['blank', '   ', 'is blank'],
    ['a number', 42, 'is 42'],
    ['not a group name', 'churn_model', 'is "churn_model"'],
    ['too long', 'x'.repeat(64), `is "${'x'.repeat(64)}"`],
    ['ending in a hyphen', 'churn-', 'is "churn-"'],
    ['the ARN of something else', versionArn(1), 'model-package/'],
  ])('refuses a ModelPackageGroupName that is %s, naming the property', (_, value, shownAs) => {
    const result = groupNameOf({ ...CREATE, ResourceProperties: properties(value) });
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({
      reason: expect.stringMatching(/^ResourceProperties\.ModelPackageGroupName is /) as string,
    });
    expect(result).toMatchObject({ reason: expect.stringContaining(shownAs) as string });
    expect(result).toMatchObject({
      reason: expect.stringContaining(
        'expected a model package group name (1 to 63 letters, digits and hyphens) or its ARN',
      ) as string,
    });
  });
});

describe('isNotFound', () => {
  function exception(name: string, message: string): SageMakerServiceException {
    return new SageMakerServiceException({ name, $fault: 'client', message, $metadata: {} });
  }

  it.each<[string, boolean, unknown]>([
    ['ResourceNotFound', true, new ResourceNotFound({ message: 'Resource not found', $metadata: {} })],
    ['ValidationException: the group does not exist', true, GROUP_MISSING],
    ['ValidationException: the version does not exist', true, VERSION_MISSING],
    ['ValidationException: DOES NOT EXIST, in capitals', true, validationException('Model Package DOES NOT EXIST')],
    [
      'ValidationException about a malformed name',
      false,
      validationException(
        "1 validation error detected: Value 'churn_model' at 'modelPackageGroupName' failed to satisfy constraint",
      ),
    ],
    ['ValidationException without a message', false, validationException('')],
    ['ConflictException', false, new ConflictException({ message: 'Model Package is in use', $metadata: {} })],
    ['AccessDeniedException saying "does not exist"', false, exception('AccessDeniedException', 'role does not exist')],
    ['ThrottlingException', false, exception('ThrottlingException', 'Rate exceeded')],
    ['a plain Error saying "does not exist"', false, new Error('does not exist')],
    ['the string "ResourceNotFound"', false, 'ResourceNotFound'],
    ['undefined', false, undefined],
  ])('%s → %s', (_, expected, error) => {
    expect(isNotFound(error)).toBe(expected);
  });
});

describe('deleteAllVersions', () => {
  const sagemaker = mockClient(SageMakerClient);
  const client = new SageMakerClient({ region: 'cn-north-1' });

  beforeEach(() => {
    sagemaker.reset();
  });

  function deletedArns(): (string | undefined)[] {
    return sagemaker.commandCalls(DeleteModelPackageCommand).map((call) => call.args[0].input.ModelPackageName);
  }

  it('lists the versioned packages of the group, 100 at a time', async () => {
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
    await deleteAllVersions(client, GROUP);
    expect(PAGE_SIZE).toBe(100);
    expect(sagemaker).toHaveReceivedCommandTimes(ListModelPackagesCommand, 1);
    expect(sagemaker.commandCalls(ListModelPackagesCommand)[0]?.args[0].input).toEqual({
      ModelPackageGroupName: GROUP,
      ModelPackageType: 'Versioned',
      MaxResults: 100,
      NextToken: undefined,
    });
  });

  it('deletes every version of a page, in the order listed, and says how many', async () => {
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: summaries(3, 1, 2) });
    sagemaker.on(DeleteModelPackageCommand).resolves({});
    await expect(deleteAllVersions(client, GROUP)).resolves.toBe(3);
    expect(deletedArns()).toEqual([versionArn(3), versionArn(1), versionArn(2)]);
    expect(sagemaker).toHaveReceivedCommandWith(DeleteModelPackageCommand, { ModelPackageName: versionArn(1) });
  });

  it('follows NextToken across pages, and lists them all before deleting any', async () => {
    sagemaker
      .on(ListModelPackagesCommand)
      .resolvesOnce({ ModelPackageSummaryList: summaries(1, 2), NextToken: 'page-2' })
      .resolvesOnce({ ModelPackageSummaryList: summaries(3) });
    sagemaker.on(DeleteModelPackageCommand).resolves({});
    await expect(deleteAllVersions(client, GROUP)).resolves.toBe(3);
    expect(sagemaker).toHaveReceivedCommandTimes(ListModelPackagesCommand, 2);
    expect(sagemaker).toHaveReceivedNthSpecificCommandWith(2, ListModelPackagesCommand, {
      ModelPackageGroupName: GROUP,
      ModelPackageType: 'Versioned',
      MaxResults: 100,
      NextToken: 'page-2',
    });
    expect(deletedArns()).toEqual([versionArn(1), versionArn(2), versionArn(3)]);
    const order = sagemaker
      .calls()
      .map((call) => (call.args[0] instanceof ListModelPackagesCommand ? 'list' : 'delete'));
    expect(order).toEqual(['list', 'list', 'delete', 'delete', 'delete']);
  });

  it('stops at an empty NextToken as at none', async () => {
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: summaries(1), NextToken: '' });
    sagemaker.on(DeleteModelPackageCommand).resolves({});
    await expect(deleteAllVersions(client, GROUP)).resolves.toBe(1);
    expect(sagemaker).toHaveReceivedCommandTimes(ListModelPackagesCommand, 1);
  });

  it('gives 0 for an empty group, and deletes nothing', async () => {
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [] });
    await expect(deleteAllVersions(client, GROUP)).resolves.toBe(0);
    expect(sagemaker).not.toHaveReceivedCommand(DeleteModelPackageCommand);
  });

  it('skips a summary without an ARN', async () => {
    sagemaker.on(ListModelPackagesCommand).resolves({
      ModelPackageSummaryList: [
        ...summaries(1),
        { ...summaries(2)[0], ModelPackageArn: undefined },
      ] as ModelPackageSummary[],
    });
    sagemaker.on(DeleteModelPackageCommand).resolves({});
    await expect(deleteAllVersions(client, GROUP)).resolves.toBe(1);
    expect(deletedArns()).toEqual([versionArn(1)]);
  });

  it.each([
    ['a ValidationException saying it does not exist', GROUP_MISSING],
    ['a ResourceNotFound', new ResourceNotFound({ message: 'Model package group not found', $metadata: {} })],
  ])('gives 0 for a group that does not exist (%s), and deletes nothing', async (_, error) => {
    sagemaker.on(ListModelPackagesCommand).rejects(error);
    await expect(deleteAllVersions(client, GROUP)).resolves.toBe(0);
    expect(sagemaker).not.toHaveReceivedCommand(DeleteModelPackageCommand);
  });

  it('throws any other error from ListModelPackages, such as a malformed name or a denied call', async () => {
    const malformed = validationException(
      "Value 'churn_model' at 'modelPackageGroupName' failed to satisfy constraint",
    );
    sagemaker.on(ListModelPackagesCommand).rejects(malformed);
    await expect(deleteAllVersions(client, 'churn_model')).rejects.toBe(malformed);
    const denied = new SageMakerServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      message: 'not authorized to perform: sagemaker:ListModelPackages',
      $metadata: {},
    });
    sagemaker.on(ListModelPackagesCommand).rejects(denied);
    await expect(deleteAllVersions(client, GROUP)).rejects.toBe(denied);
    expect(sagemaker).not.toHaveReceivedCommand(DeleteModelPackageCommand);
  });

  it.each([
    ['a ValidationException saying it does not exist', VERSION_MISSING],
    ['a ResourceNotFound', new ResourceNotFound({ message: 'Model package not found', $metadata: {} })],
  ])('counts a version already gone (%s) as deleted, and goes on', async (_, error) => {
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: summaries(1, 2, 3) });
    sagemaker
      .on(DeleteModelPackageCommand)
      .resolves({})
      .on(DeleteModelPackageCommand, { ModelPackageName: versionArn(2) })
      .rejects(error);
    await expect(deleteAllVersions(client, GROUP)).resolves.toBe(3);
    expect(deletedArns()).toEqual([versionArn(1), versionArn(2), versionArn(3)]);
  });

  it.each([
    [
      'a ConflictException',
      new ConflictException({ message: 'Model Package is in use by an endpoint', $metadata: {} }),
    ],
    [
      'a ValidationException that says something else',
      validationException('Cannot delete a model package in Pending status'),
    ],
    [
      'a ThrottlingException',
      new SageMakerServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: {},
      }),
    ],
  ])('throws %s from DeleteModelPackage as it is, leaving the later versions', async (_, error) => {
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: summaries(1, 2, 3) });
    sagemaker
      .on(DeleteModelPackageCommand)
      .resolves({})
      .on(DeleteModelPackageCommand, { ModelPackageName: versionArn(2) })
      .rejects(error);
    await expect(deleteAllVersions(client, GROUP)).rejects.toBe(error);
    expect(deletedArns()).toEqual([versionArn(1), versionArn(2)]);
  });

  it('stops before its next call once the signal is aborted, with the signal’s reason', async () => {
    const controller = new AbortController();
    const reason = new DeadlineError('time is up');
    sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: summaries(1, 2, 3) });
    sagemaker.on(DeleteModelPackageCommand).callsFake(() => {
      controller.abort(reason);
      return {};
    });
    await expect(deleteAllVersions(client, GROUP, controller.signal)).rejects.toBe(reason);
    expect(deletedArns()).toEqual([versionArn(1)]);
  });

  it('makes no call at all with a signal already aborted', async () => {
    await expect(deleteAllVersions(client, GROUP, AbortSignal.abort(new DeadlineError('none left')))).rejects.toThrow(
      'none left',
    );
    expect(sagemaker).not.toHaveReceivedAnyCommand();
  });
});

describe('untilDeadline', () => {
  it('resolves to what the work resolves to, when it finishes in time', async () => {
    await expect(untilDeadline(() => Promise.resolve(7), 1_000)).resolves.toBe(7);
  });

  it('rejects with what the work rejects with', async () => {
    const error = new Error('boom');
    await expect(untilDeadline(() => Promise.reject(error), 1_000)).rejects.toBe(error);
  });

  it('rejects with a DeadlineError when the work takes too long, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const never = (signal: AbortSignal): Promise<number> => {
      seen = signal;
      return new Promise<number>(() => undefined);
    };
    const result = untilDeadline(never, 20);
    await expect(result).rejects.toBeInstanceOf(DeadlineError);
    await expect(result).rejects.toMatchObject({
      name: 'DeadlineError',
      message: expect.stringContaining(
        'stopped after 20 ms to answer CloudFormation before the function times out',
      ) as string,
    });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(DeadlineError);
  });

  it('gives up at once when no time is left', async () => {
    const result = untilDeadline(() => new Promise<number>(() => undefined), -3_000);
    await expect(result).rejects.toMatchObject({
      name: 'DeadlineError',
      message: expect.stringContaining('stopped after 0 ms') as string,
    });
  });
});

/** Half of a surrogate pair, without its other half: what cutting a string between code units leaves. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('cloudFormationResponse', () => {
  const copied = { StackId: STACK_ID, RequestId: COMMON.RequestId, LogicalResourceId: 'EmptyModelRegistry' };

  it('answers a Create with the group name as PhysicalResourceId, and the ids copied from the event', () => {
    expect(cloudFormationResponse(CREATE, { status: 'SUCCESS' })).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: GROUP,
      ...copied,
    });
  });

  it('uses the ARN as PhysicalResourceId when the property gives one', () => {
    const event = { ...CREATE, ResourceProperties: properties(GROUP_ARN) };
    expect(cloudFormationResponse(event, { status: 'SUCCESS' }).PhysicalResourceId).toBe(GROUP_ARN);
  });

  it('answers a failed Create with the marker as PhysicalResourceId, and the reason', () => {
    expect(cloudFormationResponse(CREATE, { status: 'FAILED', reason: 'no good' })).toEqual({
      Status: 'FAILED',
      Reason: 'no good',
      PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID,
      ...copied,
    });
    expect(groupNameOf({ ...CREATE, ResourceProperties: properties(CREATE_FAILED_PHYSICAL_ID) }).ok).toBe(false);
  });

  it('keeps the event’s PhysicalResourceId on Update, even when the group name changed', () => {
    expect(UPDATE.ResourceProperties.ModelPackageGroupName).not.toBe(GROUP);
    expect(cloudFormationResponse(UPDATE, { status: 'SUCCESS' })).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: GROUP,
      ...copied,
    });
    expect(cloudFormationResponse(UPDATE, { status: 'FAILED', reason: 'bad' }).PhysicalResourceId).toBe(GROUP);
  });

  it('keeps the event’s PhysicalResourceId on Delete, and passes Data', () => {
    const event = { ...DELETE, PhysicalResourceId: 'some-older-id' };
    expect(cloudFormationResponse(event, { status: 'SUCCESS', data: { Deleted: 3 } })).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'some-older-id',
      Data: { Deleted: 3 },
      ...copied,
    });
    expect(cloudFormationResponse(event, { status: 'FAILED', reason: 'ConflictException: in use' })).toEqual({
      Status: 'FAILED',
      Reason: 'ConflictException: in use',
      PhysicalResourceId: 'some-older-id',
      ...copied,
    });
  });

  it('never answers FAILED without a reason', () => {
    expect(cloudFormationResponse(DELETE, { status: 'FAILED', reason: ' ' }).Reason).toBe('failed without a reason');
  });

  it('cuts a long reason so that the whole body stays within 4,096 bytes', () => {
    const reason = `ConflictException: ${'x'.repeat(10_000)}`;
    const response = cloudFormationResponse(DELETE, { status: 'FAILED', reason });
    const body = JSON.stringify(response);
    expect(RESPONSE_MAX_BYTES).toBe(4096);
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(4096 - 10); // cut no shorter than it must be
    expect(response.Reason).toMatch(/^ConflictException: x+… \(truncated\)$/);
    expect(response.Reason?.endsWith(TRUNCATED)).toBe(true);
  });

  it('counts bytes, not characters, and escapes, when cutting', () => {
    const reason = '🦆"\n'.repeat(2_000); // 4 bytes + 2 escaped characters of 2 bytes each, per repetition
    const response = cloudFormationResponse(DELETE, { status: 'FAILED', reason });
    expect(Buffer.byteLength(JSON.stringify(response), 'utf8')).toBeLessThanOrEqual(4096);
    expect(response.Reason).toMatch(/^(?:🦆"\n)+(?:🦆"?)?… \(truncated\)$/u);
  });

  it('leaves a reason that fits as it is', () => {
    const reason = 'y'.repeat(3_000);
    expect(cloudFormationResponse(DELETE, { status: 'FAILED', reason }).Reason).toBe(reason);
  });

  it('keeps any body within 4,096 bytes, cutting only what does not fit, at whole code points', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 6_000 }),
        // Logical IDs are at most 255 characters, physical IDs at most 1 KB.
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 255 }),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1_000 }),
        (reason, logicalId, physicalId) => {
          const event = { ...DELETE, LogicalResourceId: logicalId, PhysicalResourceId: physicalId };
          const response = cloudFormationResponse(event, { status: 'FAILED', reason });
          const cut = response.Reason ?? '';
          expect(Buffer.byteLength(JSON.stringify(response), 'utf8')).toBeLessThanOrEqual(RESPONSE_MAX_BYTES);
          expect(cut).not.toBe('');
          expect(cut).not.toMatch(LONE_SURROGATE);
          if (reason.trim() !== '' && cut !== reason) {
            expect(cut.endsWith(TRUNCATED)).toBe(true);
            expect(reason.startsWith(cut.slice(0, -TRUNCATED.length))).toBe(true);
          }
        },
      ),
    );
  });
});
