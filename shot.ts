import * as fs from 'node:fs';
import { launchChromium } from './lib/local/chromium';
(async () => {
  const b = await launchChromium();
  const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
  await p.setContent(fs.readFileSync(process.argv[2]!, 'utf8'), { waitUntil: 'load' });
  await p.screenshot({ path: process.argv[3]!, fullPage: true });
  await b.close();
})();
