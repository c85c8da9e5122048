import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { parseOptionArgs } from '../../../lib/shared/cli/args';
import {
  AWS_OPTION_NAMES,
  awsClientConfig,
  awsOptionsHelp,
  awsTargetOptions,
} from '../../../lib/shared/cli/aws-options';
import { useAwsProfileFiles } from '../../support/aws-profiles';

/** `--region` and `--profile` as a CLI reads them. */
const target = (argv: string[]) => awsTargetOptions(parseOptionArgs(argv, AWS_OPTION_NAMES).text);

describe('awsTargetOptions', () => {
  it('reads --region and --profile, and leaves out what was not given', () => {
    expect(target(['--region', 'eu-west-3', '--profile', 'ops.admin@x+y'])).toEqual({
      region: 'eu-west-3',
      profile: 'ops.admin@x+y',
    });
    expect(target(['--region', 'us-gov-west-1'])).toEqual({ region: 'us-gov-west-1' });
    expect(target([])).toEqual({});
  });

  it.each([
    [['--region', 'Europe'], '--region is "Europe"; expected an AWS region name such as us-east-1 or eu-west-1'],
    [['--profile', 'two words'], '--profile is "two words"; expected a profile name'],
    [['--profile', ''], '--profile is ""'],
  ])('refuses %j', (argv, message) => {
    expect(() => target(argv)).toThrow(message);
  });
});

describe('awsOptionsHelp', () => {
  it('lists both options on the description column', () => {
    expect(awsOptionsHelp(19).split('\n')).toEqual([
      expect.stringMatching(/^ {2}--region REGION {2}the AWS region/),
      expect.stringMatching(/^ {2}--profile NAME {3}the AWS profile/),
    ]);
  });
});

/**
 * The configuration given to a real client, resolved by the SDK from a config and credentials file
 * of the test's own: no network, no AWS call (a profile of static keys needs neither).
 */
describe('awsClientConfig', () => {
  let tmp: string;
  let restore: () => void;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-options-'));
    restore = useAwsProfileFiles(tmp);
  });
  afterEach(() => {
    restore();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function resolved(config: ReturnType<typeof awsClientConfig>) {
    const client = new KinesisClient(config);
    try {
      const credentials = await client.config.credentials();
      return { region: await client.config.region(), accessKeyId: credentials.accessKeyId };
    } finally {
      client.destroy();
    }
  }

  it("uses the profile's region and credentials with --profile", async () => {
    expect(await resolved(awsClientConfig({ profile: 'ops' }))).toEqual({
      region: 'ap-southeast-2',
      accessKeyId: 'AKIDOPS',
    });
  });

  it("uses --region over the profile's", async () => {
    expect(await resolved(awsClientConfig({ profile: 'ops', region: 'eu-west-3' }))).toEqual({
      region: 'eu-west-3',
      accessKeyId: 'AKIDOPS',
    });
  });

  it("uses the profile's credentials, not the environment's keys", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    expect((await resolved(awsClientConfig({ profile: 'ops' }))).accessKeyId).toBe('AKIDOPS');
  });

  it("leaves everything to the SDK's default chain without either (the control)", async () => {
    expect(awsClientConfig({})).toEqual({});
    expect(await resolved(awsClientConfig({}))).toEqual({ region: 'us-east-2', accessKeyId: 'AKIDDEFAULT' });
  });

  it('fails to resolve a profile that does not exist, rather than falling back to another', async () => {
    await expect(resolved(awsClientConfig({ profile: 'nobody', region: 'eu-west-1' }))).rejects.toThrow(/nobody/);
  });
});
