import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { RemovalMode } from '../../lib/config';
import { EventLog } from '../../lib/shared/event-log';
import { testApp } from '../support/app';

function eventLogIn(removal: RemovalMode): { stack: Stack; log: EventLog } {
  const stack = new Stack(testApp(), 'Test');
  const log = new EventLog(stack, 'Events', {
    key: new kms.Key(stack, 'Key'),
    retention: logs.RetentionDays.THREE_MONTHS,
    removal,
  });
  return { stack, log };
}

describe('EventLog', () => {
  const { stack, log } = eventLogIn('retain');
  log.record('JobEnded', {
    description: 'Glue job runs that end',
    eventPattern: { source: ['aws.glue'], detailType: ['Glue Job State Change'] },
  });
  const template = Template.fromStack(stack);
  const logGroupArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Events'), 'Arn'] };

  it('is a log group encrypted with the given key, kept as long as told', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      RetentionInDays: 90,
    });
  });

  it.each([
    ['retain', 'Retain'],
    ['destroy', 'Delete'],
  ] as const)('keeps the log group by the removal mode (%s)', (removal, policy) => {
    Template.fromStack(eventLogIn(removal).stack).hasResource('AWS::Logs::LogGroup', { DeletionPolicy: policy });
  });

  it('lets EventBridge, and nobody else, write to it, with a native resource policy rather than a custom resource', () => {
    template.resourceCountIs('AWS::Logs::ResourcePolicy', 1);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    const [policy] = Object.values(template.findResources('AWS::Logs::ResourcePolicy'));
    // The document is a JSON string joined around the log group's ARN token; put the token back in
    // as a string to read it.
    const parts = (policy?.Properties.PolicyDocument as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const document = JSON.parse(
      parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replace(/"/g, "'"))).join(''),
    ) as unknown;
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: expect.stringMatching(/^\{'Fn::GetAtt':\['Events[0-9A-F]{8}','Arn'\]\}$/) as unknown,
        },
      ],
    });
  });

  it('records the events a rule matches in the log', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'Glue job runs that end',
      EventPattern: { source: ['aws.glue'], 'detail-type': ['Glue Job State Change'] },
      Targets: [Match.objectLike({ Arn: logGroupArn })],
    });
  });
});
