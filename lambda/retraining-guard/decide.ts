/**
 * The pure logic of the retraining guard: given the stage's settings, the history of the two runs a
 * retraining is made of (the ETL workflow, curate then features; then the training pipeline, which
 * the features job's success starts) and the time, decide whether to start a retraining run, and
 * say why in words with the numbers. No I/O; the handler reads the history and starts the run.
 *
 * The rules, in order:
 * 1. retraining is off in this stage's config → `skipped-disabled` (the monitors only alarm);
 * 2. a run is in progress: a workflow run `RUNNING` or `STOPPING` (its jobs still run), or a
 *    pipeline execution `RUNNING` or `PENDING_REDRIVE` (about to run again) → `skipped-in-progress`;
 * 3. a run of either started less than `minimumPeriodHours` ago (a scheduled ETL run, a pipeline
 *    started by hand and an earlier retraining all count: each trains a new model) →
 *    `skipped-period`;
 * 4. otherwise → start the ETL workflow (the handler then reports `started`, or
 *    `skipped-in-progress` when Glue refuses a second concurrent run: see
 *    {@link concurrentRunRefused}).
 */
import type { RetrainingDecision } from '../../lib/contracts/monitoring-events';

/** One run of the workflow or one execution of the pipeline, as the APIs describe it. */
export interface RunSummary {
  /** The workflow run's id or the execution's name. */
  readonly id: string;
  /** GetWorkflowRuns' `Status`, or ListExecutions' `status`. */
  readonly status: string;
  /** When it started; a run that has not told yet counts as in progress by its status alone. */
  readonly startedAt?: Date;
}

/** What the guard knows about past runs. */
export interface RunHistory {
  /** The ETL workflow's runs (GetWorkflowRuns), in any order. */
  readonly workflowRuns: readonly RunSummary[];
  /** The training pipeline's executions (ListExecutions): the running ones and the latest, in any order. */
  readonly executions: readonly RunSummary[];
}

/** The stage's retraining settings (config section `retraining`). */
export interface GuardSettings {
  /** Whether an acting verdict or a quality alarm may start a retraining run. */
  readonly enabled: boolean;
  /** Hours after a run starts before another may start (1 to 8,760). */
  readonly minimumPeriodHours: number;
}

/** What the guard decided before starting anything: start, or one of the skips, with the reason. */
export interface GuardDecision {
  /** `start`: the handler starts the workflow and reports `started`. */
  readonly decision:
    Extract<RetrainingDecision, 'skipped-disabled' | 'skipped-in-progress' | 'skipped-period'> | 'start';
  /** Why, in words, with the numbers. */
  readonly reason: string;
}

/** Workflow run statuses that mean its jobs may still run (GetWorkflowRuns: RUNNING | COMPLETED | STOPPING | STOPPED | ERROR). */
export const WORKFLOW_IN_PROGRESS = ['RUNNING', 'STOPPING'] as const;

/** Execution statuses that mean it runs or is about to (ListExecutions: RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE). */
export const EXECUTION_IN_PROGRESS = ['RUNNING', 'PENDING_REDRIVE'] as const;

const HOUR_MS = 3_600_000;

/** Hours as the reason shows them: one decimal (`5.2 h`). */
function hours(ms: number): string {
  return `${(ms / HOUR_MS).toFixed(1)} h`;
}

/** A run as the reason names it. */
function named(kind: 'workflow' | 'pipeline', run: RunSummary): string {
  return kind === 'workflow' ? `ETL workflow run ${run.id}` : `training pipeline execution ${run.id}`;
}

/** Checks the settings: a programming error when they are out of range (the config validates them). */
function checkSettings(settings: GuardSettings): void {
  const { minimumPeriodHours: h } = settings;
  if (!Number.isFinite(h) || h < 1 || h > 8760) {
    throw new RangeError(`minimumPeriodHours is ${String(h)}; expected a number from 1 to 8760`);
  }
}

/**
 * The decision, before anything is started.
 * @param now the time of the decision (the handler passes the clock's)
 * @throws RangeError when the settings are out of their range, as a programming error
 */
export function decide(settings: GuardSettings, history: RunHistory, now: Date): GuardDecision {
  checkSettings(settings);
  if (!settings.enabled) {
    return disabled();
  }
  const runs = [
    ...history.workflowRuns.map((run) => ({ kind: 'workflow' as const, run })),
    ...history.executions.map((run) => ({ kind: 'pipeline' as const, run })),
  ];
  const running = runs.find(({ kind, run }) =>
    (kind === 'workflow' ? (WORKFLOW_IN_PROGRESS as readonly string[]) : EXECUTION_IN_PROGRESS).includes(run.status),
  );
  if (running !== undefined) {
    return {
      decision: 'skipped-in-progress',
      reason: `${named(running.kind, running.run)} is ${running.run.status}: a retraining run is in progress`,
    };
  }
  const started = runs
    .filter(({ run }) => run.startedAt !== undefined)
    .sort((a, b) => (b.run.startedAt?.getTime() ?? 0) - (a.run.startedAt?.getTime() ?? 0));
  const latest = started[0];
  const period = settings.minimumPeriodHours * HOUR_MS;
  const minimum = `${settings.minimumPeriodHours} h`;
  if (latest?.run.startedAt === undefined) {
    return { decision: 'start', reason: `no run in progress and none before (minimum period ${minimum})` };
  }
  const startedAt = latest.run.startedAt;
  const since = now.getTime() - startedAt.getTime();
  if (since < period) {
    const next = new Date(startedAt.getTime() + period).toISOString();
    return {
      decision: 'skipped-period',
      reason:
        `${named(latest.kind, latest.run)} started ${hours(Math.max(since, 0))} ago, at ${startedAt.toISOString()}, ` +
        `less than the minimum period of ${minimum}: the next may start from ${next}`,
    };
  }
  return {
    decision: 'start',
    reason:
      `no run in progress, and the last (${named(latest.kind, latest.run)}) started ${hours(since)} ago, ` +
      `at least the minimum period of ${minimum}`,
  };
}

/** The decision when retraining is off: nothing is read, nothing started. */
export function disabled(): GuardDecision {
  return {
    decision: 'skipped-disabled',
    reason: "retraining is off in this stage's config (retraining.enabled: false): the monitors only alarm",
  };
}

/** The reason of a run that was started: the decision's reason and the new run's id. */
export function startedReason(decision: GuardDecision, workflowRunId: string): string {
  return `${decision.reason}; started ETL workflow run ${workflowRunId} (curate, then features, then the training pipeline)`;
}

/**
 * The reason when Glue refused to start the workflow because a run is already going: two triggers
 * at the same moment both found nothing running, and the other one's run started first. The
 * workflow allows one run at a time (MaxConcurrentRuns 1), which is what makes this race safe.
 */
export function concurrentRunRefused(message: string): GuardDecision {
  return {
    decision: 'skipped-in-progress',
    reason: `Glue refused to start the ETL workflow, as a run of it is already in progress (ConcurrentRunsExceededException: ${message}): another trigger started one at the same moment`,
  };
}
