/**
 * Custom resource that empties the model package group when a sandbox stack is destroyed, so that
 * CloudFormation can then delete the group (a group that still holds versions cannot be deleted).
 * The function answers CloudFormation itself, by a PUT to the event's presigned ResponseURL; the
 * logic is in `registry.ts`.
 *
 * Its one property, `ModelPackageGroupName`, names the group (or gives its ARN). Create and Update
 * only check it and answer SUCCESS; Delete deletes every version in the group and answers SUCCESS
 * with `Data: { Deleted: n }`, or FAILED with the error's name and message. A Delete of a resource
 * whose Create failed does nothing (see CREATE_FAILED_PHYSICAL_ID), so a rollback is not blocked.
 *
 * It always answers: every error becomes a FAILED answer, and the deletion is stopped in time to
 * answer before the function times out (a custom resource that never answers leaves its stack
 * waiting for an hour). Only when the answer itself cannot be delivered does the invocation throw,
 * so that Lambda retries it (CloudFormation invokes the function asynchronously); a retried Delete
 * is safe, since versions already gone count as deleted.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import {
  CREATE_FAILED_PHYSICAL_ID,
  type Outcome,
  cloudFormationResponse,
  deleteAllVersions,
  groupNameOf,
  untilDeadline,
} from './registry';
import { shown } from '../../lib/contracts/shown';

/** The time kept back from the function's timeout to answer CloudFormation. */
export const ANSWER_RESERVE_MS = 5_000;

const sagemaker = new SageMakerClient({});

/** What the request did, for the answer and the log line. */
interface Result {
  readonly outcome: Outcome;
  readonly group?: string;
  readonly deleted?: number;
}

/** An error as a reason: its name and message. */
function described(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${shown(error)}`;
}

function failure(error: unknown): Outcome {
  return { status: 'FAILED', reason: described(error) };
}

async function run(
  event: CloudFormationCustomResourceEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<Result> {
  const requestType: unknown = event.RequestType;
  if (requestType !== 'Create' && requestType !== 'Update' && requestType !== 'Delete') {
    return {
      outcome: { status: 'FAILED', reason: `RequestType is ${shown(requestType)}; expected Create, Update or Delete` },
    };
  }
  if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID) {
    return { outcome: { status: 'SUCCESS', data: { Deleted: 0 } }, deleted: 0 };
  }
  const name = groupNameOf(event);
  if (!name.ok) {
    return { outcome: { status: 'FAILED', reason: name.reason } };
  }
  const group = name.groupName;
  if (event.RequestType !== 'Delete') {
    return { outcome: { status: 'SUCCESS' }, group };
  }
  try {
    const budget = context.getRemainingTimeInMillis() - ANSWER_RESERVE_MS;
    const deleted = await untilDeadline((signal) => deleteAllVersions(sagemaker, group, signal), budget);
    return { outcome: { status: 'SUCCESS', data: { Deleted: deleted } }, group, deleted };
  } catch (error) {
    return { outcome: failure(error), group };
  }
}

/**
 * The Lambda entry point. Logs one line per invocation, as an object (the function uses Lambda's
 * JSON log format): the request type, the group, how many versions were deleted, the answer's
 * status and reason, and the HTTP status of the PUT (or why it could not be sent). The ResponseURL is never logged: it is a
 * presigned URL, a credential until it expires.
 * @throws when the answer could not be delivered (the PUT failed or was refused), so Lambda retries
 */
export const handler = async (
  event: CloudFormationCustomResourceEvent,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<void> => {
  let result: Result;
  try {
    result = await run(event, context);
  } catch (error) {
    result = { outcome: failure(error) };
  }
  const response = cloudFormationResponse(event, result.outcome);
  const line = {
    event: `empty-model-registry.${String(event.RequestType).toLowerCase()}`,
    group: result.group,
    deleted: result.deleted,
    status: response.Status,
    reason: response.Status === 'FAILED' ? response.Reason : undefined,
  };
  let answered: Response;
  try {
    answered = await fetch(event.ResponseURL, {
      method: 'PUT',
      body: JSON.stringify(response),
      // The presigned URL is signed for an empty content type: any other is refused.
      headers: { 'content-type': '' },
    });
  } catch (error) {
    console.log({ ...line, answerError: described(error) });
    throw error;
  }
  console.log({ ...line, httpStatus: answered.status });
  if (!answered.ok) {
    throw new Error(
      `CloudFormation's ResponseURL answered the PUT with HTTP ${answered.status} ${answered.statusText}`,
    );
  }
};
