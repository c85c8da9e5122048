import { jestCounts, junitCounts, summaryLine } from '../../lib/local/test-counts';

describe('test counts', () => {
  it('reads jest’s JSON report, counting skipped, todo and suites that failed to run as failed', () => {
    const report = {
      numPassedTests: 40,
      numFailedTests: 2,
      numPendingTests: 1,
      numTodoTests: 1,
      numRuntimeErrorTestSuites: 1,
    };
    expect(jestCounts(JSON.stringify(report))).toEqual({ passed: 40, failed: 5 });
  });

  it('reads pytest’s JUnit XML, every suite, with failures, errors and skips as failed', () => {
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">',
      '<testsuite name="pytest" errors="1" failures="2" skipped="3" tests="20" time="5.1" timestamp="x" hostname="h">',
      '<testcase classname="a" name="b" time="0.1"/></testsuite>',
      '<testsuite name="other" errors="0" failures="0" skipped="0" tests="4"></testsuite>',
      '</testsuites>',
    ].join('');
    expect(junitCounts(xml)).toEqual({ passed: 18, failed: 6 });
  });

  it('adds the runners up into one plain line', () => {
    expect(
      summaryLine([
        { passed: 10, failed: 1 },
        { passed: 5, failed: 0 },
      ]),
    ).toBe('15 passed, 1 failed');
    expect(summaryLine([])).toBe('0 passed, 0 failed');
  });
});
