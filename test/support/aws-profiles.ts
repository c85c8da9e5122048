import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Points the AWS SDK at a config and a credentials file of the test's own, in `dir`: a `default`
 * profile (region us-east-2, key AKIDDEFAULT) and an `ops` profile (region ap-southeast-2, key
 * AKIDOPS), both of static keys, so resolving them needs no network and makes no AWS call. Every
 * other `AWS_*` variable is removed first, and instance metadata is off. Returns the function that
 * puts the environment back as it was.
 */
export function useAwsProfileFiles(dir: string): () => void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env).filter((k) => k.startsWith('AWS_'))) {
    delete process.env[key];
  }
  fs.writeFileSync(
    path.join(dir, 'config'),
    '[default]\nregion = us-east-2\n\n[profile ops]\nregion = ap-southeast-2\n',
  );
  fs.writeFileSync(
    path.join(dir, 'credentials'),
    '[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n\n' +
      '[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = ops-secret\n',
  );
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  return () => {
    process.env = { ...saved };
  };
}
