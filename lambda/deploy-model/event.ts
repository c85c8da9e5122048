/**
 * SageMaker's "Model Package State Change" event, as the deploy function reads it: checked, then
 * either ignored (not an approval, or another group's package) or deployed.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { shown } from '../../lib/contracts/shown';
import { APPROVED, EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../../lib/contracts/serving';
import { DeployInputError } from './errors';
import type { DeploySettings } from './settings';

/** The part of the event's `detail` this function reads (SageMaker sends more: the whole package). */
export interface ModelPackageStateChangeDetail {
  readonly ModelPackageGroupName: string;
  /** `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>` */
  readonly ModelPackageArn: string;
  /** `Approved`, `Rejected` or `PendingManualApproval`. */
  readonly ModelApprovalStatus: string;
  readonly ModelPackageVersion?: number;
}

/** SageMaker's event, as EventBridge delivers it. */
export type ModelPackageStateChangeEvent = EventBridgeEvent<typeof EVENT_DETAIL_TYPE, ModelPackageStateChangeDetail>;

/** The event, checked: what the decisions need. */
export interface StateChange {
  /** The EventBridge event ID: the same for every delivery and retry of one event. */
  readonly eventId: string;
  readonly modelPackageGroupName: string;
  readonly modelPackageArn: string;
  readonly modelApprovalStatus: string;
  /** The package version, when the event gives it. */
  readonly modelPackageVersion?: number;
}

/** A versioned model package ARN (partition-neutral; SageMaker writes the group in lower case). */
const MODEL_PACKAGE_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}\/\d+$/;

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DeployInputError(`${field} is ${shown(value)}; expected a non-empty string`);
  }
  return value;
}

/**
 * The event, checked: SageMaker's model package state change, with an ID, a group, a versioned
 * package ARN and an approval status.
 * @throws DeployInputError naming the first field that is missing or wrong, and its value
 */
export function parseStateChange(event: unknown): StateChange {
  if (!isObject(event)) {
    throw new DeployInputError(`event is ${shown(event)}; expected an EventBridge event`);
  }
  if (event.source !== EVENT_SOURCE || event['detail-type'] !== EVENT_DETAIL_TYPE) {
    throw new DeployInputError(
      `event is from ${shown(event.source)} of type ${shown(event['detail-type'])}; ` +
        `expected ${JSON.stringify(EVENT_SOURCE)} of type ${JSON.stringify(EVENT_DETAIL_TYPE)}`,
    );
  }
  const eventId = nonEmptyString(event.id, 'id');
  const detail = event.detail;
  if (!isObject(detail)) {
    throw new DeployInputError(`detail is ${shown(detail)}; expected an object`);
  }
  const modelPackageArn = nonEmptyString(detail.ModelPackageArn, 'detail.ModelPackageArn');
  if (!MODEL_PACKAGE_ARN.test(modelPackageArn)) {
    throw new DeployInputError(
      `detail.ModelPackageArn is ${shown(modelPackageArn)}; expected the ARN of a model package version`,
    );
  }
  const version = detail.ModelPackageVersion;
  return {
    eventId,
    modelPackageGroupName: nonEmptyString(detail.ModelPackageGroupName, 'detail.ModelPackageGroupName'),
    modelPackageArn,
    modelApprovalStatus: nonEmptyString(detail.ModelApprovalStatus, 'detail.ModelApprovalStatus'),
    ...(typeof version === 'number' && Number.isInteger(version) ? { modelPackageVersion: version } : {}),
  };
}

/** A group's name, given its name or ARN. */
export function groupNameOf(nameOrArn: string): string {
  const slash = nameOrArn.lastIndexOf('/');
  return slash < 0 ? nameOrArn : nameOrArn.slice(slash + 1);
}

/**
 * Why the event is not deployed, or `undefined` when it may be: it must say `Approved` and be
 * about the settings' group. Group names are compared ignoring case, as SageMaker does (its ARNs
 * write them in lower case).
 */
export function ignoredReason(change: StateChange, settings: DeploySettings): string | undefined {
  const group = groupNameOf(settings.modelPackageGroupName);
  if (change.modelPackageGroupName.toLowerCase() !== group.toLowerCase()) {
    return `the package is in group ${change.modelPackageGroupName}, not ${group}`;
  }
  if (change.modelApprovalStatus !== APPROVED) {
    return `the package is ${change.modelApprovalStatus}, not ${APPROVED}`;
  }
  return undefined;
}
