import {
  type App,
  CloudFormationValidatePlugin,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, type NagPack } from 'cdk-nag';
import { nagResourceName } from './cdk-internals';
import { ControlTowerChecks } from './control-tower';

/**
 * Registers the cdk-nag rule packs and the AWS Control Tower proactive controls as synth-time
 * validation plugins: `cdk synth` fails on any finding that is not acknowledged, with
 * `Validations.of(resource).acknowledge(...)`, on the one resource it concerns. Returns the
 * cdk-nag packs so tests can run them with `validateScope` (the Control Tower rules read the
 * synthesized templates, so they run only in a synth).
 *
 * CDK's CloudFormation Validate comes first, registered here rather than left for CDK to add
 * last, and starts the Control Tower checks as it begins: cfn-guard then runs on another core
 * while this thread validates the templates and runs the packs (see `npm run bench`). With
 * `CDK_VALIDATION=false`, CDK's switch for its check, CDK's check is off and the Control Tower
 * checks run in their turn.
 */
export function addComplianceChecks(app: App): NagPack[] {
  const packs = [new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app)];
  const controlTower = new ControlTowerChecks();
  // CDK's own switch for CloudFormation Validate, which CDK also reads from the environment.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.CDK_VALIDATION === 'false') {
    Validations.of(app).addPlugins(...packs, controlTower);
  } else {
    CONTROL_TOWER_OF_APP.set(app, controlTower);
    Validations.of(app).addPlugins(CLOUDFORMATION_VALIDATE, ...packs, controlTower);
  }
  return packs;
}

/**
 * Acknowledges findings on one construct (and what it contains) with one reason, for rules that
 * several packs share: NIST 800-53 R5 and HIPAA both check, say, S3 replication. Each `id` is
 * a plain rule id such as `NIST.800.53.R5-S3BucketReplicationEnabled`.
 */
export function acknowledgeFindings(scope: IConstruct, ids: readonly string[], reason: string): void {
  for (const id of ids) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

/** The Control Tower checks of each app that `addComplianceChecks` set up. */
const CONTROL_TOWER_OF_APP = new WeakMap<IConstruct, ControlTowerChecks>();

/**
 * CDK's CloudFormation Validate (`@aws-cdk/core:validateAgainstDefaultRules`), registered by hand
 * so that it runs before the other checks and starts the app's Control Tower checks first: the
 * synth's thread then checks the templates against CloudFormation's schemas and the cdk-nag packs
 * while cfn-guard runs on another core. The same checks as the plugin CDK adds by itself (which it
 * leaves out once one is registered), in the same order as CDK's: the report is the same.
 */
class CloudFormationValidateFirst extends CloudFormationValidatePlugin {
  public override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    CONTROL_TOWER_OF_APP.get(context.appConstruct)?.start(context);
    return super.validate(context);
  }
}

/** One for the process, as CDK's own is: its engine takes a second to start and is then reused. */
const CLOUDFORMATION_VALIDATE = new CloudFormationValidateFirst();

/** One acknowledged finding: the rule, the construct it is acknowledged on, and why. */
export interface Acknowledgement {
  /** The construct that carries the acknowledgement (it covers what the construct contains). */
  readonly construct: IConstruct;
  /** The construct's path, such as `DataLake/Storage/RawBucket`. */
  readonly path: string;
  /**
   * The rule id as cdk-nag and the template check report it, such as `AwsSolutions-IAM5[Resource::*]`
   * or `CloudFormation-Validate::W3005`: without the `Annotation::` namespace CDK records cdk-nag's
   * rules under.
   */
  readonly id: string;
  readonly reason: string;
}

/**
 * Every acknowledgement made with `Validations.of(...).acknowledge` on `root` and the constructs it
 * contains, in the tree's order (a construct before its children, children in the order they were
 * added), read from the construct metadata CDK records them in. It reads the tree as built: no
 * synth is needed.
 */
export function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          construct,
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/**
 * The rule ids of findings this project acknowledges somewhere, by what they are about. Control
 * Tower controls are named `ControlTower::CT.<SERVICE>.PR.<n>` (see lib/shared/control-tower.ts).
 */
export const RULES = {
  s3Replication: ['NIST.800.53.R5-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled'],
  s3DefaultKmsEncryption: [
    'NIST.800.53.R5-S3DefaultEncryptionKMS',
    'HIPAA.Security-S3DefaultEncryptionKMS',
    'ControlTower::CT.S3.PR.10',
  ],
  s3AccessLogging: ['ControlTower::CT.S3.PR.2'],
  s3EventNotifications: ['ControlTower::CT.S3.PR.4'],
  s3ObjectLock: ['ControlTower::CT.S3.PR.9'],
  sqsDlq: ['AwsSolutions-SQS3', 'ControlTower::CT.SQS.PR.1'],
  iamInlinePolicy: ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
  lambdaDlq: ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ'],
  lambdaInVpc: ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC', 'ControlTower::CT.LAMBDA.PR.3'],
  lambdaConcurrency: ['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency'],
  /**
   * The template linters' W3005, "DependsOn already enforced": an aws-cdk-lib construct that makes
   * its resource depend on its role (so the role's policy exists first) lists the role in
   * `DependsOn` beside the policy, though the resource references the role already. Rule ids of
   * the template linters are cfn-lint's, which the synth-time check (CDK's CloudFormation
   * Validate) shares; test/lint/cfn-lint.test.ts holds cfn-lint to these acknowledgements.
   */
  redundantRoleDependency: ['CloudFormation-Validate::W3005'],
} as const;

/**
 * The id of the AwsSolutions-IAM5 finding that a policy in `scope` granting `resource` (an ARN
 * that ends in a wildcard, usually a token) raises, spelled as cdk-nag spells it, so that one
 * wildcard resource can be acknowledged and any other still fails.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${nagResourceName(Stack.of(scope).resolve(resource))}]`;
}

/**
 * The AwsSolutions-IAM5 findings a policy raises today (wildcard actions and resources), for
 * acknowledging a grant made inside a construct we do not own. Call it once the grant is made.
 */
export function wildcardFindingsOf(policy: IConstruct & { readonly document: { toJSON(): unknown } }): string[] {
  const document = Stack.of(policy).resolve(policy.document.toJSON()) as {
    Statement?: { Effect?: string; Action?: string | string[]; Resource?: unknown }[];
  };
  const findings = new Set<string>();
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') {
      continue;
    }
    for (const action of [statement.Action ?? []].flat().filter((a) => a.includes('*'))) {
      findings.add(`AwsSolutions-IAM5[Action::${action}]`);
    }
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const resource of resources.map((r) => nagResourceName(r))) {
      if (resource.includes('*')) {
        findings.add(`AwsSolutions-IAM5[Resource::${resource}]`);
      }
    }
  }
  return [...findings];
}
