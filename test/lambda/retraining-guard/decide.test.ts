import * as fc from 'fast-check';
import {
  type GuardSettings,
  type RunHistory,
  concurrentRunRefused,
  decide,
  disabled,
  startedReason,
} from '../../../lambda/retraining-guard/decide';

const NOW = new Date('2026-11-26T12:00:00Z');
const ON: GuardSettings = { enabled: true, minimumPeriodHours: 24 };
const OFF: GuardSettings = { enabled: false, minimumPeriodHours: 24 };

/** A time `hours` before NOW. */
const ago = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

const NOTHING: RunHistory = { workflowRuns: [], executions: [] };

/** A history with a finished workflow run and a finished pipeline execution, started `hours` ago. */
function finished(workflowHours: number, pipelineHours: number): RunHistory {
  return {
    workflowRuns: [{ id: 'wr-1', status: 'COMPLETED', startedAt: ago(workflowHours) }],
    executions: [{ id: 'exec-1', status: 'SUCCEEDED', startedAt: ago(pipelineHours) }],
  };
}

describe('decide', () => {
  it('skips when retraining is off, whatever the history, and says where to turn it on', () => {
    const running: RunHistory = { workflowRuns: [{ id: 'wr-1', status: 'RUNNING' }], executions: [] };
    for (const history of [NOTHING, running, finished(1, 1)]) {
      expect(decide(OFF, history, NOW)).toEqual(disabled());
    }
    expect(disabled()).toEqual({
      decision: 'skipped-disabled',
      reason: "retraining is off in this stage's config (retraining.enabled: false): the monitors only alarm",
    });
  });

  it.each([
    ['workflow', 'RUNNING', 'ETL workflow run wr-2 is RUNNING'],
    ['workflow', 'STOPPING', 'ETL workflow run wr-2 is STOPPING'],
    ['pipeline', 'RUNNING', 'training pipeline execution exec-2 is RUNNING'],
    ['pipeline', 'PENDING_REDRIVE', 'training pipeline execution exec-2 is PENDING_REDRIVE'],
  ])('skips while a %s run is %s, even one that started long ago', (kind, status, named) => {
    const history: RunHistory = {
      workflowRuns: [
        { id: 'wr-1', status: 'COMPLETED', startedAt: ago(500) },
        ...(kind === 'workflow' ? [{ id: 'wr-2', status, startedAt: ago(300) }] : []),
      ],
      executions: kind === 'pipeline' ? [{ id: 'exec-2', status, startedAt: ago(300) }] : [],
    };
    expect(decide(ON, history, NOW)).toEqual({
      decision: 'skipped-in-progress',
      reason: `${named}: a retraining run is in progress`,
    });
  });

  it('does not count ended runs as in progress', () => {
    for (const status of ['COMPLETED', 'STOPPED', 'ERROR']) {
      const history = { workflowRuns: [{ id: 'wr', status, startedAt: ago(48) }], executions: [] };
      expect(decide(ON, history, NOW).decision).toBe('start');
    }
    for (const status of ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']) {
      const history = { workflowRuns: [], executions: [{ id: 'e', status, startedAt: ago(48) }] };
      expect(decide(ON, history, NOW).decision).toBe('start');
    }
  });

  it('skips when the latest run of either started within the minimum period, naming it and when the next may start', () => {
    expect(decide(ON, finished(30, 5.25), NOW)).toEqual({
      decision: 'skipped-period',
      reason:
        'training pipeline execution exec-1 started 5.3 h ago, at 2026-11-26T06:45:00.000Z, less than the ' +
        'minimum period of 24 h: the next may start from 2026-11-27T06:45:00.000Z',
    });
    expect(decide(ON, finished(2, 30), NOW).reason).toMatch(/^ETL workflow run wr-1 started 2\.0 h ago/);
  });

  it('starts when nothing runs and the latest run started at least the minimum period ago', () => {
    expect(decide(ON, finished(30, 24), NOW)).toEqual({
      decision: 'start',
      reason:
        'no run in progress, and the last (training pipeline execution exec-1) started 24.0 h ago, at least ' +
        'the minimum period of 24 h',
    });
  });

  it('starts when there was never a run', () => {
    expect(decide(ON, NOTHING, NOW)).toEqual({
      decision: 'start',
      reason: 'no run in progress and none before (minimum period 24 h)',
    });
  });

  it('starts exactly at the end of the period, and skips a millisecond before it', () => {
    const at = (ms: number): RunHistory => ({
      workflowRuns: [{ id: 'wr', status: 'COMPLETED', startedAt: new Date(NOW.getTime() - ms) }],
      executions: [],
    });
    expect(decide(ON, at(24 * 3_600_000), NOW).decision).toBe('start');
    expect(decide(ON, at(24 * 3_600_000 - 1), NOW).decision).toBe('skipped-period');
  });

  it('treats a run that started after the clock (clock skew) as within the period', () => {
    const history = { workflowRuns: [{ id: 'wr', status: 'COMPLETED', startedAt: ago(-0.1) }], executions: [] };
    expect(decide(ON, history, NOW)).toMatchObject({ decision: 'skipped-period' });
    expect(decide(ON, history, NOW).reason).toContain('started 0.0 h ago');
  });

  it('refuses settings outside their range, as a programming error', () => {
    expect(() => decide({ enabled: true, minimumPeriodHours: 0 }, NOTHING, NOW)).toThrow(
      'minimumPeriodHours is 0; expected a number from 1 to 8760',
    );
    expect(() => decide({ enabled: false, minimumPeriodHours: NaN }, NOTHING, NOW)).toThrow(RangeError);
  });

  it('starts if and only if enabled, nothing runs and the latest start is at least the period ago (any history)', () => {
    const run = (statuses: readonly string[]) =>
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 8 }),
        status: fc.constantFrom(...statuses),
        startedAt: fc.option(
          fc.integer({ min: -2, max: 400 }).map((h) => ago(h)),
          { nil: undefined },
        ),
      });
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 200 }),
        fc.array(run(['RUNNING', 'COMPLETED', 'STOPPING', 'STOPPED', 'ERROR']), { maxLength: 4 }),
        fc.array(run(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']), { maxLength: 3 }),
        (enabled, minimumPeriodHours, workflowRuns, executions) => {
          const { decision, reason } = decide({ enabled, minimumPeriodHours }, { workflowRuns, executions }, NOW);
          const running =
            workflowRuns.some((r) => ['RUNNING', 'STOPPING'].includes(r.status)) ||
            executions.some((r) => ['RUNNING', 'PENDING_REDRIVE'].includes(r.status));
          const starts = [...workflowRuns, ...executions].flatMap((r) =>
            r.startedAt === undefined ? [] : [r.startedAt],
          );
          const recent = starts.some((s) => NOW.getTime() - s.getTime() < minimumPeriodHours * 3_600_000);
          const expected = !enabled
            ? 'skipped-disabled'
            : running
              ? 'skipped-in-progress'
              : recent
                ? 'skipped-period'
                : 'start';
          expect(decision).toBe(expected);
          expect(reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the reasons after starting', () => {
  it('names the started run after the decision’s reason', () => {
    expect(startedReason(decide(ON, NOTHING, NOW), 'wr_abc')).toBe(
      'no run in progress and none before (minimum period 24 h); started ETL workflow run wr_abc ' +
        '(curate, then features, then the training pipeline)',
    );
  });

  it('reports a start refused by Glue, because another trigger got there first, as in progress', () => {
    expect(concurrentRunRefused('Concurrent runs exceeded for workflow: churn')).toEqual({
      decision: 'skipped-in-progress',
      reason:
        'Glue refused to start the ETL workflow, as a run of it is already in progress ' +
        '(ConcurrentRunsExceededException: Concurrent runs exceeded for workflow: churn): another trigger ' +
        'started one at the same moment',
    });
  });
});
