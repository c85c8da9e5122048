/**
 * Files a product script renders and the repository checks in: which of them differ from their
 * rendering, and writing only those, so an unchanged file keeps its timestamp and a run says
 * exactly what it changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A checked-in file that is not its rendering, and how. */
export interface StaleFile {
  /** The file's name, relative to the directory it is rendered into. */
  readonly name: string;
  /** `missing` when there is no such file, `changed` when its text differs. */
  readonly why: 'missing' | 'changed';
}

/**
 * The files of `rendered` (name → text) that are missing from `dir` or differ from their text, in
 * `rendered`'s order. Other files in `dir` are not looked at.
 */
export function staleFiles(dir: string, rendered: Readonly<Record<string, string>>): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const [name, text] of Object.entries(rendered)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) {
      stale.push({ name, why: 'missing' });
    } else if (fs.readFileSync(file, 'utf8') !== text) {
      stale.push({ name, why: 'changed' });
    }
  }
  return stale;
}

/** Writes the stale files of `rendered` into `dir` (created if need be) and returns them; others are left untouched. */
export function writeStaleFiles(dir: string, rendered: Readonly<Record<string, string>>): StaleFile[] {
  const stale = staleFiles(dir, rendered);
  if (stale.length > 0) {
    fs.mkdirSync(dir, { recursive: true });
  }
  for (const { name } of stale) {
    fs.writeFileSync(path.join(dir, name), rendered[name] ?? '');
  }
  return stale;
}
