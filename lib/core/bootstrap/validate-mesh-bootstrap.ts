import { cidrProblem, lastAddress, parseAddress, parseCidr } from '../cidr';
import { meshCidrProblem } from '../mesh/allocate-mesh-addresses';
import { ALL_MESH_MODES, MeshMode } from '../mesh/mesh-mode';
import { NodeBootstrapInput } from './node-bootstrap-input';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HTTPS_URL = /^https:\/\/[^\s'"\\]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Problems with `input.mesh`, one `<prop> must be <rule> (got <value>). <fix>`
 * line each; empty without a mesh. Every node's agent plans the whole mesh with
 * these values, so they are checked here rather than found wrong on the node.
 */
export function meshBootstrapProblems(input: NodeBootstrapInput): string[] {
  const mesh = input.mesh;
  if (mesh === undefined) return [];
  const problems: string[] = [];
  if (!ALL_MESH_MODES.includes(mesh.mode)) {
    problems.push(`mesh.mode must be one of ${ALL_MESH_MODES.join(', ')} (got ${JSON.stringify(mesh.mode)}). Use a MeshMode value.`);
  }
  const cidr = meshCidrProblem(mesh.meshCidr ?? '');
  if (cidr) problems.push(`mesh.${cidr}`);
  whole('listenPort', mesh.listenPort, 1, 65535, 'Use the cluster mesh port (51820 by default).');
  // 576: the smallest datagram every IPv4 host must accept (RFC 791), as planMesh checks.
  if (mesh.mtu !== undefined) whole('mtu', mesh.mtu, 576, 65535, 'Use the cluster mesh MTU, or leave it out for the per-cloud default.');
  whole('persistentKeepalive', mesh.persistentKeepalive, 0, 65535, 'Use 25 (seconds), or 0 for none.');
  whole('gatewaysPerCloud', mesh.gatewaysPerCloud, 1, 65535, 'Use the cluster value (1 by default).');
  if (mesh.gateway !== undefined && typeof mesh.gateway !== 'boolean') {
    problems.push(`mesh.gateway must be true, false or left out (got ${JSON.stringify(mesh.gateway)}). Pin the node as a gateway or leave the choice to the agents.`);
  }
  if (mesh.privateCidr !== undefined && !(mesh.privateCidr.includes('${') ? !mesh.privateCidr.includes('\n') : cidrProblem(mesh.privateCidr) === undefined)) {
    problems.push(`mesh.privateCidr must be the IPv4 CIDR of the node's subnet (got ${JSON.stringify(mesh.privateCidr)}). Pass the subnet range, or leave it out to use the default route's source address.`);
  }
  if (mesh.agentUrl !== undefined && !(HTTPS_URL.test(mesh.agentUrl) || mesh.agentUrl.startsWith('${'))) {
    problems.push(`mesh.agentUrl must be an https URL without spaces or quotes (got ${JSON.stringify(mesh.agentUrl)}). Serve meshAgentArchive().bytes there, or leave it out to send the agent in the user-data.`);
  }
  if (mesh.agentUrl !== undefined && !SHA256.test(mesh.agentSha256 ?? '')) {
    problems.push(`mesh.agentSha256 must be the 64 hex digits of meshAgentArchive().sha256 when agentUrl is set (got ${mesh.agentSha256 === undefined ? 'nothing' : JSON.stringify(mesh.agentSha256)}). The node refuses an archive with another hash.`);
  } else if (mesh.agentUrl === undefined && mesh.agentSha256 !== undefined) {
    problems.push(`mesh.agentSha256 must be left out without agentUrl (got ${JSON.stringify(mesh.agentSha256)}). Set agentUrl too, or drop the hash.`);
  }
  // A WireGuard node holds its mesh address on the interface; the agents refuse a record whose address is outside the mesh range.
  if (!input.scaledIdentity && input.meshAddress === undefined && ALL_MESH_MODES.includes(mesh.mode) && mesh.mode !== MeshMode.CLOUD_NETWORK) {
    problems.push(
      `meshAddress must be given in ${mesh.mode} mode (got nothing): only cloud-network nodes take their private address found at boot. Use the node's address from allocateMeshAddresses.`,
    );
  }
  if (!cidr && mesh.mode !== MeshMode.CLOUD_NETWORK && IPV4.test(input.meshAddress ?? '')) {
    const block = parseCidr(mesh.meshCidr);
    const address = parseAddress(input.meshAddress!);
    if (address <= block.network || address >= lastAddress(block)) {
      problems.push(`meshAddress must be a host address inside mesh.meshCidr ${mesh.meshCidr} in ${mesh.mode} mode (got ${input.meshAddress}). Use the node's address from allocateMeshAddresses.`);
    }
  }
  const claim = input.scaledIdentity?.meshClaimCidr;
  if (input.scaledIdentity && !cidr && mesh.mode !== MeshMode.CLOUD_NETWORK) {
    const block = parseCidr(mesh.meshCidr);
    const inside = claim !== undefined && cidrProblem(claim) === undefined && parseCidr(claim).prefix >= block.prefix && parseCidr(claim).network >= block.network && lastAddress(parseCidr(claim)) <= lastAddress(block);
    if (!inside) {
      problems.push(`scaledIdentity.meshClaimCidr must be a block inside mesh.meshCidr ${mesh.meshCidr} in ${mesh.mode} mode (got ${JSON.stringify(claim)}): the agent claims the node's mesh address from it. Pass the group's block.`);
    }
  } else if (claim !== undefined && mesh.mode === MeshMode.CLOUD_NETWORK) {
    problems.push(`scaledIdentity.meshClaimCidr must be left out in cloud-network mode (got ${claim}): the mesh address is the node's private address. Remove it.`);
  }
  return problems;

  function whole(prop: string, value: number, min: number, max: number, fix: string): void {
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`mesh.${prop} must be a whole number from ${min} to ${max} (got ${value}). ${fix}`);
  }
}
