import { type ArchitectureGraph, architectureGraph } from '../../lib/diagram/graph';
import { renderOverview } from '../../lib/diagram/mermaid';
import { buildApp } from '../support/app';

/** A graph of three stacks: a consumer that reads a producer's bucket and uses its key, and one that only uses the key. */
const GRAPH: ArchitectureGraph = {
  stacks: [
    {
      path: 'Consumer',
      id: 'Consumer',
      stackName: 'app-consumer',
      nodes: [{ path: 'Consumer/Reader', id: 'Reader', resources: [] }],
    },
    {
      path: 'Keyed',
      id: 'Keyed',
      stackName: 'app-keyed',
      nodes: [{ path: 'Keyed/Log', id: 'Log', resources: [] }],
    },
    {
      path: 'Producer',
      id: 'Producer',
      stackName: 'app-producer',
      nodes: [
        {
          path: 'Producer/Data',
          id: 'Data',
          resources: [{ type: 'AWS::S3::Bucket', name: 'S3 bucket', plural: 'S3 buckets', count: 1 }],
        },
        {
          path: 'Producer/Key',
          id: 'Key',
          resources: [{ type: 'AWS::KMS::Key', name: 'KMS key', plural: 'KMS keys', count: 1 }],
        },
      ],
    },
  ],
  edges: [
    { from: 'Consumer/Reader', to: 'Producer/Data' },
    { from: 'Consumer/Reader', to: 'Producer/Key' },
    { from: 'Keyed/Log', to: 'Producer/Key' },
    { from: 'Producer/Data', to: 'Producer/Key' },
  ],
};

describe('renderOverview', () => {
  const lines = renderOverview(GRAPH).trimEnd().split('\n');

  it('draws one node per stack, with its stack name and the constructs it holds', () => {
    expect(lines).toContain('  Producer["Producer (app-producer)<br/>Data, Key"]');
    expect(lines).toContain('  Consumer["Consumer (app-consumer)<br/>Reader"]');
  });

  it('draws one arrow per pair of stacks, solid when more than a key is used, dotted when only a key', () => {
    expect(lines.filter((line) => !line.includes('%%') && /-->|-\.->/.test(line))).toEqual([
      '  Consumer --> Producer',
      '  Keyed -.-> Producer',
    ]);
  });

  it('draws the app: every stack, and the stacks that use the lake pointing at it', () => {
    const text = renderOverview(architectureGraph(buildApp().app));
    for (const stack of ['DataLake', 'Ingestion', 'Etl', 'Training', 'Serving', 'Observability']) {
      expect(text).toMatch(new RegExp(`^  ${stack}\\["${stack} \\(ml-lifecycle-sandbox-`, 'm'));
    }
    for (const user of ['Ingestion', 'Etl', 'Training', 'Serving']) {
      expect(text).toContain(`  ${user} --> DataLake\n`);
    }
    expect(text).not.toMatch(/DataLake --> /);
  });
});
