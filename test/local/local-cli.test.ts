import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, USAGE } from '../../bin/local';

/** Runs the CLI with `argv`, capturing what it writes. */
async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0),
    jest.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' '))),
    jest.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' '))),
  ];
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
    process.env = saved;
  }
}

describe('npm run local', () => {
  it('shows its usage on --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toBe(USAGE);
  });

  it.each([
    [['--customers', '10'], '--customers must be an integer from 1000 to 1000000; received "10"'],
    [['--customers', 'many'], '--customers must be an integer from 1000 to 1000000; received "many"'],
    [['--trials', '0'], '--trials must be an integer from 1 to 20; received "0"'],
    [['--seed', '1.5'], '--seed must be an integer'],
    [['--colour', 'red'], "Unknown option '--colour'"],
  ])('refuses %j with exit code 2, saying what is allowed', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: npm run local');
  });

  it('stops with what to install when Python is missing, before writing anything', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cli-'));
    try {
      const { code, stderr } = await run(['--out', path.join(out, 'run')], { PYTHON: path.join(out, 'no-python') });
      expect(code).toBe(1);
      expect(stderr).toMatch(/Python \(".*no-python"\) was not found\. Install Python 3\.11 or newer/);
      expect(fs.existsSync(path.join(out, 'run'))).toBe(false);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('stops with what to install when Java is missing', async () => {
    const { code, stderr } = await run(['--out', path.join(os.tmpdir(), 'unused')], { JAVA: '/nonexistent/java' });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /Java \("\/nonexistent\/java"\) was not found: local Spark needs a Java runtime, version 17/,
    );
  });
});
