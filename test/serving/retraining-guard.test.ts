import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RetrainingGuard, type RetrainingGuardProps } from '../../lib/serving/retraining-guard';
import { PRODUCTION_CONTEXT, buildApp, testApp } from '../support/app';
import { unacknowledgedFindings } from '../support/resources';

/** The guard alone in a stack, its workflow, pipeline and alarms imported by name; bundling skipped. */
function guardIn(props: Partial<RetrainingGuardProps> = {}, alarmCount = 0) {
  const app = testApp({ 'aws:cdk:bundling-stacks': [] });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const qualityAlarms = Array.from({ length: alarmCount }, (_, i) =>
    cloudwatch.Alarm.fromAlarmName(stack, `Alarm${i}`, `quality-${i}`),
  );
  const guard = new RetrainingGuard(stack, 'Guard', {
    workflow: glue.Workflow.fromWorkflowName(stack, 'Workflow', 'churn-etl'),
    stateMachine: sfn.StateMachine.fromStateMachineName(stack, 'Pipeline', 'churn-pipeline'),
    qualityAlarms,
    enabled: true,
    minimumPeriod: Duration.hours(24),
    key: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    logRetention: logs.RetentionDays.ONE_MONTH,
    removal: 'destroy',
    ...props,
  });
  /** An ARN of this stack's account and region, as the template writes it. */
  const arn = (service: string, resource: string, resourceName: string, sep: ArnFormat) =>
    stack.resolve(stack.formatArn({ service, resource, resourceName, arnFormat: sep })) as unknown;
  return { app, stack, guard, arn, template: Template.fromStack(stack) };
}

/** The statements of the guard function's role policy. */
function guardStatements(template: Template): { Sid?: string; Action: string | string[]; Resource: unknown }[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('GuardFunctionRole'))
    .flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Sid?: string; Action: string | string[]; Resource: unknown }[],
    );
}

describe('RetrainingGuard', () => {
  describe('on (sandbox)', () => {
    const { app, template, arn } = guardIn({}, 2);
    const COLON = ArnFormat.COLON_RESOURCE_NAME;
    const SLASH = ArnFormat.SLASH_RESOURCE_NAME;

    it('runs the guard function with its settings: on, the period in hours, the workflow and the pipeline', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            ENABLED: 'true',
            MINIMUM_PERIOD_HOURS: '24',
            WORKFLOW_NAME: 'churn-etl',
            STATE_MACHINE_ARN: arn('states', 'stateMachine', 'churn-pipeline', COLON),
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
    });

    it('is invoked by acting drift verdicts, and by nothing else of the monitors', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['ml-lifecycle.monitoring'],
          'detail-type': ['Drift verdict'],
          detail: { verdict: ['act'] },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GuardFunction'), 'Arn'] } })],
      });
    });

    it('is invoked when one of the quality alarms goes to ALARM', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          resources: [arn('cloudwatch', 'alarm', 'quality-0', COLON), arn('cloudwatch', 'alarm', 'quality-1', COLON)],
          detail: { state: { value: ['ALARM'] } },
        },
      });
    });

    it('may read and start the workflow, list the pipeline’s executions and put its decisions, and nothing more', () => {
      const bySid = new Map(guardStatements(template).map((s) => [s.Sid, s]));
      expect(bySid.get('ReadWorkflowRuns')).toMatchObject({
        Action: ['glue:GetWorkflowRuns', 'glue:StartWorkflowRun'],
        Resource: arn('glue', 'workflow', 'churn-etl', SLASH),
      });
      expect(bySid.get('ReadPipelineRuns')).toMatchObject({
        Action: 'states:ListExecutions',
        Resource: arn('states', 'stateMachine', 'churn-pipeline', COLON),
      });
      expect(bySid.get('PutDecisions')).toMatchObject({
        Action: 'events:PutEvents',
        Resource: arn('events', 'event-bus', 'default', SLASH),
      });
    });

    it('retries an invocation twice, within an hour', () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
      });
    });

    it('leaves no compliance finding unacknowledged', () => {
      expect(unacknowledgedFindings(app)).toEqual([]);
    });
  });

  describe('off (production)', () => {
    const { template } = guardIn({ enabled: false, minimumPeriod: Duration.hours(168) });

    it('keeps its rule and function, which report each trigger as skipped-disabled', () => {
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ ENABLED: 'false', MINIMUM_PERIOD_HOURS: '168' }) },
      });
    });

    it('may not start the workflow', () => {
      const actions = guardStatements(template).flatMap((s) => [s.Action].flat());
      expect(actions).toContain('glue:GetWorkflowRuns');
      expect(actions).not.toContain('glue:StartWorkflowRun');
    });
  });

  it('has no alarm rule without quality alarms', () => {
    guardIn().template.resourceCountIs('AWS::Events::Rule', 1);
  });

  it.each([Duration.minutes(90), Duration.minutes(30), Duration.days(400)])(
    'refuses a minimum period that is not whole hours from 1 to 8760 (%s)',
    (minimumPeriod) => {
      expect(() => guardIn({ minimumPeriod })).toThrow(/^minimumPeriod is .*; expected whole hours from 1 hour/);
    },
  );
});

describe('the Serving stack’s retraining guard, per stage config', () => {
  it.each([
    ['sandbox', {}, 'true', '24'],
    ['production', PRODUCTION_CONTEXT, 'false', '168'],
  ])('is %s: ENABLED %s, a period of %s h', (_stage, context, enabled, hours) => {
    const template = Template.fromStack(buildApp(context).stacks.serving);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ENABLED: enabled, MINIMUM_PERIOD_HOURS: hours }) },
    });
    // Off, the rule stays: each acting verdict is reported as skipped-disabled on the dashboard.
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'detail-type': ['Drift verdict'] }),
    });
  });
});
