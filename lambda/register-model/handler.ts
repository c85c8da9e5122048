/**
 * Training-pipeline step: registers the tuned churn model as a new version of the model package
 * group, pending manual approval, with its model quality metrics and, when the pipeline computed
 * them (the opt-in Model Monitor baseline step), its drift baselines. Thin by design: the request
 * is built by `package.ts`, pure and tested without mocks.
 *
 * The settings are read from the environment when the module loads, so a bad variable fails the
 * first invocation with an EnvironmentError naming it. Errors are not caught: the state machine
 * sees them by name (RegisterInputError, EnvironmentError, the SDK's exceptions) and retries or
 * fails the run. A retry is safe: the request's ClientToken is derived from the run id.
 */
import { CreateModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { modelPackageInput, type RegisterEvent, settingsFromEnv } from './package';

/** What the state machine gets back. */
export interface RegisterResult {
  /** The ARN of the new model package version. */
  readonly modelPackageArn: string;
}

const settings = settingsFromEnv(process.env);
const sagemaker = new SageMakerClient({});

/**
 * The Lambda entry point. Logs one line per invocation: what was registered, where (the line is
 * logged as an object: the function uses Lambda's JSON log format, which nests it under `message`).
 */
export const handler = async (event: RegisterEvent): Promise<RegisterResult> => {
  const input = modelPackageInput(event, settings);
  const output = await sagemaker.send(new CreateModelPackageCommand(input));
  const modelPackageArn = output.ModelPackageArn;
  if (modelPackageArn === undefined || modelPackageArn === '') {
    throw new Error('CreateModelPackage answered without a ModelPackageArn');
  }
  console.log({
    ...input.CustomerMetadataProperties,
    event: 'register-model.registered',
    modelPackageGroupName: input.ModelPackageGroupName,
    modelPackageArn,
  });
  return { modelPackageArn };
};
