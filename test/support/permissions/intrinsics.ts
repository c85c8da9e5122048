/**
 * Resolves CloudFormation intrinsic functions in a synthesized template to concrete values, the
 * way CloudFormation would for one fixed account and region, so that the IAM policies in the
 * templates can be handed to a policy evaluator as the literal documents AWS would store.
 *
 * What CloudFormation decides at deploy time (a generated physical name, a key id) is replaced by
 * a deterministic stand-in of the right shape; see `physical-ids.ts`.
 */

/** Marks a value that `AWS::NoValue` removed: dropped from the object or array that holds it. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** A JSON value, or NO_VALUE where `Ref: AWS::NoValue` stood. */
export type Resolved = string | number | boolean | null | typeof NO_VALUE | Resolved[] | { [key: string]: Resolved };

/** What the resolver needs to know about the template's surroundings. */
export interface IntrinsicScope {
  /** The value of `Ref` to a parameter, resource or pseudo parameter. */
  ref(name: string): Resolved;
  /** The value of `Fn::GetAtt` on a resource. */
  getAtt(logicalId: string, attribute: string): Resolved;
  /** Whether a named condition of the template holds. */
  condition(name: string): boolean;
  /** A value of the template's `Mappings`. */
  findInMap(map: string, topKey: string, secondKey: string): Resolved | undefined;
  /** The value of another stack's output (`Fn::GetStackOutput`, the CDK's weak cross-stack reference). */
  stackOutput(stackName: string, outputName: string): Resolved;
}

/** Thrown for an intrinsic the resolver does not know or cannot resolve: a silent guess would hide a gap. */
export class IntrinsicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

/** Resolves every intrinsic in `value`. */
export function resolveIntrinsics(value: unknown, scope: IntrinsicScope): Resolved {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => resolveIntrinsics(v, scope)).filter((v) => v !== NO_VALUE);
  }
  if (typeof value !== 'object') {
    throw new IntrinsicError(`cannot resolve a value of type ${typeof value}`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0] as [string, unknown];
    if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') {
      return resolveFunction(key, arg, scope);
    }
  }
  const out: { [key: string]: Resolved } = {};
  for (const [key, v] of entries) {
    const resolved = resolveIntrinsics(v, scope);
    if (resolved !== NO_VALUE) {
      out[key] = resolved;
    }
  }
  return out;
}

/** Resolves `value` and requires a string (an ARN, a name). */
export function resolveString(value: unknown, scope: IntrinsicScope): string {
  const resolved = resolveIntrinsics(value, scope);
  if (typeof resolved !== 'string') {
    throw new IntrinsicError(`expected a string, got ${JSON.stringify(resolved)} from ${JSON.stringify(value)}`);
  }
  return resolved;
}

/** Evaluates a condition function (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`). */
export function evaluateCondition(value: unknown, scope: IntrinsicScope): boolean {
  const resolved = resolveIntrinsics(value, scope);
  if (typeof resolved !== 'boolean') {
    throw new IntrinsicError(`a condition must resolve to a boolean, got ${JSON.stringify(resolved)}`);
  }
  return resolved;
}

function resolveFunction(name: string, arg: unknown, scope: IntrinsicScope): Resolved {
  switch (name) {
    case 'Ref':
      return scope.ref(expectString(name, arg));
    case 'Condition':
      return scope.condition(expectString(name, arg));
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg)
        ? [expectString(name, arg[0]), expectString(name, resolveIntrinsics(arg[1], scope))]
        : splitOnce(expectString(name, arg), '.');
      return scope.getAtt(logicalId, attribute);
    }
    case 'Fn::Join': {
      const [delimiter, parts] = expectArray(name, arg, 2);
      const list = resolveIntrinsics(parts, scope);
      if (!Array.isArray(list)) {
        throw new IntrinsicError(`Fn::Join needs a list, got ${JSON.stringify(list)}`);
      }
      return list.map((p) => stringOf(name, p)).join(expectString(name, delimiter));
    }
    case 'Fn::Sub':
      return substitute(arg, scope);
    case 'Fn::Select': {
      const [index, list] = expectArray(name, arg, 2);
      const i = Number(resolveIntrinsics(index, scope));
      const items = resolveIntrinsics(list, scope);
      if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
        throw new IntrinsicError(`Fn::Select ${i} out of ${JSON.stringify(items)}`);
      }
      return items[i] as Resolved;
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectArray(name, arg, 2);
      return resolveString(source, scope).split(expectString(name, delimiter));
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = expectArray(name, arg, 3);
      return resolveIntrinsics(scope.condition(expectString(name, condition)) ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Equals': {
      const [a, b] = expectArray(name, arg, 2);
      return JSON.stringify(resolveIntrinsics(a, scope)) === JSON.stringify(resolveIntrinsics(b, scope));
    }
    case 'Fn::Not': {
      const [c] = expectArray(name, arg, 1);
      return !evaluateCondition(c, scope);
    }
    case 'Fn::And':
      return (arg as unknown[]).every((c) => evaluateCondition(c, scope));
    case 'Fn::Or':
      return (arg as unknown[]).some((c) => evaluateCondition(c, scope));
    case 'Fn::FindInMap': {
      if (!Array.isArray(arg) || arg.length < 3) {
        throw new IntrinsicError(`Fn::FindInMap needs [map, top key, second key], got ${JSON.stringify(arg)}`);
      }
      const [map, top, second] = arg.slice(0, 3).map((a) => resolveString(a, scope)) as [string, string, string];
      const found = scope.findInMap(map, top, second);
      if (found !== undefined) {
        return found;
      }
      const fallback = (arg[3] as { DefaultValue?: unknown } | undefined)?.DefaultValue;
      if (fallback === undefined) {
        throw new IntrinsicError(`Fn::FindInMap: no ${map}.${top}.${second}`);
      }
      return resolveIntrinsics(fallback, scope);
    }
    case 'Fn::GetStackOutput': {
      const spec = arg as { StackName?: unknown; OutputName?: unknown };
      return scope.stackOutput(resolveString(spec.StackName, scope), resolveString(spec.OutputName, scope));
    }
    case 'Fn::Base64':
      return Buffer.from(resolveString(arg, scope)).toString('base64');
    default:
      throw new IntrinsicError(`unsupported intrinsic ${name}`);
  }
}

/** `Fn::Sub`: `${Param}`, `${Logical.Attribute}`, `${!Literal}`, with or without a variable map. */
function substitute(arg: unknown, scope: IntrinsicScope): string {
  const [template, variables] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
  const text = expectString('Fn::Sub', template);
  return text.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
    if (inner.startsWith('!')) {
      return `\${${inner.slice(1)}}`;
    }
    if (Object.prototype.hasOwnProperty.call(variables, inner)) {
      return resolveString(variables[inner], scope);
    }
    if (inner.includes('.')) {
      const [logicalId, attribute] = splitOnce(inner, '.');
      return stringOf('Fn::Sub', scope.getAtt(logicalId, attribute));
    }
    return stringOf('Fn::Sub', scope.ref(inner));
  });
}

function splitOnce(text: string, separator: string): [string, string] {
  const i = text.indexOf(separator);
  if (i < 0) {
    throw new IntrinsicError(`expected "${separator}" in ${text}`);
  }
  return [text.slice(0, i), text.slice(i + 1)];
}

function stringOf(fn: string, value: Resolved): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new IntrinsicError(`${fn}: expected a string, got ${JSON.stringify(value)}`);
}

function expectString(fn: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new IntrinsicError(`${fn}: expected a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function expectArray(fn: string, value: unknown, length: number): unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new IntrinsicError(`${fn}: expected ${length} arguments, got ${JSON.stringify(value)}`);
  }
  return value;
}
