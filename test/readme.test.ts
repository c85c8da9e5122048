import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_RULES, STAGE_DEFAULTS, type StageName } from '../lib/config';
import { ARCHITECTURE_DOC, readmeWithDiagram } from '../lib/diagram/document';
import { README, ROOT, docText, readmeSection, tableRows } from './support/readme';

/** Rows of the configuration table by key: | key | allowed | sandbox | production | what it does |. */
const configRows = new Map(tableRows(docText('docs/configuration.md')).map((cells) => [cells[0], cells]));

/** Every Markdown file of docs/, from the project root, in sorted order. */
function docsPages(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.posix.join('docs', file.split(path.sep).join('/')))
    .sort();
}

/** The Markdown files a reader can reach: the README, the community files and every page of docs/. */
const DOCUMENTS = [
  'README.md',
  ...['CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md'].filter((f) => fs.existsSync(path.join(ROOT, f))),
  ...docsPages(),
];

/** The targets of the inline links `[text](target)` of some Markdown, outside fenced code. */
export function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown document's headings (outside fenced code). */
function anchorsOf(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) => headingAnchor(m[1] ?? '')));
}

describe('README', () => {
  it('shows the two quick-start commands', () => {
    expect(readmeSection('Quick start')).toContain('npm ci && npx cdk synth');
    expect(readmeSection('Quick start')).toContain('npm test');
  });

  it('stays a front door: at most about 250 lines and under 40 KB', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(250);
    expect(Buffer.byteLength(README)).toBeLessThan(40 * 1024);
  });

  it('links every page of docs/ from its documentation index', () => {
    const index = linkTargets(readmeSection('Documentation'));
    expect(docsPages().filter((page) => !index.includes(page))).toEqual([]);
  });

  it('shows the architecture diagram that docs/architecture.md holds (which test/diagram ties to the app)', () => {
    const document = fs.readFileSync(path.join(ROOT, ARCHITECTURE_DOC), 'utf8');
    expect(readmeWithDiagram(README, document)).toBe(README);
  });
});

describe('docs/configuration.md', () => {
  it.each(Object.keys(CONFIG_RULES).filter((key) => key !== 'stage'))('documents config key %s', (key) => {
    expect(configRows.get(key)?.[4]).toEqual(expect.stringMatching(/\w+/));
  });

  it('documents no key that does not exist', () => {
    const documented = [...configRows.keys()].filter((key): key is string => key !== undefined && key !== 'key');
    expect(documented.filter((key) => !(key in CONFIG_RULES))).toEqual([]);
  });

  it.each(Object.keys(CONFIG_RULES).filter((key) => key.includes('.')))(
    'gives the real defaults of %s for both stages',
    (key) => {
      const [section, name] = key.split('.') as ['dataLake' | 'audit' | 'ingestion', string];
      // An optional key without a default shows as a dash.
      const defaultOf = (stage: StageName) =>
        String((STAGE_DEFAULTS[stage][section] as unknown as Record<string, number | string | undefined>)[name] ?? '—');
      const cells = configRows.get(key);
      expect([cells?.[2], cells?.[3]]).toEqual([defaultOf('sandbox'), defaultOf('production')]);
    },
  );
});

describe('the documents', () => {
  it.each(DOCUMENTS)('%s links only to files and headings that exist', (file) => {
    const text = docText(file);
    const broken = linkTargets(text)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [where = '', anchor] = target.split('#');
        const resolved = where === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), where));
        if (!fs.existsSync(path.join(ROOT, resolved))) {
          return true;
        }
        return anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(docText(resolved)).has(anchor);
      });
    expect(broken).toEqual([]);
  });

  it.each(DOCUMENTS)('%s is free of placeholders', (file) => {
    expect(docText(file)).not.toMatch(/\bTODO\b|\bTBD\b|lorem ipsum/i);
  });

  it('finds a broken link and a missing heading (the check can fail)', () => {
    expect(linkTargets('See [a](docs/nowhere.md) and `[b](not-a-link.md)`.')).toEqual(['docs/nowhere.md']);
    expect(headingAnchor('Data drift on two CSV files: `npm run drift`')).toBe(
      'data-drift-on-two-csv-files-npm-run-drift',
    );
    expect(anchorsOf('# The walkthrough\n```\n# not a heading\n```\n').has('not-a-heading')).toBe(false);
  });
});
