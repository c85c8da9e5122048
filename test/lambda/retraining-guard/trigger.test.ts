import * as fc from 'fast-check';
import { TRIGGER_MAX_LENGTH, TriggerError, describeTrigger } from '../../../lambda/retraining-guard/trigger';

/** A Drift verdict event as EventBridge delivers it (the detail per lib/contracts/monitoring-events.ts). */
const DRIFT = {
  version: '0',
  source: 'ml-lifecycle.monitoring',
  'detail-type': 'Drift verdict',
  detail: {
    verdict: 'act',
    endpointName: 'ml-lifecycle-sandbox-churn',
    modelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn/3',
    windowStart: '2026-11-26T00:00:00Z',
    windowEnd: '2026-11-27T00:00:00Z',
    rows: 1200,
    acting: ['day_mins', 'state'],
    reportUri: 's3://artifacts/monitoring/report.json',
  },
};

/** A CloudWatch alarm state change, as EventBridge delivers it. */
const ALARM = {
  version: '0',
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  detail: {
    alarmName: 'Serving-QualityAucLow',
    state: { value: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [0.61] was less than the threshold (0.7).' },
    previousState: { value: 'OK' },
  },
};

describe('describeTrigger', () => {
  it('names an acting drift verdict: endpoint, window and the acting features', () => {
    expect(describeTrigger(DRIFT)).toBe(
      'drift verdict act on ml-lifecycle-sandbox-churn for 2026-11-26T00:00:00Z to 2026-11-27T00:00:00Z ' +
        '(acting: day_mins, state)',
    );
  });

  it('names a quality alarm and its reason', () => {
    expect(describeTrigger(ALARM)).toBe(
      'alarm Serving-QualityAucLow in ALARM: Threshold Crossed: 1 datapoint [0.61] was less than the threshold (0.7).',
    );
  });

  it('leaves out what a verdict does not say', () => {
    const bare = { ...DRIFT, detail: { verdict: 'act', endpointName: 'e' } };
    expect(describeTrigger(bare)).toBe('drift verdict act on e');
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'act', 'the event is "act"; expected an object'],
    ['without a detail', { ...DRIFT, detail: undefined }, 'detail is missing; expected an object'],
    [
      'of another kind',
      { ...DRIFT, 'detail-type': 'Model quality verdict' },
      'the event is from "ml-lifecycle.monitoring" of type "Model quality verdict"; expected a "Drift verdict"',
    ],
    ['a verdict without an endpoint', { ...DRIFT, detail: { verdict: 'act' } }, 'detail.endpointName is missing'],
    ['an alarm without a name', { ...ALARM, detail: { state: { value: 'ALARM' } } }, 'detail.alarmName is missing'],
  ])('throws a TriggerError for an event %s', (_, event, message) => {
    expect(() => describeTrigger(event)).toThrow(TriggerError);
    expect(() => describeTrigger(event)).toThrow(message);
  });

  it('keeps the trigger short, and throws nothing but a TriggerError, whatever it receives', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string({ maxLength: 2000 }), (anything, long) => {
        try {
          describeTrigger(anything);
        } catch (e) {
          expect(e).toBeInstanceOf(TriggerError);
        }
        const text = describeTrigger({
          ...ALARM,
          detail: { ...ALARM.detail, state: { value: 'ALARM', reason: long } },
        });
        expect(text.length).toBeLessThanOrEqual(TRIGGER_MAX_LENGTH);
      }),
    );
  });
});
