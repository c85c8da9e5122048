import type { Definition, StateJson } from '../support/state-machine';

/** Every state of a definition, those inside Parallel branches included, by name. */
export function allStates(definition: Pick<Definition, 'States'>): Record<string, StateJson> {
  const states: Record<string, StateJson> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    states[name] = state;
    for (const branch of (state.Branches as Definition[] | undefined) ?? []) {
      Object.assign(states, allStates(branch));
    }
  }
  return states;
}

/**
 * Follows `Next` from the start: the main path's state names, in order. At a Choice state it takes
 * the rule at index `choose[name]`, or the `Default` when none is given for it.
 */
export function mainPath(definition: Definition, choose: Readonly<Record<string, number>> = {}): string[] {
  const path: string[] = [];
  let name: string | undefined = definition.StartAt;
  while (name !== undefined) {
    path.push(name);
    const state: StateJson | undefined = definition.States[name];
    if (state?.Type === 'Choice') {
      const rule: number | undefined = choose[name];
      const rules = state.Choices as { Next: string }[];
      name = rule === undefined ? (state.Default as string) : rules[rule]?.Next;
    } else {
      name = state?.Next as string | undefined;
    }
  }
  return path;
}
