import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { bundledCode } from '../../lib/shared/bundled-code';
import { CDK_JSON_CONTEXT } from '../support/app';

const LAMBDA = path.join(__dirname, '..', '..', 'lambda');

/** Synthesizes, with real bundling, one function per entry; returns each function's bundle folder. */
function bundle(entries: readonly { entry: string; externalModules: readonly string[] }[]): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundled-code-'));
  const app = new App({ outdir, context: CDK_JSON_CONTEXT });
  const stack = new Stack(app, 'Bundles');
  entries.forEach(({ entry, externalModules }, i) => {
    new lambda.Function(stack, `Function${i}`, {
      code: bundledCode({ entry, target: 'node24', externalModules }),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
    });
  });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  // The asset of a function's code is `asset.<hash>/` in the assembly, uploaded as `<hash>.zip`.
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => path.join(outdir, `asset.${(r.Properties.Code?.S3Key ?? '').replace(/\.zip$/, '')}`));
}

let cleaner: string;
let gate: string;
beforeAll(() => {
  [cleaner = '', gate = ''] = bundle([
    { entry: path.join(LAMBDA, 'clean-records', 'handler.ts'), externalModules: [] },
    { entry: path.join(LAMBDA, 'quality-gate', 'handler.ts'), externalModules: ['@aws-sdk/*'] },
  ]);
});

describe('bundledCode', () => {
  it('gives each function its own bundle (AssetStaging caches bundles by their options)', () => {
    expect(cleaner).not.toBe(gate);
    expect(fs.readFileSync(path.join(cleaner, 'index.js'), 'utf8')).not.toBe(
      fs.readFileSync(path.join(gate, 'index.js'), 'utf8'),
    );
  });

  it('writes index.js, minified, with its source map beside it', () => {
    for (const dir of [cleaner, gate]) {
      expect(fs.readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map']);
      const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
      expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
      // Minified: a handful of very long lines, not one statement per line.
      expect(code.split('\n').length).toBeLessThan(20);
    }
    const map = JSON.parse(fs.readFileSync(path.join(cleaner, 'index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources.some((source) => source.endsWith('lambda/clean-records/handler.ts'))).toBe(true);
  });

  it('leaves the external modules to the runtime and bundles the rest', () => {
    const gateCode = fs.readFileSync(path.join(gate, 'index.js'), 'utf8');
    expect(gateCode).toMatch(/require\("@aws-sdk\/client-[a-z-]+"\)/);
    const cleanerCode = fs.readFileSync(path.join(cleaner, 'index.js'), 'utf8');
    expect(cleanerCode).not.toMatch(/require\("(?!node:)[^"]+"\)/);
  });

  it('bundles the chart library so that a report draws from the bundle, as the evaluate function runs it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundled-report-'));
    try {
      const entry = path.join(dir, 'handler.ts');
      const report = path.join(LAMBDA, 'evaluate', 'report');
      const metrics = path.join(LAMBDA, 'evaluate', 'metrics');
      fs.writeFileSync(
        entry,
        `import { renderReport } from ${JSON.stringify(report)};\n` +
          `import { evaluate } from ${JSON.stringify(metrics)};\n` +
          `export const handler = () => renderReport(evaluate('1,1\\n0,1\\n', '0.9\\n0.2\\n', { churnRateBefore: 0.2, targetChurnRate: 0.1, incentiveBudget: 100, incentiveCost: 1, incentiveRetention: 1, retainedCustomerValue: 10, customersScored: 100 }));\n`,
      );
      const [bundleDir = ''] = bundle([{ entry, externalModules: ['@aws-sdk/*'] }]);
      const code = path.join(bundleDir, 'index.js');
      // Loaded as Lambda loads it: the bundle alone, outside the project (no node_modules to fall back on).
      const isolated = path.join(dir, 'index.js');
      fs.copyFileSync(code, isolated);
      const { handler } = jest.requireActual<{ handler: () => Promise<string> }>(isolated);
      const page = await handler();
      expect(page.match(/<figure class="chart"/g)).toHaveLength(7);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an entry that does not exist, naming it', () => {
    const entry = path.join(LAMBDA, 'no-such-function', 'handler.ts');
    expect(() => bundledCode({ entry, target: 'node24', externalModules: [] })).toThrow(`cannot bundle ${entry}`);
  });

  it("stops the synth with esbuild's message when the entry does not build", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundled-code-entry-'));
    const entry = path.join(dir, 'handler.ts');
    fs.writeFileSync(entry, "import { missing } from './nowhere';\nexport const handler = () => missing;\n");
    expect(() => bundle([{ entry, externalModules: [] }])).toThrow(/Could not resolve "\.\/nowhere"/);
  });
});
