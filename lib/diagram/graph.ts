import { type App, Stack } from 'aws-cdk-lib';
import { compare } from './compare';
import { isCustomResource, isPlumbing, resourceCounts, usingProperties } from './resource-types';
import { property, references, type StackInfo, stackInfo } from './templates';

/**
 * The architecture of a synthesized app as a graph of constructs, for the diagram.
 *
 * A node is a direct child construct of a stack (the stack's logical units: `Storage`,
 * `Streaming`, `Pipeline` ...) holding at least one architecturally meaningful resource. A
 * construct of which other constructs reference two or more parts separately (the lake's storage,
 * whose buckets and key each stack uses its own selection of) is drawn as those parts instead,
 * grouped under its id, so an arrow says which bucket is used.
 *
 * An edge `from → to` says that a resource of `from` references a resource of `to` in the
 * synthesized templates: `Ref`, `Fn::GetAtt` and `Fn::Sub` within a stack, `Fn::ImportValue` and
 * `Fn::GetStackOutput` across stacks (resolved back to the resource behind the producer's output).
 * So arrows point from the user to the thing used.
 *
 * Plumbing (IAM roles and policies, log groups, permissions, resource policies, CDK metadata,
 * custom resources and the functions behind them) neither makes a node nor appears in a label.
 * A construct of nothing but plumbing (an IAM role, a managed policy, a custom-resource provider)
 * is folded away: references through it become references of its users, so a function whose role
 * carries a managed policy on a bucket points at the bucket.
 */
export interface ArchitectureGraph {
  /** The stacks, sorted by construct path. */
  readonly stacks: readonly ArchitectureStack[];
  /** The edges between nodes, deduplicated, without self-edges, sorted by `from` then `to`. */
  readonly edges: readonly ArchitectureEdge[];
}

export interface ArchitectureStack {
  /** The stack's construct path in the app, such as `DataLake`. */
  readonly path: string;
  /** The stack's construct id. */
  readonly id: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The stack's nodes, sorted by construct path. */
  readonly nodes: readonly ArchitectureNode[];
}

export interface ArchitectureNode {
  /** The construct path in the app, such as `DataLake/Catalog` or `DataLake/Storage/RawBucket`. */
  readonly path: string;
  /** The construct id, such as `Catalog` or `RawBucket`. */
  readonly id: string;
  /** For a part of a construct drawn as its parts, that construct's id (`Storage`). */
  readonly group?: string;
  /** The meaningful resources it holds, by type, most important first. */
  readonly resources: readonly ResourceCount[];
}

export interface ResourceCount {
  /** The CloudFormation type, such as `AWS::S3::Bucket`. */
  readonly type: string;
  /** What the type is called in a label, singular and plural, such as `S3 bucket`, `S3 buckets`. */
  readonly name: string;
  readonly plural: string;
  readonly count: number;
}

export interface ArchitectureEdge {
  /** The path of the node whose resources reference `to`'s. */
  readonly from: string;
  /** The path of the node referenced. */
  readonly to: string;
}

/** One resource of the app. */
interface ResourceInfo {
  readonly type: string;
  /** Plumbing, or the function behind a custom resource. */
  readonly plumbing: boolean;
  /** The path of the stack's direct child that holds it. */
  readonly unit: string;
  /** The path of that child's direct child that holds it; absent for a resource that is the unit itself. */
  readonly part?: string;
}

/**
 * Reads the architecture of an app: synthesizes it (a no-op if it already was) and walks its
 * stacks' construct trees and templates. Stacks nested in a `Stage` are included; nested stacks
 * (`NestedStack`) are not drawn on their own.
 */
export function architectureGraph(app: App): ArchitectureGraph {
  app.synth();
  const stacks = app.node
    .findAll()
    .filter((c): c is Stack => Stack.isStack(c) && !c.nested)
    .map(stackInfo)
    .sort((a, b) => compare(a.path, b.path));
  const byName = new Map(stacks.map((s) => [s.stack.stackName, s]));
  const byExport = new Map<string, readonly [StackInfo, unknown]>();
  for (const s of stacks) {
    for (const output of Object.values(s.template.Outputs ?? {})) {
      if (typeof output.Export?.Name === 'string') {
        byExport.set(output.Export.Name, [s, output.Value]);
      }
    }
  }

  /** The paths of the resources `value` references, resolving cross-stack references to their producer. */
  const referencedResources = (s: StackInfo, value: unknown): string[] =>
    references(value).flatMap((ref) => {
      switch (ref.kind) {
        case 'local': {
          const path = s.pathOf.get(ref.logicalId);
          return path === undefined ? [] : [path];
        }
        case 'import': {
          const producer = byExport.get(ref.exportName);
          return producer === undefined ? [] : referencedResources(...producer);
        }
        case 'output': {
          const producer = byName.get(ref.stackName);
          return producer === undefined
            ? []
            : referencedResources(producer, producer.template.Outputs?.[ref.outputName]?.Value);
        }
      }
    });

  // Every resource, and what it references.
  const resources = new Map<string, ResourceInfo>();
  const uses = new Map<string, readonly string[]>();
  for (const s of stacks) {
    const entries = Object.entries(s.template.Resources ?? {});
    const serviceTokens = new Set(
      entries
        .filter(([, r]) => isCustomResource(r.Type ?? ''))
        .flatMap(([, r]) => referencedResources(s, property(r.Properties, 'ServiceToken'))),
    );
    for (const [logicalId, resource] of entries) {
      const path = s.pathOf.get(logicalId);
      if (path === undefined) {
        continue;
      }
      const [unit = '', part] = path.slice(s.path.length + 1).split('/');
      const type = resource.Type ?? '';
      resources.set(path, {
        type,
        plumbing: isPlumbing(type) || serviceTokens.has(path),
        unit: `${s.path}/${unit}`,
        ...(part === undefined ? {} : { part: `${s.path}/${unit}/${part}` }),
      });
      uses.set(path, referencedResources(s, usingProperties(type, resource.Properties)));
    }
  }

  // Units drawn as their parts: those of which two or more parts holding more than plumbing are
  // referenced from outside the unit. An alarm is part of what it watches: a reference to one (a
  // deploy role allowed to read an endpoint's rollback alarms, say) does not take its unit apart.
  const shownParts = new Set(
    [...resources.values()].filter((r) => !r.plumbing && r.type !== 'AWS::CloudWatch::Alarm').map((r) => r.part),
  );
  const usedParts = new Map<string, Set<string>>();
  for (const [from, targets] of uses) {
    for (const to of targets.map((t) => resources.get(t))) {
      if (to?.part !== undefined && shownParts.has(to.part) && to.unit !== resources.get(from)?.unit) {
        getOrCreate(usedParts, to.unit, () => new Set<string>()).add(to.part);
      }
    }
  }
  const split = new Set([...usedParts].filter(([, parts]) => parts.size >= 2).map(([unit]) => unit));
  const nodeOf = (r: ResourceInfo): string => (split.has(r.unit) ? (r.part ?? r.unit) : r.unit);

  // Every node (plumbing-only ones too): what it holds and what it references.
  const held = new Map<string, Map<string, number>>();
  const referenced = new Map<string, Set<string>>();
  for (const [path, resource] of resources) {
    const node = nodeOf(resource);
    const types = getOrCreate(held, node, () => new Map<string, number>());
    if (!resource.plumbing) {
      types.set(resource.type, (types.get(resource.type) ?? 0) + 1);
    }
    const targets = getOrCreate(referenced, node, () => new Set<string>());
    for (const target of uses.get(path) ?? []) {
      const to = resources.get(target);
      if (to !== undefined) {
        targets.add(nodeOf(to));
      }
    }
  }

  const isShown = (node: string): boolean => (held.get(node)?.size ?? 0) > 0;
  const edges: ArchitectureEdge[] = [];
  for (const from of [...held.keys()].filter(isShown)) {
    // Follow references through folded (plumbing-only) nodes until a shown node.
    const seen = new Set<string>([from]);
    const queue = [...(referenced.get(from) ?? [])];
    const targets = new Set<string>();
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (seen.has(next)) {
        continue;
      }
      seen.add(next);
      if (isShown(next)) {
        targets.add(next);
      } else {
        queue.push(...(referenced.get(next) ?? []));
      }
    }
    edges.push(...[...targets].map((to) => ({ from, to })));
  }

  return {
    stacks: stacks.map((s) => ({
      path: s.path,
      id: s.stack.node.id,
      stackName: s.stack.stackName,
      nodes: [...held.entries()]
        .filter(([path]) => isShown(path) && path.startsWith(`${s.path}/`))
        .map(([path, types]): ArchitectureNode => {
          const [unit = '', part] = path.slice(s.path.length + 1).split('/');
          return {
            path,
            ...(part === undefined ? { id: unit } : { id: part, group: unit }),
            resources: resourceCounts(types),
          };
        })
        .sort((a, b) => compare(a.path, b.path)),
    })),
    edges: edges.sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to)),
  };
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  const existing = map.get(key);
  if (existing !== undefined) {
    return existing;
  }
  const created = create();
  map.set(key, created);
  return created;
}
