/**
 * The data, evaluation and tuning reports as a browser shows them: each page opened in headless
 * Chromium under its own Content-Security-Policy. Every chart must be drawn, with marks, the
 * style must apply, and nothing may be fetched. Their screenshots are kept as test artifacts in
 * `test-artifacts/`.
 */
import { renderDataReport } from '../../lambda/data-report/report';
import { evaluate, type Evaluation } from '../../lambda/evaluate/metrics';
import { renderReport } from '../../lambda/evaluate/report';
import { renderTuningReport } from '../../lambda/evaluate/tuning-report';
import { drawnCharts, type OpenReport, openReport } from '../support/report-browser';
import { DATA_PROFILE } from '../support/data-profile';
import { caseWithCosts } from '../support/scored-sets';
import { TUNING_SUMMARY } from '../support/tuning-summary';
import { Random } from '../../lib/schema/random';

/** 600 customers whose churn follows their score, as a calibrated model's would. */
function testSplit(): Evaluation {
  const random = new Random(7);
  const next = () => random.next();
  const scores = Array.from({ length: 600 }, () => Number((next() ** 2).toFixed(3)));
  const labels = scores.map((score) => (next() < score ? 1 : 0));
  return evaluate(
    labels.map((l) => `${l},1\n`).join(''),
    scores.map((s) => `${s}\n`).join(''),
    caseWithCosts({
      missedChurner: 500,
      incentive: 100,
    }),
  );
}

describe.each([
  {
    report: 'data',
    render: () => renderDataReport(DATA_PROFILE),
    charts: [
      'numeric-day_minutes',
      'numeric-customer_service_calls',
      'correlation',
      'scatter-0-1',
      'category-state',
      'category-churn',
      'missing',
      'quarantine',
    ],
  },
  {
    report: 'evaluation',
    render: () => renderReport(testSplit()),
    charts: ['campaign', 'confusion-cheapest', 'confusion-default', 'roc', 'precision-recall', 'cost', 'calibration'],
  },
  {
    report: 'tuning',
    render: () => renderTuningReport(TUNING_SUMMARY),
    charts: ['range-0', 'range-1', 'learning-curve'],
  },
])('the $report report page in Chromium', ({ report, render, charts }) => {
  let open: OpenReport;
  beforeAll(async () => {
    open = await openReport(await render(), `${report}-report.png`);
  });
  afterAll(async () => {
    await open?.close();
  });

  it('draws every chart, each with a size and with marks from the data', async () => {
    const drawn = await drawnCharts(open.page);
    expect(drawn.map((c) => c.name)).toEqual(charts);
    for (const chart of drawn) {
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.height).toBeGreaterThan(100);
      expect(chart.markSizes.length).toBeGreaterThan(0);
      expect(chart.markSizes.some((size) => size > 0)).toBe(true);
    }
  });

  it('opens with three numbers', async () => {
    const values = await open.page.locator('.headline .value').allInnerTexts();
    expect(values).toHaveLength(3);
    for (const value of values) expect(value).toMatch(/^[\d,.]+%?( of \d+)?$/);
  });

  it('applies its own style under its policy (the hash matches): the headline is laid out in a row', async () => {
    const display: unknown = await open.page.evaluate("getComputedStyle(document.querySelector('.headline')).display");
    expect(display).toBe('flex');
  });

  it('logs no console error and requests nothing from the network', () => {
    expect(open.consoleMessages.filter((m) => /^(error|pageerror)/.test(m))).toEqual([]);
    expect(open.requests).toEqual([]);
  });
});
