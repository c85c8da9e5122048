import { Match, Template } from 'aws-cdk-lib/assertions';
import { STAGE_DEFAULTS } from '../../lib/config';
import { CAPTURE_COLUMNS } from '../../lib/contracts/data-capture';
import { PRODUCTION_CONTEXT, buildApp } from '../support/app';

function synth(context = {}) {
  const { stacks } = buildApp(context);
  return { stacks, template: Template.fromStack(stacks.serving) };
}

/** The resources of a type, by logical id. */
function resources(template: Template, type: string): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}

/** Every statement of every inline policy of the stack. */
function statements(template: Template): Record<string, unknown>[] {
  return Object.values(resources(template, 'AWS::IAM::Policy')).flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
  );
}

describe('LakeMonitor (sandbox)', () => {
  const { stacks, template } = synth();

  describe('the capture table', () => {
    const tables = resources(template, 'AWS::Glue::Table');
    const table = Object.values(tables)[0]?.Properties as {
      DatabaseName: string;
      TableInput: {
        Name: string;
        Parameters: Record<string, unknown>;
        PartitionKeys: { Name: string }[];
        StorageDescriptor: { Columns: { Name: string; Type: string }[]; SerdeInfo: { SerializationLibrary: string } };
      };
    };

    it('is one table, data_capture, in the raw database', () => {
      expect(Object.keys(tables)).toHaveLength(1);
      expect(table.TableInput.Name).toBe('data_capture');
      expect(table.DatabaseName).toBe('ml_lifecycle_sandbox_raw');
    });

    it('reads JSON Lines with the OpenX SerDe, the documented record as lower-case columns', () => {
      expect(table.TableInput.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
        'org.openx.data.jsonserde.JsonSerDe',
      );
      expect(table.TableInput.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(
        CAPTURE_COLUMNS.map((c) => [c.name, c.type]),
      );
      expect(table.TableInput.StorageDescriptor.Columns.map((c) => c.Name)).toEqual([
        'capturedata',
        'eventmetadata',
        'eventversion',
      ]);
    });

    it('projects endpoint (injected), variant and hour as SageMaker lays the folders out', () => {
      expect(table.TableInput.PartitionKeys.map((k) => k.Name)).toEqual([
        'endpoint_name',
        'variant_name',
        'capture_hour',
      ]);
      expect(table.TableInput.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.endpoint_name.type': 'injected',
        'projection.variant_name.type': 'enum',
        'projection.variant_name.values': 'AllTraffic',
        'projection.capture_hour.type': 'date',
        'projection.capture_hour.format': 'yyyy/MM/dd/HH',
        'projection.capture_hour.interval.unit': 'HOURS',
      });
      const location = JSON.stringify(stacks.serving.resolve(table.TableInput.Parameters['storage.location.template']));
      expect(location).toContain('/data-capture/${endpoint_name}/${variant_name}/${capture_hour}/');
    });

    it('exists before any model (no condition), so the monitors can run and find nothing', () => {
      const json = template.toJSON() as { Resources: Record<string, { Type: string; Condition?: string }> };
      const monitorResources = Object.entries(json.Resources).filter(([id]) => id.startsWith('LakeMonitor'));
      expect(monitorResources.length).toBeGreaterThan(5);
      expect(monitorResources.filter(([, r]) => r.Condition !== undefined)).toEqual([]);
    });
  });

  describe('the quality function', () => {
    it('gets its settings from the stage config', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^Live quality of ml-lifecycle-sandbox-churn'),
        Timeout: 600,
        Environment: {
          Variables: Match.objectLike({
            ENDPOINT_NAME: 'ml-lifecycle-sandbox-churn',
            DATABASE: 'ml_lifecycle_sandbox_raw',
            CAPTURE_TABLE: 'data_capture',
            WORK_GROUP: Match.anyValue(),
            REPORT_BUCKET: Match.anyValue(),
            QUALITY_WINDOW_DAYS: '30',
            MINIMUM_OUTCOMES: '100',
            MIN_AUC: '0.75',
            MIN_PRECISION: '0.25',
            MIN_RECALL: '0.6',
            CHURN_RATE_BEFORE: Match.anyValue(),
            TARGET_CHURN_RATE: Match.anyValue(),
            INCENTIVE_BUDGET: Match.anyValue(),
            INCENTIVE_COST: Match.anyValue(),
            INCENTIVE_RETENTION: Match.anyValue(),
            RETAINED_CUSTOMER_VALUE: Match.anyValue(),
            CUSTOMERS_SCORED: Match.anyValue(),
          }),
        },
      });
    });

    it('runs on the schedule of the config, retried twice', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: STAGE_DEFAULTS.sandbox.monitoring.schedule,
        Targets: Match.arrayWith([
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeMonitorQualityFunction'), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          }),
        ]),
      });
    });

    it('keeps its logs a year, encrypted with the lake key', () => {
      const groups = Object.entries(resources(template, 'AWS::Logs::LogGroup')).filter(([id]) =>
        id.startsWith('LakeMonitorQualityFunction'),
      );
      expect(groups).toHaveLength(1);
      expect(groups[0]?.[1].Properties.RetentionInDays).toBe(365);
      expect(JSON.stringify(groups[0]?.[1].Properties.KmsKeyId)).toMatch(/StorageDataKey/);
    });

    it('publishes metrics in the monitoring namespace only', () => {
      expect(statements(template)).toContainEqual(
        expect.objectContaining({
          Sid: 'PublishMonitorMetrics',
          Action: 'cloudwatch:PutMetricData',
          Resource: '*',
          Condition: { StringEquals: { 'cloudwatch:namespace': 'MlLifecycle/Monitoring' } },
        }),
      );
    });

    it('queries only in the lake’s workgroup, and puts events only on the default bus', () => {
      const bySid = Object.fromEntries(statements(template).map((s) => [s.Sid, s]));
      expect(JSON.stringify(bySid.QueryLake?.Resource)).toMatch(/workgroup\//);
      expect(JSON.stringify(bySid.PutMonitorEvents?.Resource)).toMatch(/event-bus\/default/);
    });

    it('attaches the lake’s monitors policy', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp('live-quality'),
        ManagedPolicyArns: Match.arrayWith([
          { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('MonitorsAccess') }) },
        ]),
      });
    });
  });

  describe('the quality function’s outcomes', () => {
    it('reads the catalog entries of the raw outcome tables (and the capture table), changing none', () => {
      const catalog = Object.values(resources(template, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes('LakeMonitorQualityFunctionRole'))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
        .filter((s) => JSON.stringify(s.Action).includes('glue:GetTable'));
      const tables = [
        ...JSON.stringify(catalog.map((s) => s.Resource)).matchAll(/:table\/ml_lifecycle_sandbox_raw\/([a-z_]+)/g),
      ];
      expect(tables.map((m) => m[1]).sort()).toEqual(['data_capture', 'outcome_batch', 'outcome_stream']);
      expect(catalog.map((s) => s.Action)).toEqual([['glue:GetDatabase', 'glue:GetTable']]);
    });
  });

  describe('the drift function', () => {
    const monitoring = STAGE_DEFAULTS.sandbox.monitoring;
    const [driftId] = Object.keys(
      template.findResources('AWS::Lambda::Function', { Properties: { Handler: Match.anyValue() } }),
    ).filter((id) => id.startsWith('LakeMonitorDriftFunction'));
    /** The statements of the drift role's own policy. */
    const driftStatements = () =>
      Object.values(resources(template, 'AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes('LakeMonitorDriftFunctionRole'))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);

    it('is one function, in lambda/drift/', () => {
      expect(driftId).toBeDefined();
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(
          '^Data drift of ml-lifecycle-sandbox-churn: the last 24 h of captured requests',
        ),
        Timeout: 600,
      });
    });

    it('gets the window and the thresholds from the stage config, under their config names', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^Data drift'),
        Environment: {
          Variables: Match.objectLike({
            ENDPOINT_NAME: 'ml-lifecycle-sandbox-churn',
            DATABASE: 'ml_lifecycle_sandbox_raw',
            CAPTURE_TABLE: 'data_capture',
            WORK_GROUP: Match.anyValue(),
            REPORT_BUCKET: Match.anyValue(),
            WINDOW_HOURS: String(monitoring.windowHours),
            PSI_WATCH: String(monitoring.psiWatch),
            PSI_ACT: String(monitoring.psiAct),
            CATEGORICAL_WATCH: String(monitoring.categoricalWatch),
            CATEGORICAL_ACT: String(monitoring.categoricalAct),
            MISSING_WATCH: String(monitoring.missingWatch),
            MISSING_ACT: String(monitoring.missingAct),
            MINIMUM_ROWS: String(monitoring.minimumRows),
          }),
        },
      });
    });

    it('runs on the monitors’ schedule beside the quality function, retried twice', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: monitoring.schedule,
        Targets: Match.arrayWith([
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [driftId, 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          }),
        ]),
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [driftId, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeMonitorSchedule'), 'Arn'] },
      });
    });

    it('keeps its logs a year, encrypted with the lake key', () => {
      const groups = Object.entries(resources(template, 'AWS::Logs::LogGroup')).filter(([id]) =>
        id.startsWith('LakeMonitorDriftFunction'),
      );
      expect(groups).toHaveLength(1);
      expect(groups[0]?.[1].Properties.RetentionInDays).toBe(365);
      expect(JSON.stringify(groups[0]?.[1].Properties.KmsKeyId)).toMatch(/StorageDataKey/);
    });

    it('gets the monitors’ grants: the workgroup, the capture table, the model in service, metrics, events', () => {
      const bySid = Object.fromEntries(driftStatements().map((st) => [st.Sid, st]));
      expect(JSON.stringify(bySid.QueryLake?.Resource)).toMatch(/workgroup\//);
      expect(bySid.FindModelInService?.Action).toEqual([
        'sagemaker:DescribeEndpoint',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DescribeModel',
        'sagemaker:DescribeModelPackage',
      ]);
      expect(bySid.PublishMonitorMetrics).toMatchObject({
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'MlLifecycle/Monitoring' } },
      });
      expect(JSON.stringify(bySid.PutMonitorEvents?.Resource)).toMatch(/event-bus\/default/);
      expect(JSON.stringify(driftStatements())).toMatch(/table\/ml_lifecycle_sandbox_raw\/data_capture/);
    });

    it('attaches the lake’s monitors policy (captures, baselines, query results, reports)', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp('drift'),
        ManagedPolicyArns: Match.arrayWith([
          { 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('MonitorsAccess') }) },
        ]),
      });
    });

    it('alarms when it fails, to the alert topic', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: driftId } }],
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
      });
      expect(stacks.serving.lakeMonitor.errorAlarms.map((a) => a.node.id)).toEqual(['QualityErrors', 'DriftErrors']);
    });
  });

  describe('the alarms', () => {
    it.each([
      ['Auc', 0.75],
      ['Precision', 0.25],
      ['Recall', 0.6],
    ])('fires when live %s is below %s, missing data not breaching, to the alert topic', (metric, threshold) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'MlLifecycle/Monitoring',
        MetricName: metric,
        Dimensions: [{ Name: 'EndpointName', Value: 'ml-lifecycle-sandbox-churn' }],
        Statistic: 'Minimum',
        Period: 86400,
        Threshold: threshold,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
      });
    });

    it('exposes the three quality alarms for the retraining guard', () => {
      expect(stacks.serving.qualityAlarms).toHaveLength(3);
      expect(stacks.serving.qualityAlarms.map((a) => a.node.id)).toEqual(['AucAlarm', 'PrecisionAlarm', 'RecallAlarm']);
    });

    it('alarms when the quality function fails', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
      });
    });
  });
});

describe('LakeMonitor with the schedule off', () => {
  const { template } = synth({ config: { sandbox: { monitoring: { schedule: 'off' } } } });

  it('has no schedule rule, and keeps the functions to run by hand', () => {
    template.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: Match.anyValue() }, 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Live quality'),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Data drift'),
    });
  });
});

describe('LakeMonitor (production)', () => {
  const { template } = synth(PRODUCTION_CONTEXT);

  it('alarms below the production AUC', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Auc', Threshold: 0.8 });
  });

  it('checks drift over the production window and thresholds, hourly', () => {
    const monitoring = STAGE_DEFAULTS.production.monitoring;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Data drift'),
      Environment: {
        Variables: Match.objectLike({
          WINDOW_HOURS: String(monitoring.windowHours),
          PSI_ACT: String(monitoring.psiAct),
          MINIMUM_ROWS: String(monitoring.minimumRows),
        }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: monitoring.schedule });
  });
});
