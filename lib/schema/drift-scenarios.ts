/**
 * Named drift scenarios, so that a command line can ask for drift by one word (`--drift usage`)
 * and the walkthrough, the local run and the tests show the same changes. Each is a `DriftOptions`
 * without its ramp; {@link driftScenario} places the ramp in time.
 *
 * Pure data, like the schema.
 */
import type { DriftOptions } from './drift';

/** A scenario: what changes, and what a monitor should find. */
export interface DriftScenario {
  /** What happens to the customers, in words. */
  readonly description: string;
  /** The changes, as `DriftOptions` without the ramp. */
  readonly drift: Omit<DriftOptions, 'rampStart' | 'rampEnd'>;
  /** The feature columns (or one-hot groups, by their source field) a drift check should flag: the rest should stay `ok`. */
  readonly drifted: readonly string[];
}

/** The scenarios by name. */
export const DRIFT_SCENARIOS = {
  /**
   * Usage moves: more day minutes (a new unlimited-day bundle) and more international plans.
   * Both raise the true churn rate a little, since the churn model weighs the charge and the plan.
   */
  usage: {
    description: 'day minutes up by 60 and 30% on the international plan (about 10% before)',
    drift: { features: { day_minutes: { shift: 60 }, international_plan: { probability: 0.3 } } },
    drifted: ['day_minutes', 'international_plan'],
  },
  /** The customer base moves: a campaign in three states brings younger customers. */
  market: {
    description: 'customers from CA, NY and TX only, and 20% younger',
    drift: { features: { state: { weights: { CA: 1, NY: 1, TX: 1 } }, age: { scale: 0.8 } } },
    drifted: ['state', 'age'],
  },
  /**
   * Who leaves changes, the customers do not: a competitor's offer takes young customers and heavy
   * evening callers. No drift check can see it; the live AUC of the model in service drops.
   */
  concept: {
    description:
      "who leaves changes (a competitor's offer to young customers and heavy evening callers); the features do not move",
    drift: { concept: { weight: 1 } },
    drifted: [],
  },
  /** Usage moves and who leaves changes: a drift verdict, a quality drop, and a retrained model that wins. */
  'usage+concept': {
    description: 'the usage scenario and the concept scenario together',
    drift: {
      features: { day_minutes: { shift: 60 }, international_plan: { probability: 0.3 } },
      concept: { weight: 1 },
    },
    drifted: ['day_minutes', 'international_plan'],
  },
} as const satisfies Readonly<Record<string, DriftScenario>>;

/** A scenario's name. */
export type DriftScenarioName = keyof typeof DRIFT_SCENARIOS;

/** The scenario names, for a command line's help and its error messages. */
export const DRIFT_SCENARIO_NAMES = Object.keys(DRIFT_SCENARIOS) as DriftScenarioName[];

/** Whether `name` is a scenario's name. */
export function isDriftScenarioName(name: string): name is DriftScenarioName {
  return Object.hasOwn(DRIFT_SCENARIOS, name);
}

/**
 * The drift of scenario `name`, beginning at `rampStart` and complete `rampHours` later (0: a step,
 * every snapshot after `rampStart` fully drifted).
 * @throws RangeError naming the scenario or the hours received and what is allowed
 */
export function driftScenario(name: string, rampStart: Date, rampHours = 0): DriftOptions {
  if (!isDriftScenarioName(name)) {
    throw new RangeError(
      `drift scenario ${JSON.stringify(name)} is unknown; expected one of: ${DRIFT_SCENARIO_NAMES.join(', ')}`,
    );
  }
  if (!(Number.isFinite(rampHours) && rampHours >= 0)) {
    throw new RangeError(`rampHours is ${String(rampHours)}; expected a number of hours, 0 or more`);
  }
  return {
    ...DRIFT_SCENARIOS[name].drift,
    rampStart,
    rampEnd: new Date(rampStart.getTime() + rampHours * 3_600_000),
  };
}
