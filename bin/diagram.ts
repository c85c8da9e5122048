#!/usr/bin/env node
/**
 * The diagram CLI: draws the architecture of the synthesized app as a Mermaid flowchart and
 * writes it to docs/architecture.md and between the README's diagram markers, or checks that the
 * committed files are what the app draws now.
 *
 * ```
 * npm run diagram               # rewrite docs/architecture.md and README.md where they differ
 * npm run diagram -- --check    # exit 1 if either is out of date
 * ```
 *
 * A file is written only when its text changes, and the run says which files it changed, or that
 * nothing changed.
 *
 * The app is built as the tests build it: cdk.json's context (feature flags), the default stage's
 * validated config, and no Lambda bundling (the diagram reads templates, not bundles). It needs
 * no AWS account or credentials. Exit codes: 0 success (or up to date), 1 out of date or failure,
 * 2 bad usage.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addStacks } from '../lib/app';
import { loadStageConfig } from '../lib/config';
import { ARCHITECTURE_DOC, drawArchitecture, readmeWithDiagram } from '../lib/diagram/document';
import { parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import { createProgress, type ProgressOutput } from '../lib/shared/cli/progress';
import { runMain } from '../lib/shared/cli/run-main';
import { changeSummary, readIfExists, writeIfChanged } from '../lib/shared/cli/write-if-changed';

export { UsageError };

/** The help text. */
export const USAGE = `Usage: npm run diagram [-- --check]

Draws the architecture of the synthesized CDK app as a Mermaid flowchart in ${ARCHITECTURE_DOC}
and between the diagram markers of README.md, writing only the files whose text changes, and
says which files it changed, or that nothing changed.

Options:
  --check  write nothing; exit 1 if ${ARCHITECTURE_DOC} or README.md differs from what the app draws now
  --help   show this help

Exit codes: 0 written (or up to date), 1 out of date or failure, 2 bad usage.
`;

const ROOT = path.join(__dirname, '..');

/** A text sink such as `process.stdout` or `process.stderr`; `isTTY` says whether progress is drawn on it. */
export interface TextOutput extends ProgressOutput {
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface DiagramDeps {
  /**
   * Draws the document as the app is now.
   * @default - builds the app with {@link buildDiagramApp} in a temporary directory, then draws it
   */
  readonly draw?: () => string;
  /**
   * The file to write or check.
   * @default - docs/architecture.md in the project root
   */
  readonly file?: string;
  /**
   * The README whose diagram markers get the same diagram.
   * @default - README.md in the project root when `file` is not given; none when it is
   */
  readonly readme?: string;
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
}

/**
 * The app as `cdk synth` builds it for the default stage, from cdk.json's context, but without
 * bundling Lambda code: `aws:cdk:bundling-stacks: []`.
 */
export function buildDiagramApp(outdir: string): App {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  addStacks(app, loadStageConfig());
  return app;
}

/** The document as the app draws it now; the app is synthesized into a temporary directory, removed after. */
export function drawDocument(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-diagram-'));
  try {
    return drawArchitecture(buildDiagramApp(outdir));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs the CLI with `argv` (without the node and script paths) and returns the exit code. */
export function main(argv: readonly string[], deps: DiagramDeps = {}): number {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const file = deps.file ?? path.join(ROOT, ARCHITECTURE_DOC);
  const readme = deps.readme ?? (deps.file === undefined ? path.join(ROOT, 'README.md') : undefined);
  const shown = (f: string) => (path.relative(ROOT, f).startsWith('..') ? f : path.relative(ROOT, f));
  const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

  const options = readArguments(argv, (args) => parseOptionArgs(args, [], ['check']), { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }
  const check = options.flag('check');

  let drawn: string;
  // Synthesizing the app takes seconds: say so on a terminal, and clear it after.
  const progress = createProgress(stderr, { intervalMs: 0 });
  progress.update('synthesizing the app to draw it...');
  try {
    drawn = (deps.draw ?? drawDocument)();
  } catch (error) {
    progress.end();
    stderr.write(`error: cannot draw the app: ${message(error)}\n`);
    return 1;
  }
  progress.end();

  // Each file and the text the app draws for it. The README shows the same diagram between its
  // markers (test/readme.test.ts keeps the two equal).
  const targets: { path: string; text: string }[] = [{ path: file, text: drawn }];
  if (readme !== undefined) {
    try {
      targets.push({ path: readme, text: readmeWithDiagram(fs.readFileSync(readme, 'utf8'), drawn) });
    } catch (error) {
      stderr.write(`error: cannot draw the diagram into ${shown(readme)}: ${message(error)}\n`);
      return 1;
    }
  }

  if (check) {
    const stale = targets.filter((t) => readIfExists(t.path) !== t.text);
    for (const t of stale) {
      stderr.write(
        `${shown(t.path)} ${fs.existsSync(t.path) ? 'is out of date' : 'is missing'}: run npm run diagram\n`,
      );
    }
    if (stale.length > 0) {
      return 1;
    }
    stdout.write(
      `${targets.map((t) => shown(t.path)).join(' and ')} ${targets.length > 1 ? 'are' : 'is'} up to date\n`,
    );
    return 0;
  }

  const changed: string[] = [];
  for (const t of targets) {
    try {
      if (writeIfChanged(t.path, t.text)) {
        changed.push(shown(t.path));
      }
    } catch (error) {
      stderr.write(`error: cannot write ${shown(t.path)}: ${message(error)}\n`);
      return 1;
    }
  }
  stdout.write(
    `${changeSummary(
      changed,
      targets.map((t) => shown(t.path)),
    )}\n`,
  );
  return 0;
}

// Synchronous, so the runner gets its code as a settled promise.
runMain(module, (argv) => Promise.resolve(main(argv)));
