import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { drawDocument, main } from '../../bin/diagram';
import type { MlLifecycleStacks } from '../../lib/app';
import { ARCHITECTURE_DOC, architectureDocument, drawArchitecture } from '../../lib/diagram/document';
import { type ArchitectureGraph, architectureGraph } from '../../lib/diagram/graph';
import { mermaidIds, renderMermaid, renderOverview, resourcesLabel } from '../../lib/diagram/mermaid';
import { buildApp } from '../support/app';

const ROOT = path.join(__dirname, '..', '..');
const DOC = path.join(ROOT, ARCHITECTURE_DOC);

// One build of the app for the whole file: synthesizing it takes seconds.
let app: App;
let stacks: MlLifecycleStacks;
let graph: ArchitectureGraph;
let mermaid: string;
beforeAll(() => {
  ({ app, stacks } = buildApp());
  graph = architectureGraph(app);
  mermaid = renderMermaid(graph);
});

/** The path of the diagram node that holds a construct (the node itself or an ancestor). */
function nodeOf(construct: IConstruct): string {
  const nodes = graph.stacks.flatMap((s) => s.nodes.map((n) => n.path));
  const found = nodes.find((n) => construct.node.path === n || construct.node.path.startsWith(`${n}/`));
  if (found === undefined) {
    throw new Error(`no node of the diagram holds ${construct.node.path}; nodes: ${nodes.join(', ')}`);
  }
  return found;
}

function hasEdge(from: IConstruct, to: IConstruct): boolean {
  const [a, b] = [nodeOf(from), nodeOf(to)];
  return graph.edges.some((e) => e.from === a && e.to === b);
}

describe(ARCHITECTURE_DOC, () => {
  it('is what the app draws now (when this fails: npm run diagram, then review and commit the diff)', () => {
    expect(fs.readFileSync(DOC, 'utf8')).toBe(architectureDocument(mermaid, renderOverview(graph)));
  });

  it('is in the form Prettier keeps, so `npm run lint` passes on a freshly generated file', () => {
    const text = architectureDocument(mermaid, renderOverview(graph));
    // The CLI, as `npm run lint` runs it: Prettier's API needs ES modules, which jest runs here without.
    const prettier = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'prettier'), ['--stdin-filepath', DOC], {
      cwd: ROOT,
      input: text,
      encoding: 'utf8',
    });

    expect(prettier.stderr).toBe('');
    expect(prettier.stdout).toBe(text);
  });

  it('is drawn the same by a second, separate build, the one bin/diagram.ts makes', () => {
    expect(drawDocument()).toBe(architectureDocument(mermaid, renderOverview(graph)));
  });

  it('would be out of date after a change to the app (the check can fail)', () => {
    const changed = buildApp();
    new s3.Bucket(changed.stacks.serving, 'Extra');

    const drawn = drawArchitecture(changed.app);
    expect(drawn).not.toBe(fs.readFileSync(DOC, 'utf8'));
    expect(drawn).toContain('Serving_Extra["Extra<br/>S3 bucket"]');
  });
});

describe('the Mermaid text', () => {
  const lines = () => mermaid.trimEnd().split('\n');
  const ID = '[A-Za-z][A-Za-z0-9_]*';
  const declared = () => {
    const nodes = lines().flatMap((l) => new RegExp(`^\\s+(${ID})\\["[^"]*"\\]$`).exec(l)?.[1] ?? []);
    const subgraphs = lines().flatMap((l) => new RegExp(`^\\s+subgraph (${ID})\\["[^"]*"\\]$`).exec(l)?.[1] ?? []);
    return { nodes, subgraphs };
  };
  const edges = () =>
    lines().flatMap((l) => {
      const m = new RegExp(`^\\s+(${ID}) (-->|-\\.->) (${ID})$`).exec(l);
      return m === null ? [] : [{ from: m[1] ?? '', arrow: m[2] ?? '', to: m[3] ?? '' }];
    });

  it('is a left-to-right flowchart ending with a newline', () => {
    expect(mermaid).toMatch(/^flowchart LR\n/);
    expect(mermaid.endsWith('\n')).toBe(true);
  });

  it('has only comments, subgraphs, their ends, nodes and edges', () => {
    const { nodes, subgraphs } = declared();
    const comments = lines().filter((l) => /^\s+%% /.test(l));
    const ends = lines().filter((l) => /^\s+end$/.test(l));

    expect(1 + comments.length + subgraphs.length + ends.length + nodes.length + edges().length).toBe(lines().length);
  });

  it('closes every subgraph it opens, in order', () => {
    let depth = 0;
    for (const line of lines()) {
      depth += /^\s+subgraph /.test(line) ? 1 : /^\s+end$/.test(line) ? -1 : 0;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });

  it('declares each id once, none of them a Mermaid keyword', () => {
    const { nodes, subgraphs } = declared();
    const ids = [...nodes, ...subgraphs];

    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => /^(end|subgraph|graph|flowchart|style|class|click)$/i.test(id))).toEqual([]);
  });

  it('draws edges only between declared nodes, each once, none to itself', () => {
    const { nodes } = declared();
    const all = edges();

    expect(all.length).toBeGreaterThan(0);
    for (const { from, to } of all) {
      expect(nodes).toContain(from);
      expect(nodes).toContain(to);
      expect(from).not.toBe(to);
    }
    expect(new Set(all.map((e) => `${e.from} ${e.to}`)).size).toBe(all.length);
  });

  it('has no asset hash, unresolved token or timestamp', () => {
    expect(mermaid).not.toMatch(/[0-9a-f]{32}/);
    expect(mermaid).not.toContain('${Token[');
    expect(mermaid).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('dots the edges to a node of nothing but KMS keys (the lake key among them), and only those', () => {
    const keyNodes = lines().flatMap((l) => /^\s+(\w+)\["\w+<br\/>KMS keys?( ×\d+)?"\]$/.exec(l)?.[1] ?? []);
    const all = edges();

    expect(keyNodes).toContain('DataLake_Storage_DataKey');
    expect(all.filter((e) => e.arrow === '-.->').length).toBeGreaterThan(0);
    for (const { arrow, to } of all) {
      expect(arrow).toBe(keyNodes.includes(to) ? '-.->' : '-->');
    }
  });
});

describe('the architecture graph', () => {
  it('has a subgraph per stack, titled with its id and stack name', () => {
    const all = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));

    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const stack of all) {
      expect(mermaid).toContain(`subgraph ${stack.node.id}["${stack.node.id} (${stack.stackName})"]`);
    }
  });

  it('gives every stack a node, and none a crowd', () => {
    for (const stack of graph.stacks) {
      expect(stack.nodes.length).toBeGreaterThan(0);
      expect(stack.nodes.length).toBeLessThanOrEqual(12);
    }
  });

  it('draws the lake storage as its buckets and key, which the stacks each use a selection of', () => {
    const storage = graph.stacks.find((s) => s.id === 'DataLake')?.nodes.filter((n) => n.group === 'Storage');

    expect(storage?.map((n) => n.id)).toEqual([
      'AccessLogsBucket',
      'ArtifactsBucket',
      'CuratedBucket',
      'DataKey',
      'RawBucket',
    ]);
  });

  it('leaves plumbing out: IAM, logs, permissions, CDK metadata, custom resources and their providers', () => {
    const labels = graph.stacks.flatMap((s) => s.nodes.map((n) => `${n.path} ${resourcesLabel(n.resources)}`));

    for (const label of labels) {
      expect(label).not.toMatch(/IAM|Logs? ?Group|Permission|Metadata|Custom::|CustomResource|BucketPolicy/i);
    }
    // The access policies and roles are folded into their users; the provider of autoDeleteObjects too.
    expect(labels.filter((l) => /Access |Role |CustomResourceProvider/.test(l))).toEqual([]);
  });

  it('labels a node with what it holds', () => {
    const label = (p: string) => {
      const node = graph.stacks.flatMap((s) => s.nodes).find((n) => n.path === p);
      return node === undefined ? undefined : resourcesLabel(node.resources);
    };

    expect(label('DataLake/Catalog')).toBe('Glue databases ×2, Athena workgroup');
    expect(label('Training/Pipeline')).toBe('Step Functions state machine, Lambda functions ×3');
  });

  it("draws the Ingestion stack's delivery stream writing to the raw bucket (a cross-stack reference)", () => {
    expect(hasEdge(stacks.ingestion.streaming.deliveryStream, stacks.dataLake.storage.rawBucket)).toBe(true);
  });

  it('draws the training pipeline using the curated and the artifacts buckets', () => {
    const pipeline = stacks.training.pipeline.stateMachine;

    expect(hasEdge(pipeline, stacks.dataLake.storage.curatedBucket)).toBe(true);
    expect(hasEdge(pipeline, stacks.dataLake.storage.artifactsBucket)).toBe(true);
    expect(hasEdge(pipeline, stacks.dataLake.storage.rawBucket)).toBe(false);
  });

  it('draws the curate job reading the raw bucket and writing the curated one', () => {
    expect(hasEdge(stacks.etl.etl.curateJob, stacks.dataLake.storage.rawBucket)).toBe(true);
    expect(hasEdge(stacks.etl.etl.curateJob, stacks.dataLake.storage.curatedBucket)).toBe(true);
  });

  it('draws the training trigger on the features job of the Etl stack, and on the pipeline', () => {
    expect(hasEdge(stacks.training.trigger, stacks.etl.etl.featuresJob)).toBe(true);
    expect(hasEdge(stacks.training.trigger, stacks.training.pipeline.stateMachine)).toBe(true);
  });

  it('draws the endpoint using the artifacts bucket (through its role and the lake access policy)', () => {
    expect(hasEdge(stacks.serving.endpoint.endpoint, stacks.dataLake.storage.artifactsBucket)).toBe(true);
  });

  it('points arrows from the user to the thing used: nothing in the data lake points out of it', () => {
    const outOfLake = graph.edges.filter((e) => e.from.startsWith('DataLake/') && !e.to.startsWith('DataLake/'));

    expect(outOfLake).toEqual([]);
  });

  it('lists stacks, nodes and edges sorted', () => {
    const sorted = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const edgeKeys = graph.edges.map((e) => `${e.from} ${e.to}`);

    expect(graph.stacks.map((s) => s.path)).toEqual(sorted(graph.stacks.map((s) => s.path)));
    for (const stack of graph.stacks) {
      expect(stack.nodes.map((n) => n.path)).toEqual(sorted(stack.nodes.map((n) => n.path)));
    }
    expect(edgeKeys).toEqual(sorted(edgeKeys));
  });
});

describe('architectureGraph on a small app', () => {
  /**
   * Producer: `Store` (two buckets, of which Consumer uses both, one with autoDeleteObjects) and
   * `Other` (two buckets, of which Consumer uses one). Consumer: `Reader` using them through a
   * role, a cross-stack `Fn::Sub` variable and a local `Fn::Sub` reference to `Inbox`.
   */
  function smallGraph(): ArchitectureGraph {
    const small = new App();
    const producer = new Stack(small, 'Producer');
    const store = new Construct(producer, 'Store');
    const data = new s3.Bucket(store, 'Data', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    const logs = new s3.Bucket(store, 'Logs');
    const other = new Construct(producer, 'Other');
    const first = new s3.Bucket(other, 'First');
    new s3.Bucket(other, 'Second');

    const consumer = new Stack(small, 'Consumer');
    const role = new iam.Role(consumer, 'ReaderRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    data.grantRead(role);
    const inbox = new sqs.Queue(consumer, 'Inbox');
    (inbox.node.defaultChild as sqs.CfnQueue).overrideLogicalId('Inbox');
    new CfnResource(new Construct(consumer, 'Reader'), 'Job', {
      type: 'AWS::Glue::Job',
      properties: {
        Role: role.roleArn,
        Command: { ScriptLocation: Fn.sub('s3://${Logs}/job.py', { Logs: logs.bucketName }) },
        DefaultArguments: { '--inbox': Fn.sub('${Inbox.Arn}'), '--first': first.bucketArn },
      },
    });
    return architectureGraph(small);
  }

  let small: ArchitectureGraph;
  beforeAll(() => {
    small = smallGraph();
  });

  it('draws a construct of which two parts are used as those parts, and one of which one part is used whole', () => {
    expect(small.stacks.map((s) => s.nodes.map((n) => [n.path, n.group, resourcesLabel(n.resources)]))).toEqual([
      [
        ['Consumer/Inbox', undefined, 'SQS queue'],
        ['Consumer/Reader', undefined, 'Glue job'],
      ],
      [
        ['Producer/Other', undefined, 'S3 buckets ×2'],
        ['Producer/Store/Data', 'Store', 'S3 bucket'],
        ['Producer/Store/Logs', 'Store', 'S3 bucket'],
      ],
    ]);
  });

  it('resolves cross-stack imports, follows references through a folded role, and reads Fn::Sub', () => {
    expect(small.edges).toEqual([
      { from: 'Consumer/Reader', to: 'Consumer/Inbox' },
      { from: 'Consumer/Reader', to: 'Producer/Other' },
      { from: 'Consumer/Reader', to: 'Producer/Store/Data' },
      { from: 'Consumer/Reader', to: 'Producer/Store/Logs' },
    ]);
  });
});

describe('renderMermaid', () => {
  it('sanitizes ids, keeps colliding ones apart, and avoids keywords', () => {
    const ids = mermaidIds(['A/Name the run', 'A/Name-the-run', 'end', '1st']);

    expect([...ids.entries()].sort()).toEqual([
      ['1st', 'n1st'],
      ['A/Name the run', 'A_Name_the_run'],
      ['A/Name-the-run', 'A_Name_the_run_2'],
      ['end', 'end_2'],
    ]);
  });

  it('escapes what would end a label', () => {
    const text = renderMermaid({
      stacks: [
        {
          path: 'S',
          id: 'S',
          stackName: 'say-"hi"',
          nodes: [{ path: 'S/A', id: 'A<b>', resources: [] }],
        },
      ],
      edges: [],
    });

    expect(text).toContain('subgraph S["S (say-#34;hi#34;)"]');
    expect(text).toContain('S_A["A#60;b#62;"]');
  });

  it('counts more than one resource of a type', () => {
    expect(
      resourcesLabel([
        { type: 'AWS::S3::Bucket', name: 'S3 bucket', plural: 'S3 buckets', count: 4 },
        { type: 'AWS::KMS::Key', name: 'KMS key', plural: 'KMS keys', count: 1 },
      ]),
    ).toBe('S3 buckets ×4, KMS key');
  });
});

describe('bin/diagram.ts', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-diagram-test-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs `main` with captured output and a drawing that needs no app. */
  function run(argv: string[], file: string, draw: string | (() => string) = '# drawn\n') {
    const out = { stdout: '', stderr: '' };
    const code = main(argv, {
      draw: typeof draw === 'string' ? () => draw : draw,
      file,
      stdout: { write: (chunk: string) => (out.stdout += chunk) },
      stderr: { write: (chunk: string) => (out.stderr += chunk) },
    });
    return { code, ...out };
  }

  it('writes the file, creating its folder', () => {
    const file = path.join(tmp, 'docs', 'architecture.md');
    const { code, stdout } = run([], file);

    expect(code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('# drawn\n');
    expect(stdout).toContain('updated');
  });

  it('--check exits 0 when the file is what the app draws', () => {
    const file = path.join(tmp, 'architecture.md');
    fs.writeFileSync(file, '# drawn\n');

    expect(run(['--check'], file).code).toBe(0);
  });

  it('--check exits 1 with the fix when the committed file is stale, and writes nothing', () => {
    const { code, stderr } = run(['--check'], DOC, `${fs.readFileSync(DOC, 'utf8')}\n(changed)\n`);

    expect(code).toBe(1);
    expect(stderr).toBe('docs/architecture.md is out of date: run npm run diagram\n');
    expect(fs.readFileSync(DOC, 'utf8')).toBe(architectureDocument(mermaid, renderOverview(graph)));
  });

  it('--check exits 1 when the file is missing', () => {
    const file = path.join(tmp, 'architecture.md');
    const { code, stderr } = run(['--check'], file);

    expect(code).toBe(1);
    expect(stderr).toContain('is missing: run npm run diagram');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('exits 1 saying why when the app cannot be drawn', () => {
    const file = path.join(tmp, 'architecture.md');
    const { code, stderr } = run([], file, () => {
      throw new Error('stage "x" is unknown; expected one of: sandbox, production');
    });

    expect(code).toBe(1);
    expect(stderr).toBe('error: cannot draw the app: stage "x" is unknown; expected one of: sandbox, production\n');
    expect(fs.existsSync(file)).toBe(false);
  });

  it.each([[['--bogus']], [['extra']]])('exits 2 on bad usage %j', (argv) => {
    const { code, stderr } = run(argv, path.join(tmp, 'architecture.md'));

    expect(code).toBe(2);
    expect(stderr).toContain('--help');
  });

  it('prints the help and exits 0', () => {
    const { code, stdout } = run(['--help'], path.join(tmp, 'architecture.md'));

    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run diagram');
    expect(stdout).toContain('--check');
  });
});
