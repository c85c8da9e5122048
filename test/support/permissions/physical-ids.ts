import { createHash } from 'node:crypto';

/** Where the templates are deployed, for the resolver and for every ARN it makes. */
export interface DeployEnv {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

/** What CloudFormation would return for a resource: its `Ref`, its attributes, and its ARN as IAM names it. */
export interface ResourceIdentity {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The resource's ARN in IAM's format (for a log group: without the `:*` that its `Arn` attribute has). */
  readonly arn?: string;
}

/** The facts a type's identity is made from. */
export interface IdentityInput {
  readonly env: DeployEnv;
  readonly stackName: string;
  readonly logicalId: string;
  /** A resolved property of the resource, if set. */
  prop(name: string): unknown;
}

/**
 * A stand-in for a name CloudFormation generates (`<stack>-<logical id>-<random>`): deterministic,
 * so two runs and two tests agree, and cut to the type's length limit as CloudFormation does.
 */
export function generatedName(stackName: string, logicalId: string, maxLength: number, lowerCase = false): string {
  const suffix = hash(`${stackName}/${logicalId}`, 12).toUpperCase();
  const base = `${stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1);
  const name = `${base}-${suffix}`;
  return lowerCase ? name.toLowerCase() : name;
}

/** A deterministic hex digest of `text`, `length` characters long. */
export function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A deterministic UUID-shaped id (KMS key ids, stack ids). */
export function uuidOf(text: string): string {
  const h = hash(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type Identify = (input: IdentityInput) => ResourceIdentity;

function named(input: IdentityInput, property: string | undefined, maxLength: number, lowerCase = false): string {
  const given = property === undefined ? undefined : input.prop(property);
  if (given !== undefined) {
    if (typeof given !== 'string') {
      throw new Error(`${input.logicalId}.${property} resolved to ${JSON.stringify(given)}, not a name`);
    }
    return given;
  }
  return generatedName(input.stackName, input.logicalId, maxLength, lowerCase);
}

function nested(input: IdentityInput, property: string, field: string): string {
  const value = (input.prop(property) as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string') {
    throw new Error(`${input.logicalId}.${property}.${field} is not a name: ${JSON.stringify(value)}`);
  }
  return value;
}

function regional(input: IdentityInput, service: string, resource: string): string {
  const { partition, region, account } = input.env;
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

/** A resource named in its Ref, with an ARN. */
function byName(name: string, arn: string, attributes: Record<string, string> = {}): ResourceIdentity {
  return { ref: name, arn, attributes: { Arn: arn, ...attributes } };
}

/** A resource whose Ref is its ARN (SNS topics, SageMaker resources, state machines). */
function byArn(arn: string, attributes: Record<string, string>): ResourceIdentity {
  return { ref: arn, arn, attributes: { Arn: arn, ...attributes } };
}

function sagemaker(resource: string, nameProperty: string, arnAttribute: string, nameAttribute?: string): Identify {
  return (input) => {
    const name = named(input, nameProperty, 63);
    // SageMaker puts resource names into ARNs in lower case.
    const arn = regional(input, 'sagemaker', `${resource}/${name.toLowerCase()}`);
    return byArn(arn, { [arnAttribute]: arn, ...(nameAttribute === undefined ? {} : { [nameAttribute]: name }) });
  };
}

/**
 * The identity of each resource type the app creates, as the type's CloudFormation documentation
 * describes `Ref` and `Fn::GetAtt` (the "Return values" section of each resource's page).
 */
const IDENTITIES: Record<string, Identify> = {
  'AWS::S3::Bucket': (input) => {
    const name = named(input, 'BucketName', 63, true);
    const { partition, region, urlSuffix } = input.env;
    return byName(name, `arn:${partition}:s3:::${name}`, {
      DomainName: `${name}.s3.${urlSuffix}`,
      RegionalDomainName: `${name}.s3.${region}.${urlSuffix}`,
    });
  },
  'AWS::KMS::Key': (input) => {
    const id = uuidOf(`${input.stackName}/${input.logicalId}`);
    return byName(id, regional(input, 'kms', `key/${id}`), { KeyId: id });
  },
  'AWS::IAM::Role': (input) => {
    const name = named(input, 'RoleName', 64);
    const path = (input.prop('Path') as string | undefined) ?? '/';
    const arn = `arn:${input.env.partition}:iam::${input.env.account}:role${path}${name}`;
    return byName(name, arn, { RoleId: `AROA${hash(arn, 17).toUpperCase()}` });
  },
  'AWS::IAM::ManagedPolicy': (input) => {
    const name = named(input, 'ManagedPolicyName', 128);
    const path = (input.prop('Path') as string | undefined) ?? '/';
    const arn = `arn:${input.env.partition}:iam::${input.env.account}:policy${path}${name}`;
    return byArn(arn, { PolicyArn: arn });
  },
  'AWS::IAM::Policy': (input) => ({ ref: named(input, 'PolicyName', 128), attributes: {} }),
  'AWS::SNS::Topic': (input) => {
    const name = named(input, 'TopicName', 256);
    const arn = regional(input, 'sns', name);
    return byArn(arn, { TopicArn: arn, TopicName: name });
  },
  'AWS::SQS::Queue': (input) => {
    const name = named(input, 'QueueName', 80);
    const { region, urlSuffix, account } = input.env;
    const url = `https://sqs.${region}.${urlSuffix}/${account}/${name}`;
    const arn = regional(input, 'sqs', name);
    return { ref: url, arn, attributes: { Arn: arn, QueueName: name, QueueUrl: url } };
  },
  'AWS::Logs::LogGroup': (input) => {
    const name = named(input, 'LogGroupName', 512);
    const arn = regional(input, 'logs', `log-group:${name}`);
    return { ref: name, arn, attributes: { Arn: `${arn}:*` } };
  },
  'AWS::Logs::LogStream': (input) => ({ ref: named(input, 'LogStreamName', 512), attributes: {} }),
  'AWS::Lambda::Function': (input) => {
    const name = named(input, 'FunctionName', 64);
    return byName(name, regional(input, 'lambda', `function:${name}`));
  },
  'AWS::StepFunctions::StateMachine': (input) => {
    const name = named(input, 'StateMachineName', 80);
    const arn = regional(input, 'states', `stateMachine:${name}`);
    return byArn(arn, { Name: name });
  },
  'AWS::Kinesis::Stream': (input) => {
    const name = named(input, 'Name', 128);
    return byName(name, regional(input, 'kinesis', `stream/${name}`));
  },
  'AWS::KinesisFirehose::DeliveryStream': (input) => {
    const name = named(input, 'DeliveryStreamName', 64);
    return byName(name, regional(input, 'firehose', `deliverystream/${name}`));
  },
  'AWS::CloudWatch::Alarm': (input) => {
    const name = named(input, 'AlarmName', 255);
    return byName(name, regional(input, 'cloudwatch', `alarm:${name}`));
  },
  'AWS::CloudWatch::Dashboard': (input) => ({ ref: named(input, 'DashboardName', 255), attributes: {} }),
  'AWS::Events::Rule': (input) => {
    const name = named(input, 'Name', 64);
    const bus = input.prop('EventBusName') as string | undefined;
    const path = bus === undefined || bus === 'default' ? name : `${bus}/${name}`;
    return byName(name, regional(input, 'events', `rule/${path}`));
  },
  'AWS::Glue::Database': (input) => {
    const name = nested(input, 'DatabaseInput', 'Name');
    return { ref: name, arn: regional(input, 'glue', `database/${name}`), attributes: {} };
  },
  'AWS::Glue::Table': (input) => {
    const table = nested(input, 'TableInput', 'Name');
    const database = input.prop('DatabaseName') as string;
    return { ref: table, arn: regional(input, 'glue', `table/${database}/${table}`), attributes: {} };
  },
  'AWS::Glue::Job': (input) => {
    const name = named(input, 'Name', 255);
    return { ref: name, arn: regional(input, 'glue', `job/${name}`), attributes: {} };
  },
  'AWS::Glue::Workflow': (input) => {
    const name = named(input, 'Name', 255);
    return { ref: name, arn: regional(input, 'glue', `workflow/${name}`), attributes: {} };
  },
  'AWS::Glue::Trigger': (input) => {
    const name = named(input, 'Name', 255);
    return { ref: name, arn: regional(input, 'glue', `trigger/${name}`), attributes: {} };
  },
  'AWS::Glue::SecurityConfiguration': (input) => ({ ref: named(input, 'Name', 255), attributes: {} }),
  'AWS::Athena::WorkGroup': (input) => {
    const name = named(input, 'Name', 128);
    return { ref: name, arn: regional(input, 'athena', `workgroup/${name}`), attributes: {} };
  },
  'AWS::Athena::NamedQuery': (input) => ({ ref: uuidOf(`${input.stackName}/${input.logicalId}`), attributes: {} }),
  'AWS::SageMaker::Model': sagemaker('model', 'ModelName', 'ModelArn', 'ModelName'),
  'AWS::SageMaker::EndpointConfig': sagemaker(
    'endpoint-config',
    'EndpointConfigName',
    'EndpointConfigArn',
    'EndpointConfigName',
  ),
  'AWS::SageMaker::Endpoint': sagemaker('endpoint', 'EndpointName', 'EndpointArn', 'EndpointName'),
  'AWS::SageMaker::ModelPackageGroup': sagemaker(
    'model-package-group',
    'ModelPackageGroupName',
    'ModelPackageGroupArn',
  ),
  'AWS::SageMaker::DataQualityJobDefinition': sagemaker(
    'data-quality-job-definition',
    'JobDefinitionName',
    'JobDefinitionArn',
  ),
  'AWS::SageMaker::MonitoringSchedule': sagemaker(
    'monitoring-schedule',
    'MonitoringScheduleName',
    'MonitoringScheduleArn',
  ),
  'AWS::ApplicationAutoScaling::ScalableTarget': (input) => {
    const resourceId = input.prop('ResourceId') as string;
    const dimension = input.prop('ScalableDimension') as string;
    const namespace = input.prop('ServiceNamespace') as string;
    return { ref: `${resourceId}|${dimension}|${namespace}`, attributes: {} };
  },
  'AWS::ApplicationAutoScaling::ScalingPolicy': (input) => {
    const name = named(input, 'PolicyName', 256);
    const arn = regional(input, 'autoscaling', `scalingPolicy:${uuidOf(name)}:resource/${name}`);
    return byArn(arn, {});
  },
  'AWS::CloudTrail::Trail': (input) => {
    const name = named(input, 'TrailName', 128);
    return byName(name, regional(input, 'cloudtrail', `trail/${name}`));
  },
};

/** The identity of a resource of `type`; a type this file does not know gets a Ref and no attributes. */
export function identify(type: string, input: IdentityInput): ResourceIdentity {
  const known = IDENTITIES[type];
  if (known !== undefined) {
    return known(input);
  }
  return { ref: generatedName(input.stackName, input.logicalId, 128), attributes: {} };
}
