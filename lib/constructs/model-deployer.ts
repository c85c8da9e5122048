import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RULES, acknowledgeFindings, wildcardResourceFinding } from '../compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../removal';
import { APPROVED, EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../../lambda/deploy-model/deploy';
import { PipelineFunction } from './pipeline-function';

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
}

/**
 * Deploys each approved model by itself: an EventBridge rule on SageMaker's model package state
 * changes (approved, in this group) invokes `lambda/deploy-model/`, which updates this stack's
 * parameters (the package and its baseline) on the stack's current template. CloudFormation makes
 * the change with `DeployRole`, a service role allowed exactly what such an update does: create,
 * update and delete this endpoint's SageMaker resources and their scaling, and pass the serving
 * role to SageMaker. A later `cdk deploy` keeps the deployed model, as the CDK reuses a stack's
 * previous parameter values.
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
    const sagemakerResources = [
      named('model'),
      named('endpoint-config'),
      named('endpoint'),
      named('data-quality-job-definition'),
      named('monitoring-schedule'),
    ];
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
            'sagemaker:UpdateEndpointWeightsAndCapacities',
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
          resources: sagemakerResources,
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
            'application-autoscaling:PutScalingPolicy',
            'application-autoscaling:DeleteScalingPolicy',
            'application-autoscaling:DescribeScalingPolicies',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'TargetTrackingAlarms',
          actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
          resources: [
            stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `TargetTracking-endpoint/${props.servingName}/*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
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
          actions: ['kms:CreateGrant', 'kms:DescribeKey'],
          resources: [props.key.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      ],
    });
    acknowledgeFindings(
      deployPolicy,
      [...sagemakerResources, packageVersions].map((arn) => wildcardResourceFinding(this, arn)),
      `Each approved version gets its own model, endpoint config and monitoring job definition, named "${props.servingName}-v<version>" at deploy time, and versions are numbered by SageMaker, so CloudFormation's permissions are scoped to that name prefix and this one package group.`,
    );
    acknowledgeFindings(
      deployPolicy,
      [
        'AwsSolutions-IAM5[Resource::*]',
        wildcardResourceFinding(
          this,
          stack.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: `TargetTracking-endpoint/${props.servingName}/*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      ],
      'Application Auto Scaling grants no resource-level permissions for scalable targets and policies, and names the target-tracking alarms it creates itself (TargetTracking-endpoint/<endpoint>/...), so those grants name every target and that alarm prefix.',
    );

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
