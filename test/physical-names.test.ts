import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PRODUCTION_CONTEXT, buildApp } from './support/app';

/**
 * Resources whose physical name the templates fix (a name property set at synth), found in every
 * stack of a stage. A retained one outlives its stack under the same name, and the next deploy of
 * the stack fails with AlreadyExists: a sandbox must be deployable again after `cdk destroy`.
 */
const NAME_PROPERTIES: Readonly<Record<string, (properties: Record<string, unknown>) => unknown>> = {
  'AWS::Glue::SecurityConfiguration': (p) => p.Name,
  'AWS::Glue::Database': (p) => (p.DatabaseInput as { Name?: unknown } | undefined)?.Name,
  'AWS::Athena::WorkGroup': (p) => p.Name,
  'AWS::SageMaker::ModelPackageGroup': (p) => p.ModelPackageGroupName,
  'AWS::SageMaker::Endpoint': (p) => p.EndpointName,
  'AWS::SageMaker::MonitoringSchedule': (p) => p.MonitoringScheduleName,
  'AWS::CloudWatch::Dashboard': (p) => p.DashboardName,
  'AWS::Logs::ResourcePolicy': (p) => p.PolicyName,
};

/**
 * The one fixed name that production keeps on purpose: the model registry is data (every version,
 * its metrics and who approved it), so it outlives the Training stack. Redeploying after deleting
 * that stack needs the group deleted or imported first (docs/production.md).
 */
const RETAINED_ON_PURPOSE: Readonly<Record<string, string[]>> = {
  sandbox: [],
  production: ['Training/AWS::SageMaker::ModelPackageGroup'],
};

function namedResources(context: object): { id: string; type: string; deletion?: string }[] {
  const { app } = buildApp(context);
  return app.node.children.filter(Stack.isStack).flatMap((stack) => {
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }
    >;
    return Object.values(resources)
      .filter((r) => NAME_PROPERTIES[r.Type]?.(r.Properties ?? {}) !== undefined)
      .map((r) => ({ id: `${stack.node.id}/${r.Type}`, type: r.Type, deletion: r.DeletionPolicy }));
  });
}

describe.each([
  ['sandbox', {}],
  ['production', PRODUCTION_CONTEXT],
])('fixed physical names (%s)', (stage, context) => {
  const named = namedResources(context);

  it('finds the named resources it checks (the check can see them)', () => {
    expect(named.map((r) => r.type)).toEqual(
      expect.arrayContaining(['AWS::Glue::SecurityConfiguration', 'AWS::Glue::Database', 'AWS::Athena::WorkGroup']),
    );
  });

  it('retains no resource with a fixed name, but the model registry in production', () => {
    const retained = named.filter((r) => r.deletion === 'Retain' || r.deletion === 'RetainExceptOnCreate');
    expect(retained.map((r) => r.id)).toEqual(RETAINED_ON_PURPOSE[stage]);
  });
});
