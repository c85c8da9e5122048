/**
 * `npm run drift` on generator data: no feature acts without drift, exactly the drifted ones act
 * with it; `--json` prints the contract's document and nothing else; files are written where asked;
 * bad input stops with a message naming the file, the line and the value.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_OUT, main, USAGE } from '../../bin/drift';
import { STAGE_DEFAULTS } from '../../lib/config';
import { FEATURE_COLUMNS } from '../../lib/contracts/feature-manifest';
import { localDrift } from '../../lib/local/drift';
import { fullDrift, WINDOW_START, writeBaselineCsv, writeCurrentCsv } from '../support/drift-files';
import { output } from '../support/output';

const NOW = new Date('2026-07-01T12:00:00Z');

let dir: string;
let baseline: string;
let steady: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-cli-'));
  baseline = writeBaselineCsv(dir);
  steady = writeCurrentCsv(dir, 'steady.csv');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in `cwd` (default: the temporary directory) with captured output. */
function run(argv: string[], cwd = dir) {
  const stdout = output();
  const stderr = output();
  const code = main(argv, { stdout, stderr, now: () => NOW, cwd });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

interface JsonCheck {
  name: string;
  statistic: string;
  value: number | null;
  verdict: string;
}

/** The JSON report of a comparison of `current` with the baseline. */
function jsonOf(current: string): { verdict: string; features: JsonCheck[] } {
  const { code, stdout, stderr } = run(['--baseline', baseline, '--current', current, '--json']);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as { verdict: string; features: JsonCheck[] };
}

/** The features (by name) with a check of this verdict. */
function namesWith(features: readonly JsonCheck[], verdict: string): string[] {
  return [...new Set(features.filter((f) => f.verdict === verdict).map((f) => f.name))].sort();
}

describe('npm run drift on generator data', () => {
  it('finds no drift between two samples of the same customers: every check ok', () => {
    const report = jsonOf(steady);
    expect(report.verdict).toBe('ok');
    expect(namesWith(report.features, 'act')).toEqual([]);
    expect(namesWith(report.features, 'watch')).toEqual([]);
    // Every feature was judged: numeric ones by PSI, groups by distance, all by missing fraction.
    expect(report.features.filter((f) => f.statistic === 'psi').map((f) => f.name)).toContain('day_minutes');
    expect(report.features.filter((f) => f.statistic === 'l_infinity').map((f) => f.name)).toEqual([
      'state',
      'area_code',
      'gender',
    ]);
  });

  it.each<[string, Parameters<typeof fullDrift>[0], string[]]>([
    [
      "the local lifecycle's drift",
      localDrift(WINDOW_START).features,
      ['area_code', 'customer_service_calls', 'day_minutes', 'international_plan'],
    ],
    [
      'a scale, a shift and a new gender mix',
      { account_length: { scale: 1.6 }, age: { shift: 12 }, gender: { weights: { female: 1, male: 0 } } },
      ['account_length', 'age', 'gender'],
    ],
  ])('with %s, flags exactly the drifted features as act', (_, features, drifted) => {
    const file = writeCurrentCsv(dir, `drift-${drifted.join('-')}.csv`, fullDrift(features));
    const report = jsonOf(file);
    expect(report.verdict).toBe('act');
    expect(namesWith(report.features, 'act')).toEqual(drifted);
    // The others are not even worth watching.
    expect(namesWith(report.features, 'watch')).toEqual([]);
  });

  it('prints with --json one JSON document of the contract shape, and writes nothing', () => {
    const { code, stdout } = run(['--baseline', baseline, '--current', steady, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).slice(0, 2)).toEqual(['verdict', 'features']);
    expect(['ok', 'watch', 'act', 'insufficient']).toContain(report.verdict);
    const features = report.features as Record<string, unknown>[];
    expect(features.length).toBeGreaterThan(0);
    for (const check of features) {
      expect(Object.keys(check)).toEqual(['name', 'statistic', 'value', 'verdict']);
      expect(typeof check.name).toBe('string');
      expect(typeof check.statistic).toBe('string');
      expect(check.value === null || typeof check.value === 'number').toBe(true);
      expect(['ok', 'watch', 'act', 'insufficient']).toContain(check.verdict);
    }
    expect(report.generatedAt).toBe(NOW.toISOString());
    expect(fs.existsSync(path.join(dir, DEFAULT_OUT))).toBe(false);
  });

  it('prints the table and the verdict, and writes report.json and report.html into --out', () => {
    const out = path.join(dir, 'out');
    const { code, stdout, stderr } = run(['--baseline', baseline, '--current', steady, '--out', out]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^feature +statistic +value +verdict$/m);
    expect(stdout).toMatch(/^day_minutes +psi +0\.\d{4} +ok$/m);
    expect(stdout).toMatch(
      /^Overall verdict: ok \(0 act, 0 watch, 0 insufficient, \d+ ok; 5000 baseline rows, 2000 current rows\)$/m,
    );
    expect(stdout).toContain('Wrote out/report.json\nWrote out/report.html\n');
    const written = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as { verdict: string };
    expect(written.verdict).toBe('ok');
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it(`writes into ${DEFAULT_OUT}/ of the current directory when --out is not given`, () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
    const { code, stdout } = run(['--baseline', baseline, '--current', steady], cwd);
    expect(code).toBe(0);
    expect(stdout).toContain(`Wrote ${DEFAULT_OUT}/report.json\n`);
    expect(fs.existsSync(path.join(cwd, DEFAULT_OUT, 'report.html'))).toBe(true);
  });

  it.each(['sandbox', 'production'] as const)('takes the thresholds of --stage %s from its config', (stage) => {
    const { stdout } = run(['--baseline', baseline, '--current', steady, '--json', '--stage', stage]);
    const m = STAGE_DEFAULTS[stage].monitoring;
    expect((JSON.parse(stdout) as { thresholds: unknown }).thresholds).toEqual({
      psi: { watch: m.psiWatch, act: m.psiAct },
      categorical: { watch: m.categoricalWatch, act: m.categoricalAct },
      missingFractionChange: { watch: m.missingWatch, act: m.missingAct },
      minimumRows: m.minimumRows,
      emptyBinShare: 0.0001,
    });
  });
});

describe('npm run drift on bad input', () => {
  const header = FEATURE_COLUMNS.join(',');
  /** A baseline row: every feature 0, except `overrides` by column index. */
  const row = (overrides: Record<number, string> = {}): string =>
    FEATURE_COLUMNS.map((_, i) => overrides[i] ?? '0').join(',');
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('shows its usage on --help', () => {
    expect(run(['--help'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  it.each([
    [['--current', 'x.csv'], '--baseline is missing; expected the path of a CSV file'],
    [['--baseline', 'x.csv'], '--current is missing'],
    [
      ['--baseline', 'x.csv', '--current', 'y.csv', '--stage', 'prod'],
      '--stage is "prod"; expected one of: sandbox, production',
    ],
    [['--baseline', 'x.csv', '--current', 'y.csv', '--colour'], "Unknown option '--colour'"],
  ])('refuses %j with exit code 2', (argv, message) => {
    const { code, stderr } = run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('names a file that does not exist, with exit code 1', () => {
    const missing = path.join(dir, 'nowhere.csv');
    const { code, stdout, stderr } = run(['--baseline', missing, '--current', steady]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`error: cannot read the baseline file ${missing}: no such file\n`);
  });

  it.each([
    ['an empty file', '', /is empty; expected a header line naming the feature columns: state_ak,/],
    ['no header', `${row()}\n`, /line 1, column 1 is "0", a number: the file has no header/],
    [
      'the label column first',
      `churn,${header}\n0,${row()}\n`,
      /line 1, column 1 is "churn", the label: the features' layout has no label column/,
    ],
    [
      'a column that is not a feature',
      `${header},customer_id\n${row()},C1\n`,
      /line 1, column \d+ is "customer_id", which is not a feature column/,
    ],
    [
      'a feature column missing',
      `${FEATURE_COLUMNS.slice(1).join(',')}\n`,
      /line 1 lacks the feature column "state_ak"/,
    ],
    [
      'two columns swapped',
      `${[FEATURE_COLUMNS[1], FEATURE_COLUMNS[0], ...FEATURE_COLUMNS.slice(2)].join(',')}\n`,
      /line 1, column 1 is "state_al"; expected "state_ak"/,
    ],
    ['a short row', `${header}\n${row()}\n0,0\n`, /line 3 has 2 fields; expected \d+, one per column/],
    [
      'a value that is not a number',
      `${header}\n${row()}\n${row({ [FEATURE_COLUMNS.indexOf('day_minutes')]: '12O.5' })}\n`,
      new RegExp(
        `line 3, column ${FEATURE_COLUMNS.indexOf('day_minutes') + 1} \\(day_minutes\\) is "12O.5"; expected a number`,
      ),
    ],
    [
      'a one-hot group with two ones',
      `${header}\n${row({ 0: '1', 1: '1' })}\n`,
      /line 2, column 2 \(state_al\) is 1, and so is state_ak; expected at most one 1 in the one-hot group state/,
    ],
  ])('refuses a baseline with %s, naming the file and the line (exit code 1)', (_, text, message) => {
    const file = write('bad-baseline.csv', text);
    const { code, stdout, stderr } = run(['--baseline', file, '--current', steady]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`error: ${file} `);
    expect(stderr).toMatch(message);
  });

  it('refuses a current file without a header, but reports what is wrong in one with a header as checks that act', () => {
    const headless = write('headless.csv', `${row()}\n`);
    const refused = run(['--baseline', baseline, '--current', headless]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: ${headless} line 1, column 1 is "0", a number: the file has no header`);

    // day_minutes dropped, customer_id added, one value that is not a number.
    const columns = [...FEATURE_COLUMNS.filter((c) => c !== 'day_minutes'), 'customer_id'];
    const values = columns.map((c) => (c === 'age' ? 'old' : c === 'customer_id' ? 'C1' : '0'));
    const broken = write('broken.csv', `${columns.join(',')}\n${values.join(',')}\n`);
    const report = JSON.parse(run(['--baseline', baseline, '--current', broken, '--json']).stdout) as {
      verdict: string;
      features: JsonCheck[];
    };
    expect(report.verdict).toBe('act');
    expect(report.features.filter((f) => f.verdict === 'act')).toEqual([
      { name: 'day_minutes', statistic: 'column_missing', value: null, verdict: 'act' },
      { name: 'age', statistic: 'invalid_values', value: 1, verdict: 'act' },
      { name: 'customer_id', statistic: 'column_extra', value: null, verdict: 'act' },
    ]);
  });
});

describe('the drift script', () => {
  const ROOT = path.join(__dirname, '..', '..');

  it('is package.json\'s "drift", run by tsx', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.drift).toBe('tsx bin/drift.ts');
  });

  it('sets the exit code when run as a command', () => {
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const compared = spawnSync(tsx, ['bin/drift.ts', '--baseline', baseline, '--current', steady, '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(compared.status).toBe(0);
    expect((JSON.parse(compared.stdout) as { verdict: string }).verdict).toBe('ok');
    const missing = spawnSync(tsx, ['bin/drift.ts', '--baseline', path.join(dir, 'none.csv'), '--current', steady], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});
