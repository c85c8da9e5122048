import type { Template } from 'aws-cdk-lib/assertions';

/** A widget of a dashboard body, as much of it as the tests read. */
export interface Widget {
  type: string;
  properties: Record<string, unknown>;
}

/** The widgets of the template's one dashboard, its CloudFormation references written as `<ref>`. */
export function dashboardWidgets(template: Template): Widget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
  }[];
  expect(dashboards).toHaveLength(1);
  const [, parts] = dashboards[0]?.Properties.DashboardBody['Fn::Join'] ?? ['', []];
  const text = parts.map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** Every graphed metric as `namespace/metric name`, and every section header. */
export function dashboardContent(template: Template): { metrics: string[]; headers: string[] } {
  const widgets = dashboardWidgets(template);
  return {
    metrics: widgets.flatMap((w) =>
      ((w.properties.metrics as unknown[][] | undefined) ?? []).map((m) => `${String(m[0])}/${String(m[1])}`),
    ),
    headers: widgets.filter((w) => w.type === 'text').map((w) => String(w.properties.markdown)),
  };
}
