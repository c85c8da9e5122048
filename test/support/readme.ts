import * as fs from 'node:fs';
import * as path from 'node:path';

/** The project's root folder. */
export const ROOT = path.join(__dirname, '..', '..');

/** The README's text. */
export const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The text of a document, by its path from the project root (`docs/configuration.md`). */
export function docText(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

/** The text of the README section under `## <title>`, up to the next `## ` heading. */
export function readmeSection(title: string): string {
  return README.split(`\n## ${title}\n`)[1]?.split('\n## ')[0] ?? '';
}

/** The body rows of the Markdown tables in some text, each as its trimmed cells, with code ticks removed. */
export function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replace(/^`(.*)`$/, '$1')),
    );
}
