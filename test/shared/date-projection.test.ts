import { dateProjectionParameters } from '../../lib/shared/date-projection';

describe('dateProjectionParameters', () => {
  it('projects daily partitions from the first day to today, under <column>=<value>/ of the location', () => {
    expect(
      dateProjectionParameters({
        column: 'event_date',
        format: 'yyyy-MM-dd',
        first: '2024-01-01',
        unit: 'DAYS',
        location: 's3://raw-bucket/events/',
      }),
    ).toEqual({
      'projection.enabled': 'true',
      'projection.event_date.type': 'date',
      'projection.event_date.format': 'yyyy-MM-dd',
      'projection.event_date.range': '2024-01-01,NOW',
      'projection.event_date.interval': '1',
      'projection.event_date.interval.unit': 'DAYS',
      'storage.location.template': 's3://raw-bucket/events/event_date=${event_date}/',
    });
  });

  it('names every key after the column, so a monthly column projects by month', () => {
    const parameters = dateProjectionParameters({
      column: 'snapshot_month',
      format: 'yyyy-MM',
      first: '2023-06',
      unit: 'MONTHS',
      location: 's3://curated/features/',
    });
    expect(parameters['projection.snapshot_month.range']).toBe('2023-06,NOW');
    expect(parameters['projection.snapshot_month.interval.unit']).toBe('MONTHS');
    expect(parameters['storage.location.template']).toBe('s3://curated/features/snapshot_month=${snapshot_month}/');
    expect(Object.keys(parameters).filter((k) => k.includes('event_date'))).toEqual([]);
  });
});
