/**
 * What CloudFormation needs to create, update, delete and read each resource type that a change of
 * the Serving stack's model parameters touches, and the contract rows that check the deploy role
 * (the CloudFormation service role of the Serving stack) against it.
 *
 * The lists are the `handlers.<create|update|delete|read>.permissions` and `tagging.permissions`
 * of each type's CloudFormation registry schema (`aws cloudformation describe-type --type RESOURCE
 * --type-name <type>`, or the region's CloudformationSchema.zip at
 * https://schema.cloudformation.us-east-1.amazonaws.com/CloudformationSchema.zip), in schema
 * order. They are copied from the schemas, not from the construct that grants them
 * (lib/serving/deploy-role-policy.ts), so that the contract checks the construct against the
 * documentation rather than against itself. test/serving/serving-stack.test.ts checks that the
 * types listed are exactly the types a model change touches.
 */
import type { PermissionRow } from './types';

/** One resource type's handler permissions, where they come from, and what is deliberately left out. */
export interface HandlerPermissions {
  /** Where the list is copied from. */
  readonly source: string;
  /** The page of that source. */
  readonly doc: string;
  /** The permissions, in the source's order (an action may repeat across handlers). */
  readonly permissions: readonly string[];
  /**
   * Documented permissions the deploy role must NOT get, each with why this template never needs
   * it. Each becomes a `denied` row.
   * @default - every permission is needed
   */
  readonly notNeeded?: Readonly<Record<string, string>>;
  /**
   * `true`: the type exists only where the stage opts in to SageMaker Model Monitor.
   * @default false
   */
  readonly modelMonitor?: boolean;
}

const SCHEMA = (type: string) =>
  `https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-${type}.html`;

/** The handler permissions of every resource type that a change of the model parameters touches. */
export const HANDLER_PERMISSIONS: Readonly<Record<string, HandlerPermissions>> = {
  'AWS::SageMaker::Model': {
    doc: SCHEMA('sagemaker-model'),
    source: 'registry schema AWS::SageMaker::Model: create, update, delete, read, tagging',
    permissions: [
      ...['iam:PassRole', 'sagemaker:AddTags', 'sagemaker:CreateModel'],
      ...['sagemaker:AddTags', 'sagemaker:DeleteTags'],
      ...['sagemaker:DeleteModel'],
      ...['sagemaker:DescribeModel', 'sagemaker:ListTags'],
      ...['sagemaker:ListTags', 'sagemaker:AddTags', 'sagemaker:DeleteTags'],
    ],
  },
  'AWS::SageMaker::EndpointConfig': {
    // Its registry schema has no handlers section (a type CloudFormation still provisions itself),
    // so the list is the SageMaker API actions the type maps to (API reference: CreateEndpointConfig,
    // DescribeEndpointConfig, DeleteEndpointConfig, AddTags: the app tags every resource).
    doc: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html',
    source: 'SageMaker API reference: CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig, AddTags',
    permissions: [
      'sagemaker:CreateEndpointConfig',
      'sagemaker:DescribeEndpointConfig',
      'sagemaker:DeleteEndpointConfig',
      'sagemaker:AddTags',
      'sagemaker:ListTags',
    ],
  },
  'AWS::SageMaker::Endpoint': {
    doc: SCHEMA('sagemaker-endpoint'),
    source: 'registry schema AWS::SageMaker::Endpoint: create, update, delete, read, tagging',
    permissions: [
      ...['sagemaker:CreateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:AddTags'],
      ...['sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:AddTags', 'sagemaker:DeleteTags'],
      ...['sagemaker:DeleteEndpoint', 'sagemaker:DescribeEndpoint'],
      ...['sagemaker:DescribeEndpoint', 'sagemaker:ListTags'],
      ...['sagemaker:AddTags', 'sagemaker:DeleteTags', 'sagemaker:ListTags'],
    ],
  },
  'AWS::ApplicationAutoScaling::ScalableTarget': {
    doc: SCHEMA('applicationautoscaling-scalabletarget'),
    source: 'registry schema AWS::ApplicationAutoScaling::ScalableTarget: create, update, delete, read',
    permissions: [
      ...[
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:DescribeScheduledActions',
        'application-autoscaling:PutScheduledAction',
        'iam:PassRole',
        'iam:CreateServiceLinkedRole',
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:DescribeAlarms',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        'lambda:DeleteProvisionedConcurrencyConfig',
      ],
      ...[
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScheduledActions',
        'application-autoscaling:DeleteScheduledAction',
        'application-autoscaling:PutScheduledAction',
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:DescribeAlarms',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        'lambda:DeleteProvisionedConcurrencyConfig',
      ],
      ...['application-autoscaling:DeregisterScalableTarget'],
      ...['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScheduledActions'],
      // Not in the schema's handlers, but the template tags the target (the app's tags), and
      // RegisterScalableTarget with tags, TagResource and UntagResource are authorized as tagging
      // (https://docs.aws.amazon.com/autoscaling/application/userguide/resource-tagging-support.html).
      ...[
        'application-autoscaling:TagResource',
        'application-autoscaling:UntagResource',
        'application-autoscaling:ListTagsForResource',
      ],
    ],
    notNeeded: {
      'iam:PassRole':
        'the template names no RoleARN: Application Auto Scaling uses its service-linked role, so no role is passed to it',
      'lambda:GetProvisionedConcurrencyConfig': 'only for targets in the lambda namespace; this one is sagemaker',
      'lambda:PutProvisionedConcurrencyConfig': 'only for targets in the lambda namespace; this one is sagemaker',
      'lambda:DeleteProvisionedConcurrencyConfig': 'only for targets in the lambda namespace; this one is sagemaker',
    },
  },
  'AWS::ApplicationAutoScaling::ScalingPolicy': {
    doc: SCHEMA('applicationautoscaling-scalingpolicy'),
    source: 'registry schema AWS::ApplicationAutoScaling::ScalingPolicy: create, update, delete, read',
    permissions: [
      ...[
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:PutScalingPolicy',
        'cloudwatch:GetMetricData',
      ],
      ...[
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:PutScalingPolicy',
        'cloudwatch:GetMetricData',
      ],
      ...['application-autoscaling:DescribeScalingPolicies', 'application-autoscaling:DeleteScalingPolicy'],
      ...['application-autoscaling:DescribeScalingPolicies'],
    ],
  },
  'AWS::SageMaker::DataQualityJobDefinition': {
    modelMonitor: true,
    doc: 'https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-sagemaker/blob/main/aws-sagemaker-dataqualityjobdefinition/aws-sagemaker-dataqualityjobdefinition.json',
    source: 'registry schema AWS::SageMaker::DataQualityJobDefinition: create, delete, read, tagging (no update)',
    permissions: [
      ...[
        'sagemaker:CreateDataQualityJobDefinition',
        'sagemaker:DescribeDataQualityJobDefinition',
        'sagemaker:AddTags',
        'sagemaker:ListTags',
        'iam:PassRole',
      ],
      ...['sagemaker:DeleteDataQualityJobDefinition'],
      ...['sagemaker:DescribeDataQualityJobDefinition', 'sagemaker:ListTags'],
      ...['sagemaker:AddTags', 'sagemaker:ListTags'],
    ],
  },
  'AWS::SageMaker::MonitoringSchedule': {
    modelMonitor: true,
    doc: 'https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-sagemaker/blob/main/aws-sagemaker-monitoringschedule/aws-sagemaker-monitoringschedule.json',
    source: 'registry schema AWS::SageMaker::MonitoringSchedule: create, update, delete, read',
    permissions: [
      ...['sagemaker:CreateMonitoringSchedule', 'sagemaker:DescribeMonitoringSchedule', 'iam:PassRole'],
      ...['sagemaker:UpdateMonitoringSchedule', 'sagemaker:DescribeMonitoringSchedule'],
      ...['sagemaker:DeleteMonitoringSchedule', 'sagemaker:DescribeMonitoringSchedule'],
      ...['sagemaker:DescribeMonitoringSchedule'],
    ],
  },
};

/** Where each resource of the Serving stack is, as the contract's rows name it. */
export interface ServingPaths {
  /** The construct path of the deploy role. */
  readonly deployRole: string;
  /** The construct path of the role the model and the monitor run as. */
  readonly servingRole: string;
}

/** A SageMaker resource of the stage's account and region. */
export const sagemakerArn = (type: string, name: string) =>
  `arn:{partition}:sagemaker:{region}:{account}:${type}/${name}`;

/** The SageMaker resource of each SageMaker type, as the Serving stack names it for model version 3. */
const SAGEMAKER_RESOURCES: Readonly<Record<string, string>> = {
  'AWS::SageMaker::Model': sagemakerArn('model', 'ml-lifecycle-{stage}-churn-v3'),
  'AWS::SageMaker::EndpointConfig': sagemakerArn('endpoint-config', 'ml-lifecycle-{stage}-churn-v3'),
  'AWS::SageMaker::Endpoint': sagemakerArn('endpoint', 'ml-lifecycle-{stage}-churn'),
  'AWS::SageMaker::DataQualityJobDefinition': sagemakerArn(
    'data-quality-job-definition',
    'ml-lifecycle-{stage}-churn-data-quality-v3',
  ),
  'AWS::SageMaker::MonitoringSchedule': sagemakerArn('monitoring-schedule', 'ml-lifecycle-{stage}-churn-data-quality'),
};

/** The endpoint variant's scalable target (Application Auto Scaling gives it an id of its own). */
const SCALABLE_TARGET =
  'arn:{partition}:application-autoscaling:{region}:{account}:scalable-target/0123456789abcdef0123456789abcdef';

/** What a handler permission of a type is asked for: the request's resource and context. */
function request(type: string, permission: string, paths: ServingPaths): Pick<PermissionRow, 'resource' | 'context'> {
  const [service, action = ''] = permission.split(':');
  const sagemakerResource = SAGEMAKER_RESOURCES[type];
  if (service === 'sagemaker' && sagemakerResource !== undefined) {
    return { resource: sagemakerResource };
  }
  if (permission === 'iam:PassRole') {
    // SageMaker types pass the serving role to SageMaker; any other type would pass it to its own service.
    const passedTo = sagemakerResource === undefined ? 'application-autoscaling' : 'sagemaker';
    return { resource: `{arn:${paths.servingRole}}`, context: { 'iam:PassedToService': `${passedTo}.amazonaws.com` } };
  }
  if (permission === 'iam:CreateServiceLinkedRole') {
    return {
      resource:
        'arn:{partition}:iam::{account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
      context: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' },
    };
  }
  // Application Auto Scaling's Describe actions and CloudWatch's GetMetricData take no resource.
  if (
    (service === 'application-autoscaling' && action.startsWith('Describe')) ||
    permission === 'cloudwatch:GetMetricData'
  ) {
    return { resource: '*' };
  }
  if (service === 'application-autoscaling') {
    return { resource: SCALABLE_TARGET };
  }
  if (service === 'cloudwatch') {
    // The alarms a target-tracking policy creates for the variant.
    return {
      resource:
        'arn:{partition}:cloudwatch:{region}:{account}:alarm:TargetTracking-endpoint/ml-lifecycle-{stage}-churn/variant/AllTraffic-AlarmHigh-0123',
    };
  }
  if (service === 'lambda') {
    // Provisioned concurrency is configured on a function's version or alias; the evaluator cannot
    // tell the two apart by ARN, so the row asks for any qualifier (every reading must be denied).
    return { resource: 'arn:{partition}:lambda:{region}:{account}:function:ml-lifecycle-{stage}-any:*' };
  }
  throw new Error(`no request shape for ${permission} of ${type}: add one to lib/permissions/handler-permissions.ts`);
}

/**
 * One contract row per distinct handler permission of each type: `allowed` for what the deploy
 * role needs, `denied` for what is documented but never needed here.
 */
export function handlerPermissionRows(paths: ServingPaths): PermissionRow[] {
  return Object.entries(HANDLER_PERMISSIONS).flatMap(([type, { source, doc, permissions, notNeeded, modelMonitor }]) =>
    [...new Set([...permissions, ...Object.keys(notNeeded ?? {})])].map((permission): PermissionRow => {
      const reason = notNeeded?.[permission];
      return {
        id: `handler-${type.split('::')[2]?.toLowerCase()}-${permission.replace(':', '-').toLowerCase()}`,
        call:
          reason === undefined
            ? `CloudFormation's ${type} handlers call ${permission} (${source})`
            : `CloudFormation's ${type} handlers would call ${permission}, but ${reason}`,
        caller: { role: paths.deployRole },
        action: permission,
        ...request(type, permission, paths),
        expect: reason === undefined ? 'allowed' : 'denied',
        doc,
        ...(modelMonitor === true ? { modelMonitor } : {}),
      };
    }),
  );
}
