import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RemovalMode } from '../config';
import { PROFILE_FILE } from '../contracts/data-profile';
import { ARTIFACT_PREFIXES, CURATED_PREFIXES } from '../contracts/lake-layout';
import { PipelineFunction } from '../shared/pipeline-function';

export interface DataReportProps {
  /** The curated bucket, whose `features/profile.json` the features job writes. */
  readonly curatedBucket: s3.IBucket;
  /** The artifacts bucket, where each run's report goes under `data-reports/`. */
  readonly artifactsBucket: s3.IBucket;
  /** The lake's access policy for this function (DataLake stack). */
  readonly access: iam.IManagedPolicy;
  /** The event Glue sends when the features job succeeds. */
  readonly featuresSucceeded: events.EventPattern;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removal: RemovalMode;
}

/**
 * The data report of each ETL run: when the features job succeeds, a function reads the profile it
 * wrote (`features/profile.json`, computed on Spark by `glue/jobs/cores/profile_core.py`), draws the
 * data report (`lambda/data-report/`), and writes it with the profile under
 * `data-reports/<job run id>/` in the artifacts bucket. The function reads only the features prefix
 * and adds only under its own prefix (the lake's `dataReport` access policy).
 */
export class DataReport extends Construct {
  readonly function: PipelineFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: DataReportProps) {
    super(scope, id);
    this.function = new PipelineFunction(this, 'Function', {
      folder: 'data-report',
      description: 'Draws the data report of each features job run: the curated customers and the quarantine',
      // Vega draws a few dozen charts: more memory is more CPU, and the run is once per ETL run.
      memoryMiB: 1024,
      timeout: Duration.minutes(2),
      environment: {
        PROFILE_LOCATION: props.curatedBucket.s3UrlForObject(`${CURATED_PREFIXES.features}${PROFILE_FILE}`),
        REPORTS_LOCATION: props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.dataReports),
      },
      logKey: props.key,
      logRetention: props.logRetention,
      removal: props.removal,
      use: {
        invocationsPer: 'features job run (a few a day at most)',
        failureHandling:
          'EventBridge invokes the data report function asynchronously and Lambda retries a failed invocation twice; a lost report needs no dead-letter queue, as the profile it is drawn from stays in features/ until the next run, and the next run draws its own.',
      },
    });
    this.function.role.addManagedPolicy(props.access);
    this.rule = new events.Rule(this, 'FeaturesReady', {
      description: 'Draws the data report when the features job has written the profile',
      eventPattern: props.featuresSucceeded,
      targets: [
        new targets.LambdaFunction(this.function.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      ],
    });
    this.function.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1) });
  }
}
