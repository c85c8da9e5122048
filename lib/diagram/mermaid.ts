import { compare } from './compare';
import { type ArchitectureGraph, type ArchitectureNode, type ArchitectureStack, type ResourceCount } from './graph';

/**
 * Renders the graph as a Mermaid flowchart: a `subgraph` per stack (titled with its construct id
 * and stack name) holding a node per construct (its id, then the resources it holds), a nested
 * `subgraph` for a construct drawn as its parts, then the edges. An edge to a node of nothing but
 * KMS keys (encryption, which nearly everything uses) is dotted so that it recedes.
 *
 * Node ids are the construct paths with every character outside `[A-Za-z0-9_]` made `_`, so they
 * stay put when unrelated constructs come and go. The text ends with a newline.
 */
export function renderMermaid(graph: ArchitectureGraph): string {
  const nodes = graph.stacks.flatMap((s) => s.nodes);
  const groupPath = (stack: ArchitectureStack, group: string): string => `${stack.path}/${group}`;
  const ids = mermaidIds(
    graph.stacks.flatMap((s) => [
      s.path,
      ...s.nodes.flatMap((n) => (n.group === undefined ? [n.path] : [groupPath(s, n.group), n.path])),
    ]),
  );
  const id = (path: string): string => {
    const found = ids.get(path);
    if (found === undefined) {
      throw new Error(`${path} is not a stack, group or node of the graph, so it has no id`);
    }
    return found;
  };
  const keysOnly = new Set(
    nodes
      .filter((n) => n.resources.length > 0 && n.resources.every((r) => r.type === 'AWS::KMS::Key'))
      .map((n) => n.path),
  );

  const lines = [
    'flowchart LR',
    '  %% An arrow A --> B: a resource of construct A references one of construct B (Ref, Fn::GetAtt, Fn::Sub,',
    '  %% or a cross-stack output), so arrows point from the user to the thing used. Dotted: to a KMS key.',
  ];
  const nodeLine = (indent: string, node: ArchitectureNode): string => {
    const label = [node.id, resourcesLabel(node.resources)].filter((part) => part !== '').map(escapeLabel);
    return `${indent}${id(node.path)}["${label.join('<br/>')}"]`;
  };
  for (const stack of graph.stacks) {
    lines.push(`  subgraph ${id(stack.path)}["${escapeLabel(`${stack.id} (${stack.stackName})`)}"]`);
    let open: string | undefined;
    for (const node of stack.nodes) {
      if (node.group !== open) {
        if (open !== undefined) {
          lines.push('    end');
        }
        if (node.group !== undefined) {
          lines.push(`    subgraph ${id(groupPath(stack, node.group))}["${escapeLabel(node.group)}"]`);
        }
        open = node.group;
      }
      lines.push(nodeLine(open === undefined ? '    ' : '      ', node));
    }
    if (open !== undefined) {
      lines.push('    end');
    }
    lines.push('  end');
  }
  for (const edge of graph.edges) {
    lines.push(`  ${id(edge.from)} ${keysOnly.has(edge.to) ? '-.->' : '-->'} ${id(edge.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `S3 buckets ×4, KMS key`. */
export function resourcesLabel(resources: readonly ResourceCount[]): string {
  return resources.map((r) => (r.count === 1 ? r.name : `${r.plural} ×${r.count}`)).join(', ');
}

/**
 * A Mermaid id per construct path: the path with `/` and anything else outside `[A-Za-z0-9_]`
 * as `_`, then `_2`, `_3` ... on the later (in sorted order) of paths that would collide.
 */
export function mermaidIds(paths: readonly string[]): ReadonlyMap<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const path of [...new Set(paths)].sort(compare)) {
    const base = `${/^[A-Za-z]/.test(path) ? '' : 'n'}${path.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let candidate = base;
    for (let n = 2; taken.has(candidate) || RESERVED_IDS.has(candidate.toLowerCase()); n++) {
      candidate = `${base}_${n}`;
    }
    taken.add(candidate);
    ids.set(path, candidate);
  }
  return ids;
}

/** Words Mermaid's flowchart grammar takes for keywords, not ids. */
const RESERVED_IDS: ReadonlySet<string> = new Set(['end', 'subgraph', 'graph', 'flowchart', 'style', 'class', 'click']);

/** Text inside a `["..."]` label: Mermaid's entity codes for what would end or mark up the label. */
function escapeLabel(text: string): string {
  return text.replace(/[#"<>]/g, (c) => `#${c.charCodeAt(0)};`);
}

/**
 * Renders the graph one level up, as the README shows it: a node per stack (its construct id,
 * its stack name, then the constructs it holds) and an arrow from a stack to each other stack one
 * of its constructs references, dotted when every such reference is to a node of nothing but KMS
 * keys. The arrows point from the user to the thing used, as in {@link renderMermaid}. The text
 * ends with a newline.
 */
export function renderOverview(graph: ArchitectureGraph): string {
  const ids = mermaidIds(graph.stacks.map((s) => s.path));
  const stackOf = new Map(graph.stacks.flatMap((s) => s.nodes.map((n) => [n.path, s.path] as const)));
  const keysOnly = new Set(
    graph.stacks
      .flatMap((s) => s.nodes)
      .filter((n) => n.resources.length > 0 && n.resources.every((r) => r.type === 'AWS::KMS::Key'))
      .map((n) => n.path),
  );
  /** `from stack → to stack` → whether any reference between them is to more than a key. */
  const links = new Map<string, { readonly from: string; readonly to: string; solid: boolean }>();
  for (const edge of graph.edges) {
    const [from, to] = [stackOf.get(edge.from), stackOf.get(edge.to)];
    if (from === undefined || to === undefined || from === to) {
      continue;
    }
    const key = `${from}\n${to}`;
    const link = links.get(key) ?? { from, to, solid: false };
    link.solid ||= !keysOnly.has(edge.to);
    links.set(key, link);
  }
  const lines = [
    'flowchart LR',
    '  %% One box per stack, with the constructs it holds. An arrow A --> B: a construct of A references one',
    '  %% of B, so arrows point from the user to the thing used. Dotted: only to a KMS key.',
  ];
  for (const stack of graph.stacks) {
    const label = [`${stack.id} (${stack.stackName})`, stack.nodes.map((n) => n.id).join(', ')]
      .filter((part) => part !== '')
      .map(escapeLabel);
    lines.push(`  ${ids.get(stack.path) ?? stack.path}["${label.join('<br/>')}"]`);
  }
  for (const link of [...links.values()].sort((a, b) => compare(`${a.from}\n${a.to}`, `${b.from}\n${b.to}`))) {
    lines.push(`  ${ids.get(link.from) ?? link.from} ${link.solid ? '-->' : '-.->'} ${ids.get(link.to) ?? link.to}`);
  }
  return `${lines.join('\n')}\n`;
}
