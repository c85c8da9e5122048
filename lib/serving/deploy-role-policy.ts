import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings, wildcardResourceFinding } from '../shared/compliance';

export interface DeployRolePolicyProps {
  /** The role CloudFormation assumes to deploy a model: the policy is attached to it. */
  readonly role: iam.IRole;
  /** The model package group whose approved versions are deployed. */
  readonly modelPackageGroupName: string;
  /** The name every serving resource (endpoint, models, configs, monitor) starts with. */
  readonly servingName: string;
  /** The role the endpoint's model and monitor run with, which CloudFormation passes to SageMaker. */
  readonly servingRole: iam.IRole;
  /** The key of the endpoint config: the instances' volumes and the captured data. */
  readonly key: kms.IKey;
  /**
   * The alarms the endpoint's deployment guardrails watch (its auto-rollback configuration).
   * SageMaker reads them with the permissions of whoever calls CreateEndpoint or UpdateEndpoint,
   * which during a model deployment is the deploy role.
   */
  readonly rollbackAlarms: readonly cloudwatch.IAlarm[];
  /**
   * The stacks whose outputs the stack's template reads (weak cross-stack references,
   * `Fn::GetStackOutput`). CloudFormation describes them with the stack's execution role on every
   * update, so the deploy role must be allowed to. The policy's own stack, if listed, and
   * duplicates are ignored.
   */
  readonly referencedStacks: readonly Stack[];
  /**
   * Whether the stack has Model Monitor's data-quality job definition and schedule, which a model
   * deployment replaces and updates; only then may the deploy role manage them.
   */
  readonly modelMonitor: boolean;
}

/** Findings that some statements raise, acknowledged together for one reason. */
export interface Acknowledgement {
  /** The finding ids, as the rule packs spell them. */
  readonly findings: readonly string[];
  /** Why the grant is as narrow as it can be. */
  readonly reason: string;
}

/**
 * Some statements of the deploy role's policy, with where they come from and the findings they
 * raise, so that a grant, its documentation and its acknowledgement are read and changed together.
 */
export interface PermissionGroup {
  /**
   * The CloudFormation resource types whose create, update, delete or read makes these calls;
   * empty for what CloudFormation does for the stack update itself (its parameters and references).
   */
  readonly resourceTypes: readonly string[];
  /** Where the calls are documented: the types' registry schemas, or the page that says so. */
  readonly source: string;
  /** The statements, in the order the policy holds them. */
  readonly statements: readonly iam.PolicyStatement[];
  /** Every finding the statements raise, with its reason; none when they raise none. */
  readonly acknowledgements: readonly Acknowledgement[];
}

/** The versions of a model package group (each version's ARN ends in its number). */
export function packageVersionsArn(scope: IConstruct, modelPackageGroupName: string): string {
  return Stack.of(scope).formatArn({
    service: 'sagemaker',
    resource: 'model-package',
    resourceName: `${modelPackageGroupName}/*`,
  });
}

/**
 * The CDK bootstrap's version parameter, which CloudFormation reads again on every update of a
 * stack the CDK deployed (its `BootstrapVersion` parameter). Its name holds the bootstrap
 * qualifier, which this app does not fix.
 */
export function bootstrapVersionArn(scope: IConstruct): string {
  return Stack.of(scope).formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'cdk-bootstrap/*/version' });
}

/** The statement that lets a principal read the bootstrap version; the deploy function needs it too. */
export function readBootstrapVersion(scope: IConstruct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadBootstrapVersion',
    actions: ['ssm:GetParameters'],
    resources: [bootstrapVersionArn(scope)],
  });
}

/**
 * The groups of statements of the deploy role's policy, in the policy's order: for each resource
 * type a model update creates, updates or deletes, what CloudFormation's handlers call (the
 * `handlers.<create|update|delete|read>.permissions` and `tagging.permissions` of the type's
 * registry schema, checked against the schemas by the permission contract's rows from
 * lib/permissions/handler-permissions.ts), what
 * SageMaker checks of the caller while it does, and what the stack update itself reads.
 */
export function deployRolePermissions(scope: IConstruct, props: DeployRolePolicyProps): PermissionGroup[] {
  const stack = Stack.of(scope);
  const named = (resource: string) =>
    stack.formatArn({ service: 'sagemaker', resource, resourceName: `${props.servingName}*` });
  const finding = (arn: string) => wildcardResourceFinding(scope, arn);

  const servingResources = [named('model'), named('endpoint-config'), named('endpoint')];
  const packageVersions = packageVersionsArn(scope, props.modelPackageGroupName);
  const targetTrackingAlarms = stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `TargetTracking-endpoint/${props.servingName}/*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const monitorResources = [named('data-quality-job-definition'), named('monitoring-schedule')];
  // Fn::GetStackOutput reads a producer's outputs with DescribeStacks, as the stack's execution
  // role unless the reference names another role (CDK names none within one account and region).
  const producerStacks = [...new Set(props.referencedStacks)].filter((s) => s !== stack);
  const producers = producerStacks.map((producer) =>
    producer.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${producer.stackName}/*` }),
  );

  return [
    {
      resourceTypes: ['AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint'],
      source:
        'registry schemas AWS::SageMaker::Model and AWS::SageMaker::Endpoint (create, update, delete, read, tagging); ' +
        'AWS::SageMaker::EndpointConfig has no handlers in its schema: SageMaker API reference (CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig, AddTags)',
      statements: [
        new iam.PolicyStatement({
          sid: 'ServingResources',
          actions: [
            'sagemaker:CreateModel',
            'sagemaker:DescribeModel',
            'sagemaker:DeleteModel',
            'sagemaker:CreateEndpointConfig',
            'sagemaker:DescribeEndpointConfig',
            'sagemaker:DeleteEndpointConfig',
            'sagemaker:CreateEndpoint',
            'sagemaker:UpdateEndpoint',
            'sagemaker:DescribeEndpoint',
            'sagemaker:DeleteEndpoint',
            // The app tags every resource, so each is created with tags and may have them changed.
            'sagemaker:AddTags',
            'sagemaker:DeleteTags',
            'sagemaker:ListTags',
          ],
          resources: servingResources,
        }),
      ],
      acknowledgements: [
        {
          findings: servingResources.map(finding),
          reason: `Each approved version gets its own model and endpoint config, named "${props.servingName}-v<version>" at deploy time from a version number SageMaker assigns, so CloudFormation may manage the models, endpoint configs and endpoint whose names start with ${props.servingName}, and no others.`,
        },
      ],
    },
    {
      resourceTypes: ['AWS::SageMaker::Model'],
      source: 'SageMaker API reference: CreateModel from a model package (ModelPackageName) reads the package',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadApprovedPackages',
          actions: ['sagemaker:DescribeModelPackage'],
          resources: [packageVersions],
        }),
      ],
      acknowledgements: [
        {
          findings: [finding(packageVersions)],
          reason: `CloudFormation creates each version's model from the approved package version, which SageMaker numbers, so the grant covers the versions of ${props.modelPackageGroupName} and of no other package group.`,
        },
      ],
    },
    {
      resourceTypes: props.modelMonitor
        ? ['AWS::SageMaker::Model', 'AWS::SageMaker::DataQualityJobDefinition', 'AWS::SageMaker::MonitoringSchedule']
        : ['AWS::SageMaker::Model'],
      source: 'registry schemas: iam:PassRole in the create handlers of these types',
      statements: [
        new iam.PolicyStatement({
          sid: 'PassServingRole',
          actions: ['iam:PassRole'],
          resources: [props.servingRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
      ],
      acknowledgements: [],
    },
    {
      resourceTypes: ['AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy'],
      source:
        'registry schemas AWS::ApplicationAutoScaling::ScalableTarget and AWS::ApplicationAutoScaling::ScalingPolicy (create, update, delete, read); Application Auto Scaling tagging',
      statements: [
        new iam.PolicyStatement({
          sid: 'ScaleTheEndpoint',
          actions: [
            'application-autoscaling:RegisterScalableTarget',
            'application-autoscaling:DeregisterScalableTarget',
            'application-autoscaling:DescribeScalableTargets',
            'application-autoscaling:DescribeScheduledActions',
            'application-autoscaling:PutScheduledAction',
            'application-autoscaling:DeleteScheduledAction',
            'application-autoscaling:PutScalingPolicy',
            'application-autoscaling:DeleteScalingPolicy',
            'application-autoscaling:DescribeScalingPolicies',
            // The scalable target carries the app's tags, which RegisterScalableTarget applies.
            'application-autoscaling:TagResource',
            'application-autoscaling:UntagResource',
            'application-autoscaling:ListTagsForResource',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          // The scaling policy's create and update handlers read the metric it tracks.
          sid: 'ReadScalingMetrics',
          actions: ['cloudwatch:GetMetricData'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'TargetTrackingAlarms',
          actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
          resources: [targetTrackingAlarms],
        }),
      ],
      acknowledgements: [
        {
          findings: ['AwsSolutions-IAM5[Resource::*]'],
          reason:
            "Application Auto Scaling's Describe actions and CloudWatch's GetMetricData (read by the scaling policy's handlers) take no resource-level permissions, and a scalable target's ARN carries an ID that Application Auto Scaling assigns at registration, so those grants name every target.",
        },
        {
          findings: [finding(targetTrackingAlarms)],
          reason: `Application Auto Scaling names the target-tracking alarms it creates for the scaling policy itself, under TargetTracking-endpoint/${props.servingName}/, so CloudFormation may manage the alarms under that prefix and no others.`,
        },
      ],
    },
    {
      resourceTypes: ['AWS::SageMaker::Endpoint'],
      source:
        'SageMaker developer guide, deployment guardrails: auto-rollback alarms are described with the permissions of the CreateEndpoint or UpdateEndpoint caller',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadRollbackAlarms',
          actions: ['cloudwatch:DescribeAlarms'],
          resources: props.rollbackAlarms.map((alarm) => alarm.alarmArn),
        }),
      ],
      acknowledgements: [],
    },
    {
      resourceTypes: ['AWS::ApplicationAutoScaling::ScalableTarget'],
      source:
        "registry schema AWS::ApplicationAutoScaling::ScalableTarget: iam:CreateServiceLinkedRole in its create handler (the first SageMaker target creates Application Auto Scaling's service-linked role)",
      statements: [
        new iam.PolicyStatement({
          sid: 'ScalingServiceLinkedRole',
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [
            stack.formatArn({
              service: 'iam',
              region: '',
              resource: 'role',
              resourceName:
                'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
            }),
          ],
          conditions: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
        }),
      ],
      acknowledgements: [],
    },
    {
      resourceTypes: ['AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint'],
      source:
        "SageMaker API reference, CreateEndpointConfig KmsKeyId: the key must let the CreateEndpoint and UpdateEndpoint caller use it for the instances' volumes",
      statements: [
        new iam.PolicyStatement({
          sid: 'EncryptEndpointVolumes',
          actions: ['kms:CreateGrant'],
          resources: [props.key.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
        // Apart from CreateGrant: a DescribeKey request never carries kms:GrantIsForAWSResource, so
        // under that condition it would always be refused.
        new iam.PolicyStatement({
          sid: 'DescribeEndpointKey',
          actions: ['kms:DescribeKey'],
          resources: [props.key.keyArn],
        }),
      ],
      acknowledgements: [],
    },
    ...(producers.length > 0
      ? [
          {
            resourceTypes: [],
            source:
              "CloudFormation user guide: weak references (Fn::GetStackOutput) are resolved with the stack's role",
            statements: [
              new iam.PolicyStatement({
                sid: 'ReadProducerOutputs',
                actions: ['cloudformation:DescribeStacks'],
                resources: producers,
              }),
            ],
            acknowledgements: [
              {
                findings: producers.map(finding),
                reason: `CloudFormation reads the outputs of ${producerStacks.map((p) => p.stackName).join(', ')} (weak cross-stack references) on every update; a stack's ARN ends in an ID that CloudFormation assigns at creation, so the grant names each stack by its fixed name and any ID.`,
              },
            ],
          },
        ]
      : []),
    ...(props.modelMonitor
      ? [
          {
            resourceTypes: ['AWS::SageMaker::DataQualityJobDefinition', 'AWS::SageMaker::MonitoringSchedule'],
            source:
              'registry schemas AWS::SageMaker::DataQualityJobDefinition (create, delete, read, tagging; no update) and AWS::SageMaker::MonitoringSchedule (create, update, delete, read)',
            statements: [
              new iam.PolicyStatement({
                sid: 'MonitorResources',
                actions: [
                  'sagemaker:CreateDataQualityJobDefinition',
                  'sagemaker:DescribeDataQualityJobDefinition',
                  'sagemaker:DeleteDataQualityJobDefinition',
                  'sagemaker:CreateMonitoringSchedule',
                  'sagemaker:UpdateMonitoringSchedule',
                  'sagemaker:DescribeMonitoringSchedule',
                  'sagemaker:DeleteMonitoringSchedule',
                  'sagemaker:AddTags',
                  'sagemaker:DeleteTags',
                  'sagemaker:ListTags',
                ],
                resources: monitorResources,
              }),
            ],
            acknowledgements: [
              {
                findings: monitorResources.map(finding),
                reason: `Each approved version gets its own data-quality job definition, named "${props.servingName}-data-quality-v<version>" at deploy time from a version number SageMaker assigns, and the schedule that runs it is "${props.servingName}-data-quality", so CloudFormation may manage the job definitions and schedules whose names start with ${props.servingName}, and no others.`,
              },
            ],
          },
        ]
      : []),
    {
      resourceTypes: [],
      source:
        "CDK bootstrap: every CDK stack's BootstrapVersion parameter, an SSM parameter CloudFormation resolves on each update",
      statements: [readBootstrapVersion(scope)],
      acknowledgements: [
        {
          findings: [finding(bootstrapVersionArn(scope))],
          reason:
            "The CDK bootstrap's version parameter is named after the bootstrap qualifier, which this app does not fix; CloudFormation reads it again on each update the deploy role carries out.",
        },
      ],
    },
  ];
}

/**
 * What CloudFormation may do, as the deploy role, to deploy a model to the serving stack, and
 * nothing else: the statements of {@link deployRolePermissions}, each group's findings
 * acknowledged on this policy with that group's reason.
 */
export class DeployRolePolicy extends iam.ManagedPolicy {
  /** The statement groups, with their sources and acknowledgements, in the policy's order. */
  readonly statementGroups: readonly PermissionGroup[];

  constructor(scope: Construct, id: string, props: DeployRolePolicyProps) {
    const groups = deployRolePermissions(scope, props);
    super(scope, id, {
      description: `What CloudFormation does to deploy a model to ${props.servingName}, and nothing else`,
      roles: [props.role],
      statements: groups.flatMap((group) => group.statements),
    });
    this.statementGroups = groups;
    for (const group of groups) {
      for (const { findings, reason } of group.acknowledgements) {
        acknowledgeFindings(this, findings, reason);
      }
    }
  }
}
