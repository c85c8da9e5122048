import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type * as HandlerModule from '../../../lambda/data-report/handler';
import { renderDataReport } from '../../../lambda/data-report/report';
import { DATA_PROFILE } from '../../support/data-profile';

/** The handler reads its settings when it loads: set first, then loaded through jest's registry. */
const savedEnv = { ...process.env };
Object.assign(process.env, {
  PROFILE_LOCATION: 's3://curated-zone/features/profile.json',
  REPORTS_LOCATION: 's3://artifacts-zone/data-reports/',
});
let handlerModule: typeof HandlerModule;

const s3 = mockClient(S3Client);
const PROFILE_TEXT = JSON.stringify(DATA_PROFILE);

/** Glue's event for a features job run that succeeded. */
const SUCCEEDED = {
  'detail-type': 'Glue Job State Change',
  source: 'aws.glue',
  detail: { jobName: 'ml-lifecycle-sandbox-features', jobRunId: 'jr_0a1b2c', state: 'SUCCEEDED' },
};

beforeAll(() => {
  handlerModule = jest.requireActual<typeof HandlerModule>('../../../lambda/data-report/handler');
});
afterAll(() => {
  process.env = savedEnv;
});
beforeEach(() => {
  s3.reset();
  s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(Readable.from([Buffer.from(PROFILE_TEXT, 'utf8')])) });
  s3.on(PutObjectCommand).resolves({});
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
});

describe('data report handler', () => {
  it('draws the profile the features job wrote and writes the report with its profile under the run', async () => {
    const result = await handlerModule.handler(SUCCEEDED);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'curated-zone', Key: 'features/profile.json' });
    expect(result).toEqual({
      report: 's3://artifacts-zone/data-reports/jr_0a1b2c/report.html',
      profile: 's3://artifacts-zone/data-reports/jr_0a1b2c/profile.json',
    });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const report = puts.find((p) => p.Key === 'data-reports/jr_0a1b2c/report.html');
    // Vega numbers a gradient's id from a counter of the process: the same page up to those ids.
    const gradientIds = (html: unknown) => String(html).replace(/gradient_\d+/g, 'gradient_N');
    expect(gradientIds(report?.Body)).toBe(
      gradientIds(await renderDataReport(DATA_PROFILE, { title: 'Churn data: features run jr_0a1b2c' })),
    );
    expect(report?.ContentType).toBe('text/html; charset=utf-8');
    expect(puts.find((p) => p.Key === 'data-reports/jr_0a1b2c/profile.json')?.Body).toBe(PROFILE_TEXT);
    // The bucket's default encryption applies: no header names a key.
    for (const put of puts) expect(put.ServerSideEncryption).toBeUndefined();
  });

  it.each([
    ['a failed run', { detail: { ...SUCCEEDED.detail, state: 'FAILED' } }, /detail\.state is "FAILED"/],
    ['no detail', {}, /detail\.state is undefined/],
    [
      'a run id that is no Glue run id',
      { detail: { ...SUCCEEDED.detail, jobRunId: '../x' } },
      /detail\.jobRunId is "\.\.\/x"/,
    ],
  ])('refuses %s before reading anything', async (_case, event, message) => {
    await expect(handlerModule.handler(event)).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringMatching(message),
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it('refuses a profile that is not JSON or not of the version it draws, writing nothing', async () => {
    for (const [body, message] of [
      ['{"formatVersion": 1', /the profile is not JSON/],
      ['{"formatVersion": 2}', /the profile's formatVersion is 2; this function draws version 1/],
      ['null', /the profile's formatVersion is undefined/],
    ] as const) {
      s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(Readable.from([Buffer.from(body, 'utf8')])) });
      await expect(handlerModule.handler(SUCCEEDED)).rejects.toThrow(message);
    }
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('lets S3 errors through, writing nothing', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(handlerModule.handler(SUCCEEDED)).rejects.toThrow('Access Denied');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
