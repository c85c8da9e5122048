/**
 * Scores customers on the deployed churn endpoint: find the endpoint and the cutoff the evaluation
 * chose, send the customers' features in one InvokeEndpoint call, and decide for each whether to
 * make an offer. The AWS clients are injected (`bin/invoke.ts` makes them with the SDK defaults;
 * the tests mock them).
 *
 * - The endpoint: `endpoint` when given, otherwise the `EndpointName` output of the stage's serving
 *   stack (`ml-lifecycle-<stage>-serving`). A serving stack without that output has no approved
 *   model yet.
 * - The cutoff: the serving stack's `ModelPackageArn` parameter names the model package it serves;
 *   its `optimalCutoff` metadata (set when the model was registered) is a probability, or `none`
 *   when giving nobody an offer was cheapest. When it cannot be read, {@link FALLBACK_CUTOFF} is
 *   used and the report says why.
 * - The decision: `offer` when the churn probability is at least the cutoff, else `no offer`.
 *
 * Failures a user can fix (no credentials, no region, no stack, no endpoint, an endpoint that is
 * not InService, access denied) throw an {@link InvokeError} with a plain message that says what
 * to do.
 */
import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { DescribeModelPackageCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { encodeFeatureLine } from './encode';
import { credentialsHelp, isCredentialError } from '../shared/cli/aws-errors';

/** The serving stack's output that names its endpoint; absent while no model is approved. */
export const ENDPOINT_OUTPUT = 'EndpointName';

/** The serving stack's parameter that names the model package it serves. */
export const MODEL_PACKAGE_PARAMETER = 'ModelPackageArn';

/** The model package metadata key of the cost-optimal cutoff. */
export const CUTOFF_METADATA_KEY = 'optimalCutoff';

/** `optimalCutoff` when the cheapest decision is to offer nobody. */
export const NO_CUTOFF = 'none';

/** The cutoff used when the model's own cannot be read. */
export const FALLBACK_CUTOFF = 0.5;

/** The content type of the request and of the response: the built-in XGBoost container's CSV. */
export const CONTENT_TYPE = 'text/csv';

/** What to say when the serving stack has no endpoint. */
export const NO_ENDPOINT_MESSAGE =
  'no endpoint yet: the serving stack has no approved model; run the training pipeline and approve a model (see README)';

/** The serving stack of a stage. */
export function servingStackName(stage: string): string {
  return `ml-lifecycle-${stage}-serving`;
}

/** The three AWS clients the scoring uses. */
export interface ServingClients {
  /** Reads the serving stack (DescribeStacks). */
  readonly cloudFormation: CloudFormationClient;
  /** Reads the model package (DescribeModelPackage). */
  readonly sageMaker: SageMakerClient;
  /** Calls the endpoint (InvokeEndpoint). */
  readonly runtime: SageMakerRuntimeClient;
}

/** Why scoring stopped. */
export type InvokeErrorCode =
  | 'CREDENTIALS'
  | 'REGION_MISSING'
  | 'ACCESS_DENIED'
  | 'STACK_NOT_FOUND'
  | 'NO_ENDPOINT'
  | 'ENDPOINT_UNAVAILABLE'
  | 'MODEL_ERROR'
  | 'BAD_RESPONSE'
  | 'REQUEST_FAILED';

/** A failure the user can act on; the message says what happened and what to do. */
export class InvokeError extends Error {
  constructor(
    readonly code: InvokeErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'InvokeError';
  }
}

/** The endpoint to call, and where its name came from. */
export interface EndpointChoice {
  readonly endpointName: string;
  /** For the report: `given with --endpoint`, or the stack output it was read from. */
  readonly source: string;
}

/** The cutoff the decisions are made at. */
export interface Cutoff {
  /** A probability, or `null` when the cheapest decision is to offer nobody. */
  readonly value: number | null;
  /** Where it came from, or why the fallback is used. */
  readonly source: string;
  /** Whether it is {@link FALLBACK_CUTOFF} because the model's own could not be read. */
  readonly fallback: boolean;
}

/** The decision for one customer. */
export type Decision = 'offer' | 'no offer';

/** One scored customer. */
export interface ScoredCustomer {
  /** The clean record that was sent. */
  readonly record: Readonly<Record<string, unknown>>;
  /** The endpoint's churn probability, 0 to 1. */
  readonly probability: number;
  readonly decision: Decision;
}

/** What {@link scoreCustomers} found. */
export interface ScoreReport {
  readonly endpoint: EndpointChoice;
  readonly cutoff: Cutoff;
  /** In the order the customers were given. */
  readonly customers: readonly ScoredCustomer[];
}

/** What to score, and where. */
export interface ScoreOptions {
  /** Clean records (canonical values, null where missing), as `generateCustomers` gives them. */
  readonly customers: readonly Readonly<Record<string, unknown>>[];
  /** The stage whose serving stack gives the endpoint and the cutoff. */
  readonly stage: string;
  /**
   * The endpoint to call, by name.
   * @default - the `EndpointName` output of the stage's serving stack
   */
  readonly endpoint?: string;
}

/**
 * Encodes the customers, finds the endpoint and the cutoff, sends every customer in one
 * InvokeEndpoint call and decides for each.
 * @throws FeatureEncodingError when a record is not clean (before any AWS call)
 * @throws InvokeError for a failure the user can act on
 */
export async function scoreCustomers(options: ScoreOptions, clients: ServingClients): Promise<ScoreReport> {
  if (options.customers.length === 0) {
    throw new RangeError('no customers to score; expected at least one');
  }
  const lines = options.customers.map((c) => encodeFeatureLine(c));
  const stackName = servingStackName(options.stage);
  const stack = await describeServingStack(clients.cloudFormation, stackName, options.endpoint === undefined);
  const endpoint = chooseEndpoint(stackName, stack, options.endpoint);
  const cutoff = await resolveCutoff(clients.sageMaker, stackName, stack, endpoint.endpointName);
  const probabilities = await invokeEndpoint(clients.runtime, endpoint.endpointName, lines);
  return {
    endpoint,
    cutoff,
    customers: options.customers.map((record, i) => {
      const probability = probabilities[i] ?? NaN;
      return { record, probability, decision: decide(probability, cutoff.value) };
    }),
  };
}

/** `offer` when the probability is at least the cutoff; nobody gets one at a `null` cutoff. */
export function decide(probability: number, cutoff: number | null): Decision {
  return cutoff !== null && probability >= cutoff ? 'offer' : 'no offer';
}

// ---------------------------------------------------------------------------------------------
// The serving stack and the endpoint

/** What `describeServingStack` read: the stack, or why it could not. */
type StackLookup = { readonly found: true; readonly stack: Stack } | { readonly found: false; readonly reason: string };

/**
 * The serving stack. A stack that does not exist, or cannot be read, is fatal when the endpoint
 * must come from it (`required`) and only costs the cutoff otherwise; missing credentials or
 * region are always fatal.
 */
async function describeServingStack(
  client: CloudFormationClient,
  stackName: string,
  required: boolean,
): Promise<StackLookup> {
  let stack: Stack | undefined;
  let error: unknown;
  try {
    const output = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = output.Stacks?.[0];
  } catch (e) {
    error = e;
  }
  if (stack !== undefined) {
    return { found: true, stack };
  }
  const region = await clientRegion(client);
  const where = region === undefined ? '' : ` in region ${region}`;
  if (error !== undefined) {
    const fatal = setupFailure(error, `cloudformation:DescribeStacks on stack ${stackName}`);
    // Without credentials or a region nothing else can work; without access to the stack, a given
    // endpoint can still be called (at the fallback cutoff).
    if (fatal !== undefined && (required || fatal.code !== 'ACCESS_DENIED')) {
      throw fatal;
    }
  }
  const missing = error === undefined || isMissingStack(error);
  const reason = missing
    ? `stack ${stackName} was not found${where}${error === undefined ? '' : ` (${describeError(error).text})`}`
    : `stack ${stackName} could not be read${where} (${describeError(error).text})`;
  if (!required) {
    return { found: false, reason };
  }
  if (missing) {
    throw new InvokeError(
      'STACK_NOT_FOUND',
      `${reason}. Deploy it first (npm run deploy), or check the region and the account of your credentials; ` +
        '--stage picks another stage, --endpoint names an endpoint directly.',
      { cause: error },
    );
  }
  throw new InvokeError('REQUEST_FAILED', `${reason}.`, { cause: error });
}

function isMissingStack(error: unknown): boolean {
  const { name, message } = describeError(error);
  return (
    name === 'StackNotFoundException' ||
    ((name === 'ValidationError' || name === 'ValidationException') && /does not exist/i.test(message))
  );
}

function outputOf(stack: Stack, key: string): string | undefined {
  const value = stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  return value === undefined || value === '' ? undefined : value;
}

function parameterOf(stack: Stack, key: string): string | undefined {
  const parameter = stack.Parameters?.find((p) => p.ParameterKey === key);
  const value = parameter?.ResolvedValue ?? parameter?.ParameterValue;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function chooseEndpoint(stackName: string, lookup: StackLookup, given: string | undefined): EndpointChoice {
  if (given !== undefined) {
    return { endpointName: given, source: 'given with --endpoint' };
  }
  if (!lookup.found) {
    // describeServingStack throws when the stack is required; this is unreachable.
    throw new InvokeError('STACK_NOT_FOUND', `${lookup.reason}.`);
  }
  const name = outputOf(lookup.stack, ENDPOINT_OUTPUT);
  if (name === undefined) {
    throw new InvokeError(
      'NO_ENDPOINT',
      `${NO_ENDPOINT_MESSAGE}. Stack ${stackName} (${lookup.stack.StackStatus ?? 'status unknown'}) has no ` +
        `${ENDPOINT_OUTPUT} output.`,
    );
  }
  return { endpointName: name, source: `the ${ENDPOINT_OUTPUT} output of stack ${stackName}` };
}

// ---------------------------------------------------------------------------------------------
// The cutoff

function fallback(reason: string): Cutoff {
  return { value: FALLBACK_CUTOFF, source: reason, fallback: true };
}

/** The cutoff of the model behind `endpointName`, or the fallback with the reason. */
async function resolveCutoff(
  client: SageMakerClient,
  stackName: string,
  lookup: StackLookup,
  endpointName: string,
): Promise<Cutoff> {
  if (!lookup.found) {
    return fallback(`${lookup.reason}, so the cutoff of the model behind ${endpointName} is unknown`);
  }
  const stackEndpoint = outputOf(lookup.stack, ENDPOINT_OUTPUT);
  if (stackEndpoint !== endpointName) {
    const served = stackEndpoint ?? 'none';
    return fallback(
      `endpoint ${endpointName} is not the endpoint of stack ${stackName} (${served}), so its model's cutoff is unknown`,
    );
  }
  const arn = parameterOf(lookup.stack, MODEL_PACKAGE_PARAMETER);
  if (arn === undefined) {
    return fallback(`stack ${stackName} has no ${MODEL_PACKAGE_PARAMETER} parameter value`);
  }
  let metadata: Readonly<Record<string, string>> | undefined;
  try {
    const output = await client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    metadata = output.CustomerMetadataProperties;
  } catch (error) {
    const fatal = setupFailure(error, 'sagemaker:DescribeModelPackage on the model package');
    if (fatal !== undefined && fatal.code !== 'ACCESS_DENIED') {
      throw fatal;
    }
    return fallback(`model package ${arn} could not be read (${describeError(error).text})`);
  }
  return cutoffFromMetadata(arn, metadata?.[CUTOFF_METADATA_KEY]);
}

/**
 * The cutoff from a model package's `optimalCutoff` metadata: a number from 0 to 1, or `none`
 * (offer nobody); the fallback, with the reason, when it is absent or unreadable.
 */
export function cutoffFromMetadata(modelPackageArn: string, text: string | undefined): Cutoff {
  const source = `the ${CUTOFF_METADATA_KEY} of model package ${modelPackageArn}`;
  if (text === undefined) {
    return fallback(`model package ${modelPackageArn} has no ${CUTOFF_METADATA_KEY} metadata`);
  }
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === NO_CUTOFF) {
    return { value: null, source, fallback: false };
  }
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value >= 0 && value <= 1)) {
    return fallback(
      `${source} is ${JSON.stringify(text)}, which is neither a number from 0 to 1 nor ${JSON.stringify(NO_CUTOFF)}`,
    );
  }
  return { value, source, fallback: false };
}

/** A decimal number, as String(number) writes one (`0.37`, `1e-7`). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

// ---------------------------------------------------------------------------------------------
// The endpoint call

/** Sends the CSV lines in one InvokeEndpoint call and reads one probability per line back. */
async function invokeEndpoint(
  client: SageMakerRuntimeClient,
  endpointName: string,
  lines: readonly string[],
): Promise<number[]> {
  let body: Uint8Array | undefined;
  try {
    const output = await client.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: CONTENT_TYPE,
        Accept: CONTENT_TYPE,
        Body: lines.join('\n'),
      }),
    );
    // Typed as always present; checked anyway, so a bodiless answer is an error, not a crash.
    const received: unknown = output.Body;
    body = received instanceof Uint8Array ? received : undefined;
  } catch (error) {
    throw await endpointFailure(client, endpointName, error);
  }
  if (body === undefined) {
    throw new InvokeError('BAD_RESPONSE', `endpoint ${endpointName} returned no body; expected ${CONTENT_TYPE}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (error) {
    throw new InvokeError('BAD_RESPONSE', `endpoint ${endpointName} returned a body that is not UTF-8 text`, {
      cause: error,
    });
  }
  try {
    return parseProbabilities(text, lines.length);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvokeError('BAD_RESPONSE', `endpoint ${endpointName} returned an unexpected response: ${message}`, {
      cause: error,
    });
  }
}

/**
 * The probabilities in an endpoint's CSV response: one per line, or all on one line separated by
 * commas (the built-in XGBoost container has written both), `expected` of them, each a number
 * from 0 to 1.
 * @throws Error saying what was received: the wrong count, a value that is not a probability, or a layout that is neither
 */
export function parseProbabilities(text: string, expected: number): number[] {
  const trimmed = text.trim();
  if (trimmed === '') {
    throw new Error(`the body is empty; expected ${count(expected, 'probability', 'probabilities')}`);
  }
  const lines = trimmed.split(/\r?\n/);
  let cells: string[];
  if (lines.length === 1) {
    cells = trimmed.split(',');
  } else if (lines.every((line) => !line.includes(','))) {
    cells = lines;
  } else {
    throw new Error(
      `the body has ${lines.length} lines, some with several values; expected one probability per line, ` +
        'or all of them on one line separated by commas',
    );
  }
  if (cells.length !== expected) {
    throw new Error(
      `${count(cells.length, 'probability', 'probabilities')} for ${count(expected, 'customer', 'customers')}: ` +
        JSON.stringify(preview(trimmed)),
    );
  }
  return cells.map((cell, i) => {
    const value = DECIMAL.test(cell.trim()) ? Number(cell) : NaN;
    if (!(value >= 0 && value <= 1)) {
      throw new Error(`the value for customer ${i + 1} is ${JSON.stringify(cell)}; expected a probability from 0 to 1`);
    }
    return value;
  });
}

/** `1 customer`, `2 customers`. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function preview(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

async function endpointFailure(client: SageMakerRuntimeClient, endpointName: string, error: unknown): Promise<Error> {
  const setup = setupFailure(error, `sagemaker:InvokeEndpoint on endpoint ${endpointName}`);
  if (setup !== undefined) {
    return setup;
  }
  const { name, text } = describeError(error);
  const region = await clientRegion(client);
  const where = region === undefined ? '' : ` in region ${region}`;
  if (name === 'ValidationError' || name === 'ValidationException') {
    return new InvokeError(
      'ENDPOINT_UNAVAILABLE',
      `endpoint ${endpointName} cannot be invoked${where}: it does not exist or is not InService (${text}). ` +
        `Check its name and region and its status (aws sagemaker describe-endpoint --endpoint-name ${endpointName}); ` +
        'a new or updated endpoint takes several minutes to reach InService.',
      { cause: error },
    );
  }
  if (name === 'ModelNotReadyException') {
    return new InvokeError(
      'ENDPOINT_UNAVAILABLE',
      `endpoint ${endpointName}'s model is not ready yet (${text}); try again in a few minutes.`,
      { cause: error },
    );
  }
  if (name === 'ModelError') {
    return new InvokeError(
      'MODEL_ERROR',
      `the model behind endpoint ${endpointName} failed on the request (${text}); its container logs are in ` +
        `CloudWatch under /aws/sagemaker/Endpoints/${endpointName}.`,
      { cause: error },
    );
  }
  return new InvokeError('REQUEST_FAILED', `InvokeEndpoint on endpoint ${endpointName}${where} failed (${text}).`, {
    cause: error,
  });
}

// ---------------------------------------------------------------------------------------------
// Errors

const ACCESS_ERRORS: ReadonlySet<string> = new Set(['AccessDeniedException', 'AccessDenied']);

/** The name (or Node error code) and message of a thrown value, and both as `name: message`. */
function describeError(error: unknown): { readonly name: string; readonly message: string; readonly text: string } {
  const prop = (key: string): unknown =>
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
  const name = prop('name');
  const message = prop('message');
  const code = typeof name === 'string' && name !== '' ? name : 'Error';
  const text = typeof message === 'string' ? message : String(error);
  return { name: code, message: text, text: `${code}: ${text}` };
}

/**
 * The error to stop with when the caller's setup is at fault (credentials, region, permissions),
 * whatever the call; `undefined` otherwise.
 * @param action the IAM action and resource the call needs, for the access-denied message
 */
function setupFailure(error: unknown, action: string): InvokeError | undefined {
  const { name, message, text } = describeError(error);
  if (isCredentialError(name, message)) {
    return new InvokeError(
      'CREDENTIALS',
      `AWS credentials are missing, expired or not recognised (${text}). ` +
        credentialsHelp('belongs to the account the stacks are deployed in'),
      { cause: error },
    );
  }
  if (/region is missing|missing region/i.test(message)) {
    return new InvokeError(
      'REGION_MISSING',
      `No AWS region is configured (${text}). Set AWS_REGION to the region the stacks are deployed in, or use a ` +
        'profile (AWS_PROFILE) that has a region.',
      { cause: error },
    );
  }
  if (ACCESS_ERRORS.has(name)) {
    return new InvokeError('ACCESS_DENIED', `access denied (${text}); the credentials in use need ${action}.`, {
      cause: error,
    });
  }
  return undefined;
}

/** A client's region, for messages; `undefined` if it has none. */
async function clientRegion(client: { readonly config: { readonly region: unknown } }): Promise<string | undefined> {
  try {
    const region = client.config.region;
    const value: unknown = typeof region === 'function' ? await (region as () => Promise<unknown>)() : region;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The report

/** A column of the table: its heading, how a scored customer shows in it, and its alignment. */
interface TableColumn {
  readonly heading: string;
  readonly cell: (c: ScoredCustomer) => string;
  readonly align: 'left' | 'right';
}

function text(value: unknown): string {
  if (value === null || value === undefined) {
    return '-';
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '-';
}

const TABLE: readonly TableColumn[] = [
  { heading: 'customer', cell: (c) => text(c.record.customer_id), align: 'left' },
  { heading: 'state', cell: (c) => text(c.record.state), align: 'left' },
  { heading: 'international plan', cell: (c) => text(c.record.international_plan), align: 'left' },
  { heading: 'voice-mail plan', cell: (c) => text(c.record.voice_mail_plan), align: 'left' },
  { heading: 'service calls', cell: (c) => text(c.record.customer_service_calls), align: 'right' },
  { heading: 'churn probability', cell: (c) => c.probability.toFixed(3), align: 'right' },
  { heading: 'decision', cell: (c) => c.decision, align: 'left' },
];

/** The customers as a table with a heading row, columns separated by two spaces, no trailing spaces. */
export function formatTable(customers: readonly ScoredCustomer[]): string {
  const rows = [TABLE.map((c) => c.heading), ...customers.map((s) => TABLE.map((c) => c.cell(s)))];
  const widths = TABLE.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const width = widths[i] ?? 0;
          return TABLE[i]?.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** The cutoff line: its value and where it came from (or why the fallback is used). */
export function formatCutoff(cutoff: Cutoff): string {
  if (cutoff.fallback) {
    return (
      `cutoff: ${String(cutoff.value)} (fallback): ${cutoff.source}; ` +
      `offer when the churn probability is at least ${String(cutoff.value)}\n`
    );
  }
  if (cutoff.value === null) {
    return `cutoff: ${NO_CUTOFF}, from ${cutoff.source}: the evaluation found offering nobody cheapest, so nobody gets an offer\n`;
  }
  return `cutoff: ${String(cutoff.value)}, from ${cutoff.source}: offer when the churn probability is at least the cutoff\n`;
}

/** The whole report: the endpoint, the table and the cutoff. */
export function formatReport(report: ScoreReport): string {
  return (
    `endpoint: ${report.endpoint.endpointName} (${report.endpoint.source})\n\n` +
    formatTable(report.customers) +
    `\n${formatCutoff(report.cutoff)}`
  );
}
