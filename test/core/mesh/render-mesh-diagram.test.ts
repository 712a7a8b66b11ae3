import fc from 'fast-check';
import { Cloud } from '../../../lib/core/cloud';
import { diagramId, MeshMode, planMesh, renderMeshDiagram } from '../../../lib/core/mesh';
import { NodeRole } from '../../../lib/core/node-role';
import { meshNode, meshNodes, shuffled } from './mesh-nodes';

const nodes = [
  meshNode('aws-cp-0', Cloud.AWS, 10, NodeRole.CONTROL_PLANE),
  meshNode('node-a', Cloud.AWS, 12),
  meshNode('gcp-w-1', Cloud.GCP, 11),
];

/** Subgraph name → node ids inside it, and the edges, read back from the Mermaid text. */
function readDiagram(text: string) {
  const subgraphs = new Map<string, string[]>();
  const edges: [string, string][] = [];
  let current: string | undefined;
  for (const line of text.trimEnd().split('\n').slice(1)) {
    const subgraph = /^ {2}subgraph (\w+)\["[^"]+"\]$/.exec(line);
    const node = /^ {4}(\w+)\["[^"]+"\]$/.exec(line);
    const edge = /^ {2}(\w+) <--> (\w+)$/.exec(line);
    if (subgraph) subgraphs.set((current = subgraph[1]), []);
    else if (node && current) subgraphs.get(current)!.push(node[1]);
    else if (line === '  end') current = undefined;
    else if (edge) edges.push([edge[1], edge[2]]);
    else if (!/^ {2}(classDef|class) /.test(line)) throw new Error(`unexpected line: ${line}`);
  }
  return { subgraphs, edges };
}

describe('renderMeshDiagram', () => {
  test('full mesh of three nodes: the exact text', () => {
    expect(renderMeshDiagram(planMesh({ nodes, mode: MeshMode.FULL_MESH }))).toBe(
      [
        'flowchart LR',
        '  subgraph cloud_aws["AWS"]',
        '    n_aws_2dcp_2d0["aws-cp-0<br/>10.4.13.211<br/>control-plane"]',
        '    n_node_2da["node-a<br/>10.4.220.159<br/>worker"]',
        '  end',
        '  subgraph cloud_gcp["GCP"]',
        '    n_gcp_2dw_2d1["gcp-w-1<br/>10.4.176.200<br/>worker"]',
        '  end',
        '  n_aws_2dcp_2d0 <--> n_gcp_2dw_2d1',
        '  n_aws_2dcp_2d0 <--> n_node_2da',
        '  n_gcp_2dw_2d1 <--> n_node_2da',
        '',
      ].join('\n'),
    );
  });

  test('cross-location: gateways are marked and only gateway links are drawn', () => {
    const text = renderMeshDiagram(planMesh({ nodes, mode: MeshMode.CROSS_LOCATION }));
    expect(text).toContain('n_aws_2dcp_2d0["aws-cp-0<br/>10.4.13.211<br/>control-plane, gateway"]');
    expect(readDiagram(text).edges).toEqual([['n_aws_2dcp_2d0', 'n_gcp_2dw_2d1']]);
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['  classDef gateway stroke-width:3px', '  class n_aws_2dcp_2d0,n_gcp_2dw_2d1 gateway']);
  });

  test.each([MeshMode.FULL_MESH, MeshMode.CROSS_LOCATION])('%s, 20 nodes: one subgraph per cloud, each node once, each link once', (mode) => {
    const plan = planMesh({ nodes: meshNodes(20), mode, gatewaysPerCloud: 2 });
    const { subgraphs, edges } = readDiagram(renderMeshDiagram(plan));
    expect([...subgraphs.keys()]).toEqual(['cloud_aws', 'cloud_gcp', 'cloud_azure', 'cloud_digitalocean']);
    for (const [key, ids] of subgraphs) {
      expect(ids).toEqual(plan.nodes.filter((node) => `cloud_${node.cloud}` === key).map((node) => diagramId(node.name)));
    }
    const links = new Set(plan.nodes.flatMap((node) => node.peers.map((peer) => [node.name, peer.name].sort().map(diagramId).join(' '))));
    expect(edges.map((edge) => edge.join(' ')).sort()).toEqual([...links].sort());
    expect(new Set(edges.map((edge) => edge.join(' '))).size).toBe(edges.length);
    expect(renderMeshDiagram(planMesh({ nodes: shuffled(meshNodes(20), 7), mode, gatewaysPerCloud: 2 }))).toBe(renderMeshDiagram(plan));
  });

  test('cloud-network: nodes, no edges', () => {
    const { subgraphs, edges } = readDiagram(renderMeshDiagram(planMesh({ nodes: meshNodes(3, [Cloud.AZURE]), mode: MeshMode.CLOUD_NETWORK })));
    expect([...subgraphs.values()].flat()).toHaveLength(3);
    expect(edges).toEqual([]);
  });

  test('property: distinct names get distinct ids made of [A-Za-z0-9_]', () => {
    const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,12}[a-z0-9])?$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(diagramId(a)).toMatch(/^\w+$/);
        if (a !== b) expect(diagramId(a)).not.toBe(diagramId(b));
      }),
    );
  });
});
