import { Match, Template } from 'aws-cdk-lib/assertions';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';

function synth(context = {}) {
  const { stacks } = buildApp(context);
  return { stacks, template: Template.fromStack(stacks.observability) };
}

/** The dashboard's widgets, its CloudFormation references written as `<ref>`. */
function dashboardWidgets(template: Template): { type: string; properties: Record<string, unknown> }[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
  }[];
  const [, parts] = dashboard?.Properties.DashboardBody['Fn::Join'] ?? ['', []];
  const text = parts.map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
  return (JSON.parse(text) as { widgets: { type: string; properties: Record<string, unknown> }[] }).widgets;
}

/** Every graphed metric as `namespace/metric name`, and every section header. */
function dashboardContent(template: Template): { metrics: string[]; headers: string[] } {
  const widgets = dashboardWidgets(template);
  return {
    metrics: widgets.flatMap((w) =>
      ((w.properties.metrics as unknown[][] | undefined) ?? []).map((m) => `${String(m[0])}/${String(m[1])}`),
    ),
    headers: widgets.filter((w) => w.type === 'text').map((w) => String(w.properties.markdown)),
  };
}

describe('ObservabilityStack (sandbox)', () => {
  const { template } = synth();
  const { metrics: graphed, headers } = dashboardContent(template);

  it('draws one dashboard named after the stage, with a section per stage', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'ml-lifecycle-sandbox' });
    expect(headers.map((h) => h.split(':')[0])).toEqual(['## Ingestion', '## ETL', '## Training', '## Serving']);
  });

  it.each([
    [
      'the stream: records, bytes, iterator age, write throttles',
      'AWS/Kinesis',
      ['IncomingRecords', 'IncomingBytes', 'GetRecords.IteratorAgeMilliseconds', 'PutRecords.ThrottledRecords'],
    ],
    [
      'Firehose: delivery success, freshness, processing',
      'AWS/Firehose',
      ['DeliveryToS3.Success', 'DeliveryToS3.DataFreshness', 'ExecuteProcessing.Success'],
    ],
    ['the cleaner: errors, duration, throttles', 'AWS/Lambda', ['Errors', 'Duration', 'Throttles']],
    [
      'Glue: tasks completed and failed, run time',
      'Glue',
      [
        'glue.driver.aggregate.numCompletedTasks',
        'glue.driver.aggregate.numFailedTasks',
        'glue.driver.aggregate.elapsedTime',
      ],
    ],
    [
      'Glue job runs: succeeded, failed',
      'ml-lifecycle-cdk/ml-lifecycle-sandbox-etl',
      ['JobRunsSucceeded', 'JobRunsFailed'],
    ],
    [
      'the pipeline: succeeded, failed, run time',
      'AWS/States',
      ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionTime'],
    ],
    [
      'the endpoint: invocations, 4xx, 5xx, latency',
      'AWS/SageMaker',
      ['Invocations', 'Invocation4XXErrors', 'Invocation5XXErrors', 'ModelLatency'],
    ],
    ['the endpoint instances: CPU, memory', '/aws/sagemaker/Endpoints', ['CPUUtilization', 'MemoryUtilization']],
    ['deployments: approvals not deployed', 'AWS/SQS', ['ApproximateNumberOfMessagesVisible']],
  ])('graphs %s', (_what, namespace, metrics) => {
    expect(graphed).toEqual(expect.arrayContaining(metrics.map((m) => `${namespace}/${m}`)));
  });

  it.each([
    // A condition that persists: 2 of 3 five-minute periods, so one slow period raises nothing.
    ['GetRecords.IteratorAgeMilliseconds', 600_000, 3, 2],
    ['DeliveryToS3.DataFreshness', 900, 3, 2],
    // An event that needs a person each time: a single failure fills a single period.
    ['Errors', 1, 1, 1],
    ['ExecutionsFailed', 1, 1, 1],
    ['ApproximateNumberOfMessagesVisible', 1, 1, 1],
  ])('alarms on %s at %p (%p periods, %p to fire), to the alarm topic', (metricName, threshold, periods, toFire) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Threshold: threshold,
      EvaluationPeriods: periods,
      DatapointsToAlarm: toFire,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') }],
    });
  });

  it('alarms when an approved model waits in the deployer dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }],
      AlarmDescription: Match.stringLikeRegexp('could not be deployed'),
    });
  });

  it('sends alarms to a KMS-encrypted topic, with no subscription unless configured', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('outputs the dashboard and the topic', () => {
    template.hasOutput('DashboardName', {});
    template.hasOutput('AlarmTopicArn', {});
  });

  it('matches the snapshot', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });
});

describe('ObservabilityStack without Model Monitor (the default: it is opt-in)', () => {
  const { template } = synth();
  const { metrics, headers } = dashboardContent(template);
  const titles = dashboardWidgets(template).map((w) => w.properties.title);

  it('draws no graph of monitoring runs, and does not name Model Monitor in the serving header', () => {
    expect(metrics.filter((m) => m.endsWith('/DataQualityRunsWithViolations'))).toEqual([]);
    expect(titles).not.toContain('Monitoring runs with violations');
    expect(headers).toContain('## Serving: endpoint, deployments');
  });
});

describe('ObservabilityStack with Model Monitor (opt-in)', () => {
  const { template } = synth({ config: { sandbox: { modelMonitor: { enabled: true } } } });
  const { metrics, headers } = dashboardContent(template);

  it('graphs the monitor’s runs with violations, under a header that names it', () => {
    expect(metrics).toContain('ml-lifecycle-cdk/ml-lifecycle-sandbox-churn/DataQualityRunsWithViolations');
    expect(headers).toContain('## Serving: endpoint, Model Monitor, deployments');
  });
});

describe('ObservabilityStack with an alarm e-mail', () => {
  const { template } = synth({ config: { sandbox: { observability: { alarmEmail: 'on-call@example.com' } } } });

  it('subscribes the address to the alarm topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'on-call@example.com' });
  });
});

describe('ObservabilityStack (production)', () => {
  const { template } = synth(PRODUCTION_CONTEXT);

  it('alarms sooner when the stream falls behind', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Threshold: 300_000,
    });
  });
});
