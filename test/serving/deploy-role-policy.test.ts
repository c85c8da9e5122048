import { Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import { wildcardResourceFinding } from '../../lib/shared/compliance';
import {
  DeployRolePolicy,
  type DeployRolePolicyProps,
  type PermissionGroup,
  deployRolePermissions,
} from '../../lib/serving/deploy-role-policy';
import { testApp } from '../support/app';

/** A serving stack with what the policy refers to, and a lake stack whose outputs it reads. */
function fixture(overrides: (stacks: { serving: Stack; lake: Stack }) => Partial<DeployRolePolicyProps> = () => ({})) {
  const app = testApp();
  const lake = new Stack(app, 'Lake');
  const serving = new Stack(app, 'Serving');
  const key = new kms.Key(lake, 'Key');
  const alarm = (id: string) =>
    new cloudwatch.Alarm(serving, id, {
      metric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: id }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  const props: DeployRolePolicyProps = {
    role: new iam.Role(serving, 'DeployRole', { assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com') }),
    modelPackageGroupName: 'churn-group',
    servingName: 'churn',
    servingRole: new iam.Role(serving, 'ServingRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    }),
    key,
    rollbackAlarms: [alarm('Errors'), alarm('Latency')],
    referencedStacks: [lake],
    modelMonitor: false,
    ...overrides({ serving, lake }),
  };
  const policy = new DeployRolePolicy(serving, 'DeployPolicy', props);
  return { app, serving, lake, policy, props };
}

/** The AwsSolutions-IAM5 findings the statements raise: wildcard actions and resources. */
function wildcardFindings(stack: Stack, statements: readonly iam.PolicyStatement[]): string[] {
  return statements.flatMap((statement) => {
    const json = statement.toStatementJson() as { Action: string | string[]; Resource: string | string[] };
    return [
      ...[json.Action]
        .flat()
        .filter((a) => a.includes('*'))
        .map((a) => `AwsSolutions-IAM5[Action::${a}]`),
      ...[json.Resource]
        .flat()
        .map((r) => wildcardResourceFinding(stack, r))
        .filter((finding) => finding.slice('AwsSolutions-IAM5[Resource::'.length).includes('*')),
    ];
  });
}

/** The findings acknowledged on a construct itself. */
function acknowledged(policy: DeployRolePolicy): string[] {
  return policy.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as Record<string, string>))
    .map((id) => id.replace(/^annotation::/i, ''));
}

/** The findings the AwsSolutions pack reports in a stack, as `<rule> at <path>`. */
function nagFindings(stack: Stack): string[] {
  return new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

const sids = (groups: readonly PermissionGroup[]) => groups.flatMap((g) => g.statements.map((s) => s.sid));

describe('DeployRolePolicy', () => {
  const { serving, policy } = fixture();

  it('acknowledges, in each group, exactly the wildcards that group grants', () => {
    for (const group of policy.statementGroups) {
      const raised = [...new Set(wildcardFindings(serving, group.statements))].sort();
      const acknowledgedHere = group.acknowledgements.flatMap((a) => a.findings).sort();
      expect({ sids: sids([group]), acknowledged: acknowledgedHere }).toEqual({
        sids: sids([group]),
        acknowledged: raised,
      });
    }
  });

  it('acknowledges on the policy what its groups acknowledge, and nothing else', () => {
    const fromGroups = policy.statementGroups.flatMap((g) => g.acknowledgements.flatMap((a) => a.findings));
    expect(acknowledged(policy).sort()).toEqual([...new Set(fromGroups)].sort());
  });

  it('leaves AwsSolutions nothing to report on the policy', () => {
    expect(nagFindings(serving).filter((f) => f.includes('/DeployPolicy/'))).toEqual([]);
  });

  it('would be reported without its acknowledgements (positive control)', () => {
    const control = fixture();
    // Copies of the statements, since a statement belongs to the one policy that renders it.
    const statements = control.policy.statementGroups
      .flatMap((g) => g.statements)
      .map((s) => iam.PolicyStatement.fromJson(s.toStatementJson()));
    new iam.ManagedPolicy(control.serving, 'Unacknowledged', { statements });
    const reported = nagFindings(control.serving).filter((f) => f.endsWith('/Unacknowledged/Resource'));
    expect(reported).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-IAM5/)]));
  });

  it('holds every statement of its groups once, in the groups’ order', () => {
    // Resolved as synth renders it (with the app's minimizePolicies), without synthesizing the app.
    const { Statement: statements } = serving.resolve(policy.document) as { Statement: { Sid: string }[] };
    expect(statements.map((s) => s.Sid)).toEqual(sids(policy.statementGroups));
    expect(new Set(sids(policy.statementGroups)).size).toBe(statements.length);
  });

  it('says for each group which resource types it serves and where that is documented', () => {
    for (const group of policy.statementGroups) {
      expect(group.source.length).toBeGreaterThan(20);
      for (const type of group.resourceTypes) {
        expect(type).toMatch(/^AWS::[A-Za-z]+::[A-Za-z]+$/);
      }
    }
    // Only what CloudFormation reads for the stack update itself names no resource type.
    expect(sids(policy.statementGroups.filter((g) => g.resourceTypes.length === 0))).toEqual([
      'ReadProducerOutputs',
      'ReadBootstrapVersion',
    ]);
  });
});

describe('deployRolePermissions', () => {
  const typesOf = (groups: readonly PermissionGroup[]) => [...new Set(groups.flatMap((g) => g.resourceTypes))].sort();
  const MONITOR_TYPES = ['AWS::SageMaker::DataQualityJobDefinition', 'AWS::SageMaker::MonitoringSchedule'];

  it('grants nothing on the monitor without Model Monitor, and its job definitions and schedules with it', () => {
    const without = fixture().policy.statementGroups;
    expect(typesOf(without).filter((t) => MONITOR_TYPES.includes(t))).toEqual([]);
    expect(sids(without)).not.toContain('MonitorResources');

    const { policy, serving } = fixture(() => ({ modelMonitor: true }));
    expect(typesOf(policy.statementGroups)).toEqual(expect.arrayContaining(MONITOR_TYPES));
    const monitor = policy.statementGroups.find((g) => sids([g]).includes('MonitorResources'));
    expect(monitor?.resourceTypes).toEqual(MONITOR_TYPES);
    expect(monitor?.statements.flatMap((s) => s.resources).map((r) => JSON.stringify(serving.resolve(r)))).toEqual([
      expect.stringContaining(':data-quality-job-definition/churn*'),
      expect.stringContaining(':monitoring-schedule/churn*'),
    ]);
  });

  it('reads the outputs of each other stack once, and of its own stack never', () => {
    const { policy, serving } = fixture(({ serving: own, lake }) => ({ referencedStacks: [own, lake, lake] }));
    const read = policy.statementGroups
      .flatMap((g) => g.statements)
      .filter((s) => s.sid === 'ReadProducerOutputs')
      .flatMap((s) => s.resources)
      .map((r) => JSON.stringify(serving.resolve(r)));
    expect(read).toEqual([expect.stringContaining(':stack/Lake/*')]);
  });

  it('has no producer statement, and acknowledges none, when the stack reads no other stack', () => {
    const { serving, props } = fixture();
    const groups = deployRolePermissions(serving, { ...props, referencedStacks: [serving] });
    expect(sids(groups)).not.toContain('ReadProducerOutputs');
    expect(groups.flatMap((g) => g.acknowledgements.flatMap((a) => a.findings)).join()).not.toContain('cloudformation');
  });
});
