/**
 * The retraining guard: invoked by EventBridge when the drift monitor's verdict is `act` or a model
 * quality alarm goes to ALARM, it decides whether to start a retraining run and says so as a
 * `Retraining decision` event, which the dashboard lists. A run is the ETL workflow (curate, then
 * features); the features job's success starts the training pipeline by its own rule. Thin by
 * design: the decision is `decide.ts` and the trigger's words `trigger.ts`, pure and tested without
 * mocks. The calls, with the API reference each follows:
 * - GetWorkflowRuns, every page (Glue keeps a workflow's runs for 90 days, and the API states no
 *   order): https://docs.aws.amazon.com/glue/latest/webapi/API_GetWorkflowRuns.html
 * - ListExecutions, the running ones and the latest (it lists the most recent first):
 *   https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html
 * - StartWorkflowRun, which answers ConcurrentRunsExceededException when the workflow's one allowed
 *   run is already going (two triggers at once): https://docs.aws.amazon.com/glue/latest/webapi/API_StartWorkflowRun.html
 * - PutEvents on the default bus: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 *
 * Its settings come from the environment, checked when the module loads: `ENABLED` (`true` or
 * `false`), `MINIMUM_PERIOD_HOURS` (1 to 8,760), `WORKFLOW_NAME`, `STATE_MACHINE_ARN`. When
 * retraining is off it reads and starts nothing, and only reports `skipped-disabled`.
 *
 * Errors other than the refused concurrent run are not caught: Lambda retries the asynchronous
 * invocation twice, and the next window's verdict or the alarm asks again.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GlueClient, StartWorkflowRunCommand, paginateGetWorkflowRuns } from '@aws-sdk/client-glue';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  MONITORING_DETAIL_TYPES,
  MONITORING_EVENT_SOURCE,
  type RetrainingDecisionDetail,
} from '../../lib/contracts/monitoring-events';
import { numberFromEnv, oneOfFromEnv, stringFromEnv } from '../shared/env';
import {
  type GuardDecision,
  type GuardSettings,
  type RunSummary,
  concurrentRunRefused,
  decide,
  disabled,
  startedReason,
} from './decide';
import { describeTrigger } from './trigger';

/** What the invocation answers (for the log and the tests): the event's detail, and the run it started. */
export interface GuardResult extends RetrainingDecisionDetail {
  /** The ETL workflow run started, when the decision is `started`. */
  readonly workflowRunId?: string;
}

const settings: GuardSettings = {
  enabled: oneOfFromEnv(process.env, 'ENABLED', ['true', 'false']) === 'true',
  minimumPeriodHours: numberFromEnv(process.env, 'MINIMUM_PERIOD_HOURS', 1, 8760),
};
const workflowName = stringFromEnv(process.env, 'WORKFLOW_NAME');
const stateMachineArn = stringFromEnv(process.env, 'STATE_MACHINE_ARN');

const glue = new GlueClient({});
const sfn = new SFNClient({});
const events = new EventBridgeClient({});

/** Every run of the workflow that Glue still knows. */
async function workflowRuns(): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for await (const page of paginateGetWorkflowRuns({ client: glue }, { Name: workflowName, IncludeGraph: false })) {
    for (const run of page.Runs ?? []) {
      runs.push({ id: run.WorkflowRunId ?? '(no id)', status: run.Status ?? 'UNKNOWN', startedAt: run.StartedOn });
    }
  }
  return runs;
}

/** The pipeline's running executions and its latest one. */
async function executions(): Promise<RunSummary[]> {
  const [running, latest] = await Promise.all([
    sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 })),
    sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 })),
  ]);
  return [...(running.executions ?? []), ...(latest.executions ?? [])].map((e) => ({
    id: e.name ?? '(no name)',
    status: e.status ?? 'UNKNOWN',
    startedAt: e.startDate,
  }));
}

/** Starts the workflow: the run's id, or the decision that another run got there first. */
async function start(decision: GuardDecision): Promise<{ detail: GuardDecision; workflowRunId?: string }> {
  try {
    const output = await glue.send(new StartWorkflowRunCommand({ Name: workflowName }));
    const workflowRunId = output.RunId ?? '(no id)';
    return { detail: { decision: 'start', reason: startedReason(decision, workflowRunId) }, workflowRunId };
  } catch (e) {
    if (e instanceof Error && e.name === 'ConcurrentRunsExceededException') {
      return { detail: concurrentRunRefused(e.message) };
    }
    throw e;
  }
}

/** Puts the decision on the default bus. */
async function announce(detail: RetrainingDecisionDetail): Promise<void> {
  const output = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: MONITORING_EVENT_SOURCE,
          DetailType: MONITORING_DETAIL_TYPES.retrainingDecision,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  if ((output.FailedEntryCount ?? 0) > 0) {
    const entry = output.Entries?.[0];
    throw new Error(
      `EventBridge did not accept the decision event: ${entry?.ErrorCode ?? 'no error code'}: ${entry?.ErrorMessage ?? ''}`,
    );
  }
}

/** The Lambda entry point. Logs one line: the decision, its reason and its trigger. */
export const handler = async (event: unknown): Promise<GuardResult> => {
  const trigger = describeTrigger(event);
  let outcome: { detail: GuardDecision; workflowRunId?: string };
  if (!settings.enabled) {
    outcome = { detail: disabled() };
  } else {
    const [runs, execs] = await Promise.all([workflowRuns(), executions()]);
    const decision = decide(settings, { workflowRuns: runs, executions: execs }, new Date());
    outcome = decision.decision === 'start' ? await start(decision) : { detail: decision };
  }
  const detail: RetrainingDecisionDetail = {
    decision: outcome.detail.decision === 'start' ? 'started' : outcome.detail.decision,
    reason: outcome.detail.reason,
    trigger,
  };
  await announce(detail);
  const result: GuardResult =
    outcome.workflowRunId === undefined ? detail : { ...detail, workflowRunId: outcome.workflowRunId };
  console.log({ event: 'retraining-guard.decided', ...result });
  return result;
};
