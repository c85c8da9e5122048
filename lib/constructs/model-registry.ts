import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../removal';

export interface ModelRegistryProps {
  /** The model package group's name, unique in the account and region. */
  readonly groupName: string;
  /** What the models of the group predict, for the console. */
  readonly description: string;
  /** `retain`: the group, and every model version in it, outlives the stack. */
  readonly removal: RemovalMode;
}

/**
 * The model registry of one model: a SageMaker model package group. Each training run adds a
 * version (a model package) with its evaluation and drift baselines; approving a version is what
 * releases it to serving. The group is the pipeline's one stateful resource: it holds the history
 * of every model trained and of every approval decision.
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
  }
}
