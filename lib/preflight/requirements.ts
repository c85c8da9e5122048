/**
 * What a stage's configuration asks of the AWS account: which SageMaker instances it runs at the
 * same time, for what, and whether it uses Model Monitor. Pure: derived from the validated
 * {@link StageConfig} alone, so the quota check and its tests share one source.
 */
import type { StageConfig } from '../config';

/**
 * Whether the stage opts in to SageMaker Model Monitor: the baseline job of each pipeline run and
 * the endpoint's data-quality monitoring schedule (`modelMonitor.enabled`, off by default, as
 * Model Monitor is closed to new AWS customers since 2026-07-30).
 */
export function modelMonitorEnabled(config: StageConfig): boolean {
  return config.modelMonitor.enabled;
}

/** The SageMaker quota kinds the project uses, by the suffix of their Service Quotas name. */
export type QuotaUsage =
  'training job usage' | 'spot training job usage' | 'processing job usage' | 'transform job usage' | 'endpoint usage';

/** The Service Quotas name of a per-instance-type SageMaker quota, such as `ml.m5.large for endpoint usage`. */
export function quotaName(instanceType: string, usage: QuotaUsage): string {
  return `${instanceType} for ${usage}`;
}

/** Instances of one quota a part of the app holds at the same time. */
export interface QuotaDemand {
  /** The instances it holds at once. */
  readonly instances: number;
  /** What holds them, naming the configuration keys: `the tuning's parallel training jobs (training.maxParallelTuningJobs 2)`. */
  readonly because: string;
}

/** One SageMaker quota the stage needs, with everything that draws on it. */
export interface QuotaRequirement {
  /** The quota's name in Service Quotas, matched exactly. */
  readonly quotaName: string;
  /** Below this the app fails: the sum of the demands. */
  readonly needed: number;
  readonly demands: readonly QuotaDemand[];
  /**
   * Above `needed`, what lets the app work without waiting; below it is a warning, not a blocker.
   * @default - same as needed
   */
  readonly comfortable?: number;
  /** Why `comfortable` is more than `needed`. */
  readonly comfortableBecause?: string;
  /**
   * Whether the app uses this quota with the current configuration. A quota that is only needed
   * if an option changes (on-demand training while spot training is on) is checked as a warning.
   * @default true
   */
  readonly used?: boolean;
  /** When not used: the change of configuration that would use it. */
  readonly usedIf?: string;
}

/**
 * The SageMaker quotas the stage needs, one per quota name (demands on the same quota add up,
 * because they can hold instances at the same time: a monitoring run while a pipeline baselines).
 *
 * - Training: the hyper-parameter tuning runs `training.maxParallelTuningJobs` training jobs of one
 *   instance each at once; with `training.spotTraining` they are spot jobs, which draw on the
 *   separate spot quota. The on-demand quota is then still reported, as a warning only, because
 *   turning spot off moves the tuning onto it.
 * - Processing: only with Model Monitor on (`modelMonitor.enabled`): the baseline job of each
 *   pipeline run (one `modelMonitor.baselineInstanceType`) and each monitoring run (one
 *   `modelMonitor.instanceType`; monitoring runs are processing jobs).
 * - Transform: the batch transform that scores the test split (one `training.transformInstanceType`).
 * - Endpoint: up to `serving.maxInstances` of `serving.instanceType` when auto scaling is at its top.
 *   Deploying a new model is a blue/green update: SageMaker starts the new fleet beside the old one,
 *   so an update at the top of the scale holds twice as many for a while.
 */
export function quotaRequirements(config: StageConfig): QuotaRequirement[] {
  const { training, serving } = config;
  const byName = new Map<
    string,
    { demands: QuotaDemand[]; rest: Omit<QuotaRequirement, 'quotaName' | 'needed' | 'demands'> }
  >();
  const add = (
    name: string,
    demand: QuotaDemand,
    rest: Omit<QuotaRequirement, 'quotaName' | 'needed' | 'demands'> = {},
  ) => {
    const entry = byName.get(name);
    if (entry === undefined) {
      byName.set(name, { demands: [demand], rest });
    } else {
      entry.demands.push(demand);
    }
  };

  const tuning: QuotaDemand = {
    instances: training.maxParallelTuningJobs,
    because: `the tuning's parallel training jobs (training.maxParallelTuningJobs ${training.maxParallelTuningJobs})`,
  };
  if (training.spotTraining) {
    add(quotaName(training.trainingInstanceType, 'spot training job usage'), tuning);
    add(quotaName(training.trainingInstanceType, 'training job usage'), tuning, {
      used: false,
      usedIf: 'training.spotTraining is set to false',
    });
  } else {
    add(quotaName(training.trainingInstanceType, 'training job usage'), tuning);
  }
  if (modelMonitorEnabled(config)) {
    const { modelMonitor } = config;
    add(quotaName(modelMonitor.baselineInstanceType, 'processing job usage'), {
      instances: 1,
      because: 'the Model Monitor baseline job of each pipeline run (modelMonitor.baselineInstanceType)',
    });
    add(quotaName(modelMonitor.instanceType, 'processing job usage'), {
      instances: 1,
      because: 'each Model Monitor data-quality run (modelMonitor.instanceType)',
    });
  }
  add(quotaName(training.transformInstanceType, 'transform job usage'), {
    instances: 1,
    because: 'the batch transform that scores the test split (training.transformInstanceType)',
  });
  add(
    quotaName(serving.instanceType, 'endpoint usage'),
    {
      instances: serving.maxInstances,
      because: `the endpoint at the top of its auto scaling (serving.maxInstances ${serving.maxInstances})`,
    },
    {
      comfortable: 2 * serving.maxInstances,
      comfortableBecause:
        'a new model deploys blue/green, starting a second fleet beside the first, so an update at the top of the scale holds twice the instances for a while',
    },
  );

  return [...byName].map(([name, { demands, rest }]) => ({
    quotaName: name,
    needed: demands.reduce((sum, d) => sum + d.instances, 0),
    demands,
    ...rest,
  }));
}
