/**
 * docs/acknowledged-findings.md: the committed file is what the app renders now, it lists every
 * acknowledgement and nothing else, and the renderer groups, merges, orders and escapes as it
 * says, in the form Prettier keeps. Also `npm run findings` (bin/findings.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, renderFindings, USAGE } from '../../bin/findings';
import { type Acknowledgement, acknowledgementsIn } from '../../lib/shared/compliance';
import {
  type AcknowledgedFinding,
  codeSpan,
  escapeMarkdown,
  FINDINGS_DOC,
  findingsDocument,
} from '../../lib/shared/findings-document';
import { buildApp, PRODUCTION_CONTEXT } from '../support/app';
import { output } from '../support/output';

const ROOT = path.join(__dirname, '..', '..');
const DOC = path.join(ROOT, FINDINGS_DOC);

// The app is built once for the file (it takes seconds); the renderer reads it, never changes it.
let stacks: string[];
let acks: Acknowledgement[];
let rendered: string;
beforeAll(() => {
  const { app } = buildApp();
  stacks = app.node.children.map((stack) => stack.node.id);
  acks = acknowledgementsIn(app);
  rendered = findingsDocument(acks);
});

/**
 * The findings a document lists, read back from its text: each `### \`path\`` section's bullets,
 * `- \`RULE\`, \`RULE\`: reason`, as one (path, rule, reason) per rule, with the reason unescaped.
 */
function listedFindings(document: string): AcknowledgedFinding[] {
  const listed: AcknowledgedFinding[] = [];
  let current: string | undefined;
  for (const line of document.split('\n')) {
    const heading = /^### `([^`]+)`/.exec(line);
    if (heading !== null) {
      current = heading[1];
      continue;
    }
    if (line.startsWith('## ')) {
      current = undefined;
      continue;
    }
    const bullet = /^- ((?:`[^`]+`, )*`[^`]+`): (.*)$/.exec(line);
    if (current !== undefined && bullet !== null) {
      const reason = (bullet[2] ?? '').replace(/\\([\\`*_[\]<>])/g, '$1');
      for (const [, id] of (bullet[1] ?? '').matchAll(/`([^`]+)`/g)) {
        listed.push({ path: current, id: id ?? '', reason });
      }
    }
  }
  return listed;
}

/** Findings as sortable, comparable lines. */
const asLines = (findings: readonly AcknowledgedFinding[]): string[] =>
  [...new Set(findings.map((f) => `${f.id} on ${f.path}: ${f.reason}`))].sort();

/** `text` as Prettier formats it as Markdown, with the project's settings (through its CLI: jest cannot load its plugins). */
function prettierMarkdown(text: string): string {
  const result = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'prettier'),
    ['--stdin-filepath', path.join(ROOT, 'docs', 'x.md')],
    { input: text, encoding: 'utf8', cwd: ROOT },
  );
  expect(result.stderr).toBe('');
  return result.stdout;
}

describe(FINDINGS_DOC, () => {
  it('is what the app renders now (when this fails: npm run findings, then review and commit the diff)', () => {
    expect(fs.readFileSync(DOC, 'utf8')).toBe(rendered);
  });

  it('is rendered the same by the app bin/findings.ts builds for itself', () => {
    expect(renderFindings()).toBe(rendered);
  });

  it('lists every acknowledgement of the app, on its construct with its own reason, and nothing else', () => {
    expect(acks.length).toBeGreaterThan(100);
    expect(asLines(listedFindings(rendered))).toEqual(asLines(acks));
  });

  it('has no "As above." shorthand: each bullet carries the reason itself', () => {
    expect(rendered).not.toMatch(/as above/i);
  });

  it('has one section per stack with acknowledgements, in the order of the app', () => {
    const sections = rendered.split('\n').filter((line) => line.startsWith('## ') && line !== '## Summary');
    const withAcks = stacks.filter((stack) => acks.some((a) => a.path.split('/')[0] === stack));
    expect(withAcks.length).toBeGreaterThan(4);
    expect(sections).toEqual(withAcks.map((stack) => `## ${stack}`));
  });

  it('is a fraction of the size of the README table it replaces (about 100 KB)', () => {
    expect(Buffer.byteLength(rendered)).toBeLessThan(60_000);
  });

  it("tells the truth about production: its acknowledgements are the sandbox's, on the same constructs, less a few", () => {
    const production = acknowledgementsIn(buildApp(PRODUCTION_CONTEXT).app);
    // The stage shows in names, and production's account and region stand where the sandbox, which
    // is environment-agnostic, has pseudo-parameters.
    const sameStage = (id: string): string =>
      id
        .replace(/arn:aws:/g, 'arn:<AWS::Partition>:')
        .replaceAll('eu-west-1', '<AWS::Region>')
        .replaceAll('123456789012', '<AWS::AccountId>')
        .replace(/production/g, 'sandbox')
        .replace(/churn-prd/g, 'churn-sbx');
    const sandbox = new Set(acks.map((a) => `${a.id} on ${a.path}`));
    const missing = production.map((a) => `${sameStage(a.id)} on ${a.path}`).filter((key) => !sandbox.has(key));
    expect(missing).toEqual([]);
    // "Less a few": the sandbox-only resources and the cleaner's concurrency, no more.
    expect(acks.length - production.length).toBeGreaterThan(0);
    expect(acks.length - production.length).toBeLessThan(20);
  });
});

describe('findingsDocument', () => {
  const findings: AcknowledgedFinding[] = [
    { path: 'Zeta/Queue/Resource', id: 'AwsSolutions-SQS3', reason: 'No consumer would read a dead-letter queue.' },
    { path: 'Alpha/Bucket/Resource', id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: 'One region.' },
    { path: 'Alpha/Bucket/Resource', id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: 'One region.' },
    { path: 'Alpha/Bucket/Resource', id: 'ControlTower::CT.S3.PR.9', reason: 'Lifecycle expires\n  objects.' },
    { path: 'Alpha/Bucket/Resource', id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: 'One region.' },
    { path: 'Alpha/Api/Resource', id: 'AwsSolutions-IAM5[Resource::<Bucket1.Arn>/raw_*]', reason: 'By prefix.' },
    { path: 'Zeta/Fn', id: 'Custom-Rule1', reason: 'Names ml-churn-v<version>, grants kms:Re*/Gen*_x [sic] `here`.' },
    { path: 'Alpha', id: 'CloudFormation-Validate::W1030', reason: 'Parameter defaults.' },
  ];
  let document: string;
  beforeAll(() => {
    document = findingsDocument(findings);
  });

  /** The document from the first stack heading on. */
  const body = (): string => document.slice(document.indexOf('\n## Zeta'));

  it('groups by stack (in the order they first appear), then by construct path (sorted), merging rules with one reason', () => {
    expect(body()).toBe(
      [
        '',
        '## Zeta',
        '',
        '### `Zeta/Fn`',
        '',
        '- `Custom-Rule1`: Names ml-churn-v\\<version\\>, grants kms:Re\\*/Gen\\*\\_x \\[sic\\] \\`here\\`.',
        '',
        '### `Zeta/Queue/Resource`',
        '',
        '- `AwsSolutions-SQS3`: No consumer would read a dead-letter queue.',
        '',
        '## Alpha',
        '',
        '### `Alpha` (the stack itself)',
        '',
        '- `CloudFormation-Validate::W1030`: Parameter defaults.',
        '',
        '### `Alpha/Api/Resource`',
        '',
        '- `AwsSolutions-IAM5[Resource::<Bucket1.Arn>/raw_*]`: By prefix.',
        '',
        '### `Alpha/Bucket/Resource`',
        '',
        '- `ControlTower::CT.S3.PR.9`: Lifecycle expires objects.',
        '- `HIPAA.Security-S3BucketReplicationEnabled`, `NIST.800.53.R5-S3BucketReplicationEnabled`: One region.',
        '',
      ].join('\n'),
    );
  });

  it('orders constructs by path and bullets by their first rule id, whatever order the acknowledgements come in', () => {
    const reversed = findingsDocument([...findings].reverse());
    const section = (doc: string, stack: string) => doc.split('\n## ').find((s) => s.startsWith(`${stack}\n`));
    expect(section(reversed, 'Alpha')).toBe(section(document, 'Alpha'));
    expect(section(reversed, 'Zeta')).toBe(section(document, 'Zeta'));
    // Only the stacks swap: they come in the order they first appear (the app's order).
    expect(document.indexOf('\n## Zeta\n')).toBeLessThan(document.indexOf('\n## Alpha\n'));
    expect(reversed.indexOf('\n## Alpha\n')).toBeLessThan(reversed.indexOf('\n## Zeta\n'));
  });

  it('counts each acknowledged finding once, by pack, and the constructs they are on', () => {
    const summary = document.slice(document.indexOf('## Summary'), document.indexOf('\n## Zeta'));
    expect(summary).toBe(
      [
        '## Summary',
        '',
        '7 acknowledged findings, on 4 resources and on the stack `Alpha` itself:',
        '',
        '- AwsSolutions (cdk-nag): 2',
        '- NIST 800-53 R5 (cdk-nag): 1',
        '- HIPAA Security (cdk-nag): 1',
        '- AWS Control Tower proactive controls: 1',
        '- CloudFormation Validate (template linters): 1',
        '- other rules: 1',
        '',
      ].join('\n'),
    );
  });

  it('starts with the generated-file notice and the policy', () => {
    expect(document).toMatch(/^# Acknowledged findings\n\nThis file is generated by `npm run findings`/);
    expect(document).toContain('do not edit it by hand');
    expect(document).toContain('A finding is acknowledged only where it cannot be fixed');
  });

  it('reads back as exactly the findings it was given', () => {
    const given = findings.map((f) => ({ ...f, reason: f.reason.replace(/\s+/g, ' ') }));
    expect(asLines(listedFindings(document))).toEqual(asLines(given));
  });

  it('is kept as it is by Prettier, escapes and all', () => {
    expect(prettierMarkdown(document)).toBe(document);
  });
});

describe('codeSpan and escapeMarkdown', () => {
  it('fences a code span with more backticks than it holds, padded where it starts or ends with one', () => {
    expect(codeSpan('AwsSolutions-IAM5[Resource::*]')).toBe('`AwsSolutions-IAM5[Resource::*]`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`a')).toBe('`` `a ``');
  });

  it('escapes what would start emphasis, code, a link or a tag, and leaves other text alone', () => {
    expect(escapeMarkdown('v<n> *a* _b_ [c] `d` \\')).toBe('v\\<n\\> \\*a\\* \\_b\\_ \\[c\\] \\`d\\` \\\\');
    expect(escapeMarkdown("S3's (AES-256), ml-lifecycle: 1.5 #2 & more.")).toBe(
      "S3's (AES-256), ml-lifecycle: 1.5 #2 & more.",
    );
  });
});

describe('bin/findings.ts', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-findings-test-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs `main` with captured output and a rendering that needs no app. */
  function run(argv: string[], file: string, render: string | (() => string) = '# rendered\n') {
    const stdout = output();
    const stderr = output();
    const code = main(argv, { render: typeof render === 'string' ? () => render : render, file, stdout, stderr });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('--help prints the usage and exits 0, rendering nothing', () => {
    const render = jest.fn(() => '');
    expect(run(['--help'], path.join(tmp, 'f.md'), render)).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect(render).not.toHaveBeenCalled();
    expect(USAGE).toContain('npm run findings');
  });

  it.each([[['--chek']], [['extra']], [['--check=yes']]])('exits 2 with one line on bad usage %j', (argv) => {
    const file = path.join(tmp, 'f.md');
    const { code, stdout, stderr } = run(argv, file);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^error: .+ \(run with --help to see the options\)\n$/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('creates the file and its folder, and names it', () => {
    const file = path.join(tmp, 'docs', 'f.md');
    expect(run([], file)).toEqual({ code: 0, stdout: `updated ${file}\n`, stderr: '' });
    expect(fs.readFileSync(file, 'utf8')).toBe('# rendered\n');
  });

  it('rewrites a stale file and says it updated it', () => {
    const file = path.join(tmp, 'f.md');
    fs.writeFileSync(file, '# old\n');
    expect(run([], file)).toEqual({ code: 0, stdout: `updated ${file}\n`, stderr: '' });
    expect(fs.readFileSync(file, 'utf8')).toBe('# rendered\n');
  });

  it('leaves an unchanged file untouched and says nothing changed', () => {
    const file = path.join(tmp, 'f.md');
    fs.writeFileSync(file, '# rendered\n');
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(file, past, past);
    expect(run([], file)).toEqual({ code: 0, stdout: `nothing changed: ${file} is up to date\n`, stderr: '' });
    expect(fs.statSync(file).mtime).toEqual(past);
  });

  it('names the committed file relative to the project, and --check passes on it', () => {
    expect(run(['--check'], DOC, rendered)).toEqual({
      code: 0,
      stdout: `${FINDINGS_DOC} is up to date\n`,
      stderr: '',
    });
  });

  it('--check exits 1 with the fix when the file is stale or missing, and writes nothing', () => {
    const file = path.join(tmp, 'f.md');
    expect(run(['--check'], file)).toEqual({
      code: 1,
      stdout: '',
      stderr: `${file} is missing: run npm run findings\n`,
    });
    expect(fs.existsSync(file)).toBe(false);
    fs.writeFileSync(file, '# old\n');
    expect(run(['--check'], file).stderr).toBe(`${file} is out of date: run npm run findings\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('# old\n');
  });

  it('exits 1 saying why when the app cannot be built', () => {
    const { code, stderr } = run([], path.join(tmp, 'f.md'), () => {
      throw new Error('config.sandbox.owner: "" is empty');
    });
    expect(code).toBe(1);
    expect(stderr).toBe('error: cannot build the app: config.sandbox.owner: "" is empty\n');
  });
});
