/**
 * Training-pipeline step: the quality gate. Decides whether the newly registered model package (the
 * challenger) is Approved, left PendingManualApproval or Rejected, against the stage's minimum, the
 * cost of doing nothing, the model in service (the champion, scored on the same test split) when
 * there is one, and, when the stage gates on it, the campaign at the budget-constrained cutoff
 * (within the budget, worth more than doing nothing); records the decision, its reason (which states
 * the campaign's figures in every case) and the champion's score on the package; and answers the
 * decision, both scores and the `Retraining decision` event, which the state machine writes to the
 * run's evaluation folder and puts on EventBridge. Thin by design: the decision and the request are
 * made by `gate.ts`, pure and tested without mocks.
 *
 * The policy is read from the environment when the module loads: `MIN_AUC` (a number from 0 to 1),
 * `APPROVAL` (`automatic` or `manual`), `CHAMPION_MARGIN` (a number from 0 to 0.5) and
 * `GATE_ON_CAMPAIGN` (`true` or `false`, from config `business.gateOnCampaign`); a bad variable
 * fails the first invocation with an EnvironmentError naming it. Errors are not caught: the state
 * machine sees them by name (GateInputError, EnvironmentError, the SDK's exceptions).
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
  onCampaign: oneOfFromEnv(process.env, 'GATE_ON_CAMPAIGN', ['true', 'false']) === 'true',
};
const sagemaker = new SageMakerClient({});

/**
 * The Lambda entry point. Logs one line per invocation: the decision, its numbers and the campaign's
 * figures (logged as an object: the function uses Lambda's JSON log format, which nests it under
 * `message`).
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
    business: event.business,
    minAuc: policy.minAuc,
    approval: policy.approval,
    championMargin: policy.championMargin,
    onCampaign: policy.onCampaign,
  });
  return result;
};
