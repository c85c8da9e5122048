import { Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { AuditTrail } from '../constructs/audit-trail';
import { DataLakeStorage } from '../constructs/data-lake-storage';
import { LakeCatalog } from '../constructs/lake-catalog';

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
      removal,
    });

    this.audit = new AuditTrail(this, 'Audit', {
      dataEventBuckets: [this.storage.rawBucket, this.storage.curatedBucket, this.storage.artifactsBucket],
      accessLogs: { bucket: this.storage.accessLogsBucket, prefix: 'trail/' },
      // The config accepts only the periods CloudWatch Logs offers, which are RetentionDays' values.
      logRetention: audit.trailLogRetentionDays,
      objectExpiration: Duration.days(audit.trailObjectExpirationDays),
      noncurrentVersionExpiration,
      abortIncompleteMultipartUploadAfter,
      removal,
    });
  }
}
