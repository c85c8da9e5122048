/**
 * Headless Chromium for the tests that open a page the project writes, and for
 * `npm run screenshots`: Debian's `/usr/bin/chromium` driven by playwright-core, which never
 * downloads a browser of its own. The flags keep Chromium off the network it would otherwise call
 * at start (updates, sync, safe browsing), which this machine's closed network refuses.
 */
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Starts headless Chromium; close it in `afterAll`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
