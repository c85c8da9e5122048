import { Match, Template } from 'aws-cdk-lib/assertions';
import { SERVING_PARAMETERS } from '../../lib/contracts/serving';
import { HANDLER_PERMISSIONS } from '../../lib/permissions/handler-permissions';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';

/** A partition for example ARNs (an ARN literal would trip the project's lint rule). */
const PARTITION = 'aws';

/** The sandbox with the opt-in Model Monitor turned on. */
const MODEL_MONITOR_CONTEXT = { config: { sandbox: { modelMonitor: { enabled: true } } } };

function synth(context = {}) {
  const { stacks } = buildApp(context);
  return { stacks, template: Template.fromStack(stacks.serving) };
}

/** A resource of the template, as much of it as the tests read. */
interface TemplateResource {
  Condition?: string;
  Properties: Record<string, unknown> & { PolicyDocument?: { Statement: unknown[] } };
}

/** The resources of a type, by logical id. */
function resources(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/**
 * The logical ids of the resources CloudFormation would create with these parameter values: the
 * template's conditions evaluated as CloudFormation does (the few intrinsics they use here).
 */
function deployedWith(template: Template, parameters: Record<string, string>): string[] {
  const json = template.toJSON() as {
    Conditions?: Record<string, unknown>;
    Parameters?: Record<string, { Default?: string }>;
    Resources: Record<string, { Condition?: string }>;
  };
  const value = (expression: unknown): unknown => {
    if (typeof expression === 'string') {
      return expression;
    }
    const e = expression as Record<string, unknown[] | string>;
    if (typeof e.Ref === 'string') {
      return parameters[e.Ref] ?? json.Parameters?.[e.Ref]?.Default;
    }
    if (typeof e.Condition === 'string') {
      return value(json.Conditions?.[e.Condition]);
    }
    if (Array.isArray(e['Fn::And'])) {
      return e['Fn::And'].every((operand) => value(operand) === true);
    }
    if (Array.isArray(e['Fn::Equals'])) {
      const [a, b] = e['Fn::Equals'];
      return value(a) === value(b);
    }
    if (Array.isArray(e['Fn::Not'])) {
      return !value(e['Fn::Not'][0]);
    }
    throw new Error(`no evaluator for ${JSON.stringify(expression)}`);
  };
  return Object.entries(json.Resources)
    .filter(([, r]) => r.Condition === undefined || value(json.Conditions?.[r.Condition]) === true)
    .map(([id]) => id);
}

/** The resource types that need a model (the `HasModel` condition). */
const CONDITIONAL = [
  'AWS::SageMaker::Model',
  'AWS::SageMaker::EndpointConfig',
  'AWS::SageMaker::Endpoint',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
];

/** An IAM policy statement as the template holds it. */
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of the deploy role's policy: everything CloudFormation may do in a model update. */
function deployStatements(template: Template): Statement[] {
  const policies = Object.values(resources(template, 'AWS::IAM::ManagedPolicy')).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes('DeployerDeployRole'),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument?.Statement as Statement[];
}

/** The actions the statements allow, each with the resources it is allowed on. */
function allowed(statements: Statement[]): Map<string, unknown[]> {
  const actions = new Map<string, unknown[]>();
  for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
    for (const action of [statement.Action].flat()) {
      actions.set(action, [...(actions.get(action) ?? []), ...[statement.Resource].flat()]);
    }
  }
  return actions;
}

/** The names of the stacks whose outputs a template reads with `Fn::GetStackOutput`. */
function stackOutputsRead(node: unknown): string[] {
  if (Array.isArray(node)) {
    return node.flatMap(stackOutputsRead);
  }
  if (typeof node !== 'object' || node === null) {
    return [];
  }
  const reference = (node as Record<string, { StackName?: unknown }>)['Fn::GetStackOutput'];
  if (reference !== undefined) {
    return [String(reference.StackName)];
  }
  return Object.values(node).flatMap(stackOutputsRead);
}

/**
 * The Model Monitor resource types: they need a model and its baseline (`HasModelAndBaseline`), and
 * the deploy role has their permissions only with Model Monitor.
 */
const MONITOR_TYPES = ['AWS::SageMaker::DataQualityJobDefinition', 'AWS::SageMaker::MonitoringSchedule'];

/**
 * The types of the resources that a change of the model parameters creates, updates or deletes:
 * those with a condition on them or a reference to them, and those that refer to such a resource.
 */
function typesChangedByTheModel(template: Template): string[] {
  const json = template.toJSON() as {
    Parameters: Record<string, unknown>;
    Resources: Record<string, { Type: string; Condition?: string; Properties?: unknown }>;
  };
  const model = new Set(['ModelPackageArn', 'BaselineStatisticsUri', 'BaselineConstraintsUri']);
  const changed = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, resource] of Object.entries(json.Resources)) {
      const refs = JSON.stringify(resource.Properties ?? {});
      const touched =
        resource.Condition === 'HasModel' ||
        resource.Condition === 'HasModelAndBaseline' ||
        [...model, ...changed].some((name) => refs.includes(`"Ref":"${name}"`) || refs.includes(`"${name}","`));
      if (touched && !changed.has(id)) {
        changed.add(id);
        grew = true;
      }
    }
  }
  return [...new Set([...changed].map((id) => json.Resources[id]?.Type ?? ''))].sort();
}

/** Parameter values: a package version, and its baseline. */
const PACKAGE = {
  ModelPackageArn: `arn:${PARTITION}:sagemaker:eu-west-1:123456789012:model-package/ml-lifecycle-sandbox-churn/3`,
};
const BASELINE = {
  BaselineStatisticsUri: 's3://artifacts/training-runs/r/baseline/statistics.json',
  BaselineConstraintsUri: 's3://artifacts/training-runs/r/baseline/constraints.json',
};

/** The logical ids of the resources of some types. */
function idsOf(template: Template, types: readonly string[]): string[] {
  return types.flatMap((type) => Object.keys(resources(template, type)));
}

/** The resource types the deploy role's statement groups say they serve. */
function typesNamedByTheDeployPolicy(stacks: ReturnType<typeof synth>['stacks']): string[] {
  const groups = stacks.serving.deployer.deployPolicy.statementGroups;
  return [...new Set(groups.flatMap((group) => group.resourceTypes))].sort();
}

describe('ServingStack (sandbox)', () => {
  const { stacks, template } = synth();

  describe('the model reaches the stack as parameters', () => {
    it('takes the approved package as its one parameter, empty by default: no baseline without Model Monitor', () => {
      template.hasParameter(SERVING_PARAMETERS.modelPackageArn, {
        Type: 'String',
        Default: '',
        AllowedPattern: Match.stringLikeRegexp('model-package'),
      });
      const parameters = Object.keys(template.toJSON().Parameters as object);
      expect(parameters.filter((name) => name !== 'BootstrapVersion')).toEqual(['ModelPackageArn']);
    });

    it('creates every model-dependent resource only when a package is given, yet shows them all in synth', () => {
      template.hasCondition('HasModel', {
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ModelPackageArn' }, ''] }],
      });
      for (const type of CONDITIONAL) {
        const found = Object.values(resources(template, type));
        expect({ type, count: found.length }).toEqual({ type, count: 1 });
        expect({ type, condition: found[0]?.Condition }).toEqual({ type, condition: 'HasModel' });
      }
    });

    it('keeps the alarms, the deployer and the roles unconditional, so they exist before the first model', () => {
      for (const type of ['AWS::CloudWatch::Alarm', 'AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::Events::Rule']) {
        for (const [id, resource] of Object.entries(resources(template, type))) {
          expect({ id, condition: resource.Condition }).toEqual({ id, condition: undefined });
        }
      }
    });

    it('deploys no endpoint without a package, and all of it with one', () => {
      const all = Object.keys(template.toJSON().Resources as object);
      const conditional = idsOf(template, CONDITIONAL);
      const without = deployedWith(template, {});
      expect(without.filter((id) => conditional.includes(id))).toEqual([]);
      expect(without).toEqual(all.filter((id) => !conditional.includes(id)));
      expect(deployedWith(template, PACKAGE)).toEqual(all);
    });

    it('has no Model Monitor (opt-in): no monitor, no baseline condition, no analyzer image, no violations alarm', () => {
      for (const type of MONITOR_TYPES) {
        template.resourceCountIs(type, 0);
      }
      expect(Object.keys(template.toJSON().Conditions as object)).toEqual(['HasModel']);
      expect(template.toJSON()).not.toHaveProperty('Mappings');
      expect(JSON.stringify(template.toJSON())).not.toMatch(/model-monitor-analyzer|DataQualityRunsWithViolations/);
      // The endpoint's three, and the lake monitor's: AUC, precision, recall, the quality and drift functions' errors.
      template.resourceCountIs('AWS::CloudWatch::Alarm', 3 + 5);
      expect(Object.keys(template.findOutputs('*'))).not.toContain('MonitoringReportsLocation');
      template.resourceCountIs('AWS::SageMaker::Endpoint', 1);
    });

    it('accepts a package version ARN or nothing as the package parameter, and no other text', () => {
      const pattern = new RegExp(
        (template.toJSON() as { Parameters: Record<string, { AllowedPattern: string }> }).Parameters.ModelPackageArn
          ?.AllowedPattern ?? '',
      );
      expect(pattern.test('')).toBe(true);
      expect(
        pattern.test(`arn:${PARTITION}:sagemaker:eu-west-1:123456789012:model-package/ml-lifecycle-sandbox-churn/12`),
      ).toBe(true);
      expect(
        pattern.test(
          `arn:${PARTITION}:sagemaker:eu-west-1:123456789012:model-package-group/ml-lifecycle-sandbox-churn`,
        ),
      ).toBe(false);
      expect(pattern.test('ml-lifecycle-sandbox-churn/12')).toBe(false);
    });

    it('outputs the endpoint name only while a model is deployed', () => {
      template.hasOutput('EndpointName', { Condition: 'HasModel', Value: 'ml-lifecycle-sandbox-churn' });
    });

    it('outputs the lake monitors’ function names, with or without a model, so they can be run at once', () => {
      const outputs = template.findOutputs('*');
      for (const [output, fn] of [
        ['DriftFunctionName', 'LakeMonitorDriftFunction'],
        ['QualityFunctionName', 'LakeMonitorQualityFunction'],
      ] as const) {
        expect(outputs[output]?.Condition).toBeUndefined();
        expect(JSON.stringify(outputs[output]?.Value)).toMatch(new RegExp(`"Ref":"${fn}[0-9A-F]{8}"`));
      }
      expect(JSON.stringify(outputs.LakeMonitorReportsLocation?.Value)).toContain('/monitoring/');
    });
  });

  describe('the endpoint', () => {
    it('serves the package parameter as the serving role, capturing into the lake’s artifacts bucket', () => {
      template.hasResourceProperties('AWS::SageMaker::Model', {
        PrimaryContainer: { ModelPackageName: { Ref: 'ModelPackageArn' } },
        ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServingRole'), 'Arn'] },
      });
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        KmsKeyId: Match.anyValue(),
        DataCaptureConfig: Match.objectLike({
          DestinationS3Uri: { 'Fn::Join': ['', ['s3://', Match.anyValue(), '/data-capture/']] },
        }),
      });
    });

    it('serves with the sandbox’s settings: one to two instances, every request captured, all at once after 5 minutes', () => {
      template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
        ProductionVariants: [Match.objectLike({ InstanceType: 'ml.m5.large', InitialInstanceCount: 1 })],
        DataCaptureConfig: Match.objectLike({ InitialSamplingPercentage: 100 }),
      });
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 2 });
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 300 }),
      });
      template.hasResourceProperties('AWS::SageMaker::Endpoint', {
        DeploymentConfig: Match.objectLike({
          BlueGreenUpdatePolicy: Match.objectLike({
            TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 300 },
          }),
        }),
      });
    });

    it('sends every endpoint alarm to the alert topic, latency above the sandbox’s 500 ms', () => {
      // The endpoint's three, and the lake monitor's five (test/serving/lake-monitor.test.ts).
      template.resourceCountIs('AWS::CloudWatch::Alarm', 3 + 5);
      template.allResourcesProperties('AWS::CloudWatch::Alarm', {
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', Threshold: 500_000 });
    });
  });

  describe('automatic deployment', () => {
    it('deploys each approved version of the training registry to this stack', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({
          detail: Match.objectLike({ ModelPackageGroupName: ['ml-lifecycle-sandbox-churn'] }),
        }),
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            STACK_NAME: 'ml-lifecycle-sandbox-serving',
            MODEL_PACKAGE_GROUP_NAME: 'ml-lifecycle-sandbox-churn',
          }),
        },
      });
    });

    it('gives CloudFormation exactly the serving resources, by name prefix, and the serving role for SageMaker', () => {
      const [policy] = Object.values(resources(template, 'AWS::IAM::ManagedPolicy')).filter((p) =>
        JSON.stringify(p.Properties.PolicyDocument).includes('ServingResources'),
      );
      const statements = policy?.Properties.PolicyDocument?.Statement as {
        Sid: string;
        Action: string[];
        Resource: unknown;
      }[];
      const kinds = (sid: string) =>
        ([] as unknown[])
          .concat(statements.find((s) => s.Sid === sid)?.Resource)
          .map((r) => /:([a-z-]+)\/ml-lifecycle-sandbox-churn\*"\]\]\}$/.exec(JSON.stringify(r))?.[1])
          .sort();
      expect(kinds('ServingResources')).toEqual(['endpoint', 'endpoint-config', 'model']);
      // Model Monitor is opt-in: without it, no power over monitoring job definitions or schedules.
      expect(statements.find((st) => st.Sid === 'MonitorResources')).toBeUndefined();
      const actions = [...allowed(deployStatements(template)).keys()];
      expect(actions.filter((a) => /DataQualityJobDefinition|MonitoringSchedule/.test(a))).toEqual([]);
      for (const statement of statements) {
        expect([statement.Action].flat().filter((a) => a.endsWith('*'))).toEqual([]);
      }
      expect(statements.find((s) => s.Sid === 'PassServingRole')).toMatchObject({
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      });
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'cloudformation.amazonaws.com' } })],
        }),
      });
    });

    it('lists the handler permissions of exactly the resource types a model deployment touches', () => {
      expect(typesChangedByTheModel(template)).toEqual(
        Object.keys(HANDLER_PERMISSIONS)
          .filter((type) => !MONITOR_TYPES.includes(type))
          .sort(),
      );
    });

    it('groups the deploy role’s statements under exactly the resource types a model deployment touches', () => {
      expect(typesNamedByTheDeployPolicy(stacks)).toEqual(typesChangedByTheModel(template));
    });

    it('changes no alarm with the model, so the deploy role needs no alarm handler permissions', () => {
      expect(typesChangedByTheModel(template)).not.toContain('AWS::CloudWatch::Alarm');
    });

    it('tags the scalable target with the app tags, so CloudFormation tags it (the contract’s handler-scalabletarget-*-tagresource rows)', () => {
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        Tags: Match.arrayWith([{ Key: 'project', Value: 'ml-lifecycle-cdk' }]),
      });
    });

    it('lets CloudFormation read the outputs of every stack the template reads them from, by stack', () => {
      const producers = [...new Set(stackOutputsRead(template.toJSON()))];
      // The lake (bucket, key, policy), and the retraining guard's workflow (Etl) and pipeline (Training).
      expect(producers).toEqual([
        'ml-lifecycle-sandbox-data-lake',
        'ml-lifecycle-sandbox-etl',
        'ml-lifecycle-sandbox-training',
      ]);
      const describe = allowed(deployStatements(template)).get('cloudformation:DescribeStacks') ?? [];
      for (const producer of producers) {
        expect(describe).toContainEqual({
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudformation:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              `:stack/${producer}/*`,
            ],
          ],
        });
      }
      expect(describe).toHaveLength(producers.length);
    });

    it("lets SageMaker describe the endpoint's rollback alarms, and no other alarm, as the deploy role", () => {
      const [endpoint] = Object.values(resources(template, 'AWS::SageMaker::Endpoint'));
      const rollback = (
        endpoint?.Properties as {
          DeploymentConfig: { AutoRollbackConfiguration: { Alarms: { AlarmName: { Ref: string } }[] } };
        }
      ).DeploymentConfig.AutoRollbackConfiguration.Alarms.map((a) => a.AlarmName.Ref);
      expect(rollback).toHaveLength(2);
      const statement = deployStatements(template).find((s) => s.Sid === 'ReadRollbackAlarms');
      expect(statement).toMatchObject({ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms' });
      expect([statement?.Resource].flat()).toEqual(
        expect.arrayContaining(rollback.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))),
      );
      expect([statement?.Resource].flat()).toHaveLength(rollback.length);
    });
  });

  it('matches the snapshot', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });
});

describe('ServingStack (production)', () => {
  const { template } = synth(PRODUCTION_CONTEXT);

  it('runs at least two instances, shifts a canary first, and bakes for 10 minutes', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InitialInstanceCount: 2 })],
      DataCaptureConfig: Match.objectLike({ InitialSamplingPercentage: 20 }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 4 });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({
        BlueGreenUpdatePolicy: Match.objectLike({
          TrafficRoutingConfiguration: Match.objectLike({ Type: 'CANARY', WaitIntervalInSeconds: 600 }),
        }),
      }),
    });
  });

  it('has no Model Monitor by default either', () => {
    template.resourceCountIs('AWS::SageMaker::MonitoringSchedule', 0);
  });

  it('monitors hourly once Model Monitor is enabled', () => {
    const monitored = synth({
      ...PRODUCTION_CONTEXT,
      config: {
        production: {
          ...(PRODUCTION_CONTEXT.config as { production: object }).production,
          modelMonitor: { enabled: true },
        },
      },
    }).template;
    monitored.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', {
      MonitoringScheduleConfig: Match.objectLike({ ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } }),
    });
    monitored.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      JobResources: { ClusterConfig: Match.objectLike({ InstanceType: 'ml.m5.xlarge' }) },
    });
  });
});

describe('ServingStack with Model Monitor (opt-in)', () => {
  const { stacks, template } = synth(MODEL_MONITOR_CONTEXT);

  it('takes the package’s baseline as two more parameters, empty by default', () => {
    for (const name of Object.values(SERVING_PARAMETERS)) {
      template.hasParameter(name, { Type: 'String', Default: '' });
    }
    template.hasParameter('BaselineStatisticsUri', { AllowedPattern: '^$|^s3://.+$' });
  });

  it('monitors only when the package has a baseline: HasModelAndBaseline on the monitor, HasModel on the endpoint', () => {
    template.hasCondition('HasModelAndBaseline', {
      'Fn::And': [
        { Condition: 'HasModel' },
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'BaselineStatisticsUri' }, ''] }] },
        { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'BaselineConstraintsUri' }, ''] }] },
      ],
    });
    for (const [types, condition] of [
      [CONDITIONAL, 'HasModel'],
      [MONITOR_TYPES, 'HasModelAndBaseline'],
    ] as const) {
      for (const type of types) {
        const found = Object.values(resources(template, type));
        expect({ type, conditions: found.map((r) => r.Condition) }).toEqual({ type, conditions: [condition] });
      }
    }
  });

  it('deploys the endpoint with a package, and the monitor only with its baseline as well', () => {
    const all = Object.keys(template.toJSON().Resources as object);
    const endpoint = idsOf(template, CONDITIONAL);
    const monitor = idsOf(template, MONITOR_TYPES);
    expect(monitor).toHaveLength(2);
    const unconditional = all.filter((id) => !endpoint.includes(id) && !monitor.includes(id));
    expect(deployedWith(template, {})).toEqual(unconditional);
    expect(deployedWith(template, BASELINE)).toEqual(unconditional);
    expect(deployedWith(template, PACKAGE)).toEqual(all.filter((id) => !monitor.includes(id)));
    expect(deployedWith(template, { ...PACKAGE, BaselineStatisticsUri: BASELINE.BaselineStatisticsUri })).toEqual(
      all.filter((id) => !monitor.includes(id)),
    );
    expect(deployedWith(template, { ...PACKAGE, ...BASELINE })).toEqual(all);
  });

  it('maps each region to its analyzer image registry, and outputs where the reports go', () => {
    const [rows] = Object.values(template.toJSON().Mappings as Record<string, Record<string, object>>);
    expect(rows?.['eu-west-1']).toMatchObject({ modelMonitor: '468650794304' });
    template.hasOutput('MonitoringReportsLocation', {});
    // The endpoint's three, the violations alarm, and the lake monitor's five, which run beside it.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4 + 5);
  });

  it('monitors the endpoint daily against the package’s baseline, as the serving role, alarming to the alert topic', () => {
    template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServingRole'), 'Arn'] },
      DataQualityBaselineConfig: {
        StatisticsResource: { S3Uri: { Ref: 'BaselineStatisticsUri' } },
        ConstraintsResource: { S3Uri: { Ref: 'BaselineConstraintsUri' } },
      },
      DataQualityJobInput: { EndpointInput: Match.objectLike({ EndpointName: 'ml-lifecycle-sandbox-churn' }) },
      JobResources: { ClusterConfig: Match.objectLike({ InstanceType: 'ml.m5.large' }) },
    });
    template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', {
      MonitoringScheduleConfig: Match.objectLike({ ScheduleConfig: { ScheduleExpression: 'cron(0 0 ? * * *)' } }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DataQualityRunsWithViolations',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
  });

  it('lists the handler permissions of exactly the resource types a model deployment touches, the monitor’s too', () => {
    expect(typesChangedByTheModel(template)).toEqual(Object.keys(HANDLER_PERMISSIONS).sort());
  });

  it('groups the deploy role’s statements under exactly the resource types a model deployment touches, the monitor’s too', () => {
    expect(typesNamedByTheDeployPolicy(stacks)).toEqual(typesChangedByTheModel(template));
  });
});
