import { Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { AuditTrail } from './audit-trail';
import { DataLakeStorage } from './data-lake-storage';
import { LakeCatalog } from './lake-catalog';
import { ZoneAccessPolicy } from './zone-access-policy';
import { ARTIFACT_PREFIXES, CURATED_PREFIXES, RAW_PREFIXES } from '../contracts/lake-layout';

export interface DataLakeStackProps extends StackProps {
  /** The validated configuration of the stage being deployed. */
  readonly config: StageConfig;
}

/**
 * The stateful heart of the project: the lake's key and buckets, its catalog and query
 * workgroup, and the audit trail over all of it. Every other stack reads from or writes to
 * what this one holds, and none of them holds data of its own.
 */
export class DataLakeStack extends Stack {
  readonly storage: DataLakeStorage;
  readonly catalog: LakeCatalog;
  readonly audit: AuditTrail;
  /** What each consumer of the lake may read and write, for its role to attach. */
  readonly access: {
    /** Firehose: append to `stream/`, `outcomes-stream/` and `stream-errors/` in raw. */
    readonly streamWriter: ZoneAccessPolicy;
    /** The curate job: read raw `stream/` and `batch/`; rebuild curated `customers/` and `quarantine/`. */
    readonly curateJob: ZoneAccessPolicy;
    /** The features job: read curated `customers/` and `quarantine/`; rebuild curated `features/`. */
    readonly featuresJob: ZoneAccessPolicy;
    /** The data report function: read curated `features/` (the profile); add to artifacts `data-reports/`. */
    readonly dataReport: ZoneAccessPolicy;
    /**
     * The training pipeline's SageMaker jobs and evaluation function: read curated `features/`;
     * read and add to (never delete from) artifacts `training-runs/`.
     */
    readonly trainingPipeline: ZoneAccessPolicy;
    /**
     * The endpoint's model and its monitor: read artifacts `training-runs/` (the model, the
     * baseline) and `data-capture/`; add to `data-capture/` and `monitoring/`.
     */
    readonly serving: ZoneAccessPolicy;
    /**
     * The lake monitors' functions (Serving stack): read artifacts `data-capture/` and
     * `training-runs/` (the baselines); add Athena results and `monitoring/` reports.
     */
    readonly monitors: ZoneAccessPolicy;
  };

  constructor(scope: Construct, id: string, props: DataLakeStackProps) {
    super(scope, id, props);
    const { stage, removal, dataLake, audit } = props.config;
    const noncurrentVersionExpiration = Duration.days(dataLake.noncurrentVersionExpirationDays);
    const abortIncompleteMultipartUploadAfter = Duration.days(dataLake.incompleteUploadAbortAfterDays);

    this.storage = new DataLakeStorage(this, 'Storage', {
      removal,
      rawInfrequentAccessAfter: Duration.days(dataLake.rawInfrequentAccessAfterDays),
      rawGlacierInstantRetrievalAfter: Duration.days(dataLake.rawGlacierInstantRetrievalAfterDays),
      noncurrentVersionExpiration,
      abortIncompleteMultipartUploadAfter,
      accessLogExpiration: Duration.days(dataLake.accessLogExpirationDays),
    });

    this.catalog = new LakeCatalog(this, 'Catalog', {
      namePrefix: `ml_lifecycle_${stage}`,
      rawBucket: this.storage.rawBucket,
      curatedBucket: this.storage.curatedBucket,
      resultsBucket: this.storage.artifactsBucket,
      resultsKey: this.storage.key,
      resultsExpiration: Duration.days(dataLake.athenaResultExpirationDays),
      queryScanLimit: Size.mebibytes(dataLake.athenaQueryScanLimitMiB),
    });

    const { rawBucket, curatedBucket, artifactsBucket, key } = this.storage;
    this.access = {
      streamWriter: new ZoneAccessPolicy(this, 'StreamWriterAccess', {
        description: 'ml-lifecycle-cdk: append stream records (and failed ones) to the raw zone, nothing else',
        key,
        grants: [
          {
            bucket: rawBucket,
            append: [RAW_PREFIXES.stream, RAW_PREFIXES.outcomesStream, RAW_PREFIXES.streamErrors],
          },
        ],
        wildcardReason:
          'Firehose names its objects itself (date, stream, random suffix), so writes are limited to prefixes, not object names.',
      }),
      curateJob: new ZoneAccessPolicy(this, 'CurateJobAccess', {
        description:
          'ml-lifecycle-cdk curate job: read raw stream and batch records, rebuild curated customers and quarantine',
        key,
        grants: [
          { bucket: rawBucket, read: [RAW_PREFIXES.stream, RAW_PREFIXES.batch] },
          { bucket: curatedBucket, write: [CURATED_PREFIXES.customers, CURATED_PREFIXES.quarantine] },
        ],
        wildcardReason:
          'The curate job reads every object that arrives under raw stream/ and batch/ and rewrites Parquet partitions whose file names Spark chooses, so access is by prefix.',
      }),
      featuresJob: new ZoneAccessPolicy(this, 'FeaturesJobAccess', {
        description:
          'ml-lifecycle-cdk features job: read curated customers and the quarantine (for the data report), rebuild curated features',
        key,
        grants: [
          {
            bucket: curatedBucket,
            read: [CURATED_PREFIXES.customers, CURATED_PREFIXES.quarantine],
            write: [CURATED_PREFIXES.features],
          },
        ],
        wildcardReason:
          'The features job reads the Parquet files Spark wrote under customers/ and the quarantined rows under quarantine/ (one folder per curate run), and rewrites split files whose names Spark chooses under features/, so access is by prefix.',
      }),
      dataReport: new ZoneAccessPolicy(this, 'DataReportAccess', {
        description: 'ml-lifecycle-cdk data report: read the features job’s profile, write the report of each run',
        key,
        grants: [
          { bucket: curatedBucket, read: [CURATED_PREFIXES.features] },
          { bucket: artifactsBucket, append: [ARTIFACT_PREFIXES.dataReports] },
        ],
        wildcardReason:
          'The data report function reads the profile under features/ and writes the report of each features job run under data-reports/<job run id>/ (run ids are made at run time), so access is by prefix.',
      }),
      trainingPipeline: new ZoneAccessPolicy(this, 'TrainingPipelineAccess', {
        description:
          'ml-lifecycle-cdk training pipeline (SageMaker jobs, evaluation): read curated features, add to the run in artifacts',
        key,
        grants: [
          { bucket: curatedBucket, read: [CURATED_PREFIXES.features] },
          { bucket: artifactsBucket, append: [ARTIFACT_PREFIXES.trainingRuns] },
        ],
        wildcardReason:
          'The pipeline reads every split file Spark wrote under features/ and writes objects named after the run and its jobs (run ids and training job names are made at run time), so access is by prefix.',
      }),
      serving: new ZoneAccessPolicy(this, 'ServingAccess', {
        description:
          'ml-lifecycle-cdk serving: read the approved model and baseline, capture requests, write monitoring reports',
        key,
        grants: [
          {
            bucket: artifactsBucket,
            read: [ARTIFACT_PREFIXES.trainingRuns],
            append: [ARTIFACT_PREFIXES.dataCapture, ARTIFACT_PREFIXES.monitoring],
          },
        ],
        wildcardReason:
          'SageMaker names captured-request files by endpoint, variant and hour, and monitoring reports by schedule and run, and the model and baseline sit under a run id made at training time, so access is by prefix.',
      }),
      monitors: new ZoneAccessPolicy(this, 'MonitorsAccess', {
        description:
          'ml-lifecycle-cdk lake monitors: read captured requests, baselines and raw outcomes, write Athena results and monitoring reports',
        key,
        grants: [
          {
            bucket: artifactsBucket,
            read: [ARTIFACT_PREFIXES.dataCapture, ARTIFACT_PREFIXES.trainingRuns],
            append: [LakeCatalog.QUERY_RESULTS_PREFIX, ARTIFACT_PREFIXES.monitoring],
          },
          // The outcomes (who really churned) the quality monitor joins to the predictions: read only.
          { bucket: rawBucket, read: [RAW_PREFIXES.outcomesStream, RAW_PREFIXES.outcomesBatch] },
        ],
        wildcardReason:
          'SageMaker names captured-request files by endpoint, variant and hour, Firehose and uploaders name outcome files by date and batch, Athena names result files by query id, the monitors name reports by window, and baselines sit under a run id made at training time, so access is by prefix.',
      }),
    };

    this.audit = new AuditTrail(this, 'Audit', {
      dataEventBuckets: [this.storage.rawBucket, this.storage.curatedBucket, this.storage.artifactsBucket],
      accessLogs: { bucket: this.storage.accessLogsBucket, prefix: 'trail/' },
      logRetention: audit.trailLogRetentionDays,
      objectExpiration: Duration.days(audit.trailObjectExpirationDays),
      noncurrentVersionExpiration,
      abortIncompleteMultipartUploadAfter,
      removal,
    });
  }
}
