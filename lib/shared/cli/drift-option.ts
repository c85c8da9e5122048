/**
 * `--drift SCENARIO`, read the same way by the CLIs that generate customers (`npm run produce`,
 * `npm run invoke`): one of the named scenarios of `lib/schema/drift-scenarios.ts`, in full from the
 * first customer on, so that the records sent and the requests scored drift alike.
 */
import type { DriftOptions } from '../../schema/drift';
import {
  DRIFT_SCENARIO_NAMES,
  DRIFT_SCENARIOS,
  type DriftScenarioName,
  driftScenario,
  isDriftScenarioName,
} from '../../schema/drift-scenarios';
import { UsageError } from './args';

/** The help text's lines for `--drift`, indented to sit under the option. */
export const DRIFT_OPTION_HELP = DRIFT_SCENARIO_NAMES.map(
  (name) => `                   ${name}: ${DRIFT_SCENARIOS[name].description}`,
).join('\n');

/** A scenario asked for with `--drift`. */
export interface DriftChoice {
  /** The scenario's name, as given. */
  readonly name: DriftScenarioName;
  /** Its drift, complete before any snapshot the generator draws (the ramp is a step at the epoch). */
  readonly drift: DriftOptions;
}

/**
 * The scenario `--drift` asks for; undefined without the option.
 * @throws UsageError naming the value and the scenarios allowed
 */
export function driftOption(text: string | undefined): DriftChoice | undefined {
  if (text === undefined) {
    return undefined;
  }
  if (!isDriftScenarioName(text)) {
    throw new UsageError(`--drift is "${text}"; expected one of: ${DRIFT_SCENARIO_NAMES.join(', ')}`);
  }
  return { name: text, drift: driftScenario(text, new Date(0)) };
}
