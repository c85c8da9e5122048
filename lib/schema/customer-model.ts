/**
 * The customer model: how a synthetic customer's clean values are drawn (distributions shaped like
 * the classic telecom churn data) and how its churn label depends on them.
 *
 * The schema (`lib/schema/churn.ts`) is the source of every field name, range and canonical value
 * used here.
 */
import { CHURN_FIELDS, type FieldSpec, FIELDS_BY_NAME, LABEL_FIELD, US_STATES } from './churn';
import { applyDrift, type DriftOptions, rampWeight } from './drift';
import type { Random } from './random';

/**
 * A customer snapshot in canonical form (every `CHURN_FIELDS` name in schema order, null where
 * absent) and the true churn probability its label was drawn from.
 */
export interface Customer {
  readonly record: Readonly<Record<string, string | number | boolean | null>>;
  /**
   * The probability the label was drawn with: a logistic function of the features (steeply up
   * from four customer-service calls, up with the international plan and the total charge, down
   * with the voice-mail plan) plus a per-customer noise term for what the features do not show.
   */
  readonly churnProbability: number;
}

/**
 * Coefficients of the churn model. The logit rises steeply once a customer has called customer
 * service four times or more, with the international plan and with the total charge (mostly day
 * minutes), and falls with the voice-mail plan, as in the classic data. `INTERCEPT` sets the base
 * rate near 14%; `NOISE_SD` is the spread of what the features do not explain.
 */
const CHURN_MODEL = {
  INTERCEPT: -3.2,
  SERVICE_CALLS_4_PLUS: 2.8,
  PER_SERVICE_CALL: 0.15,
  INTERNATIONAL_PLAN: 2.2,
  VOICE_MAIL_PLAN: -1.1,
  /** Per USD of total charge above the typical 59 USD. */
  PER_CHARGE_USD: 0.14,
  NOISE_SD: 0.5,
} as const;

/**
 * The shifted churn model of concept drift (`drift.ts`, `ConceptDrift`): a competitor's offer
 * that takes customers under 30 and those who call a lot in the evening, while service calls and
 * plans no longer matter. Its intercept keeps the base rate near the usual model's, so the share of
 * churners hardly moves and only who they are changes: a model trained before it ranks the wrong
 * customers first.
 */
const SHIFTED_CHURN_MODEL = {
  INTERCEPT: -2.6,
  UNDER_30: 2.4,
  /** Per evening minute above the typical 200. */
  PER_EVENING_MINUTE: 0.025,
} as const;

/** Customer-service calls 0..9, weighted as in the classic data (3,333 customers). */
const SERVICE_CALL_WEIGHTS = [697, 1181, 759, 429, 166, 66, 22, 9, 2, 2] as const;

/** Gender weights by canonical value. */
const GENDER_WEIGHTS: Readonly<Record<string, number>> = { female: 49, male: 49, other: 2 };

/** Area codes as in the classic data: 415 about half, the others a quarter each. */
const AREA_CODE_WEIGHTS: Readonly<Record<string, number>> = { '408': 25, '415': 50, '510': 25 };

/** Per-minute tariffs, in USD, by usage prefix. */
const RATES = { day: 0.17, evening: 0.085, night: 0.045, international: 0.27 } as const;

type UsagePrefix = keyof typeof RATES;
const USAGE_PREFIXES = Object.keys(RATES) as UsagePrefix[];

/** Drift to apply to the customers, and the random stream it draws from (not the customers'). */
export interface CustomerDrift {
  readonly options: DriftOptions;
  readonly rng: Random;
}

/**
 * The infinite, deterministic sequence of customers drawn from `rng`, the first snapshot taken at
 * `start`. With `drift`, the drifted features of a customer move before its label is drawn; every
 * draw from `rng` is the same as without it, so the customers' other features are unchanged.
 */
export function* customerStream(rng: Random, start: Date, drift?: CustomerDrift): Generator<Customer, never> {
  let time = start.getTime();
  for (let n = 1; ; n++) {
    yield drawCustomer(rng, n, new Date(time), drift);
    time += rng.int(1, 10) * 1000;
  }
}

/** Customer number `n`, its snapshot taken at `time`. */
function drawCustomer(rng: Random, n: number, time: Date, drift: CustomerDrift | undefined): Customer {
  const state = rng.pick(US_STATES);
  const accountLength = integerIn('account_length', rng.normal(101, 40), 1);
  const areaCode = pickWeighted(rng, 'area_code', AREA_CODE_WEIGHTS);
  const internationalPlan = rng.chance(0.097);
  const voiceMailPlan = rng.chance(0.277);
  const voiceMailMessages = voiceMailPlan ? integerIn('voice_mail_messages', rng.normal(29, 8), 1) : 0;
  const day = drawUsage(rng, 'day', 180, 54, () => rng.normal(100, 20));
  const evening = drawUsage(rng, 'evening', 200, 50, () => rng.normal(100, 20));
  const night = drawUsage(rng, 'night', 200, 50, () => rng.normal(100, 20));
  const international = drawUsage(rng, 'international', 10, 2.8, () => rng.poisson(4.5));
  const serviceCalls = rng.weighted(SERVICE_CALL_WEIGHTS);
  const gender = pickWeighted(rng, 'gender', GENDER_WEIGHTS);
  const age = integerIn('age', 18 + rng.erlang(3, 9), 18, 90);

  const values: Record<string, string | number | boolean> = {
    customer_id: `C${String(n).padStart(7, '0')}`,
    event_time: time.toISOString(),
    state,
    account_length: accountLength,
    area_code: areaCode,
    international_plan: internationalPlan,
    voice_mail_plan: voiceMailPlan,
    voice_mail_messages: voiceMailMessages,
    ...usageFields('day', day),
    ...usageFields('evening', evening),
    ...usageFields('night', night),
    ...usageFields('international', international),
    customer_service_calls: serviceCalls,
    gender,
    age,
  };
  if (drift !== undefined) {
    for (const name of applyDrift(values, time, drift.options, drift.rng)) {
      const prefix = USAGE_PREFIXES.find((p) => name === `${p}_minutes`);
      if (prefix !== undefined) {
        // The charge is the tariff times the minutes, drifted or not.
        values[`${prefix}_charge`] = chargeOf(prefix, Number(values[name]));
      }
    }
  }

  // Summed in this order whether or not anything drifted, so that without drift every bit is as before.
  const totalCharge =
    Number(values.day_charge) +
    Number(values.evening_charge) +
    Number(values.night_charge) +
    Number(values.international_charge);
  const usual = churnLogit({
    serviceCalls: Number(values.customer_service_calls),
    internationalPlan: values.international_plan === true,
    voiceMailPlan: values.voice_mail_plan === true,
    totalCharge,
  });
  const conceptWeight =
    drift?.options.concept === undefined ? 0 : drift.options.concept.weight * rampWeight(drift.options, time);
  // Only with concept drift is the logit a mix: without it, every bit is as before.
  const core =
    conceptWeight === 0
      ? usual
      : (1 - conceptWeight) * usual +
        conceptWeight * shiftedChurnLogit({ age: Number(values.age), eveningMinutes: Number(values.evening_minutes) });
  const logit = core + rng.normal(0, CHURN_MODEL.NOISE_SD);
  const churnProbability = 1 / (1 + Math.exp(-logit));
  const churn = rng.chance(churnProbability);

  return { record: inSchemaOrder({ ...values, [LABEL_FIELD.name]: churn }), churnProbability };
}

/** The churn model's logit without its noise term. */
function churnLogit(c: {
  readonly serviceCalls: number;
  readonly internationalPlan: boolean;
  readonly voiceMailPlan: boolean;
  readonly totalCharge: number;
}): number {
  const m = CHURN_MODEL;
  return (
    m.INTERCEPT +
    (c.serviceCalls >= 4 ? m.SERVICE_CALLS_4_PLUS : 0) +
    m.PER_SERVICE_CALL * c.serviceCalls +
    (c.internationalPlan ? m.INTERNATIONAL_PLAN : 0) +
    (c.voiceMailPlan ? m.VOICE_MAIL_PLAN : 0) +
    m.PER_CHARGE_USD * (c.totalCharge - 59)
  );
}

/** The shifted churn model's logit without its noise term (concept drift). */
function shiftedChurnLogit(c: { readonly age: number; readonly eveningMinutes: number }): number {
  const m = SHIFTED_CHURN_MODEL;
  return m.INTERCEPT + (c.age < 30 ? m.UNDER_30 : 0) + m.PER_EVENING_MINUTE * (c.eveningMinutes - 200);
}

interface Usage {
  readonly minutes: number;
  readonly calls: number;
  readonly charge: number;
}

/** Minutes (normal, to 0.1), calls and charge (minutes × tariff, to the cent) of one time of day. */
function drawUsage(rng: Random, prefix: UsagePrefix, mean: number, sd: number, calls: () => number): Usage {
  const minutes = Math.round(clampTo(`${prefix}_minutes`, rng.normal(mean, sd)) * 10) / 10;
  return {
    minutes,
    calls: integerIn(`${prefix}_calls`, calls()),
    charge: chargeOf(prefix, minutes),
  };
}

/** The charge of `minutes` at the tariff of `prefix`, to the cent. */
function chargeOf(prefix: UsagePrefix, minutes: number): number {
  return Math.round(clampTo(`${prefix}_charge`, minutes * RATES[prefix]) * 100) / 100;
}

function usageFields(prefix: string, usage: Usage): Record<string, number> {
  return {
    [`${prefix}_minutes`]: usage.minutes,
    [`${prefix}_calls`]: usage.calls,
    [`${prefix}_charge`]: usage.charge,
  };
}

/** `x` clamped to the schema range of field `name`, and to [lo, hi] when given. */
function clampTo(name: string, x: number, lo = -Infinity, hi = Infinity): number {
  const spec = fieldSpec(name);
  return Math.min(spec.max ?? Infinity, hi, Math.max(spec.min ?? -Infinity, lo, x));
}

/** `x` rounded and clamped to the schema range of integer field `name` (and to [lo, hi]). */
function integerIn(name: string, x: number, lo = -Infinity, hi = Infinity): number {
  return clampTo(name, Math.round(x), lo, hi);
}

/** A canonical value of category field `name`, drawn with the given weights (0 when unlisted). */
function pickWeighted(rng: Random, name: string, weights: Readonly<Record<string, number>>): string {
  const values = fieldSpec(name).values ?? [];
  const value = values[rng.weighted(values.map((v) => weights[v] ?? 0))];
  if (value === undefined) {
    throw new Error(`the schema gives field ${name} no values`);
  }
  return value;
}

function fieldSpec(name: string): FieldSpec {
  const spec = FIELDS_BY_NAME.get(name);
  if (spec === undefined) {
    throw new Error(`the churn schema has no field ${name}`);
  }
  return spec;
}

/** The values keyed in schema order; fails loudly if the schema and the generator disagree on the fields. */
function inSchemaOrder(
  values: Readonly<Record<string, string | number | boolean>>,
): Record<string, string | number | boolean> {
  const extra = Object.keys(values).filter((name) => !FIELDS_BY_NAME.has(name));
  const lacking = CHURN_FIELDS.filter((f) => values[f.name] === undefined).map((f) => f.name);
  if (extra.length > 0 || lacking.length > 0) {
    throw new Error(
      `the generator and the churn schema disagree: not in the schema: [${extra.join(', ')}]; not generated: [${lacking.join(', ')}]`,
    );
  }
  return Object.fromEntries(CHURN_FIELDS.map((f) => [f.name, values[f.name] as string | number | boolean]));
}
