import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type GeneratedFiles, main, USAGE } from '../../bin/generate';
import { renderSql, SQL_FILES } from '../../lib/etl/sql';
import { output } from '../support/output';

const ROOT = path.join(__dirname, '..', '..');
/** A time long past, set on files to see whether a run rewrote them. */
const PAST = new Date('2020-01-01T00:00:00Z');

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-generate-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs `main` with captured output on the ETL SQL rendered into `dir` (default: the temporary directory). */
function run(argv: string[], files: readonly GeneratedFiles[] = [{ dir: tmp, render: renderSql }]) {
  const stdout = output();
  const stderr = output();
  const code = main(argv, { files, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function read(file: string): string {
  return fs.readFileSync(path.join(tmp, file), 'utf8');
}

/** Marks every file in the temporary directory as written long ago. */
function age(): void {
  for (const file of fs.readdirSync(tmp)) {
    fs.utimesSync(path.join(tmp, file), PAST, PAST);
  }
}

/** The files in the temporary directory written since {@link age}. */
function touched(): string[] {
  return fs
    .readdirSync(tmp)
    .filter((file) => fs.statSync(path.join(tmp, file)).mtimeMs !== PAST.getTime())
    .sort();
}

describe('npm run generate', () => {
  it('writes every file into an empty directory, naming each', () => {
    const { code, stdout, stderr } = run([]);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(SQL_FILES.map((file) => `wrote ${path.join(tmp, file)} (new)\n`).join(''));
    for (const file of SQL_FILES) {
      expect(read(file)).toBe(renderSql()[file]);
    }
  });

  it('says nothing changed, and rewrites nothing, when every file is up to date', () => {
    run([]);
    age();

    const { code, stdout, stderr } = run([]);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`nothing changed: the ${SQL_FILES.length} generated files are up to date\n`);
    expect(touched()).toEqual([]);
  });

  it('rewrites only the files that differ or are missing, and names them', () => {
    run([]);
    fs.appendFileSync(path.join(tmp, 'features.sql'), '-- edited by hand\n');
    fs.rmSync(path.join(tmp, 'curate_customers.sql'));
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'not generated');
    age();

    const { code, stdout } = run([]);

    expect(code).toBe(0);
    expect(stdout).toBe(
      `wrote ${path.join(tmp, 'curate_customers.sql')} (new)\nwrote ${path.join(tmp, 'features.sql')}\n`,
    );
    expect(touched()).toEqual(['curate_customers.sql', 'features.sql']);
    expect(read('features.sql')).toBe(renderSql()['features.sql']);
    expect(read('notes.txt')).toBe('not generated');
  });

  it('creates the directory when it does not exist', () => {
    const dir = path.join(tmp, 'nested', 'sql');

    const { code } = run([], [{ dir, render: renderSql }]);

    expect(code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual([...SQL_FILES].sort());
  });

  it('exits 1 with the error when a renderer throws, writing nothing', () => {
    const render = () => {
      throw new Error('the schema has no field "churn"');
    };

    const { code, stdout, stderr } = run([], [{ dir: tmp, render }]);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('error: cannot render');
    expect(stderr).toContain('the schema has no field "churn"');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('npm run generate -- --check', () => {
  it('exits 0 and writes nothing when every file is up to date', () => {
    run([]);
    age();

    const { code, stdout, stderr } = run(['--check']);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`the ${SQL_FILES.length} generated files are up to date\n`);
    expect(touched()).toEqual([]);
  });

  it('exits 1 naming each stale file and how, and writes nothing', () => {
    run([]);
    fs.appendFileSync(path.join(tmp, 'curate_validated.sql'), '-- edited by hand\n');
    fs.rmSync(path.join(tmp, 'features.sql'));
    age();

    const { code, stdout, stderr } = run(['--check']);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `${path.join(tmp, 'curate_validated.sql')} is out of date: run npm run generate\n` +
        `${path.join(tmp, 'features.sql')} is missing: run npm run generate\n`,
    );
    expect(touched()).toEqual([]);
    expect(read('curate_validated.sql')).toContain('-- edited by hand');
    expect(fs.existsSync(path.join(tmp, 'features.sql'))).toBe(false);
  });
});

describe('usage', () => {
  it.each([[['--chek']], [['--check=yes']], [['glue/sql']]])('exits 2 on %j, writing nothing', (argv) => {
    const { code, stdout, stderr } = run(argv);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: [^\n]+ \(run with --help to see the options\)\n$/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('shows the help with --help, writing nothing', () => {
    const { code, stdout } = run(['--help']);

    expect(code).toBe(0);
    expect(stdout).toBe(USAGE);
    expect(USAGE).toContain('--check');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('the generate script', () => {
  it('is package.json\'s "generate", run by tsx', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.generate).toBe('tsx bin/generate.ts');
  });

  it('finds the checked-in files up to date when run as a command', () => {
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/generate.ts', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`the ${SQL_FILES.length} generated files are up to date\n`);
  });
});
