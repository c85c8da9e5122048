import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DRIFT_METRICS, MONITOR_METRIC_DIMENSION, QUALITY_METRICS } from '../contracts/lake-monitoring';
import { MONITORING_METRIC_NAMESPACE } from '../contracts/monitoring-events';

/** The live quality thresholds the Serving stack's alarms fire below (config `monitoring.minAuc` …). */
export interface QualityThresholdLines {
  readonly minAuc: number;
  readonly minPrecision: number;
  readonly minRecall: number;
}

/** The business case's marks (config `business.*`), drawn on the campaign graph. */
export interface CampaignLines {
  /** The churn rate the campaign is meant to reach (`business.targetChurnRate`). */
  readonly targetChurnRate: number;
  /** The most one campaign's incentives may cost (`business.incentiveBudget`). */
  readonly incentiveBudget: number;
}

export interface LakeMonitoringSectionProps {
  /** The monitored endpoint's (fixed) name: the metrics' `EndpointName` dimension. */
  readonly endpointName: string;
  /** Drawn as lines on the quality graph, where the alarms fire. */
  readonly thresholds: QualityThresholdLines;
  /** Days of outcomes one quality check scores (config `monitoring.qualityWindowDays`), for the titles. */
  readonly qualityWindowDays: number;
  /**
   * The target and the budget, drawn as lines on the campaign graph (the projected churn rate against
   * the target, the projected spend against the budget). A stage config's `business` section fits.
   * @default - the campaign graph draws no lines
   */
  readonly business?: CampaignLines;
  /**
   * The graphs' period. A check publishes one datapoint per metric, at most hourly.
   * @default Duration.hours(1)
   */
  readonly period?: Duration;
}

/**
 * The dashboard's section on monitoring from the lake (the Serving stage's quality and drift
 * functions): live AUC, precision and recall with the alarm thresholds drawn on them, the expected
 * cost of acting on the model against doing nothing, the outcomes matched, and the drift summary;
 * below them, the business case's campaign at the deployed cutoff, projected from the live outcomes
 * (`lambda/evaluate/business.ts`): its churn rate against the target, its spend against the budget.
 *
 * Metrics are named, not referenced: the functions put them in `MlLifecycle/Monitoring` by
 * `EndpointName` (`lib/contracts/lake-monitoring.ts`), so this stack depends on no construct of the
 * Serving stack for them. A check with too few outcomes publishes only `MatchedOutcomes`, so a gap
 * in the quality lines is "not enough data", not a bad model.
 */
export function lakeMonitoringSection(props: LakeMonitoringSectionProps): cloudwatch.IWidget[][] {
  const period = props.period ?? Duration.hours(1);
  const metric = (metricName: string, statistic: string, label: string, color?: string) =>
    new cloudwatch.Metric({
      namespace: MONITORING_METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [MONITOR_METRIC_DIMENSION]: props.endpointName },
      statistic,
      period,
      label,
      ...(color === undefined ? {} : { color }),
    });
  const graph = (widget: cloudwatch.GraphWidgetProps) => new cloudwatch.GraphWidget({ width: 6, height: 6, ...widget });
  const { minAuc, minPrecision, minRecall } = props.thresholds;
  const { business } = props;
  // The spend on the matched customers (IncentivesSpent) is published but not drawn: the campaign
  // graph draws the spend that matters, projected onto the customers scored, against the budget;
  // and the dashboard stays within the 50 metrics of CloudWatch's free dashboard.
  const window = `last ${props.qualityWindowDays} days of outcomes`;

  // The alarms take the worst check of a day (Minimum): so does the graph, hour by hour.
  const quality: [string, string, number, string][] = [
    [QUALITY_METRICS.auc, 'AUC', minAuc, cloudwatch.Color.BLUE],
    [QUALITY_METRICS.precision, 'Precision', minPrecision, cloudwatch.Color.ORANGE],
    [QUALITY_METRICS.recall, 'Recall', minRecall, cloudwatch.Color.GREEN],
  ];
  return [
    [
      new cloudwatch.TextWidget({
        markdown: `## Monitoring from the lake: live quality on real outcomes, and data drift (${props.endpointName})`,
        width: 24,
        height: 1,
      }),
    ],
    [
      graph({
        title: `Live AUC, precision, recall at the deployed cutoff (${window}); lines: alarm thresholds`,
        left: quality.map(([name, label, , color]) => metric(name, 'Minimum', label, color)),
        leftYAxis: { min: 0, max: 1, showUnits: false },
        leftAnnotations: quality.map(([, label, value, color]) => ({
          value,
          label: `${label} alarm: below ${value}`,
          color,
        })),
      }),
      graph({
        title: `Expected cost: acting on the model vs doing nothing (${window})`,
        left: [
          metric(QUALITY_METRICS.expectedCost, 'Average', 'Expected cost (model)'),
          metric(QUALITY_METRICS.costOfDoingNothing, 'Average', 'Cost of doing nothing'),
        ],
      }),
      graph({
        title: `Outcomes matched to a prediction; churners caught (${window})`,
        left: [metric(QUALITY_METRICS.matchedOutcomes, 'Maximum', 'Matched outcomes')],
        right: [metric(QUALITY_METRICS.churnersCaught, 'Maximum', 'Churners caught')],
      }),
      graph({
        title: 'Data drift: features acting and watching; captured rows',
        left: [
          metric(DRIFT_METRICS.featuresActing, 'Maximum', 'Features acting', cloudwatch.Color.RED),
          metric(DRIFT_METRICS.featuresWatching, 'Maximum', 'Features watching', cloudwatch.Color.ORANGE),
        ],
        right: [metric(DRIFT_METRICS.capturedRows, 'Maximum', 'Captured rows')],
      }),
    ],
    [
      // The worst check of the period, as for quality: the highest churn rate, the highest spend.
      graph({
        title: `Campaign at the deployed cutoff, projected from live outcomes (${window}): churn rate; spend`,
        width: 12,
        left: [metric(QUALITY_METRICS.projectedChurnRate, 'Maximum', 'Projected churn rate', cloudwatch.Color.RED)],
        leftYAxis: { min: 0, showUnits: false },
        right: [metric(QUALITY_METRICS.projectedSpend, 'Maximum', 'Projected spend', cloudwatch.Color.PURPLE)],
        rightYAxis: { min: 0, showUnits: false },
        ...(business === undefined
          ? {}
          : {
              leftAnnotations: [
                {
                  value: business.targetChurnRate,
                  label: `Target churn rate: ${business.targetChurnRate}`,
                  color: cloudwatch.Color.RED,
                },
              ],
              rightAnnotations: [
                {
                  value: business.incentiveBudget,
                  label: `Budget: ${business.incentiveBudget}`,
                  color: cloudwatch.Color.PURPLE,
                },
              ],
            }),
      }),
    ],
  ];
}
