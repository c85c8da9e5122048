import { Stack } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** A state of an Amazon States Language definition, loosely typed for assertions. */
export type StateJson = Record<string, unknown> & { Type: string };

/** A parsed state machine definition. */
export interface Definition {
  StartAt: string;
  States: Record<string, StateJson>;
  QueryLanguage?: string;
  TimeoutSeconds?: number;
}

/** A CloudFormation intrinsic in the definition, as a short readable placeholder. */
function placeholder(part: unknown): string {
  const value = part as Record<string, unknown>;
  if (typeof value.Ref === 'string') {
    return `\${${value.Ref}}`;
  }
  const getAtt = value['Fn::GetAtt'] as string[] | undefined;
  if (getAtt !== undefined) {
    return `\${${getAtt.join('.')}}`;
  }
  const findInMap = value['Fn::FindInMap'] as unknown[] | undefined;
  if (findInMap !== undefined) {
    return `\${FindInMap:${String(findInMap[2])}}`;
  }
  const output = value['Fn::GetStackOutput'] as { OutputName?: string } | undefined;
  if (output !== undefined) {
    // A reference to another stack, published as an output: written as the reference itself.
    const name = String(output.OutputName);
    const ref = /^PublishOutputRef(.+)[0-9A-F]{8}$/.exec(name);
    const getAtt = /^PublishOutputFnGetAtt(.+?[0-9A-F]{8})([A-Z][a-z][A-Za-z]*)[0-9A-F]{8}$/.exec(name);
    return ref !== null ? `\${${ref[1]}}` : getAtt !== null ? `\${${getAtt[1]}.${getAtt[2]}}` : `\${Output:${name}}`;
  }
  const imported = value['Fn::ImportValue'];
  if (imported !== undefined) {
    return `\${Import:${JSON.stringify(imported)}}`;
  }
  return `\${${JSON.stringify(value)}}`;
}

/**
 * The state machine's definition as JSON, with every CloudFormation reference in it written as a
 * placeholder (`${Ref}`, `${Logical.Attr}`, `${AWS::Partition}`, `${FindInMap:key}`; a reference to
 * another stack's resource reads the same as a local one), so tests can
 * assert on states, retries, catches and arguments as a reader sees them.
 */
export function definitionOf(stateMachine: sfn.StateMachine): Definition {
  const resource = stateMachine.node.defaultChild as sfn.CfnStateMachine;
  const resolved = Stack.of(stateMachine).resolve(resource.definitionString) as unknown;
  if (typeof resolved === 'string') {
    return JSON.parse(resolved) as Definition;
  }
  const join = (resolved as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1].map((part) => (typeof part === 'string' ? part : placeholder(part))).join(join[0]);
  return JSON.parse(text) as Definition;
}
