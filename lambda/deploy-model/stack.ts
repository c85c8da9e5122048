/**
 * The serving stack's state, as DescribeStacks describes it: whether to update it, leave it as it
 * is, or wait while it is busy (and how long to wait, with exponential backoff), or whether only a
 * person can help.
 */
import type { Stack } from '@aws-sdk/client-cloudformation';
import { shown } from '../../lib/contracts/shown';
import { SERVING_PARAMETERS } from '../../lib/contracts/serving';
import { ServingStackError } from './errors';

// ---------------------------------------------------------------------------------------------
// Waiting.

/** The longest the function waits, in all, for a busy stack, unless told otherwise. */
export const DEFAULT_MAX_WAIT_MS = 10 * 60_000;

/** The first wait for a busy stack; each next one is twice as long, up to {@link LONGEST_WAIT_MS}. */
export const FIRST_WAIT_MS = 5_000;

/** The longest single wait between two looks at a busy stack. */
export const LONGEST_WAIT_MS = 60_000;

/** How long to wait before the `attempt`th look again (from 0): exponential, capped. */
export function backoffMs(attempt: number): number {
  return Math.min(FIRST_WAIT_MS * 2 ** Math.max(0, attempt), LONGEST_WAIT_MS);
}

// ---------------------------------------------------------------------------------------------
// The state.

/** What to do with the stack as described. */
export type StackStep =
  { readonly step: 'update' } | { readonly step: 'unchanged' } | { readonly step: 'wait'; readonly status: string };

/** Statuses from which no update is possible without a person (besides `*_FAILED`), and why. */
const STUCK_REASONS: ReadonlyMap<string, string> = new Map([
  ['ROLLBACK_COMPLETE', 'its creation failed and was rolled back: delete it and deploy it again'],
  ['DELETE_IN_PROGRESS', 'it is being deleted'],
  ['DELETE_COMPLETE', 'it was deleted'],
  ['DELETE_FAILED', 'its deletion failed: see its events'],
]);

function parameterValue(stack: Stack, key: string): string | undefined {
  return stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;
}

/**
 * What to do with the stack, to serve `modelPackageArn`:
 * - `unchanged` when its `ModelPackageArn` parameter already names the package, and it is not
 *   rolling back (an update to it may be under way: a retry or a duplicate event);
 * - `wait` while it is busy (`*_IN_PROGRESS`), for another update to finish;
 * - `update` when it is in a stable state that can be updated (`CREATE_COMPLETE`,
 *   `UPDATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, `IMPORT_COMPLETE`, `IMPORT_ROLLBACK_COMPLETE`).
 * @throws ServingStackError when it cannot be updated without a person: `ROLLBACK_COMPLETE` (a
 *   failed creation), any `*_FAILED`, being deleted, an unknown status, without the
 *   `ModelPackageArn` parameter, or with one baseline parameter and not the other (a stack without
 *   Model Monitor has neither)
 */
export function stackStep(stack: Stack, modelPackageArn: string): StackStep {
  const name = stack.StackName ?? stack.StackId ?? 'the serving stack';
  const status: string = stack.StackStatus ?? 'without a status';
  if (STUCK_REASONS.has(status) || status.endsWith('_FAILED')) {
    const why = STUCK_REASONS.get(status) ?? 'a previous operation failed: see its events';
    throw new ServingStackError(`stack ${name} is ${status} and cannot be updated: ${why}${reasonOf(stack)}`);
  }
  const busy = status.endsWith('_IN_PROGRESS');
  const rollingBack = busy && status.includes('ROLLBACK');
  if (!rollingBack && parameterValue(stack, SERVING_PARAMETERS.modelPackageArn) === modelPackageArn) {
    return { step: 'unchanged' };
  }
  if (busy) {
    return { step: 'wait', status };
  }
  if (!status.endsWith('_COMPLETE')) {
    throw new ServingStackError(`stack ${name} is ${status}; expected a *_COMPLETE or *_IN_PROGRESS status`);
  }
  const keys = (stack.Parameters ?? []).map((p) => p.ParameterKey);
  const baselineKeys = [SERVING_PARAMETERS.baselineStatisticsUri, SERVING_PARAMETERS.baselineConstraintsUri];
  const hasBaselineKeys = baselineKeys.some((key) => keys.includes(key));
  const required = [SERVING_PARAMETERS.modelPackageArn, ...(hasBaselineKeys ? baselineKeys : [])];
  const missing = required.filter((key) => !keys.includes(key));
  if (missing.length > 0) {
    throw new ServingStackError(
      `stack ${name} has no parameter ${missing.join(', ')} (it has ${keys.length === 0 ? 'none' : keys.join(', ')}); ` +
        'is it the serving stack?',
    );
  }
  return { step: 'update' };
}

function reasonOf(stack: Stack): string {
  const reason = stack.StackStatusReason;
  return reason === undefined || reason === '' ? '' : ` (${shown(reason)})`;
}
