/**
 * The conventions every CLI of bin/ keeps (issue 16, "CLIs that behave alike"), checked for each
 * in the same table: `--help` and `-h` print the usage on stdout and exit 0; bad usage exits 2
 * with one line on stderr that says what is wrong; every option the usage lists is one the shared
 * reader knows; and every CLI that calls AWS takes `--region` and `--profile` to its clients.
 * Each CLI's `main` runs in-process, and stops before any AWS call or any long work.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as diagram from '../../bin/diagram';
import * as drift from '../../bin/drift';
import * as findings from '../../bin/findings';
import * as generate from '../../bin/generate';
import * as invoke from '../../bin/invoke';
import * as local from '../../bin/local';
import * as measureAuc from '../../bin/measure-auc';
import * as preflight from '../../bin/preflight';
import * as produce from '../../bin/produce';
import * as pythonEnv from '../../bin/python-env';
import * as screenshots from '../../bin/screenshots';
import { useAwsProfileFiles } from '../support/aws-profiles';
import { output } from '../support/output';

/** Where a CLI writes. */
interface Io {
  readonly stdout: ReturnType<typeof output>;
  readonly stderr: ReturnType<typeof output>;
}

/** A CLI of bin/, as the table knows it. */
interface Cli {
  /** Its npm script. */
  readonly script: string;
  /** Runs its `main` with the arguments, writing to `io`. */
  readonly run: (argv: string[], io: Io) => Promise<number>;
  /** The options that take a value. */
  readonly values: readonly string[];
  /** The options that are flags. */
  readonly flags: readonly string[];
  /** Arguments with a value the CLI refuses, when it has options that take one. */
  readonly badValue?: readonly string[];
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-conventions-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs a `main` that writes to process.stdout and process.stderr itself, capturing both. */
async function withProcessOutput(io: Io, run: () => Promise<number>): Promise<number> {
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => io.stdout.write(String(chunk))),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => io.stderr.write(String(chunk))),
  ];
  try {
    return await run();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

const CLIS: readonly Cli[] = [
  {
    script: 'produce',
    run: (argv, io) => produce.main(argv, io),
    values: ['stream', 'count', 'seed', 'rate', 'dirt', 'drift', 'observed-at', 'out', 'region', 'profile'],
    flags: ['outcomes'],
    badValue: ['--out', 'x.csv', '--count', '0'],
  },
  {
    script: 'invoke',
    run: (argv, io) => invoke.main(argv, io),
    values: ['count', 'seed', 'drift', 'stage', 'endpoint', 'region', 'profile'],
    flags: [],
    badValue: ['--count', '2001'],
  },
  {
    script: 'preflight',
    run: (argv, io) => preflight.main(argv, io),
    values: ['stage', 'config', 'region', 'profile', 'toolkit-stack-name'],
    flags: [],
    badValue: ['--stage', 'prod'],
  },
  {
    script: 'generate',
    run: (argv, io) => Promise.resolve(generate.main(argv, { ...io, files: [] })),
    values: [],
    flags: ['check'],
  },
  {
    script: 'diagram',
    run: (argv, io) =>
      Promise.resolve(
        diagram.main(argv, {
          ...io,
          file: path.join(tmp, 'architecture.md'),
          draw: () => {
            throw new Error('drawn: the arguments were taken as valid');
          },
        }),
      ),
    values: [],
    flags: ['check'],
  },
  {
    script: 'findings',
    run: (argv, io) =>
      Promise.resolve(
        findings.main(argv, {
          ...io,
          file: path.join(tmp, 'acknowledged-findings.md'),
          render: () => {
            throw new Error('rendered: the arguments were taken as valid');
          },
        }),
      ),
    values: [],
    flags: ['check'],
  },
  {
    script: 'drift',
    run: (argv, io) => Promise.resolve(drift.main(argv, { ...io, cwd: tmp })),
    values: ['baseline', 'current', 'out', 'stage'],
    flags: ['json'],
    badValue: ['--baseline', 'b.csv', '--current', 'c.csv', '--stage', 'prod'],
  },
  {
    script: 'local',
    run: (argv, io) => withProcessOutput(io, () => local.main(argv)),
    values: ['customers', 'seed', 'trials', 'scenario', 'out'],
    flags: [],
    badValue: ['--trials', '0'],
  },
  {
    script: 'python',
    run: (argv, io) => pythonEnv.main(argv, io),
    values: [],
    flags: [],
  },
  {
    script: 'screenshots',
    // An empty root: the reports are missing, so it stops before starting a browser.
    run: (argv, io) => screenshots.main(argv, { ...io, root: tmp }),
    values: [],
    flags: [],
  },
  {
    script: 'measure:auc',
    run: (argv, io) => Promise.resolve(measureAuc.main(argv, io)),
    values: ['count', 'seed'],
    flags: [],
    badValue: ['--count', '99'],
  },
];

/** Runs a CLI with fresh outputs. */
async function run(cli: Cli, argv: string[]) {
  const io = { stdout: output(), stderr: output() };
  const code = await cli.run(argv, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

/** Exactly one line, ended by a newline, that starts with `error: ` and is no stack trace. */
const ONE_ERROR_LINE = /^error: [^\n]+\n$/;

describe.each(CLIS.map((cli) => [cli.script, cli] as const))('npm run %s', (script, cli) => {
  it.each([['--help'], ['-h']])('%s prints the usage on stdout, nothing on stderr, and exits 0', async (flag) => {
    const { code, stdout, stderr } = await run(cli, [flag]);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(new RegExp(`^Usage: npm run ${script.replace(':', '\\:')}\\b`));
  });

  it('lists every option it takes in its usage, --help included', async () => {
    const { stdout } = await run(cli, ['--help']);

    for (const option of [...cli.values, ...cli.flags, 'help']) {
      expect(stdout).toMatch(new RegExp(`^ {2}--${option}\\b`, 'm'));
    }
  });

  it('takes through the shared reader every option its usage lists, and no other', async () => {
    const { stdout } = await run(cli, ['--help']);
    const listed = [...stdout.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);

    expect(listed.sort()).toEqual([...cli.values, ...cli.flags, 'help'].sort());
    for (const option of cli.values) {
      const missing = await run(cli, [`--${option}`]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`Option '--${option} <value>' argument missing`);
    }
    for (const option of cli.flags) {
      const valued = await run(cli, [`--${option}=yes`]);
      expect(valued.code).toBe(2);
      expect(valued.stderr).toContain(`Option '--${option}' does not take an argument`);
    }
  });

  const badUsage: [string, string[], string][] = [
    ['an unknown option', ['--bogus'], "Unknown option '--bogus'"],
    ['a positional argument', ['extra'], "Unexpected argument 'extra'"],
    ['a flag given a value', ['--help=yes'], 'does not take an argument'],
    ...(cli.values.length > 0
      ? [['an option without its value', [`--${cli.values[0]}`], 'argument missing'] as [string, string[], string]]
      : []),
    ...(cli.badValue === undefined ? [] : [['a bad value', [...cli.badValue], ' is "'] as [string, string[], string]]),
  ];
  it.each(badUsage)(
    'exits 2 on %s, with one line on stderr that says what is wrong, and nothing on stdout',
    async (_, argv, what) => {
      const { code, stdout, stderr } = await run(cli, argv);

      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toMatch(ONE_ERROR_LINE);
      expect(stderr).toContain(what);
      expect(stderr).toContain('--help');
    },
  );
});

/** The CLIs that call AWS, each run up to the point where its clients are made. */
describe('--region and --profile, for every CLI that calls AWS', () => {
  const AWS = ['--region', 'eu-west-3', '--profile', 'ops'];
  const STOP = new Error('stopped before any AWS call');

  it('npm run produce sends with the region and profile given', async () => {
    expect(produce.parseOptions(['--stream', 'churn', ...AWS])).toMatchObject({ region: 'eu-west-3', profile: 'ops' });
    const targets: unknown[] = [];
    const io = { stdout: output(), stderr: output() };
    const code = await produce.main(['--stream', 'churn', '--count', '1', ...AWS], {
      ...io,
      createKinesisClient: (target) => {
        targets.push(target);
        throw STOP;
      },
    });

    expect(targets).toEqual([{ region: 'eu-west-3', profile: 'ops' }]);
    expect({ code, stderr: io.stderr.text }).toEqual({ code: 1, stderr: `error: ${STOP.message}\n` });
  });

  it('npm run invoke scores with the region and profile given', async () => {
    expect(invoke.parseOptions(AWS).aws).toEqual({ region: 'eu-west-3', profile: 'ops' });
    const targets: unknown[] = [];
    const io = { stdout: output(), stderr: output() };
    await expect(
      invoke.main(['--count', '1', '--seed', '1', ...AWS], {
        ...io,
        createClients: (target) => {
          targets.push(target);
          throw STOP;
        },
      }),
    ).rejects.toBe(STOP);

    expect(targets).toEqual([{ region: 'eu-west-3', profile: 'ops' }]);
  });

  it('npm run preflight checks with the region and profile given', async () => {
    expect(preflight.parseOptions(AWS)).toMatchObject({ region: 'eu-west-3', profile: 'ops' });
    const profiles: unknown[] = [];
    const io = { stdout: output(), stderr: output() };
    const code = await preflight.main(AWS, {
      ...io,
      projectContext: () => [],
      defaultRegion: () => Promise.reject(STOP),
      credentials: (profile) => {
        profiles.push(profile);
        return { provider: () => Promise.reject(STOP), policy: { consult: false, reason: 'a test' } };
      },
    });

    expect(profiles).toEqual(['ops']);
    expect(code).toBe(1);
    expect(io.stderr.text).toContain(STOP.message);
  });

  /**
   * The clients each CLI makes by default, resolved by the SDK from a config and credentials file
   * of the test's own (a profile of static keys: no network, no AWS call).
   */
  describe("the clients each makes, as the SDK resolves them from the profile's files", () => {
    let restore: () => void;
    beforeEach(() => {
      restore = useAwsProfileFiles(tmp);
    });
    afterEach(() => {
      restore();
    });

    /** A client's region and access key, as it would sign a request. */
    async function resolved(client: {
      config: { region: () => Promise<string>; credentials: () => Promise<{ accessKeyId: string }> };
      destroy(): void;
    }) {
      try {
        return { region: await client.config.region(), key: (await client.config.credentials()).accessKeyId };
      } finally {
        client.destroy();
      }
    }

    it('npm run produce', async () => {
      expect(await resolved(produce.defaultKinesisClient({ profile: 'ops' }))).toEqual({
        region: 'ap-southeast-2',
        key: 'AKIDOPS',
      });
      expect(await resolved(produce.defaultKinesisClient({ region: 'eu-west-3', profile: 'ops' }))).toEqual({
        region: 'eu-west-3',
        key: 'AKIDOPS',
      });
      // The control: without the options, the SDK's default chain.
      expect(await resolved(produce.defaultKinesisClient({}))).toEqual({ region: 'us-east-2', key: 'AKIDDEFAULT' });
    });

    it('npm run invoke', async () => {
      const clients = invoke.defaultClients({ region: 'eu-west-3', profile: 'ops' });
      for (const client of [clients.cloudFormation, clients.sageMaker, clients.runtime]) {
        expect(await resolved(client)).toEqual({ region: 'eu-west-3', key: 'AKIDOPS' });
      }
    });

    it('npm run preflight', async () => {
      expect(await preflight.sdkDefaultRegion('ops')).toBe('ap-southeast-2');
      const { provider } = preflight.defaultCredentials('ops', {
        platform: 'linux',
        imdsEnvironment: 'disabled',
        readFile: () => undefined,
      });
      expect((await provider()).accessKeyId).toBe('AKIDOPS');
    });
  });
});

describe('the table', () => {
  it('holds every CLI that package.json runs from bin/ (but npm test, which passes its arguments to jest)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const fromBin = Object.entries(pkg.scripts)
      .filter(([, command]) => /^tsx bin\/(?!test\.ts$)\S+\.ts$/.test(command))
      .map(([script]) => script)
      .sort();
    expect(CLIS.map((cli) => cli.script).sort()).toEqual(fromBin);
  });
});
