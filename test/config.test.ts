import * as logs from 'aws-cdk-lib/aws-logs';
import fc from 'fast-check';
import {
  CONFIG_RULES,
  ConfigError,
  type ConfigContext,
  LOG_RETENTION_DAYS,
  type LogRetentionDays,
  loadStageConfig,
  STAGE_DEFAULTS,
  STAGE_NAMES,
  type StageConfig,
  type StageName,
} from '../lib/config';

/** A production account and region that pass validation. */
const PRODUCTION_ENV = { account: '123456789012', region: 'eu-west-1' };

/** The problems of the ConfigError `fn` throws; fails the test if it throws nothing or anything else. */
function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** The problems of loading the sandbox stage with `overrides` as its `config.sandbox`. */
function sandboxProblems(overrides: unknown): readonly string[] {
  return problemsOf(() => loadStageConfig({ config: { sandbox: overrides } }));
}

/** `{a: {b: 1}}` → `{"a.b": 1}`: the dotted keys CONFIG_RULES uses. */
function leavesOf(value: object, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
      Object.assign(out, leavesOf(inner as object, `${prefix}${key}.`));
    } else {
      out[`${prefix}${key}`] = inner;
    }
  }
  return out;
}

/** `overrideAt('dataLake.x', 1)` → `{dataLake: {x: 1}}`. */
function overrideAt(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

/** The value at a dotted path of a loaded config. */
function valueAt(config: StageConfig, path: string): unknown {
  return path.split('.').reduce<unknown>((obj, key) => (obj as Record<string, unknown>)[key], config);
}

/** The rule of a dotted key, failing loudly if CONFIG_RULES lacks it. */
function ruleOf(key: string): NonNullable<(typeof CONFIG_RULES)[string]> {
  const rule = CONFIG_RULES[key];
  if (rule === undefined) {
    throw new Error(`CONFIG_RULES has no rule for ${key}`);
  }
  return rule;
}

/** A stage's defaults without `stage`, which config may not override. */
function overridableDefaults(stage: StageName): Record<string, unknown> {
  return Object.fromEntries(Object.entries(STAGE_DEFAULTS[stage]).filter(([key]) => key !== 'stage'));
}

const DATA_LAKE_KEYS = Object.keys(CONFIG_RULES).filter((k) => k.startsWith('dataLake.'));
const OTHER_SETTABLE_KEYS = Object.keys(CONFIG_RULES).filter((k) => k !== 'stage' && !k.startsWith('dataLake.'));
const OPTIONAL_KEYS = [
  'account',
  'region',
  'owner',
  'ingestion.cleanerReservedConcurrency',
  'observability.alarmEmail',
];

describe('loadStageConfig defaults', () => {
  it('returns the sandbox defaults when called without context', () => {
    expect(loadStageConfig()).toStrictEqual(STAGE_DEFAULTS.sandbox);
  });

  it('returns the sandbox defaults for an empty context', () => {
    expect(loadStageConfig({})).toStrictEqual(STAGE_DEFAULTS.sandbox);
  });

  it('returns the sandbox defaults for stage "sandbox"', () => {
    expect(loadStageConfig({ stage: 'sandbox' })).toStrictEqual(STAGE_DEFAULTS.sandbox);
  });

  it('leaves the sandbox environment-agnostic: no account, no region', () => {
    const config = loadStageConfig();
    expect(config.account).toBeUndefined();
    expect(config.region).toBeUndefined();
  });

  it('makes the sandbox destroyable and unprotected', () => {
    const config = loadStageConfig();
    expect(config.stage).toBe('sandbox');
    expect(config.removal).toBe('destroy');
    expect(config.terminationProtection).toBe(false);
  });
});

describe('production stage', () => {
  it('requires an account and a region, naming both keys', () => {
    const problems = problemsOf(() => loadStageConfig({ stage: 'production' }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('config.production.account');
    expect(problems[1]).toContain('config.production.region');
  });

  it('reports the missing account and region in the error message', () => {
    expect(() => loadStageConfig({ stage: 'production' })).toThrow(ConfigError);
    expect(() => loadStageConfig({ stage: 'production' })).toThrow(
      /config\.production\.account[\s\S]*config\.production\.region/,
    );
  });

  it('loads with an account and a region, retaining data and protecting stacks', () => {
    const config = loadStageConfig({ stage: 'production', config: { production: PRODUCTION_ENV } });
    expect(config).toStrictEqual({ ...STAGE_DEFAULTS.production, ...PRODUCTION_ENV });
    expect(config.removal).toBe('retain');
    expect(config.terminationProtection).toBe(true);
  });

  it('rejects removal "destroy", naming the key, the value and "retain"', () => {
    const problems = problemsOf(() =>
      loadStageConfig({ stage: 'production', config: { production: { ...PRODUCTION_ENV, removal: 'destroy' } } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^config\.production\.removal is "destroy" .*expected "retain"$/);
  });

  it('rejects terminationProtection false, naming the key, the value and true', () => {
    const problems = problemsOf(() =>
      loadStageConfig({
        stage: 'production',
        config: { production: { ...PRODUCTION_ENV, terminationProtection: false } },
      }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^config\.production\.terminationProtection is false .*expected true$/);
  });

  it('ignores the sandbox overrides when loading production', () => {
    const config = loadStageConfig({
      stage: 'production',
      config: { sandbox: { owner: 'sandbox@example.com' }, production: PRODUCTION_ENV },
    });
    expect(config.owner).toBeUndefined();
  });
});

describe('stage selection', () => {
  it('rejects an unknown stage, showing it and listing the known stages', () => {
    expect(() => loadStageConfig({ stage: 'prod' })).toThrow(ConfigError);
    expect(() => loadStageConfig({ stage: 'prod' })).toThrow(/"prod".*sandbox, production/);
  });

  it('rejects a stage that is not a string', () => {
    const problems = problemsOf(() => loadStageConfig({ stage: 1 }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('1 (a number)');
    expect(problems[0]).toContain('sandbox, production');
  });

  it('rejects an unknown stage name inside config, listing the known stages', () => {
    const problems = problemsOf(() => loadStageConfig({ config: { staging: {} } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"staging"');
    expect(problems[0]).toContain('sandbox, production');
  });

  it('rejects overriding stage inside config', () => {
    const problems = sandboxProblems({ stage: 'production' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.stage');
    expect(problems[0]).toContain('cannot be overridden');
  });
});

describe('unknown keys', () => {
  it('rejects an unknown top-level key, listing the top-level keys', () => {
    const problems = sandboxProblems({ colour: 'red' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.colour is not a configuration key');
    for (const key of ['owner', 'removal', 'terminationProtection', 'dataLake', 'audit']) {
      expect(problems[0]).toContain(key);
    }
  });

  it('rejects a misspelt key inside a section, naming the full dotted key and listing the section keys', () => {
    const problems = sandboxProblems({ dataLake: { rawInfrequentAccesAfterDays: 40 } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.dataLake.rawInfrequentAccesAfterDays is not a configuration key');
    for (const key of DATA_LAKE_KEYS) {
      expect(problems[0]).toContain(key);
    }
  });

  it('rejects an unknown key nested below a section, naming the first unknown level', () => {
    const problems = sandboxProblems({ audit: { trail: { days: 30 } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.audit.trail is not a configuration key');
    expect(problems[0]).toContain('audit.trailLogRetentionDays');
  });

  it('rejects an unknown top-level key whose value is an empty object instead of ignoring it', () => {
    const problems = sandboxProblems({ colour: {} });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.colour is not a configuration key');
  });

  it('rejects an unknown key inside a section whose value is an empty object instead of ignoring it', () => {
    const problems = sandboxProblems({ dataLake: { rawInfrequentAccesAfterDays: {} } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.dataLake.rawInfrequentAccesAfterDays is not a configuration key');
  });

  it('rejects a flat dotted key, showing how to write it nested', () => {
    const problems = sandboxProblems({ 'dataLake.athenaQueryScanLimitMiB': 2048 });
    expect(problems).toEqual([
      'config.sandbox."dataLake.athenaQueryScanLimitMiB" is a dotted key; write it nested, as {"dataLake": {"athenaQueryScanLimitMiB": 2048}}',
    ]);
  });

  it('checks the overrides of a stage that is not being synthesized, so a typo shows up early', () => {
    const problems = problemsOf(() => loadStageConfig({ config: { production: { removal: 'destroy', colour: 1 } } }));
    expect(problems).toEqual([expect.stringContaining('config.production.colour is not a configuration key')]);
    const second = problemsOf(() => loadStageConfig({ config: { production: { removal: 'destroy' } } }));
    expect(second).toEqual([
      expect.stringContaining('config.production.removal is "destroy" (a string); production keeps its data'),
    ]);
  });

  it('does not require account and region for production when sandbox is synthesized', () => {
    expect(loadStageConfig({ config: { production: { owner: 'ml@example.com' } } }).stage).toBe('sandbox');
  });

  it('rejects a stage section that is null', () => {
    expect(sandboxProblems(null)).toEqual([expect.stringContaining('config.sandbox is null (null)')]);
  });

  it('reports one problem for a value that breaks its own rule, not a second from a cross-key rule', () => {
    expect(sandboxProblems({ dataLake: { rawGlacierInstantRetrievalAfterDays: 40 } })).toHaveLength(1);
  });

  it('shows values JSON cannot carry without crashing', () => {
    expect(sandboxProblems({ owner: 1n as never })).toEqual([
      expect.stringContaining('config.sandbox.owner is 1n (a bigint)'),
    ]);
  });

  // Keys that name a property of Object.prototype must be reported like any other unknown key.
  // These arrive from plain JSON (`-c config='{"sandbox":{"constructor":1}}'`).
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty'])(
    'rejects the top-level key "%s" with a ConfigError (not a TypeError)',
    (key) => {
      const problems = problemsOf(() => loadStageConfig({ config: `{"sandbox":{"${key}":1}}` }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`config.sandbox.${key} is not a configuration key`);
    },
  );

  it('rejects the key "__proto__" in a stage section instead of ignoring it', () => {
    const problems = problemsOf(() =>
      loadStageConfig({ config: '{"sandbox":{"__proto__":{"owner":"not-an-email"}}}' }),
    );
    expect(problems.some((p) => p.includes('config.sandbox.__proto__'))).toBe(true);
  });

  it('rejects the key "__proto__" inside a section instead of ignoring it', () => {
    const problems = problemsOf(() => loadStageConfig({ config: '{"sandbox":{"dataLake":{"__proto__":5}}}' }));
    expect(problems.some((p) => p.includes('config.sandbox.dataLake.__proto__'))).toBe(true);
  });
});

describe('wrong types', () => {
  it('rejects a number given as a string', () => {
    const problems = sandboxProblems({ dataLake: { rawInfrequentAccessAfterDays: '40' } });
    expect(problems).toStrictEqual([
      'config.sandbox.dataLake.rawInfrequentAccessAfterDays is "40" (a string); expected an integer from 30 to 3650',
    ]);
  });

  it('rejects a boolean given as a string', () => {
    const problems = sandboxProblems({ terminationProtection: 'true' });
    expect(problems).toStrictEqual([
      'config.sandbox.terminationProtection is "true" (a string); expected true or false',
    ]);
  });

  it('rejects a section given as a number, listing the keys the section expects', () => {
    const problems = sandboxProblems({ dataLake: 5 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.dataLake is 5 (a number); expected an object with the keys');
    for (const key of DATA_LAKE_KEYS) {
      expect(problems[0]).toContain(key);
    }
  });

  it('rejects a section given as an array', () => {
    const problems = sandboxProblems({ audit: [30, 90] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.audit is [30,90] (an array); expected an object with the keys');
  });

  it('rejects a removal mode that is not destroy or retain', () => {
    const problems = sandboxProblems({ removal: 'keep' });
    expect(problems).toStrictEqual([
      'config.sandbox.removal is "keep" (a string); expected one of "destroy", "retain"',
    ]);
  });

  it('rejects null for a required key', () => {
    const problems = sandboxProblems({ removal: null });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.removal is null');
  });
});

describe('number ranges', () => {
  it.each<[string, number, string]>([
    ['dataLake.rawInfrequentAccessAfterDays', 29, 'an integer from 30 to 3650'],
    ['dataLake.rawInfrequentAccessAfterDays', 3651, 'an integer from 30 to 3650'],
    ['dataLake.incompleteUploadAbortAfterDays', 0, 'an integer from 1 to 365'],
    ['dataLake.incompleteUploadAbortAfterDays', 366, 'an integer from 1 to 365'],
    ['dataLake.athenaQueryScanLimitMiB', 9, 'an integer from 10 to 10485760'],
    ['dataLake.athenaQueryScanLimitMiB', 10485761, 'an integer from 10 to 10485760'],
    ['dataLake.noncurrentVersionExpirationDays', 30.5, 'an integer from 1 to 3650'],
    ['dataLake.accessLogExpirationDays', -1, 'an integer from 1 to 3650'],
    ['audit.trailObjectExpirationDays', 0, 'an integer from 1 to 3650'],
    ['audit.trailObjectExpirationDays', 90.25, 'an integer from 1 to 3650'],
    ['training.maxTuningJobs', 0, 'an integer from 1 to 500'],
    ['training.maxTrainingMinutes', 4, 'an integer from 5 to 1440'],
    ['training.minAuc', 0.4, 'a number from 0.5 to 1'],
    ['business.incentiveRetention', 1.5, 'a number from 0 to 1'],
    ['business.retainedCustomerValue', -1, 'a number from 0 to 1000000000'],
    ['business.churnRateBefore', 1.01, 'a number from 0 to 1'],
    ['business.incentiveBudget', -0.01, 'a number from 0 to 1000000000000'],
    ['business.customersScored', 0, 'an integer from 1 to 1000000000'],
    ['business.customersScored', 1000.5, 'an integer from 1 to 1000000000'],
  ])('rejects %s = %p, expecting %s', (key, value, allowed) => {
    const problems = sandboxProblems(overrideAt(key, value));
    expect(problems).toContain(`config.sandbox.${key} is ${value} (a number); expected ${allowed}`);
  });

  it('accepts the S3 minimum of 30 days for rawInfrequentAccessAfterDays', () => {
    const config = loadStageConfig({ config: { sandbox: { dataLake: { rawInfrequentAccessAfterDays: 30 } } } });
    expect(config.dataLake.rawInfrequentAccessAfterDays).toBe(30);
  });

  it('rejects a trail log retention that CloudWatch Logs does not offer, listing the allowed values', () => {
    const problems = sandboxProblems({ audit: { trailLogRetentionDays: 45 } });
    expect(problems).toStrictEqual([
      `config.sandbox.audit.trailLogRetentionDays is 45 (a number); expected one of ${LOG_RETENTION_DAYS.join(', ')} ` +
        '(the CloudWatch Logs retention periods of a year or more, as the Control Tower control CT.CLOUDWATCH.PR.2 requires)',
    ]);
  });

  it.each(['ingestion', 'training', 'serving'])(
    'rejects a %s log retention under a year, which the Control Tower control CT.CLOUDWATCH.PR.2 refuses',
    (section) => {
      const problems = sandboxProblems({ [section]: { logRetentionDays: 30 } });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`config.sandbox.${section}.logRetentionDays is 30`);
      expect(problems[0]).toContain('CT.CLOUDWATCH.PR.2');
    },
  );

  it.each([...LOG_RETENTION_DAYS])('accepts the CloudWatch Logs retention of %d days', (days) => {
    const config = loadStageConfig({ config: { sandbox: { audit: { trailLogRetentionDays: days } } } });
    expect(config.audit.trailLogRetentionDays).toBe(days);
  });
});

describe('identity values', () => {
  it.each(['12345', '12345678901a', '1234567890123', ' 123456789012', 123456789012])(
    'rejects the account id %p',
    (account) => {
      const problems = problemsOf(() =>
        loadStageConfig({ stage: 'production', config: { production: { ...PRODUCTION_ENV, account } } }),
      );
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`config.production.account is ${JSON.stringify(account)}`);
      expect(problems[0]).toContain('expected a 12-digit AWS account id');
    },
  );

  it.each(['europe', 'eu_west_1', 'EU-WEST-1', 'eu-west'])('rejects the region %p', (region) => {
    const problems = problemsOf(() =>
      loadStageConfig({ stage: 'production', config: { production: { ...PRODUCTION_ENV, region } } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`config.production.region is "${region}"`);
    expect(problems[0]).toContain('expected an AWS region name such as "eu-west-1"');
  });

  it.each(['eu-west-1', 'us-east-1', 'ap-southeast-5', 'us-gov-west-1', 'cn-north-1', 'us-isob-east-1'])(
    'accepts the region %p',
    (region) => {
      const config = loadStageConfig({ stage: 'production', config: { production: { ...PRODUCTION_ENV, region } } });
      expect(config.region).toBe(region);
    },
  );

  it.each(['not-an-email', 'a@b', 'two@@example.com', 'me @example.com', ''])('rejects the owner %p', (owner) => {
    const problems = sandboxProblems({ owner });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`config.sandbox.owner is "${owner}"`);
    expect(problems[0]).toContain('expected an e-mail address');
  });

  it('accepts a sandbox account and region, making it environment-specific', () => {
    const config = loadStageConfig({ config: { sandbox: { account: '111122223333', region: 'us-east-1' } } });
    expect(config.account).toBe('111122223333');
    expect(config.region).toBe('us-east-1');
  });
});

describe('cross-key rules', () => {
  it('rejects Glacier Instant Retrieval less than 30 days after Standard-IA, naming both keys', () => {
    const problems = sandboxProblems({
      dataLake: { rawInfrequentAccessAfterDays: 100, rawGlacierInstantRetrievalAfterDays: 120 },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.dataLake.rawGlacierInstantRetrievalAfterDays is 120');
    expect(problems[0]).toContain('expected at least 130');
    expect(problems[0]).toContain('dataLake.rawInfrequentAccessAfterDays is 100');
  });

  it('rejects raising Standard-IA above the default Glacier day minus 30', () => {
    const problems = sandboxProblems({ dataLake: { rawInfrequentAccessAfterDays: 61 } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('rawGlacierInstantRetrievalAfterDays is 90');
    expect(problems[0]).toContain('rawInfrequentAccessAfterDays is 61');
  });

  it('accepts Glacier Instant Retrieval exactly 30 days after Standard-IA', () => {
    const config = loadStageConfig({
      config: {
        sandbox: { dataLake: { rawInfrequentAccessAfterDays: 100, rawGlacierInstantRetrievalAfterDays: 130 } },
      },
    });
    expect(config.dataLake.rawGlacierInstantRetrievalAfterDays).toBe(130);
  });
});

describe('training rules', () => {
  it.each(['m5.large', 'ml.m5', 'ML.M5.LARGE', 'ml.m5.large ', 'ec2.m5.large'])(
    'rejects the instance type %p, naming an example',
    (value) => {
      const problems = sandboxProblems({ training: { trainingInstanceType: value } });
      expect(problems).toEqual([
        `config.sandbox.training.trainingInstanceType is ${JSON.stringify(value)} (a string); expected a SageMaker ML instance type such as "ml.m5.large"`,
      ]);
    },
  );

  it('rejects more parallel tuning jobs than jobs, naming both keys', () => {
    const problems = sandboxProblems({ training: { maxTuningJobs: 4, maxParallelTuningJobs: 5 } });
    expect(problems).toEqual([
      'config.sandbox.training.maxParallelTuningJobs is 5; expected at most 4, because config.sandbox.training.maxTuningJobs is 4',
    ]);
  });

  it.each([
    ['psi', 0.3, 0.25],
    ['categorical', 0.2, 0.1],
    ['missing', 0.11, 0.1],
  ])('rejects a %s watch threshold above its act threshold, naming both keys', (name, watch, act) => {
    const problems = sandboxProblems({ monitoring: { [`${name}Watch`]: watch, [`${name}Act`]: act } });
    expect(problems).toEqual([
      `config.sandbox.monitoring.${name}Watch is ${watch}; expected at most ${act}, because ` +
        `config.sandbox.monitoring.${name}Act is ${act} and a value that acts must also be watched`,
    ]);
  });

  it('accepts watch equal to act, and a monitor schedule of each kind', () => {
    for (const schedule of ['off', 'rate(1 hour)', 'rate(15 minutes)', 'cron(0 6 * * ? *)']) {
      const config = loadStageConfig({ config: { sandbox: { monitoring: { schedule, psiWatch: 0.2, psiAct: 0.2 } } } });
      expect(config.monitoring).toMatchObject({ schedule, psiWatch: 0.2, psiAct: 0.2 });
    }
  });

  it.each(['rate(0 hours)', 'rate(1 week)', 'cron(0 6 * * ?)', 'hourly'])(
    'rejects the monitor schedule %j, saying what is allowed',
    (schedule) => {
      expect(sandboxProblems({ monitoring: { schedule } })).toEqual([
        `config.sandbox.monitoring.schedule is ${JSON.stringify(schedule)} (a string); expected an EventBridge schedule such as "rate(1 hour)" or "cron(0 6 * * ? *)" (six fields), or "off"`,
      ]);
    },
  );

  it('rejects an incentive that costs as much as the churn it can prevent: no model could beat doing nothing', () => {
    const problems = sandboxProblems({ business: { incentiveCost: 250, incentiveRetention: 0.5 } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.business.incentiveCost is 250; expected less than 250');
    expect(problems[0]).toContain('business.retainedCustomerValue 500 × business.incentiveRetention 0.5');
    expect(problems[0]).toContain('the quality gate rejects every one');
  });

  it('accepts an incentive just below what it saves, and every approval mode', () => {
    const config = loadStageConfig({
      config: {
        sandbox: { business: { incentiveCost: 249.99, incentiveRetention: 0.5 }, training: { approval: 'manual' } },
      },
    });
    expect(config.business).toMatchObject({ incentiveCost: 249.99, incentiveRetention: 0.5 });
    expect(config.training.approval).toBe('manual');
  });

  it('rejects a target churn rate that is not below the churn rate before the campaign, naming both', () => {
    expect(sandboxProblems({ business: { targetChurnRate: 0.145 } })).toEqual([
      'config.sandbox.business.targetChurnRate is 0.145; expected less than 0.145, because ' +
        'config.sandbox.business.churnRateBefore is 0.145 and a campaign is meant to lower it',
    ]);
    expect(
      loadStageConfig({ config: { sandbox: { business: { targetChurnRate: 0.1449 } } } }).business.targetChurnRate,
    ).toBe(0.1449);
  });

  it('defaults to the problem statement’s figures: 14.5% churn, a 4% target and a $750,000 budget', () => {
    for (const stage of STAGE_NAMES) {
      expect(STAGE_DEFAULTS[stage].business).toMatchObject({
        churnRateBefore: 0.145,
        targetChurnRate: 0.04,
        incentiveBudget: 750_000,
      });
      expect(STAGE_DEFAULTS[stage].business.incentiveRetention).toBeLessThan(1);
    }
  });

  it('approves automatically in the sandbox and leaves approval to a person in production', () => {
    expect(STAGE_DEFAULTS.sandbox.training.approval).toBe('automatic');
    expect(STAGE_DEFAULTS.production.training.approval).toBe('manual');
  });
});

describe('serving rules', () => {
  it('rejects fewer than two production instances, saying why', () => {
    const problems = problemsOf(() =>
      loadStageConfig({
        stage: 'production',
        config: { production: { ...PRODUCTION_ENV, serving: { minInstances: 1, trafficShifting: 'all-at-once' } } },
      }),
    );
    expect(problems).toEqual([
      'config.production.serving.minInstances is 1; production serves from at least two instances (two Availability Zones): expected 2 or more',
    ]);
  });

  it('rejects a canary on a single instance, naming both keys and both ways out', () => {
    const problems = sandboxProblems({ serving: { trafficShifting: 'canary' } });
    expect(problems).toEqual([
      'config.sandbox.serving.trafficShifting is "canary"; a canary needs at least two instances, and config.sandbox.serving.minInstances is 1: expected "all-at-once" or minInstances of 2 or more',
    ]);
  });

  it('rejects a scaling maximum below the minimum', () => {
    const problems = sandboxProblems({ serving: { minInstances: 3, maxInstances: 2 } });
    expect(problems).toEqual([
      'config.sandbox.serving.maxInstances is 2; expected at least 3, because config.sandbox.serving.minInstances is 3',
    ]);
  });

  it('accepts a sandbox canary on two instances', () => {
    const config = loadStageConfig({
      config: { sandbox: { serving: { minInstances: 2, maxInstances: 2, trafficShifting: 'canary' } } },
    });
    expect(config.serving).toMatchObject({ minInstances: 2, trafficShifting: 'canary' });
  });
});

describe('Model Monitor (opt-in: closed to new AWS customers since 2026-07-30)', () => {
  it.each(STAGE_NAMES)('is off by default in %s, so the defaults deploy in an account that never used it', (stage) => {
    expect(STAGE_DEFAULTS[stage].modelMonitor.enabled).toBe(false);
  });

  it('is turned on with modelMonitor.enabled, keeping the other defaults of the section', () => {
    const config = loadStageConfig({ config: { sandbox: { modelMonitor: { enabled: true } } } });
    expect(config.modelMonitor).toEqual({
      enabled: true,
      cadence: 'daily',
      instanceType: 'ml.m5.large',
      baselineInstanceType: 'ml.m5.large',
    });
  });

  it('monitors hourly on larger instances in production, once enabled', () => {
    const config = loadStageConfig({
      stage: 'production',
      config: { production: { ...PRODUCTION_ENV, modelMonitor: { enabled: true } } },
    });
    expect(config.modelMonitor).toEqual({
      enabled: true,
      cadence: 'hourly',
      instanceType: 'ml.m5.xlarge',
      baselineInstanceType: 'ml.m5.xlarge',
    });
  });

  it('rejects a cadence Model Monitor does not offer', () => {
    expect(sandboxProblems({ modelMonitor: { cadence: 'weekly' } })).toEqual([
      'config.sandbox.modelMonitor.cadence is "weekly" (a string); expected one of "hourly", "daily"',
    ]);
  });

  it('rejects enabled given as a string', () => {
    expect(sandboxProblems({ modelMonitor: { enabled: 'true' } })).toEqual([
      'config.sandbox.modelMonitor.enabled is "true" (a string); expected true or false',
    ]);
  });

  it('rejects serving.monitoring, saying Model Monitor is opt-in now, why, and the key to use', () => {
    expect(sandboxProblems({ serving: { monitoring: true } })).toEqual([
      'config.sandbox.serving.monitoring is not a configuration key; Model Monitor is opt-in now: use modelMonitor.enabled (closed to new AWS customers since 2026-07-30)',
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'serving.monitoringCadence',
      { serving: { monitoringCadence: 'hourly' } },
      'config.sandbox.serving.monitoringCadence is not a configuration key; it moved to the opt-in Model Monitor section: use modelMonitor.cadence (one of "hourly", "daily")',
    ],
    [
      'serving.monitoringInstanceType',
      { serving: { monitoringInstanceType: 'ml.m5.xlarge' } },
      'config.sandbox.serving.monitoringInstanceType is not a configuration key; it moved to the opt-in Model Monitor section: use modelMonitor.instanceType (a SageMaker ML instance type such as "ml.m5.large")',
    ],
    [
      'training.missedChurnerCost',
      { training: { missedChurnerCost: 500 } },
      'config.sandbox.training.missedChurnerCost is not a configuration key; the costs moved to the business case: use business.retainedCustomerValue (what keeping a customer who would have left is worth)',
    ],
    [
      'training.incentiveCost',
      { training: { incentiveCost: 100 } },
      'config.sandbox.training.incentiveCost is not a configuration key; the costs moved to the business case: use business.incentiveCost',
    ],
    [
      'training.incentiveRetention',
      { training: { incentiveRetention: 1 } },
      'config.sandbox.training.incentiveRetention is not a configuration key; the costs moved to the business case: use business.incentiveRetention (the probability that a churner offered the incentive stays)',
    ],
    [
      'training.processingInstanceType',
      { training: { processingInstanceType: 'ml.m5.xlarge' } },
      'config.sandbox.training.processingInstanceType is not a configuration key; the baseline job is Model Monitor\'s, which is opt-in now: use modelMonitor.baselineInstanceType (a SageMaker ML instance type such as "ml.m5.large")',
    ],
  ])('rejects the moved key %s, naming the key that replaced it and what it allows', (_key, overrides, message) => {
    expect(sandboxProblems(overrides)).toEqual([message]);
  });

  it('names the new key for an old one whatever its value, and in the flat dotted form', () => {
    expect(sandboxProblems({ serving: { monitoring: {} } })).toEqual([
      expect.stringContaining('config.sandbox.serving.monitoring is not a configuration key; Model Monitor is opt-in'),
    ]);
    expect(sandboxProblems({ 'serving.monitoring': false })).toEqual([
      expect.stringContaining('config.sandbox.serving.monitoring is not a configuration key; Model Monitor is opt-in'),
    ]);
  });

  it('names the new key for an old one in a stage that is not being synthesized too', () => {
    expect(problemsOf(() => loadStageConfig({ config: { production: { serving: { monitoring: true } } } }))).toEqual([
      expect.stringContaining('config.production.serving.monitoring is not a configuration key'),
    ]);
  });

  it('still lists the section keys for a plain misspelling in serving', () => {
    const problems = sandboxProblems({ serving: { monitorring: true } });
    expect(problems).toEqual([
      expect.stringContaining('config.sandbox.serving.monitorring is not a configuration key; known keys:'),
    ]);
  });
});

describe('the config context value', () => {
  it('accepts a JSON string, as -c config=... passes it', () => {
    const config = loadStageConfig({
      stage: 'production',
      config: JSON.stringify({ production: { ...PRODUCTION_ENV, owner: 'ml-team@example.com' } }),
    });
    expect(config).toStrictEqual({ ...STAGE_DEFAULTS.production, ...PRODUCTION_ENV, owner: 'ml-team@example.com' });
  });

  it('validates the values inside a JSON string like those of an object', () => {
    const problems = problemsOf(() =>
      loadStageConfig({ config: '{"sandbox":{"dataLake":{"athenaQueryScanLimitMiB":"1"}}}' }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox.dataLake.athenaQueryScanLimitMiB is "1" (a string)');
  });

  it('rejects an invalid JSON string, naming the context key "config"', () => {
    const problems = problemsOf(() => loadStageConfig({ config: '{sandbox: {}}' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('context "config" is not valid JSON');
    expect(problems[0]).toContain('{sandbox: {}}');
  });

  it.each<[string, unknown, string]>([
    ['an array', [], '[] (an array)'],
    ['a number', 5, '5 (a number)'],
    ['null', null, 'null (null)'],
    ['a boolean', true, 'true (a boolean)'],
    ['a JSON string holding an array', '[{"sandbox":{}}]', '[{"sandbox":{}}] (an array)'],
    ['a JSON string holding a number', '42', '42 (a number)'],
  ])('rejects config given as %s', (_what, config, shown) => {
    const problems = problemsOf(() => loadStageConfig({ config }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`context "config" is ${shown}; expected an object of stages`);
  });

  it('rejects a stage section that is not an object', () => {
    const problems = problemsOf(() => loadStageConfig({ config: { sandbox: 'owner=me@example.com' } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('config.sandbox is "owner=me@example.com" (a string); expected an object');
  });
});

describe('several problems at once', () => {
  const bad = {
    owner: 'not-an-email',
    removal: 'keep',
    colour: 'red',
    dataLake: { athenaQueryScanLimitMiB: 0 },
    audit: { trailLogRetentionDays: 45 },
  };
  const badKeys = ['owner', 'removal', 'colour', 'dataLake.athenaQueryScanLimitMiB', 'audit.trailLogRetentionDays'];

  it('throws one ConfigError with one problem per bad key', () => {
    const problems = sandboxProblems(bad);
    expect(problems).toHaveLength(badKeys.length);
    for (const key of badKeys) {
      expect(problems.filter((p) => p.startsWith(`config.sandbox.${key} `))).toHaveLength(1);
    }
  });

  it('lists every problem in the message, one per line, then says where values are set', () => {
    let message = '';
    try {
      loadStageConfig({ config: { sandbox: bad } });
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1, -1)).toHaveLength(badKeys.length);
    expect(lines.at(-1)).toMatch(/"config" context .* docs\/configuration\.md/);
    for (const key of badKeys) {
      expect(message).toContain(`  - config.sandbox.${key} `);
    }
  });

  it('names the class ConfigError', () => {
    expect(problemsOf(() => loadStageConfig({ stage: 'prod' }))).toHaveLength(1);
    try {
      loadStageConfig({ stage: 'prod' });
    } catch (e) {
      expect((e as Error).name).toBe('ConfigError');
      expect(e).toBeInstanceOf(Error);
    }
  });
});

describe('valid overrides', () => {
  it('applies the overrides and keeps every other default', () => {
    const config = loadStageConfig({
      config: { sandbox: { owner: 'ml-team@example.com', dataLake: { athenaQueryScanLimitMiB: 2048 } } },
    });
    expect(config).toStrictEqual({
      ...STAGE_DEFAULTS.sandbox,
      owner: 'ml-team@example.com',
      dataLake: { ...STAGE_DEFAULTS.sandbox.dataLake, athenaQueryScanLimitMiB: 2048 },
    });
  });

  it('lets the sandbox retain data and protect its stacks', () => {
    const config = loadStageConfig({ config: { sandbox: { removal: 'retain', terminationProtection: true } } });
    expect(config.removal).toBe('retain');
    expect(config.terminationProtection).toBe(true);
  });

  it('leaves STAGE_DEFAULTS unchanged', () => {
    const before = JSON.stringify(STAGE_DEFAULTS);
    loadStageConfig({ config: { sandbox: { owner: 'ml-team@example.com', audit: { trailLogRetentionDays: 400 } } } });
    expect(JSON.stringify(STAGE_DEFAULTS)).toBe(before);
    expect(loadStageConfig()).toStrictEqual(STAGE_DEFAULTS.sandbox);
  });
});

describe('CONFIG_RULES and STAGE_DEFAULTS agree', () => {
  it('has exactly account, region, owner, the cleaner concurrency and the alarm e-mail as optional keys', () => {
    const optional = Object.entries(CONFIG_RULES)
      .filter(([, rule]) => rule.optional === true)
      .map(([key]) => key);
    expect(optional.sort()).toStrictEqual([...OPTIONAL_KEYS].sort());
  });

  it.each(STAGE_NAMES)('gives %s a default for every required key', (stage) => {
    const leaves = leavesOf(STAGE_DEFAULTS[stage]);
    for (const [key, rule] of Object.entries(CONFIG_RULES)) {
      if (key !== 'stage' && rule.optional !== true) {
        expect({ key, present: key in leaves }).toStrictEqual({ key, present: true });
      }
    }
  });

  it.each(STAGE_NAMES)('has no %s default without a rule, and every default meets its rule', (stage) => {
    for (const [key, value] of Object.entries(leavesOf(STAGE_DEFAULTS[stage]))) {
      expect({ key, accepted: ruleOf(key).accepts(value) }).toStrictEqual({ key, accepted: true });
    }
  });

  it('loads the sandbox defaults given back as overrides without a problem', () => {
    const config = loadStageConfig({ config: { sandbox: overridableDefaults('sandbox') } });
    expect(config).toStrictEqual(STAGE_DEFAULTS.sandbox);
  });

  it('loads the production defaults given back as overrides, plus account and region, without a problem', () => {
    const config = loadStageConfig({
      stage: 'production',
      config: { production: { ...overridableDefaults('production'), ...PRODUCTION_ENV } },
    });
    expect(config).toStrictEqual({ ...STAGE_DEFAULTS.production, ...PRODUCTION_ENV });
  });
});

describe('untrusted config (property-based)', () => {
  const NUM_RUNS = 200;

  /**
   * Keys of an untrusted section: known names, names of Object.prototype's properties (which a
   * plain-object lookup finds without their being own keys) and arbitrary strings.
   */
  function sectionKeyArb(known: readonly string[]): fc.Arbitrary<string> {
    return fc.oneof(
      fc.constantFrom(...known),
      fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)),
      fc.string(),
    );
  }
  const TOP_LEVEL_NAMES = [...new Set(Object.keys(CONFIG_RULES).map((k) => k.split('.')[0] ?? k))];
  const DATA_LAKE_NAMES = DATA_LAKE_KEYS.map((k) => k.slice('dataLake.'.length));

  /** Loads `context`; any error must be a ConfigError. Returns the config, or the ConfigError. */
  function loadOrConfigError(context: ConfigContext): StageConfig | ConfigError {
    try {
      return loadStageConfig(context);
    } catch (e) {
      if (e instanceof ConfigError) {
        return e;
      }
      throw e;
    }
  }

  /** The property for one key: the value is applied only if its rule accepts it; a rejection names the key. */
  function checkKeyValue(key: string, value: unknown): void {
    const rule = ruleOf(key);
    const result = loadOrConfigError({ config: { sandbox: overrideAt(key, value) } });
    if (result instanceof ConfigError) {
      if (rule.accepts(value)) {
        // Only a cross-key rule may reject a value its own rule accepts; it still names the key.
        expect(result.message).toContain(key);
      } else {
        expect(result.problems.some((p) => p.startsWith(`config.sandbox.${key} is `))).toBe(true);
      }
    } else {
      expect(rule.accepts(valueAt(result, key))).toBe(true);
      expect(valueAt(result, key)).toStrictEqual(value);
    }
  }

  /** A loaded config has only known keys, and each value meets its rule. */
  function expectWellFormed(config: StageConfig): void {
    for (const [key, value] of Object.entries(config as unknown as Record<string, unknown>)) {
      expect(TOP_LEVEL_NAMES).toContain(key);
      if (typeof value === 'object' && value !== null) {
        for (const [inner, leaf] of Object.entries(value as Record<string, unknown>)) {
          expect(ruleOf(`${key}.${inner}`).accepts(leaf)).toBe(true);
        }
      } else {
        expect(ruleOf(key).accepts(value)).toBe(true);
      }
    }
  }

  it('accepts a JSON value for a dataLake key only if its rule does, else names the key', () => {
    fc.assert(fc.property(fc.constantFrom(...DATA_LAKE_KEYS), fc.jsonValue(), checkKeyValue), { numRuns: NUM_RUNS });
  });

  it('accepts a JSON value for any other key only if its rule does, else names the key', () => {
    fc.assert(fc.property(fc.constantFrom(...OTHER_SETTABLE_KEYS), fc.jsonValue(), checkKeyValue), {
      numRuns: NUM_RUNS,
    });
  });

  it('accepts every in-range integer for a dataLake key and applies it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3650 }),
        fc.constantFrom(...DATA_LAKE_KEYS.filter((k) => !k.startsWith('dataLake.raw'))),
        (value, key) => {
          fc.pre(ruleOf(key).accepts(value));
          expect(valueAt(loadStageConfig({ config: { sandbox: overrideAt(key, value) } }), key)).toBe(value);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('loads only well-formed configs from any object of JSON values as the sandbox section', () => {
    fc.assert(
      fc.property(
        fc.dictionary(sectionKeyArb([...TOP_LEVEL_NAMES, ...Object.keys(CONFIG_RULES)]), fc.jsonValue()),
        (section) => {
          const result = loadOrConfigError({ config: JSON.stringify({ sandbox: section }) });
          if (!(result instanceof ConfigError)) {
            expectWellFormed(result);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('either loads or throws a ConfigError for any JSON string as config', () => {
    fc.assert(
      fc.property(fc.constantFrom<StageName>(...STAGE_NAMES), fc.json(), (stage, config) => {
        loadOrConfigError({ stage, config });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('either loads or throws a ConfigError for any value as stage and config', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (stage, config) => {
        loadOrConfigError({ stage, config });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('either loads or throws a ConfigError for any object of JSON values as a stage section', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<StageName>(...STAGE_NAMES),
        fc.dictionary(sectionKeyArb(TOP_LEVEL_NAMES), fc.jsonValue()),
        (stage, section) => {
          loadOrConfigError({ stage, config: { [stage]: section } });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('names every unknown key of the dataLake section, whatever its value', () => {
    fc.assert(
      fc.property(fc.dictionary(sectionKeyArb(DATA_LAKE_NAMES), fc.jsonValue()), (dataLake) => {
        const unknown = Object.keys(dataLake).filter((k) => !DATA_LAKE_NAMES.includes(k));
        fc.pre(unknown.length > 0);
        const problems = problemsOf(() => loadStageConfig({ config: JSON.stringify({ sandbox: { dataLake } }) }));
        for (const key of unknown) {
          expect(problems.some((p) => p.startsWith(`config.sandbox.dataLake.${key}`))).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('either loads or throws a ConfigError for any object of JSON values as the dataLake section', () => {
    fc.assert(
      fc.property(fc.dictionary(sectionKeyArb(DATA_LAKE_NAMES), fc.jsonValue()), (dataLake) => {
        loadOrConfigError({ config: JSON.stringify({ sandbox: { dataLake } }) });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('log retention periods', () => {
  it('are all values of aws-logs RetentionDays, so the stacks pass them to log groups as they are', () => {
    const offered = Object.values(logs.RetentionDays).filter((value) => typeof value === 'number');
    expect(LOG_RETENTION_DAYS.filter((days) => !offered.includes(days))).toEqual([]);
  });

  it('are typed so that the compiler checks each against RetentionDays, and refuses a period it lacks', () => {
    // What a stack does with a retention key: tsc fails here if a configured period is not a RetentionDays.
    const retentionOf = (days: LogRetentionDays): logs.RetentionDays => days;
    // @ts-expect-error 45 days is not a period CloudWatch Logs offers, so it is not a RetentionDays
    const notOffered: logs.RetentionDays = 45;
    expect([retentionOf(STAGE_DEFAULTS.production.training.logRetentionDays), notOffered]).toEqual([365, 45]);
  });
});
