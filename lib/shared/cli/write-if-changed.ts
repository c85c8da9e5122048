/**
 * Writing a generated file only when its text changes, so that an unchanged file keeps its
 * timestamp and a product script (`npm run diagram`, `npm run findings`) can say exactly which
 * files it changed, or that nothing changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file's text, or `undefined` when there is no such file. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Writes `text` to `file` (making its directory) unless the file already holds exactly that text.
 * @returns whether the file was written
 */
export function writeIfChanged(file: string, text: string): boolean {
  if (readIfExists(file) === text) {
    return false;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}

/**
 * What a product script says after writing files: `updated A, B`, or `nothing changed: A and B are
 * up to date` (`A is up to date` for one file). `changed` and `all` are the files as shown.
 */
export function changeSummary(changed: readonly string[], all: readonly string[]): string {
  if (changed.length > 0) {
    return `updated ${changed.join(', ')}`;
  }
  const names = all.length <= 1 ? all.join('') : `${all.slice(0, -1).join(', ')} and ${all.at(-1) ?? ''}`;
  return `nothing changed: ${names} ${all.length === 1 ? 'is' : 'are'} up to date`;
}
