/**
 * The logic of the custom resource that empties the model registry when a sandbox stack is
 * destroyed: a model package group that still holds versions cannot be deleted, so before
 * CloudFormation deletes the group, this deletes every version in it.
 *
 * - {@link groupNameOf} checks the resource's one property, `ModelPackageGroupName`;
 * - {@link deleteAllVersions} lists the group's versions and deletes them, one after the other;
 * - {@link untilDeadline} stops that work in time for the handler to answer CloudFormation;
 * - {@link cloudFormationResponse} builds the answer CloudFormation expects (pure).
 *
 * What counts as "already gone" ({@link isNotFound}): a `ResourceNotFound`, or a
 * `ValidationException` whose message says the resource `does not exist` (SageMaker reports a
 * missing model package or model package group as a ValidationException such as
 * `Model Package Group does not exist.`). Any other ValidationException (a name that breaks the
 * API's pattern, say) is an error.
 */
import {
  DeleteModelPackageCommand,
  ListModelPackagesCommand,
  type ListModelPackagesCommandOutput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { shown } from '../../lib/contracts/shown';

/** The resource property that names the group to empty. */
export const GROUP_NAME_PROPERTY = 'ModelPackageGroupName';

/**
 * The PhysicalResourceId of a resource whose Create failed. When a Create fails, CloudFormation
 * rolls back by sending a Delete with the PhysicalResourceId the failed Create answered; this
 * marker lets that Delete succeed without doing anything, so a stack whose resource was refused
 * can still roll back (the CDK's provider framework does the same). It holds a `:`, which no
 * group name does.
 */
export const CREATE_FAILED_PHYSICAL_ID = 'empty-model-registry:create-failed';

/** The largest body CloudFormation takes from a custom resource, in bytes. */
export const RESPONSE_MAX_BYTES = 4096;

/** What ends a Reason that was cut to fit the response. */
export const TRUNCATED = '… (truncated)';

/** How many versions one ListModelPackages call asks for (the API's maximum). */
export const PAGE_SIZE = 100;

/** A model package group name, or its ARN (the API's pattern, partition-neutral). */
const GROUP_NAME_OR_ARN =
  /^(?:arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:model-package-group\/)?[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}$/;

// ---------------------------------------------------------------------------------------------
// The resource property.

/** The group name, or why the event's `ModelPackageGroupName` is not one. */
export type GroupName =
  { readonly ok: true; readonly groupName: string } | { readonly ok: false; readonly reason: string };

/**
 * The group the event names in `ResourceProperties.ModelPackageGroupName`: a model package group
 * name (1 to 63 letters, digits and hyphens) or its ARN. Never throws: a bad value gives the
 * reason to answer CloudFormation with.
 */
export function groupNameOf(event: CloudFormationCustomResourceEvent): GroupName {
  const properties: Readonly<Record<string, unknown>> = event.ResourceProperties;
  const value = properties[GROUP_NAME_PROPERTY];
  if (typeof value === 'string' && GROUP_NAME_OR_ARN.test(value)) {
    return { ok: true, groupName: value };
  }
  const what = typeof value === 'string' && value.trim() === '' ? 'blank' : shown(value);
  return {
    ok: false,
    reason:
      `ResourceProperties.${GROUP_NAME_PROPERTY} is ${what}; expected a model package group name ` +
      '(1 to 63 letters, digits and hyphens) or its ARN',
  };
}

// ---------------------------------------------------------------------------------------------
// SageMaker.

/**
 * Whether an SDK error says the resource it was about does not exist: a `ResourceNotFound`, or a
 * `ValidationException` whose message says `does not exist` (in any case). Nothing else: not a
 * ValidationException about a malformed request, not AccessDenied, not a throttle.
 */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  if (error.name === 'ResourceNotFound') {
    return true;
  }
  return error.name === 'ValidationException' && /\bdoes not exist\b/i.test(error.message);
}

/**
 * Deletes every version in the group and says how many there were. The versions are all listed
 * first (pages of {@link PAGE_SIZE}), then deleted one after the other in the order listed, so
 * that deleting does not shift the pages still to be read.
 *
 * A group that does not exist has nothing to delete: 0. A version that is already gone when its
 * turn comes counts as deleted. Any other error is thrown as the SDK threw it, and the versions
 * not yet deleted stay: running this again resumes. When `signal` is aborted, it stops before
 * its next SageMaker call and throws the signal's reason.
 */
export async function deleteAllVersions(
  client: SageMakerClient,
  groupName: string,
  signal?: AbortSignal,
): Promise<number> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    signal?.throwIfAborted();
    let page: ListModelPackagesCommandOutput;
    try {
      page = await client.send(
        new ListModelPackagesCommand({
          ModelPackageGroupName: groupName,
          ModelPackageType: 'Versioned',
          MaxResults: PAGE_SIZE,
          NextToken: nextToken,
        }),
      );
    } catch (error) {
      if (isNotFound(error)) {
        return 0;
      }
      throw error;
    }
    for (const summary of page.ModelPackageSummaryList ?? []) {
      if (summary.ModelPackageArn !== undefined && summary.ModelPackageArn !== '') {
        arns.push(summary.ModelPackageArn);
      }
    }
    nextToken = page.NextToken === '' ? undefined : page.NextToken;
  } while (nextToken !== undefined);

  for (const arn of arns) {
    signal?.throwIfAborted();
    try {
      await client.send(new DeleteModelPackageCommand({ ModelPackageName: arn }));
    } catch (error) {
      if (!isNotFound(error)) {
        throw error;
      }
    }
  }
  return arns.length;
}

// ---------------------------------------------------------------------------------------------
// Time.

/** Thrown when work was stopped so that the function could still answer CloudFormation. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/**
 * What `work` resolves to, unless it takes longer than `ms`: then it is told to stop (its signal is
 * aborted) and this rejects at once with a {@link DeadlineError}, without waiting for it.
 */
export async function untilDeadline<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        const error = new DeadlineError(
          `stopped after ${Math.max(0, Math.round(ms))} ms to answer CloudFormation before the function times out; ` +
            'what was deleted stays deleted, and deleting the stack again resumes',
        );
        controller.abort(error);
        reject(error);
      },
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// The answer to CloudFormation.

/** How the request went. */
export type Outcome =
  | {
      readonly status: 'SUCCESS';
      /** Values `Fn::GetAtt` can read, such as `{ Deleted: 3 }`. */
      readonly data?: Readonly<Record<string, string | number>>;
    }
  | {
      readonly status: 'FAILED';
      /** Why; cut to fit the response when too long. */
      readonly reason: string;
    };

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `reason`, cut (at a code point, with {@link TRUNCATED} appended) so that `response` with it as its
 * Reason serializes to at most {@link RESPONSE_MAX_BYTES} bytes of JSON.
 */
function fittedReason(response: CloudFormationCustomResourceResponse, reason: string): string {
  const fits = (candidate: string): boolean =>
    bytes(JSON.stringify({ ...response, Reason: candidate })) <= RESPONSE_MAX_BYTES;
  if (fits(reason)) {
    return reason;
  }
  const characters = Array.from(reason);
  // The longest prefix that fits with the marker: a binary search over whole code points.
  let low = 0;
  let high = characters.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(characters.slice(0, middle).join('') + TRUNCATED)) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return characters.slice(0, low).join('') + TRUNCATED;
}

/**
 * The body to PUT to the event's ResponseURL. `PhysicalResourceId` is, on Create, the group name
 * (or {@link CREATE_FAILED_PHYSICAL_ID} when the Create failed), and on Update and Delete the
 * event's own, never changed (a different one would make CloudFormation treat an Update as a
 * replacement). `StackId`, `RequestId` and `LogicalResourceId` are copied from the event. A FAILED
 * answer always has a non-empty Reason, and the whole body stays within {@link RESPONSE_MAX_BYTES}.
 */
export function cloudFormationResponse(
  event: CloudFormationCustomResourceEvent,
  outcome: Outcome,
): CloudFormationCustomResourceResponse {
  let physicalResourceId: string;
  if (event.RequestType === 'Create') {
    const group = groupNameOf(event);
    physicalResourceId = outcome.status === 'SUCCESS' && group.ok ? group.groupName : CREATE_FAILED_PHYSICAL_ID;
  } else {
    physicalResourceId = event.PhysicalResourceId;
  }
  const common = {
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  if (outcome.status === 'SUCCESS') {
    return outcome.data === undefined
      ? { Status: 'SUCCESS', ...common }
      : { Status: 'SUCCESS', ...common, Data: { ...outcome.data } };
  }
  const response: CloudFormationCustomResourceResponse = { Status: 'FAILED', ...common, Reason: '' };
  const reason = outcome.reason.trim() === '' ? 'failed without a reason' : outcome.reason;
  return { ...response, Reason: fittedReason(response, reason) };
}
