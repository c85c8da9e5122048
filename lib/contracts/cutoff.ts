/**
 * The cutoff the offers are decided at, and the decision. The evaluation stores the cost-optimal
 * cutoff in the model package's `optimalCutoff` metadata: a probability, or `none` when giving
 * nobody an offer was cheapest. When it cannot be read, {@link FALLBACK_CUTOFF} is used and the
 * cutoff carries the reason, so the report can say why.
 *
 * Among the contracts because the serving CLI (`npm run invoke`) and the monitors' functions both
 * read the deployed cutoff, and a function may import only contracts and schema.
 */
import { readProbability } from './probability';

/** The model package metadata key of the cost-optimal cutoff. */
export const CUTOFF_METADATA_KEY = 'optimalCutoff';

/** `optimalCutoff` when the cheapest decision is to offer nobody. */
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
export function cutoffFromMetadata(modelPackageArn: string, text: string | undefined): Cutoff {
  const source = `the ${CUTOFF_METADATA_KEY} of model package ${modelPackageArn}`;
  if (text === undefined) {
    return fallbackCutoff(`model package ${modelPackageArn} has no ${CUTOFF_METADATA_KEY} metadata`);
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
