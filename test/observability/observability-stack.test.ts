import { Match, Template } from 'aws-cdk-lib/assertions';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';
import { dashboardContent } from './dashboard';

function synth(context = {}) {
  const { stacks } = buildApp(context);
  return { stacks, template: Template.fromStack(stacks.observability) };
}

/** A value another stack publishes as an output, of a resource whose logical id starts with `resource`. */
function fromStack(stackName: string, resource: string): object {
  return {
    'Fn::GetStackOutput': Match.objectLike({
      StackName: stackName,
      OutputName: Match.stringLikeRegexp(`^PublishOutputFnGetAtt${resource}`),
    }),
  };
}

describe('ObservabilityStack (sandbox)', () => {
  const { template } = synth();
  const { metrics: graphed } = dashboardContent(template);

  it('draws one dashboard named after the stage', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'ml-lifecycle-sandbox' });
  });

  it('graphs the ETL stack’s job runs and this stage’s endpoint', () => {
    expect(graphed).toEqual(
      expect.arrayContaining([
        'ml-lifecycle-cdk/ml-lifecycle-sandbox-etl/JobRunsSucceeded',
        'ml-lifecycle-cdk/ml-lifecycle-sandbox-etl/JobRunsFailed',
      ]),
    );
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).toContain(
      '\\"EndpointName\\",\\"ml-lifecycle-sandbox-churn\\"',
    );
  });

  it('graphs at most 50 metrics, so the dashboard stays in CloudWatch’s free tier (3 dashboards of up to 50)', () => {
    expect(graphed.length).toBeLessThanOrEqual(50);
  });

  it('alarms on the serving stack’s deployer dead letters', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: fromStack('ml-lifecycle-sandbox-serving', 'DeployerDeadLetters') }],
    });
  });

  it('alarms at the stage’s limits: a stream 10 minutes behind, records 15 minutes undelivered', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Threshold: 600_000,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryToS3.DataFreshness',
      Threshold: 900,
    });
  });

  it('sends alarms to a topic under the lake key, with no subscription unless configured', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: fromStack('ml-lifecycle-sandbox-data-lake', 'StorageDataKey'),
    });
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
  const { metrics } = dashboardContent(template);

  it('draws no graph of monitoring runs', () => {
    expect(metrics.filter((m) => m.endsWith('/DataQualityRunsWithViolations'))).toEqual([]);
  });
});

describe('ObservabilityStack with Model Monitor (opt-in)', () => {
  const { template } = synth({ config: { sandbox: { modelMonitor: { enabled: true } } } });
  const { metrics } = dashboardContent(template);

  it('graphs the serving monitor’s runs with violations', () => {
    expect(metrics).toContain('ml-lifecycle-cdk/ml-lifecycle-sandbox-churn/DataQualityRunsWithViolations');
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
