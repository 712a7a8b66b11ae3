/**
 * Inbound rules per node role: the seed's port tables and nothing more, plus
 * the in-cluster traffic Kubernetes needs, limited to the cluster's own ranges.
 * Pure: each cloud's network turns these into its own firewall resources.
 *
 *   control plane  tcp 6443          API sources       (seed: 0.0.0.0/0), and every
 *                                    node's own address when they are narrowed
 *                  udp 51820         WireGuard sources (seed: 0.0.0.0/0, if used)
 *   workers        udp 51820         WireGuard sources (seed: 0.0.0.0/0, if used)
 *                  tcp+udp NodePorts NodePort sources  (seed: 0.0.0.0/0)
 *   both           all protocols     this cloud's VPC, the pod range, the mesh range
 *   both           tcp 22            only the SSH sources the user opts in to
 */
import { cidrProblem } from './cidr';
import { compareNames } from './mesh/compare-names';
import { NodeRole } from './node-role';
import { ProblemList } from './plan-error';

/** Transport protocol of a rule; `all` means every protocol. */
export type RuleProtocol = 'tcp' | 'udp' | 'icmp' | 'all';

/** One inbound rule: a protocol, an optional port range and where traffic may come from. */
export interface InboundRule {
  /** Stable key, used in resource names, e.g. `kube-apiserver`. */
  readonly key: string;
  /** What the rule is for. */
  readonly description: string;
  readonly protocol: RuleProtocol;
  /** First port; absent for `all` and `icmp`. */
  readonly fromPort?: number;
  /** Last port (inclusive); absent for `all` and `icmp`. */
  readonly toPort?: number;
  /** Source CIDRs, sorted. */
  readonly sources: readonly string[];
  /**
   * Whether the cluster's nodes are let in too, each by the address its connections leave
   * from (`nodeSources`): set on the API rule when its sources do not already hold
   * everywhere, because a node reaches the API at the control planes' public addresses
   * until it has joined.
   * @default false
   */
  readonly clusterNodes?: boolean;
}

/** One of the cluster's nodes as a source of traffic. */
export interface NodeSource {
  /** The node name: unique in the cluster, so a stable key for resource names. */
  readonly name: string;
  /** The public address the node's own connections leave from (a Terraform reference at synth). */
  readonly address: string;
}

/** The inbound rules of one role. */
export interface RoleFirewallPlan {
  readonly role: NodeRole;
  readonly inbound: readonly InboundRule[];
}

/** A port range, inclusive. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** What the firewall planner needs. */
export interface FirewallPlanInput {
  /** Whether nodes talk over WireGuard (opens its UDP port). */
  readonly wireguard: boolean;
  /** WireGuard listen port. */
  readonly wireguardPort: number;
  /** The cluster's ranges on this cloud: its VPC, the pod range, the mesh range. */
  readonly clusterRanges: readonly string[];
  /** Who may reach the Kubernetes API (tcp 6443). */
  readonly apiSourceRanges?: readonly string[];
  /** Who may reach the WireGuard port. */
  readonly wireguardSourceRanges?: readonly string[];
  /** Who may reach Services of type NodePort/LoadBalancer on workers. */
  readonly nodePortSourceRanges?: readonly string[];
  /** Who may reach SSH; none by default. */
  readonly sshSourceRanges?: readonly string[];
  /** The NodePort range. */
  readonly nodePortRange?: PortRange;
  /** The prefix used in user-facing messages, e.g. `firewall`. */
  readonly propPrefix?: string;
}

/** The Kubernetes API server port. */
export const KUBE_APISERVER_PORT = 6443;
/** The WireGuard port of the seed's tables. */
export const WIREGUARD_PORT = 51820;
/** Kubernetes' default `--service-node-port-range`. */
export const DEFAULT_NODE_PORT_RANGE: PortRange = { from: 30000, to: 32767 };
const ANYWHERE = ['0.0.0.0/0'];

/** Whether API source ranges (absent: the default) already let in every address. */
export function apiOpenToAll(apiSourceRanges: readonly string[] | undefined): boolean {
  return (apiSourceRanges ?? ANYWHERE).includes('0.0.0.0/0');
}

/**
 * A rule's sources with the cluster's nodes when the rule lets them in: its ranges, then
 * each node's address as a /32, by node name (addresses are references, names are stable).
 */
export function nodeSources(rule: InboundRule, nodes: readonly NodeSource[]): string[] {
  if (!rule.clusterNodes) return [...rule.sources];
  return [...rule.sources, ...[...nodes].sort((a, b) => compareNames(a.name, b.name)).map(nodeCidr)];
}

/** The CIDR of one node's address: a /32, the address alone. */
export function nodeCidr(node: NodeSource): string {
  return `${node.address}/32`;
}

// Ports the nodes themselves listen on; a NodePort range over them would
// publish etcd or the kubelet to the world.
const RESERVED_NODE_PORTS: readonly { port: number; what: string }[] = [
  { port: 22, what: 'SSH' },
  { port: 2379, what: 'etcd client' },
  { port: 2380, what: 'etcd peer' },
  { port: KUBE_APISERVER_PORT, what: 'kube-apiserver' },
  { port: 10250, what: 'kubelet' },
  { port: 10257, what: 'kube-controller-manager' },
  { port: 10259, what: 'kube-scheduler' },
];

/** Plans the inbound rules of both roles; throws a PlanError listing every bad input. */
export function planFirewall(input: FirewallPlanInput): RoleFirewallPlan[] {
  const problems = new ProblemList();
  const prefix = input.propPrefix ? `${input.propPrefix}.` : '';
  const sources = (prop: string, ranges: readonly string[] | undefined, fallback: readonly string[]): string[] => {
    const list = ranges ?? fallback;
    for (const range of list) {
      const problem = cidrProblem(range);
      if (problem) problems.add(`${prefix}${prop} must list IPv4 CIDRs like 203.0.113.0/24 (got "${range}": it ${problem}). Fix or remove that entry.`);
    }
    return [...new Set(list)].sort();
  };

  const api = sources('apiSourceRanges', input.apiSourceRanges, ANYWHERE);
  const wireguard = sources('wireguardSourceRanges', input.wireguardSourceRanges, ANYWHERE);
  const nodePorts = sources('nodePortSourceRanges', input.nodePortSourceRanges, ANYWHERE);
  const ssh = sources('sshSourceRanges', input.sshSourceRanges, []);
  const internal = sources('clusterRanges', input.clusterRanges, []);
  const range = input.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
  checkNodePortRange(range, input.wireguardPort, `${prefix}nodePortRange`, problems);
  problems.throwIfAny();

  const rule = (key: string, description: string, protocol: RuleProtocol, ruleSources: string[], ports?: PortRange): InboundRule =>
    ports ? { key, description, protocol, fromPort: ports.from, toPort: ports.to, sources: ruleSources } : { key, description, protocol, sources: ruleSources };
  // Until it has joined, a node's API proxy knows only its seeds: the control planes' public
  // addresses (a worker's own cloud's by their private ones, which cluster-internal lets in).
  // It reaches them from its own public address, which narrowed ranges would leave out.
  const apiRule = { ...rule('kube-apiserver', 'Kubernetes API server', 'tcp', api, { from: KUBE_APISERVER_PORT, to: KUBE_APISERVER_PORT }), ...(apiOpenToAll(api) ? {} : { clusterNodes: true }) };
  const wireguardPort = { from: input.wireguardPort, to: input.wireguardPort };
  const shared: InboundRule[] = [rule('cluster-internal', 'Traffic between the cluster nodes and pods', 'all', internal)];
  if (ssh.length > 0) shared.push(rule('ssh', 'SSH from the ranges the user opted in', 'tcp', ssh, { from: 22, to: 22 }));
  const mesh = input.wireguard ? [rule('wireguard', 'WireGuard mesh between clouds', 'udp', wireguard, wireguardPort)] : [];

  return [
    {
      role: NodeRole.CONTROL_PLANE,
      inbound: [apiRule, ...mesh, ...shared],
    },
    {
      role: NodeRole.WORKER,
      inbound: [
        ...mesh,
        rule('node-ports-tcp', 'Kubernetes Services of type NodePort/LoadBalancer (tcp)', 'tcp', nodePorts, range),
        rule('node-ports-udp', 'Kubernetes Services of type NodePort/LoadBalancer (udp)', 'udp', nodePorts, range),
        ...shared,
      ],
    },
  ];
}

function checkNodePortRange(range: PortRange, wireguardPort: number, prop: string, problems: ProblemList): void {
  const valid = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;
  const got = `${range.from}-${range.to}`;
  if (!valid(range.from) || !valid(range.to) || range.from > range.to) {
    problems.add(`${prop} must be whole ports from..to with 1 <= from <= to <= 65535 (got ${got}). Use Kubernetes' default 30000-32767.`);
    return;
  }
  const reserved = [...RESERVED_NODE_PORTS, { port: wireguardPort, what: 'WireGuard' }];
  const clash = reserved.filter(({ port }) => port >= range.from && port <= range.to);
  if (clash.length > 0) {
    const names = clash.map(({ port, what }) => `${port} ${what}`).join(', ');
    problems.add(`${prop} must not include a port the nodes listen on (got ${got}, which includes ${names}). Use Kubernetes' default 30000-32767.`);
  }
}
