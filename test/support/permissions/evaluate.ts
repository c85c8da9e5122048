import {
  type RunSimulationResults,
  type Simulation,
  runSimulation,
  runUnsafeSimulation,
} from '@cloud-copilot/iam-simulate';
import type { App } from 'aws-cdk-lib';
import type { StageName } from '../../../lib/config';
import type { Caller, PermissionRow, StageFacts } from '../../../lib/permissions/types';
import { type NamedPolicy, identityPoliciesOf, ownerOf, parseArn, resourcePolicyFor } from './policies';
import { DeployedApp, type ParameterValues, type PolicyDocument } from './world';

/** The account a row's `otherAccount` caller belongs to. */
export const OTHER_ACCOUNT = '444455556666';

/** What the evaluator answered for one row, and from what. */
export interface Verdict {
  readonly decision: 'allowed' | 'denied';
  /** The simulator's own word: Allowed, ImplicitlyDenied or ExplicitlyDenied. */
  readonly result: string;
  readonly principal: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly resourcePolicy?: PolicyDocument;
}

/** Changes made to the deployed policies before a row is evaluated: for the positive controls. */
export interface PolicyEdit {
  /** Statements for which this returns true are left out of every identity and resource policy. */
  readonly dropStatement?: (statement: Record<string, unknown>) => boolean;
}

/**
 * Evaluates contract rows against one stage of the app, deployed on paper ({@link DeployedApp}),
 * with @cloud-copilot/iam-simulate: the caller's identity policies and the resource's policy
 * together, with IAM's account rules (same account: either may allow, unless the service requires
 * its resource policy, as KMS does unless the key policy trusts the account; another account:
 * both must; an AWS service principal: the resource policy alone).
 */
export class ContractEvaluator {
  /** Synthesizes `app` once and prepares the evaluator for `stage`. */
  static forApp(app: App, stage: StageName, facts: StageFacts, parameters: ParameterValues = {}): ContractEvaluator {
    let evaluator: ContractEvaluator | undefined = undefined;
    // Parameter values are templates too (the model package that the serving stack is given).
    const expanded = (template: string): string => {
      if (evaluator === undefined) {
        throw new Error('parameters are read before the evaluator exists');
      }
      return evaluator.expand(template);
    };
    const deployed = DeployedApp.synthesize(app, parameters, expanded);
    evaluator = new ContractEvaluator(deployed, stage, facts);
    return evaluator;
  }

  private constructor(
    readonly deployed: DeployedApp,
    readonly stage: StageName,
    private readonly facts: StageFacts,
  ) {}

  /** The account the stage is deployed to (every stack of a stage shares it). */
  get account(): string {
    return this.env.account;
  }

  private get env() {
    const first = this.deployed.stacks[0];
    if (first === undefined) {
      throw new Error('the app has no stacks');
    }
    return first.env;
  }

  /** Whether a row applies to this evaluator's stage. */
  applies(row: PermissionRow): boolean {
    return row.stages === undefined || row.stages.includes(this.stage);
  }

  /** Expands a row's template (see {@link PermissionRow}). */
  expand(template: string): string {
    return template.replace(/\{([a-zA-Z]+)(?::([^}]+))?\}/g, (match, name: string, arg: string | undefined) => {
      switch (name) {
        case 'partition':
          return this.env.partition;
        case 'region':
          return this.env.region;
        case 'account':
          return this.env.account;
        case 'stage':
          return this.stage;
        case 'jobPrefix':
          return this.facts.jobPrefix;
        case 'arn':
          return this.arnAt(required(match, arg));
        case 'ref':
          return this.refAt(required(match, arg));
        default:
          throw new Error(`unknown placeholder ${match}`);
      }
    });
  }

  private arnAt(path: string): string {
    const stack = this.deployed.stackAt(path);
    if (stack !== undefined) {
      return stack.stackId;
    }
    const resource = this.deployed.resourceAt(path);
    if (resource.identity.arn === undefined) {
      throw new Error(`${path} (${resource.type}) has no ARN stand-in`);
    }
    return resource.identity.arn;
  }

  private refAt(path: string): string {
    const stack = this.deployed.stackAt(path);
    return stack !== undefined ? stack.stackName : this.deployed.resourceAt(path).identity.ref;
  }

  /** Evaluates one row; throws when the request is malformed (a wrong action, resource or context key). */
  async evaluate(row: PermissionRow, edit: PolicyEdit = {}): Promise<Verdict> {
    const resource = this.expand(row.resource);
    const caller = this.caller(row.caller);
    const context: Record<string, string | string[]> = { ...caller.context };
    for (const [key, value] of Object.entries(row.context ?? {})) {
      context[key] = typeof value === 'string' ? this.expand(value) : value.map((v) => this.expand(v));
    }
    if (row.action.toLowerCase().startsWith('kms:') && caller.account !== undefined) {
      context['kms:CallerAccount'] = caller.account;
    }
    const drop = edit.dropStatement ?? (() => false);
    const strip = (doc: PolicyDocument): PolicyDocument => ({
      ...doc,
      Statement: (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]).filter(
        (s) => !drop(s as Record<string, unknown>),
      ),
    });
    const identityPolicies = caller.identityPolicies.map((p) => ({ name: p.name, policy: strip(p.policy) }));
    const found = resource === '*' ? undefined : resourcePolicyFor(this.deployed, resource, row.action);
    const resourcePolicy = found === undefined ? undefined : strip(found);
    const simulation: Simulation = {
      request: {
        principal: caller.principal,
        action: row.action,
        resource: { resource, accountId: this.accountOf(resource, caller.account) },
        contextVariables: context,
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    };
    const results: RunSimulationResults = await runSimulation(simulation, { simulationMode: 'Strict' });
    if (results.resultType === 'error') {
      throw new Error(`${row.id}: the simulator refused the request: ${JSON.stringify(results.errors)}`);
    }
    let result: string = results.overallResult;
    if (results.resultType === 'single') {
      const ignored = (results.result.ignoredContextKeys ?? []).filter((k) => Object.hasOwn(row.context ?? {}, k));
      // iam-simulate 0.1 knows `kms:EncryptionContext:${Key}` but matches such variable keys only
      // after a slash, so it drops every encryption context key. They are real (KMS's own
      // condition keys), so the request is evaluated again with them, without that validation.
      const encryptionContext = ignored.filter((k) => k.toLowerCase().startsWith('kms:encryptioncontext:'));
      const unknown = ignored.filter((k) => !encryptionContext.includes(k));
      if (unknown.length > 0) {
        throw new Error(
          `${row.id}: ${row.action} has no context key ${unknown.join(', ')}; the row names one AWS never sends`,
        );
      }
      if (encryptionContext.length > 0) {
        const dropped = new Set(results.result.ignoredContextKeys?.filter((k) => !encryptionContext.includes(k)));
        const kept = Object.fromEntries(Object.entries(context).filter(([k]) => !dropped.has(k)));
        result = runUnsafeSimulation(
          {
            ...simulation,
            request: { ...simulation.request, contextVariables: kept },
            // The unsafe entry loads a resource policy without a name, which its analysis then reads;
            // a validated policy (iam-policy's ValidatedPolicy shape, already validated above) carries one.
            resourcePolicy:
              resourcePolicy === undefined
                ? undefined
                : { __validated: true, policyDocument: resourcePolicy, metadata: { name: 'resource' }, errors: [] },
          },
          {},
        );
      }
    }
    return {
      decision: result === 'Allowed' ? 'allowed' : 'denied',
      result,
      principal: caller.principal,
      resource,
      context,
      identityPolicies,
      resourcePolicy,
    };
  }

  /** The account that owns `arn` (for S3, the bucket's stack's; for `*`, the caller's). */
  private accountOf(arn: string, callerAccount: string | undefined): string {
    if (arn === '*') {
      return callerAccount ?? this.account;
    }
    const { account } = parseArn(arn);
    if (account !== '') {
      return account;
    }
    return ownerOf(this.deployed, arn)?.account ?? this.account;
  }

  private caller(caller: Caller): {
    principal: string;
    account?: string;
    identityPolicies: NamedPolicy[];
    context: Record<string, string>;
  } {
    const { partition, region } = this.env;
    if ('service' in caller) {
      const service = this.expand(caller.service);
      return {
        principal: service,
        identityPolicies: [],
        context: {
          'aws:PrincipalIsAWSService': 'true',
          'aws:PrincipalServiceName': service,
          'aws:SecureTransport': 'true',
          'aws:RequestedRegion': region,
        },
      };
    }
    if ('otherAccount' in caller) {
      const role = `arn:${partition}:iam::${OTHER_ACCOUNT}:role/Outsider`;
      return {
        principal: `arn:${partition}:sts::${OTHER_ACCOUNT}:assumed-role/Outsider/contract`,
        account: OTHER_ACCOUNT,
        // Everything its own account can give: only our resource policies stand in its way.
        identityPolicies: [
          {
            name: 'Outsider',
            policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
          },
        ],
        context: roleContext(role, OTHER_ACCOUNT, region),
      };
    }
    const role = this.deployed.resourceAt(caller.role);
    if (role.type !== 'AWS::IAM::Role' || role.identity.arn === undefined) {
      throw new Error(`${caller.role} is a ${role.type}, not a role`);
    }
    return {
      principal: `arn:${partition}:sts::${role.account}:assumed-role/${role.identity.ref}/contract`,
      account: role.account,
      identityPolicies: identityPoliciesOf(this.deployed, role.identity.arn),
      context: roleContext(role.identity.arn, role.account, region),
    };
  }
}

/** The global context keys of every request a role session makes. */
function roleContext(roleArn: string, account: string, region: string): Record<string, string> {
  return {
    'aws:PrincipalArn': roleArn,
    'aws:PrincipalAccount': account,
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
    'aws:SecureTransport': 'true',
    'aws:RequestedRegion': region,
  };
}

function required(placeholder: string, arg: string | undefined): string {
  if (arg === undefined) {
    throw new Error(`${placeholder} needs a construct path`);
  }
  return arg;
}
