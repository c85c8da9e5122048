import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changeSummary, readIfExists, writeIfChanged } from '../../../lib/shared/cli/write-if-changed';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'write-if-changed-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('writeIfChanged', () => {
  it('writes a missing file, creating its folder, and says it did', () => {
    const file = path.join(tmp, 'docs', 'a.md');

    expect(writeIfChanged(file, 'text\n')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('text\n');
  });

  it('leaves a file that already holds the text untouched (its timestamp too), and says so', () => {
    const file = path.join(tmp, 'a.md');
    fs.writeFileSync(file, 'text\n');
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(file, old, old);

    expect(writeIfChanged(file, 'text\n')).toBe(false);
    expect(fs.statSync(file).mtime).toEqual(old);
  });

  it('rewrites a file whose text differs, even by a final newline', () => {
    const file = path.join(tmp, 'a.md');
    fs.writeFileSync(file, 'text');

    expect(writeIfChanged(file, 'text\n')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('text\n');
  });
});

describe('readIfExists', () => {
  it('reads a file, and answers undefined for a missing one', () => {
    const file = path.join(tmp, 'a.md');
    fs.writeFileSync(file, 'x');

    expect(readIfExists(file)).toBe('x');
    expect(readIfExists(path.join(tmp, 'missing.md'))).toBeUndefined();
  });

  it('throws for what is not a missing file (a directory)', () => {
    expect(() => readIfExists(tmp)).toThrow(/EISDIR/);
  });
});

describe('changeSummary', () => {
  it.each([
    [
      ['docs/architecture.md', 'README.md'],
      ['docs/architecture.md', 'README.md'],
      'updated docs/architecture.md, README.md',
    ],
    [['README.md'], ['docs/architecture.md', 'README.md'], 'updated README.md'],
    [[], ['docs/architecture.md', 'README.md'], 'nothing changed: docs/architecture.md and README.md are up to date'],
    [[], ['a', 'b', 'c'], 'nothing changed: a, b and c are up to date'],
    [[], ['docs/findings.md'], 'nothing changed: docs/findings.md is up to date'],
  ])('changed %j of %j: %j', (changed, all, text) => {
    expect(changeSummary(changed, all)).toBe(text);
  });
});
