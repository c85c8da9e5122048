import fc from 'fast-check';
import { renderTuningReport } from '../../../lambda/evaluate/tuning-report';
import { bestRoundOf, roundHistory, tuningSummary } from '../../../lambda/evaluate/tuning-summary';

/** Three rounds as CloudWatch Logs shows XGBoost's evaluation monitor: tabs read `#011`. */
const LOG = [
  'Arguments: train',
  '[2026-12-01:10:00:00:INFO] Running XGBoost Sagemaker in algorithm mode',
  '[0]#011train-auc:0.80000#011validation-auc:0.78000',
  '[1]#011train-auc:0.85000#011validation-auc:0.86000',
  '[2]#011train-auc:0.88000#011validation-auc:0.85000',
];

describe('roundHistory', () => {
  it('reads the metric by round on both channels, and ignores every other line', () => {
    expect(roundHistory(LOG, 'auc')).toEqual({ train: [0.8, 0.85, 0.88], validation: [0.78, 0.86, 0.85] });
  });

  it('reads tabs as well as #011, lines in any order, several lines in one message, the last of a repeated round', () => {
    const messages = [
      '[1]\ttrain-auc:0.85\tvalidation-auc:0.86\n[0]\ttrain-auc:0.8\tvalidation-auc:0.7',
      '[0]\ttrain-auc:0.8\tvalidation-auc:0.78',
    ];
    expect(roundHistory(messages, 'auc')).toEqual({ train: [0.8, 0.85], validation: [0.78, 0.86] });
  });

  it('says what is missing: no round at all, a skipped round, a metric absent on a channel', () => {
    expect(() => roundHistory(['Arguments: train'], 'auc')).toThrow(
      "the training job's log has no round of auc (lines like [0]#011validation-auc:0.8)",
    );
    expect(() => roundHistory([LOG[2] ?? '', LOG[4] ?? ''], 'auc')).toThrow(
      "the training job's log skips round 1 of 2",
    );
    expect(() => roundHistory(['[0]#011train-auc:0.8#011validation-logloss:0.5'], 'auc')).toThrow(
      "round 0 of the training job's log has no finite validation-auc",
    );
  });

  it('never throws anything but its own error on arbitrary log text', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), (messages) => {
        try {
          roundHistory(messages, 'auc');
        } catch (e) {
          expect((e as Error).name).toBe('TuningRecordError');
        }
      }),
    );
  });
});

describe('bestRoundOf', () => {
  it('is the first best round, as early stopping keeps it', () => {
    expect(bestRoundOf([0.7, 0.9, 0.9, 0.8], true)).toBe(1);
    expect(bestRoundOf([0.7, 0.5, 0.5, 0.6], false)).toBe(1);
    expect(bestRoundOf([0.5], true)).toBe(0);
  });
});

describe('tuningSummary', () => {
  const description = {
    HyperParameterTuningJobConfig: {
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '0.3', ScalingType: 'Logarithmic' }],
        IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '10', ScalingType: 'Auto' }],
      },
    },
    TrainingJobDefinition: { StaticHyperParameters: { early_stopping_rounds: '10' } },
    BestTrainingJob: { TrainingJobName: 'job-2' },
  };
  const jobs = [
    { TrainingJobName: 'job-1', TunedHyperParameters: { eta: '0.05', max_depth: '4' } },
    {
      TrainingJobName: 'job-2',
      TunedHyperParameters: { eta: '0.1', max_depth: '6' },
      FinalHyperParameterTuningJobObjectiveMetric: { Value: 0.86 },
    },
  ];

  it('takes the objective, the ranges, each trial and the best trial’s rounds from what the job recorded', () => {
    expect(tuningSummary(description, jobs, LOG)).toEqual({
      formatVersion: 1,
      objective: { metric: 'validation:auc', maximize: true },
      ranges: [
        { name: 'eta', low: 0.01, high: 0.3, scale: 'log' },
        { name: 'max_depth', low: 3, high: 10, scale: 'linear' },
      ],
      trials: [
        { name: 'job-1', values: { eta: 0.05, max_depth: 4 }, objective: null }, // stopped before it reported
        { name: 'job-2', values: { eta: 0.1, max_depth: 6 }, objective: 0.86 },
      ],
      best: {
        name: 'job-2',
        metric: 'auc',
        history: { train: [0.8, 0.85, 0.88], validation: [0.78, 0.86, 0.85] },
        bestRound: 1,
        earlyStoppingRounds: 10,
      },
    });
  });

  it('makes a summary the tuning report draws', async () => {
    await expect(renderTuningReport(tuningSummary(description, jobs, LOG))).resolves.toContain('2 of 3');
  });

  it('says what the description lacks', () => {
    expect(() => tuningSummary({ ...description, BestTrainingJob: {} }, jobs, LOG)).toThrow(
      "the tuning job's description has no best training job",
    );
    expect(() => tuningSummary({ BestTrainingJob: { TrainingJobName: 'job-2' } }, jobs, LOG)).toThrow(
      "the tuning job's description has no objective metric",
    );
  });
});
