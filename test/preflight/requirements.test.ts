import { loadStageConfig } from '../../lib/config';
import { modelMonitorEnabled, quotaName, quotaRequirements } from '../../lib/preflight/requirements';

const sandbox = (overrides: Record<string, unknown> = {}) =>
  loadStageConfig({ stage: 'sandbox', config: { sandbox: overrides } });
const byName = (overrides: Record<string, unknown> = {}) =>
  new Map(quotaRequirements(sandbox(overrides)).map((r) => [r.quotaName, r]));

describe('modelMonitorEnabled', () => {
  it('reads modelMonitor.enabled, off by default', () => {
    expect(modelMonitorEnabled(sandbox({ modelMonitor: { enabled: true } }))).toBe(true);
    expect(modelMonitorEnabled(sandbox({ modelMonitor: { enabled: false } }))).toBe(false);
    expect(modelMonitorEnabled(sandbox())).toBe(false);
  });
});

describe('quotaRequirements', () => {
  it('names quotas as Service Quotas does', () => {
    expect(quotaName('ml.m5.large', 'spot training job usage')).toBe('ml.m5.large for spot training job usage');
  });

  it('with spot training, needs the spot quota for the parallel tuning jobs and reports on-demand as unused', () => {
    const quotas = byName({ training: { spotTraining: true, maxParallelTuningJobs: 3, maxTuningJobs: 6 } });
    expect(quotas.get('ml.m5.large for spot training job usage')).toMatchObject({ needed: 3 });
    expect(quotas.get('ml.m5.large for spot training job usage')?.used).toBeUndefined();
    expect(quotas.get('ml.m5.large for training job usage')).toMatchObject({ needed: 3, used: false });
  });

  it('without spot training, needs no spot quota', () => {
    const quotas = byName({ training: { spotTraining: false, maxParallelTuningJobs: 2 } });
    expect(quotas.has('ml.m5.large for spot training job usage')).toBe(false);
    expect(quotas.get('ml.m5.large for training job usage')).toMatchObject({ needed: 2 });
    expect(quotas.get('ml.m5.large for training job usage')?.used).toBeUndefined();
  });

  it('with Model Monitor on, adds the baseline and the monitoring runs when they share a processing instance type', () => {
    const quotas = byName({
      modelMonitor: { enabled: true, baselineInstanceType: 'ml.m5.large', instanceType: 'ml.m5.large' },
    });
    expect(quotas.get('ml.m5.large for processing job usage')).toMatchObject({ needed: 2 });
  });

  it('with Model Monitor on, needs one processing instance of each type when they differ', () => {
    const quotas = byName({
      modelMonitor: { enabled: true, baselineInstanceType: 'ml.m5.large', instanceType: 'ml.m5.xlarge' },
    });
    expect(quotas.get('ml.m5.large for processing job usage')).toMatchObject({ needed: 1 });
    expect(quotas.get('ml.m5.xlarge for processing job usage')).toMatchObject({ needed: 1 });
  });

  it('needs no processing quota when Model Monitor is off (the default): nothing runs a processing job', () => {
    const quotas = byName();
    expect([...quotas.keys()].filter((name) => name.endsWith('processing job usage'))).toEqual([]);
  });

  it('needs maxInstances of the endpoint type, and twice that to deploy blue/green at the top of the scale', () => {
    const quotas = byName({ serving: { instanceType: 'ml.c5.large', minInstances: 1, maxInstances: 3 } });
    expect(quotas.get('ml.c5.large for endpoint usage')).toMatchObject({ needed: 3, comfortable: 6 });
  });

  it('needs one transform instance', () => {
    const quotas = byName({ training: { transformInstanceType: 'ml.c5.xlarge' } });
    expect(quotas.get('ml.c5.xlarge for transform job usage')).toMatchObject({ needed: 1 });
  });
});
