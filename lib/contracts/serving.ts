/**
 * The contract between the training registry, the serving stack and the function that deploys an
 * approved model (`lambda/deploy-model/`): the stack parameters the function sets, and the
 * SageMaker event it acts on. The stack declares what the function sets, so both import these
 * names from here; and the endpoint's variant, which the dashboard's metrics name.
 */

/**
 * The serving stack's parameters the deploy function sets: the package always; the baseline only
 * when the stack has the opt-in Model Monitor, which alone uses it.
 */
export const SERVING_PARAMETERS = {
  /** The ARN of the model package version to serve. */
  modelPackageArn: 'ModelPackageArn',
  /** `s3://` URL of the package's data quality baseline statistics, for drift monitoring; empty: none. */
  baselineStatisticsUri: 'BaselineStatisticsUri',
  /** `s3://` URL of the package's data quality baseline constraints, for drift monitoring; empty: none. */
  baselineConstraintsUri: 'BaselineConstraintsUri',
} as const;

/** The `source` of SageMaker's model package state change events, for the EventBridge rule. */
export const EVENT_SOURCE = 'aws.sagemaker';

/** The `detail-type` of those events, for the EventBridge rule. */
export const EVENT_DETAIL_TYPE = 'SageMaker Model Package State Change';

/** The approval status that is deployed. */
export const APPROVED = 'Approved';

/** The endpoint's one production variant, which its metrics (dashboard, alarms, scaling) name. */
export const VARIANT_NAME = 'AllTraffic';
