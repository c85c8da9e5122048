import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlarmTopic } from '../../lib/shared/alarm-topic';
import { buildApp, testApp } from '../support/app';
import { FROM_ALARMS_OF_THIS_ACCOUNT } from '../support/conditions';

/** The statements of the one topic policy in `template`. */
function topicStatements(template: Template): Record<string, unknown>[] {
  const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
  expect(policies).toHaveLength(1);
  return (policies[0]?.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } }).PolicyDocument
    .Statement;
}

describe('AlarmTopic', () => {
  const stack = new Stack(testApp(), 'Test');
  new AlarmTopic(stack, 'Topic', { displayName: 'alarms', key: new kms.Key(stack, 'Key') });
  const template = Template.fromStack(stack);

  it('is encrypted with the given key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
  });

  it('lets CloudWatch alarms of this account and region publish, and nobody without TLS', () => {
    const statements = topicStatements(template);
    const topic = { Ref: expect.stringMatching(/^Topic/) as unknown };
    expect(statements).toContainEqual({
      Sid: 'AllowCloudWatchAlarmsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topic,
      Condition: FROM_ALARMS_OF_THIS_ACCOUNT,
    });
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });
});

describe('the app’s alarm topics', () => {
  const { stacks } = buildApp();

  it.each([
    ['Serving', () => stacks.serving],
    ['Observability', () => stacks.observability],
  ])('%s: its alarms publish to a topic CloudWatch may publish to', (_name, stackOf) => {
    const template = Template.fromStack(stackOf());
    expect(topicStatements(template).map((s) => s.Sid)).toContain('AllowCloudWatchAlarmsToPublish');
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm.Properties as { AlarmActions?: unknown[] }).AlarmActions).toEqual(
        topics.map((id) => ({ Ref: id })),
      );
    }
  });
});
