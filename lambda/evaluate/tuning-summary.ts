/**
 * The tuning report's summary (`tuning-report.ts`) of a SageMaker tuning job, from what the job and
 * its training jobs record: the tuning job's description (its objective, ranges and static
 * hyper-parameters, and its best training job), each training job's tuned values and final
 * objective, and the best training job's log, whose lines give the metric on both channels round
 * by round. Pure: the handler makes the calls and passes their answers in.
 *
 * The log lines are XGBoost's evaluation monitor's, which the built-in algorithm's container
 * (github.com/aws/sagemaker-xgboost-container, branch 1.7-1, `callback.py`: `get_callbacks` adds
 * `xgb.callback.EvaluationMonitor()`) prints once a round: `[12]\ttrain-auc:0.91234\tvalidation-auc:0.87654`.
 * In CloudWatch Logs the tabs read `#011`, as the container's own metric definitions expect
 * (`algorithm_mode/metrics.py`: `.*\[[0-9]+\].*#011validation-auc:(\S+)`); both are read here.
 */
import type { TuningSummary } from './tuning-report';

/** The part of DescribeHyperParameterTuningJob's answer the summary reads. */
export interface TuningJobDescription {
  readonly HyperParameterTuningJobName?: string;
  readonly HyperParameterTuningJobConfig?: {
    readonly HyperParameterTuningJobObjective?: { readonly Type?: string; readonly MetricName?: string };
    readonly ParameterRanges?: {
      readonly ContinuousParameterRanges?: readonly ParameterRange[];
      readonly IntegerParameterRanges?: readonly ParameterRange[];
    };
  };
  readonly TrainingJobDefinition?: { readonly StaticHyperParameters?: Readonly<Record<string, string>> };
  readonly BestTrainingJob?: { readonly TrainingJobName?: string };
}

/** A range of the tuning job's configuration. */
export interface ParameterRange {
  readonly Name?: string;
  readonly MinValue?: string;
  readonly MaxValue?: string;
  readonly ScalingType?: string;
}

/** The part of a ListTrainingJobsForHyperParameterTuningJob summary the report reads. */
export interface TrainingJobSummary {
  readonly TrainingJobName?: string;
  readonly TunedHyperParameters?: Readonly<Record<string, string>>;
  readonly FinalHyperParameterTuningJobObjectiveMetric?: { readonly Value?: number };
}

/** Thrown when what the tuning job recorded cannot make a summary; the message says what is missing. */
export class TuningRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TuningRecordError';
  }
}

/** A round's line: `[12]` then the metrics, separated by tabs (`#011` in CloudWatch Logs). */
const ROUND_LINE = /^\s*\[(\d+)\]((?:(?:\t|#011)[\w-]+:\S+)+)\s*$/;
const SEPARATOR = /\t|#011/;

/**
 * The metric `metric` (`auc`) by round on the `train` and `validation` channels, from the training
 * job's log messages in any order (other lines are ignored; a round logged twice keeps its last
 * line).
 *
 * @throws TuningRecordError when no round is logged, a round is missing, or a round lacks the metric
 *   on a channel.
 */
export function roundHistory(messages: readonly string[], metric: string): { train: number[]; validation: number[] } {
  const rounds = new Map<number, Map<string, number>>();
  for (const message of messages) {
    for (const line of message.split('\n')) {
      const found = ROUND_LINE.exec(line);
      if (found === null) continue;
      const values = new Map<string, number>();
      for (const field of (found[2] ?? '').split(SEPARATOR).filter((f) => f !== '')) {
        const colon = field.lastIndexOf(':');
        values.set(field.slice(0, colon), Number(field.slice(colon + 1)));
      }
      rounds.set(Number(found[1]), values);
    }
  }
  if (rounds.size === 0) {
    throw new TuningRecordError(
      `the training job's log has no round of ${metric} (lines like [0]#011validation-${metric}:0.8)`,
    );
  }
  const history = { train: [] as number[], validation: [] as number[] };
  for (let round = 0; round < rounds.size; round++) {
    const values = rounds.get(round);
    if (values === undefined) {
      throw new TuningRecordError(`the training job's log skips round ${round} of ${rounds.size}`);
    }
    for (const channel of ['train', 'validation'] as const) {
      const value = values.get(`${channel}-${metric}`);
      if (value === undefined || !Number.isFinite(value)) {
        throw new TuningRecordError(`round ${round} of the training job's log has no finite ${channel}-${metric}`);
      }
      history[channel].push(value);
    }
  }
  return history;
}

/** The round early stopping keeps: the first best on the validation channel, as XGBoost's EarlyStopping keeps it. */
export function bestRoundOf(validation: readonly number[], maximize: boolean): number {
  let best = 0;
  validation.forEach((value, round) => {
    const current = validation[best] ?? value;
    if (maximize ? value > current : value < current) best = round;
  });
  return best;
}

/** A required string of the description, or a TuningRecordError naming it. */
function required(value: string | undefined, what: string): string {
  if (value === undefined || value === '') {
    throw new TuningRecordError(`the tuning job's description has no ${what}`);
  }
  return value;
}

/**
 * The tuning report's summary of a tuning job: `description` from DescribeHyperParameterTuningJob,
 * `trainingJobs` from ListTrainingJobsForHyperParameterTuningJob (every page), `bestJobLog` the
 * messages of the best training job's log.
 *
 * @throws TuningRecordError when something the summary needs is not recorded.
 */
export function tuningSummary(
  description: TuningJobDescription,
  trainingJobs: readonly TrainingJobSummary[],
  bestJobLog: readonly string[],
): TuningSummary {
  const config = description.HyperParameterTuningJobConfig;
  const objective = config?.HyperParameterTuningJobObjective;
  const metricName = required(objective?.MetricName, 'objective metric');
  const maximize = objective?.Type !== 'Minimize';
  const ranges = [
    ...(config?.ParameterRanges?.ContinuousParameterRanges ?? []),
    ...(config?.ParameterRanges?.IntegerParameterRanges ?? []),
  ].map((r) => ({
    name: required(r.Name, 'range name'),
    low: Number(r.MinValue),
    high: Number(r.MaxValue),
    scale: r.ScalingType === 'Logarithmic' ? ('log' as const) : ('linear' as const),
  }));
  const bestName = required(description.BestTrainingJob?.TrainingJobName, 'best training job');
  // The objective `validation:auc` is the metric `auc` on the validation channel.
  const metric = metricName.includes(':') ? metricName.slice(metricName.indexOf(':') + 1) : metricName;
  const history = roundHistory(bestJobLog, metric);
  const patience = description.TrainingJobDefinition?.StaticHyperParameters?.early_stopping_rounds;
  return {
    formatVersion: 1,
    objective: { metric: metricName, maximize },
    ranges,
    trials: trainingJobs.map((job) => ({
      name: required(job.TrainingJobName, 'training job name'),
      values: Object.fromEntries(ranges.map((r) => [r.name, Number(job.TunedHyperParameters?.[r.name])])),
      objective: job.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? null,
    })),
    best: {
      name: bestName,
      metric,
      history,
      bestRound: bestRoundOf(history.validation, maximize),
      earlyStoppingRounds: patience === undefined ? null : Number(patience),
    },
  };
}
