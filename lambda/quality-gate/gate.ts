/**
 * The pure logic of the training pipeline's quality gate: decide whether a newly registered model
 * package is good enough to deploy, and build the UpdateModelPackage request that records the
 * decision and its reason on the package. No I/O; the handler sends the request.
 *
 * A package (the challenger) passes when every check passes:
 * - its test AUC is at least the policy's minimum (`auc >= minAuc`: exactly the minimum passes);
 * - acting on it at its cost-optimal cutoff is expected to cost strictly less than doing nothing
 *   (a model that saves nothing is not worth deploying);
 * - when a model is in service (the champion, the group's latest approved version, which the
 *   pipeline scored on the same test split with the same transform and evaluation), its test AUC
 *   beats the champion's by at least the policy's margin (`auc - championAuc >= championMargin`,
 *   the difference rounded to 12 decimals so that a gain of exactly the margin is not lost to
 *   floating point; with a margin of 0 a tie passes, and the model trained on fresher data
 *   replaces the other). With no champion there is nothing to beat, and the reason says so;
 * - when the policy gates on the campaign (`onCampaign`, config `business.gateOnCampaign`), the
 *   campaign at the budget-constrained cutoff (`lambda/evaluate/business.ts`, which defines every
 *   figure) stays within the budget (`spend <= budget`: exactly the budget passes) and improves on
 *   doing nothing (`netValue > 0`: the churners it keeps are worth more than its incentives cost;
 *   doing nothing spends nothing and keeps no one, so a campaign that offers nobody fails).
 * Whether or not the campaign is checked, the reason states its figures: the cutoff, the spend
 * against the budget, the net value against doing nothing, and the projected churn rate against
 * the target, with the budget this model would need to reach it when it does not. (The target is
 * stated, never checked: a model can be worth deploying though no budget reaches it.)
 * A package that fails is Rejected; one that passes is Approved when the stage approves
 * automatically, and stays PendingManualApproval, for a person to decide, when it does not.
 *
 * Besides the SageMaker request, the module shapes what the pipeline records of the decision: the
 * scores of both models ({@link scoresOf}) and the `Retraining decision` event
 * ({@link decisionEvent}) that the dashboard lists.
 *
 * The input is checked, not trusted: anything malformed throws a {@link GateInputError} that names
 * the field and the value received. The reason stays within the API's 1,024 characters.
 */
import type { ModelApprovalStatus, UpdateModelPackageCommandInput } from '@aws-sdk/client-sagemaker';
import type { RetrainingDecisionDetail } from '../../lib/contracts/monitoring-events';
import { shown } from '../../lib/contracts/shown';
import type { BusinessSummary } from '../evaluate/business';

/** Thrown when the gate's input is malformed. The message names the field and the value received. */
export class GateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GateInputError';
  }
}

/** The model in service, scored on the run's test split by the same transform and evaluation. */
export interface Champion {
  /** Its model package version's ARN. */
  readonly modelPackageArn: string;
  /** Its area under the ROC curve on the run's test split, in [0, 1]. */
  readonly auc: number;
}

/** What the training pipeline passes: the run, the package and the numbers of its evaluation, and the champion's. */
export interface GateEvent {
  /** The pipeline run, which the decision event names as its trigger. */
  readonly runId: string;
  /** `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>` */
  readonly modelPackageArn: string;
  /** Area under the ROC curve on the test split, in [0, 1]. */
  readonly auc: number;
  /** The expected cost of acting on the model at its cost-optimal cutoff (>= 0). */
  readonly costAtOptimalCutoff: number;
  /** The expected cost of giving nobody an offer (>= 0). */
  readonly costOfDoingNothing: number;
  /** The business case at the budget-constrained cutoff, as the evaluate step summarises it. */
  readonly business: BusinessSummary;
  /** The model in service, or `null` when the group has no approved version. Absent is not `null`: it is missing. */
  readonly champion: Champion | null;
}

/** How the stage approves a package that passes. */
export type ApprovalMode = 'automatic' | 'manual';

/** The approval modes, for checking configuration. */
export const APPROVAL_MODES: readonly ApprovalMode[] = ['automatic', 'manual'];

/** The stage's policy, from the function's environment. */
export interface GatePolicy {
  /** The lowest test AUC that passes, in [0, 1]. */
  readonly minAuc: number;
  /** `automatic`: a package that passes is Approved; `manual`: it waits for a person. */
  readonly approval: ApprovalMode;
  /** The test AUC by which a challenger must beat the champion, in [0, 0.5] (`retraining.championMargin`). */
  readonly championMargin: number;
  /**
   * Whether the campaign at the budget-constrained cutoff must also be within the budget and worth
   * more than doing nothing (`business.gateOnCampaign`). Its figures are stated either way.
   */
  readonly onCampaign: boolean;
}

/** Both models' scores and the margin, as the pipeline records them beside the decision. */
export interface GateScores {
  /** The challenger's (this package's) test AUC. */
  readonly challengerAuc: number;
  /** The champion and its test AUC on the same split, or `null` when there was none. */
  readonly champion: Champion | null;
  /** The margin the challenger had to win by. */
  readonly championMargin: number;
}

/** The package's status after the gate. */
export type GateStatus = Extract<ModelApprovalStatus, 'Approved' | 'PendingManualApproval' | 'Rejected'>;

/** The gate's decision. */
export interface GateDecision {
  /** Whether every check passed. */
  readonly passed: boolean;
  /** Approved or PendingManualApproval when it passed, Rejected when it did not. */
  readonly status: GateStatus;
  /** What was checked, with the numbers, and what happens next; 1 to 1,024 characters. */
  readonly reason: string;
}

/** The longest `ApprovalDescription` the API takes. */
export const REASON_MAX_LENGTH = 1024;

/** The status a package is registered with; the gate leaves it as it is unless it changes. */
const REGISTERED_STATUS: GateStatus = 'PendingManualApproval';

// ---------------------------------------------------------------------------------------------
// The input.

/** A versioned model package's ARN, in any partition. */
const MODEL_PACKAGE_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}\/[1-9]\d*$/;

function modelPackageArn(value: unknown, field: string): string {
  if (typeof value !== 'string' || !MODEL_PACKAGE_ARN.test(value)) {
    throw new GateInputError(
      `${field} is ${shown(value)}; expected arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>`,
    );
  }
  return value;
}

function numberIn(value: unknown, field: string, min: number, max: number, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new GateInputError(`${field} is ${shown(value)}; expected ${expected}`);
  }
  return value + 0; // -0 becomes 0
}

function cost(value: unknown, field: string): number {
  return numberIn(value, field, 0, Number.MAX_VALUE, 'a finite number >= 0');
}

function rate(value: unknown, field: string): number {
  return numberIn(value, field, 0, 1, 'a finite number from 0 to 1');
}

function trueOrFalse(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    throw new GateInputError(`${field} is ${shown(value)}; expected true or false`);
  }
  return value;
}

/** The fields of {@link BusinessSummary}, as an error message lists them. */
const BUSINESS_FIELDS =
  'budget, spend, cutoff, projectedChurnRate, targetChurnRate, targetMet, churnRateBefore, netValue, budgetToReachTarget';

function business(value: unknown): BusinessSummary {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GateInputError(`business is ${shown(value)}; expected an object (${BUSINESS_FIELDS})`);
  }
  const b = value as Readonly<Record<string, unknown>>;
  return {
    budget: cost(b.budget, 'business.budget'),
    spend: cost(b.spend, 'business.spend'),
    cutoff:
      b.cutoff === null
        ? null
        : numberIn(b.cutoff, 'business.cutoff', 0, 1, 'a finite number from 0 to 1, or null when nobody is offered'),
    projectedChurnRate: rate(b.projectedChurnRate, 'business.projectedChurnRate'),
    targetChurnRate: rate(b.targetChurnRate, 'business.targetChurnRate'),
    targetMet: trueOrFalse(b.targetMet, 'business.targetMet'),
    churnRateBefore: rate(b.churnRateBefore, 'business.churnRateBefore'),
    netValue: numberIn(b.netValue, 'business.netValue', -Number.MAX_VALUE, Number.MAX_VALUE, 'a finite number'),
    budgetToReachTarget:
      b.budgetToReachTarget === null
        ? null
        : numberIn(
            b.budgetToReachTarget,
            'business.budgetToReachTarget',
            0,
            Number.MAX_VALUE,
            'a finite number >= 0, or null when no budget reaches the target',
          ),
  };
}

function champion(value: unknown): Champion | null {
  if (value === null) {
    return null;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new GateInputError(
      `champion is ${shown(value)}; expected an object (modelPackageArn, auc), or null when no model is in service`,
    );
  }
  const c = value as Readonly<Record<string, unknown>>;
  return {
    modelPackageArn: modelPackageArn(c.modelPackageArn, 'champion.modelPackageArn'),
    auc: numberIn(c.auc, 'champion.auc', 0, 1, 'a finite number from 0 to 1'),
  };
}

/**
 * The input, checked.
 * @throws GateInputError naming the first field that is missing or wrong, and its value
 */
export function parseGateEvent(input: unknown): GateEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new GateInputError(`the input is ${shown(input)}; expected an object`);
  }
  const i = input as Readonly<Record<string, unknown>>;
  if (typeof i.runId !== 'string' || i.runId.trim() === '') {
    throw new GateInputError(`runId is ${shown(i.runId)}; expected a non-empty string`);
  }
  return {
    runId: i.runId,
    modelPackageArn: modelPackageArn(i.modelPackageArn, 'modelPackageArn'),
    auc: rate(i.auc, 'auc'),
    costAtOptimalCutoff: cost(i.costAtOptimalCutoff, 'costAtOptimalCutoff'),
    costOfDoingNothing: cost(i.costOfDoingNothing, 'costOfDoingNothing'),
    business: business(i.business),
    champion: champion(i.champion),
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers as the reason shows them.

/** The most decimals shown when two different numbers would otherwise read the same. */
const MAX_DECIMALS = 20;

/** One text for each of the numbers `T`. */
type Texts<T extends readonly number[]> = { readonly [K in keyof T]: string };

/**
 * `values` as `format` writes them with `decimals` decimals, or with more when two different
 * numbers would otherwise read the same (an AUC of 0.7499 is not shown as "0.750 is below 0.750").
 */
function distinct<T extends readonly [number, ...number[]]>(
  values: T,
  decimals: number,
  format: (n: number, d: number) => string,
): Texts<T> {
  const readsApart = (texts: readonly string[]): boolean =>
    values.every((a, i) => values.every((b, j) => j <= i || a === b || texts[i] !== texts[j]));
  for (let d = decimals; d <= MAX_DECIMALS; d++) {
    const texts = values.map((v) => format(v, d));
    if (readsApart(texts)) {
      return texts as unknown as Texts<T>;
    }
  }
  return values.map(String) as unknown as Texts<T>;
}

function fixed(n: number, d: number): string {
  return n.toFixed(d);
}

const GROUPED = new Map<number, Intl.NumberFormat>();

/** A cost with thousands separators (`12,400`, `12,400.5`); in exponent notation from 1e15 on. */
function money(n: number, d: number): string {
  if (Math.abs(n) >= 1e15) {
    return n.toExponential(d);
  }
  let format = GROUPED.get(d);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: d });
    GROUPED.set(d, format);
  }
  return format.format(n);
}

// ---------------------------------------------------------------------------------------------
// The decision.

function checkPolicy(policy: GatePolicy): void {
  if (!Number.isFinite(policy.minAuc) || policy.minAuc < 0 || policy.minAuc > 1) {
    throw new RangeError(`the policy's minimum AUC is ${String(policy.minAuc)}; expected a number from 0 to 1`);
  }
  if (!APPROVAL_MODES.includes(policy.approval)) {
    throw new RangeError(`the policy's approval is ${shown(policy.approval)}; expected automatic or manual`);
  }
  if (!Number.isFinite(policy.championMargin) || policy.championMargin < 0 || policy.championMargin > 0.5) {
    throw new RangeError(
      `the policy's champion margin is ${String(policy.championMargin)}; expected a number from 0 to 0.5`,
    );
  }
  if (typeof policy.onCampaign !== 'boolean') {
    throw new RangeError(`the policy's onCampaign is ${shown(policy.onCampaign)}; expected true or false`);
  }
}

/** Decimals a gain is rounded to before it is compared with the margin (AUCs are ratios of counts). */
const GAIN_DECIMALS = 12;

/** The challenger's test AUC minus the champion's, rounded to {@link GAIN_DECIMALS} decimals. */
function gainOver(auc: number, championAuc: number): number {
  const scale = 10 ** GAIN_DECIMALS;
  return Math.round((auc - championAuc) * scale) / scale + 0; // -0 becomes 0
}

/** The champion as the reason names it: its version (the group is the challenger's) and its score. */
function championText(c: Champion, aucText: string): string {
  const version = c.modelPackageArn.slice(c.modelPackageArn.lastIndexOf('/') + 1);
  return `the model in service (version ${version}, test AUC ${aucText} on the same test split)`;
}

/** The champion check: whether it passed, and its words for a passed or a failed reason. */
function championCheck(
  auc: number,
  c: Champion | null,
  margin: number,
): { readonly passed: boolean; readonly text: string } {
  if (c === null) {
    return { passed: true, text: 'no model is in service to compare with' };
  }
  const gain = gainOver(auc, c.auc);
  const [, championAucText] = distinct([auc, c.auc], 3, fixed);
  const [gainText, marginText] = distinct([gain, margin], 3, fixed);
  const champ = championText(c, championAucText);
  return gain >= margin
    ? { passed: true, text: `it beats ${champ} by ${gainText}, at least the margin ${marginText}` }
    : { passed: false, text: `test AUC gain ${gainText} over ${champ} is below the margin ${marginText}` };
}

/**
 * The campaign check: whether it passed (always, when the policy does not make it), and the
 * campaign's figures in words, which every reason states. The spend and the budget, the net value
 * and nothing, and the budget the target needs and the budget never read the same when they differ.
 */
function campaignCheck(b: BusinessSummary, onCampaign: boolean): { readonly passed: boolean; readonly text: string } {
  const [spendText, budgetText] = distinct([b.spend, b.budget], 0, money);
  const [valueText] = distinct([Math.abs(b.netValue), 0], 0, money);
  const worth =
    b.netValue > 0
      ? `worth ${valueText} more than doing nothing`
      : b.netValue < 0
        ? `worth ${valueText} less than doing nothing`
        : 'worth no more than doing nothing';
  const spends = `spends ${spendText} of the ${budgetText} budget, ${worth}`;
  const where =
    b.cutoff === null ? 'offering nobody (no cutoff)' : `at cutoff ${distinct([b.cutoff, 0, 1], 3, fixed)[0]}`;

  // Percentages with one decimal, or more when two different rates would read the same.
  const [projected, target, before] = distinct(
    [b.projectedChurnRate * 100, b.targetChurnRate * 100, b.churnRateBefore * 100],
    1,
    fixed,
  );
  let met = 'met';
  if (!b.targetMet) {
    met =
      b.budgetToReachTarget === null
        ? 'not met; not reachable at any budget with this model'
        : `not met; this model needs ${distinct([b.budgetToReachTarget, b.budget], 0, money)[0]} to reach it`;
  }
  const churn = `projected churn ${projected}% (from ${before}%) against the ${target}% target (${met})`;

  const failures = [
    ...(b.spend <= b.budget ? [] : ['over budget']),
    ...(b.netValue > 0 ? [] : ['no better than doing nothing']),
  ];
  if (!onCampaign) {
    return { passed: true, text: `the campaign ${where} ${spends} (not a check in this stage); ${churn}` };
  }
  return failures.length === 0
    ? { passed: true, text: `the campaign ${where} ${spends}; ${churn}` }
    : { passed: false, text: `the campaign is ${failures.join(' and ')}: ${where}, it ${spends}; ${churn}` };
}

/** `text`, cut to `max` characters with an ellipsis if it is longer. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Whether the package passes, the status it gets, and why.
 * @param input the input as received from the state machine; checked first, whatever its type says
 * @throws GateInputError naming the field, when the input is malformed
 */
export function decide(input: GateEvent, policy: GatePolicy): GateDecision {
  checkPolicy(policy);
  const { auc, costAtOptimalCutoff, costOfDoingNothing, business: b, champion: c } = parseGateEvent(input);
  const aucPassed = auc >= policy.minAuc;
  const costPassed = costAtOptimalCutoff < costOfDoingNothing;
  const versus = championCheck(auc, c, policy.championMargin);
  const campaign = campaignCheck(b, policy.onCampaign);
  const [aucText, minText] = distinct([auc, policy.minAuc], 3, fixed);
  const [costText, nothingText] = distinct([costAtOptimalCutoff, costOfDoingNothing], 2, money);

  if (!aucPassed || !costPassed || !versus.passed || !campaign.passed) {
    const failures: string[] = [];
    if (!aucPassed) {
      failures.push(`test AUC ${aucText} is below the minimum ${minText}`);
    }
    if (!costPassed) {
      failures.push(`expected cost ${costText} is not below the cost of doing nothing, ${nothingText}`);
    }
    if (!versus.passed) {
      failures.push(versus.text);
    }
    // The campaign's figures come last, whether its check failed or was not made or passed.
    failures.push(campaign.text);
    return { passed: false, status: 'Rejected', reason: clip(failures.join('; '), REASON_MAX_LENGTH) };
  }

  const passed =
    `passed: test AUC ${aucText} meets the minimum ${minText} and expected cost ${costText} ` +
    `is below the cost of doing nothing, ${nothingText}; ${versus.text}; ${campaign.text}`;
  return policy.approval === 'automatic'
    ? {
        passed: true,
        status: 'Approved',
        reason: clip(`${passed}; approved automatically, as this stage approves what passes`, REASON_MAX_LENGTH),
      }
    : {
        passed: true,
        status: 'PendingManualApproval',
        reason: clip(`${passed}; waits for a person to approve or reject it`, REASON_MAX_LENGTH),
      };
}

/**
 * Both models' scores, as the pipeline records them: the challenger's test AUC, the champion (or
 * `null`) and the margin.
 * @throws GateInputError naming the field, when the input is malformed
 */
export function scoresOf(input: GateEvent, policy: GatePolicy): GateScores {
  const { auc, champion: c } = parseGateEvent(input);
  return { challengerAuc: auc, champion: c, championMargin: policy.championMargin };
}

/** `champion` in the package metadata when no model was in service. */
export const NO_CHAMPION = 'none';

/**
 * The UpdateModelPackage request that records `decision` on the package: the approval status only
 * when it changes (Approved or Rejected; the package was registered PendingManualApproval), the
 * reason as the approval description, and in the package metadata `qualityGate: passed|failed`,
 * the champion's version ARN and test AUC (`none` for both when there was none) and the margin.
 * (The challenger's own test AUC is the `testAuc` the register function recorded.)
 * @throws GateInputError when `arn` is not a versioned model package's ARN
 */
export function updateInput(arn: string, decision: GateDecision, scores: GateScores): UpdateModelPackageCommandInput {
  return {
    ModelPackageArn: modelPackageArn(arn, 'modelPackageArn'),
    ...(decision.status === REGISTERED_STATUS ? {} : { ModelApprovalStatus: decision.status }),
    ApprovalDescription: decision.reason,
    CustomerMetadataProperties: {
      qualityGate: decision.passed ? 'passed' : 'failed',
      championModelPackageArn: scores.champion?.modelPackageArn ?? NO_CHAMPION,
      championTestAuc: scores.champion === null ? NO_CHAMPION : String(scores.champion.auc),
      championMargin: String(scores.championMargin),
    },
  };
}

/**
 * The `Retraining decision` event of a gate decision: `challenger-promoted` when the package passed
 * (it replaces the model in service: at once where the stage approves automatically, once a person
 * approves it where it does not, as the reason says), `challenger-rejected` when it did not; the
 * gate's reason, with its numbers; the run as the trigger.
 */
export function decisionEvent(runId: string, decision: GateDecision): RetrainingDecisionDetail {
  return {
    decision: decision.passed ? 'challenger-promoted' : 'challenger-rejected',
    reason: decision.reason,
    trigger: `training pipeline run ${runId}`,
  };
}
