import { ALL_CLOUDS, CLOUD_DISPLAY_NAME } from '../cloud';
import { compareNames } from './compare-names';
import { MeshMode } from './mesh-mode';
import { MeshPlan } from './mesh-plan';

/**
 * A Mermaid `flowchart` of the plan: one subgraph per cloud (library cloud
 * order), one box per node (name, mesh address, role, and "gateway" in
 * cross-location mode), and one `<-->` edge per WireGuard link, each unordered
 * pair once, in name order. Same plan, same text.
 *
 * ```
 * flowchart LR
 *   subgraph cloud_aws["AWS"]
 *     n_aws_2d1["aws-1<br/>10.4.17.3<br/>control-plane, gateway"]
 *   end
 *   …
 *   n_aws_2d1 <--> n_gcp_2d1
 *   classDef gateway stroke-width:3px
 *   class n_aws_2d1,n_gcp_2d1 gateway
 * ```
 *
 * Node ids escape every character outside a-z and 0-9 as `_` plus its hex
 * code, so distinct names never share an id and no name can break the syntax.
 */
export function renderMeshDiagram(plan: MeshPlan): string {
  const crossLocation = plan.mode === MeshMode.CROSS_LOCATION;
  const lines = ['flowchart LR'];
  for (const cloud of ALL_CLOUDS) {
    const members = plan.nodes.filter((node) => node.cloud === cloud);
    if (members.length === 0) continue;
    lines.push(`  subgraph cloud_${cloud}["${CLOUD_DISPLAY_NAME[cloud]}"]`);
    for (const node of members) {
      const role = crossLocation && node.gateway ? `${node.role}, gateway` : node.role;
      lines.push(`    ${diagramId(node.name)}["${node.name}<br/>${node.meshAddress}<br/>${role}"]`);
    }
    lines.push('  end');
  }
  for (const node of plan.nodes) {
    const far = node.peers.map((peer) => peer.name).filter((name) => compareNames(node.name, name) < 0);
    for (const name of far) lines.push(`  ${diagramId(node.name)} <--> ${diagramId(name)}`);
  }
  const gateways = plan.nodes.filter((node) => node.gateway).map((node) => diagramId(node.name));
  if (crossLocation && gateways.length > 0) {
    lines.push('  classDef gateway stroke-width:3px', `  class ${gateways.join(',')} gateway`);
  }
  return lines.join('\n') + '\n';
}

/** Mermaid id of a node: `n_` plus the name with each character outside [a-z0-9] written as `_<hex code>`. */
export function diagramId(name: string): string {
  return 'n_' + name.replace(/[^a-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}
