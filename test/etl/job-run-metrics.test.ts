import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { JobRunMetrics } from '../../lib/etl/job-run-metrics';
import { testApp } from '../support/app';
import { accountArn } from '../support/conditions';

describe('JobRunMetrics', () => {
  const stack = new Stack(testApp(), 'Test');
  const runs = new JobRunMetrics(stack, 'Runs', {
    jobNames: ['curate', 'features'],
    metricNamespace: 'test/etl',
    key: kms.Key.fromKeyArn(stack, 'Key', stack.formatArn({ service: 'kms', resource: 'key', resourceName: 'k' })),
    retention: logs.RetentionDays.ONE_WEEK,
    removal: 'destroy',
  });
  const template = Template.fromStack(stack);
  const logGroup = Match.stringLikeRegexp('^RunsLog[0-9A-F]{8}$');

  it('keeps the runs in a log encrypted with the key, for the retention and with the removal it is given', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: accountArn('kms', 'key/k'), RetentionInDays: 7 },
      DeletionPolicy: 'Delete',
    });
  });

  it('logs the end of every run of the jobs it is given, however it ended', () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.glue'],
        'detail-type': ['Glue Job State Change'],
        detail: { jobName: ['curate', 'features'], state: ['SUCCEEDED', 'FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logGroup, 'Arn'] } })],
    });
  });

  it.each([
    ['JobRunsSucceeded', '{ $.detail.state = "SUCCEEDED" }'],
    ['JobRunsFailed', '{ $.detail.state != "SUCCEEDED" }'],
  ])('counts %s from the log in the namespace it is given, one per run, per job', (metricName, filterPattern) => {
    template.resourceCountIs('AWS::Logs::MetricFilter', 2);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroup },
      FilterPattern: filterPattern,
      MetricTransformations: [
        {
          MetricNamespace: 'test/etl',
          MetricName: metricName,
          MetricValue: '1',
          Dimensions: [{ Key: 'JobName', Value: '$.detail.jobName' }],
        },
      ],
    });
  });

  it.each([
    ['metricSucceeded', 'JobRunsSucceeded', runs.metricSucceeded('curate')],
    ['metricFailed', 'JobRunsFailed', runs.metricFailed('curate')],
  ])('%s reads %s of one job, summed', (_method, metricName, metric) => {
    expect(metric.namespace).toBe('test/etl');
    expect(metric.metricName).toBe(metricName);
    expect(metric.dimensions).toEqual({ JobName: 'curate' });
    expect(metric.statistic).toBe('Sum');
  });

  it('takes the options it is given over its own', () => {
    const metric = runs.metricFailed('features', { period: Duration.hours(1), statistic: 'Maximum' });
    expect(metric.period.toSeconds()).toBe(3600);
    expect(metric.statistic).toBe('Maximum');
    expect(metric.dimensions).toEqual({ JobName: 'features' });
  });
});
