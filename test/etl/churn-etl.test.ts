import type { App } from 'aws-cdk-lib';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { ChurnEtl, type ChurnEtlProps } from '../../lib/etl/churn-etl';
import { RULES, addComplianceChecks } from '../../lib/shared/compliance';
import { testApp } from '../support/app';
import { accountArn } from '../support/conditions';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
/** The imported lake key's ARN, as the template holds it. */
const KEY_ARN = accountArn('kms', `key/${KEY_ID}`);

/** A ChurnEtl alone, its collaborators imported: the lake's buckets, key and access policies. */
function churnEtlIn(props: Partial<ChurnEtlProps> = {}): { app: App; stack: Stack; etl: ChurnEtl } {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const etl = new ChurnEtl(stack, 'Etl', {
    rawBucket: s3.Bucket.fromBucketName(stack, 'Raw', 'raw-zone'),
    curatedBucket: s3.Bucket.fromBucketName(stack, 'Curated', 'curated-zone'),
    curateAccess: iam.ManagedPolicy.fromManagedPolicyName(stack, 'CurateAccess', 'curate-access'),
    featuresAccess: iam.ManagedPolicy.fromManagedPolicyName(stack, 'FeaturesAccess', 'features-access'),
    key: kms.Key.fromKeyArn(stack, 'Key', stack.formatArn({ service: 'kms', resource: 'key', resourceName: KEY_ID })),
    rawDatabaseName: 'raw_db',
    curatedDatabaseName: 'curated_db',
    customersTableName: 'customers_v2',
    workerType: glue.WorkerType.G_4X,
    maxWorkers: 3,
    timeout: Duration.minutes(20),
    maxRetries: 0,
    trainFraction: 0.6,
    validationFraction: 0.25,
    ...props,
  });
  return { app, stack, etl };
}

/** Every finding of the cdk-nag packs the app runs, as `<rule> at <construct path>`. */
function nagFindings(app: App): string[] {
  return addComplianceChecks(app).flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
  );
}

const ref = (prefix: string) => ({ Ref: Match.stringLikeRegexp(`^Etl${prefix}`) });
const roleArn = (prefix: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^Etl${prefix}`), 'Arn'] });
/** `arn:<partition>:iam::<account>:policy/<name>` (IAM ARNs have no region), as the template holds it. */
function iamPolicyArn(name: string): unknown {
  return {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:policy/${name}`]],
  };
}

describe('ChurnEtl', () => {
  const { app, stack, etl } = churnEtlIn();
  const template = Template.fromStack(stack);

  /** The statements of the grant policy of the role whose logical ID starts with `Etl<roleId>`. */
  function statementsOf(roleId: string): Record<string, unknown>[] {
    const policies = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^Etl${roleId}`) }] },
      }),
    );
    expect(policies).toHaveLength(1);
    return policies[0]?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
  }
  const statement = (roleId: string, sid: string) => statementsOf(roleId).find((s) => s.Sid === sid);

  describe('jobs', () => {
    it.each([
      ['CurateJob', 'CurateRole'],
      ['FeaturesJob', 'FeaturesRole'],
    ])(
      'runs %s on Glue 5.0 with the workers, timeout and retries it is given, one run at a time, under its own role',
      (_job, role) => {
        template.hasResourceProperties('AWS::Glue::Job', {
          GlueVersion: '5.0',
          Command: Match.objectLike({ Name: 'glueetl', PythonVersion: '3' }),
          WorkerType: 'G.4X',
          NumberOfWorkers: 3,
          Timeout: 20,
          MaxRetries: 0,
          ExecutionProperty: { MaxConcurrentRuns: 1 },
          SecurityConfiguration: ref('SecurityConfiguration'),
          Role: roleArn(role),
        });
      },
    );

    it('auto-scales both jobs, logs continuously, publishes metrics and reads tables through the Glue catalog', () => {
      template.resourceCountIs('AWS::Glue::Job', 2);
      template.allResourcesProperties('AWS::Glue::Job', {
        DefaultArguments: Match.objectLike({
          '--enable-auto-scaling': 'true',
          '--enable-continuous-cloudwatch-log': 'true',
          '--enable-metrics': '',
          '--enable-glue-datacatalog': 'true',
        }),
      });
    });

    it('points curate at the raw tables and buckets it is given, bookmarks what it has read, and quarantines rejects', () => {
      template.hasResourceProperties('AWS::Glue::Job', {
        Role: roleArn('CurateRole'),
        DefaultArguments: Match.objectLike({
          '--job-bookmark-option': 'job-bookmark-enable',
          '--raw_database': 'raw_db',
          '--stream_table': 'churn_stream',
          '--batch_table': 'churn_batch',
          '--curated_database': 'curated_db',
          '--curated_table': 'customers_v2',
          '--raw_bucket': 'raw-zone',
          '--curated_bucket': 'curated-zone',
          '--quarantine_prefix': 'quarantine/',
        }),
      });
    });

    it('rebuilds features from the whole curated table (no bookmark), with the split it is given, under features/', () => {
      template.hasResourceProperties('AWS::Glue::Job', {
        Role: roleArn('FeaturesRole'),
        DefaultArguments: Match.objectLike({
          '--job-bookmark-option': 'job-bookmark-disable',
          '--curated_database': 'curated_db',
          '--curated_table': 'customers_v2',
          '--features_bucket': 'curated-zone',
          '--features_prefix': 'features/',
          // Where the curate job quarantines rows: the data report's profile counts them.
          '--quarantine_prefix': 'quarantine/',
          '--train_fraction': '0.6',
          '--validation_fraction': '0.25',
        }),
      });
    });

    it('encrypts S3 output, logs and bookmarks with the key it is given', () => {
      template.resourceCountIs('AWS::Glue::SecurityConfiguration', 1);
      template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
        EncryptionConfiguration: {
          S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: KEY_ARN }],
          CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: KEY_ARN },
          JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS', KmsKeyArn: KEY_ARN },
        },
      });
    });

    it('deletes the security configuration with its stack, so that its fixed name is free for the next deploy', () => {
      template.hasResource('AWS::Glue::SecurityConfiguration', { DeletionPolicy: 'Delete' });
    });
  });

  describe('job roles', () => {
    it.each([
      ['CurateRole', 'curate', 'curate-access'],
      ['FeaturesRole', 'features', 'features-access'],
    ])('%s may be assumed by Glue, and its managed policy is the lake access given for %s', (_id, job, policy) => {
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: `ml-lifecycle-cdk ${job} job`,
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' } }],
        }),
        ManagedPolicyArns: [iamPolicyArn(policy)],
      });
    });

    it('grants nothing on the lake buckets itself: their access is the managed policies alone', () => {
      const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
      expect(policies).not.toContain('raw-zone');
      expect(policies).not.toContain('curated-zone');
    });

    it('lets curate use the catalog of the raw and curated databases (and default, which Spark looks up)', () => {
      expectSameMembers(statement('CurateRole', 'LakeCatalog')?.Resource, [
        accountArn('glue', 'catalog'),
        accountArn('glue', 'database/raw_db'),
        accountArn('glue', 'database/curated_db'),
        accountArn('glue', 'database/default'),
        accountArn('glue', 'table/raw_db/*'),
        accountArn('glue', 'table/curated_db/*'),
      ]);
    });

    it('lets features use the catalog of the curated database only (and default), never the raw one', () => {
      expectSameMembers(statement('FeaturesRole', 'LakeCatalog')?.Resource, [
        accountArn('glue', 'catalog'),
        accountArn('glue', 'database/curated_db'),
        accountArn('glue', 'database/default'),
        accountArn('glue', 'table/curated_db/*'),
      ]);
      expect(JSON.stringify(statementsOf('FeaturesRole'))).not.toContain('raw_db');
    });

    it.each(['CurateRole', 'FeaturesRole'])(
      '%s writes logs only to the log groups Glue names, and metrics only in the Glue namespace',
      (role) => {
        expect(statement(role, 'GlueLogs')).toEqual({
          Sid: 'GlueLogs',
          Effect: 'Allow',
          Action: ['logs:AssociateKmsKey', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: accountArn('logs', 'log-group:/aws-glue/*'),
        });
        expect(statement(role, 'GlueMetrics')).toEqual({
          Sid: 'GlueMetrics',
          Effect: 'Allow',
          Action: 'cloudwatch:PutMetricData',
          Resource: '*',
          Condition: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
        });
      },
    );

    it.each(['CurateRole', 'FeaturesRole'])('%s encrypts and decrypts with the key it is given', (role) => {
      expect(statementsOf(role)).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Resource: KEY_ARN,
      });
    });

    it.each([
      ['CurateRole', ['--sql_validated', '--sql_customers', '--sql_quarantine']],
      ['FeaturesRole', ['--sql_features', '--sql_statistics']],
    ])('%s reads exactly the SQL files its job is given, and not the other job’s', (role, args) => {
      const [properties] = Object.values(
        template.findResources('AWS::Glue::Job', { Properties: { Role: roleArn(role) } }),
      ).map((r) => r.Properties as { DefaultArguments: Record<string, unknown> });
      const given = args.map((arg) => assetHashes(properties?.DefaultArguments[arg])).flat();
      expect(given).toHaveLength(args.length);
      const readable = assetHashes(statement(role, 'ReadOwnSql'));
      expect(readable.sort()).toEqual(given.sort());
    });
  });

  describe('job cores', () => {
    /** The `--extra-py-files` argument of each job. */
    function extraPyFiles(): unknown[] {
      return Object.values(template.findResources('AWS::Glue::Job')).map(
        (r) => (r.Properties as { DefaultArguments: Record<string, unknown> }).DefaultArguments['--extra-py-files'],
      );
    }

    it('ships one zip of glue/jobs/cores/ to both jobs as their Python library', () => {
      const [curate, features, ...others] = extraPyFiles();
      expect(others).toHaveLength(0);
      expect(zipHashes(curate)).toHaveLength(1);
      expect(features).toEqual(curate);
    });

    it.each(['CurateRole', 'FeaturesRole'])('%s reads exactly that zip', (role) => {
      const [given] = extraPyFiles();
      const readable = statement(role, 'ReadJobCores');
      expect(readable?.Action).toBe('s3:GetObject');
      expect(zipHashes(readable?.Resource)).toEqual(zipHashes(given));
    });
  });

  /** The logical ID of the job whose ID starts with `Etl<id>`. */
  function jobNameOf(id: string): string | undefined {
    return Object.keys(template.findResources('AWS::Glue::Job')).find((logicalId) => logicalId.startsWith(`Etl${id}`));
  }

  describe('workflow', () => {
    it('starts curate on demand when no schedule is given', () => {
      template.resourceCountIs('AWS::Glue::Trigger', 2);
      template.hasResourceProperties('AWS::Glue::Trigger', {
        Type: 'ON_DEMAND',
        WorkflowName: ref('Workflow'),
        Actions: [{ JobName: ref('CurateJob') }],
      });
    });

    it('starts curate on the schedule it is given, from creation, and then not on demand', () => {
      const scheduled = Template.fromStack(churnEtlIn({ schedule: 'cron(0 3 * * ? *)' }).stack);
      scheduled.resourceCountIs('AWS::Glue::Trigger', 2);
      scheduled.hasResourceProperties('AWS::Glue::Trigger', {
        Type: 'SCHEDULED',
        Schedule: 'cron(0 3 * * ? *)',
        StartOnCreation: true,
        WorkflowName: ref('Workflow'),
        Actions: [{ JobName: ref('CurateJob') }],
      });
      expect(scheduled.findResources('AWS::Glue::Trigger', { Properties: { Type: 'ON_DEMAND' } })).toEqual({});
    });

    it('starts features when curate succeeds, and runs one workflow at a time', () => {
      template.hasResourceProperties('AWS::Glue::Trigger', {
        Type: 'CONDITIONAL',
        StartOnCreation: true,
        WorkflowName: ref('Workflow'),
        Actions: [{ JobName: ref('FeaturesJob') }],
        Predicate: {
          Conditions: [{ JobName: ref('CurateJob'), LogicalOperator: 'EQUALS', State: 'SUCCEEDED' }],
        },
      });
      template.hasResourceProperties('AWS::Glue::Workflow', { MaxConcurrentRuns: 1 });
    });
  });

  describe('events', () => {
    it('announces the features job succeeding as the Glue job state change the training pipeline subscribes to', () => {
      expect(stack.resolve(etl.featuresSucceeded)).toEqual({
        source: ['aws.glue'],
        detailType: ['Glue Job State Change'],
        detail: { jobName: [{ Ref: jobNameOf('FeaturesJob') }], state: ['SUCCEEDED'] },
      });
    });

    it('announces a run of either job that failed, timed out, was stopped or could not start', () => {
      expect(stack.resolve(etl.jobsFailed)).toEqual({
        source: ['aws.glue'],
        detailType: ['Glue Job State Change'],
        detail: {
          jobName: [{ Ref: jobNameOf('CurateJob') }, { Ref: jobNameOf('FeaturesJob') }],
          state: ['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'],
        },
      });
    });
  });

  describe('compliance', () => {
    it('leaves no finding of its own to the rule packs', () => {
      expect(nagFindings(app)).toEqual([]);
    });

    it('acknowledges only on the two job roles’ grant policies: their inline policy, and the wildcards they hold', () => {
      const acknowledged = acknowledgementsBelow(etl);
      expect(Object.keys(acknowledged).sort()).toEqual([
        'Test/Etl/CurateRole/DefaultPolicy',
        'Test/Etl/FeaturesRole/DefaultPolicy',
      ]);
      for (const ids of Object.values(acknowledged)) {
        expect(ids).toEqual(expect.arrayContaining([...RULES.iamInlinePolicy, 'AwsSolutions-IAM5[Resource::*]']));
        expect(ids.filter((id) => !id.startsWith('AwsSolutions-IAM5'))).toEqual([...RULES.iamInlinePolicy]);
      }
    });

    it('still fails the gate on a wildcard granted to a job role after it is built (positive control)', () => {
      const late = churnEtlIn();
      late.etl.curateJob.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [s3.Bucket.fromBucketName(late.stack, 'Elsewhere', 'elsewhere').arnForObjects('*')],
        }),
      );
      expect(nagFindings(late.app)).toEqual([
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::elsewhere/*] at Test/Etl/CurateRole/DefaultPolicy/Resource',
      ]);
    });
  });
});

/** The acknowledged rule ids below `scope`, by the path of the construct they are on. */
function acknowledgementsBelow(scope: IConstruct): Record<string, string[]> {
  const byPath: Record<string, string[]> = {};
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
      const ids = Object.keys(entry.data as Record<string, string>).map((id) => id.replace(/^annotation::/i, ''));
      byPath[construct.node.path] = [...(byPath[construct.node.path] ?? []), ...ids];
    }
  }
  return byPath;
}

/** The 64-hex asset hashes of the `.sql` objects named in `value` (a job argument or a statement). */
function assetHashes(value: unknown): string[] {
  return [...JSON.stringify(value ?? null).matchAll(/([0-9a-f]{64})\.sql/g)].map((m) => m[1] ?? '');
}

/** The 64-hex asset hashes of the `.zip` objects named in `value` (a job argument or a statement). */
function zipHashes(value: unknown): string[] {
  return [...JSON.stringify(value ?? null).matchAll(/([0-9a-f]{64})\.zip/g)].map((m) => m[1] ?? '');
}

/** `actual` holds exactly `expected`, in any order (IAM sorts a statement's resources). */
function expectSameMembers(actual: unknown, expected: unknown[]): void {
  expect(actual).toHaveLength(expected.length);
  expect(actual).toEqual(expect.arrayContaining(expected));
}
