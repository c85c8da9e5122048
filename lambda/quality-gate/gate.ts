/**
 * The pure logic of the training pipeline's quality gate: decide whether a newly registered model
 * package is good enough to deploy, and build the UpdateModelPackage request that records the
 * decision and its reason on the package. No I/O; the handler sends the request.
 *
 * A package passes when both checks pass:
 * - its test AUC is at least the policy's minimum (`auc >= minAuc`: exactly the minimum passes);
 * - acting on it at its cost-optimal cutoff is expected to cost strictly less than doing nothing
 *   (a model that saves nothing is not worth deploying).
 * A package that fails is Rejected; one that passes is Approved when the stage approves
 * automatically, and stays PendingManualApproval, for a person to decide, when it does not.
 *
 * The input is checked, not trusted: anything malformed throws a {@link GateInputError} that names
 * the field and the value received. The reason stays within the API's 1,024 characters.
 */
import type { ModelApprovalStatus, UpdateModelPackageCommandInput } from '@aws-sdk/client-sagemaker';
import { shown } from '../../lib/contracts/shown';

/** Thrown when the gate's input is malformed. The message names the field and the value received. */
export class GateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GateInputError';
  }
}

/** What the training pipeline passes: the package and the numbers of its evaluation. */
export interface GateEvent {
  /** `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>` */
  readonly modelPackageArn: string;
  /** Area under the ROC curve on the test split, in [0, 1]. */
  readonly auc: number;
  /** The expected cost of acting on the model at its cost-optimal cutoff (>= 0). */
  readonly costAtOptimalCutoff: number;
  /** The expected cost of giving nobody an offer (>= 0). */
  readonly costOfDoingNothing: number;
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
}

/** The package's status after the gate. */
export type GateStatus = Extract<ModelApprovalStatus, 'Approved' | 'PendingManualApproval' | 'Rejected'>;

/** The gate's decision. */
export interface GateDecision {
  /** Whether both checks passed. */
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

/**
 * The input, checked.
 * @throws GateInputError naming the first field that is missing or wrong, and its value
 */
export function parseGateEvent(input: unknown): GateEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new GateInputError(`the input is ${shown(input)}; expected an object`);
  }
  const i = input as Readonly<Record<string, unknown>>;
  return {
    modelPackageArn: modelPackageArn(i.modelPackageArn, 'modelPackageArn'),
    auc: numberIn(i.auc, 'auc', 0, 1, 'a finite number from 0 to 1'),
    costAtOptimalCutoff: cost(i.costAtOptimalCutoff, 'costAtOptimalCutoff'),
    costOfDoingNothing: cost(i.costOfDoingNothing, 'costOfDoingNothing'),
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers as the reason shows them.

/** The most decimals shown when two different numbers would otherwise read the same. */
const MAX_DECIMALS = 20;

/**
 * `a` and `b` as `format` writes them with `decimals` decimals, or with more when two different
 * numbers would otherwise read the same (an AUC of 0.7499 is not shown as "0.750 is below 0.750").
 */
function distinct(a: number, b: number, decimals: number, format: (n: number, d: number) => string): [string, string] {
  for (let d = decimals; d <= MAX_DECIMALS; d++) {
    const [x, y] = [format(a, d), format(b, d)];
    if (x !== y || a === b) {
      return [x, y];
    }
  }
  return [String(a), String(b)];
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
  const { auc, costAtOptimalCutoff, costOfDoingNothing } = parseGateEvent(input);
  const aucPassed = auc >= policy.minAuc;
  const costPassed = costAtOptimalCutoff < costOfDoingNothing;
  const [aucText, minText] = distinct(auc, policy.minAuc, 3, fixed);
  const [costText, nothingText] = distinct(costAtOptimalCutoff, costOfDoingNothing, 2, money);

  if (!aucPassed || !costPassed) {
    const failures: string[] = [];
    if (!aucPassed) {
      failures.push(`test AUC ${aucText} is below the minimum ${minText}`);
    }
    if (!costPassed) {
      failures.push(`expected cost ${costText} is not below the cost of doing nothing, ${nothingText}`);
    }
    return { passed: false, status: 'Rejected', reason: clip(failures.join('; '), REASON_MAX_LENGTH) };
  }

  const passed =
    `passed: test AUC ${aucText} meets the minimum ${minText} and expected cost ${costText} ` +
    `is below the cost of doing nothing, ${nothingText}`;
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
 * The UpdateModelPackage request that records `decision` on the package: the approval status only
 * when it changes (Approved or Rejected; the package was registered PendingManualApproval), the
 * reason as the approval description, and `qualityGate: passed|failed` in the package metadata.
 * @throws GateInputError when `arn` is not a versioned model package's ARN
 */
export function updateInput(arn: string, decision: GateDecision): UpdateModelPackageCommandInput {
  return {
    ModelPackageArn: modelPackageArn(arn, 'modelPackageArn'),
    ...(decision.status === REGISTERED_STATUS ? {} : { ModelApprovalStatus: decision.status }),
    ApprovalDescription: decision.reason,
    CustomerMetadataProperties: { qualityGate: decision.passed ? 'passed' : 'failed' },
  };
}
