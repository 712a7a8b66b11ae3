import { Cloud } from '../cloud';
import { allocateMeshAddresses } from './allocate-mesh-addresses';
import { compareNames } from './compare-names';
import { DEFAULT_ENCAPSULATION, Encapsulation } from './encapsulation';
import { DEFAULT_GATEWAYS_PER_CLOUD, DEFAULT_LISTEN_PORT, DEFAULT_MESH_CIDR, DEFAULT_PERSISTENT_KEEPALIVE } from './mesh-defaults';
import { MeshNodeInput, PlanMeshInput } from './mesh-input';
import { MeshMode } from './mesh-mode';
import { cloudsOf, defaultWireGuardMtu, podMtu, tunnelMtu } from './mesh-mtu';
import { MeshNodePlan, MeshPeer, MeshPlan, MeshRoute } from './mesh-plan';
import { selectGateways } from './select-gateways';
import { meshInputProblems, ResolvedMeshInput } from './validate-mesh-input';

/**
 * Computes the mesh topology: every node's mesh address, gateway role,
 * WireGuard peers and routes. Pure (no I/O); the result does not depend on the
 * order of `input.nodes` and is sorted by node name.
 *
 * - full-mesh: every node peers every other node; a peer's AllowedIPs are its
 *   mesh /32 and pod CIDR; every peer destination is routed into WireGuard.
 * - cross-location: inside a cloud, nodes route each other's mesh /32 and pod
 *   CIDR via their private addresses (no WireGuard); the gateways of each cloud
 *   (see selectGateways) peer with every gateway of the other clouds, and a
 *   gateway's AllowedIPs are the mesh /32s and pod CIDRs of all nodes it
 *   carries (Kilo's location granularity). Other nodes route other clouds'
 *   destinations via their gateway's private address and have no peers.
 *   Nodes of a cloud whose encapsulation is not `none` (IPIP on GCP, VXLAN on
 *   Azure and DigitalOcean by default; `encapsulation` overrides it) take those
 *   `via` routes through their tunnel device (`encapsulation` in the node's
 *   plan), since their cloud network drops packets to addresses the receiving
 *   VM does not own.
 * - cloud-network: no WireGuard; each node routes the pod CIDRs of the others
 *   via their private addresses, through the tunnel device as in
 *   cross-location mode. Only for single-cloud clusters.
 *
 * MTUs: the WireGuard MTU is `mtu`, else `defaultWireGuardMtu` of the nodes'
 * clouds; each node gets its tunnel's MTU and its pods' (`mesh-mtu.ts`).
 * Mesh addresses come from allocateMeshAddresses (stable per node name).
 * Throws a plain Error listing every problem of the input.
 */
export function planMesh(input: PlanMeshInput): MeshPlan {
  const resolved = resolveMeshInput(input);
  const problems = meshInputProblems(resolved);
  if (problems.length > 0) throw new Error(problems.join('\n'));

  const addresses = new Map(allocateMeshAddresses(resolved.nodes, resolved.meshCidr).map((a) => [a.name, a.address]));
  const nodes = [...resolved.nodes].sort((a, b) => compareNames(a.name, b.name));
  const destinations = nodes.map((node) => destinationsOf(node, addresses.get(node.name)!));
  const mtu = resolved.mtu ?? defaultWireGuardMtu(cloudsOf(nodes));
  const paths: Paths = { addresses, encapsulation: { ...DEFAULT_ENCAPSULATION, ...resolved.encapsulation }, wireGuardMtu: resolved.mode === MeshMode.CLOUD_NETWORK ? undefined : mtu };
  const planned =
    resolved.mode === MeshMode.FULL_MESH
      ? planFullMesh(nodes, destinations, paths, resolved)
      : resolved.mode === MeshMode.CROSS_LOCATION
        ? planCrossLocation(nodes, destinations, paths, resolved)
        : planCloudNetwork(nodes, paths);
  return {
    mode: resolved.mode,
    meshCidr: resolved.meshCidr,
    listenPort: resolved.listenPort,
    mtu,
    persistentKeepalive: resolved.persistentKeepalive,
    wireGuard: resolved.mode !== MeshMode.CLOUD_NETWORK,
    nodes: planned,
  };
}

/**
 * Every problem `planMesh` would throw for this input, without computing the
 * topology (which is quadratic in a full mesh): what synth-time checks need.
 */
export function planMeshProblems(input: PlanMeshInput): string[] {
  return meshInputProblems(resolveMeshInput(input));
}

function resolveMeshInput(input: PlanMeshInput): ResolvedMeshInput {
  return {
    nodes: input.nodes,
    mode: input.mode,
    meshCidr: input.meshCidr ?? DEFAULT_MESH_CIDR,
    listenPort: input.listenPort ?? DEFAULT_LISTEN_PORT,
    mtu: input.mtu,
    gatewaysPerCloud: input.gatewaysPerCloud ?? DEFAULT_GATEWAYS_PER_CLOUD,
    persistentKeepalive: input.persistentKeepalive ?? DEFAULT_PERSISTENT_KEEPALIVE,
    otherRanges: input.otherRanges ?? [],
    encapsulation: input.encapsulation ?? {},
  };
}

/** What every node's plan is made with besides its connectivity. */
interface Paths {
  /** Mesh address by node name. */
  readonly addresses: ReadonlyMap<string, string>;
  /** Every cloud's encapsulation (the defaults with the input's overrides). */
  readonly encapsulation: Readonly<Record<Cloud, Encapsulation>>;
  /** The WireGuard MTU; undefined in cloud-network mode (no WireGuard). */
  readonly wireGuardMtu: number | undefined;
}

function planFullMesh(nodes: readonly MeshNodeInput[], destinations: readonly string[][], paths: Paths, input: ResolvedMeshInput): MeshNodePlan[] {
  const peers = nodes.map((node, i) => peerOf(node, destinations[i], input));
  // All routes in node order; node i's own destinations sit at [starts[i], starts[i + 1]) and are cut out for node i.
  const routes = destinations.flatMap((list) => list.map((destination): MeshRoute => ({ destination })));
  const starts = [0];
  for (const list of destinations) starts.push(starts[starts.length - 1] + list.length);
  return nodes.map((node, i) =>
    nodePlan(node, paths, {
      gateway: true,
      gatewayName: node.name,
      peers: [...peers.slice(0, i), ...peers.slice(i + 1)],
      routes: routes.slice(0, starts[i]).concat(routes.slice(starts[i + 1])),
    }),
  );
}

function planCrossLocation(
  nodes: readonly MeshNodeInput[],
  destinations: readonly string[][],
  paths: Paths,
  input: ResolvedMeshInput,
): MeshNodePlan[] {
  const gatewayOf = new Map<string, string>();
  for (const cloud of selectGateways(nodes, input.gatewaysPerCloud)) {
    for (const [name, gateway] of cloud.gatewayOf) gatewayOf.set(name, gateway);
  }
  const byName = new Map(nodes.map((node) => [node.name, node]));
  // AllowedIPs of each gateway: the destinations of every node it carries, in name order.
  const carried = new Map<string, string[]>();
  nodes.forEach((node, i) => {
    const gateway = gatewayOf.get(node.name)!;
    if (!carried.has(gateway)) carried.set(gateway, []);
    carried.get(gateway)!.push(...destinations[i]);
  });
  // One peer object per gateway, shared by every gateway of the other clouds.
  const gatewayPeers = [...carried.keys()].sort(compareNames).map((name) => peerOf(byName.get(name)!, carried.get(name)!, input));

  const throughWireGuard = destinations.map((list) => list.map((destination): MeshRoute => ({ destination })));
  const viaOwnAddress = nodes.map((node, i) => destinations[i].map((destination): MeshRoute => ({ destination, via: node.privateAddress })));
  // Routes a non-gateway takes to other clouds, shared by every node its gateway carries.
  const viaGateway = new Map<string, MeshRoute[][]>();
  for (const gateway of carried.keys()) {
    const via = byName.get(gateway)!.privateAddress;
    viaGateway.set(
      gateway,
      destinations.map((list) => list.map((destination): MeshRoute => ({ destination, via }))),
    );
  }

  return nodes.map((node, i) => {
    const gatewayName = gatewayOf.get(node.name)!;
    const gateway = gatewayName === node.name;
    const routes: MeshRoute[] = [];
    nodes.forEach((other, j) => {
      if (j === i) return;
      if (other.cloud === node.cloud) routes.push(...viaOwnAddress[j]);
      else routes.push(...(gateway ? throughWireGuard[j] : viaGateway.get(gatewayName)![j]));
    });
    const peers = gateway ? gatewayPeers.filter((peer) => byName.get(peer.name)!.cloud !== node.cloud) : [];
    return nodePlan(node, paths, { gateway, gatewayName, peers, routes, tunnelled: true });
  });
}

function planCloudNetwork(nodes: readonly MeshNodeInput[], paths: Paths): MeshNodePlan[] {
  const podRoutes = nodes.map((node): MeshRoute[] => (node.podCidr === undefined ? [] : [{ destination: node.podCidr, via: node.privateAddress }]));
  return nodes.map((node, i) =>
    nodePlan(node, paths, {
      gateway: false,
      peers: [],
      routes: podRoutes.flatMap((list, j) => (j === i ? [] : list)),
      tunnelled: true,
    }),
  );
}

interface Connectivity {
  readonly gateway: boolean;
  readonly gatewayName?: string;
  readonly peers: readonly MeshPeer[];
  readonly routes: readonly MeshRoute[];
  /** Whether the mode routes via private addresses (cross-location, cloud-network), so the node's cloud's encapsulation applies. */
  readonly tunnelled?: boolean;
}

function nodePlan(node: MeshNodeInput, paths: Paths, connectivity: Connectivity): MeshNodePlan {
  const encapsulation = connectivity.tunnelled ? paths.encapsulation[node.cloud] : Encapsulation.NONE;
  const tunnel = encapsulation === Encapsulation.NONE ? undefined : { encapsulation, tunnelMtu: tunnelMtu(node.cloud, encapsulation) };
  return {
    name: node.name,
    cloud: node.cloud,
    role: node.role,
    meshAddress: paths.addresses.get(node.name)!,
    publicAddress: node.publicAddress,
    privateAddress: node.privateAddress,
    ...(node.podCidr === undefined ? {} : { podCidr: node.podCidr }),
    gateway: connectivity.gateway,
    ...(connectivity.gatewayName === undefined ? {} : { gatewayName: connectivity.gatewayName }),
    peers: connectivity.peers,
    routes: connectivity.routes,
    ...tunnel,
    podMtu: podMtu(node.cloud, paths.wireGuardMtu, tunnel?.tunnelMtu),
  };
}

function destinationsOf(node: MeshNodeInput, meshAddress: string): string[] {
  return node.podCidr === undefined ? [`${meshAddress}/32`] : [`${meshAddress}/32`, node.podCidr];
}

function peerOf(node: MeshNodeInput, allowedIps: readonly string[], input: ResolvedMeshInput): MeshPeer {
  return {
    name: node.name,
    endpoint: endpointOf(node.publicAddress, input.listenPort),
    allowedIps,
    persistentKeepalive: input.persistentKeepalive,
  };
}

/** `address:port`, with IPv6 literals in brackets as wg(8) wants them. */
function endpointOf(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}
