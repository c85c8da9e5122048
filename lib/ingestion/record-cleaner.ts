import * as path from 'node:path';
import type { Size } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { bundledCode } from '../shared/bundled-code';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { defaultPolicyOf } from '../shared/cdk-internals';
import { RULES, acknowledgeFindings } from '../shared/compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../shared/removal';

export interface RecordCleanerProps {
  /** Memory of the function (CPU is allotted in proportion). */
  readonly memorySize: Size;
  /**
   * Concurrent executions reserved for the function, which also caps it.
   * @default - none, because a new account's concurrency quota (10) leaves nothing to reserve
   */
  readonly reservedConcurrentExecutions?: number;
  /** The key that encrypts the function's log group. */
  readonly logKey: kms.IKey;
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** `destroy`: the log group goes with the stack. */
  readonly removal: RemovalMode;
}

/**
 * The Firehose data-transformation function that cleans churn records on their way to the raw
 * zone (`lambda/clean-records/`). It is a pure transformation: no AWS SDK, no network, no
 * permissions beyond writing its own logs. Bundled by the local esbuild, minified with source maps.
 */
export class RecordCleaner extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RecordCleanerProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.logKey,
      retention: props.logRetention,
      removalPolicy: removalPolicyOf(props.removal),
    });
    // Its own role with nothing but its log group: the managed AWSLambdaBasicExecutionRole would
    // allow writing to any log group in the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'ml-lifecycle-cdk record cleaner: writes its own logs, nothing else',
    });
    this.logGroup.grantWrite(role);

    this.function = new lambda.Function(this, 'Function', {
      code: bundledCode({
        entry: path.join(__dirname, '..', '..', 'lambda', 'clean-records', 'handler.ts'),
        target: 'node24',
        // The cleaner uses no AWS SDK; bundle everything so the function depends on nothing at run time.
        externalModules: [],
      }),
      handler: 'index.handler',
      description: 'Cleans churn records between Kinesis and the raw zone (Firehose data transformation)',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize.toMebibytes(),
      // Firehose waits up to 5 minutes for a transformation; a 3 MiB batch takes well under a second.
      timeout: Duration.minutes(1),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
    });
    this.function.node.addDependency(role);

    acknowledgeFindings(
      defaultPolicyOf(role),
      RULES.iamInlinePolicy,
      'Built by grant: the only statement lets the cleaner write to its own log group; a customer-managed policy would hold the same statement for the same single role.',
    );
    acknowledgeFindings(
      this.function,
      RULES.lambdaDlq,
      "Firehose invokes the cleaner synchronously, and a dead-letter queue only catches asynchronous invocations; records the cleaner or Firehose cannot process are kept under the raw zone's error prefix instead.",
    );
    acknowledgeFindings(
      this.function,
      RULES.redundantRoleDependency,
      "aws-cdk-lib's Function makes the cleaner depend on its role, so that the role's policy (its log group) exists before Firehose first invokes it; the role itself is listed too, though the function's Role property references it already. Redundant, and harmless.",
    );
    acknowledgeFindings(
      this.function,
      RULES.lambdaInVpc,
      'The cleaner is a pure transformation that calls no network service, so a VPC would protect no traffic and add NAT cost and cold-start latency.',
    );
    if (props.reservedConcurrentExecutions === undefined) {
      acknowledgeFindings(
        this.function,
        RULES.lambdaConcurrency,
        'Not reserved in this stage: new accounts have a concurrency quota of 10 and Lambda keeps 100 unreserved, so any reservation fails to deploy there. Firehose invokes at most one batch per shard at a time; production reserves concurrency (ingestion.cleanerReservedConcurrency).',
      );
    }
  }
}
