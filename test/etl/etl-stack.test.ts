import { Match, Template } from 'aws-cdk-lib/assertions';
import { customerColumns } from '../../lib/etl/curated-tables';
import { ANALYSIS_QUERIES } from '../../lib/etl/analysis-queries';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';

function synth(context = {}) {
  const { stacks } = buildApp(context);
  return { stacks, template: Template.fromStack(stacks.etl) };
}

const jobNamed = (id: string) => ({ Ref: Match.stringLikeRegexp(`^Jobs${id}`) });

/** A rule on the curate and features jobs' runs ending in one of `states`, sent to `target`. */
const runsOfBothJobsEndingIn = (states: string[], target: unknown) => ({
  EventPattern: {
    source: ['aws.glue'],
    'detail-type': ['Glue Job State Change'],
    detail: { jobName: [jobNamed('CurateJob'), jobNamed('FeaturesJob')], state: states },
  },
  Targets: [Match.objectLike({ Arn: target })],
});

describe('EtlStack (sandbox)', () => {
  const { stacks, template } = synth();
  const { etl, dataLake } = stacks;
  const dataKeyArn = etl.resolve(dataLake.storage.key.keyArn);

  describe('jobs', () => {
    it.each(['CurateJob', 'FeaturesJob'])(
      'runs %s on Glue 5.0 with the configured workers, timeout and retries, one run at a time',
      (id) => {
        template.hasResourceProperties('AWS::Glue::Job', {
          Description: Match.anyValue(),
          GlueVersion: '5.0',
          WorkerType: 'G.1X',
          NumberOfWorkers: 2,
          Timeout: 30,
          MaxRetries: 1,
          ExecutionProperty: { MaxConcurrentRuns: 1 },
          Command: Match.objectLike({ Name: 'glueetl', PythonVersion: '3' }),
          SecurityConfiguration: Match.anyValue(),
          Role: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^Jobs${id.replace('Job', 'Role')}`), 'Arn'] },
        });
      },
    );

    it('auto-scales, logs continuously, publishes metrics, and bookmarks what curate has read', () => {
      template.hasResourceProperties('AWS::Glue::Job', {
        DefaultArguments: Match.objectLike({
          '--enable-auto-scaling': 'true',
          '--enable-continuous-cloudwatch-log': 'true',
          '--enable-metrics': '',
          '--job-bookmark-option': 'job-bookmark-enable',
          '--raw_database': 'ml_lifecycle_sandbox_raw',
          '--stream_table': 'churn_stream',
          '--batch_table': 'churn_batch',
          '--curated_database': 'ml_lifecycle_sandbox_curated',
          '--curated_table': 'customers',
          '--sql_validated': Match.anyValue(),
          '--sql_customers': Match.anyValue(),
          '--sql_quarantine': Match.anyValue(),
        }),
      });
    });

    it('rebuilds features from the whole curated table (no bookmark), with the configured split', () => {
      template.hasResourceProperties('AWS::Glue::Job', {
        DefaultArguments: Match.objectLike({
          '--job-bookmark-option': 'job-bookmark-disable',
          '--train_fraction': '0.7',
          '--validation_fraction': '0.15',
          '--sql_features': Match.anyValue(),
        }),
      });
    });

    it('encrypts S3 output, logs and bookmarks with the lake key', () => {
      template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
        EncryptionConfiguration: {
          S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: dataKeyArn }],
          CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: dataKeyArn },
          JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS', KmsKeyArn: dataKeyArn },
        },
      });
    });

    it("gives each job a role of its own whose data access is the lake's policy for it", () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'glue.amazonaws.com' } })],
        }),
        ManagedPolicyArns: [etl.resolve(dataLake.access.curateJob.policy.managedPolicyArn)],
      });
      template.hasResourceProperties('AWS::IAM::Role', {
        ManagedPolicyArns: [etl.resolve(dataLake.access.featuresJob.policy.managedPolicyArn)],
      });
    });
  });

  it('lets each job role use only its own databases (and default, which Spark looks up)', () => {
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^JobsFeaturesRole') }] },
      }),
    );
    const text = JSON.stringify(policies);
    expect(text).toContain(':database/ml_lifecycle_sandbox_curated');
    expect(text).toContain(':database/default');
    expect(text).not.toContain('ml_lifecycle_sandbox_raw');
  });

  describe('workflow', () => {
    it('starts curate on demand in the sandbox, where no schedule is set', () => {
      template.hasResourceProperties('AWS::Glue::Trigger', {
        Type: 'ON_DEMAND',
        Actions: [{ JobName: jobNamed('CurateJob') }],
      });
    });

    it('starts features when curate succeeds', () => {
      template.hasResourceProperties('AWS::Glue::Trigger', {
        Type: 'CONDITIONAL',
        StartOnCreation: true,
        Actions: [{ JobName: jobNamed('FeaturesJob') }],
        Predicate: {
          Conditions: [{ JobName: jobNamed('CurateJob'), LogicalOperator: 'EQUALS', State: 'SUCCEEDED' }],
        },
      });
    });

    it('announces features success as the Glue job state change the training pipeline subscribes to', () => {
      expect(etl.resolve(etl.etl.featuresSucceeded)).toEqual({
        source: ['aws.glue'],
        detailType: ['Glue Job State Change'],
        detail: { jobName: [{ Ref: expect.stringMatching(/^JobsFeaturesJob/) }], state: ['SUCCEEDED'] },
      });
    });

    it('publishes every failed, timed-out or stopped run to an encrypted topic', () => {
      template.hasResourceProperties(
        'AWS::Events::Rule',
        runsOfBothJobsEndingIn(['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'], {
          Ref: Match.stringLikeRegexp('^AlertsTopic'),
        }),
      );
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: dataKeyArn });
    });
  });

  describe('job run metrics', () => {
    it('logs the end of every curate and features run, however it ended, to a KMS-encrypted log kept a year', () => {
      template.hasResourceProperties(
        'AWS::Events::Rule',
        runsOfBothJobsEndingIn(['SUCCEEDED', 'FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'], {
          'Fn::GetAtt': [Match.stringLikeRegexp('^RunsLog'), 'Arn'],
        }),
      );
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        KmsKeyId: Match.anyValue(),
        RetentionInDays: 365,
      });
      // The policy document is a Fn::Join around the log group's ARN: read it as text.
      const policy = JSON.stringify(template.findResources('AWS::Logs::ResourcePolicy'));
      expect(policy).toContain('events.amazonaws.com');
      expect(policy).toContain('logs:PutLogEvents');
    });

    it.each([
      ['JobRunsSucceeded', '{ $.detail.state = "SUCCEEDED" }'],
      ['JobRunsFailed', '{ $.detail.state != "SUCCEEDED" }'],
    ])('counts %s per job, with the job name as dimension', (metricName, filterPattern) => {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: filterPattern,
        MetricTransformations: [
          {
            MetricNamespace: 'ml-lifecycle-cdk/ml-lifecycle-sandbox-etl',
            MetricName: metricName,
            MetricValue: '1',
            Dimensions: [{ Key: 'JobName', Value: '$.detail.jobName' }],
          },
        ],
      });
    });
  });

  describe('curated table', () => {
    it('catalogs customers as Parquet with the schema columns, typed', () => {
      const [table] = Object.values(template.findResources('AWS::Glue::Table'));
      expect(table?.Properties.TableInput.StorageDescriptor.Columns).toEqual(
        customerColumns().map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
      );
      template.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: 'ml_lifecycle_sandbox_curated',
        TableInput: Match.objectLike({
          Name: 'customers',
          PartitionKeys: [Match.objectLike({ Name: 'snapshot_month', Type: 'string' })],
          Parameters: Match.objectLike({
            classification: 'parquet',
            'projection.enabled': 'true',
            'projection.snapshot_month.format': 'yyyy-MM',
            'projection.snapshot_month.interval.unit': 'MONTHS',
          }),
          StorageDescriptor: Match.objectLike({
            SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          }),
        }),
      });
    });
  });

  describe('analysis', () => {
    it('saves every analysis query in the lake workgroup, over the curated database', () => {
      template.resourceCountIs('AWS::Athena::NamedQuery', ANALYSIS_QUERIES.length);
      for (const query of ANALYSIS_QUERIES) {
        template.hasResourceProperties('AWS::Athena::NamedQuery', {
          Name: query.name,
          Database: 'ml_lifecycle_sandbox_curated',
          WorkGroup: etl.resolve(dataLake.catalog.workGroup.ref),
          QueryString: query.sql,
        });
      }
    });
  });

  it('matches the snapshot (a net for unintended changes; review every diff)', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });
});

describe('EtlStack (production)', () => {
  const { template } = synth(PRODUCTION_CONTEXT);

  it('runs hourly on larger workers with longer timeouts and more retries', () => {
    template.hasResourceProperties('AWS::Glue::Trigger', { Type: 'SCHEDULED', Schedule: 'cron(0 * * * ? *)' });
    template.hasResourceProperties('AWS::Glue::Job', {
      WorkerType: 'G.2X',
      NumberOfWorkers: 10,
      Timeout: 120,
      MaxRetries: 2,
    });
  });
});

describe('EtlStack on a schedule', () => {
  it('starts curate on the configured schedule', () => {
    const { template } = synth({ config: { sandbox: { etl: { schedule: 'cron(0 3 * * ? *)' } } } });
    template.hasResourceProperties('AWS::Glue::Trigger', {
      Type: 'SCHEDULED',
      Schedule: 'cron(0 3 * * ? *)',
      StartOnCreation: true,
      Actions: [{ JobName: jobNamed('CurateJob') }],
    });
  });
});

describe('EtlStack schedule off (the sandbox default)', () => {
  it('starts the workflow on demand only', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Glue::Trigger', { Type: 'ON_DEMAND' });
    expect(Object.keys(template.findResources('AWS::Glue::Trigger', { Properties: { Type: 'SCHEDULED' } }))).toEqual(
      [],
    );
  });
});
