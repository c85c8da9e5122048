import { Duration, Stack } from 'aws-cdk-lib';
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
import {
  DeployRolePolicy,
  type DeployRolePolicyProps,
  bootstrapVersionArn,
  packageVersionsArn,
  readBootstrapVersion,
} from './deploy-role-policy';
import { defaultPolicyOf } from '../shared/cdk-internals';

/** What the deployer needs besides its deploy role's needs, which `DeployRolePolicyProps` documents. */
export interface ModelDeployerProps extends Omit<DeployRolePolicyProps, 'role'> {
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** Whether the dead-letter queue and the function's logs are kept or destroyed with the stack. */
  readonly removal: RemovalMode;
}

/**
 * Deploys each approved model by itself: an EventBridge rule on SageMaker's model package state
 * changes (approved, in this group) invokes `lambda/deploy-model/`, which updates this stack's
 * parameters (the package and its baseline) on the stack's current template. CloudFormation makes
 * the change with `DeployRole`, a service role allowed exactly what such an update does: create,
 * update and delete this endpoint's SageMaker resources (and its monitor's, when there is one) and
 * their scaling, pass the serving role to SageMaker, let SageMaker read the rollback alarms, and read
 * the outputs of the stacks this one references (its policy, `DeployPolicy`, is built in
 * `deploy-role-policy.ts`, grouped by the resource types it serves). A later `cdk deploy` keeps the
 * deployed model, as the CDK reuses a stack's previous parameter values.
 *
 * An event whose deployment still fails after Lambda's two retries (a stack busy for too long,
 * say) is kept in an encrypted dead-letter queue, from which it can be sent again.
 */
export class ModelDeployer extends Construct {
  readonly function: PipelineFunction;
  readonly deployRole: iam.Role;
  /** The deploy role's policy: its statements grouped by resource type, with their sources. */
  readonly deployPolicy: DeployRolePolicy;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ModelDeployerProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.deployRole = new iam.Role(this, 'DeployRole', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      description: `ml-lifecycle-cdk: CloudFormation deploys approved churn models to ${props.servingName}`,
    });
    this.deployPolicy = new DeployRolePolicy(this, 'DeployPolicy', {
      role: this.deployRole,
      modelPackageGroupName: props.modelPackageGroupName,
      servingName: props.servingName,
      servingRole: props.servingRole,
      key: props.key,
      rollbackAlarms: props.rollbackAlarms,
      referencedStacks: props.referencedStacks,
      modelMonitor: props.modelMonitor,
    });

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
      use: { invocationsPer: 'model approval' },
    });
    this.function.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    allowToStartDeployments(this.function.role, {
      deployRole: this.deployRole,
      modelPackageGroupName: props.modelPackageGroupName,
      key: props.key,
    });

    this.rule = new events.Rule(this, 'Approved', {
      description: `A version of ${props.modelPackageGroupName} was approved: deploy it`,
      eventPattern: {
        source: [EVENT_SOURCE],
        detailType: [EVENT_DETAIL_TYPE],
        detail: { ModelPackageGroupName: [props.modelPackageGroupName], ModelApprovalStatus: [APPROVED] },
      },
      targets: [
        new targets.LambdaFunction(this.function.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 10,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }
}

/**
 * What the deploy function does besides what its building block grants: update this one stack with
 * the deploy role, read the approved version it deploys and the bootstrap version the update
 * checks, and send what it cannot deploy to its encrypted dead-letter queue.
 */
function allowToStartDeployments(
  role: iam.Role,
  props: { readonly deployRole: iam.IRole; readonly modelPackageGroupName: string; readonly key: kms.IKey },
): void {
  const stack = Stack.of(role);
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
      resources: [props.deployRole.roleArn],
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
  // UpdateStack checks the stack's BootstrapVersion parameter as its caller too.
  role.addToPrincipalPolicy(readBootstrapVersion(role));
  const packageVersions = packageVersionsArn(role, props.modelPackageGroupName);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadApprovedPackages',
      actions: ['sagemaker:DescribeModelPackage'],
      resources: [packageVersions],
    }),
  );
  const policy = defaultPolicyOf(role);
  acknowledgeFindings(
    policy,
    [wildcardResourceFinding(role, bootstrapVersionArn(role))],
    "The CDK bootstrap's version parameter is named after the bootstrap qualifier, which this app does not fix; CloudFormation reads it again on each update the deploy function starts.",
  );
  acknowledgeFindings(
    policy,
    [wildcardResourceFinding(role, packageVersions)],
    'The deploy function reads the approved version named in the event; versions are numbered by SageMaker, so the grant covers the versions of this one package group.',
  );
}
