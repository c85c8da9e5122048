import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { auc } from '../../lib/contracts/auc';
import { CHURN_FIELDS, LABEL_FIELD } from '../../lib/schema/churn';
import type { Customer } from '../../lib/schema/customer-model';
import { DEFAULT_DIRT } from '../../lib/schema/dirt';
import { checkDrift, DRIFTABLE_FIELDS, type DriftOptions, rampWeight } from '../../lib/schema/drift';
import { generateCustomers, generateWireRecords } from '../../lib/schema/generator';
import { toCsvLines } from '../../lib/schema/wire';
import { cleanValue } from './reference-cleaner';

const SEED = 20260101;
const COUNT = 20_000;
/** 20,000 customers span about 30 hours from 2026-01-01T00:00Z; the ramp runs from 08:00 to 16:00. */
const RAMP_START = new Date('2026-01-01T08:00:00Z');
const RAMP_END = new Date('2026-01-01T16:00:00Z');

const DRIFT: DriftOptions = {
  features: {
    day_minutes: { shift: 60 },
    account_length: { shift: 0.5 },
    age: { scale: 1.5 },
    gender: { weights: { other: 1 } },
    international_plan: { probability: 0.5 },
  },
  rampStart: RAMP_START,
  rampEnd: RAMP_END,
};
const DRIFTED_FIELDS = new Set([...Object.keys(DRIFT.features ?? {}), 'day_charge', LABEL_FIELD.name]);

const PLAIN = generateCustomers({ seed: SEED, count: COUNT });
const DRIFTED = generateCustomers({ seed: SEED, count: COUNT, drift: DRIFT });

interface Pair {
  readonly w: number;
  readonly plain: Customer;
  readonly drifted: Customer;
}
/** How far the ramp has come at a customer's snapshot, computed here from the clock, not by the code under test. */
function weightAt(record: Customer['record']): number {
  const t = Date.parse(String(record.event_time));
  return Math.min(1, Math.max(0, (t - RAMP_START.getTime()) / (RAMP_END.getTime() - RAMP_START.getTime())));
}
const PAIRS: readonly Pair[] = PLAIN.map((plain, i) => ({
  w: weightAt(plain.record),
  plain,
  drifted: DRIFTED[i] as Customer,
}));
const BEFORE = PAIRS.filter((p) => p.w === 0);
const AFTER = PAIRS.filter((p) => p.w === 1);
const MIDDLE = PAIRS.filter((p) => p.w > 0.45 && p.w < 0.55);

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function values(pairs: readonly Pair[], side: 'plain' | 'drifted', name: string): number[] {
  return pairs.map((p) => Number(p[side].record[name]));
}

function share(pairs: readonly Pair[], side: 'plain' | 'drifted', test: (r: Customer['record']) => boolean): number {
  return pairs.filter((p) => test(p[side].record)).length / pairs.length;
}

/** A hash of a few thousand records of every output: wire JSON, CSV, and the customers. */
function outputHash(seed: number, drift?: DriftOptions): string {
  const hash = createHash('sha256');
  for (const r of generateWireRecords({ seed, count: 3000, dirt: DEFAULT_DIRT, drift })) {
    hash.update(`${r.text}\n`);
  }
  for (const line of toCsvLines(generateWireRecords({ seed, count: 3000, dirt: DEFAULT_DIRT, drift }))) {
    hash.update(line);
  }
  hash.update(JSON.stringify(generateCustomers({ seed, count: 3000, drift })));
  return hash.digest('hex');
}

describe('without drift', () => {
  // Taken on the commit before drift existed (615c910), with this function.
  it.each([
    [1, 'ba39532d03af54a56abadd478bdf28b5afc376a06bc18f3997040d980c4c4f43'],
    [20260101, '9a4ad53e80ad9bb2dde1ed870fe1d47b5f9f12263ddfb8fc821b69bad1e8399e'],
    [-7, 'b87cc02b1ce18df147addad052ef587be3f56d1993330834696c16d9ff852a59'],
  ])('seed %d gives byte-for-byte the output it gave before drift existed', (seed, expected) => {
    expect(outputHash(seed)).toBe(expected);
  });

  it('is what drift gives when its ramp starts after the last record', () => {
    const late = { ...DRIFT, rampStart: new Date('2027-01-01T00:00:00Z'), rampEnd: new Date('2027-02-01T00:00:00Z') };
    expect(outputHash(1, late)).toBe(outputHash(1));
  });
});

describe('with drift (20,000 customers, ramp 08:00 to 16:00)', () => {
  it('has enough customers before, in the middle of and after the ramp to measure', () => {
    expect(BEFORE.length).toBeGreaterThan(4000);
    expect(MIDDLE.length).toBeGreaterThan(200);
    expect(AFTER.length).toBeGreaterThan(8000);
  });

  it('draws every customer before the ramp exactly as without drift, label included', () => {
    expect(BEFORE.filter((p) => JSON.stringify(p.plain) !== JSON.stringify(p.drifted))).toEqual([]);
  });

  it('never moves a feature it was not asked to: every other value is the same, customer by customer', () => {
    const moved = PAIRS.flatMap((p) =>
      CHURN_FIELDS.filter(
        (f) => !DRIFTED_FIELDS.has(f.name) && p.plain.record[f.name] !== p.drifted.record[f.name],
      ).map((f) => `${String(p.plain.record.customer_id)}.${f.name}`),
    );
    expect(moved).toEqual([]);
  });

  it('moves the chosen features after the ramp: a numeric mean by the shift, by the scale, a category and a boolean share', () => {
    const before = (name: string) => mean(values(BEFORE, 'drifted', name));
    const after = (name: string) => mean(values(AFTER, 'drifted', name));
    expect(after('day_minutes') - before('day_minutes')).toBeGreaterThan(57);
    expect(after('day_minutes') - before('day_minutes')).toBeLessThan(63);
    expect(after('age') / before('age')).toBeGreaterThan(1.45);
    expect(after('age') / before('age')).toBeLessThan(1.55);
    expect(share(BEFORE, 'drifted', (r) => r.gender === 'other')).toBeLessThan(0.04);
    expect(share(AFTER, 'drifted', (r) => r.gender === 'other')).toBe(1);
    expect(share(BEFORE, 'drifted', (r) => r.international_plan === true)).toBeLessThan(0.12);
    expect(share(AFTER, 'drifted', (r) => r.international_plan === true)).toBeCloseTo(0.5, 1);
  });

  it('leaves untouched features where they were: means before and after the ramp agree within noise', () => {
    for (const name of ['evening_minutes', 'night_calls', 'customer_service_calls', 'international_minutes']) {
      const before = mean(values(BEFORE, 'drifted', name));
      const after = mean(values(AFTER, 'drifted', name));
      expect({ name, change: Math.abs(after - before) / before < 0.03 }).toEqual({ name, change: true });
    }
  });

  it('shifts by less than the grain without bias: half a day of account length moves the mean by 0.5', () => {
    const change = mean(
      AFTER.map((p) => Number(p.drifted.record.account_length) - Number(p.plain.record.account_length)),
    );
    expect(change).toBeCloseTo(0.5, 1);
    expect(AFTER.every((p) => Number.isInteger(p.drifted.record.account_length))).toBe(true);
  });

  it('ramps linearly: each customer moves by the shift times the ramp weight, to the tenth of a minute', () => {
    const ramping = PAIRS.filter((p) => p.w > 0 && p.w < 1);
    expect(ramping.length).toBeGreaterThan(4000);
    const off = ramping.filter((p) => {
      const moved = Number(p.drifted.record.day_minutes) - Number(p.plain.record.day_minutes);
      return Math.abs(moved - 60 * p.w) > 0.1 + 1e-9;
    });
    expect(off.map((p) => p.plain.record.customer_id)).toEqual([]);
  });

  it('is about half way at the ramp midpoint, for numbers and for shares', () => {
    expect(mean(values(MIDDLE, 'drifted', 'day_minutes')) - mean(values(MIDDLE, 'plain', 'day_minutes'))).toBeCloseTo(
      30,
      0,
    );
    const other = share(MIDDLE, 'drifted', (r) => r.gender === 'other');
    expect(other).toBeGreaterThan(0.43);
    expect(other).toBeLessThan(0.6);
  });

  it('charges the drifted minutes at the tariff, so the record stays consistent', () => {
    expect(
      DRIFTED.filter((c) => c.record.day_charge !== Math.round(Number(c.record.day_minutes) * 0.17 * 100) / 100),
    ).toEqual([]);
  });

  it('gives every value within its schema rule, as without drift', () => {
    for (const spec of CHURN_FIELDS) {
      const offending = DRIFTED.map((c) => c.record[spec.name]).filter((v) => cleanValue(spec, v) !== v || v === null);
      expect({ field: spec.name, offending: offending.slice(0, 3) }).toEqual({ field: spec.name, offending: [] });
    }
  });

  it('draws the label from the drifted features with the same model: more day minutes, more churn', () => {
    const rate = (pairs: readonly Pair[], side: 'plain' | 'drifted') =>
      share(pairs, side, (r) => r[LABEL_FIELD.name] === true);
    expect(rate(AFTER, 'drifted')).toBeGreaterThan(rate(AFTER, 'plain') + 0.1);
    // Customer by customer, more minutes and (more often) the international plan never lower the probability.
    const lower = AFTER.filter(
      (p) =>
        p.drifted.churnProbability < p.plain.churnProbability - 1e-12 &&
        p.drifted.record.international_plan === p.plain.record.international_plan,
    );
    expect(lower).toEqual([]);
  });

  it('is deterministic: same seed and drift, same customers', () => {
    expect(
      generateCustomers({ seed: 5, count: 500, drift: { ...DRIFT, rampStart: new Date(0), rampEnd: new Date(0) } }),
    ).toEqual(
      generateCustomers({ seed: 5, count: 500, drift: { ...DRIFT, rampStart: new Date(0), rampEnd: new Date(0) } }),
    );
  });

  it('steps when the ramp starts and ends at once', () => {
    const step = { ...DRIFT, features: { gender: { weights: { male: 1 } } }, rampEnd: RAMP_START };
    const customers = generateCustomers({ seed: SEED, count: COUNT, drift: step });
    const after = customers.filter((c) => Date.parse(String(c.record.event_time)) > RAMP_START.getTime());
    expect(after.every((c) => c.record.gender === 'male')).toBe(true);
    expect(after.length).toBeGreaterThan(10_000);
  });
});

describe('rampWeight', () => {
  it('is 0 up to the start, 1 from the end, linear between', () => {
    const at = (iso: string) => rampWeight(DRIFT, new Date(iso));
    expect(at('2026-01-01T07:00:00Z')).toBe(0);
    expect(at('2026-01-01T08:00:00Z')).toBe(0);
    expect(at('2026-01-01T10:00:00Z')).toBe(0.25);
    expect(at('2026-01-01T12:00:00Z')).toBe(0.5);
    expect(at('2026-01-01T16:00:00Z')).toBe(1);
    expect(at('2026-02-01T00:00:00Z')).toBe(1);
  });
});

describe('concept drift: who leaves changes, the customers do not', () => {
  const concept: DriftOptions = { concept: { weight: 1 }, rampStart: RAMP_START, rampEnd: RAMP_START };
  const count = 4000;
  const plain = generateCustomers({ seed: SEED, count, start: RAMP_START });
  const shifted = generateCustomers({ seed: SEED, count, start: RAMP_START, drift: concept });
  // The first customer's snapshot is at the ramp's start, where nothing has changed yet.
  const after = (customers: readonly Customer[]) => customers.slice(1);
  const labels = (customers: readonly Customer[]) => after(customers).map((c) => c.record[LABEL_FIELD.name] === true);

  it('is accepted alone, without feature drift', () => {
    expect(() => checkDrift(concept)).not.toThrow();
  });

  it('leaves every feature as it was: only labels change', () => {
    const withoutLabel = (c: Customer) => ({ ...c.record, [LABEL_FIELD.name]: null });
    expect(shifted.map(withoutLabel)).toEqual(plain.map(withoutLabel));
    expect(labels(shifted)).not.toEqual(labels(plain));
  });

  it('keeps the share of churners near the usual one', () => {
    const share = (customers: readonly Customer[]) => labels(customers).filter(Boolean).length / (count - 1);
    expect(Math.abs(share(shifted) - share(plain))).toBeLessThan(0.05);
  });

  it('makes the usual churn model rank the wrong customers: its AUC on the new labels drops below 0.65', () => {
    // The usual model's own probabilities, a perfect model of the old concept, scored on both labels.
    const usualScores = after(plain).map((c) => c.churnProbability);
    expect(auc(usualScores, labels(plain))).toBeGreaterThan(0.85);
    expect(auc(usualScores, labels(shifted))).toBeLessThan(0.65);
  });

  it('follows the ramp: at its start the churn model is the usual one, after its end the shifted one', () => {
    const ramped = generateCustomers({
      seed: SEED,
      count: 3,
      start: RAMP_START,
      drift: { concept: { weight: 1 }, rampStart: RAMP_START, rampEnd: new Date(RAMP_START.getTime() + 1) },
    });
    expect(ramped[0]?.churnProbability).toBe(plain[0]?.churnProbability);
    expect(ramped[1]?.churnProbability).not.toBe(plain[1]?.churnProbability);
  });
});

describe('checkDrift', () => {
  const valid = { features: { age: { shift: 1 } }, rampStart: RAMP_START, rampEnd: RAMP_END };

  it('accepts the options above', () => {
    expect(() => checkDrift(DRIFT)).not.toThrow();
    expect(() => checkDrift(valid)).not.toThrow();
  });

  it.each([
    [null, 'drift must be an object { features, concept, rampStart, rampEnd }; received null'],
    [
      { ...valid, rampStrat: RAMP_START },
      'drift.rampStrat is not an option; expected: features, concept, rampStart, rampEnd',
    ],
    [{ ...valid, rampStart: '2026-01-01' }, 'drift.rampStart must be a valid Date; received "2026-01-01"'],
    [{ ...valid, rampEnd: new Date('nonsense') }, 'drift.rampEnd must be a valid Date; received an invalid Date'],
    [
      { ...valid, rampEnd: new Date('2026-01-01T07:00:00Z') },
      'drift.rampEnd must not be before drift.rampStart (2026-01-01T08:00:00.000Z); received 2026-01-01T07:00:00.000Z',
    ],
    [
      { ...valid, features: {} },
      'drift.features must be an object naming at least one feature (or give drift.concept); received {}',
    ],
    [{ rampStart: RAMP_START, rampEnd: RAMP_END }, 'drift.features must be an object naming at least one feature'],
    [{ ...valid, concept: { weight: 1.5 } }, 'drift.concept.weight must be a number from 0 to 1; received 1.5'],
    [{ ...valid, concept: { wieght: 1 } }, 'drift.concept must be an object { weight }; received {"wieght":1}'],
    [{ ...valid, concept: 1 }, 'drift.concept must be an object { weight }; received 1'],
    [
      { ...valid, features: { day_charge: { shift: 1 } } },
      `drift.features.day_charge names no field that can drift; expected one of: ${DRIFTABLE_FIELDS.join(', ')}`,
    ],
    [{ ...valid, features: { churn: { probability: 1 } } }, 'drift.features.churn names no field that can drift'],
    [{ ...valid, features: { age: 3 } }, 'drift.features.age must be an object with shift and/or scale; received 3'],
    [{ ...valid, features: { age: {} } }, 'drift.features.age must give shift and/or scale; received {}'],
    [
      { ...valid, features: { age: { shfit: 1 } } },
      'drift.features.age.shfit does not apply to integer field age; expected: shift, scale',
    ],
    [
      { ...valid, features: { age: { shift: Infinity } } },
      'drift.features.age.shift must be a finite number; received Infinity',
    ],
    [
      { ...valid, features: { age: { scale: 0 } } },
      'drift.features.age.scale must be a finite number greater than 0; received 0',
    ],
    [
      { ...valid, features: { gender: { weights: { nonbinary: 1 } } } },
      'drift.features.gender.weights.nonbinary is not a value of gender; expected one of: female, male, other',
    ],
    [
      { ...valid, features: { gender: { weights: { male: -1 } } } },
      'drift.features.gender.weights.male must be a finite number >= 0; received -1',
    ],
    [
      { ...valid, features: { gender: { weights: { male: 0 } } } },
      'drift.features.gender.weights must give some value a weight above 0',
    ],
    [
      { ...valid, features: { gender: { shift: 1 } } },
      'drift.features.gender.shift does not apply to category field gender; expected: weights',
    ],
    [
      { ...valid, features: { international_plan: { probability: 1.5 } } },
      'drift.features.international_plan.probability must be a probability in [0, 1]; received 1.5',
    ],
  ])('rejects %j: %s', (options, message) => {
    expect(() => checkDrift(options)).toThrow(RangeError);
    expect(() => checkDrift(options)).toThrow(message);
  });

  it('is checked at the call of generateCustomers and generateWireRecords, not at the first record', () => {
    const bad = { ...valid, features: { age: { scale: -1 } } } as DriftOptions;
    expect(() => generateCustomers({ seed: 1, count: 0, drift: bad })).toThrow('drift.features.age.scale');
    expect(() => generateWireRecords({ seed: 1, count: 0, drift: bad })).toThrow('drift.features.age.scale');
  });

  /** Options shaped like drift, with anything anywhere. */
  const junk = fc.oneof(
    fc.anything(),
    fc.record(
      {
        features: fc.oneof(
          fc.anything(),
          fc.dictionary(
            fc.oneof(fc.constantFrom(...CHURN_FIELDS.map((f) => f.name)), fc.string()),
            fc.oneof(
              fc.anything(),
              fc.record(
                {
                  shift: fc.oneof(fc.double(), fc.anything()),
                  scale: fc.oneof(fc.double(), fc.anything()),
                  probability: fc.oneof(fc.double(), fc.anything()),
                  weights: fc.oneof(
                    fc.dictionary(
                      fc.oneof(fc.constantFrom('male', 'female', 'other', '415', 'CA'), fc.string()),
                      fc.oneof(fc.double(), fc.anything()),
                    ),
                    fc.anything(),
                  ),
                },
                { requiredKeys: [] },
              ),
            ),
          ),
        ),
        rampStart: fc.oneof(fc.date(), fc.anything()),
        rampEnd: fc.oneof(fc.date(), fc.anything()),
      },
      { requiredKeys: [] },
    ),
  );

  it('names a key that is not a plain name in brackets', () => {
    expect(() => checkDrift({ ...valid, features: { 'day minutes': { shift: 1 } } })).toThrow(
      'drift.features["day minutes"] names no field that can drift',
    );
  });

  /** Valid options: any driftable fields, any sizes the checks allow, any ramp. */
  const validDrift: fc.Arbitrary<DriftOptions> = fc
    .record({
      names: fc.uniqueArray(fc.constantFrom(...DRIFTABLE_FIELDS), { minLength: 1 }),
      shift: fc.double({ min: -1e300, max: 1e300, noNaN: true }),
      scale: fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
      probability: fc.double({ min: 0, max: 1, noNaN: true }),
      weight: fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
      start: fc.integer({ min: 0, max: 40_000 }),
      length: fc.integer({ min: 0, max: 40_000 }),
    })
    .map(({ names, shift, scale, probability, weight, start, length }) => ({
      features: Object.fromEntries(
        names.map((name) => {
          const field = CHURN_FIELDS.find((f) => f.name === name);
          const spec =
            field?.type === 'category'
              ? { weights: { [field.values?.[0] ?? '']: weight } }
              : field?.type === 'boolean'
                ? { probability }
                : { shift, scale };
          return [name, spec];
        }),
      ),
      rampStart: new Date(Date.parse('2026-01-01T00:00:00Z') + start * 1000),
      rampEnd: new Date(Date.parse('2026-01-01T00:00:00Z') + (start + length) * 1000),
    }));

  it('accepts any valid options, and the customers they give keep every schema rule', () => {
    fc.assert(
      fc.property(validDrift, (drift) => {
        checkDrift(drift);
        const customers = generateCustomers({
          seed: 2,
          count: 50,
          drift: { ...drift, rampStart: new Date(0), rampEnd: drift.rampEnd },
        });
        for (const spec of CHURN_FIELDS) {
          const offending = customers
            .map((c) => c.record[spec.name])
            .filter((v) => cleanValue(spec, v) !== v || v === null);
          expect({ field: spec.name, offending }).toEqual({ field: spec.name, offending: [] });
        }
      }),
      { numRuns: 200, seed: 15 },
    );
  });

  it('answers any options with a RangeError that names drift, or accepts them and then generates valid customers', () => {
    fc.assert(
      fc.property(junk, (options) => {
        let accepted = false;
        try {
          checkDrift(options);
          accepted = true;
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          expect((error as Error).message).toMatch(/^drift[.[ ].*(received|expected)/s);
        }
        if (accepted) {
          const customers = generateCustomers({ seed: 1, count: 30, drift: options as DriftOptions });
          for (const spec of CHURN_FIELDS) {
            expect(customers.filter((c) => cleanValue(spec, c.record[spec.name]) !== c.record[spec.name])).toEqual([]);
          }
        }
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});
