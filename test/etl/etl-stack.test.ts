import { Match, Template } from 'aws-cdk-lib/assertions';
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
    it("runs both jobs with the stage's workers, timeout and retries", () => {
      template.resourceCountIs('AWS::Glue::Job', 2);
      template.allResourcesProperties('AWS::Glue::Job', {
        WorkerType: 'G.1X',
        NumberOfWorkers: 2,
        Timeout: 30,
        MaxRetries: 1,
      });
    });

    it("points curate at the lake's databases and the curated customers table", () => {
      template.hasResourceProperties('AWS::Glue::Job', {
        DefaultArguments: Match.objectLike({
          '--raw_database': 'ml_lifecycle_sandbox_raw',
          '--curated_database': 'ml_lifecycle_sandbox_curated',
          '--curated_table': 'customers',
        }),
      });
    });

    it("builds features from the curated customers table with the stage's split", () => {
      template.hasResourceProperties('AWS::Glue::Job', {
        DefaultArguments: Match.objectLike({
          '--curated_database': 'ml_lifecycle_sandbox_curated',
          '--curated_table': 'customers',
          '--train_fraction': '0.7',
          '--validation_fraction': '0.15',
        }),
      });
    });

    it('gives both jobs the cores zip as their Python library', () => {
      const jobs = Object.values(template.findResources('AWS::Glue::Job'));
      const libraries = jobs.map((job) => JSON.stringify(job.Properties.DefaultArguments['--extra-py-files']));
      expect(libraries).toHaveLength(2);
      expect(libraries[0]).toMatch(/[0-9a-f]{64}\.zip/);
      expect(libraries[1]).toEqual(libraries[0]);
    });

    it('encrypts with the lake key', () => {
      template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
        EncryptionConfiguration: {
          S3Encryptions: [Match.objectLike({ KmsKeyArn: dataKeyArn })],
          CloudWatchEncryption: Match.objectLike({ KmsKeyArn: dataKeyArn }),
          JobBookmarksEncryption: Match.objectLike({ KmsKeyArn: dataKeyArn }),
        },
      });
    });

    it.each([
      ['curate', () => dataLake.access.curateJob],
      ['features', () => dataLake.access.featuresJob],
    ])("gives the %s job's role the lake's access policy for that job", (job, access) => {
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: `ml-lifecycle-cdk ${job} job`,
        ManagedPolicyArns: [etl.resolve(access().policy.managedPolicyArn)],
      });
    });
  });

  it('publishes every failed, timed-out or stopped run of either job to a topic encrypted with the lake key', () => {
    template.hasResourceProperties(
      'AWS::Events::Rule',
      runsOfBothJobsEndingIn(['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'], {
        Ref: Match.stringLikeRegexp('^AlertsTopic'),
      }),
    );
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: dataKeyArn });
  });

  describe('data report', () => {
    const fn = () =>
      Object.entries(template.findResources('AWS::Lambda::Function')).find(([, r]) =>
        JSON.stringify(r).includes('PROFILE_LOCATION'),
      );

    it('draws the report when the features job succeeds, and only then', () => {
      const [logicalId] = fn() ?? [''];
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.glue'],
          'detail-type': ['Glue Job State Change'],
          detail: { jobName: [jobNamed('FeaturesJob')], state: ['SUCCEEDED'] },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId, 'Arn'] } })],
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
      });
    });

    it('reads the profile the features job writes and writes under data-reports/ in the artifacts bucket', () => {
      const env = (fn()?.[1].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
        .Variables;
      expect(etl.resolve(env.PROFILE_LOCATION)).toEqual({
        'Fn::Join': ['', ['s3://', etl.resolve(dataLake.storage.curatedBucket.bucketName), '/features/profile.json']],
      });
      expect(etl.resolve(env.REPORTS_LOCATION)).toEqual({
        'Fn::Join': ['', ['s3://', etl.resolve(dataLake.storage.artifactsBucket.bucketName), '/data-reports/']],
      });
      // Its access is the lake's dataReport policy, managed in the DataLake stack.
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp('data-report'),
        ManagedPolicyArns: Match.arrayWith([etl.resolve(dataLake.access.dataReport.policy.managedPolicyArn)]),
      });
    });
  });

  describe('job run metrics', () => {
    it('counts the runs of the curate and features jobs, however they ended, in a log encrypted with the lake key and kept a year', () => {
      template.hasResourceProperties(
        'AWS::Events::Rule',
        runsOfBothJobsEndingIn(['SUCCEEDED', 'FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'], {
          'Fn::GetAtt': [Match.stringLikeRegexp('^RunsLog'), 'Arn'],
        }),
      );
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: dataKeyArn, RetentionInDays: 365 });
    });

    it("puts the run metrics in the stack's own namespace", () => {
      template.resourceCountIs('AWS::Logs::MetricFilter', 2);
      template.allResourcesProperties('AWS::Logs::MetricFilter', {
        MetricTransformations: [Match.objectLike({ MetricNamespace: 'ml-lifecycle-cdk/ml-lifecycle-sandbox-etl' })],
      });
    });
  });

  it('catalogs the curated customers table in the curated database', () => {
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'ml_lifecycle_sandbox_curated',
      TableInput: Match.objectLike({ Name: 'customers' }),
    });
  });

  it('saves the analysis queries in the lake workgroup, over the curated database', () => {
    template.allResourcesProperties('AWS::Athena::NamedQuery', {
      Database: 'ml_lifecycle_sandbox_curated',
      WorkGroup: etl.resolve(dataLake.catalog.workGroup.ref),
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
    template.hasResourceProperties('AWS::Glue::Trigger', { Type: 'SCHEDULED', Schedule: 'cron(0 3 * * ? *)' });
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
