/**
 * Data drift for the synthetic customers: chosen features drawn from a moved distribution once
 * their snapshot is taken after a point in time, ramped in linearly, so that the drift monitor has
 * something to find and the walkthrough can show it.
 *
 * Drift changes a customer's values after they are drawn and before the churn label is drawn, so
 * the label stays the customer's true churn under the one churn model (the features move, the
 * model of who leaves does not). A customer's other features are exactly those it has without
 * drift: drift takes its randomness from a stream of its own.
 *
 * Pure data and small functions, like the schema: no imports beyond it.
 */
import { CHURN_FIELDS, type FieldSpec } from './churn';
import type { Random } from './random';

/**
 * A numeric feature at full drift: `value × scale + shift`, rounded to the field's grain (whole
 * numbers, tenths of a minute) without bias, and kept within the schema's range. Give one or both.
 */
export interface NumericDrift {
  /**
   * Added at full drift, in the field's unit (minutes, calls, days, years).
   * @default 0
   */
  readonly shift?: number;
  /**
   * Multiplies the value at full drift; greater than 0.
   * @default 1
   */
  readonly scale?: number;
}

/**
 * A category feature at full drift: drawn from these weights (by canonical value; unlisted values
 * weigh 0) instead of the usual mix.
 */
export interface CategoryDrift {
  readonly weights: Readonly<Record<string, number>>;
}

/** A boolean feature at full drift: true with this probability instead of the usual one. */
export interface BooleanDrift {
  readonly probability: number;
}

/** How one feature drifts; the kind must match the field's type. */
export type FeatureDrift = NumericDrift | CategoryDrift | BooleanDrift;

/**
 * A change of who leaves (concept drift), as opposed to a change of the customers (data drift): at
 * full drift the churn logit is `(1 − weight) × usual + weight × shifted`, where the shifted model
 * is a competitor's offer that takes young customers and heavy evening callers, whatever their
 * service calls or plans (see `customer-model.ts`). The features do not move, so a drift check on
 * the requests sees nothing: only outcomes show it, as a drop in the live AUC of a model trained
 * before it, which is what the quality monitor is for.
 */
export interface ConceptDrift {
  /** How far the churn model moves to the shifted one at full drift, 0 to 1 (1: entirely). */
  readonly weight: number;
}

/**
 * Which features drift, how, and when, and whether who leaves changes too. Records whose
 * `event_time` is at or before `rampStart` are drawn as without drift; from `rampEnd` on they
 * drift fully; in between, a fraction `(t − rampStart) / (rampEnd − rampStart)` of the way: a
 * numeric shift and the change of scale are that fraction of theirs, a category or boolean is
 * redrawn from the drifted mix with that probability (so each value's share moves linearly), and
 * the concept's weight is that fraction of its own.
 */
export interface DriftOptions {
  /**
   * By field name: see `DRIFTABLE_FIELDS` for the fields that can drift. At least one, unless
   * `concept` is given.
   * @default - no feature drifts (only with `concept`)
   */
  readonly features?: Readonly<Record<string, FeatureDrift>>;
  /**
   * A change of the churn model itself.
   * @default - who leaves stays as it was: only the features move
   */
  readonly concept?: ConceptDrift;
  /** When the drift begins. */
  readonly rampStart: Date;
  /** When it is complete; not before `rampStart` (equal: a step). */
  readonly rampEnd: Date;
}

/**
 * Fields that can drift, and why the others cannot: the id and time are not features; each charge
 * is the tariff times its minutes (drift the minutes and the charge follows); voice-mail messages
 * exist only with the plan, so neither moves alone; the label is what outcomes report.
 */
export const DRIFTABLE_FIELDS: readonly string[] = CHURN_FIELDS.filter(
  (f) =>
    !f.required &&
    f.label !== true &&
    !f.name.endsWith('_charge') &&
    f.name !== 'voice_mail_plan' &&
    f.name !== 'voice_mail_messages',
).map((f) => f.name);

/**
 * The grain a drifted value is rounded to: integers whole, doubles to the tenth (the only doubles
 * that drift are minutes, which the customer model draws to the tenth).
 */
function grainOf(field: FieldSpec): number {
  return field.type === 'double' ? 0.1 : 1;
}

const KEYS_BY_KIND = {
  numeric: ['shift', 'scale'],
  category: ['weights'],
  boolean: ['probability'],
} as const;

/** Throws a `RangeError` naming the key, the value received and what is allowed, unless `drift` is valid. */
export function checkDrift(drift: unknown): asserts drift is DriftOptions {
  if (!isObject(drift)) {
    throw new RangeError(`drift must be an object { features, concept, rampStart, rampEnd }; received ${show(drift)}`);
  }
  const unknownKeys = Object.keys(drift).filter((k) => !['features', 'concept', 'rampStart', 'rampEnd'].includes(k));
  if (unknownKeys.length > 0) {
    throw new RangeError(
      `${path('drift', unknownKeys[0] ?? '')} is not an option; expected: features, concept, rampStart, rampEnd`,
    );
  }
  for (const key of ['rampStart', 'rampEnd'] as const) {
    const date = drift[key];
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new RangeError(`drift.${key} must be a valid Date; received ${show(date)}`);
    }
  }
  const { rampStart, rampEnd } = drift as { rampStart: Date; rampEnd: Date };
  if (rampEnd.getTime() < rampStart.getTime()) {
    throw new RangeError(
      `drift.rampEnd must not be before drift.rampStart (${rampStart.toISOString()}); received ${rampEnd.toISOString()}`,
    );
  }
  const { features, concept } = drift;
  if (concept !== undefined) {
    const weight = isObject(concept) ? concept.weight : undefined;
    if (!isObject(concept) || Object.keys(concept).some((k) => k !== 'weight')) {
      throw new RangeError(`drift.concept must be an object { weight }; received ${show(concept)}`);
    }
    if (!(typeof weight === 'number' && weight >= 0 && weight <= 1)) {
      throw new RangeError(`drift.concept.weight must be a number from 0 to 1; received ${show(weight)}`);
    }
  }
  if (features === undefined && concept !== undefined) {
    return;
  }
  if (!isObject(features) || Object.keys(features).length === 0) {
    throw new RangeError(
      `drift.features must be an object naming at least one feature (or give drift.concept); received ${show(features)}`,
    );
  }
  for (const [name, spec] of Object.entries(features)) {
    checkFeatureDrift(name, spec);
  }
}

function checkFeatureDrift(name: string, spec: unknown): void {
  const field = CHURN_FIELDS.find((f) => f.name === name);
  if (field === undefined || !DRIFTABLE_FIELDS.includes(name)) {
    throw new RangeError(
      `${path('drift.features', name)} names no field that can drift; expected one of: ${DRIFTABLE_FIELDS.join(', ')}`,
    );
  }
  const key = path('drift.features', name);
  const kind = kindOf(field);
  const allowed: readonly string[] = KEYS_BY_KIND[kind];
  if (!isObject(spec)) {
    throw new RangeError(`${key} must be an object with ${allowed.join(' and/or ')}; received ${show(spec)}`);
  }
  const extra = Object.keys(spec).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw new RangeError(
      `${path(key, extra[0] ?? '')} does not apply to ${field.type} field ${name}; expected: ${allowed.join(', ')}`,
    );
  }
  switch (kind) {
    case 'numeric': {
      const { shift, scale } = spec;
      if (shift === undefined && scale === undefined) {
        throw new RangeError(`${key} must give shift and/or scale; received ${show(spec)}`);
      }
      if (shift !== undefined && !(typeof shift === 'number' && Number.isFinite(shift))) {
        throw new RangeError(`${key}.shift must be a finite number; received ${show(shift)}`);
      }
      if (scale !== undefined && !(typeof scale === 'number' && Number.isFinite(scale) && scale > 0)) {
        throw new RangeError(`${key}.scale must be a finite number greater than 0; received ${show(scale)}`);
      }
      return;
    }
    case 'category': {
      const weights = spec.weights;
      if (!isObject(weights)) {
        throw new RangeError(`${key}.weights must be an object of weights by value; received ${show(weights)}`);
      }
      const values = field.values ?? [];
      let total = 0;
      for (const [value, weight] of Object.entries(weights)) {
        if (!values.includes(value)) {
          throw new RangeError(
            `${path(`${key}.weights`, value)} is not a value of ${name}; expected one of: ${values.join(', ')}`,
          );
        }
        if (!(typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)) {
          throw new RangeError(
            `${path(`${key}.weights`, value)} must be a finite number >= 0; received ${show(weight)}`,
          );
        }
        total += weight;
      }
      if (!(total > 0 && Number.isFinite(total))) {
        throw new RangeError(`${key}.weights must give some value a weight above 0; received ${show(weights)}`);
      }
      return;
    }
    case 'boolean': {
      const p = spec.probability;
      if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
        throw new RangeError(`${key}.probability must be a probability in [0, 1]; received ${show(p)}`);
      }
      return;
    }
  }
}

/** How far drift has come at `time`: 0 at or before the ramp's start, 1 from its end on, linear between. */
export function rampWeight(drift: DriftOptions, time: Date): number {
  const t = time.getTime();
  const start = drift.rampStart.getTime();
  const end = drift.rampEnd.getTime();
  if (t <= start) {
    return 0;
  }
  return t >= end ? 1 : (t - start) / (end - start);
}

/**
 * `values` with the drifted features moved (in place), as far as the ramp has come at `time`;
 * returns the names of the fields it moved. Draws from `rng` only when drift has begun.
 */
export function applyDrift(
  values: Record<string, string | number | boolean>,
  time: Date,
  drift: DriftOptions,
  rng: Random,
): string[] {
  const w = rampWeight(drift, time);
  if (w === 0 || drift.features === undefined) {
    return [];
  }
  const moved: string[] = [];
  for (const [name, spec] of Object.entries(drift.features ?? {})) {
    const field = CHURN_FIELDS.find((f) => f.name === name);
    const value = values[name];
    if (field === undefined || value === undefined) {
      throw new Error(`drift of ${name}: the customer has no such field`);
    }
    values[name] = driftedValue(field, value, spec, w, rng);
    moved.push(name);
  }
  return moved;
}

function driftedValue(
  field: FieldSpec,
  value: string | number | boolean,
  spec: FeatureDrift,
  w: number,
  rng: Random,
): string | number | boolean {
  if ('weights' in spec) {
    const values = field.values ?? [];
    // Always two draws, so that how far the ramp has come does not shift later draws.
    const redraw = rng.chance(w);
    const drawn = values[rng.weighted(values.map((v) => spec.weights[v] ?? 0))];
    return redraw && drawn !== undefined ? drawn : value;
  }
  if ('probability' in spec) {
    const redraw = rng.chance(w);
    const drawn = rng.chance(spec.probability);
    return redraw ? drawn : value;
  }
  const scale = 1 + ((spec.scale ?? 1) - 1) * w;
  const x = Number(value) * scale + (spec.shift ?? 0) * w;
  const grain = grainOf(field);
  // Stochastic rounding: up with the probability of the remainder, so the mean moves by exactly
  // the drift even when it is smaller than the grain (half a service call at the ramp's midpoint).
  const raw = x / grain;
  const nearest = Math.round(raw);
  const steps = Math.abs(raw - nearest) < 1e-9 ? nearest : raw; // 1802.9999999 tenths is 1803
  const floor = Math.floor(steps);
  const up = rng.chance(steps - floor) ? 1 : 0;
  const rounded = Number(((floor + up) * grain).toFixed(decimals(grain)));
  return Math.min(field.max ?? Infinity, Math.max(field.min ?? -Infinity, rounded));
}

function decimals(grain: number): number {
  return grain >= 1 ? 0 : Math.ceil(-Math.log10(grain));
}

function kindOf(field: FieldSpec): keyof typeof KEYS_BY_KIND {
  switch (field.type) {
    case 'integer':
    case 'double':
      return 'numeric';
    case 'category':
      return 'category';
    case 'boolean':
      return 'boolean';
    default:
      throw new Error(`field ${field.name} of type ${field.type} cannot drift`);
  }
}

/** `prefix.key`, or `prefix["key"]` when the key is not a plain name (empty, spaces, dots). */
function path(prefix: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}.${key}` : `${prefix}[${JSON.stringify(key)}]`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Date);
}

/** A value as an error message shows it: JSON where it can, else its string form. */
function show(x: unknown): string {
  if (x instanceof Date) {
    return Number.isNaN(x.getTime()) ? 'an invalid Date' : x.toISOString();
  }
  if (typeof x === 'number') {
    return String(x); // JSON would write Infinity and NaN as null
  }
  try {
    const json = JSON.stringify(x);
    if (json !== undefined) {
      return json.length > 80 ? `${json.slice(0, 77)}...` : json;
    }
  } catch {
    // a BigInt or a cycle: fall through
  }
  try {
    return String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}
