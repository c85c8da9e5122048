import {
  ConflictException,
  DeleteModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ANSWER_RESERVE_MS, handler } from '../../../lambda/empty-model-registry/handler';
import { CREATE_FAILED_PHYSICAL_ID } from '../../../lambda/empty-model-registry/registry';

const sagemaker = mockClient(SageMakerClient);

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const GROUP = 'churn-model-group';
const RESPONSE_URL =
  'https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/' +
  'arn%3Aaws-cn%3Acloudformation%3Acn-north-1%3A123456789012%3Astack/churn-sandbox/x%7CEmptyModelRegistry%7Cy' +
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef';
const STACK_ID =
  'arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/churn-sandbox/5b6e1c30-0a1b-11ef-9e3e-0a1b2c3d4e5f';
const REQUEST_ID = '0f7a3c2e-4d5b-4e6f-8a9b-0c1d2e3f4a5b';

function versionArn(version: number): string {
  return `arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/${GROUP}/${version}`;
}

const COMMON = {
  ServiceToken: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:empty-model-registry',
  ResponseURL: RESPONSE_URL,
  StackId: STACK_ID,
  RequestId: REQUEST_ID,
  LogicalResourceId: 'EmptyModelRegistry',
  ResourceType: 'Custom::EmptyModelRegistry',
};

function properties(groupName: unknown): CloudFormationCustomResourceEvent['ResourceProperties'] {
  return groupName === undefined
    ? { ServiceToken: COMMON.ServiceToken }
    : { ServiceToken: COMMON.ServiceToken, ModelPackageGroupName: groupName };
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

/** A Lambda context with plenty of time left (15 minutes). */
const CONTEXT = { getRemainingTimeInMillis: () => 900_000 };

describe('empty-model-registry handler', () => {
  let put: jest.SpiedFunction<typeof fetch>;
  let log: jest.SpiedFunction<typeof console.log>;

  beforeEach(() => {
    sagemaker.reset();
    put = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(null, { status: 200 }));
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    put.mockRestore();
    log.mockRestore();
  });

  /** The one answer PUT to CloudFormation, parsed. */
  function answer(): CloudFormationCustomResourceResponse {
    expect(put).toHaveBeenCalledTimes(1);
    const init = put.mock.calls[0]?.[1];
    expect(typeof init?.body).toBe('string');
    return JSON.parse(init?.body as string) as CloudFormationCustomResourceResponse;
  }

  /** The one line logged. */
  function logged(): unknown {
    expect(log).toHaveBeenCalledTimes(1);
    return log.mock.calls[0]?.[0];
  }

  function listing(...versions: number[]): void {
    sagemaker.on(ListModelPackagesCommand).resolves({
      ModelPackageSummaryList: versions.map((v) => ({
        ModelPackageArn: versionArn(v),
        CreationTime: new Date(Date.UTC(2024, 4, v)),
        ModelPackageStatus: 'Completed',
      })),
    });
  }

  describe('the PUT to CloudFormation', () => {
    it('goes to the ResponseURL, with method PUT and an empty content type', async () => {
      await handler(CREATE, CONTEXT);
      expect(put).toHaveBeenCalledTimes(1);
      expect(put).toHaveBeenCalledWith(RESPONSE_URL, {
        method: 'PUT',
        body: expect.any(String) as string,
        headers: { 'content-type': '' },
      });
    });

    it('carries the fields CloudFormation expects, copied from the event', async () => {
      await handler(CREATE, CONTEXT);
      expect(answer()).toEqual({
        Status: 'SUCCESS',
        PhysicalResourceId: GROUP,
        StackId: STACK_ID,
        RequestId: REQUEST_ID,
        LogicalResourceId: 'EmptyModelRegistry',
      });
    });

    it('makes the invocation throw when S3 refuses it, after logging, so that Lambda retries', async () => {
      put.mockResolvedValue(
        new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403, statusText: 'Forbidden' }),
      );
      await expect(handler(CREATE, CONTEXT)).rejects.toThrow(
        "CloudFormation's ResponseURL answered the PUT with HTTP 403 Forbidden",
      );
      expect(logged()).toMatchObject({ event: 'empty-model-registry.create', status: 'SUCCESS', httpStatus: 403 });
    });

    it('makes the invocation throw when it cannot be sent, after logging', async () => {
      put.mockRejectedValue(new TypeError('fetch failed'));
      await expect(handler(DELETE, CONTEXT)).rejects.toThrow('fetch failed');
      expect(logged()).toMatchObject({ event: 'empty-model-registry.delete', answerError: 'TypeError: fetch failed' });
    });
  });

  describe('Create', () => {
    it('answers SUCCESS with the group name as PhysicalResourceId, without calling SageMaker', async () => {
      await handler(CREATE, CONTEXT);
      expect(answer()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: GROUP });
      expect(answer().Data).toBeUndefined();
      expect(sagemaker).not.toHaveReceivedAnyCommand();
    });

    it('logs one line: the request type, the group and the status', async () => {
      await handler(CREATE, CONTEXT);
      expect(logged()).toEqual({
        event: 'empty-model-registry.create',
        group: GROUP,
        deleted: undefined,
        status: 'SUCCESS',
        reason: undefined,
        httpStatus: 200,
      });
    });
  });

  describe('Update', () => {
    it('answers SUCCESS with the event’s PhysicalResourceId, unchanged though the group name changed', async () => {
      await handler(UPDATE, CONTEXT);
      expect(answer()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: GROUP });
      expect(sagemaker).not.toHaveReceivedAnyCommand();
      expect(logged()).toMatchObject({ event: 'empty-model-registry.update', group: 'churn-model-group-2' });
    });
  });

  describe('Delete', () => {
    it('deletes every version of the group and answers SUCCESS with how many', async () => {
      listing(1, 2);
      sagemaker.on(DeleteModelPackageCommand).resolves({});
      await handler(DELETE, CONTEXT);
      expect(sagemaker).toHaveReceivedCommandWith(ListModelPackagesCommand, {
        ModelPackageGroupName: GROUP,
        ModelPackageType: 'Versioned',
        MaxResults: 100,
      });
      expect(sagemaker).toHaveReceivedCommandTimes(DeleteModelPackageCommand, 2);
      expect(sagemaker).toHaveReceivedCommandWith(DeleteModelPackageCommand, { ModelPackageName: versionArn(1) });
      expect(sagemaker).toHaveReceivedCommandWith(DeleteModelPackageCommand, { ModelPackageName: versionArn(2) });
      expect(answer()).toEqual({
        Status: 'SUCCESS',
        PhysicalResourceId: GROUP,
        StackId: STACK_ID,
        RequestId: REQUEST_ID,
        LogicalResourceId: 'EmptyModelRegistry',
        Data: { Deleted: 2 },
      });
      expect(logged()).toEqual({
        event: 'empty-model-registry.delete',
        group: GROUP,
        deleted: 2,
        status: 'SUCCESS',
        reason: undefined,
        httpStatus: 200,
      });
    });

    it('keeps the event’s PhysicalResourceId', async () => {
      listing();
      await handler({ ...DELETE, PhysicalResourceId: 'an-older-id' }, CONTEXT);
      expect(answer()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'an-older-id' });
    });

    it('answers SUCCESS with 0 deleted for a group that does not exist', async () => {
      sagemaker.on(ListModelPackagesCommand).rejects(
        new SageMakerServiceException({
          name: 'ValidationException',
          $fault: 'client',
          message: 'Model Package Group does not exist.',
          $metadata: {},
        }),
      );
      await handler(DELETE, CONTEXT);
      expect(answer()).toMatchObject({ Status: 'SUCCESS', Data: { Deleted: 0 } });
      expect(sagemaker).not.toHaveReceivedCommand(DeleteModelPackageCommand);
    });

    it('tolerates a version that is already gone', async () => {
      listing(1, 2);
      sagemaker
        .on(DeleteModelPackageCommand)
        .resolves({})
        .on(DeleteModelPackageCommand, { ModelPackageName: versionArn(1) })
        .rejects(
          new SageMakerServiceException({
            name: 'ValidationException',
            $fault: 'client',
            message: `ModelPackage ${versionArn(1)} does not exist.`,
            $metadata: {},
          }),
        );
      await handler(DELETE, CONTEXT);
      expect(answer()).toMatchObject({ Status: 'SUCCESS', Data: { Deleted: 2 } });
    });

    it('answers FAILED with the error’s name and message when SageMaker refuses a delete, and does not throw', async () => {
      listing(1, 2);
      sagemaker
        .on(DeleteModelPackageCommand)
        .rejects(new ConflictException({ message: 'Model Package is in use by an endpoint', $metadata: {} }));
      await expect(handler(DELETE, CONTEXT)).resolves.toBeUndefined();
      expect(answer()).toEqual({
        Status: 'FAILED',
        Reason: 'ConflictException: Model Package is in use by an endpoint',
        PhysicalResourceId: GROUP,
        StackId: STACK_ID,
        RequestId: REQUEST_ID,
        LogicalResourceId: 'EmptyModelRegistry',
      });
      expect(logged()).toEqual({
        event: 'empty-model-registry.delete',
        group: GROUP,
        deleted: undefined,
        status: 'FAILED',
        reason: 'ConflictException: Model Package is in use by an endpoint',
        httpStatus: 200,
      });
    });

    it('answers FAILED when listing is denied', async () => {
      sagemaker.on(ListModelPackagesCommand).rejects(
        new SageMakerServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          message: 'not authorized to perform: sagemaker:ListModelPackages',
          $metadata: {},
        }),
      );
      await handler(DELETE, CONTEXT);
      expect(answer()).toMatchObject({
        Status: 'FAILED',
        Reason: 'AccessDeniedException: not authorized to perform: sagemaker:ListModelPackages',
      });
    });

    it('answers FAILED with a reason cut to fit 4,096 bytes when the error message is huge', async () => {
      listing(1);
      sagemaker
        .on(DeleteModelPackageCommand)
        .rejects(new ConflictException({ message: `in use: ${'z'.repeat(20_000)}`, $metadata: {} }));
      await handler(DELETE, CONTEXT);
      const body = put.mock.calls[0]?.[1]?.body as string;
      expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(4096);
      expect(answer().Reason).toMatch(/^ConflictException: in use: z+… \(truncated\)$/);
    });

    it('answers FAILED in time when the deletion would outlast the function', async () => {
      sagemaker.on(ListModelPackagesCommand).callsFake(() => new Promise(() => undefined));
      const started = Date.now();
      await handler(DELETE, { getRemainingTimeInMillis: () => ANSWER_RESERVE_MS + 30 });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(answer()).toMatchObject({
        Status: 'FAILED',
        Reason: expect.stringMatching(/^DeadlineError: stopped after 30 ms to answer CloudFormation/) as string,
        PhysicalResourceId: GROUP,
      });
    });

    it('succeeds without calling SageMaker for the Delete that rolls back a failed Create', async () => {
      await handler(
        { ...DELETE, PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID, ResourceProperties: properties('') },
        CONTEXT,
      );
      expect(sagemaker).not.toHaveReceivedAnyCommand();
      expect(answer()).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: CREATE_FAILED_PHYSICAL_ID,
        Data: { Deleted: 0 },
      });
    });
  });

  describe('a missing or blank ModelPackageGroupName', () => {
    it.each<[string, unknown, string]>([
      ['missing', undefined, 'is missing'],
      ['empty', '', 'is blank'],
      ['blank', '  ', 'is blank'],
      ['not a group name', 'churn model', 'is "churn model"'],
    ])('is answered FAILED, naming the property, when %s', async (_, value, shownAs) => {
      for (const event of [CREATE, UPDATE, DELETE] as CloudFormationCustomResourceEvent[]) {
        put.mockClear();
        log.mockClear();
        await handler({ ...event, ResourceProperties: properties(value) }, CONTEXT);
        expect(answer()).toMatchObject({
          Status: 'FAILED',
          Reason:
            `ResourceProperties.ModelPackageGroupName ${shownAs}; ` +
            'expected a model package group name (1 to 63 letters, digits and hyphens) or its ARN',
        });
        expect(logged()).toMatchObject({ status: 'FAILED', group: undefined });
      }
      expect(sagemaker).not.toHaveReceivedAnyCommand();
    });

    it('gives a failed Create the marker PhysicalResourceId, and an Update or Delete its own', async () => {
      await handler({ ...CREATE, ResourceProperties: properties('') }, CONTEXT);
      expect(answer().PhysicalResourceId).toBe(CREATE_FAILED_PHYSICAL_ID);
      put.mockClear();
      await handler({ ...UPDATE, ResourceProperties: properties('') }, CONTEXT);
      expect(answer().PhysicalResourceId).toBe(GROUP);
      put.mockClear();
      await handler({ ...DELETE, ResourceProperties: properties('') }, CONTEXT);
      expect(answer().PhysicalResourceId).toBe(GROUP);
    });
  });

  it('answers FAILED to a request type it does not know', async () => {
    const event = { ...CREATE, RequestType: 'Replace' } as unknown as CloudFormationCustomResourceEvent;
    await handler(event, CONTEXT);
    expect(answer()).toMatchObject({
      Status: 'FAILED',
      Reason: 'RequestType is "Replace"; expected Create, Update or Delete',
    });
    expect(sagemaker).not.toHaveReceivedAnyCommand();
  });

  it('never logs the presigned ResponseURL', async () => {
    listing(1);
    sagemaker.on(DeleteModelPackageCommand).rejects(new ConflictException({ message: 'in use', $metadata: {} }));
    await handler(DELETE, CONTEXT);
    put.mockRejectedValue(new TypeError('fetch failed'));
    await expect(handler(CREATE, CONTEXT)).rejects.toThrow();
    const lines = log.mock.calls.map((call) => JSON.stringify(call));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain('X-Amz-Signature');
    }
  });
});
