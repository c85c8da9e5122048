import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { acknowledgeFindings, wildcardResourceFinding } from '../shared/compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../shared/removal';
import { PipelineFunction } from '../shared/pipeline-function';
import { defaultPolicyOf } from '../shared/cdk-internals';

export interface ModelRegistryProps {
  /** The model package group's name, unique in the account and region. */
  readonly groupName: string;
  /** What the models of the group predict, for the console. */
  readonly description: string;
  /**
   * `destroy`: deleting the stack deletes every model version, then the group. `retain`: the
   * group, and every version in it, outlives the stack.
   */
  readonly removal: RemovalMode;
  /** The key that encrypts the log group of the function that empties the group on destroy. */
  readonly logKey: kms.IKey;
  /** How long that function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * The model registry of one model: a SageMaker model package group. Each training run adds a
 * version (a model package) with its evaluation and drift baselines; approving a version is what
 * releases it to serving. The group is the pipeline's one stateful resource: it holds the history
 * of every model trained and of every approval decision.
 *
 * SageMaker refuses to delete a group that still holds versions. So when the stage destroys its
 * data, a custom resource (`EmptyOnDelete`, backed by `lambda/empty-model-registry/`) deletes
 * every version when the stack is deleted, and CloudFormation then deletes the empty group, as the
 * CDK's `autoDeleteObjects` does for a bucket.
 */
export class ModelRegistry extends Construct {
  readonly group: sagemaker.CfnModelPackageGroup;
  readonly groupName: string;

  constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    this.group = new sagemaker.CfnModelPackageGroup(this, 'Resource', {
      modelPackageGroupName: props.groupName,
      modelPackageGroupDescription: props.description,
    });
    this.group.applyRemovalPolicy(removalPolicyOf(props.removal));
    this.groupName = props.groupName;
    if (props.removal === 'destroy') {
      this.emptyOnDelete(props);
    }
  }

  private emptyOnDelete(props: ModelRegistryProps): void {
    const stack = Stack.of(this);
    const emptier = new PipelineFunction(this, 'EmptierFunction', {
      folder: 'empty-model-registry',
      description: `Deletes every version in the model package group ${props.groupName} when its stack is deleted`,
      environment: {},
      timeout: Duration.minutes(10),
      logKey: props.logKey,
      logRetention: props.logRetention,
      removal: props.removal,
      use: {
        failureHandling:
          'CloudFormation invokes the empty-model-registry function for its custom resource, and the function answers CloudFormation itself, success or failure, so a failed deletion shows as a failed stack event with its reason; a dead-letter queue would hold nothing a person acts on.',
        invocationsPer: 'stack operation',
        otherWildcardGrants: 'and SageMaker ListModelPackages has no resource-level permissions either',
      },
    });
    const versions = stack.formatArn({
      service: 'sagemaker',
      resource: 'model-package',
      resourceName: `${props.groupName}/*`,
    });
    emptier.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ListVersions', actions: ['sagemaker:ListModelPackages'], resources: ['*'] }),
    );
    emptier.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DeleteVersions',
        actions: ['sagemaker:DeleteModelPackage'],
        resources: [versions],
      }),
    );
    acknowledgeFindings(
      defaultPolicyOf(emptier.role),
      [wildcardResourceFinding(this, versions)],
      'Model package versions are numbered by SageMaker as they are created, so deleting them on stack deletion is granted on the versions of this one group.',
    );

    const emptyOnDelete = new CustomResource(this, 'EmptyOnDelete', {
      serviceToken: emptier.function.functionArn,
      resourceType: 'Custom::EmptyModelPackageGroup',
      properties: { ModelPackageGroupName: props.groupName },
      // Should the function never answer, CloudFormation gives up after this instead of an hour.
      serviceTimeout: Duration.minutes(15),
    });
    // Created after the group, so deleted before it: the group is empty when CloudFormation deletes it.
    emptyOnDelete.node.addDependency(this.group);
  }
}
