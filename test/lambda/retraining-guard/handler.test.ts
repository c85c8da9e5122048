import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ConcurrentRunsExceededException,
  GetWorkflowRunsCommand,
  GlueClient,
  StartWorkflowRunCommand,
} from '@aws-sdk/client-glue';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';

import type * as HandlerModule from '../../../lambda/retraining-guard/handler';
import type * as EventBridgeModule from '@aws-sdk/client-eventbridge';
import type * as GlueModule from '@aws-sdk/client-glue';
import type * as SfnModule from '@aws-sdk/client-sfn';

const glue = mockClient(GlueClient);
const sfn = mockClient(SFNClient);
const events = mockClient(EventBridgeClient);

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const STATE_MACHINE = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:Pipeline';
const ENV = {
  ENABLED: 'true',
  MINIMUM_PERIOD_HOURS: '24',
  WORKFLOW_NAME: 'churn-etl',
  STATE_MACHINE_ARN: STATE_MACHINE,
};

const DRIFT = {
  source: 'ml-lifecycle.monitoring',
  'detail-type': 'Drift verdict',
  detail: { verdict: 'act', endpointName: 'ml-lifecycle-sandbox-churn', acting: ['day_mins'] },
};
const TRIGGER = 'drift verdict act on ml-lifecycle-sandbox-churn (acting: day_mins)';

const HOUR = 3_600_000;
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR);

/** The one event the handler put, parsed. */
function putDetail(): unknown {
  const entries = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ Source: 'ml-lifecycle.monitoring', DetailType: 'Retraining decision' });
  return JSON.parse(entries[0]?.Detail ?? 'null') as unknown;
}

describe('retraining-guard handler (retraining on, 24 h period)', () => {
  let handler: typeof HandlerModule.handler;
  let log: jest.SpyInstance;

  beforeAll(() => {
    // Loaded in the shared registry with its environment (a static import would be hoisted above it),
    // so that it uses this file's SDK clients, which mockClient patches.
    const saved = process.env;
    process.env = { ...saved, ...ENV };
    try {
      ({ handler } = jest.requireActual<typeof HandlerModule>('../../../lambda/retraining-guard/handler'));
    } finally {
      process.env = saved;
    }
  });

  beforeEach(() => {
    glue.reset();
    sfn.reset();
    events.reset();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    glue.on(GetWorkflowRunsCommand).resolves({ Runs: [] });
    glue.on(StartWorkflowRunCommand).resolves({ RunId: 'wr_new' });
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => log.mockRestore());

  it('starts the ETL workflow when nothing runs and nothing ran within the period, and says so', async () => {
    glue.on(GetWorkflowRunsCommand).resolves({
      Runs: [{ WorkflowRunId: 'wr_old', Status: 'COMPLETED', StartedOn: hoursAgo(30) }],
    });
    const result = await handler(DRIFT);
    expect(result).toMatchObject({ decision: 'started', trigger: TRIGGER, workflowRunId: 'wr_new' });
    expect(result.reason).toMatch(/^no run in progress, and the last \(ETL workflow run wr_old\) started 30\.0 h ago/);
    expect(result.reason).toContain('started ETL workflow run wr_new');
    expect(glue).toHaveReceivedCommandWith(StartWorkflowRunCommand, { Name: 'churn-etl' });
    expect(glue).toHaveReceivedCommandWith(GetWorkflowRunsCommand, { Name: 'churn-etl', IncludeGraph: false });
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, {
      stateMachineArn: STATE_MACHINE,
      statusFilter: 'RUNNING',
      maxResults: 1,
    });
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE, maxResults: 1 });
    expect(putDetail()).toEqual({ decision: 'started', reason: result.reason, trigger: TRIGGER });
    expect(log).toHaveBeenCalledWith({ event: 'retraining-guard.decided', ...result });
  });

  it('reads every page of the workflow’s runs (the API states no order) before deciding', async () => {
    glue
      .on(GetWorkflowRunsCommand)
      .resolvesOnce({
        Runs: [{ WorkflowRunId: 'wr_1', Status: 'COMPLETED', StartedOn: hoursAgo(100) }],
        NextToken: 't',
      })
      .resolvesOnce({ Runs: [{ WorkflowRunId: 'wr_2', Status: 'COMPLETED', StartedOn: hoursAgo(2) }] });
    await expect(handler(DRIFT)).resolves.toMatchObject({ decision: 'skipped-period' });
    expect(glue).toHaveReceivedCommandTimes(GetWorkflowRunsCommand, 2);
    expect(glue.commandCalls(GetWorkflowRunsCommand)[1]?.args[0].input).toMatchObject({ NextToken: 't' });
    expect(glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
  });

  it('skips while the pipeline runs, starting nothing', async () => {
    sfn.on(ListExecutionsCommand, { statusFilter: 'RUNNING' }).resolves({
      executions: [
        {
          name: 'run-7',
          status: 'RUNNING',
          startDate: hoursAgo(50),
          executionArn: 'x',
          stateMachineArn: STATE_MACHINE,
        },
      ],
    });
    const result = await handler(DRIFT);
    expect(result).toEqual({
      decision: 'skipped-in-progress',
      reason: 'training pipeline execution run-7 is RUNNING: a retraining run is in progress',
      trigger: TRIGGER,
    });
    expect(glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
    expect(putDetail()).toEqual(result);
  });

  it('skips within the period after the pipeline’s latest run', async () => {
    sfn.on(ListExecutionsCommand, { statusFilter: undefined }).resolves({
      executions: [
        {
          name: 'run-8',
          status: 'SUCCEEDED',
          startDate: hoursAgo(3),
          executionArn: 'x',
          stateMachineArn: STATE_MACHINE,
        },
      ],
    });
    const result = await handler(DRIFT);
    expect(result.decision).toBe('skipped-period');
    expect(result.reason).toMatch(/^training pipeline execution run-8 started 3\.0 h ago/);
    expect(glue).not.toHaveReceivedCommand(StartWorkflowRunCommand);
  });

  it('reports a start that Glue refused, as another trigger started a run at the same moment, as in progress', async () => {
    glue.on(StartWorkflowRunCommand).rejects(
      new ConcurrentRunsExceededException({
        message: 'Concurrent runs exceeded for workflow: churn-etl',
        $metadata: {},
      }),
    );
    const result = await handler(DRIFT);
    expect(result).toMatchObject({ decision: 'skipped-in-progress', trigger: TRIGGER });
    expect(result).not.toHaveProperty('workflowRunId');
    expect(result.reason).toContain(
      'ConcurrentRunsExceededException: Concurrent runs exceeded for workflow: churn-etl',
    );
    expect(putDetail()).toEqual(result);
  });

  it('lets any other error of the start propagate, and puts no decision', async () => {
    glue.on(StartWorkflowRunCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(handler(DRIFT)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(events).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('fails when EventBridge does not accept the decision, so Lambda retries', async () => {
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] });
    await expect(handler(DRIFT)).rejects.toThrow(
      'EventBridge did not accept the decision event: InternalFailure: oops',
    );
  });

  it('refuses an event it does not act on, before calling anything', async () => {
    await expect(
      handler({ source: 'aws.glue', 'detail-type': 'Glue Job State Change', detail: {} }),
    ).rejects.toMatchObject({
      name: 'TriggerError',
    });
    expect(glue).not.toHaveReceivedAnyCommand();
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(events).not.toHaveReceivedAnyCommand();
  });
});

describe('retraining-guard handler (retraining off)', () => {
  it('reads nothing and starts nothing; it only reports skipped-disabled with its trigger', async () => {
    const saved = process.env;
    process.env = { ...saved, ...ENV, ENABLED: 'false' };
    try {
      let loaded: typeof HandlerModule | undefined;
      let mocks:
        | {
            glue: ReturnType<typeof mockClient>;
            sfn: ReturnType<typeof mockClient>;
            events: ReturnType<typeof mockClient>;
          }
        | undefined;
      let put: typeof EventBridgeModule.PutEventsCommand | undefined;
      jest.isolateModules(() => {
        const g = jest.requireActual<typeof GlueModule>('@aws-sdk/client-glue');
        const s = jest.requireActual<typeof SfnModule>('@aws-sdk/client-sfn');
        const e = jest.requireActual<typeof EventBridgeModule>('@aws-sdk/client-eventbridge');
        mocks = {
          glue: mockClient(g.GlueClient),
          sfn: mockClient(s.SFNClient),
          events: mockClient(e.EventBridgeClient),
        };
        put = e.PutEventsCommand;
        mocks.events.on(e.PutEventsCommand).resolves({ FailedEntryCount: 0 });
        loaded = jest.requireActual<typeof HandlerModule>('../../../lambda/retraining-guard/handler');
      });
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        const alarm = {
          source: 'aws.cloudwatch',
          'detail-type': 'CloudWatch Alarm State Change',
          detail: { alarmName: 'QualityLow', state: { value: 'ALARM' } },
        };
        await expect(loaded?.handler(alarm)).resolves.toEqual({
          decision: 'skipped-disabled',
          reason: "retraining is off in this stage's config (retraining.enabled: false): the monitors only alarm",
          trigger: 'alarm QualityLow in ALARM',
        });
        expect(mocks?.glue).not.toHaveReceivedAnyCommand();
        expect(mocks?.sfn).not.toHaveReceivedAnyCommand();
        expect(mocks?.events.commandCalls(put as typeof EventBridgeModule.PutEventsCommand)).toHaveLength(1);
      } finally {
        log.mockRestore();
        mocks?.glue.restore();
        mocks?.sfn.restore();
        mocks?.events.restore();
      }
    } finally {
      process.env = saved;
    }
  });

  it.each([
    [{ ENABLED: 'yes' }, 'environment variable ENABLED is "yes"; expected one of "true", "false"'],
    [
      { MINIMUM_PERIOD_HOURS: '0' },
      'environment variable MINIMUM_PERIOD_HOURS is "0"; expected a number from 1 to 8760',
    ],
    [{ WORKFLOW_NAME: undefined }, 'environment variable WORKFLOW_NAME is missing'],
    [{ STATE_MACHINE_ARN: '' }, 'environment variable STATE_MACHINE_ARN is empty'],
  ])('fails to load with an EnvironmentError naming the variable (%p)', (change, message) => {
    const saved = process.env;
    process.env = { ...saved, ...ENV, ...change };
    try {
      let error: unknown;
      jest.isolateModules(() => {
        try {
          jest.requireActual('../../../lambda/retraining-guard/handler');
        } catch (e) {
          error = e;
        }
      });
      expect(error).toMatchObject({ name: 'EnvironmentError', message });
    } finally {
      process.env = saved;
    }
  });
});
