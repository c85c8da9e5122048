import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { bundledCode } from './bundled-code';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultPolicyOf } from './cdk-internals';
import { RULES, acknowledgeFindings } from './compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from './removal';

/**
 * How a function is used, in the words its compliance acknowledgements give: why it has no
 * dead-letter queue, why it reserves no concurrency, and what its grants on every resource are
 * for. One object, so that what the reasons say about a function is stated in one place.
 */
export interface PipelineFunctionUse {
  /**
   * Who invokes the function and how its failures surface (why it needs no dead-letter queue).
   * @default - a pipeline step: Step Functions invokes it synchronously and reports its failures
   */
  readonly failureHandling?: string;
  /**
   * What one invocation answers to (why it reserves no concurrency).
   * @default 'pipeline run (a few runs a day at most)'
   */
  readonly invocationsPer?: string;
  /**
   * What the role's grants on every resource (`*`) are for, besides X-Ray tracing.
   * @default - nothing but tracing
   */
  readonly otherWildcardGrants?: string;
}

export interface PipelineFunctionProps {
  /** The function's folder under `lambda/`, holding its `handler.ts`. */
  readonly folder: string;
  /** What the function does, for the console. */
  readonly description: string;
  /** Its configuration, as environment variables (the handler checks them when it loads). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Memory of the function (CPU is allotted in proportion).
   * @default 256
   */
  readonly memoryMiB?: number;
  /**
   * How long one invocation may run.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /** The key that encrypts the function's log group. */
  readonly logKey: kms.IKey;
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** `destroy`: the log group goes with the stack. */
  readonly removal: RemovalMode;
  /**
   * What the function's compliance acknowledgements say about it: how its failures surface, how
   * often it runs, what its wildcard grants are for.
   * @default - a pipeline step (see {@link PipelineFunctionUse})
   */
  readonly use?: PipelineFunctionUse;
  /**
   * Where events of asynchronous invocations that still fail after Lambda's retries are kept.
   * @default - none (see `use.failureHandling`)
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * A Lambda function that does one step of the project's machinery (a step of the training
 * pipeline, a custom resource) (`lambda/<folder>/handler.ts`): its own
 * role, which starts with nothing but its own logs and traces (callers grant it the rest), a
 * KMS-encrypted log group, JSON logs, X-Ray tracing, Node.js 24 on arm64, bundled by the local
 * esbuild.
 *
 * The AWS SDK is not bundled: the functions use the SDK that the Lambda runtime provides, which
 * keeps each bundle a few kilobytes and the cold start short. The tests exercise the handlers
 * against the SDK version pinned in `package.json`.
 */
export class PipelineFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.logKey,
      retention: props.logRetention,
      removalPolicy: removalPolicyOf(props.removal),
    });
    // Its own role: the managed AWSLambdaBasicExecutionRole would allow writing to any log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `ml-lifecycle-cdk ${props.folder}: ${props.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      code: bundledCode({
        entry: path.join(__dirname, '..', '..', 'lambda', props.folder, 'handler.ts'),
        target: 'node24',
        // The runtime's SDK (see the class comment); everything else is bundled.
        externalModules: ['@aws-sdk/*'],
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMiB ?? 256,
      timeout: props.timeout ?? Duration.minutes(1),
      role: this.role,
      deadLetterQueue: props.deadLetterQueue,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    });
    this.function.node.addDependency(this.role);

    const policy = defaultPolicyOf(this.role);
    acknowledgeFindings(
      policy,
      RULES.iamInlinePolicy,
      `Built by grants for the ${props.folder} function alone (its log group, its traces, and what its pipeline step grants it); a customer-managed policy would hold the same statements for the same single role.`,
    );
    acknowledgeFindings(
      policy,
      ['AwsSolutions-IAM5[Resource::*]'],
      `X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions, so the ${props.folder} function's tracing grant names no resource` +
        (props.use?.otherWildcardGrants === undefined ? '.' : `; ${props.use?.otherWildcardGrants}.`),
    );
    if (props.deadLetterQueue === undefined) {
      acknowledgeFindings(
        this.function,
        RULES.lambdaDlq,
        props.use?.failureHandling ??
          `Step Functions invokes the ${props.folder} function synchronously, retries it, and reports a failure to the pipeline's topic; a dead-letter queue only catches asynchronous invocations.`,
      );
    }
    acknowledgeFindings(
      this.function,
      RULES.lambdaInVpc,
      `The ${props.folder} function calls only AWS APIs (over TLS, authorised by its role); a VPC would add NAT or endpoint cost and protect no other traffic.`,
    );
    acknowledgeFindings(
      this.function,
      RULES.redundantRoleDependency,
      `aws-cdk-lib's Function makes the ${props.folder} function depend on its role, so that the role's policy exists before the function can run; the role itself is listed too, though the function's Role property references it already. Redundant, and harmless.`,
    );
    acknowledgeFindings(
      this.function,
      RULES.lambdaConcurrency,
      `The ${props.folder} function runs once per ${props.use?.invocationsPer ?? 'pipeline run (a few runs a day at most)'}, so reserving concurrency would only take it from the account's small default quota.`,
    );
  }
}
