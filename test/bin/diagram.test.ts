/**
 * `npm run diagram` writes only the files whose text changes, and says which it changed or that
 * nothing changed: docs/architecture.md, and the same diagram between the README's markers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../bin/diagram';
import { architectureDocument, README_MARKERS } from '../../lib/diagram/document';
import { output } from '../support/output';

const DRAWN = architectureDocument('flowchart LR\n  a --> b\n', 'flowchart LR\n  A --> B\n');
const README = `# Project\n\n${README_MARKERS.start}\n\nold diagram\n\n${README_MARKERS.end}\n\nMore text.\n`;

let tmp: string;
let doc: string;
let readme: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-cli-'));
  doc = path.join(tmp, 'docs', 'architecture.md');
  readme = path.join(tmp, 'README.md');
  fs.writeFileSync(readme, README);
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function run(argv: string[] = []) {
  const stdout = output();
  const stderr = output();
  const code = main(argv, { draw: () => DRAWN, file: doc, readme, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('npm run diagram', () => {
  it('writes both files and names both', () => {
    const { code, stdout } = run();

    expect(code).toBe(0);
    expect(stdout).toBe(`updated ${doc}, ${readme}\n`);
    expect(fs.readFileSync(doc, 'utf8')).toBe(DRAWN);
    // The README shows the stacks, not the resources.
    expect(fs.readFileSync(readme, 'utf8')).toContain('```mermaid\nflowchart LR\n  A --> B\n```');
    expect(fs.readFileSync(readme, 'utf8')).not.toContain('a --> b');
    expect(fs.readFileSync(readme, 'utf8')).toMatch(/^# Project\n[\s\S]*\nMore text\.\n$/);
  });

  it('writes nothing when nothing changed, leaves the timestamps, and says so', () => {
    run();
    const old = new Date('2020-01-01T00:00:00Z');
    for (const file of [doc, readme]) {
      fs.utimesSync(file, old, old);
    }
    const { code, stdout } = run();

    expect(code).toBe(0);
    expect(stdout).toBe(`nothing changed: ${doc} and ${readme} are up to date\n`);
    for (const file of [doc, readme]) {
      expect(fs.statSync(file).mtime).toEqual(old);
    }
  });

  it('names only the file it changed', () => {
    run();
    fs.writeFileSync(readme, README);

    expect(run().stdout).toBe(`updated ${readme}\n`);
  });

  it('--check names a README whose diagram is out of date, and writes nothing', () => {
    run();
    fs.writeFileSync(readme, README);
    const { code, stdout, stderr } = run(['--check']);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${readme} is out of date: run npm run diagram\n`);
    expect(fs.readFileSync(readme, 'utf8')).toBe(README);
  });

  it('--check says both are up to date when they are', () => {
    run();

    expect(run(['--check'])).toEqual({ code: 0, stdout: `${doc} and ${readme} are up to date\n`, stderr: '' });
  });

  it('exits 1 naming the README when it lacks the markers, and writes nothing', () => {
    fs.writeFileSync(readme, '# Project\n');
    const { code, stderr } = run();

    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: cannot draw the diagram into .*README\.md: README\.md lacks the lines/);
    expect(fs.existsSync(doc)).toBe(false);
  });

  it('shows what it is doing on a TTY while it draws, and clears it', () => {
    const stderr = Object.assign(output(), { isTTY: true });
    main([], { draw: () => DRAWN, file: doc, readme, stdout: output(), stderr });

    expect(stderr.text).toBe('\rsynthesizing the app to draw it...\x1b[K\r\x1b[K');
  });
});
