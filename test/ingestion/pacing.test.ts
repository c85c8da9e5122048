import { createPacer, maxBatchRecords } from '../../lib/ingestion/pacing';
import { PUT_RECORDS_MAX_RECORDS } from '../../lib/ingestion/record-batches';
import { fakeClock } from '../support/fake-clock';

describe('maxBatchRecords', () => {
  it.each([
    [undefined, PUT_RECORDS_MAX_RECORDS],
    [50, 50],
    [2.9, 2],
    [0.5, 1],
    [10_000, PUT_RECORDS_MAX_RECORDS],
  ])('at %p records per second holds at most %d records', (rate, expected) => {
    expect(maxBatchRecords(rate)).toBe(expected);
  });
});

describe('createPacer', () => {
  it('never waits without a rate', async () => {
    const time = fakeClock(1000);
    const pace = createPacer({ start: time.now(), now: time.now, sleep: time.sleep });
    for (let i = 0; i < 5; i++) {
      await pace(500);
    }
    expect(time.sleeps).toEqual([]);
  });

  it('waits until the entries already put fit the rate', async () => {
    const time = fakeClock(1000);
    const pace = createPacer({ recordsPerSecond: 10, start: time.now(), now: time.now, sleep: time.sleep });
    await pace(5); // nothing put yet: no wait
    await pace(5); // 5 put at 10/s: due at 500 ms
    await pace(10); // 10 put: due at 1000 ms, 500 ms later
    expect(time.sleeps).toEqual([500, 500]);
  });

  it('does not wait when the caller is already behind the rate', async () => {
    const time = fakeClock(1000);
    const pace = createPacer({ recordsPerSecond: 10, start: time.now(), now: time.now, sleep: time.sleep });
    await pace(5);
    await time.sleep(2000); // something else took two seconds
    time.sleeps.length = 0;
    await pace(5);
    expect(time.sleeps).toEqual([]);
  });
});
