/**
 * Training-pipeline step: the quality gate. Decides whether the newly registered model package (the
 * challenger) is Approved, left PendingManualApproval or Rejected, against the stage's minimum, the
 * cost of doing nothing and, when a model is in service, that model (the champion) scored on the
 * same test split; records the decision, its reason and the champion's score on the package; and
 * answers the decision, both scores and the `Retraining decision` event, which the state machine
 * writes to the run's evaluation folder and puts on EventBridge. Thin by design: the decision and
 * the request are made by `gate.ts`, pure and tested without mocks.
 *
 * The policy is read from the environment when the module loads: `MIN_AUC` (a number from 0 to 1),
 * `APPROVAL` (`automatic` or `manual`) and `CHAMPION_MARGIN` (a number from 0 to 0.5); a bad
 * variable fails the first invocation with an EnvironmentError naming it. Errors are not caught:
 * the state machine sees them by name (GateInputError, EnvironmentError, the SDK's exceptions).
 * Recording the same decision twice changes nothing, so a retry is safe.
 */
import { SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import type { RetrainingDecisionDetail } from '../../lib/contracts/monitoring-events';
import { numberFromEnv, oneOfFromEnv } from '../shared/env';
import {
  APPROVAL_MODES,
  decide,
  decisionEvent,
  type GateDecision,
  type GateEvent,
  type GatePolicy,
  type GateScores,
  scoresOf,
  updateInput,
} from './gate';

/** What the state machine gets back: the package, the decision, both scores, and the event to put. */
export interface GateResult extends GateDecision, GateScores {
  readonly modelPackageArn: string;
  /** The detail of the `Retraining decision` event the state machine puts on the default bus. */
  readonly event: RetrainingDecisionDetail;
}

const policy: GatePolicy = {
  minAuc: numberFromEnv(process.env, 'MIN_AUC', 0, 1),
  approval: oneOfFromEnv(process.env, 'APPROVAL', APPROVAL_MODES),
  championMargin: numberFromEnv(process.env, 'CHAMPION_MARGIN', 0, 0.5),
};
const sagemaker = new SageMakerClient({});

/**
 * The Lambda entry point. Logs one line per invocation: the decision and its numbers (logged as an
 * object: the function uses Lambda's JSON log format, which nests it under `message`).
 */
export const handler = async (event: GateEvent): Promise<GateResult> => {
  const decision = decide(event, policy);
  const scores = scoresOf(event, policy);
  await sagemaker.send(new UpdateModelPackageCommand(updateInput(event.modelPackageArn, decision, scores)));
  const result: GateResult = {
    modelPackageArn: event.modelPackageArn,
    ...decision,
    ...scores,
    event: decisionEvent(event.runId, decision),
  };
  console.log({
    event: 'quality-gate.decided',
    modelPackageArn: result.modelPackageArn,
    passed: result.passed,
    status: result.status,
    reason: result.reason,
    auc: event.auc,
    championAuc: scores.champion?.auc ?? null,
    costAtOptimalCutoff: event.costAtOptimalCutoff,
    costOfDoingNothing: event.costOfDoingNothing,
    minAuc: policy.minAuc,
    approval: policy.approval,
    championMargin: policy.championMargin,
  });
  return result;
};
