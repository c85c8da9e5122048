import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RULES, acknowledgeFindings, wildcardResourceFinding } from '../shared/compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../shared/removal';
import { APPROVED, EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../contracts/serving';
import { PipelineFunction } from '../shared/pipeline-function';

export interface ModelDeployerProps {
  /** The model package group whose approved versions are deployed. */
  readonly modelPackageGroupName: string;
  /** The name every serving resource (endpoint, models, configs, monitor) starts with. */
  readonly servingName: string;
  /** The role the endpoint's model and monitor run with, which CloudFormation passes to SageMaker. */
  readonly servingRole: iam.IRole;
  /** The lake key: endpoint volumes and captured data. */
  readonly key: kms.IKey;
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  readonly removal: RemovalMode;
  /**
   * The alarms the endpoint's deployment guardrails watch (its auto-rollback configuration).
   * SageMaker reads them with the permissions of whoever calls CreateEndpoint or UpdateEndpoint,
   * which during a model deployment is the deploy role.
   */
  readonly rollbackAlarms: readonly cloudwatch.IAlarm[];
  /**
   * The stacks whose outputs this stack's template reads (weak cross-stack references,
   * `Fn::GetStackOutput`). CloudFormation describes them with the stack's execution role on every
   * update, so the deploy role must be allowed to. This stack itself, if listed, and duplicates are
   * ignored.
   */
  readonly referencedStacks: readonly Stack[];
  /**
   * Whether the stack has Model Monitor's data-quality job definition and schedule, which a model
   * deployment replaces and updates; only then may the deploy role manage them.
   */
  readonly modelMonitor: boolean;
}

/**
 * Deploys each approved model by itself: an EventBridge rule on SageMaker's model package state
 * changes (approved, in this group) invokes `lambda/deploy-model/`, which updates this stack's
 * parameters (the package and its baseline) on the stack's current template. CloudFormation makes
 * the change with `DeployRole`, a service role allowed exactly what such an update does: create,
 * update and delete this endpoint's SageMaker resources (and its monitor's, when there is one) and
 * their scaling, pass the serving role to SageMaker, let SageMaker read the rollback alarms, and read
 * the outputs of the stacks this one references. A later `cdk deploy` keeps the deployed model, as
 * the CDK reuses a stack's previous parameter values.
 *
 * An event whose deployment still fails after Lambda's two retries (a stack busy for too long,
 * say) is kept in an encrypted dead-letter queue, from which it can be sent again.
 */
export class ModelDeployer extends Construct {
  readonly function: PipelineFunction;
  readonly deployRole: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ModelDeployerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const named = (resource: string) =>
      stack.formatArn({ service: 'sagemaker', resource, resourceName: `${props.servingName}*` });
    const packageVersions = stack.formatArn({
      service: 'sagemaker',
      resource: 'model-package',
      resourceName: `${props.modelPackageGroupName}/*`,
    });

    this.deployRole = new iam.Role(this, 'DeployRole', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      description: `ml-lifecycle-cdk: CloudFormation deploys approved churn models to ${props.servingName}`,
    });
    // What CloudFormation calls to create, update and delete each resource that a change of the
    // model parameters touches: the create/update/delete (and read) handler permissions of each
    // type's registry schema, listed per type in test/serving/serving-stack.test.ts with their source.
    const servingResources = [named('model'), named('endpoint-config'), named('endpoint')];
    const monitorResources = props.modelMonitor
      ? [named('data-quality-job-definition'), named('monitoring-schedule')]
      : [];
    const targetTrackingAlarms = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `TargetTracking-endpoint/${props.servingName}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // Fn::GetStackOutput reads a producer's outputs with DescribeStacks, as the stack's execution
    // role unless the reference names another role (CDK names none within one account and region).
    const producerStacks = [...new Set(props.referencedStacks)].filter((s) => s !== stack);
    const producers = producerStacks.map((producer) =>
      producer.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${producer.stackName}/*` }),
    );
    const deployPolicy = new iam.ManagedPolicy(this, 'DeployPolicy', {
      description: `What CloudFormation does to deploy a model to ${props.servingName}, and nothing else`,
      roles: [this.deployRole],
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
        new iam.PolicyStatement({
          sid: 'ReadApprovedPackages',
          actions: ['sagemaker:DescribeModelPackage'],
          resources: [packageVersions],
        }),
        new iam.PolicyStatement({
          sid: 'PassServingRole',
          actions: ['iam:PassRole'],
          resources: [props.servingRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
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
        new iam.PolicyStatement({
          // Deployment guardrails: SageMaker describes the rollback alarms as the endpoint's caller.
          sid: 'ReadRollbackAlarms',
          actions: ['cloudwatch:DescribeAlarms'],
          resources: props.rollbackAlarms.map((alarm) => alarm.alarmArn),
        }),
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
        ...(producers.length > 0
          ? [
              new iam.PolicyStatement({
                sid: 'ReadProducerOutputs',
                actions: ['cloudformation:DescribeStacks'],
                resources: producers,
              }),
            ]
          : []),
        ...(props.modelMonitor
          ? [
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
            ]
          : []),
      ],
    });
    acknowledgeFindings(
      deployPolicy,
      [...servingResources, ...monitorResources, packageVersions].map((arn) => wildcardResourceFinding(this, arn)),
      `Each approved version gets its own model and endpoint config${props.modelMonitor ? ' and monitoring job definition' : ''}, named "${props.servingName}-v<version>" at deploy time, and versions are numbered by SageMaker, so CloudFormation's permissions are scoped to that name prefix and this one package group.`,
    );
    acknowledgeFindings(
      deployPolicy,
      ['AwsSolutions-IAM5[Resource::*]', wildcardResourceFinding(this, targetTrackingAlarms)],
      "Application Auto Scaling's Describe actions and CloudWatch's GetMetricData (read by the scaling policy's handlers) take no resource-level permissions, a scalable target's ARN carries an ID that Application Auto Scaling assigns at registration, and the service names the target-tracking alarms it creates itself (TargetTracking-endpoint/<endpoint>/...), so those grants name every target and that alarm prefix.",
    );
    if (producers.length > 0) {
      acknowledgeFindings(
        deployPolicy,
        producers.map((arn) => wildcardResourceFinding(this, arn)),
        `CloudFormation reads the outputs of ${producerStacks.map((p) => p.stackName).join(', ')} (weak cross-stack references) on every update; a stack's ARN ends in an ID that CloudFormation assigns at creation, so the grant names each stack by its fixed name and any ID.`,
      );
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: removalPolicyOf(props.removal),
    });
    acknowledgeFindings(
      this.deadLetterQueue,
      RULES.sqsDlq,
      'This queue is itself the dead-letter queue of the deploy function and of its EventBridge rule: the approval events that could not be deployed wait here to be sent again.',
    );

    this.function = new PipelineFunction(this, 'Function', {
      folder: 'deploy-model',
      description: `Deploys each approved version of ${props.modelPackageGroupName} to the serving stack`,
      environment: {
        STACK_NAME: stack.stackName,
        CLOUDFORMATION_ROLE_ARN: this.deployRole.roleArn,
        MODEL_PACKAGE_GROUP_NAME: props.modelPackageGroupName,
      },
      // It may wait up to 10 minutes for a previous deployment of the stack to finish.
      timeout: Duration.minutes(12),
      logKey: props.key,
      logRetention: props.logRetention,
      removal: props.removal,
      deadLetterQueue: this.deadLetterQueue,
      invocationsPer: 'model approval',
    });
    const fn = this.function.function;
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    const role = this.function.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UpdateThisStack',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:UpdateStack'],
        resources: [stack.stackId],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassDeployRole',
        actions: ['iam:PassRole'],
        resources: [this.deployRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      }),
    );
    // Lambda sends an event that failed all its attempts to the dead-letter queue with the function's
    // own role; the queue is encrypted with the lake key, so SQS needs a data key for the message,
    // asked for as this role. Without these the event would be dropped, and the alarm on the queue
    // would never fire.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptDeadLetters',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
      }),
    );
    // The stack's BootstrapVersion parameter is read from Parameter Store again on every update.
    const bootstrapVersion = stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: 'cdk-bootstrap/*/version',
    });
    const readBootstrapVersion = new iam.PolicyStatement({
      sid: 'ReadBootstrapVersion',
      actions: ['ssm:GetParameters'],
      resources: [bootstrapVersion],
    });
    role.addToPrincipalPolicy(readBootstrapVersion);
    deployPolicy.addStatements(readBootstrapVersion);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadApprovedPackages',
        actions: ['sagemaker:DescribeModelPackage'],
        resources: [packageVersions],
      }),
    );
    const bootstrapReason = (who: string) =>
      `The CDK bootstrap's version parameter is named after the bootstrap qualifier, which this app does not fix; CloudFormation reads it again on each update ${who}.`;
    acknowledgeFindings(
      role.node.findChild('DefaultPolicy'),
      [wildcardResourceFinding(this, bootstrapVersion)],
      bootstrapReason('the deploy function starts'),
    );
    acknowledgeFindings(
      deployPolicy,
      [wildcardResourceFinding(this, bootstrapVersion)],
      bootstrapReason('the deploy role carries out'),
    );
    acknowledgeFindings(
      role.node.findChild('DefaultPolicy'),
      [wildcardResourceFinding(this, packageVersions)],
      'The deploy function reads the approved version named in the event; versions are numbered by SageMaker, so the grant covers the versions of this one package group.',
    );

    this.rule = new events.Rule(this, 'Approved', {
      description: `A version of ${props.modelPackageGroupName} was approved: deploy it`,
      eventPattern: {
        source: [EVENT_SOURCE],
        detailType: [EVENT_DETAIL_TYPE],
        detail: { ModelPackageGroupName: [props.modelPackageGroupName], ModelApprovalStatus: [APPROVED] },
      },
      targets: [
        new targets.LambdaFunction(fn, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 10,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }
}
