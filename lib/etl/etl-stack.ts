import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { ChurnEtl } from './churn-etl';
import { DataReport } from './data-report';
import { CuratedTables } from './curated-tables';
import { EtlAlerts } from './etl-alerts';
import { JobRunMetrics } from './job-run-metrics';
import { LakeAnalysis } from './lake-analysis';
import { CURATED_PREFIXES } from '../contracts/lake-layout';

export interface EtlStackProps extends StackProps {
  /** The validated configuration of the stage being deployed. */
  readonly config: StageConfig;
  /** The raw and curated zones' buckets (DataLake stack). */
  readonly rawBucket: s3.IBucket;
  readonly curatedBucket: s3.IBucket;
  /** The lake's key (DataLake stack). */
  readonly key: kms.IKey;
  /** The raw and curated databases' names (DataLake stack). */
  readonly rawDatabaseName: string;
  readonly curatedDatabaseName: string;
  /** The lake's Athena workgroup (DataLake stack). */
  readonly workGroupName: string;
  /** The lake's access policies for the two jobs (DataLake stack). */
  readonly curateAccess: iam.IManagedPolicy;
  readonly featuresAccess: iam.IManagedPolicy;
  /** The artifacts bucket, where the data report of each run goes (DataLake stack). */
  readonly artifactsBucket: s3.IBucket;
  /** The lake's access policy for the data report function (DataLake stack). */
  readonly dataReportAccess: iam.IManagedPolicy;
}

const WORKER_TYPES: Record<StageConfig['etl']['workerType'], glue.WorkerType> = {
  'G.1X': glue.WorkerType.G_1X,
  'G.2X': glue.WorkerType.G_2X,
  'G.4X': glue.WorkerType.G_4X,
};

/**
 * PREPARE and ANALYSE: the curated customers table, the curate and features jobs with their
 * workflow, the alert on failures, and the analysis queries. Stateless: the data it writes lives
 * in the DataLake stack's curated bucket.
 */
export class EtlStack extends Stack {
  readonly tables: CuratedTables;
  readonly etl: ChurnEtl;
  readonly alerts: EtlAlerts;
  /** Runs of the two jobs, succeeded and failed, as metrics (for the dashboard). */
  readonly runs: JobRunMetrics;
  readonly analysis: LakeAnalysis;
  /** The data report of each features job run. */
  readonly dataReport: DataReport;

  constructor(scope: Construct, id: string, props: EtlStackProps) {
    super(scope, id, props);
    const { etl } = props.config;

    this.tables = new CuratedTables(this, 'CuratedTables', {
      curatedBucket: props.curatedBucket,
      databaseName: props.curatedDatabaseName,
    });
    this.etl = new ChurnEtl(this, 'Jobs', {
      rawBucket: props.rawBucket,
      curatedBucket: props.curatedBucket,
      curateAccess: props.curateAccess,
      featuresAccess: props.featuresAccess,
      key: props.key,
      rawDatabaseName: props.rawDatabaseName,
      curatedDatabaseName: props.curatedDatabaseName,
      customersTableName: this.tables.customersTableName,
      workerType: WORKER_TYPES[etl.workerType],
      maxWorkers: etl.maxWorkers,
      timeout: Duration.minutes(etl.timeoutMinutes),
      maxRetries: etl.maxRetries,
      schedule: etl.schedule === 'off' ? undefined : etl.schedule,
      trainFraction: etl.trainFraction,
      validationFraction: etl.validationFraction,
    });
    this.alerts = new EtlAlerts(this, 'Alerts', { failures: this.etl.jobsFailed, key: props.key });
    this.runs = new JobRunMetrics(this, 'Runs', {
      jobNames: [this.etl.curateJob.jobName, this.etl.featuresJob.jobName],
      metricNamespace: `ml-lifecycle-cdk/${this.stackName}`,
      key: props.key,
      retention: etl.logRetentionDays,
      removal: props.config.removal,
    });
    this.dataReport = new DataReport(this, 'DataReport', {
      curatedBucket: props.curatedBucket,
      artifactsBucket: props.artifactsBucket,
      access: props.dataReportAccess,
      featuresSucceeded: this.etl.featuresSucceeded,
      key: props.key,
      logRetention: etl.logRetentionDays,
      removal: props.config.removal,
    });
    this.analysis = new LakeAnalysis(this, 'Analysis', {
      workGroupName: props.workGroupName,
      databaseName: props.curatedDatabaseName,
    });

    new CfnOutput(this, 'WorkflowName', {
      value: this.etl.workflow.workflowName,
      description: 'Run curate → features now: aws glue start-workflow-run --name <this>',
    });
    new CfnOutput(this, 'FeaturesLocation', {
      value: props.curatedBucket.s3UrlForObject(CURATED_PREFIXES.features),
      description: 'train/, validation/, test/ (XGBoost CSV), baseline/ and manifest.json',
    });
    new CfnOutput(this, 'AlertTopicArn', {
      value: this.alerts.topic.topicArn,
      description: 'Subscribe to hear about failed ETL runs',
    });
  }
}
