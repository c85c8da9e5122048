#!/usr/bin/env node
/**
 * The diagram CLI: draws the architecture of the synthesized app as a Mermaid flowchart and
 * writes it to docs/architecture.md, or checks that the committed file is what the app draws now.
 *
 * ```
 * npm run diagram               # (re)write docs/architecture.md
 * npm run diagram -- --check    # exit 1 if docs/architecture.md is out of date
 * ```
 *
 * The app is built as the tests build it: cdk.json's context (feature flags), the default stage's
 * validated config, and no Lambda bundling (the diagram reads templates, not bundles). It needs
 * no AWS account or credentials. Exit codes: 0 success (or up to date), 1 out of date or failure,
 * 2 bad usage.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { addStacks } from '../lib/app';
import { loadStageConfig } from '../lib/config';
import { ARCHITECTURE_DOC, drawArchitecture, readmeWithDiagram } from '../lib/diagram/document';

/** The help text. */
export const USAGE = `Usage: npm run diagram [-- --check]

Draws the architecture of the synthesized CDK app as a Mermaid flowchart in ${ARCHITECTURE_DOC}.

Options:
  --check  write nothing; exit 1 if ${ARCHITECTURE_DOC} differs from what the app draws now
  --help   show this help

Exit codes: 0 written (or up to date), 1 out of date or failure, 2 bad usage.
`;

const ROOT = path.join(__dirname, '..');

/** A text sink such as `process.stdout` or `process.stderr`. */
export interface TextOutput {
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
  const shown = path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file);

  let check: boolean;
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help === true) {
      stdout.write(USAGE);
      return 0;
    }
    check = values.check === true;
  } catch (error) {
    stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\nRun with --help for usage.\n`);
    return 2;
  }

  let drawn: string;
  try {
    drawn = (deps.draw ?? drawDocument)();
  } catch (error) {
    stderr.write(`error: cannot draw the app: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  if (check) {
    const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (committed !== drawn) {
      const why = committed === undefined ? 'is missing' : 'is out of date';
      stderr.write(`${shown} ${why}: run npm run diagram\n`);
      return 1;
    }
    stdout.write(`${shown} is up to date\n`);
    return 0;
  }

  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, drawn);
    // The README shows the same diagram (test/readme.test.ts keeps the two equal).
    if (deps.file === undefined) {
      const readme = path.join(ROOT, 'README.md');
      fs.writeFileSync(readme, readmeWithDiagram(fs.readFileSync(readme, 'utf8'), drawn));
    }
  } catch (error) {
    stderr.write(`error: cannot write ${shown}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  stdout.write(`wrote ${shown}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
