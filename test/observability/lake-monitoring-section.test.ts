import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { STAGE_DEFAULTS } from '../../lib/config';
import { DRIFT_METRICS, QUALITY_METRICS } from '../../lib/contracts/lake-monitoring';
import { lakeMonitoringSection } from '../../lib/observability/lake-monitoring-section';
import { PRODUCTION_CONTEXT, buildApp, testApp } from '../support/app';
import { dashboardWidgets, type Widget } from './dashboard';

const ENDPOINT = 'ml-lifecycle-sandbox-churn';
const THRESHOLDS = { minAuc: 0.7, minPrecision: 0.3, minRecall: 0.55 };

const BUSINESS = { targetChurnRate: 0.04, incentiveBudget: 750_000 };

function sectionIn(period?: Duration, business: typeof BUSINESS | null = BUSINESS): Widget[] {
  const stack = new Stack(testApp(), 'Test');
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard');
  for (const row of lakeMonitoringSection({
    endpointName: ENDPOINT,
    thresholds: THRESHOLDS,
    qualityWindowDays: 30,
    ...(period === undefined ? {} : { period }),
    ...(business === null ? {} : { business }),
  })) {
    dashboard.addWidgets(...row);
  }
  return dashboardWidgets(Template.fromStack(stack));
}

/** A graph's metrics as [namespace, name, dimension name, dimension value, options]. */
type MetricRow = [string, string, string, string, { stat?: string; period?: number; label?: string; yAxis?: string }];
const metricsOf = (w: Widget | undefined) => (w?.properties.metrics ?? []) as MetricRow[];
const graphTitled = (widgets: Widget[], start: string) =>
  widgets.find((w) => w.type === 'metric' && String(w.properties.title).startsWith(start));

describe('lakeMonitoringSection', () => {
  const widgets = sectionIn();

  it('opens with a header naming the endpoint, then four graphs side by side, then the campaign’s', () => {
    expect(widgets[0]?.properties.markdown).toBe(
      `## Monitoring from the lake: live quality on real outcomes, and data drift (${ENDPOINT})`,
    );
    expect(widgets.slice(1).map((w): [string, number] => [w.type, (w as Widget & { width: number }).width])).toEqual([
      ['metric', 6],
      ['metric', 6],
      ['metric', 6],
      ['metric', 6],
      ['metric', 12],
    ]);
  });

  it('graphs live AUC, precision and recall of the endpoint, the worst check of each hour, on a 0 to 1 axis', () => {
    const graph = graphTitled(widgets, 'Live AUC, precision, recall');
    expect(metricsOf(graph).map(([ns, name, dim, value, o]) => [ns, name, dim, value, o.stat, o.period])).toEqual(
      [QUALITY_METRICS.auc, QUALITY_METRICS.precision, QUALITY_METRICS.recall].map((name) => [
        'MlLifecycle/Monitoring',
        name,
        'EndpointName',
        ENDPOINT,
        'Minimum',
        3600,
      ]),
    );
    expect(graph?.properties.yAxis).toMatchObject({ left: { min: 0, max: 1 } });
    expect(String(graph?.properties.title)).toContain('last 30 days of outcomes');
  });

  it('draws each alarm threshold on the quality graph', () => {
    const graph = graphTitled(widgets, 'Live AUC, precision, recall');
    const lines = (graph?.properties.annotations as { horizontal: { value: number; label: string }[] }).horizontal;
    expect(lines.map((l) => [l.value, l.label])).toEqual([
      [0.7, 'AUC alarm: below 0.7'],
      [0.3, 'Precision alarm: below 0.3'],
      [0.55, 'Recall alarm: below 0.55'],
    ]);
  });

  it('graphs the expected cost against the cost of doing nothing, the matched outcomes and the drift summary', () => {
    const names = (start: string) => metricsOf(graphTitled(widgets, start)).map((m) => m[1]);
    expect(names('Expected cost')).toEqual(['ExpectedCost', 'CostOfDoingNothing']);
    expect(names('Outcomes matched')).toEqual(['MatchedOutcomes', 'ChurnersCaught']);
    expect(names('Data drift')).toEqual([
      DRIFT_METRICS.featuresActing,
      DRIFT_METRICS.featuresWatching,
      DRIFT_METRICS.capturedRows,
    ]);
    for (const m of metricsOf(graphTitled(widgets, 'Data drift'))) {
      expect(m.slice(0, 4)).toEqual(['MlLifecycle/Monitoring', m[1], 'EndpointName', ENDPOINT]);
    }
  });

  it('graphs the campaign projected from live outcomes: churn rate on the left, spend on the right, the worst check of each hour', () => {
    const graph = graphTitled(widgets, 'Campaign at the deployed cutoff');
    expect(
      metricsOf(graph).map(([ns, name, dim, value, o]) => [ns, name, dim, value, o.stat, o.period, o.yAxis]),
    ).toEqual([
      [
        'MlLifecycle/Monitoring',
        QUALITY_METRICS.projectedChurnRate,
        'EndpointName',
        ENDPOINT,
        'Maximum',
        3600,
        undefined,
      ],
      ['MlLifecycle/Monitoring', QUALITY_METRICS.projectedSpend, 'EndpointName', ENDPOINT, 'Maximum', 3600, 'right'],
    ]);
    expect(String(graph?.properties.title)).toContain('last 30 days of outcomes');
  });

  it('draws the target on the churn rate and the budget on the spend, when given', () => {
    const lines = (w: Widget | undefined) =>
      (w?.properties.annotations as { horizontal: { value: number; label: string; yAxis?: string }[] } | undefined)
        ?.horizontal;
    expect((lines(graphTitled(widgets, 'Campaign at')) ?? []).map((l) => [l.value, l.label, l.yAxis])).toEqual([
      [0.04, 'Target churn rate: 0.04', 'left'],
      [750_000, 'Budget: 750000', 'right'],
    ]);
    expect(lines(graphTitled(sectionIn(undefined, null), 'Campaign at'))).toBeUndefined();
  });

  it('draws the drift summary metrics the drift function publishes', () => {
    expect(DRIFT_METRICS).toMatchObject({
      capturedRows: 'CapturedRows',
      featuresActing: 'FeaturesActing',
      featuresWatching: 'FeaturesWatching',
    });
  });

  it('takes the period it is given', () => {
    const daily = sectionIn(Duration.days(1));
    expect(metricsOf(graphTitled(daily, 'Live AUC')).map((m) => m[4].period)).toEqual([86400, 86400, 86400]);
  });
});

describe('the lake monitoring section on the stage dashboard', () => {
  it.each([
    ['sandbox', {}],
    ['production', PRODUCTION_CONTEXT],
  ] as const)(
    '%s: draws the stage’s endpoint and alarm thresholds, after Serving and before Retraining',
    (stage, context) => {
      const { stacks } = buildApp(context);
      const widgets = dashboardWidgets(Template.fromStack(stacks.observability));
      const { monitoring } = STAGE_DEFAULTS[stage];
      const graph = graphTitled(widgets, 'Live AUC, precision, recall');
      expect(metricsOf(graph).map((m) => m[3])).toEqual([
        `ml-lifecycle-${stage}-churn`,
        `ml-lifecycle-${stage}-churn`,
        `ml-lifecycle-${stage}-churn`,
      ]);
      expect(
        (graph?.properties.annotations as { horizontal: { value: number }[] }).horizontal.map((l) => l.value),
      ).toEqual([monitoring.minAuc, monitoring.minPrecision, monitoring.minRecall]);
      const headers = widgets.filter((w) => w.type === 'text').map((w) => String(w.properties.markdown).slice(0, 20));
      const at = (start: string) => headers.findIndex((h) => h.startsWith(start));
      expect(at('## Monitoring from')).toBe(at('## Serving') + 1);
      expect(at('## Retraining')).toBe(at('## Monitoring from') + 1);
    },
  );
});
