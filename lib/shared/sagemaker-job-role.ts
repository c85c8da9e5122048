import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeFindings, wildcardResourceFinding } from './compliance';

export interface SageMakerJobRoleProps {
  /** What the jobs may read and write in the lake (a DataLake stack policy). */
  readonly lakeAccess: iam.IManagedPolicy;
  /** The key the jobs encrypt their volumes and outputs with. */
  readonly key: kms.IKey;
  /** What the role is for, for the console. */
  readonly description: string;
  /** Who uses the role, in a few words ("the training pipeline's jobs"), for the compliance acknowledgements. */
  readonly usedBy: string;
}

/**
 * The execution role SageMaker assumes for the pipeline's jobs (processing, training, transform)
 * and models: the lake prefixes of `lakeAccess`, the key for volumes and outputs, and the job
 * logs and metrics SageMaker writes on the jobs' behalf. Nothing else: no `s3:*`, no bucket it
 * was not given, no managed `AmazonSageMakerFullAccess`.
 */
export class SageMakerJobRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SageMakerJobRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const jobLogGroups = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws/sagemaker/*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.role = new iam.Role(this, 'Resource', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: props.description,
      managedPolicies: [props.lakeAccess],
    });
    const policy = new iam.ManagedPolicy(this, 'JobPolicy', {
      description: `${props.description}: job logs and metrics, the key for volumes and outputs`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteJobLogs',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [jobLogGroups, `${jobLogGroups}:log-stream:*`],
        }),
        new iam.PolicyStatement({
          sid: 'PutJobMetrics',
          actions: ['cloudwatch:PutMetricData'],
          resources: ['*'],
          conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
        }),
        new iam.PolicyStatement({
          sid: 'EncryptVolumesAndOutputs',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [props.key.keyArn],
        }),
        new iam.PolicyStatement({
          sid: 'AttachEncryptedVolumes',
          actions: ['kms:CreateGrant'],
          resources: [props.key.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      ],
    });
    acknowledgeFindings(
      policy,
      [wildcardResourceFinding(this, jobLogGroups), wildcardResourceFinding(this, `${jobLogGroups}:log-stream:*`)],
      `SageMaker writes the logs of ${props.usedBy} to log groups under /aws/sagemaker/ with a stream per job or instance, named at run time, so the grant is that path.`,
    );
    acknowledgeFindings(
      policy,
      ['AwsSolutions-IAM5[Resource::*]'],
      `CloudWatch PutMetricData has no resource-level permissions; for ${props.usedBy} the grant is limited to the /aws/sagemaker/ namespaces by condition.`,
    );
  }
}
