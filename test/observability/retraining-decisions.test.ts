import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  DECISIONS_QUERY,
  RETRAINING_DECISIONS,
  RetrainingDecisions,
} from '../../lib/observability/retraining-decisions';
import { buildApp, testApp } from '../support/app';
import { unacknowledgedFindings } from '../support/resources';
import { dashboardWidgets } from './dashboard';

function decisionsIn() {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const decisions = new RetrainingDecisions(stack, 'Decisions', {
    key: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    retention: logs.RetentionDays.ONE_MONTH,
    removal: 'destroy',
  });
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard');
  for (const row of decisions.widgets(Duration.hours(1))) {
    dashboard.addWidgets(...row);
  }
  return { app, stack, decisions, template: Template.fromStack(stack) };
}

describe('RetrainingDecisions', () => {
  const { app, template } = decisionsIn();

  it('writes every Retraining decision event of the default bus to its encrypted log', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['ml-lifecycle.monitoring'], 'detail-type': ['Retraining decision'] },
      Targets: [{ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DecisionsLog'), 'Arn'] }, Id: 'Target0' }],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      RetentionInDays: 30,
    });
  });

  it('counts the decisions, one metric per decision through its dimension', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.detail.decision = "*" }',
      MetricTransformations: [
        {
          MetricNamespace: 'MlLifecycle/Monitoring',
          MetricName: 'RetrainingDecisions',
          MetricValue: '1',
          Dimensions: [{ Key: 'Decision', Value: '$.detail.decision' }],
        },
      ],
    });
  });

  it('lists the decisions with their time, reason and trigger, newest first, and graphs each decision', () => {
    const widgets = dashboardWidgets(template);
    const table = widgets.find((w) => w.type === 'log');
    expect(table?.properties).toMatchObject({
      view: 'table',
      query: expect.stringContaining(DECISIONS_QUERY.join('\n| ')) as unknown,
    });
    expect(String(table?.properties.query)).toMatch(
      /^SOURCE '<ref>' \| fields @timestamp, detail.decision, detail.reason/,
    );
    const graph = widgets.find((w) => w.type === 'metric');
    const graphed = (graph?.properties.metrics as unknown[][]).map((m) => m[3]);
    expect(graphed).toEqual([...RETRAINING_DECISIONS]);
    expect(RETRAINING_DECISIONS).toHaveLength(6);
  });

  it('leaves no compliance finding unacknowledged', () => {
    expect(unacknowledgedFindings(app)).toEqual([]);
  });
});

describe('the Observability stack’s retraining section', () => {
  const { stacks } = buildApp();

  it('is on the one dashboard, and its rule names no other stack', () => {
    const template = Template.fromStack(stacks.observability);
    const headers = dashboardWidgets(template)
      .filter((w) => w.type === 'text')
      .map((w) => String(w.properties.markdown));
    expect(headers).toContain('## Retraining: decisions of the guard and the quality gate');
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { 'detail-type': ['Retraining decision'] } },
    });
    expect(Object.keys(rules)).toHaveLength(1);
    expect(JSON.stringify(rules)).not.toContain('Fn::GetStackOutput');
  });
});
