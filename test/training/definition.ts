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

/** Follows `Next` from the start: the main path's state names, in order. */
export function mainPath(definition: Definition): string[] {
  const path: string[] = [];
  let name: string | undefined = definition.StartAt;
  while (name !== undefined) {
    path.push(name);
    name = definition.States[name]?.Next as string | undefined;
  }
  return path;
}
