/**
 * The evaluation report as a browser shows it: the page `renderReport` writes for a test split of
 * 600 customers, opened in headless Chromium under its own Content-Security-Policy. Every chart
 * must be drawn, with marks, and nothing may be fetched. The screenshot is kept as a test artifact
 * in `test-artifacts/evaluation-report.png`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { evaluate, type Evaluation } from '../../../lambda/evaluate/metrics';
import { renderReport } from '../../../lambda/evaluate/report';
import { launchChromium } from '../../../lib/local/chromium';

const ARTIFACTS = path.join(__dirname, '..', '..', '..', 'test-artifacts');

/** A reproducible pseudo-random sequence in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 600 customers whose churn follows their score, as a calibrated model's would. */
function testSplit(): Evaluation {
  const next = random(7);
  const scores = Array.from({ length: 600 }, () => Number((next() ** 2).toFixed(3)));
  const labels = scores.map((score) => (next() < score ? 1 : 0));
  return evaluate(labels.map((l) => `${l},1\n`).join(''), scores.map((s) => `${s}\n`).join(''), {
    missedChurner: 500,
    incentive: 100,
  });
}

let browser: Browser;
let page: Page;
const consoleMessages: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  const html = await renderReport(testSplit());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleMessages.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.setContent(html, { waitUntil: 'load' });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'evaluation-report.png'), fullPage: true });
});

afterAll(async () => {
  await browser?.close();
});

describe('the evaluation report page in Chromium', () => {
  it('draws every chart, each with a size and with marks from the data', async () => {
    const figures = await page.locator('figure.chart').all();
    const names = await Promise.all(figures.map((f) => f.getAttribute('data-chart')));
    expect(names).toEqual([
      'confusion-cheapest',
      'confusion-default',
      'roc',
      'precision-recall',
      'cost',
      'calibration',
    ]);
    for (const name of names) {
      const svg = page.locator(`figure[data-chart="${name}"] > svg`);
      const box = await svg.boundingBox();
      expect(box?.width).toBeGreaterThan(200);
      expect(box?.height).toBeGreaterThan(200);
      // The data's marks (not axes or legends), each drawn with a non-empty box.
      const marks = svg.locator('.role-mark [role="graphics-symbol"]');
      expect(await marks.count()).toBeGreaterThan(0);
      const sizes = await marks.evaluateAll((elements) =>
        elements.map((e) => {
          const box = (e as unknown as { getBBox(): { width: number; height: number } }).getBBox();
          return box.width + box.height;
        }),
      );
      expect(sizes.some((size) => size > 0)).toBe(true);
    }
  });

  it('opens with three numbers', async () => {
    const values = await page.locator('.headline .value').allInnerTexts();
    expect(values).toHaveLength(3);
    for (const value of values) expect(value).toMatch(/^[\d,.]+%?$/);
  });

  it('applies its own style under its policy (the hash matches): the headline is laid out in a row', async () => {
    const display: unknown = await page.evaluate("getComputedStyle(document.querySelector('.headline')).display");
    expect(display).toBe('flex');
  });

  it('logs no console error and requests nothing from the network', () => {
    expect(consoleMessages.filter((m) => /^(error|pageerror)/.test(m))).toEqual([]);
    expect(requests).toEqual([]);
  });
});
