import {
  ListDataQualityJobDefinitionsCommand,
  ListMonitoringSchedulesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  ListAWSDefaultServiceQuotasCommand,
  ListServiceQuotasCommand,
  type ServiceQuota,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { loadStageConfig } from '../../lib/config';
import { checkAccount } from '../../lib/preflight/account';
import { checkImages } from '../../lib/preflight/images';
import { checkModelMonitor } from '../../lib/preflight/model-monitor';
import { checkQuotas } from '../../lib/preflight/quotas';
import {
  checkRegionalServices,
  globalInfrastructureQueryRegion,
  REGIONAL_SERVICES,
} from '../../lib/preflight/services';
import { CredentialsError } from '../../lib/preflight/errors';
import { quotaRequirements } from '../../lib/preflight/requirements';

const ssm = mockClient(SSMClient);
const quotas = mockClient(ServiceQuotasClient);
const sageMaker = mockClient(SageMakerClient);
beforeEach(() => {
  ssm.reset();
  quotas.reset();
  sageMaker.reset();
});

const REGION = 'eu-west-1';
const sandbox = (overrides: Record<string, unknown> = {}) =>
  loadStageConfig({ stage: 'sandbox', config: { sandbox: overrides } });
const production = (account = '123456789012') =>
  loadStageConfig({ stage: 'production', config: { production: { account, region: REGION } } });
const client = <T>(ctor: new (config: object) => T) =>
  new ctor({ region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 's' } });
const servicePath = (code: string, region = REGION) =>
  `/aws/service/global-infrastructure/regions/${region}/services/${code}`;

describe('checkAccount', () => {
  it('accepts any account for a stage without one', () => {
    expect(checkAccount(sandbox(), '111111111111', 'caller').status).toBe('ok');
  });

  it('accepts the configured account', () => {
    expect(checkAccount(production('123456789012'), '123456789012', 'caller').status).toBe('ok');
  });

  it('blocks on another account than the configured one, naming both', () => {
    const result = checkAccount(production('123456789012'), '999999999999', 'caller');
    expect(result.status).toBe('blocker');
    expect(result.message).toContain('999999999999');
    expect(result.message).toContain('123456789012');
  });
});

describe('checkImages', () => {
  it('finds the XGBoost image in a region the tables list, and does not look for the analyzer when Model Monitor is off', () => {
    expect(checkImages(sandbox(), REGION).map((r) => [r.check, r.status])).toEqual([['XGBoost image', 'ok']]);
  });

  it('finds both images with Model Monitor on', () => {
    expect(checkImages(sandbox({ modelMonitor: { enabled: true } }), REGION).map((r) => r.status)).toEqual([
      'ok',
      'ok',
    ]);
  });

  it('blocks on a region missing from the XGBoost registry map', () => {
    const [xgboost] = checkImages(sandbox(), 'xx-nowhere-1');
    expect(xgboost).toMatchObject({ check: 'XGBoost image', status: 'blocker' });
    expect(xgboost?.fix).toContain('eu-west-1');
  });

  it('with Model Monitor on, blocks on a region with XGBoost but without the Model Monitor analyzer', () => {
    // af-south-1 has an XGBoost registry but no analyzer registry in lib/shared/sagemaker-images.ts.
    const results = checkImages(sandbox({ modelMonitor: { enabled: true } }), 'af-south-1');
    expect(results.map((r) => [r.check, r.status])).toEqual([
      ['XGBoost image', 'ok'],
      ['Model Monitor image', 'blocker'],
    ]);
  });

  it('with Model Monitor off (the default), deploys to a region without the analyzer', () => {
    expect(checkImages(sandbox(), 'af-south-1').map((r) => [r.check, r.status])).toEqual([['XGBoost image', 'ok']]);
  });
});

describe('checkRegionalServices', () => {
  it('queries the region and every service in one call, and finds them offered', async () => {
    ssm.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: [] });
    const results = await checkRegionalServices(client(SSMClient), REGION);
    expect(results.map((r) => r.status)).toEqual(REGIONAL_SERVICES.map(() => 'ok'));
    expect(ssm).toHaveReceivedCommandTimes(GetParametersCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParametersCommand, {
      Names: [
        '/aws/service/global-infrastructure/regions/eu-west-1',
        ...REGIONAL_SERVICES.map((s) => servicePath(s.code)),
      ],
    });
  });

  it('blocks on a service the region does not offer', async () => {
    ssm
      .on(GetParametersCommand)
      .resolves({ InvalidParameters: [servicePath('firehose')] })
      .on(GetParametersCommand, { Names: ['/aws/service/global-infrastructure/services/firehose'] })
      .resolves({ InvalidParameters: [] });
    const results = await checkRegionalServices(client(SSMClient), REGION);
    expect(results.find((r) => r.check.startsWith('Data Firehose'))).toMatchObject({ status: 'blocker' });
    expect(results.filter((r) => r.status === 'blocker')).toHaveLength(1);
  });

  it('only warns when the service code itself is unknown (a wrong code here, not a missing service)', async () => {
    ssm
      .on(GetParametersCommand)
      .resolves({ InvalidParameters: [servicePath('athena')] })
      .on(GetParametersCommand, { Names: ['/aws/service/global-infrastructure/services/athena'] })
      .resolves({ InvalidParameters: ['/aws/service/global-infrastructure/services/athena'] });
    const results = await checkRegionalServices(client(SSMClient), REGION);
    expect(results.find((r) => r.check.startsWith('Athena'))).toMatchObject({ status: 'warn' });
  });

  it('blocks on a region the parameters do not know', async () => {
    ssm
      .on(GetParametersCommand)
      .resolves({ InvalidParameters: ['/aws/service/global-infrastructure/regions/eu-nowhere-9'] });
    const results = await checkRegionalServices(client(SSMClient), 'eu-nowhere-9');
    expect(results).toEqual([expect.objectContaining({ check: 'region', status: 'blocker' })]);
  });

  it('warns, naming the action, when access is denied', async () => {
    ssm.on(GetParametersCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    const [result] = await checkRegionalServices(client(SSMClient), REGION);
    expect(result).toMatchObject({ status: 'warn' });
    expect(result?.message).toContain('ssm:GetParameters');
  });

  it('ends the run on a credential error', async () => {
    ssm.on(GetParametersCommand).rejects(Object.assign(new Error('expired'), { name: 'ExpiredTokenException' }));
    await expect(checkRegionalServices(client(SSMClient), REGION)).rejects.toBeInstanceOf(CredentialsError);
  });

  it('reads the parameters from us-east-1 for a region that cannot serve them', () => {
    expect(globalInfrastructureQueryRegion('eu-west-1')).toBe('eu-west-1');
    expect(globalInfrastructureQueryRegion('ca-west-1')).toBe('us-east-1');
  });
});

describe('checkQuotas', () => {
  const quota = (name: string, value: number, extra: Partial<ServiceQuota> = {}): ServiceQuota => ({
    QuotaName: name,
    QuotaCode: `L-${name.length}`,
    Value: value,
    Adjustable: true,
    ...extra,
  });
  const config = sandbox({
    training: { spotTraining: false, maxParallelTuningJobs: 2, trainingInstanceType: 'ml.m5.large' },
    serving: { instanceType: 'ml.m5.large', minInstances: 1, maxInstances: 2 },
    modelMonitor: { enabled: false },
  });
  const enough = [
    quota('ml.m5.large for training job usage', 2),
    quota('ml.m5.large for transform job usage', 1),
    quota('ml.m5.large for endpoint usage', 4),
  ];
  const run = (c = config) => checkQuotas(client(ServiceQuotasClient), quotaRequirements(c), REGION);
  const statusOf = async (name: string, c = config) => (await run(c)).find((r) => r.check === `quota "${name}"`);

  it('is ok when every applied quota is enough, without reading defaults', async () => {
    quotas.on(ListServiceQuotasCommand).resolves({ Quotas: enough });
    const results = await run();
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(quotas).toHaveReceivedCommandWith(ListServiceQuotasCommand, { ServiceCode: 'sagemaker' });
    expect(quotas).not.toHaveReceivedCommand(ListAWSDefaultServiceQuotasCommand);
  });

  it('blocks on a quota of 0, with the command that requests an increase', async () => {
    quotas.on(ListServiceQuotasCommand).resolves({
      Quotas: [
        ...enough.filter((q) => !q.QuotaName?.includes('transform')),
        quota('ml.m5.large for transform job usage', 0, { QuotaCode: 'L-TRANSFORM' }),
      ],
    });
    const result = await statusOf('ml.m5.large for transform job usage');
    expect(result?.status).toBe('blocker');
    expect(result?.message).toContain('new accounts often start at 0');
    expect(result?.fix).toContain(
      'aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code L-TRANSFORM --desired-value 1 --region eu-west-1',
    );
  });

  it('blocks on a quota too low for the parallel tuning jobs', async () => {
    quotas.on(ListServiceQuotasCommand).resolves({
      Quotas: [
        ...enough.filter((q) => !q.QuotaName?.includes('training')),
        quota('ml.m5.large for training job usage', 1),
      ],
    });
    expect((await statusOf('ml.m5.large for training job usage'))?.status).toBe('blocker');
  });

  it('warns when the endpoint quota covers maxInstances but not a blue/green update at the top', async () => {
    quotas.on(ListServiceQuotasCommand).resolves({
      Quotas: [...enough.filter((q) => !q.QuotaName?.includes('endpoint')), quota('ml.m5.large for endpoint usage', 2)],
    });
    expect((await statusOf('ml.m5.large for endpoint usage'))?.status).toBe('warn');
  });

  it('falls back to the AWS default for a quota without an applied value, and only warns when it is enough', async () => {
    quotas
      .on(ListServiceQuotasCommand)
      .resolves({ Quotas: enough.filter((q) => !q.QuotaName?.includes('transform')) })
      .on(ListAWSDefaultServiceQuotasCommand)
      .resolves({ Quotas: [quota('ml.m5.large for transform job usage', 5)] });
    const result = await statusOf('ml.m5.large for transform job usage');
    expect(result?.status).toBe('warn');
    expect(result?.message).toContain('AWS default');
    expect(quotas).toHaveReceivedCommandWith(ListAWSDefaultServiceQuotasCommand, { ServiceCode: 'sagemaker' });
  });

  it('warns when no quota has the name (the instance type may not be offered for that use)', async () => {
    quotas
      .on(ListServiceQuotasCommand)
      .resolves({ Quotas: enough })
      .on(ListAWSDefaultServiceQuotasCommand)
      .resolves({ Quotas: [] });
    const c = sandbox({
      training: { spotTraining: false, transformInstanceType: 'ml.zz.large' },
      modelMonitor: { enabled: false },
    });
    const result = await statusOf('ml.zz.large for transform job usage', c);
    expect(result?.status).toBe('warn');
    expect(result?.message).toContain('no such SageMaker quota');
  });

  it('reads further pages until every name is found, and no further', async () => {
    quotas
      .on(ListServiceQuotasCommand)
      .resolves({ Quotas: enough.slice(0, 2), NextToken: 'page2' })
      .on(ListServiceQuotasCommand, { NextToken: 'page2' })
      .resolves({ Quotas: enough.slice(2), NextToken: 'page3' });
    const results = await run();
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(quotas).toHaveReceivedCommandTimes(ListServiceQuotasCommand, 2);
  });

  it('checks the spot quota only when spot training is on', async () => {
    quotas
      .on(ListServiceQuotasCommand)
      .resolves({ Quotas: [...enough, quota('ml.m5.large for spot training job usage', 0)] });
    const off = await run();
    expect(off.some((r) => r.check.includes('spot'))).toBe(false);

    const spot = sandbox({
      training: { spotTraining: true, maxParallelTuningJobs: 2 },
      modelMonitor: { enabled: false },
    });
    const on = await run(spot);
    expect(on.find((r) => r.check.includes('spot training'))?.status).toBe('blocker');
  });

  it('only warns about the on-demand training quota while spot training is on', async () => {
    quotas.on(ListServiceQuotasCommand).resolves({
      Quotas: [
        ...enough.filter((q) => !q.QuotaName?.includes('training')),
        quota('ml.m5.large for training job usage', 0),
        quota('ml.m5.large for spot training job usage', 2),
      ],
    });
    const spot = sandbox({
      training: { spotTraining: true, maxParallelTuningJobs: 2 },
      modelMonitor: { enabled: false },
    });
    const result = (await run(spot)).find((r) => r.check === 'quota "ml.m5.large for training job usage"');
    expect(result?.status).toBe('warn');
    expect(result?.message).toContain('if training.spotTraining is set to false');
  });

  it('warns once when the quotas cannot be read', async () => {
    quotas.on(ListServiceQuotasCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    expect(await run()).toEqual([expect.objectContaining({ check: 'SageMaker quotas', status: 'warn' })]);
  });
});

describe('checkModelMonitor', () => {
  const on = sandbox({ modelMonitor: { enabled: true } });

  it('is not checked when the stage opts out', async () => {
    const result = await checkModelMonitor(
      client(SageMakerClient),
      sandbox({ modelMonitor: { enabled: false } }),
      REGION,
    );
    expect(result.status).toBe('ok');
    expect(result.message).toContain('not checked');
    expect(sageMaker).not.toHaveReceivedAnyCommand();
  });

  it('is ok when the account has a monitoring schedule', async () => {
    sageMaker.on(ListMonitoringSchedulesCommand).resolves({
      MonitoringScheduleSummaries: [
        {
          MonitoringScheduleName: 'm',
          MonitoringScheduleArn: 'arn',
          CreationTime: new Date(),
          LastModifiedTime: new Date(),
          MonitoringScheduleStatus: 'Scheduled',
        },
      ],
    });
    expect((await checkModelMonitor(client(SageMakerClient), on, REGION)).status).toBe('ok');
    expect(sageMaker).toHaveReceivedCommandWith(ListMonitoringSchedulesCommand, { MaxResults: 1 });
  });

  it('is ok when the account has a data-quality job definition', async () => {
    sageMaker.on(ListMonitoringSchedulesCommand).resolves({ MonitoringScheduleSummaries: [] });
    sageMaker.on(ListDataQualityJobDefinitionsCommand).resolves({
      JobDefinitionSummaries: [
        {
          MonitoringJobDefinitionName: 'd',
          MonitoringJobDefinitionArn: 'arn',
          CreationTime: new Date(),
          EndpointName: 'e',
        },
      ],
    });
    expect((await checkModelMonitor(client(SageMakerClient), on, REGION)).status).toBe('ok');
  });

  it('warns without either signal, saying to turn it off', async () => {
    sageMaker.on(ListMonitoringSchedulesCommand).resolves({ MonitoringScheduleSummaries: [] });
    sageMaker.on(ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [] });
    const result = await checkModelMonitor(client(SageMakerClient), on, REGION);
    expect(result.status).toBe('warn');
    expect(result.message).toContain('closed to new customers');
    expect(result.fix).toContain('modelMonitor.enabled to false');
  });
});
