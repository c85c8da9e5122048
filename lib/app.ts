import { type App, type Environment, Tags } from 'aws-cdk-lib';
import type { StageConfig } from './config';
import { DataLakeStack } from './lake/data-lake-stack';
import { EtlStack } from './etl/etl-stack';
import { IngestionStack } from './ingestion/ingestion-stack';
import { ObservabilityStack } from './observability/observability-stack';
import { ServingStack } from './serving/serving-stack';
import { TrainingStack } from './training/training-stack';

/** The stacks of one stage, for the app and for tests to reach into. */
export interface MlLifecycleStacks {
  readonly dataLake: DataLakeStack;
  readonly ingestion: IngestionStack;
  readonly etl: EtlStack;
  readonly training: TrainingStack;
  readonly serving: ServingStack;
  readonly observability: ObservabilityStack;
}

/**
 * Adds the project's stacks for one stage to an app. `bin/app.ts` and the tests both build the
 * app through here, with the same validated config, so what is tested is what is deployed.
 */
export function addStacks(app: App, config: StageConfig): MlLifecycleStacks {
  // Only an explicit account and region pin the stacks; sandbox leaves both to the CLI.
  const env: Environment | undefined =
    config.account !== undefined || config.region !== undefined
      ? { account: config.account, region: config.region }
      : undefined;
  const common = { env, terminationProtection: config.terminationProtection };

  Tags.of(app).add('project', 'ml-lifecycle-cdk');
  Tags.of(app).add('stage', config.stage);
  if (config.owner !== undefined) {
    Tags.of(app).add('owner', config.owner);
  }

  const dataLake = new DataLakeStack(app, 'DataLake', {
    ...common,
    stackName: `ml-lifecycle-${config.stage}-data-lake`,
    description: `ml-lifecycle-cdk (${config.stage}): data lake buckets and key, Glue catalog, Athena workgroup, CloudTrail audit trail`,
    config,
  });
  const ingestion = new IngestionStack(app, 'Ingestion', {
    ...common,
    stackName: `ml-lifecycle-${config.stage}-ingestion`,
    description: `ml-lifecycle-cdk (${config.stage}): Kinesis stream, Firehose with the record cleaner, raw zone tables`,
    config,
    rawBucket: dataLake.storage.rawBucket,
    rawWriterPolicy: dataLake.access.streamWriter.policy,
    key: dataLake.storage.key,
    rawDatabaseName: dataLake.catalog.rawDatabaseName,
  });
  const etl = new EtlStack(app, 'Etl', {
    ...common,
    stackName: `ml-lifecycle-${config.stage}-etl`,
    description: `ml-lifecycle-cdk (${config.stage}): Glue curate and features jobs, workflow, curated tables, analysis queries`,
    config,
    rawBucket: dataLake.storage.rawBucket,
    curatedBucket: dataLake.storage.curatedBucket,
    key: dataLake.storage.key,
    rawDatabaseName: dataLake.catalog.rawDatabaseName,
    curatedDatabaseName: dataLake.catalog.curatedDatabaseName,
    workGroupName: dataLake.catalog.workGroup.ref,
    curateAccess: dataLake.access.curateJob.policy,
    featuresAccess: dataLake.access.featuresJob.policy,
    artifactsBucket: dataLake.storage.artifactsBucket,
    dataReportAccess: dataLake.access.dataReport.policy,
  });
  const training = new TrainingStack(app, 'Training', {
    ...common,
    stackName: `ml-lifecycle-${config.stage}-training`,
    description: `ml-lifecycle-cdk (${config.stage}): SageMaker training pipeline (Step Functions)${config.modelMonitor.enabled ? ' with a Model Monitor baseline' : ''}, evaluation, model registry and quality gate`,
    config,
    curatedBucket: dataLake.storage.curatedBucket,
    artifactsBucket: dataLake.storage.artifactsBucket,
    key: dataLake.storage.key,
    lakeAccess: dataLake.access.trainingPipeline.policy,
    featuresReady: etl.etl.featuresSucceeded,
  });
  const serving = new ServingStack(app, 'Serving', {
    ...common,
    stackName: `ml-lifecycle-${config.stage}-serving`,
    description: `ml-lifecycle-cdk (${config.stage}): endpoint of the approved churn model, data capture, ${config.modelMonitor.enabled ? 'Model Monitor, ' : ''}alarms, automatic deployment`,
    config,
    artifactsBucket: dataLake.storage.artifactsBucket,
    key: dataLake.storage.key,
    lakeAccess: dataLake.access.serving.policy,
    modelPackageGroupName: training.registry.groupName,
    catalogDatabaseName: dataLake.catalog.rawDatabaseName,
    workGroupName: dataLake.catalog.workGroup.ref,
    monitorAccess: dataLake.access.monitors.policy,
    etlWorkflow: etl.etl.workflow,
    trainingPipeline: training.pipeline.stateMachine,
  });
  // The deployer listens for approvals in the training stack's registry.
  serving.addStackDependency(training);
  const observability = new ObservabilityStack(app, 'Observability', {
    ...common,
    stackName: `ml-lifecycle-${config.stage}-observability`,
    description: `ml-lifecycle-cdk (${config.stage}): one dashboard over every stage, alarms that need a person`,
    config,
    key: dataLake.storage.key,
    watched: {
      stream: ingestion.streaming.stream,
      deliveryStreamName: ingestion.streaming.deliveryStream.ref,
      cleaner: ingestion.streaming.cleaner.function,
      glueJobNames: [etl.etl.curateJob.jobName, etl.etl.featuresJob.jobName],
      glueRuns: etl.runs,
      pipeline: training.pipeline.stateMachine,
      endpointName: serving.endpoint.endpointName,
      violations: serving.monitor?.violations,
      deployer: serving.deployer.function.function,
      deployDeadLetters: serving.deployer.deadLetterQueue,
    },
  });
  // The dashboard names the endpoint by its (known) name, not by reference.
  observability.addStackDependency(serving);
  // The tables name the lake's databases by their (known) names, not by reference.
  ingestion.addStackDependency(dataLake);
  etl.addStackDependency(dataLake);
  return { dataLake, ingestion, etl, training, serving, observability };
}
