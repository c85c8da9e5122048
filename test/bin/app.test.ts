import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Runs bin/app.ts as `cdk synth` does: context in CDK_CONTEXT_JSON, output to CDK_OUTDIR. */
function runApp(context: Record<string, unknown>): { status: number | null; stderr: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-app-'));
  try {
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
    return { status: result.status, stderr: result.stderr };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('bin/app.ts', () => {
  it('stops on an unknown stage with one plain message and exit code 1', () => {
    const { status, stderr } = runApp({ stage: 'prod' });
    expect(status).toBe(1);
    expect(stderr).toContain(
      'Invalid configuration: stage "prod" (a string) is unknown; expected one of: sandbox, production',
    );
    expect(stderr).not.toMatch(/^\s+at /m); // no stack trace
  });

  it('stops on a bad value passed as -c config=JSON, naming the key, the value and what is allowed', () => {
    const { status, stderr } = runApp({ config: '{"sandbox":{"dataLake":{"athenaQueryScanLimitMiB":"2048"}}}' });
    expect(status).toBe(1);
    expect(stderr).toContain(
      'config.sandbox.dataLake.athenaQueryScanLimitMiB is "2048" (a string); expected an integer from 10 to 10485760',
    );
  });

  it('stops production without an account and a region', () => {
    const { status, stderr } = runApp({ stage: 'production' });
    expect(status).toBe(1);
    expect(stderr).toContain('config.production.account is missing');
    expect(stderr).toContain('config.production.region is missing');
  });
});
