import { checkDrift, DRIFTABLE_FIELDS } from '../../lib/schema/drift';
import { DRIFT_SCENARIO_NAMES, DRIFT_SCENARIOS, driftScenario } from '../../lib/schema/drift-scenarios';
import { generateCustomers } from '../../lib/schema/generator';

const START = new Date('2026-03-01T00:00:00Z');

describe('drift scenarios', () => {
  it.each(DRIFT_SCENARIO_NAMES)('%s is valid drift, and flags only fields that can drift', (name) => {
    const drift = driftScenario(name, START, 6);
    expect(() => checkDrift(drift)).not.toThrow();
    expect(drift.rampEnd.toISOString()).toBe('2026-03-01T06:00:00.000Z');
    for (const field of DRIFT_SCENARIOS[name].drifted) {
      expect(DRIFTABLE_FIELDS).toContain(field);
    }
    expect([...DRIFT_SCENARIOS[name].drifted].sort()).toEqual(
      Object.keys('features' in DRIFT_SCENARIOS[name].drift ? DRIFT_SCENARIOS[name].drift.features : {}).sort(),
    );
  });

  it('moves the drifted fields of customers after the ramp, and nothing before it', () => {
    const drift = driftScenario('market', START);
    const before = generateCustomers({ seed: 7, count: 50, start: new Date(START.getTime() - 3_600_000), drift });
    const plainBefore = generateCustomers({ seed: 7, count: 50, start: new Date(START.getTime() - 3_600_000) });
    expect(before.slice(0, 10)).toEqual(plainBefore.slice(0, 10));
    const after = generateCustomers({ seed: 7, count: 200, start: new Date(START.getTime() + 1000), drift });
    expect(new Set(after.map((c) => c.record.state))).toEqual(new Set(['CA', 'NY', 'TX']));
  });

  it('is a step without rampHours', () => {
    const drift = driftScenario('usage', START);
    expect(drift.rampEnd).toEqual(drift.rampStart);
  });

  it.each([
    ['usual', 0, 'drift scenario "usual" is unknown; expected one of: usage, market, concept, usage+concept'],
    ['__proto__', 0, 'drift scenario "__proto__" is unknown'],
    ['usage', -1, 'rampHours is -1; expected a number of hours, 0 or more'],
    ['usage', Number.NaN, 'rampHours is NaN; expected a number of hours, 0 or more'],
  ])('rejects %j with ramp %p, naming what is allowed', (name, hours, message) => {
    expect(() => driftScenario(name, START, hours)).toThrow(RangeError);
    expect(() => driftScenario(name, START, hours)).toThrow(message);
  });
});
