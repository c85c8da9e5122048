/**
 * The test counts of jest and pytest, read from the reports they write (jest's `--json`, pytest's
 * JUnit XML), for the one summary line of `npm test` and CI.
 */

/** How many tests passed and how many did not (failed, errored or skipped). */
export interface TestCounts {
  readonly passed: number;
  readonly failed: number;
}

/** The counts of a jest `--json` report. A suite that failed to run counts as one failure. */
export function jestCounts(json: string): TestCounts {
  const report = JSON.parse(json) as {
    numPassedTests?: number;
    numFailedTests?: number;
    numPendingTests?: number;
    numTodoTests?: number;
    numRuntimeErrorTestSuites?: number;
  };
  return {
    passed: report.numPassedTests ?? 0,
    failed:
      (report.numFailedTests ?? 0) +
      (report.numPendingTests ?? 0) +
      (report.numTodoTests ?? 0) +
      (report.numRuntimeErrorTestSuites ?? 0),
  };
}

/**
 * The counts of a JUnit XML report as pytest writes it: every `<testsuite>` element's `tests`,
 * less its failures, errors and skipped, passed; the rest failed.
 */
export function junitCounts(xml: string): TestCounts {
  let passed = 0;
  let failed = 0;
  for (const [suite] of xml.matchAll(/<testsuite\b[^>]*>/g)) {
    const attribute = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
    const notPassed = attribute('failures') + attribute('errors') + attribute('skipped');
    passed += attribute('tests') - notPassed;
    failed += notPassed;
  }
  return { passed, failed };
}

/** `N passed, N failed`, the counts added up. */
export function summaryLine(counts: readonly TestCounts[]): string {
  const total = counts.reduce((sum, c) => ({ passed: sum.passed + c.passed, failed: sum.failed + c.failed }), {
    passed: 0,
    failed: 0,
  });
  return `${total.passed} passed, ${total.failed} failed`;
}
