/**
 * The cutoff the offers are decided at, and the decision. The campaign runs at the evaluation's
 * budget-constrained cutoff (`lambda/evaluate/business.ts`), which the pipeline stores in the model
 * package's `budgetCutoff` metadata: a probability, or `none` when the campaign offers nobody. A
 * package registered before the business case has only `optimalCutoff`, its cost-optimal cutoff,
 * which is read instead. When neither can be read, {@link FALLBACK_CUTOFF} is used and the cutoff
 * carries the reason, so the report can say why.
 *
 * Among the contracts because the serving CLI (`npm run invoke`) and the monitors' functions both
 * read the deployed cutoff, and a function may import only contracts and schema.
 */
import { readProbability } from './probability';

/** The model package metadata key of the deployed cutoff: the budget-constrained one. */
export const CUTOFF_METADATA_KEY = 'budgetCutoff';

/**
 * The key of the cost-optimal cutoff, which every package has; the deployed cutoff of a package
 * registered before `budgetCutoff` existed.
 */
export const LEGACY_CUTOFF_METADATA_KEY = 'optimalCutoff';

/** The cutoff metadata when the campaign offers nobody. */
export const NO_CUTOFF = 'none';

/** The cutoff used when the model's own cannot be read. */
export const FALLBACK_CUTOFF = 0.5;

/** The cutoff the decisions are made at. */
export interface Cutoff {
  /** A probability, or `null` when the cheapest decision is to offer nobody. */
  readonly value: number | null;
  /** Where it came from, or why the fallback is used. */
  readonly source: string;
  /** Whether it is {@link FALLBACK_CUTOFF} because the model's own could not be read. */
  readonly fallback: boolean;
}

/** The decision for one customer. */
export type Decision = 'offer' | 'no offer';

/** `offer` when the probability is at least the cutoff; nobody gets one at a `null` cutoff. */
export function decide(probability: number, cutoff: number | null): Decision {
  return cutoff !== null && probability >= cutoff ? 'offer' : 'no offer';
}

/** {@link FALLBACK_CUTOFF}, because of `reason`. */
export function fallbackCutoff(reason: string): Cutoff {
  return { value: FALLBACK_CUTOFF, source: reason, fallback: true };
}

/**
 * The cutoff from a model package's `optimalCutoff` metadata: a number from 0 to 1, or `none`
 * (offer nobody); the fallback, with the reason, when it is absent or unreadable.
 */
export function cutoffFromMetadata(
  modelPackageArn: string,
  text: string | undefined,
  key: string = CUTOFF_METADATA_KEY,
): Cutoff {
  const source = `the ${key} of model package ${modelPackageArn}`;
  if (text === undefined) {
    return fallbackCutoff(`model package ${modelPackageArn} has no ${key} metadata`);
  }
  if (text.trim().toLowerCase() === NO_CUTOFF) {
    return { value: null, source, fallback: false };
  }
  const value = readProbability(text);
  if (value === undefined) {
    return fallbackCutoff(
      `${source} is ${JSON.stringify(text)}, which is neither a number from 0 to 1 nor ${JSON.stringify(NO_CUTOFF)}`,
    );
  }
  return { value, source, fallback: false };
}

/**
 * The deployed cutoff of a model package, from its metadata: `budgetCutoff`, else (a package
 * registered before it existed) `optimalCutoff`, else the fallback, with the reason.
 */
export function cutoffOfPackage(
  modelPackageArn: string,
  metadata: Readonly<Record<string, string>> | undefined,
): Cutoff {
  const budget = metadata?.[CUTOFF_METADATA_KEY];
  const legacy = metadata?.[LEGACY_CUTOFF_METADATA_KEY];
  if (budget === undefined && legacy !== undefined) {
    return cutoffFromMetadata(modelPackageArn, legacy, LEGACY_CUTOFF_METADATA_KEY);
  }
  return cutoffFromMetadata(modelPackageArn, budget);
}
