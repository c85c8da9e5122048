#!/usr/bin/env node
/**
 * The findings CLI: renders every compliance finding the app acknowledges into
 * docs/acknowledged-findings.md, or checks that the committed file is what the app renders now.
 *
 * ```
 * npm run findings               # (re)write docs/acknowledged-findings.md if it changed
 * npm run findings -- --check    # exit 1 if docs/acknowledged-findings.md is out of date
 * ```
 *
 * The app is built as the tests build it (cdk.json's context, the default stage's validated config,
 * no Lambda bundling) and read, not synthesized: acknowledgements are recorded as the constructs
 * are made. It needs no AWS account or credentials. Exit codes: 0 written (or up to date), 1 out
 * of date or failure, 2 bad usage.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOptionArgs, readArguments } from '../lib/shared/cli/args';
import { runMain } from '../lib/shared/cli/run-main';
import { changeSummary, readIfExists, writeIfChanged } from '../lib/shared/cli/write-if-changed';
import { acknowledgementsIn } from '../lib/shared/compliance';
import { FINDINGS_DOC, findingsDocument } from '../lib/shared/findings-document';
import { buildDiagramApp } from './diagram';

/** The help text. */
export const USAGE = `Usage: npm run findings [-- --check]

Renders every compliance finding the CDK app acknowledges (rule, construct, reason), grouped by
stack and construct, into ${FINDINGS_DOC}. The file is written only when it changed.

Options:
  --check  write nothing; exit 1 if ${FINDINGS_DOC} differs from what the app renders now
  --help   show this help

Exit codes: 0 written (or up to date), 1 out of date or failure, 2 bad usage.
`;

const ROOT = path.join(__dirname, '..');

/** A text sink such as `process.stdout` or `process.stderr`. */
export interface TextOutput {
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface FindingsDeps {
  /**
   * Renders the document as the app is now.
   * @default - {@link renderFindings}
   */
  readonly render?: () => string;
  /**
   * The file to write or check.
   * @default - docs/acknowledged-findings.md in the project root
   */
  readonly file?: string;
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
}

/**
 * The document as the app renders it now: the default stage's app, built in a temporary output
 * directory (removed after), never synthesized.
 */
export function renderFindings(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-findings-'));
  try {
    return findingsDocument(acknowledgementsIn(buildDiagramApp(outdir)));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs the CLI with `argv` (without the node and script paths) and returns the exit code. */
export function main(argv: readonly string[], deps: FindingsDeps = {}): number {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const file = deps.file ?? path.join(ROOT, FINDINGS_DOC);
  const shown = path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file);

  const options = readArguments(argv, (args) => parseOptionArgs(args, [], ['check']), { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }
  const check = options.flag('check');

  let rendered: string;
  try {
    rendered = (deps.render ?? renderFindings)();
  } catch (error) {
    stderr.write(`error: cannot build the app: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  let committed: string | undefined;
  try {
    committed = readIfExists(file);
  } catch (error) {
    stderr.write(`error: cannot read ${shown}: ${(error as Error).message}\n`);
    return 1;
  }
  if (check) {
    if (committed !== rendered) {
      stderr.write(`${shown} ${committed === undefined ? 'is missing' : 'is out of date'}: run npm run findings\n`);
      return 1;
    }
    stdout.write(`${shown} is up to date\n`);
    return 0;
  }
  let changed: boolean;
  try {
    changed = writeIfChanged(file, rendered);
  } catch (error) {
    stderr.write(`error: cannot write ${shown}: ${(error as Error).message}\n`);
    return 1;
  }
  stdout.write(`${changeSummary(changed ? [shown] : [], [shown])}\n`);
  return 0;
}

// Synchronous (it builds the app in memory and writes one file), so the runner gets its code as a settled promise.
runMain(module, (argv) => Promise.resolve(main(argv)));
