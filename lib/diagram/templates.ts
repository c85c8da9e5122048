/**
 * Reading the synthesized app: each stack's template and the construct path of each logical id,
 * and the references a template fragment makes.
 */
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';

/** A resource of a synthesized template, as far as the diagram reads it. */
export interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: unknown;
}

export interface StackTemplate {
  readonly Resources?: Readonly<Record<string, TemplateResource>>;
  readonly Outputs?: Readonly<
    Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>
  >;
}

/** One stack as the diagram sees it: its construct and its template. */
export interface StackInfo {
  readonly stack: Stack;
  readonly path: string;
  readonly template: StackTemplate;
  /** Logical id → the resource's construct path. */
  readonly pathOf: ReadonlyMap<string, string>;
}

/** A stack, its template and the construct path of each of its logical ids; the stack's stage is synthesized (a no-op if it already was). */
export function stackInfo(stack: Stack): StackInfo {
  const path = stack.node.path;
  const pathOf = new Map<string, string>();
  for (const resource of stack.node.findAll()) {
    if (CfnResource.isCfnResource(resource) && Stack.of(resource) === stack) {
      pathOf.set(stack.resolve(resource.logicalId) as string, resource.node.path);
    }
  }
  const stage = Stage.of(stack);
  if (stage === undefined) {
    throw new Error(`stack ${path} is not in an app or stage, so it has no template to draw`);
  }
  const template = stage.synth().getStackArtifact(stack.artifactId).template as StackTemplate;
  return { stack, path, template, pathOf };
}

export type Reference =
  | { readonly kind: 'local'; readonly logicalId: string }
  | { readonly kind: 'import'; readonly exportName: string }
  | { readonly kind: 'output'; readonly stackName: string; readonly outputName: string };

/** The references in a template fragment: `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::ImportValue`, `Fn::GetStackOutput`. */
export function references(value: unknown): Reference[] {
  if (Array.isArray(value)) {
    return (value as unknown[]).flatMap(references);
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const entries = Object.entries(value);
  const [key, arg] = entries.length === 1 ? (entries[0] as [string, unknown]) : ['', undefined];
  switch (key) {
    case 'Ref':
      return typeof arg === 'string' && !arg.startsWith('AWS::') ? [{ kind: 'local', logicalId: arg }] : [];
    case 'Fn::GetAtt': {
      const target = Array.isArray(arg)
        ? (arg as unknown[])[0]
        : typeof arg === 'string'
          ? arg.split('.')[0]
          : undefined;
      return typeof target === 'string' ? [{ kind: 'local', logicalId: target }] : references(arg);
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(arg) ? (arg as unknown[]) : [arg, {}];
      const names = new Set(variables !== null && typeof variables === 'object' ? Object.keys(variables) : []);
      const inText =
        typeof text === 'string'
          ? [...text.matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)]
              .map((m) => m[1] ?? '')
              .filter((name) => !name.startsWith('AWS::') && !names.has(name))
              .map((logicalId): Reference => ({ kind: 'local', logicalId }))
          : [];
      return [...inText, ...references(variables)];
    }
    case 'Fn::ImportValue':
      return typeof arg === 'string' ? [{ kind: 'import', exportName: arg }] : [];
    case 'Fn::GetStackOutput': {
      const stackName = property(arg, 'StackName');
      const outputName = property(arg, 'OutputName');
      return typeof stackName === 'string' && typeof outputName === 'string'
        ? [{ kind: 'output', stackName, outputName }]
        : [];
    }
    default:
      return entries.flatMap(([, v]) => references(v));
  }
}

/** A property of a template object; `undefined` for anything else. */
export function property(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}
