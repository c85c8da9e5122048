import { ReportTally } from '../../lib/ingestion/producer-report';

describe('ReportTally', () => {
  it('counts what it is told', () => {
    const tally = new ReportTally(10);
    tally.batch();
    tally.request();
    tally.request();
    tally.accepted(7);
    tally.retrying(3);
    tally.fail(4, 'k4', 'ProvisionedThroughputExceededException', 'Rate exceeded');
    expect(tally.report(1234)).toEqual({
      sent: 7,
      retried: 3,
      failed: 1,
      failures: [
        {
          index: 4,
          partitionKey: 'k4',
          errorCode: 'ProvisionedThroughputExceededException',
          errorMessage: 'Rate exceeded',
        },
      ],
      failuresByCode: { ProvisionedThroughputExceededException: 1 },
      batches: 1,
      requests: 2,
      durationMs: 1234,
    });
    expect({ sent: tally.sent, failed: tally.failed }).toEqual({ sent: 7, failed: 1 });
  });

  it('lists the first failures only, and counts every one by code', () => {
    const tally = new ReportTally(2);
    ['A', 'B', 'A', 'A'].forEach((code, i) => tally.fail(i, `k${i}`, code, ''));
    const report = tally.report(0);
    expect(report.failed).toBe(4);
    expect(report.failures.map((f) => f.index)).toEqual([0, 1]);
    expect(report.failuresByCode).toEqual({ A: 3, B: 1 });
  });

  it('lists none at a limit of 0', () => {
    const tally = new ReportTally(0);
    tally.fail(0, 'k0', 'A', '');
    expect(tally.report(0)).toMatchObject({ failed: 1, failures: [], failuresByCode: { A: 1 } });
  });

  it('gives a report that later counting does not change', () => {
    const tally = new ReportTally(10);
    tally.fail(0, 'k0', 'A', '');
    const early = tally.report(1);
    tally.fail(1, 'k1', 'A', '');
    tally.accepted(1);
    expect(early).toMatchObject({ sent: 0, failed: 1, failuresByCode: { A: 1 } });
    expect(early.failures).toHaveLength(1);
  });
});
