/**
 * What the diagram makes of each CloudFormation type: plumbing or not, which of its properties
 * are uses, and how it is named in a node's label.
 */
import { compare } from './compare';
import type { ResourceCount } from './graph';

/** Plumbing: never a node of its own, never in a label. */
const PLUMBING_TYPES: ReadonlySet<string> = new Set([
  'AWS::CDK::Metadata',
  'AWS::CloudFormation::CustomResource',
  'AWS::Glue::SecurityConfiguration',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::KMS::Alias',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::Logs::LogStream',
  'AWS::Logs::ResourcePolicy',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::QueuePolicy',
]);

/**
 * Properties that say who may use a resource, or what runs it, rather than what it uses: their
 * references make no edge. `'*'`: the whole resource (a resource policy, a permission).
 */
const NOT_USING: Readonly<Record<string, '*' | readonly string[]>> = {
  'AWS::IAM::Role': ['AssumeRolePolicyDocument'],
  'AWS::KMS::Key': ['KeyPolicy'],
  'AWS::Lambda::Permission': '*',
  'AWS::Logs::ResourcePolicy': '*',
  'AWS::S3::BucketPolicy': '*',
  'AWS::SNS::TopicPolicy': '*',
  'AWS::SQS::QueuePolicy': '*',
};

/**
 * How types are named in labels, most important first (the order of a label). `null`: a part of
 * a resource named elsewhere in the label (a Glue trigger of a workflow, an endpoint config of an
 * endpoint), which makes a node but is not listed. Types not here are labelled after these, from
 * their CloudFormation name.
 */
const TYPE_NAMES: readonly (readonly [string, string | null, string?])[] = [
  ['AWS::S3::Bucket', 'S3 bucket'],
  ['AWS::KMS::Key', 'KMS key'],
  ['AWS::Kinesis::Stream', 'Kinesis data stream'],
  ['AWS::KinesisFirehose::DeliveryStream', 'Firehose stream'],
  ['AWS::Glue::Database', 'Glue database'],
  ['AWS::Glue::Table', 'Glue table'],
  ['AWS::Glue::Job', 'Glue job'],
  ['AWS::Glue::Workflow', 'Glue workflow'],
  ['AWS::Athena::WorkGroup', 'Athena workgroup'],
  ['AWS::Athena::NamedQuery', 'Athena saved query', 'Athena saved queries'],
  ['AWS::StepFunctions::StateMachine', 'Step Functions state machine'],
  ['AWS::SageMaker::ModelPackageGroup', 'SageMaker model package group'],
  ['AWS::SageMaker::Endpoint', 'SageMaker endpoint'],
  ['AWS::SageMaker::Model', 'SageMaker model'],
  ['AWS::SageMaker::MonitoringSchedule', 'SageMaker monitoring schedule'],
  ['AWS::SageMaker::DataQualityJobDefinition', 'data quality job definition'],
  ['AWS::Lambda::Function', 'Lambda function'],
  ['AWS::SQS::Queue', 'SQS queue'],
  ['AWS::DynamoDB::Table', 'DynamoDB table'],
  ['AWS::SNS::Topic', 'SNS topic'],
  ['AWS::Events::Rule', 'EventBridge rule'],
  ['AWS::CloudTrail::Trail', 'CloudTrail trail'],
  ['AWS::ApplicationAutoScaling::ScalableTarget', 'auto scaling target'],
  ['AWS::CloudWatch::Alarm', 'CloudWatch alarm'],
  ['AWS::CloudWatch::Dashboard', 'CloudWatch dashboard'],
  ['AWS::ApplicationAutoScaling::ScalingPolicy', null],
  ['AWS::Glue::Trigger', null],
  ['AWS::Logs::MetricFilter', null],
  ['AWS::SageMaker::EndpointConfig', null],
];
const TYPE_RANK = new Map(TYPE_NAMES.map(([type], i) => [type, i]));

/** The properties of a resource whose references are uses. */
export function usingProperties(type: string, properties: unknown): unknown {
  const ignored = isCustomResource(type) ? ['ServiceToken'] : (NOT_USING[type] ?? []);
  if (ignored === '*' || properties === null || typeof properties !== 'object') {
    return ignored === '*' ? undefined : properties;
  }
  return Object.fromEntries(Object.entries(properties).filter(([name]) => !ignored.includes(name)));
}

/** A custom resource: plumbing, and its `ServiceToken` names the function behind it, plumbing too. */
export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** Whether a type is plumbing: never a node of its own, never in a label. */
export function isPlumbing(type: string): boolean {
  return PLUMBING_TYPES.has(type) || isCustomResource(type);
}

/** What a node holds, by type, for its label: most important first, parts of a resource named elsewhere left out. */
export function resourceCounts(types: ReadonlyMap<string, number>): ResourceCount[] {
  return [...types.entries()]
    .sort(([a], [b]) => (TYPE_RANK.get(a) ?? Infinity) - (TYPE_RANK.get(b) ?? Infinity) || compare(a, b))
    .flatMap(([type, count]) => {
      const known = TYPE_NAMES[TYPE_RANK.get(type) ?? -1];
      if (known?.[1] === null) {
        return [];
      }
      const name = known?.[1] ?? type.replace(/^AWS::/, '').replace(/::/g, ' ');
      return [{ type, name, plural: known?.[2] ?? `${name}s`, count }];
    });
}
