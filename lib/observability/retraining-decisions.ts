import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  MONITORING_DETAIL_TYPES,
  MONITORING_EVENT_SOURCE,
  MONITORING_METRIC_NAMESPACE,
  type RetrainingDecision,
} from '../contracts/monitoring-events';
import { EventLog, type EventLogProps } from '../shared/event-log';

/** Every decision, in the order the dashboard graphs them. */
export const RETRAINING_DECISIONS: readonly RetrainingDecision[] = [
  'started',
  'skipped-period',
  'skipped-in-progress',
  'skipped-disabled',
  'challenger-promoted',
  'challenger-rejected',
];

/** The metric counting decisions, with the decision as its `Decision` dimension. */
export const DECISIONS_METRIC = 'RetrainingDecisions';

/** The Logs Insights query of the decisions table: newest first, with their reasons. */
export const DECISIONS_QUERY = [
  'fields @timestamp, detail.decision, detail.reason, detail.trigger',
  'sort @timestamp desc',
  'limit 50',
];

export type RetrainingDecisionsProps = EventLogProps;

/**
 * Every `Retraining decision` event (the retraining guard's and the quality gate's) kept in an
 * {@link EventLog}, counted by a metric filter per decision, and shown on the dashboard as a table
 * of time, decision, reason and trigger beside a graph of the counts.
 *
 * The events are on the account's default bus, so the rule names no other stack's resource: this
 * stack depends on none for them.
 */
export class RetrainingDecisions extends Construct {
  readonly log: EventLog;

  constructor(scope: Construct, id: string, props: RetrainingDecisionsProps) {
    super(scope, id);
    this.log = new EventLog(this, 'Log', props);
    this.log.record('Decided', {
      description: 'Every retraining decision, of the guard and of the quality gate, with its reason',
      eventPattern: { source: [MONITORING_EVENT_SOURCE], detailType: [MONITORING_DETAIL_TYPES.retrainingDecision] },
    });
    // One filter; each decision is a metric of its own through the dimension (a JSON field).
    new logs.MetricFilter(this, 'Count', {
      logGroup: this.log.logGroup,
      filterPattern: logs.FilterPattern.exists('$.detail.decision'),
      metricNamespace: MONITORING_METRIC_NAMESPACE,
      metricName: DECISIONS_METRIC,
      metricValue: '1',
      dimensions: { Decision: '$.detail.decision' },
    });
  }

  /** How many `decision`s were made, per period. */
  metricDecisions(decision: RetrainingDecision, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: MONITORING_METRIC_NAMESPACE,
      metricName: DECISIONS_METRIC,
      dimensionsMap: { Decision: decision },
      statistic: 'Sum',
      label: decision,
      ...props,
    });
  }

  /** The dashboard's section: a header, the table of decisions with their reasons, and the counts. */
  widgets(period: Duration): cloudwatch.IWidget[][] {
    return [
      [
        new cloudwatch.TextWidget({
          markdown: '## Retraining: decisions of the guard and the quality gate',
          width: 24,
          height: 1,
        }),
      ],
      [
        new cloudwatch.LogQueryWidget({
          title: 'Retraining decisions, newest first: time, decision, reason, trigger',
          logGroupNames: [this.log.logGroup.logGroupName],
          queryLines: DECISIONS_QUERY,
          view: cloudwatch.LogQueryVisualizationType.TABLE,
          width: 18,
          height: 6,
        }),
        new cloudwatch.GraphWidget({
          title: 'Retraining decisions',
          left: RETRAINING_DECISIONS.map((d) => this.metricDecisions(d, { period })),
          width: 6,
          height: 6,
        }),
      ],
    ];
  }
}
