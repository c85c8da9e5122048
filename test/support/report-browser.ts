/**
 * A report page as a browser shows it, for the reports' Chromium tests: the page opened in headless
 * Chromium under its own Content-Security-Policy, what it logged and requested, its screenshot kept
 * as a test artifact under `test-artifacts/`, and what its charts drew.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../lib/local/chromium';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

/** An open report page; close it with `close()` in `afterAll`. */
export interface OpenReport {
  readonly page: Page;
  /** Console messages, as `type: text`, and page errors, as `pageerror: message`. */
  readonly consoleMessages: readonly string[];
  /** Every URL the page requested. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/** Opens `html` in Chromium and saves its full-page screenshot as `test-artifacts/<screenshot>`. */
export async function openReport(html: string, screenshot: string): Promise<OpenReport> {
  const browser: Browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleMessages: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleMessages.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.setContent(html, { waitUntil: 'load' });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, screenshot), fullPage: true });
  return { page, consoleMessages, requests, close: () => browser.close() };
}

/** What one chart drew: its size, and the size (width + height) of each of its data's marks. */
export interface DrawnChart {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly markSizes: readonly number[];
}

/** Every chart of the page (`figure.chart`), in order, with what it drew. */
export async function drawnCharts(page: Page): Promise<DrawnChart[]> {
  // The page's elements are typed by what is read of them: the project compiles without the DOM's types.
  const names = await page
    .locator('figure.chart')
    .evaluateAll((figures: { getAttribute(name: string): string | null }[]) =>
      figures.map((f) => f.getAttribute('data-chart') ?? ''),
    );
  const charts: DrawnChart[] = [];
  for (const name of names) {
    const svg = page.locator(`figure[data-chart="${name}"] > svg`);
    const box = await svg.boundingBox();
    // The data's marks (not axes or legends), each measured as drawn.
    const markSizes = await svg
      .locator('.role-mark [role="graphics-symbol"]')
      .evaluateAll((elements: { getBBox(): { width: number; height: number } }[]) =>
        elements.map((e) => e.getBBox().width + e.getBBox().height),
      );
    charts.push({ name, width: box?.width ?? 0, height: box?.height ?? 0, markSizes });
  }
  return charts;
}
