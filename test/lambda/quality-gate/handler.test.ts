import { ConflictException, SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { GateEvent } from '../../../lambda/quality-gate/gate';
import { BUSINESS, CAMPAIGN } from './fixtures';

import type * as HandlerModule from '../../../lambda/quality-gate/handler';
import type * as EnvModule from '../../../lambda/shared/env';
import type * as SdkModule from '@aws-sdk/client-sagemaker';

const sagemaker = mockClient(SageMakerClient);

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/7';

const CHAMPION_ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn-model-group/6';
const RUN_ID = '20261126-152458-ab12';

const GOOD: GateEvent = {
  runId: RUN_ID,
  modelPackageArn: ARN,
  auc: 0.873,
  costAtOptimalCutoff: 9100,
  costOfDoingNothing: 12400,
  business: BUSINESS,
  champion: null,
};
const WEAK: GateEvent = { ...GOOD, auc: 0.712, costAtOptimalCutoff: 12400 };
/** GOOD, but the model in service scores nearly as well: it does not beat it by the margin. */
const CLOSE: GateEvent = { ...GOOD, champion: { modelPackageArn: CHAMPION_ARN, auc: 0.868 } };

/** GOOD, but its campaign spends more than the budget and is worth less than doing nothing. */
const COSTLY: GateEvent = { ...GOOD, business: { ...BUSINESS, spend: 812345.6, netValue: -20000 } };

const PASSED =
  'passed: test AUC 0.873 meets the minimum 0.750 and expected cost 9,100 is below the cost of doing nothing, ' +
  `12,400; no model is in service to compare with; ${CAMPAIGN}`;
const LOST =
  'test AUC gain 0.005 over the model in service (version 6, test AUC 0.868 on the same test split) is below the ' +
  `margin 0.010; ${CAMPAIGN}`;
/** COSTLY's campaign, in the reason. */
const OVER = 'the campaign at cutoff 0.165 spends 812,346 of the 750,000 budget, worth 20,000 less than doing nothing';
const OVER_CHURN =
  'projected churn 5.2% (from 14.5%) against the 4.0% target (not met; this model needs 1,095,617 to reach it)';
/** The metadata recorded when no model was in service. */
const NO_CHAMPION = { championModelPackageArn: 'none', championTestAuc: 'none', championMargin: '0.01' };
/** The policy's environment. */
const ENV = { MIN_AUC: '0.75', APPROVAL: 'automatic', CHAMPION_MARGIN: '0.01', GATE_ON_CAMPAIGN: 'true' };
const FAILED =
  'test AUC 0.712 is below the minimum 0.750; expected cost 12,400 is not below the cost of doing nothing, ' +
  `12,400; ${CAMPAIGN}`;

type Sdk = typeof SdkModule;

/** A mock of an SDK copy's SageMakerClient. */
function mockOf(sdk: Sdk) {
  return mockClient(sdk.SageMakerClient);
}

/** What loading the handler module in a registry of its own gave. */
interface Isolated {
  /** The module, when it loaded. */
  readonly loaded?: typeof HandlerModule;
  /** What loading it threw, when it did not. */
  readonly error?: unknown;
  /** The registry's own EnvironmentError class, the one the module throws. */
  readonly EnvironmentError: typeof EnvModule.EnvironmentError;
  /** The registry's own SDK, whose classes the module uses. */
  readonly sdk: Sdk;
  /** A mock of the registry's own SageMakerClient; restore it when done. */
  readonly mock: ReturnType<typeof mockOf>;
}

/**
 * Loads the handler module with `env` as its environment, in a module registry of its own, so it
 * reads its policy afresh. The module uses that registry's SDK, not the one mocked above: mock and
 * build commands with `sdk` and `mock` of the result.
 */
function loadIsolated(env: Record<string, string | undefined>): Isolated {
  const saved = process.env;
  process.env = { ...saved, ...env };
  let result: Isolated | undefined;
  try {
    jest.isolateModules(() => {
      const { EnvironmentError } = jest.requireActual<typeof EnvModule>('../../../lambda/shared/env');
      const sdk = jest.requireActual<Sdk>('@aws-sdk/client-sagemaker');
      const own = { EnvironmentError, sdk, mock: mockOf(sdk) };
      try {
        result = { loaded: jest.requireActual<typeof HandlerModule>('../../../lambda/quality-gate/handler'), ...own };
      } catch (error) {
        result = { error, ...own };
      }
    });
  } finally {
    process.env = saved;
  }
  if (result === undefined) {
    throw new Error('the isolated registry did not run');
  }
  return result;
}

describe('quality-gate handler', () => {
  let log: jest.SpyInstance<void, Parameters<typeof console.log>>;

  beforeEach(() => {
    sagemaker.reset();
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    log.mockRestore();
  });

  describe('with MIN_AUC=0.75, APPROVAL=automatic, CHAMPION_MARGIN=0.01 and GATE_ON_CAMPAIGN=true', () => {
    let handler: typeof HandlerModule.handler;

    beforeAll(() => {
      // Loaded in the shared registry (a static import would be hoisted above the environment), so
      // that it uses this file's @aws-sdk/client-sagemaker, which mockClient patches.
      const saved = process.env;
      process.env = { ...saved, ...ENV };
      try {
        ({ handler } = jest.requireActual<typeof HandlerModule>('../../../lambda/quality-gate/handler'));
      } finally {
        process.env = saved;
      }
    });

    it('approves a package that passes: sends exactly one UpdateModelPackage with the status and reason', async () => {
      sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
      await handler(GOOD);
      const expected = {
        ModelPackageArn: ARN,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: `${PASSED}; approved automatically, as this stage approves what passes`,
        CustomerMetadataProperties: { qualityGate: 'passed', ...NO_CHAMPION },
      };
      expect(sagemaker).toHaveReceivedCommandTimes(UpdateModelPackageCommand, 1);
      expect(sagemaker).toHaveReceivedCommandWith(UpdateModelPackageCommand, expected);
      expect(sagemaker.commandCalls(UpdateModelPackageCommand)[0]?.args[0].input).toEqual(expected);
    });

    it('returns the package, the decision, both scores and the decision event', async () => {
      sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
      const reason = `${PASSED}; approved automatically, as this stage approves what passes`;
      await expect(handler(GOOD)).resolves.toEqual({
        modelPackageArn: ARN,
        passed: true,
        status: 'Approved',
        reason,
        challengerAuc: 0.873,
        champion: null,
        championMargin: 0.01,
        event: { decision: 'challenger-promoted', reason, trigger: `training pipeline run ${RUN_ID}` },
      });
    });

    it('rejects a challenger that does not beat the model in service by the margin, recording its score', async () => {
      sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
      await expect(handler(CLOSE)).resolves.toEqual({
        modelPackageArn: ARN,
        passed: false,
        status: 'Rejected',
        reason: LOST,
        challengerAuc: 0.873,
        champion: { modelPackageArn: CHAMPION_ARN, auc: 0.868 },
        championMargin: 0.01,
        event: { decision: 'challenger-rejected', reason: LOST, trigger: `training pipeline run ${RUN_ID}` },
      });
      expect(sagemaker).toHaveReceivedCommandWith(UpdateModelPackageCommand, {
        ModelPackageArn: ARN,
        ModelApprovalStatus: 'Rejected',
        ApprovalDescription: LOST,
        CustomerMetadataProperties: {
          qualityGate: 'failed',
          championModelPackageArn: CHAMPION_ARN,
          championTestAuc: '0.868',
          championMargin: '0.01',
        },
      });
    });

    it('rejects a package that fails, naming both failed checks', async () => {
      sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
      await expect(handler(WEAK)).resolves.toMatchObject({
        modelPackageArn: ARN,
        passed: false,
        status: 'Rejected',
        reason: FAILED,
        event: { decision: 'challenger-rejected', reason: FAILED },
      });
      expect(sagemaker.commandCalls(UpdateModelPackageCommand)[0]?.args[0].input).toEqual({
        ModelPackageArn: ARN,
        ModelApprovalStatus: 'Rejected',
        ApprovalDescription: FAILED,
        CustomerMetadataProperties: { qualityGate: 'failed', ...NO_CHAMPION },
      });
    });

    it('rejects a package whose campaign is over budget and no better than doing nothing', async () => {
      sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
      const reason =
        'the campaign is over budget and no better than doing nothing: at cutoff 0.165, it spends 812,346 of the ' +
        `750,000 budget, worth 20,000 less than doing nothing; ${OVER_CHURN}`;
      await expect(handler(COSTLY)).resolves.toMatchObject({ passed: false, status: 'Rejected', reason });
      expect(sagemaker).toHaveReceivedCommandWith(UpdateModelPackageCommand, {
        ModelApprovalStatus: 'Rejected',
        ApprovalDescription: reason,
      });
    });

    it('logs one structured line: the decision, its numbers, the campaign and the policy', async () => {
      sagemaker.on(UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
      await handler(WEAK);
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0]).toEqual([
        {
          event: 'quality-gate.decided',
          modelPackageArn: ARN,
          passed: false,
          status: 'Rejected',
          reason: FAILED,
          auc: 0.712,
          championAuc: null,
          costAtOptimalCutoff: 12400,
          costOfDoingNothing: 12400,
          business: BUSINESS,
          minAuc: 0.75,
          approval: 'automatic',
          championMargin: 0.01,
          onCampaign: true,
        },
      ]);
    });

    it('lets an SDK error propagate with its name, and logs nothing', async () => {
      sagemaker
        .on(UpdateModelPackageCommand)
        .rejects(new ConflictException({ message: 'the package is being updated', $metadata: {} }));
      await expect(handler(GOOD)).rejects.toMatchObject({
        name: 'ConflictException',
        message: 'the package is being updated',
      });
      expect(log).not.toHaveBeenCalled();
    });

    it('throws a GateInputError on a malformed input, before calling SageMaker', async () => {
      await expect(handler({ ...GOOD, costOfDoingNothing: -5 })).rejects.toMatchObject({
        name: 'GateInputError',
        message: 'costOfDoingNothing is -5; expected a finite number >= 0',
      });
      expect(sagemaker).not.toHaveReceivedAnyCommand();
    });
  });

  describe('with APPROVAL=manual', () => {
    it('leaves a package that passes pending, sending no status, only the reason', async () => {
      const { loaded, sdk, mock } = loadIsolated({ ...ENV, APPROVAL: 'manual' });
      try {
        mock.on(sdk.UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
        const reason = `${PASSED}; waits for a person to approve or reject it`;
        await expect(loaded?.handler(GOOD)).resolves.toMatchObject({
          modelPackageArn: ARN,
          passed: true,
          status: 'PendingManualApproval',
          reason,
          event: { decision: 'challenger-promoted', reason },
        });
        expect(mock).toHaveReceivedCommandTimes(sdk.UpdateModelPackageCommand, 1);
        expect(mock.commandCalls(sdk.UpdateModelPackageCommand)[0]?.args[0].input).toEqual({
          ModelPackageArn: ARN,
          ApprovalDescription: reason,
          CustomerMetadataProperties: { qualityGate: 'passed', ...NO_CHAMPION },
        });
      } finally {
        mock.restore();
      }
    });

    it('rejects a package that fails, as in automatic mode', async () => {
      const { loaded, sdk, mock } = loadIsolated({ ...ENV, APPROVAL: 'manual' });
      try {
        mock.on(sdk.UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
        await expect(loaded?.handler(WEAK)).resolves.toMatchObject({ passed: false, status: 'Rejected' });
        expect(mock).toHaveReceivedCommandWith(sdk.UpdateModelPackageCommand, { ModelApprovalStatus: 'Rejected' });
      } finally {
        mock.restore();
      }
    });
  });

  describe('with GATE_ON_CAMPAIGN=false', () => {
    it('approves a package whose campaign would fail, stating its figures and that they are not checked', async () => {
      const { loaded, sdk, mock } = loadIsolated({ ...ENV, GATE_ON_CAMPAIGN: 'false' });
      try {
        mock.on(sdk.UpdateModelPackageCommand).resolves({ ModelPackageArn: ARN });
        const reason =
          'passed: test AUC 0.873 meets the minimum 0.750 and expected cost 9,100 is below the cost of doing ' +
          `nothing, 12,400; no model is in service to compare with; ${OVER} (not a check in this stage); ` +
          `${OVER_CHURN}; approved automatically, as this stage approves what passes`;
        await expect(loaded?.handler(COSTLY)).resolves.toMatchObject({ passed: true, status: 'Approved', reason });
        expect(mock).toHaveReceivedCommandWith(sdk.UpdateModelPackageCommand, {
          ModelApprovalStatus: 'Approved',
          ApprovalDescription: reason,
        });
        expect(log.mock.calls[0]?.[0]).toMatchObject({ onCampaign: false, business: COSTLY.business });
      } finally {
        mock.restore();
      }
    });
  });

  describe('with a bad environment', () => {
    it.each<[string, Record<string, string | undefined>, string]>([
      ['MIN_AUC is missing', { MIN_AUC: undefined }, 'MIN_AUC is missing'],
      ['MIN_AUC is above 1', { MIN_AUC: '1.5' }, 'MIN_AUC is "1.5"; expected a number from 0 to 1'],
      ['MIN_AUC is not a number', { MIN_AUC: 'high' }, 'MIN_AUC is "high"; expected a number from 0 to 1'],
      ['APPROVAL is empty', { APPROVAL: '' }, 'APPROVAL is empty'],
      ['CHAMPION_MARGIN is missing', { CHAMPION_MARGIN: undefined }, 'CHAMPION_MARGIN is missing'],
      [
        'CHAMPION_MARGIN is above 0.5',
        { CHAMPION_MARGIN: '0.6' },
        'CHAMPION_MARGIN is "0.6"; expected a number from 0 to 0.5',
      ],
      [
        'APPROVAL is not a mode',
        { APPROVAL: 'Automatic' },
        'APPROVAL is "Automatic"; expected one of "automatic", "manual"',
      ],
      ['GATE_ON_CAMPAIGN is missing', { GATE_ON_CAMPAIGN: undefined }, 'GATE_ON_CAMPAIGN is missing'],
      [
        'GATE_ON_CAMPAIGN is not true or false',
        { GATE_ON_CAMPAIGN: 'yes' },
        'GATE_ON_CAMPAIGN is "yes"; expected one of "true", "false"',
      ],
      [
        'GATE_ON_CAMPAIGN is capitalised',
        { GATE_ON_CAMPAIGN: 'True' },
        'GATE_ON_CAMPAIGN is "True"; expected one of "true", "false"',
      ],
    ])('fails to load with an EnvironmentError naming the variable when %s', (_, change, message) => {
      const isolated = loadIsolated({ ...ENV, ...change });
      isolated.mock.restore();
      expect(isolated.loaded).toBeUndefined();
      expect(isolated.error).toBeInstanceOf(isolated.EnvironmentError);
      expect(isolated.error).toMatchObject({
        name: 'EnvironmentError',
        message: expect.stringContaining(`environment variable ${message}`) as string,
      });
    });

    it('loads with a good one (the checks above are not failing for another reason)', () => {
      const isolated = loadIsolated({
        MIN_AUC: '0',
        APPROVAL: 'manual',
        CHAMPION_MARGIN: '0',
        GATE_ON_CAMPAIGN: 'false',
      });
      isolated.mock.restore();
      expect(isolated.error).toBeUndefined();
      expect(typeof isolated.loaded?.handler).toBe('function');
    });
  });
});
