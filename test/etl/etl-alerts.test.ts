import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EtlAlerts } from '../../lib/etl/etl-alerts';
import { testApp } from '../support/app';
import { accountArn } from '../support/conditions';

describe('EtlAlerts', () => {
  const stack = new Stack(testApp(), 'Test');
  const key = kms.Key.fromKeyArn(stack, 'Key', stack.formatArn({ service: 'kms', resource: 'key', resourceName: 'k' }));
  new EtlAlerts(stack, 'Alerts', {
    failures: { source: ['aws.glue'], detailType: ['Glue Job State Change'], detail: { state: ['FAILED'] } },
    key,
  });
  const template = Template.fromStack(stack);
  const topic = { Ref: expect.stringMatching(/^AlertsTopic/) as unknown };

  it('is an SNS topic encrypted with the key it is given', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'ml-lifecycle-cdk ETL failures',
      KmsMasterKeyId: accountArn('kms', 'key/k'),
    });
  });

  it('sends the events it is given, and only those, to the topic', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toEqual({
      Description: 'A curate or features job run failed, timed out or was stopped',
      EventPattern: { source: ['aws.glue'], 'detail-type': ['Glue Job State Change'], detail: { state: ['FAILED'] } },
      State: 'ENABLED',
      Targets: [{ Id: 'Target0', Arn: topic }],
    });
  });

  it('lets EventBridge publish, and nobody publish without TLS', () => {
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]?.Properties as { PolicyDocument: { Statement: unknown[] } }).PolicyDocument
      .Statement;
    expect(statements).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: topic,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topic,
      }),
    ]);
  });
});
