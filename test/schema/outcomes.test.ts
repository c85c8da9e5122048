import fc from 'fast-check';
import { CHURN_FIELDS, LABEL_FIELD } from '../../lib/schema/churn';
import type { DriftOptions } from '../../lib/schema/drift';
import { generateCustomers, generateOutcomes, generateWireRecords } from '../../lib/schema/generator';
import { OUTCOME_FIELDS } from '../../lib/schema/outcome';
import {
  DEFAULT_OUTCOME_DELAY,
  DEFAULT_OUTCOME_DIRT,
  LATE_SPAN_DAYS,
  NO_OUTCOME_DIRT,
  type OutcomeDirtOptions,
  type OutcomeWireRecord,
} from '../../lib/schema/outcome-model';
import { toCsvLines } from '../../lib/schema/wire';
import { cleanCsvLine, cleanJson, parseCsvLine } from './reference-cleaner';

const SEED = 20260101;
const COUNT = 20_000;
const DAY_MS = 86_400_000;

/** Heavy dirt, so that rates can be measured closely on a modest sample. */
const HEAVY: OutcomeDirtOptions = { late: 0.1, duplicate: 0.05, unknownCustomer: 0.04, malformed: 0.05 };

const CUSTOMERS = generateCustomers({ seed: SEED, count: COUNT });
const EVENT_TIME = new Map(
  CUSTOMERS.map((c) => [String(c.record.customer_id), Date.parse(String(c.record.event_time))]),
);
const LABEL = new Map(CUSTOMERS.map((c) => [String(c.record.customer_id), c.record[LABEL_FIELD.name]]));

const CLEAN = [...generateOutcomes({ seed: SEED, count: COUNT })];
const DIRTY = [...generateOutcomes({ seed: SEED, count: COUNT, dirt: HEAVY })];
const OWN = DIRTY.filter((r) => r.kind === 'outcome');

function parsed(r: OutcomeWireRecord): { customer_id: string; observed_at: string; churned: boolean } {
  return JSON.parse(r.text) as { customer_id: string; observed_at: string; churned: boolean };
}

/** Days from the customer's snapshot to the outcome's observation. */
function delayDays(r: OutcomeWireRecord): number {
  const o = parsed(r);
  return (Date.parse(o.observed_at) - (EVENT_TIME.get(o.customer_id) ?? NaN)) / DAY_MS;
}

function rate(part: readonly unknown[], whole: readonly unknown[]): number {
  return part.length / whole.length;
}

describe('the outcome schema', () => {
  it('has customer_id, observed_at and churned, all required, the id read as the churn record reads it', () => {
    expect(OUTCOME_FIELDS.map((f) => [f.name, f.type, f.required])).toEqual([
      ['customer_id', 'string', true],
      ['observed_at', 'timestamp', true],
      ['churned', 'boolean', true],
    ]);
    const churnId = CHURN_FIELDS.find((f) => f.name === 'customer_id');
    expect(OUTCOME_FIELDS[0]?.pattern).toBe(churnId?.pattern);
  });
});

describe('generateOutcomes without dirt', () => {
  it('gives one outcome per customer, in order, well-formed and on time', () => {
    expect(CLEAN.map((r) => r.customerId)).toEqual(CUSTOMERS.map((c) => c.record.customer_id));
    expect(CLEAN.every((r) => r.kind === 'outcome' && !r.late && !r.malformed)).toBe(true);
    expect(CLEAN.filter((r) => !cleanJson(r.text, OUTCOME_FIELDS).ok)).toEqual([]);
  });

  it("reports each customer's true churn: the label its training record carries", () => {
    expect(CLEAN.filter((r) => parsed(r).churned !== LABEL.get(r.customerId))).toEqual([]);
    const training = [...generateWireRecords({ seed: SEED, count: 2_000 })].map(
      (w) => [w.customerId, (JSON.parse(w.text) as Record<string, unknown>)[LABEL_FIELD.name]] as const,
    );
    expect(
      training.filter(([id, label]) => parsed(CLEAN[Number(id.slice(1)) - 1] as OutcomeWireRecord).churned !== label),
    ).toEqual([]);
    // Not a constant: both values occur, at about the churn rate.
    const churned = CLEAN.filter((r) => parsed(r).churned).length / CLEAN.length;
    expect(churned).toBeGreaterThan(0.1);
    expect(churned).toBeLessThan(0.2);
  });

  it("reports the drifted customers' churn when drift is asked for, the label their drifted records carry", () => {
    const drift: DriftOptions = {
      features: { day_minutes: { shift: 80 }, international_plan: { probability: 0.6 } },
      rampStart: new Date('2026-01-01T00:00:00Z'),
      rampEnd: new Date('2026-01-01T00:00:00Z'),
    };
    const drifted = generateCustomers({ seed: SEED, count: 3_000, drift });
    const outcomes = [...generateOutcomes({ seed: SEED, count: 3_000, drift })];
    expect(outcomes.map((r) => parsed(r).churned)).toEqual(drifted.map((c) => c.record[LABEL_FIELD.name]));
    // And the drift shows in them: more churn than without it.
    const share = (rs: readonly OutcomeWireRecord[]) => rs.filter((r) => parsed(r).churned).length / rs.length;
    expect(share(outcomes)).toBeGreaterThan(share(CLEAN.slice(0, 3_000)) + 0.1);
  });

  it('observes each outcome 30 to 45 days after the snapshot by default, spread across the range, to the second', () => {
    const days = CLEAN.map(delayDays);
    expect(Math.min(...days)).toBeGreaterThanOrEqual(DEFAULT_OUTCOME_DELAY.minDays);
    expect(Math.max(...days)).toBeLessThanOrEqual(DEFAULT_OUTCOME_DELAY.maxDays);
    expect(Math.min(...days)).toBeLessThan(30.1);
    expect(Math.max(...days)).toBeGreaterThan(44.9);
    expect(CLEAN.every((r) => parsed(r).observed_at.endsWith('.000Z'))).toBe(true);
  });

  it('observes them after the delay asked for', () => {
    const customers = generateCustomers({ seed: 1, count: 2_000 });
    const outcomes = [...generateOutcomes({ seed: 1, count: 2_000, delay: { minDays: 0, maxDays: 2 } })];
    const days = outcomes.map(
      (r, i) => (Date.parse(parsed(r).observed_at) - Date.parse(String(customers[i]?.record.event_time))) / DAY_MS,
    );
    expect(Math.min(...days)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...days)).toBeLessThanOrEqual(2);
  });

  it('observes every on-time outcome at observedAt when it is given, and a late one up to 30 days after it', () => {
    const at = new Date('2026-12-07T09:30:00Z');
    const outcomes = [
      ...generateOutcomes({ seed: 1, count: 500, observedAt: at, dirt: { ...NO_OUTCOME_DIRT, late: 0.2 } }),
    ];
    const onTime = outcomes.filter((r) => !r.late).map((r) => parsed(r).observed_at);
    expect(new Set(onTime)).toEqual(new Set([at.toISOString()]));
    const lateDays = outcomes
      .filter((r) => r.late)
      .map((r) => (Date.parse(parsed(r).observed_at) - at.getTime()) / DAY_MS);
    expect(lateDays.length).toBeGreaterThan(50);
    expect(Math.min(...lateDays)).toBeGreaterThan(0);
    expect(Math.max(...lateDays)).toBeLessThanOrEqual(30);
  });

  it('refuses an invalid observedAt at the call', () => {
    expect(() => generateOutcomes({ seed: 1, count: 1, observedAt: new Date('nonsense') })).toThrow(
      'observedAt must be a valid Date; received an invalid Date',
    );
  });

  it('writes CSV with the header customer_id,observed_at,churned and a row per outcome that reads back the same', () => {
    const lines = [...toCsvLines(CLEAN.slice(0, 500), OUTCOME_FIELDS)];
    expect(lines[0]).toBe('customer_id,observed_at,churned\n');
    expect(lines).toHaveLength(501);
    const wrong = CLEAN.slice(0, 500).filter((r, i) => {
      const fromCsv = cleanCsvLine(lines[i + 1] ?? '', OUTCOME_FIELDS);
      return !fromCsv.ok || JSON.stringify(fromCsv.record) !== r.text;
    });
    expect(wrong).toEqual([]);
  });
});

describe('generateOutcomes with dirt (20,000 customers at heavy rates)', () => {
  it("keeps one outcome of each customer's own, in order, whatever else is added", () => {
    expect(OWN.map((r) => r.customerId)).toEqual(CUSTOMERS.map((c) => c.record.customer_id));
  });

  it('leaves the timing of on-time outcomes as without dirt', () => {
    const onTime = OWN.filter((r) => !r.late && !r.malformed);
    const byId = new Map(CLEAN.map((r) => [r.customerId, r.text]));
    expect(onTime.filter((r) => byId.get(r.customerId) !== r.text)).toEqual([]);
    expect(onTime.length).toBeGreaterThan(0.8 * COUNT);
  });

  it('makes outcomes late at the requested rate: after the delay, by up to 30 days, still the true churn', () => {
    const late = OWN.filter((r) => r.late);
    expect(rate(late, OWN)).toBeCloseTo(HEAVY.late, 2);
    const wellFormed = late.filter((r) => !r.malformed);
    const days = wellFormed.map(delayDays);
    expect(Math.min(...days)).toBeGreaterThan(DEFAULT_OUTCOME_DELAY.maxDays);
    expect(Math.max(...days)).toBeLessThanOrEqual(DEFAULT_OUTCOME_DELAY.maxDays + LATE_SPAN_DAYS);
    expect(wellFormed.filter((r) => parsed(r).churned !== LABEL.get(r.customerId))).toEqual([]);
    const onTimeDays = OWN.filter((r) => !r.late && !r.malformed).map(delayDays);
    expect(Math.max(...onTimeDays)).toBeLessThanOrEqual(DEFAULT_OUTCOME_DELAY.maxDays);
  });

  it('repeats a well-formed outcome right after it at the requested rate, with identical text', () => {
    const repeats = DIRTY.map((r, i) => [r, DIRTY[i - 1]] as const).filter(([r]) => r.kind === 'duplicate');
    expect(
      rate(
        repeats,
        OWN.filter((r) => !r.malformed),
      ),
    ).toBeCloseTo(HEAVY.duplicate, 2);
    expect(
      repeats.filter(([r, before]) => before?.kind !== 'outcome' || before.text !== r.text || r.malformed),
    ).toEqual([]);
    expect(repeats.some(([r]) => r.late)).toBe(true);
  });

  it('adds outcomes for customers nobody generated at the requested rate, well-formed and never a C id', () => {
    const strangers = DIRTY.filter((r) => r.kind === 'unknownCustomer');
    expect(rate(strangers, OWN)).toBeCloseTo(HEAVY.unknownCustomer, 2);
    expect(strangers.filter((r) => LABEL.has(r.customerId) || !/^X\d{7}$/.test(r.customerId))).toEqual([]);
    expect(new Set(strangers.map((r) => r.customerId)).size).toBe(strangers.length);
    expect(strangers.filter((r) => !cleanJson(r.text, OUTCOME_FIELDS).ok || r.malformed)).toEqual([]);
  });

  it('breaks outcomes at the requested rate, every one rejected, in every kind', () => {
    const malformed = OWN.filter((r) => r.malformed);
    expect(rate(malformed, OWN)).toBeCloseTo(HEAVY.malformed, 2);
    const reasons = malformed.map((r) => cleanJson(r.text, OUTCOME_FIELDS)).map((c) => (c.ok ? 'accepted' : c.reason));
    expect(reasons).not.toContain('accepted');
    for (const reason of [
      'not JSON',
      'not an object',
      'missing customer_id',
      'missing observed_at',
      'missing churned',
      'invalid customer_id',
      'invalid observed_at',
      'invalid churned',
    ]) {
      expect(reasons).toContain(reason);
    }
  });

  it('accepts every outcome not flagged malformed, with its true churn for a generated customer', () => {
    const wellFormed = DIRTY.filter((r) => !r.malformed);
    expect(wellFormed.filter((r) => !cleanJson(r.text, OUTCOME_FIELDS).ok)).toEqual([]);
    expect(
      wellFormed.filter((r) => r.kind !== 'unknownCustomer' && parsed(r).churned !== LABEL.get(r.customerId)),
    ).toEqual([]);
  });

  it('gives CSV rows that validate as their JSON does, and rejects the malformed ones', () => {
    const lines = [...toCsvLines(DIRTY, OUTCOME_FIELDS)];
    const wrong = DIRTY.filter((r, i) => {
      const fromCsv = cleanCsvLine(lines[i + 1] ?? '', OUTCOME_FIELDS);
      const fromJson = cleanJson(r.text, OUTCOME_FIELDS);
      return fromCsv.ok
        ? r.malformed || !fromJson.ok || JSON.stringify(fromCsv.record) !== JSON.stringify(fromJson.record)
        : !r.malformed;
    });
    expect(wrong).toEqual([]);
    const noFields = DIRTY.map((r, i) => [r, lines[i + 1] ?? ''] as const).filter(([r]) => r.fields === undefined);
    expect(noFields.length).toBeGreaterThan(0);
    expect(noFields.filter(([, line]) => parseCsvLine(line).length === OUTCOME_FIELDS.length)).toEqual([]);
  });
});

describe('generateOutcomes options', () => {
  it('is deterministic: same seed and options, byte-identical; another seed, another output', () => {
    const texts = (seed: number) =>
      [...generateOutcomes({ seed, count: 300, dirt: DEFAULT_OUTCOME_DIRT })].map((r) => r.text);
    expect(texts(3)).toEqual(texts(3));
    expect(texts(3)).not.toEqual(texts(4));
  });

  it('is lazy: the first outcomes of ten million come at once', () => {
    const outcomes = generateOutcomes({ seed: 1, count: 10_000_000, dirt: DEFAULT_OUTCOME_DIRT });
    expect([outcomes.next().done, outcomes.next().done]).toEqual([false, false]);
  });

  it.each([
    [{ delay: { minDays: -1, maxDays: 3 } }, 'delay.minDays must be a number of days in [0, 3650]; received -1'],
    [
      { delay: { minDays: 5, maxDays: 3 } },
      'delay.maxDays must be a number of days in [delay.minDays (5), 3650]; received 3',
    ],
    [
      { delay: { minDays: 1, maxDays: NaN } },
      'delay.maxDays must be a number of days in [delay.minDays (1), 3650]; received NaN',
    ],
    [{ dirt: { ...NO_OUTCOME_DIRT, late: 2 } }, 'outcomeDirt.late must be a probability in [0, 1]; received 2'],
    [
      { dirt: { late: 0, duplicate: 0, malformed: 0 } },
      'outcomeDirt.unknownCustomer must be a probability in [0, 1]; received undefined',
    ],
    [{ count: -1 }, 'count must be a non-negative integer; received -1'],
  ])('rejects %j at the call: %s', (options, message) => {
    const call = () => generateOutcomes({ seed: 1, count: 1, ...(options as object) });
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });

  it('answers any delay and dirt with a RangeError that names the option, or accepts them and generates', () => {
    const probability = fc.oneof(fc.double(), fc.anything());
    const days = fc.oneof(fc.double({ min: -10, max: 4000 }), fc.anything());
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.record({ minDays: days, maxDays: days }, { requiredKeys: [] })),
        fc.oneof(
          fc.anything(),
          fc.record(
            { late: probability, duplicate: probability, unknownCustomer: probability, malformed: probability },
            { requiredKeys: [] },
          ),
        ),
        (delay, dirt) => {
          try {
            const outcomes = [
              ...generateOutcomes({
                seed: 1,
                count: 20,
                delay: delay as { minDays: number; maxDays: number },
                dirt: dirt as OutcomeDirtOptions,
              }),
            ];
            expect(outcomes.filter((r) => r.kind === 'outcome')).toHaveLength(20);
          } catch (error) {
            expect(error).toBeInstanceOf(RangeError);
            expect((error as Error).message).toMatch(/^(delay|outcomeDirt)\.\w+ must be/);
          }
        },
      ),
      { numRuns: 500, seed: 15 },
    );
  });
});
