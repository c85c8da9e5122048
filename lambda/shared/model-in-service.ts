/**
 * The model an endpoint serves right now, found from the endpoint itself: endpoint → its endpoint
 * config (DescribeEndpoint) → the variant's model (DescribeEndpointConfig) → the model package the
 * model was created from (DescribeModel) → the package's metadata (DescribeModelPackage), where the
 * evaluation's cost-optimal cutoff is kept (`lib/contracts/cutoff.ts`).
 *
 * Read from the endpoint rather than from the Serving stack's parameter, because the monitors judge
 * the requests the endpoint actually answered: during a blue/green update the parameter already
 * names the new package while the old one still serves.
 *
 * Before the first model is approved the endpoint does not exist: that is an answer
 * (`{ inService: false }`), not an error, so the monitors can end quietly.
 */
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  type DescribeModelPackageCommandOutput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { type Cutoff, cutoffOfPackage } from '../../lib/contracts/cutoff';
import { VARIANT_NAME } from '../../lib/contracts/serving';

/** The model in service behind an endpoint. */
export interface ModelInService {
  readonly inService: true;
  readonly endpointName: string;
  /** The endpoint's status (`InService`, `Updating` …). */
  readonly endpointStatus: string;
  readonly endpointConfigName: string;
  readonly modelName: string;
  readonly modelPackageArn: string;
  /** The package's metadata, as registered (the cutoff, the baseline's location …). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The cutoff the offers are decided at, or the fallback with the reason. */
  readonly cutoff: Cutoff;
  /**
   * DescribeModelPackage's whole answer, for what the fields above do not carry: where the baseline
   * statistics are (`baselineStatisticsUri` of `lib/contracts/model-baseline.ts`).
   */
  readonly modelPackage: DescribeModelPackageCommandOutput;
}

/** No model is in service, and why. */
export interface NoModelInService {
  readonly inService: false;
  readonly endpointName: string;
  readonly reason: string;
}

/** Thrown when the endpoint exists but its model cannot be traced to a model package. */
export class ModelLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLookupError';
  }
}

/** SageMaker's answer for a resource that does not exist (DescribeEndpoint: "Could not find endpoint"). */
function isMissing(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'ValidationException' || error.name === 'ResourceNotFound') &&
    /could not find|does not exist|not found/i.test(error.message)
  );
}

/**
 * The model package that serves `endpointName`, and its cutoff; `{ inService: false }` when the
 * endpoint does not exist (no model approved yet, or the stack deployed without one).
 *
 * @throws ModelLookupError when the endpoint's config or model names no package
 */
export async function findModelInService(
  client: SageMakerClient,
  endpointName: string,
): Promise<ModelInService | NoModelInService> {
  let endpoint;
  try {
    endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    if (isMissing(error)) {
      return {
        inService: false,
        endpointName,
        reason: `endpoint ${endpointName} does not exist: no model has been approved and deployed yet`,
      };
    }
    throw error;
  }
  const endpointConfigName = endpoint.EndpointConfigName;
  if (endpointConfigName === undefined) {
    throw new ModelLookupError(`endpoint ${endpointName} names no endpoint config`);
  }
  const config = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName }));
  const variants = config.ProductionVariants ?? [];
  const variant =
    variants.find((v) => v.VariantName === VARIANT_NAME) ?? (variants.length === 1 ? variants[0] : undefined);
  const modelName = variant?.ModelName;
  if (modelName === undefined) {
    throw new ModelLookupError(
      `endpoint config ${endpointConfigName} has no variant ${VARIANT_NAME} with a model; its variants: ${variants.map((v) => v.VariantName).join(', ') || 'none'}`,
    );
  }
  const model = await client.send(new DescribeModelCommand({ ModelName: modelName }));
  const modelPackageArn = model.PrimaryContainer?.ModelPackageName ?? model.Containers?.[0]?.ModelPackageName;
  if (modelPackageArn === undefined) {
    throw new ModelLookupError(`model ${modelName} of endpoint ${endpointName} was not created from a model package`);
  }
  const modelPackage = await client.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn }));
  const metadata = modelPackage.CustomerMetadataProperties ?? {};
  return {
    inService: true,
    endpointName,
    endpointStatus: endpoint.EndpointStatus ?? 'unknown',
    endpointConfigName,
    modelName,
    modelPackageArn: modelPackage.ModelPackageArn ?? modelPackageArn,
    metadata,
    cutoff: cutoffOfPackage(modelPackageArn, metadata),
    modelPackage,
  };
}
