#!/usr/bin/env node
/**
 * `npm run screenshots`: the README's pictures of the reports, taken from the last `npm run local`.
 * Opens each report under `local/` in headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core, which never downloads a browser) and saves a full-page PNG under `docs/images/`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import { runMain } from '../lib/shared/cli/run-main';
import { launchChromium } from '../lib/local/chromium';

export { UsageError };

const ROOT = path.join(__dirname, '..');

/** Each report of a local run, and the picture the README shows of it. */
export const REPORTS = [
  { page: 'local/data/report.html', image: 'docs/images/data-report.png' },
  { page: 'local/tuning/report.html', image: 'docs/images/tuning-report.png' },
  { page: 'local/evaluation/report.html', image: 'docs/images/evaluation-report.png' },
] as const;

export const USAGE = `Usage: npm run screenshots

Takes the README's pictures of the reports of the last \`npm run local\`: opens each of
${REPORTS.map((r) => r.page).join(', ')}
in headless Chromium (/usr/bin/chromium) and saves a full-page PNG under docs/images/.

Options:
  --help   show this help

Exit codes: 0 taken, 1 a report is missing (run \`npm run local\` first), 2 bad usage.
`;

/** Where `main` writes. */
export interface TextOutput {
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface ScreenshotsDeps {
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
  /** The project root the reports and images are under. @default the repository */
  readonly root?: string;
}

export async function main(argv: readonly string[], deps: ScreenshotsDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const root = deps.root ?? ROOT;
  const options = readArguments(argv, (args) => ({ help: parseOptionArgs(args, []).help }), { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }
  const missing = REPORTS.filter((r) => !fs.existsSync(path.join(root, r.page)));
  if (missing.length > 0) {
    stderr.write(`error: no ${missing.map((r) => r.page).join(', ')}: run \`npm run local\` first\n`);
    return 1;
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const report of REPORTS) {
      await page.setContent(fs.readFileSync(path.join(root, report.page), 'utf8'), { waitUntil: 'load' });
      await page.screenshot({ path: path.join(root, report.image), fullPage: true });
      stdout.write(`${report.page} -> ${report.image}\n`);
    }
  } finally {
    await browser.close();
  }
  return 0;
}

runMain(module, main);
