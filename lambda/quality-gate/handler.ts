/**
 * Training-pipeline step: the quality gate. Decides whether the newly registered model package is
 * Approved, left PendingManualApproval or Rejected, and records the decision and its reason on the
 * package. Thin by design: the decision and the request are made by `gate.ts`, pure and tested
 * without mocks.
 *
 * The policy is read from the environment when the module loads: `MIN_AUC` (a number from 0 to 1)
 * and `APPROVAL` (`automatic` or `manual`); a bad variable fails the first invocation with an
 * EnvironmentError naming it. Errors are not caught: the state machine sees them by name
 * (GateInputError, EnvironmentError, the SDK's exceptions). Recording the same decision twice
 * changes nothing, so a retry is safe.
 */
import { SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { numberFromEnv, oneOfFromEnv } from '../shared/env';
import { APPROVAL_MODES, decide, type GateDecision, type GateEvent, type GatePolicy, updateInput } from './gate';

/** What the state machine gets back: the package and the decision, for its Choice state. */
export interface GateResult extends GateDecision {
  readonly modelPackageArn: string;
}

const policy: GatePolicy = {
  minAuc: numberFromEnv(process.env, 'MIN_AUC', 0, 1),
  approval: oneOfFromEnv(process.env, 'APPROVAL', APPROVAL_MODES),
};
const sagemaker = new SageMakerClient({});

/**
 * The Lambda entry point. Logs one line per invocation: the decision and its numbers (logged as an
 * object: the function uses Lambda's JSON log format, which nests it under `message`).
 */
export const handler = async (event: GateEvent): Promise<GateResult> => {
  const decision = decide(event, policy);
  await sagemaker.send(new UpdateModelPackageCommand(updateInput(event.modelPackageArn, decision)));
  const result: GateResult = { modelPackageArn: event.modelPackageArn, ...decision };
  console.log({
    event: 'quality-gate.decided',
    ...result,
    auc: event.auc,
    costAtOptimalCutoff: event.costAtOptimalCutoff,
    costOfDoingNothing: event.costOfDoingNothing,
    minAuc: policy.minAuc,
    approval: policy.approval,
  });
  return result;
};
