import fc from 'fast-check';
import { measureChurnSignal } from '../../lib/shared/churn-signal';
import type { Customer } from '../../lib/schema/customer-model';
import { DEFAULT_DIRT, type DirtOptions, NO_DIRT } from '../../lib/schema/dirt';
import { generateCustomers, generateWireRecords } from '../../lib/schema/generator';
import { toCsvLines, type WireRecord } from '../../lib/schema/wire';
import { CHURN_FIELDS, LABEL_FIELD, US_STATES } from '../../lib/schema/churn';
import { cellOf, cleanCsvLine, cleanJson, cleanValue, isMissing, parseCsvLine } from './reference-cleaner';

// ---------------------------------------------------------------------------------------------
// Samples shared by the tests.

const SEED = 20260101;
const CUSTOMERS: readonly Customer[] = generateCustomers({ seed: SEED, count: 20_000 });
const RECORDS = CUSTOMERS.map((c) => c.record);

/** Heavy dirt, so that rates can be measured closely on a modest sample. */
const HEAVY_DIRT: DirtOptions = {
  spelling: 0.2,
  missing: 0.1,
  numberAsString: 0.15,
  whitespace: 0.1,
  duplicate: 0.05,
  malformed: 0.05,
};
const DIRTY: readonly WireRecord[] = [...generateWireRecords({ seed: SEED, count: 20_000, dirt: HEAVY_DIRT })];
/** Records that are not the repeat of the one before. */
const ORIGINALS = DIRTY.filter((r, i) => i === 0 || DIRTY[i - 1]?.customerId !== r.customerId);
const CLEANABLE = ORIGINALS.filter((r) => !r.malformed);

function wireTexts(options: Parameters<typeof generateWireRecords>[0]): string[] {
  return [...generateWireRecords(options)].map((r) => r.text);
}

function numbers(name: string, records: readonly Customer['record'][] = RECORDS): number[] {
  return records.map((r) => r[name]).filter((v): v is number => typeof v === 'number');
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function sd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

function share<T>(xs: readonly T[], test: (x: T) => boolean): number {
  return xs.filter(test).length / xs.length;
}

function churnRate(records: readonly Customer['record'][]): number {
  return share(records, (r) => r[LABEL_FIELD.name] === true);
}

const NUMERIC = CHURN_FIELDS.filter((f) => f.type === 'integer' || f.type === 'double');
const OPTIONAL = CHURN_FIELDS.filter((f) => !f.required);
/** Category and boolean fields that have a spelling other than the canonical one. */
const SPELLABLE = CHURN_FIELDS.filter(
  (f) =>
    f.type === 'boolean' ||
    (f.type === 'category' &&
      (Object.keys(f.synonyms ?? {}).length > 0 || (f.values ?? []).some((v) => v.toLowerCase() !== v.toUpperCase()))),
);

// ---------------------------------------------------------------------------------------------

describe('generateCustomers', () => {
  it('is deterministic: same seed, same customers; another seed, others', () => {
    expect(generateCustomers({ seed: 7, count: 50 })).toEqual(generateCustomers({ seed: 7, count: 50 }));
    expect(generateCustomers({ seed: 7, count: 50 })).not.toEqual(generateCustomers({ seed: 8, count: 50 }));
  });

  it('gives a prefix of the same sequence for a smaller count', () => {
    expect(generateCustomers({ seed: 3, count: 10 })).toEqual(generateCustomers({ seed: 3, count: 100 }).slice(0, 10));
  });

  it('tells apart seeds that differ only above 32 bits, and negative seeds', () => {
    const texts = [1, 1 + 2 ** 32, -1, 2 ** 53 - 1].map((seed) =>
      JSON.stringify(generateCustomers({ seed, count: 5 })),
    );
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('numbers customers C0000001, C0000002, … and starts at 2026-01-01T00:00:00Z, a few seconds apart', () => {
    expect(RECORDS.slice(0, 3).map((r) => r.customer_id)).toEqual(['C0000001', 'C0000002', 'C0000003']);
    expect(RECORDS[0]?.event_time).toBe('2026-01-01T00:00:00.000Z');
    const times = RECORDS.map((r) => Date.parse(String(r.event_time)));
    const steps = times.slice(1).map((t, i) => (t - (times[i] ?? 0)) / 1000);
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...steps)).toBeLessThanOrEqual(10);
    expect(new Set(RECORDS.map((r) => r.customer_id)).size).toBe(RECORDS.length);
  });

  it('starts at the given time', () => {
    const [first] = generateCustomers({ seed: 1, count: 1, start: new Date('2030-05-06T07:08:09Z') });
    expect(first?.record.event_time).toBe('2030-05-06T07:08:09.000Z');
  });

  it('gives every schema field, in schema order, canonical and within every schema rule', () => {
    const names = CHURN_FIELDS.map((f) => f.name).join();
    expect(RECORDS.filter((r) => Object.keys(r).join() !== names)).toEqual([]);
    for (const spec of CHURN_FIELDS) {
      const offending = RECORDS.map((r) => r[spec.name]).filter((v) => cleanValue(spec, v) !== v || v === null);
      expect({ field: spec.name, offending: offending.slice(0, 3) }).toEqual({ field: spec.name, offending: [] });
    }
  });

  it('uses every canonical value of every category field', () => {
    for (const spec of CHURN_FIELDS.filter((f) => f.type === 'category')) {
      expect(new Set(RECORDS.map((r) => r[spec.name]))).toEqual(new Set(spec.values));
    }
  });

  it('gives probabilities in (0, 1)', () => {
    expect(CUSTOMERS.every((c) => c.churnProbability > 0 && c.churnProbability < 1)).toBe(true);
  });

  it('rejects a count that is not a non-negative integer, and a seed that is not a safe integer', () => {
    expect(() => generateCustomers({ seed: 1, count: -1 })).toThrow(
      'count must be a non-negative integer; received -1',
    );
    expect(() => generateCustomers({ seed: 1, count: 1.5 })).toThrow(RangeError);
    expect(() => generateCustomers({ seed: 0.5, count: 1 })).toThrow('seed must be a safe integer; received 0.5');
    expect(() => generateCustomers({ seed: 1, count: 1, start: new Date('nonsense') })).toThrow(RangeError);
  });
});

describe('distributions (20,000 customers)', () => {
  it.each([
    // field, mean, tolerance of the mean, sd, tolerance of the sd
    ['account_length', 101, 2, 40, 3],
    ['day_minutes', 180, 2, 54, 2],
    ['day_calls', 100, 1, 20, 1],
    ['evening_minutes', 200, 2, 50, 2],
    ['evening_calls', 100, 1, 20, 1],
    ['night_minutes', 200, 2, 50, 2],
    ['night_calls', 100, 1, 20, 1],
    ['international_minutes', 10, 0.2, 2.8, 0.2],
    ['international_calls', 4.5, 0.1, Math.sqrt(4.5), 0.1],
  ] as const)('%s ~ mean %d, sd %d', (name, m, mTolerance, s, sTolerance) => {
    const xs = numbers(name);
    expect(Math.abs(mean(xs) - m)).toBeLessThan(mTolerance);
    expect(Math.abs(sd(xs) - s)).toBeLessThan(sTolerance);
  });

  it('rounds minutes to 0.1 and charges minutes × tariff to the cent', () => {
    const rates = { day: 0.17, evening: 0.085, night: 0.045, international: 0.27 };
    const wrong = Object.entries(rates).flatMap(([prefix, rate]) =>
      RECORDS.filter((r) => {
        const minutes = Number(r[`${prefix}_minutes`]);
        return (
          Math.round(minutes * 10) / 10 !== minutes || r[`${prefix}_charge`] !== Math.round(minutes * rate * 100) / 100
        );
      }),
    );
    expect(wrong).toEqual([]);
  });

  it('has area code 415 for about half, 408 and 510 for about a quarter each', () => {
    expect(share(RECORDS, (r) => r.area_code === '415')).toBeCloseTo(0.5, 1);
    expect(share(RECORDS, (r) => r.area_code === '408')).toBeCloseTo(0.25, 1);
  });

  it('has ~10% international plans, ~27% voice-mail plans, and messages only with the plan', () => {
    expect(share(RECORDS, (r) => r.international_plan === true)).toBeGreaterThan(0.08);
    expect(share(RECORDS, (r) => r.international_plan === true)).toBeLessThan(0.12);
    const withPlan = RECORDS.filter((r) => r.voice_mail_plan === true);
    expect(withPlan.length / RECORDS.length).toBeGreaterThan(0.24);
    expect(withPlan.length / RECORDS.length).toBeLessThan(0.31);
    expect(Math.abs(mean(numbers('voice_mail_messages', withPlan)) - 29)).toBeLessThan(1);
    expect(RECORDS.filter((r) => r.voice_mail_plan === false).every((r) => r.voice_mail_messages === 0)).toBe(true);
  });

  it('has customer-service calls mostly 0-3 with a tail to 9', () => {
    const calls = numbers('customer_service_calls');
    expect(share(calls, (c) => c <= 3)).toBeGreaterThan(0.85);
    expect(Math.max(...calls)).toBeGreaterThanOrEqual(7);
    expect(Math.max(...calls)).toBeLessThanOrEqual(9);
  });

  it('spreads states uniformly, and gives ages 18-90 skewed to the young', () => {
    const perState = US_STATES.map((s) => share(RECORDS, (r) => r.state === s));
    expect(Math.min(...perState)).toBeGreaterThan(0.5 / US_STATES.length);
    expect(Math.max(...perState)).toBeLessThan(1.5 / US_STATES.length);
    const ages = numbers('age');
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThanOrEqual(90);
    const median = [...ages].sort((a, b) => a - b)[ages.length / 2] ?? 0;
    expect(mean(ages)).toBeGreaterThan(median);
  });

  it('churns about 14%, more with 4+ service calls, the international plan or high day use, less with voice mail', () => {
    const base = churnRate(RECORDS);
    expect(base).toBeGreaterThan(0.1);
    expect(base).toBeLessThan(0.2);
    expect(churnRate(RECORDS.filter((r) => Number(r.customer_service_calls) >= 4))).toBeGreaterThan(2.5 * base);
    expect(churnRate(RECORDS.filter((r) => r.international_plan === true))).toBeGreaterThan(2 * base);
    expect(churnRate(RECORDS.filter((r) => Number(r.day_minutes) > 245))).toBeGreaterThan(2 * base);
    expect(churnRate(RECORDS.filter((r) => r.voice_mail_plan === true))).toBeLessThan(0.75 * base);
  });

  it('draws the label from the churn probability', () => {
    const high = CUSTOMERS.filter((c) => c.churnProbability > 0.5);
    const low = CUSTOMERS.filter((c) => c.churnProbability < 0.1);
    expect(churnRate(high.map((c) => c.record))).toBeCloseTo(mean(high.map((c) => c.churnProbability)), 1);
    expect(churnRate(low.map((c) => c.record))).toBeCloseTo(mean(low.map((c) => c.churnProbability)), 1);
  });

  it('carries signal: AUC of the true probability >= 0.85, of a held-out logistic regression >= 0.80', () => {
    const signal = measureChurnSignal(CUSTOMERS, 15_000);
    expect(signal.trueAuc).toBeGreaterThanOrEqual(0.85);
    expect(signal.modelAuc).toBeGreaterThanOrEqual(0.8);
    // A linear model cannot beat the truth by more than sampling noise.
    expect(signal.modelAuc).toBeLessThan(signal.heldOutTrueAuc + 0.01);
  });
});

describe('generateWireRecords', () => {
  it('emits exactly count records, duplicates included', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(200), fc.double({ min: 0, max: 1, noNaN: true }), (seed, count, duplicate) => {
        expect([...generateWireRecords({ seed, count, dirt: { ...DEFAULT_DIRT, duplicate } })]).toHaveLength(count);
      }),
      { numRuns: 30 },
    );
  });

  it('is deterministic: same seed and options, byte-identical output; another seed, another output', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (a, b) => {
        fc.pre(a !== b);
        const options = { count: 100, dirt: DEFAULT_DIRT };
        expect(wireTexts({ seed: a, ...options })).toEqual(wireTexts({ seed: a, ...options }));
        expect(wireTexts({ seed: a, ...options })).not.toEqual(wireTexts({ seed: b, ...options }));
      }),
      { numRuns: 10 },
    );
  });

  it('is lazy: the first records of ten million come at once', () => {
    const records = generateWireRecords({ seed: 1, count: 10_000_000, dirt: DEFAULT_DIRT });
    const first = [records.next(), records.next()];
    expect(first.map((r) => r.done)).toEqual([false, false]);
  });

  it('checks its options at the call', () => {
    expect(() => generateWireRecords({ seed: 1, count: 1, dirt: { ...NO_DIRT, spelling: 1.5 } })).toThrow(
      'dirt.spelling must be a probability in [0, 1]; received 1.5',
    );
    expect(() => generateWireRecords({ seed: 1, count: -2 })).toThrow(RangeError);
    const lacking = { ...NO_DIRT, whitespace: undefined } as unknown as DirtOptions;
    expect(() => generateWireRecords({ seed: 1, count: 1, dirt: lacking })).toThrow(
      'dirt.whitespace must be a probability in [0, 1]; received undefined',
    );
  });

  describe('without dirt', () => {
    const clean = [...generateWireRecords({ seed: SEED, count: 2_000 })];

    it('sends the customers of the same seed, in order, as canonical JSON of every field', () => {
      expect(clean.map((r) => JSON.parse(r.text) as unknown)).toEqual(CUSTOMERS.slice(0, 2_000).map((c) => c.record));
      expect(
        clean.filter(
          (r) => r.text !== JSON.stringify(r.fields) || r.malformed || r.customerId !== r.fields?.customer_id,
        ),
      ).toEqual([]);
    });

    it('writes booleans as JSON booleans, numbers as JSON numbers and categories canonically', () => {
      for (const spec of CHURN_FIELDS) {
        const values = clean.map((r) => r.fields?.[spec.name]);
        expect(values.filter((v) => cleanValue(spec, v) !== v)).toEqual([]);
      }
    });
  });

  describe('with dirt (20,000 records at heavy rates)', () => {
    it('repeats a record at most once, right after it, with identical text', () => {
      const repeats = DIRTY.filter((r, i) => i > 0 && DIRTY[i - 1]?.customerId === r.customerId);
      expect(repeats.length / ORIGINALS.length).toBeCloseTo(HEAVY_DIRT.duplicate, 2);
      const wrong = DIRTY.filter(
        (r, i) =>
          DIRTY[i - 1]?.customerId === r.customerId &&
          (DIRTY[i - 1]?.text !== r.text || DIRTY[i - 2]?.customerId === r.customerId),
      );
      expect(wrong).toEqual([]);
    });

    it('keeps the customers whatever the dirt: originals are C0000001, C0000002, … in order', () => {
      expect(ORIGINALS.map((r) => r.customerId)).toEqual(RECORDS.slice(0, ORIGINALS.length).map((r) => r.customer_id));
    });

    it('flags malformed records at the requested rate, and the reference cleaner rejects every one', () => {
      const malformed = ORIGINALS.filter((r) => r.malformed);
      expect(malformed.length / ORIGINALS.length).toBeCloseTo(HEAVY_DIRT.malformed, 2);
      const reasons = malformed.map((r) => cleanJson(r.text)).map((c) => (c.ok ? 'accepted' : c.reason));
      expect(reasons).not.toContain('accepted');
      // Every kind shows up: not JSON (truncated or other text), not an object, required fields, ranges.
      for (const kind of [
        'not JSON',
        'not an object',
        'missing customer_id',
        'missing event_time',
        'invalid customer_id',
        'invalid event_time',
      ]) {
        expect(reasons).toContain(kind);
      }
      const outOfRange = new Set(NUMERIC.map((f) => `invalid ${f.name}`));
      expect(reasons.filter((reason) => outOfRange.has(reason)).length).toBeGreaterThan(0);
      expect(malformed.every((r) => /^C\d{7}$/.test(r.customerId))).toBe(true);
    });

    it('cleans every record not flagged malformed back to its customer, missing values as null', () => {
      const problems = CLEANABLE.flatMap((wire) => {
        const cleaned = cleanJson(wire.text);
        if (!cleaned.ok) {
          return [`${cleaned.reason}: ${wire.text}`];
        }
        const customer = RECORDS[Number(wire.customerId.slice(1)) - 1] ?? {};
        return CHURN_FIELDS.filter((spec) => {
          const expected = isMissing(wire.fields?.[spec.name]) ? null : customer[spec.name];
          return cleaned.record[spec.name] !== expected;
        }).map((spec) => `${spec.name} of ${wire.text}`);
      });
      expect(problems).toEqual([]);
    });

    it('gives fields exactly as the text has them, and none when the text is not an object', () => {
      const wrong = ORIGINALS.filter((r) => {
        const parsed = cleanJson(r.text);
        const isObject = parsed.ok || (parsed.reason !== 'not JSON' && parsed.reason !== 'not an object');
        // The fields are in schema order, as in the text, so equal values give equal JSON.
        return isObject ? r.text !== JSON.stringify(r.fields) : r.fields !== undefined;
      });
      expect(wrong).toEqual([]);
    });

    it('writes missing values at the requested rate, only in optional fields, in the listed spellings', () => {
      const values = CLEANABLE.flatMap((r) => OPTIONAL.map((f) => r.fields?.[f.name]));
      expect(share(values, isMissing)).toBeCloseTo(HEAVY_DIRT.missing, 2);
      const spellings = new Set(
        values.filter((v) => isMissing(v) && typeof v === 'string').map((v) => String(v).trim()),
      );
      expect(spellings).toEqual(new Set(['', 'NA', 'null', '?', 'N/A']));
      expect(values.some((v) => v === null)).toBe(true);
      expect(values.some((v) => v === undefined)).toBe(true);
      const required = CHURN_FIELDS.filter((f) => f.required);
      expect(CLEANABLE.every((r) => required.every((f) => !isMissing(r.fields?.[f.name])))).toBe(true);
    });

    it('misspells categories and booleans at the requested rate, always to a spelling the schema knows', () => {
      const written = CLEANABLE.flatMap((r) =>
        SPELLABLE.map((f) => ({
          f,
          raw: r.fields?.[f.name],
          canonical: RECORDS[Number(r.customerId.slice(1)) - 1]?.[f.name],
        })),
      ).filter(({ raw }) => !isMissing(raw));
      const misspelt = written.filter(
        ({ raw, canonical }) => (typeof raw === 'string' ? raw.trim() : raw) !== canonical,
      );
      expect(misspelt.length / written.length).toBeCloseTo(HEAVY_DIRT.spelling, 2);
      expect(misspelt.every(({ f, raw, canonical }) => cleanValue(f, raw) === canonical)).toBe(true);
      // The kinds the brief names: gender synonyms and case variants, lower-case states, boolean words.
      const seen = new Set(misspelt.map(({ raw }) => String(raw).trim()));
      for (const spelling of ['F', 'Female', 'FEMALE', 'm', 'yes', 'Y', '1', 'no']) {
        expect(seen).toContain(spelling);
      }
      expect([...seen].some((s) => US_STATES.some((state) => s === state.toLowerCase()))).toBe(true);
    });

    it('writes numbers as strings at the requested rate, and they parse', () => {
      const written = CLEANABLE.flatMap((r) => NUMERIC.map((f) => ({ f, raw: r.fields?.[f.name] }))).filter(
        ({ raw }) => !isMissing(raw),
      );
      const asText = written.filter(({ raw }) => typeof raw === 'string');
      expect(asText.length / written.length).toBeCloseTo(HEAVY_DIRT.numberAsString, 2);
      expect(asText.every(({ f, raw }) => typeof cleanValue(f, raw) === 'number')).toBe(true);
    });

    it('pads string values with spaces or tabs at the requested rate, never the required fields', () => {
      const strings = CLEANABLE.flatMap((r) => OPTIONAL.map((f) => r.fields?.[f.name])).filter(
        (v): v is string => typeof v === 'string',
      );
      const padded = strings.filter((s) => s !== s.trim());
      expect(padded.length / strings.length).toBeCloseTo(HEAVY_DIRT.whitespace, 2);
      expect(padded.some((s) => s.includes('\t'))).toBe(true);
      expect(padded.some((s) => s.startsWith(' ') && s.endsWith(' '))).toBe(true);
      const required = CHURN_FIELDS.filter((f) => f.required);
      expect(
        CLEANABLE.every((r) => required.every((f) => String(r.fields?.[f.name]).trim() === r.fields?.[f.name])),
      ).toBe(true);
    });
  });
});

describe('toCsvLines', () => {
  const lines = [...toCsvLines(DIRTY)];

  it('starts with the header: the schema field names in order', () => {
    expect(lines[0]).toBe(`${CHURN_FIELDS.map((f) => f.name).join(',')}\n`);
  });

  it('gives one line per record, each ending with a newline', () => {
    expect(lines).toHaveLength(DIRTY.length + 1);
    expect(lines.every((line) => line.endsWith('\n'))).toBe(true);
  });

  it('quotes cells with commas, quotes, line breaks or edge whitespace, doubling inner quotes', () => {
    const fields = { customer_id: 'C1', state: 'a,b', gender: 'say "hi"', age: ' 7 ', churn: 'x\ny' };
    const [, line] = [...toCsvLines([{ customerId: 'C1', text: '{}', fields, malformed: false }])];
    const empty = (n: number) => ','.repeat(n);
    const index = (name: string) => CHURN_FIELDS.findIndex((f) => f.name === name);
    expect(line).toBe(
      `C1${empty(index('state') - index('customer_id'))}"a,b"${empty(index('gender') - index('state'))}"say ""hi"""` +
        `${empty(index('age') - index('gender'))}" 7 "${empty(index('churn') - index('age'))}"x\ny"\n`,
    );
  });

  it('round-trips any string values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom(',', '"', '""', ' a', '\t', '\r\n', 'a,"b"')), {
          minLength: CHURN_FIELDS.length,
          maxLength: CHURN_FIELDS.length,
        }),
        (values) => {
          const fields = Object.fromEntries(CHURN_FIELDS.map((f, i) => [f.name, values[i]]));
          const [, line = ''] = [...toCsvLines([{ customerId: 'C1', text: '{}', fields, malformed: false }])];
          expect(parseCsvLine(line)).toEqual(values);
        },
      ),
    );
  });

  it('writes every record with fields as cells that parse back to its fields', () => {
    const wrong = DIRTY.filter(
      (r, i) =>
        r.fields !== undefined &&
        JSON.stringify(parseCsvLine(lines[i + 1] ?? '')) !==
          JSON.stringify(CHURN_FIELDS.map((f) => cellOf(r.fields?.[f.name]))),
    );
    expect(wrong).toEqual([]);
  });

  it('writes a record without fields as a line with the wrong number of columns', () => {
    const broken = DIRTY.map((r, i) => [r, lines[i + 1] ?? ''] as const).filter(([r]) => r.fields === undefined);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.filter(([r, line]) => JSON.stringify(parseCsvLine(line)) !== JSON.stringify([r.text]))).toEqual([]);
  });

  it('gives CSV rows that clean exactly as their JSON does, and rejects the malformed ones', () => {
    const wrong = DIRTY.filter((r, i) => {
      const fromCsv = cleanCsvLine(lines[i + 1] ?? '');
      const fromJson = cleanJson(r.text);
      return fromCsv.ok
        ? r.malformed || !fromJson.ok || JSON.stringify(fromCsv.record) !== JSON.stringify(fromJson.record)
        : !r.malformed;
    });
    expect(wrong).toEqual([]);
  });
});
