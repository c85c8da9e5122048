import { type App, CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import {
  type IntrinsicScope,
  IntrinsicError,
  NO_VALUE,
  type Resolved,
  evaluateCondition,
  resolveIntrinsics,
  resolveString,
} from './intrinsics';
import { type DeployEnv, type ResourceIdentity, identify, uuidOf } from './physical-ids';

/** The account the tests deploy a stage to when its config pins none (sandbox). */
export const TEST_ACCOUNT = '111122223333';
/** The region likewise. */
export const TEST_REGION = 'eu-west-1';

/** An IAM policy document as stored in AWS: plain JSON. */
export type PolicyDocument = { Version?: string; Statement: unknown[] } & Record<string, unknown>;

/** A resource of a deployed template. */
export interface DeployedResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly identity: ResourceIdentity;
  /** The account the resource lives in. */
  readonly account: string;
  /** Its properties with every intrinsic resolved. */
  properties(): Record<string, Resolved>;
}

interface RawTemplate {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Condition?: string }>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** Values given to the templates' parameters, by stack construct id (`Serving`) and parameter name. */
export type ParameterValues = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * One stage of the app as CloudFormation would deploy it: every stack's template with its
 * intrinsics resolved for a fixed account and region, and its resources findable by construct
 * path. Parameters keep their defaults unless `parameters` gives a value, whose placeholders
 * `expand` fills in when it is first read (an SSM-typed parameter, such as the bootstrap version,
 * resolves to a stand-in).
 */
export class DeployedApp {
  /**
   * Synthesizes `app` and deploys it, on paper. The account and region are the stacks' own where
   * the stage config pins them, else {@link TEST_ACCOUNT} and {@link TEST_REGION}.
   */
  static synthesize(
    app: App,
    parameters: ParameterValues = {},
    expand: (template: string) => string = (t) => t,
  ): DeployedApp {
    const assembly = app.synth();
    const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
    const templates = new Map<string, { stack: Stack; template: RawTemplate }>();
    for (const stack of stacks) {
      const artifact = assembly.getStackArtifact(stack.artifactId);
      templates.set(stack.stackName, { stack, template: artifact.template as RawTemplate });
    }
    return new DeployedApp(app, templates, parameters, expand);
  }

  private readonly stackTemplates: Map<string, StackTemplate>;

  private constructor(
    private readonly app: App,
    templates: Map<string, { stack: Stack; template: RawTemplate }>,
    parameters: ParameterValues,
    expand: (template: string) => string,
  ) {
    this.stackTemplates = new Map();
    for (const [stackName, { stack, template }] of templates) {
      const env: DeployEnv = {
        account: Token.isUnresolved(stack.account) ? TEST_ACCOUNT : stack.account,
        region: Token.isUnresolved(stack.region) ? TEST_REGION : stack.region,
        partition: 'aws',
        urlSuffix: 'amazonaws.com',
      };
      this.stackTemplates.set(
        stackName,
        new StackTemplate(stackName, stack.node.id, template, env, parameters[stack.node.id] ?? {}, expand, this),
      );
    }
  }

  /** The stacks, by name. */
  get stacks(): readonly StackTemplate[] {
    return [...this.stackTemplates.values()];
  }

  /** A stack by its name. */
  stack(stackName: string): StackTemplate {
    const found = this.stackTemplates.get(stackName);
    if (found === undefined) {
      throw new Error(`no stack named ${stackName}; the app has ${[...this.stackTemplates.keys()].join(', ')}`);
    }
    return found;
  }

  /** Every resource of every stack that the stack's conditions let exist. */
  get resources(): readonly DeployedResource[] {
    return this.stacks.flatMap((s) => s.deployedResources());
  }

  /**
   * The deployed resource behind a construct path: the path of a CloudFormation resource, or of
   * an L2 construct whose default child is one (`DataLake/Storage/RawBucket`). A stack's path
   * (`Serving`) is answered by {@link stackOf}.
   */
  resourceAt(path: string): DeployedResource {
    const construct = this.constructAt(path);
    const cfn = CfnResource.isCfnResource(construct)
      ? construct
      : CfnResource.isCfnResource(construct.node.defaultChild)
        ? construct.node.defaultChild
        : undefined;
    if (cfn === undefined) {
      throw new Error(`${path} is neither a CloudFormation resource nor a construct with one as its default child`);
    }
    const stack = Stack.of(cfn);
    return this.stack(stack.stackName).resource(stack.resolve(cfn.logicalId) as string);
  }

  /** The stack at a construct path, or undefined when the path names no stack. */
  stackAt(path: string): StackTemplate | undefined {
    const construct = this.constructAt(path);
    return Stack.isStack(construct) ? this.stack(construct.stackName) : undefined;
  }

  private constructAt(path: string): IConstruct {
    let node: IConstruct = this.app;
    for (const id of path.split('/')) {
      const child = node.node.tryFindChild(id);
      if (child === undefined) {
        throw new Error(
          `no construct at ${path}: ${node.node.path || '(app)'} has ${node.node.children.map((c) => c.node.id).join(', ')}`,
        );
      }
      node = child;
    }
    return node;
  }

  /** The value of another stack's output, resolved in that stack. */
  stackOutput(stackName: string, outputName: string): Resolved {
    return this.stack(stackName).output(outputName);
  }
}

/** One stack's template, resolved lazily and memoised. */
export class StackTemplate {
  private readonly identities = new Map<string, ResourceIdentity>();
  private readonly resolvedProperties = new Map<string, Record<string, Resolved>>();
  private readonly resolving = new Set<string>();
  private readonly conditions = new Map<string, boolean>();
  readonly stackId: string;
  private readonly scope: IntrinsicScope;

  constructor(
    readonly stackName: string,
    /** The stack's construct id (`Serving`). */
    readonly id: string,
    readonly template: RawTemplate,
    readonly env: DeployEnv,
    private readonly parameterValues: Readonly<Record<string, string>>,
    /** Expands the placeholders of a given parameter value, when it is first read. */
    private readonly expand: (template: string) => string,
    private readonly app: DeployedApp,
  ) {
    this.stackId = `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${stackName}/${uuidOf(stackName)}`;
    this.scope = {
      ref: (name) => this.ref(name),
      getAtt: (logicalId, attribute) => this.getAtt(logicalId, attribute),
      condition: (name) => this.condition(name),
      findInMap: (map, top, second) => {
        const value = this.template.Mappings?.[map]?.[top]?.[second];
        return value === undefined ? undefined : resolveIntrinsics(value, this.scope);
      },
      stackOutput: (stackName, outputName) => this.app.stackOutput(stackName, outputName),
    };
    for (const name of Object.keys(parameterValues)) {
      if (this.template.Parameters?.[name] === undefined) {
        throw new Error(`${stackName} has no parameter ${name}`);
      }
    }
  }

  /** Resolves any value of this template. */
  resolve(value: unknown): Resolved {
    return resolveIntrinsics(value, this.scope);
  }

  /** Resolves a value of this template to a string. */
  resolveString(value: unknown): string {
    return resolveString(value, this.scope);
  }

  /** Whether a condition of the template holds with the parameter values given. */
  condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) {
      return known;
    }
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) {
      throw new IntrinsicError(`${this.stackName} has no condition ${name}`);
    }
    const value = evaluateCondition(expression, this.scope);
    this.conditions.set(name, value);
    return value;
  }

  /** The value of one of this stack's outputs. */
  output(name: string): Resolved {
    const output = this.template.Outputs?.[name];
    if (output === undefined) {
      throw new IntrinsicError(`${this.stackName} has no output ${name}`);
    }
    return this.resolve(output.Value);
  }

  /** A resource of this stack by logical id. */
  resource(logicalId: string): DeployedResource {
    const raw = this.template.Resources[logicalId];
    if (raw === undefined) {
      throw new IntrinsicError(`${this.stackName} has no resource ${logicalId}`);
    }
    return {
      stackName: this.stackName,
      logicalId,
      type: raw.Type,
      identity: this.identity(logicalId),
      account: this.env.account,
      properties: () => this.properties(logicalId),
    };
  }

  /** The resources that exist once deployed: those whose condition holds. */
  deployedResources(): DeployedResource[] {
    return Object.entries(this.template.Resources)
      .filter(([, r]) => r.Type !== 'AWS::CDK::Metadata' && (r.Condition === undefined || this.condition(r.Condition)))
      .map(([logicalId]) => this.resource(logicalId));
  }

  private properties(logicalId: string): Record<string, Resolved> {
    const known = this.resolvedProperties.get(logicalId);
    if (known !== undefined) {
      return known;
    }
    const resolved = this.resolve(this.template.Resources[logicalId]?.Properties ?? {}) as Record<string, Resolved>;
    this.resolvedProperties.set(logicalId, resolved);
    return resolved;
  }

  private identity(logicalId: string): ResourceIdentity {
    const known = this.identities.get(logicalId);
    if (known !== undefined) {
      return known;
    }
    const raw = this.template.Resources[logicalId];
    if (raw === undefined) {
      throw new IntrinsicError(`${this.stackName} has no resource ${logicalId}`);
    }
    if (this.resolving.has(logicalId)) {
      throw new IntrinsicError(`${this.stackName}: ${logicalId} refers to itself`);
    }
    this.resolving.add(logicalId);
    try {
      // Only the naming properties are resolved, so that a policy naming its own resource is no cycle.
      const identity = identify(raw.Type, {
        env: this.env,
        stackName: this.stackName,
        logicalId,
        prop: (name) => {
          const value = raw.Properties?.[name];
          return value === undefined ? undefined : this.resolve(value);
        },
      });
      this.identities.set(logicalId, identity);
      return identity;
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  private ref(name: string): Resolved {
    switch (name) {
      case 'AWS::AccountId':
        return this.env.account;
      case 'AWS::Region':
        return this.env.region;
      case 'AWS::Partition':
        return this.env.partition;
      case 'AWS::URLSuffix':
        return this.env.urlSuffix;
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return this.stackId;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter !== undefined) {
      const given = this.parameterValues[name];
      if (given !== undefined) {
        return this.expand(given);
      }
      if (parameter.Type.startsWith('AWS::SSM::Parameter::Value')) {
        // The bootstrap version, read from Parameter Store at deploy time.
        return '30';
      }
      return resolveIntrinsics(parameter.Default ?? '', this.scope);
    }
    return this.identity(name).ref;
  }

  private getAtt(logicalId: string, attribute: string): Resolved {
    const identity = this.identity(logicalId);
    const value = identity.attributes[attribute];
    if (value === undefined) {
      const type = this.template.Resources[logicalId]?.Type ?? '?';
      throw new IntrinsicError(`${this.stackName}: no stand-in for ${type} ${logicalId}.${attribute}`);
    }
    return value;
  }
}
