import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, REPORTS } from '../../bin/screenshots';
import { output } from '../support/output';

describe('npm run screenshots', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'screenshots-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('stops with what to run first when a local run’s report is missing', async () => {
    const io = { stdout: output(), stderr: output() };
    expect(await main([], { ...io, root })).toBe(1);
    expect(io.stderr.text).toBe(
      'error: no local/data/report.html, local/tuning/report.html, local/evaluation/report.html: run `npm run local` first\n',
    );
  });

  it('saves a full-page picture of every report, in Chromium', async () => {
    for (const { page, image } of REPORTS) {
      fs.mkdirSync(path.dirname(path.join(root, page)), { recursive: true });
      fs.mkdirSync(path.dirname(path.join(root, image)), { recursive: true });
      fs.writeFileSync(path.join(root, page), `<!DOCTYPE html><p style="height:2000px">${page}</p>`);
    }
    const io = { stdout: output(), stderr: output() };
    expect(await main([], { ...io, root })).toBe(0);
    for (const { image } of REPORTS) {
      const png = fs.readFileSync(path.join(root, image));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(20)).toBeGreaterThan(2000); // the PNG's height: the whole page, not the viewport
    }
    expect(io.stdout.text.split('\n').filter(Boolean)).toHaveLength(REPORTS.length);
  });
});
