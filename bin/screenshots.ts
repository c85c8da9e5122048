#!/usr/bin/env node
/**
 * `npm run screenshots`: the README's pictures of the reports, taken from the last `npm run local`.
 * Opens each report under `local/` in headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core, which never downloads a browser) and saves a full-page PNG under `docs/images/`.
 * Run `npm run local` first; a report that is missing stops it, naming the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from '../lib/local/chromium';

const ROOT = path.join(__dirname, '..');

/** Each report of a local run, and the picture the README shows of it. */
const REPORTS = [
  { page: 'local/tuning/report.html', image: 'docs/images/tuning-report.png' },
  { page: 'local/evaluation/report.html', image: 'docs/images/evaluation-report.png' },
];

async function main(): Promise<void> {
  const missing = REPORTS.filter((r) => !fs.existsSync(path.join(ROOT, r.page)));
  if (missing.length > 0) {
    console.error(`No ${missing.map((r) => r.page).join(', ')}: run \`npm run local\` first.`);
    process.exit(1);
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const report of REPORTS) {
      await page.setContent(fs.readFileSync(path.join(ROOT, report.page), 'utf8'), { waitUntil: 'load' });
      await page.screenshot({ path: path.join(ROOT, report.image), fullPage: true });
      console.log(`${report.page} -> ${report.image}`);
    }
  } finally {
    await browser.close();
  }
}

void main();
