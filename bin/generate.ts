#!/usr/bin/env node
/**
 * The generate CLI: writes the files the repository checks in but nobody edits by hand, or checks
 * that they are what their renderers produce now. Today that is the ETL SQL in glue/sql/, rendered
 * from the schema and the feature manifest by lib/etl/sql.ts.
 *
 * ```
 * npm run generate               # rewrite the generated files that differ from their rendering
 * npm run generate -- --check    # write nothing; exit 1 naming the files that are out of date
 * ```
 *
 * It needs no AWS account or credentials. Exit codes: 0 written (or up to date), 1 out of date or
 * failure, 2 bad usage.
 */
import * as path from 'node:path';
import { renderSql, SQL_DIR } from '../lib/etl/sql';
import { parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import { runMain } from '../lib/shared/cli/run-main';
import { type StaleFile, staleFiles, writeStaleFiles } from '../lib/shared/generated-files';

export { UsageError };

const ROOT = path.join(__dirname, '..');

/** A directory of generated files and the renderer that produces them (file name → text). */
export interface GeneratedFiles {
  readonly dir: string;
  readonly render: () => Readonly<Record<string, string>>;
}

/** What `npm run generate` writes. */
export const GENERATED_FILES: readonly GeneratedFiles[] = [{ dir: SQL_DIR, render: renderSql }];

/** The help text. */
export const USAGE = `Usage: npm run generate [-- --check]

Writes the generated files (${GENERATED_FILES.map((g) => `${path.relative(ROOT, g.dir)}/`).join(', ')}) from their renderers under lib/,
and names each file it changed.

Options:
  --check  write nothing; exit 1 naming each file that differs from its rendering
  --help   show this help

Exit codes: 0 written (or up to date), 1 out of date or failure, 2 bad usage.
`;

/** A text sink such as `process.stdout` or `process.stderr`. */
export interface TextOutput {
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface GenerateDeps {
  /**
   * The files to write or check.
   * @default GENERATED_FILES
   */
  readonly files?: readonly GeneratedFiles[];
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
}

/** A file's path as shown: relative to the project root when inside it. */
function shown(dir: string, name: string): string {
  const file = path.join(dir, name);
  const relative = path.relative(ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs the CLI with `argv` (without the node and script paths) and returns the exit code. */
export function main(argv: readonly string[], deps: GenerateDeps = {}): number {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const options = readArguments(argv, (args) => parseOptionArgs(args, [], ['check']), { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }
  const check = options.flag('check');

  const sets = deps.files ?? GENERATED_FILES;
  const stale: string[] = [];
  let total = 0;
  for (const { dir, render } of sets) {
    let rendered: Readonly<Record<string, string>>;
    try {
      rendered = render();
    } catch (error) {
      stderr.write(`error: cannot render the files of ${shown(dir, '.')}: ${message(error)}\n`);
      return 1;
    }
    total += Object.keys(rendered).length;
    let changed: StaleFile[];
    try {
      changed = check ? staleFiles(dir, rendered) : writeStaleFiles(dir, rendered);
    } catch (error) {
      stderr.write(`error: cannot ${check ? 'read' : 'write'} ${shown(dir, '.')}: ${message(error)}\n`);
      return 1;
    }
    for (const { name, why } of changed) {
      const file = shown(dir, name);
      if (check) {
        stderr.write(`${file} ${why === 'missing' ? 'is missing' : 'is out of date'}: run npm run generate\n`);
      } else {
        stdout.write(`wrote ${file}${why === 'missing' ? ' (new)' : ''}\n`);
      }
      stale.push(file);
    }
  }

  if (check && stale.length > 0) {
    return 1;
  }
  if (stale.length === 0) {
    stdout.write(`${check ? '' : 'nothing changed: '}the ${total} generated files are up to date\n`);
  }
  return 0;
}

// Synchronous (it only reads and writes a few files), so the runner gets its code as a settled promise.
runMain(module, (argv) => Promise.resolve(main(argv)));
