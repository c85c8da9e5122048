import type { StageName } from '../config';

/**
 * Who makes a call.
 *
 * - `role`: the construct path of an IAM role of the app (`Ingestion/Streaming/DeliveryRole`), as
 *   the service that assumes it, or the code that runs under it, calls AWS.
 * - `service`: an AWS service acting for itself, under its service principal
 *   (`cloudtrail.amazonaws.com`; `{region}` may stand in the name: `logs.{region}.amazonaws.com`).
 * - `otherAccount`: a principal of another AWS account that its own account allows everything
 *   (the strongest outsider there is): only a resource policy of ours could let it in.
 */
export type Caller =
  { readonly role: string } | { readonly service: string } | { readonly otherAccount: 'anyone-there' };

/** What the contract says AWS must answer. */
export type Expectation = 'allowed' | 'denied';

/**
 * One runtime call of the system, or one call an AWS service makes on its behalf, and what IAM
 * must answer to it.
 *
 * `resource` and `context` values are templates, expanded for the stage being checked:
 *
 * | placeholder | becomes |
 * |---|---|
 * | `{arn:PATH}` | the ARN of the resource at construct path PATH, as IAM names it (a log group without `:*`; a stack's id for a stack) |
 * | `{ref:PATH}` | what CloudFormation's `Ref` returns for it (a bucket's, log group's or role's name; a queue's URL) |
 * | `{partition}`, `{region}`, `{account}` | where the stage is deployed |
 * | `{stage}` | the stage's name (`sandbox`, `production`) |
 * | `{jobPrefix}` | the start of the training pipeline's job names in that stage (see {@link STAGE_FACTS}) |
 */
export interface PermissionRow {
  /** Short, unique, kebab-case: the test's name. */
  readonly id: string;
  /** What happens, in a few words. */
  readonly call: string;
  readonly caller: Caller;
  /** One IAM action, `service:Action`. */
  readonly action: string;
  /** The one resource of the request (a template); `*` for an action that takes no resource. */
  readonly resource: string;
  /**
   * The request context beyond what every request carries (the evaluator adds the caller's
   * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalIsAWSService`,
   * `aws:SecureTransport: true` and, for KMS, `kms:CallerAccount`). Values are templates.
   */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  readonly expect: Expectation;
  /** The AWS documentation page that says the call is made, and with what. */
  readonly doc: string;
  /**
   * The stages the row applies to, when not both (a resource that exists only in one).
   * @default - every stage
   */
  readonly stages?: readonly StageName[];
  /**
   * `true`: the row applies only where the stage opts in to SageMaker Model Monitor
   * (`modelMonitor.enabled`), whose resources exist only then; `false`: only where it is off.
   * @default - with and without Model Monitor
   */
  readonly modelMonitor?: boolean;
  /**
   * Why the deployed system does not yet do what the row says, when that is known: the statement
   * that is missing. The row keeps its expectation; its test is marked as failing until the
   * constructs are fixed, and then fails, to say the note can go.
   * @default - none: the row holds today
   */
  readonly gap?: string;
}

/** Facts of a stage that the rows name but the templates do not say in one place. */
export interface StageFacts {
  /** How the training pipeline starts its job names (the Training stack's job name prefix). */
  readonly jobPrefix: string;
}
