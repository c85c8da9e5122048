import { InvalidMonitorEventError, monitorReportKey, monitorWindowEnd } from '../../../lambda/shared/monitor-run';

const NOW = new Date('2026-09-01T12:34:56.789Z');

describe('monitorWindowEnd', () => {
  it('ends the window at the scheduled event’s time', () => {
    expect(monitorWindowEnd({ time: '2026-08-31T06:00:00Z' }, NOW)).toEqual(new Date('2026-08-31T06:00:00Z'));
  });

  it('takes a manual windowEnd over the time', () => {
    expect(monitorWindowEnd({ time: '2026-08-31T06:00:00Z', windowEnd: '2026-08-15T00:00:00Z' }, NOW)).toEqual(
      new Date('2026-08-15T00:00:00Z'),
    );
  });

  it('ends it now when the event names neither', () => {
    expect(monitorWindowEnd({}, NOW)).toBe(NOW);
  });

  it.each([
    [{ time: 'soon' }, `the event's time is "soon"; expected an ISO 8601 date and time`],
    [{ windowEnd: '' }, `the event's windowEnd is ""; expected an ISO 8601 date and time`],
    [
      { windowEnd: 1_700_000_000 as unknown as string },
      `the event's windowEnd is 1700000000; expected an ISO 8601 date and time`,
    ],
  ])('refuses %j, naming the field and its value', (event, message) => {
    expect(() => monitorWindowEnd(event, NOW)).toThrow(new InvalidMonitorEventError(message));
  });
});

describe('monitorReportKey', () => {
  it('names the report by endpoint and window end, without colons', () => {
    expect(monitorReportKey('monitoring/drift/', 'churn', new Date('2026-08-31T06:00:00Z'), '.html')).toBe(
      'monitoring/drift/churn/2026-08-31T06-00-00.000Z.html',
    );
  });
});
