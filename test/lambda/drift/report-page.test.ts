/**
 * The drift report as a browser shows it: the page written by `npm run drift` for generator data
 * with drift, opened in headless Chromium under its own Content-Security-Policy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { compareDriftFiles, type DriftFilesResult, localDrift } from '../../../lib/local/drift';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../../lambda/drift/thresholds';
import { launchChromium } from '../../../lib/local/chromium';
import { fullDrift, WINDOW_START, writeBaselineCsv, writeCurrentCsv } from '../../support/drift-files';

let browser: Browser;
let page: Page;
let result: DriftFilesResult;
const consoleMessages: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-page-'));
  try {
    result = compareDriftFiles({
      baseline: writeBaselineCsv(dir),
      current: writeCurrentCsv(dir, 'drifted.csv', fullDrift(localDrift(WINDOW_START).features)),
      thresholds: DEFAULT_DRIFT_THRESHOLDS,
      generatedAt: new Date('2026-07-01T12:00:00Z'),
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleMessages.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.setContent(result.report.html, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
});

describe('the drift report page in Chromium', () => {
  it('renders one histogram per numeric feature, each with its bars', async () => {
    const figures = await page.locator('figure.feature:has(svg.histogram)').all();
    const features = await Promise.all(figures.map((figure) => figure.getAttribute('data-feature')));
    expect(features).toEqual(result.baseline.numeric.map((f) => f.name));
    for (const feature of result.baseline.numeric) {
      const bars = page.locator(`figure[data-feature="${feature.name}"] svg.histogram > rect.current`);
      await expect(bars.count()).resolves.toBe(feature.histogram.counts.length);
    }
    const box = await page.locator('svg.histogram').first().boundingBox();
    expect(box?.width).toBeGreaterThan(100);
    expect(box?.height).toBeGreaterThan(100);
  });

  it("shows each check's verdict as text, in the order of severity", async () => {
    const rows = await Promise.all(
      (await page.locator('table.checks tbody tr').all()).map(async (row) => ({
        name: await row.locator('th').innerText(),
        verdict: await row.locator('td.verdict').innerText(),
      })),
    );
    expect(rows).toHaveLength(result.report.json.features.length);
    const verdicts = rows.map((r) => r.verdict);
    expect(verdicts.slice(0, 4)).toEqual(['act', 'act', 'act', 'act']);
    expect(
      rows
        .slice(0, 4)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['area_code', 'customer_service_calls', 'day_minutes', 'international_plan']);
    expect(new Set(verdicts.slice(4))).toEqual(new Set(['ok']));
    await expect(page.locator('.overall').innerText()).resolves.toBe('act');
  });

  it('applies its own style under its policy (the hash matches): a verdict has its colour too', async () => {
    const background: unknown = await page.evaluate(
      "getComputedStyle(document.querySelector('table.checks td.verdict-act')).backgroundColor",
    );
    expect(background).toBe('rgb(255, 221, 221)');
  });

  it('logs no console error and requests nothing from the network', () => {
    expect(consoleMessages.filter((m) => /^(error|pageerror)/.test(m))).toEqual([]);
    expect(requests).toEqual([]);
  });
});
