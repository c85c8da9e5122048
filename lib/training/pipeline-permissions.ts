import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RULES, acknowledgeFindings, wildcardResourceFinding } from '../shared/compliance';
import { prefixedSageMakerArn } from './sagemaker-task';
import { defaultPolicyOf } from '../shared/cdk-internals';

/** What the state machine's role is granted beyond what its tasks grant. */
export interface PipelinePermissionsProps {
  /** The start of every job and model name of the pipeline, which the SageMaker grants are scoped to. */
  readonly jobNamePrefix: string;
  /** The role the pipeline's jobs run as, which the state machine passes to SageMaker. */
  readonly jobRole: iam.IRole;
  /** Whether the pipeline starts processing jobs (the opt-in Model Monitor baseline). */
  readonly processingJobs: boolean;
  /** The key of the topic the pipeline reports to. */
  readonly topicKey: kms.IKey;
  /** The functions the pipeline invokes, in the order their tasks were made. */
  readonly functions: readonly lambda.IFunction[];
  /** The model package group whose approved version (the champion) the pipeline describes. */
  readonly modelPackageGroupName: string;
}

/**
 * Grants the state machine's role what its hand-written SageMaker states need, scoped to the
 * pipeline's job names, and what publishing to an encrypted topic needs; acknowledges the findings
 * of the role's policy with the reason for each.
 */
export function grantPipelinePermissions(stateMachine: sfn.StateMachine, props: PipelinePermissionsProps): void {
  const stack = Stack.of(stateMachine);
  const prefix = props.jobNamePrefix;
  const arn = (resource: string) => prefixedSageMakerArn(stateMachine, resource, prefix);
  const rule = (name: string) =>
    stack.formatArn({
      service: 'events',
      resource: 'rule',
      resourceName: name,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  const jobs = {
    ...(props.processingJobs ? { processing: arn('processing-job') } : {}),
    tuning: arn('hyper-parameter-tuning-job'),
    transform: arn('transform-job'),
    model: arn('model'),
  };
  const role = stateMachine.role;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'RunPipelineJobs',
      actions: [
        ...(props.processingJobs
          ? ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob']
          : []),
        'sagemaker:CreateHyperParameterTuningJob',
        'sagemaker:DescribeHyperParameterTuningJob',
        'sagemaker:StopHyperParameterTuningJob',
        'sagemaker:CreateTransformJob',
        'sagemaker:DescribeTransformJob',
        'sagemaker:StopTransformJob',
        'sagemaker:CreateModel',
        'sagemaker:AddTags',
        'sagemaker:ListTags',
      ],
      resources: Object.values(jobs),
    }),
  );
  const policy = defaultPolicyOf(role);
  acknowledgeFindings(
    policy,
    // The jobs, and the training jobs (described) and models (deleted) of the SDK tasks.
    [...Object.values(jobs), arn('training-job')].map((a) => wildcardResourceFinding(stateMachine, a)),
    `Every job and model name of a run is "${prefix}" plus a run id made at run time (tuning's training jobs are named by SageMaker after the tuning job), so the pipeline's SageMaker permissions are scoped to that name prefix.`,
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PassJobRole',
      actions: ['iam:PassRole'],
      resources: [props.jobRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  );
  // The .sync integrations learn that a job ended from EventBridge rules that Step Functions
  // manages in the account, one per job type.
  const managedRules = [
    ...(props.processingJobs ? [rule('StepFunctionsGetEventsForSageMakerProcessingJobsRule')] : []),
    rule('StepFunctionsGetEventsForSageMakerTuningJobsRule'),
    rule('StepFunctionsGetEventsForSageMakerTransformJobsRule'),
  ];
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ManageJobEventRules',
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: managedRules,
    }),
  );
  // The Report steps grant only sns:Publish. Publishing to a topic encrypted with a customer
  // managed key also needs the key's data keys: SNS asks KMS for them as the publisher (SNS
  // developer guide, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html). Without
  // them every report, the failure report included, would fail after the model was registered.
  stateMachine.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'PublishToEncryptedTopic',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [props.topicKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
    }),
  );

  // The grants the state machine and its tasks made for the functions, log delivery and tracing.
  acknowledgeFindings(
    policy,
    props.functions.map((fn) => wildcardResourceFinding(stateMachine, `${fn.functionArn}:*`)),
    'The grant to invoke each pipeline function covers its versions and aliases (the function ARN followed by a qualifier), as Step Functions may invoke a qualified ARN.',
  );
  acknowledgeFindings(
    policy,
    ['AwsSolutions-IAM5[Resource::*]'],
    'Step Functions log delivery (logs:CreateLogDelivery and related), X-Ray tracing and SageMaker ListModelPackages (finding the version in service) have no resource-level permissions, so those statements name no resource.',
  );
  acknowledgeFindings(
    policy,
    [
      wildcardResourceFinding(
        stateMachine,
        stack.formatArn({
          service: 'sagemaker',
          resource: 'model-package',
          resourceName: `${props.modelPackageGroupName}/*`,
        }),
      ),
    ],
    'The pipeline describes the version in service, whichever it is: versions are numbered by SageMaker, so the grant covers the versions of this one package group.',
  );
  acknowledgeFindings(
    policy,
    RULES.iamInlinePolicy,
    'Built by the state machine and its tasks for this one role (its functions, topic, key, jobs and log delivery); a customer-managed policy would hold the same statements for the same single role.',
  );
}
