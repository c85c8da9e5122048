import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** A file's text linted as if it were the file at `file` (an existing file, so the type-aware lint finds it). */
interface Case {
  readonly file: string;
  readonly code: string;
}

/**
 * The dependency-direction messages (`no-restricted-imports`) for each case, from the project's own
 * ESLint config. ESLint loads its flat config with a dynamic import, which jest's module system
 * does not run, so the cases are linted in one child Node process, the lint program built once.
 */
function violations(cases: readonly Case[]): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    import * as path from 'node:path';
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const c of cases) {
      const [result] = await eslint.lintText(c.code, { filePath: path.join(process.cwd(), c.file) });
      out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as string[][];
}

const FORBIDDEN: readonly (readonly [string, string, string])[] = [
  ['a stage importing another stage', 'lib/etl/etl-stack.ts', "import { RawTables } from '../ingestion/raw-tables';"],
  ['a stage importing the app', 'lib/serving/serving-stack.ts', "import { addStacks } from '../app';"],
  [
    'a stage importing a function',
    'lib/serving/serving-stack.ts',
    "import { deployModel } from '../../lambda/deploy-model/deploy';",
  ],
  [
    'the foundation importing a stage',
    'lib/shared/secure-bucket.ts',
    "import { LakeCatalog } from '../lake/lake-catalog';",
  ],
  ['the config importing a stage', 'lib/config.ts', "import { TrainingStack } from './training/training-stack';"],
  [
    'a function importing a construct',
    'lambda/evaluate/handler.ts',
    "import { SecureBucket } from '../../lib/shared/secure-bucket';",
  ],
];

const ALLOWED: readonly (readonly [string, string, string])[] = [
  [
    'a stage importing shared, contracts, config and schema',
    'lib/etl/etl-stack.ts',
    [
      "import { SecureBucket } from '../shared/secure-bucket';",
      "import { CURATED_PREFIXES } from '../contracts/lake-layout';",
      "import type { StageConfig } from '../config';",
      "import { CHURN_FIELDS } from '../schema/churn';",
    ].join('\n'),
  ],
  [
    'a function importing a contract',
    'lambda/deploy-model/deploy.ts',
    "import { APPROVED } from '../../lib/contracts/serving';",
  ],
  ['the app importing every stage', 'lib/app.ts', "import { EtlStack } from './etl/etl-stack';"],
];

describe('the lint keeps dependencies pointing one way', () => {
  const all = [...FORBIDDEN, ...ALLOWED].map(([, file, line]) => ({ file, code: `${line}\nexport {};\n` }));
  let results: string[][] = [];
  beforeAll(() => {
    results = violations(all);
  }, 120_000);

  it.each(FORBIDDEN.map(([what], i) => [what, i] as const))('fails on %s', (_what, i) => {
    expect(results[i]).toEqual([expect.stringMatching(/may import only|imports no|imports only/)]);
  });

  it.each(ALLOWED.map(([what], i) => [what, FORBIDDEN.length + i] as const))('allows %s', (_what, i) => {
    expect(results[i]).toEqual([]);
  });
});
