import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_RULES, STAGE_DEFAULTS, type StageName } from '../lib/config';
import { ARCHITECTURE_DOC, readmeWithDiagram } from '../lib/diagram/document';
import { README, readmeSection, tableRows } from './support/readme';

/** Rows of the configuration table by key: | key | allowed | sandbox | production | what it does |. */
const configRows = new Map(tableRows(readmeSection('Configuration')).map((cells) => [cells[0], cells]));

describe('README', () => {
  it('shows the two quick-start commands', () => {
    expect(readmeSection('Quick start')).toContain('npm ci && npx cdk synth');
    expect(readmeSection('Quick start')).toContain('npm test');
  });

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

  it('shows the architecture diagram that docs/architecture.md holds (which test/diagram ties to the app)', () => {
    const document = fs.readFileSync(path.join(__dirname, '..', ARCHITECTURE_DOC), 'utf8');
    expect(readmeWithDiagram(README, document)).toBe(README);
  });

  it('keeps the README free of placeholders', () => {
    expect(README).not.toMatch(/\bTODO\b|\bTBD\b|lorem ipsum/i);
  });
});
