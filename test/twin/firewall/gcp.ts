/**
 * GCP: the VPC firewall rules that apply to each google_compute_instance, in the order
 * GCP evaluates them, as the twin's firewall.
 *
 * What Google documents ("VPC firewall rules", https://cloud.google.com/firewall/docs/firewalls),
 * and how the twin models it:
 * - Rules belong to a VPC network and apply to the instances of that network: to all of
 *   them when the rule has no target, to those whose network tags include one of its
 *   `target_tags` otherwise.
 * - Every network has an implied deny-ingress rule at the lowest priority (65535): the
 *   implicit drop. A network the stack creates has no other pre-populated rules (those
 *   exist only in the `default` network).
 * - Priority 0 (first) to 65535, 1000 when unset; "a rule with a deny action overrides
 *   another with an allow action only if the two rules have the same priority": deny
 *   first at equal priority, then by name for a stable order.
 * - Protocols: tcp, udp, icmp, esp, ah, sctp, ipip, `all`, or an IANA number; `ports`
 *   only with tcp, udp and sctp, all ports when absent.
 * - Source tags match packets from the primary internal address of instances with the
 *   tag in the same network; with source ranges as well, either matches. The twin
 *   resolves `${google_compute_instance.<name>.network_interface[0].network_ip}`.
 * - Firewall rules are stateful ("connection tracking" in the same page).
 * - The implied allow-egress rule lets every packet out; an EGRESS deny rule is refused,
 *   as are service-account targets and sources, destination ranges on ingress,
 *   firewall policies, and instances with more than one network interface.
 */
import { NodeFirewall, Resolve, TerraformJson, TwinRule, twinProtocol } from './rules';
import { addressValue, blocksOf, isExpression, listOf, referenceOf, refuseAttributes, refuseTypes, resourceAt, resourcesOf, StackResource, stringValue } from './stack-json';

interface OrderedRule {
  readonly priority: number;
  readonly deny: boolean;
  readonly name: string;
  readonly rules: readonly TwinRule[];
}

/** The inbound firewall of every google_compute_instance of the stack, sorted by resource name. */
export function gcpNodeFirewalls(stack: TerraformJson, resolve: Resolve): NodeFirewall[] {
  refuseTypes(
    stack,
    [
      'google_compute_firewall_policy',
      'google_compute_firewall_policy_rule',
      'google_compute_firewall_policy_association',
      'google_compute_network_firewall_policy',
      'google_compute_network_firewall_policy_rule',
      'google_compute_network_firewall_policy_association',
      'google_compute_region_network_firewall_policy',
      'google_compute_region_network_firewall_policy_association',
    ],
    'GCP',
  );
  const instances = resourcesOf(stack, 'google_compute_instance').map((instance) => ({
    instance,
    network: instanceNetwork(stack, instance),
    tags: listOf(instance.body.tags, `${instance.address} tags`).map((tag) => stringValue(stack, tag, resolve, `${instance.address} tags`)),
  }));
  const firewalls = resourcesOf(stack, 'google_compute_firewall').filter((firewall) => firewall.body.disabled !== true);
  for (const firewall of firewalls) {
    if (direction(firewall) === 'EGRESS' && blocksOf(firewall.body.deny, firewall.address).length > 0) {
      throw new Error(`${firewall.address}: an EGRESS deny rule narrows outbound traffic; the twin models inbound rules only.`);
    }
  }
  return instances.map(({ instance, network, tags }) => {
    const applying = firewalls.filter((firewall) => direction(firewall) === 'INGRESS' && sameNetwork(stack, firewall, network) && targets(firewall, tags));
    const ordered = applying.map((firewall): OrderedRule => translate(stack, firewall, instances, resolve));
    ordered.sort((a, b) => a.priority - b.priority || Number(b.deny) - Number(a.deny) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { resource: instance.address, vmName: stringValue(stack, instance.body.name, resolve, `${instance.address} name`), rules: ordered.flatMap((rule) => rule.rules) };
  });
}

function direction(firewall: StackResource): string {
  return String(firewall.body.direction ?? 'INGRESS').toUpperCase();
}

/** The network of the instance's only interface: its `network`, or its subnetwork's. */
function instanceNetwork(stack: TerraformJson, instance: StackResource): unknown {
  const interfaces = blocksOf(instance.body.network_interface, `${instance.address} network_interface`);
  if (interfaces.length !== 1) throw new Error(`${instance.address}: has ${interfaces.length} network interfaces; the twin models exactly one.`);
  const nic = interfaces[0];
  if (nic.network !== undefined) return nic.network;
  const subnet = referenceOf(nic.subnetwork);
  const network = subnet && resourceAt(stack, subnet.address)?.body.network;
  if (network === undefined) throw new Error(`${instance.address}: its network interface names no network the twin can follow (subnetwork ${JSON.stringify(nic.subnetwork)}).`);
  return network;
}

/** Whether a firewall's `network` is the instance's: the same resource, or the same literal. */
function sameNetwork(stack: TerraformJson, firewall: StackResource, network: unknown): boolean {
  const mine = referenceOf(firewall.body.network);
  const theirs = referenceOf(network);
  if (mine && theirs) return mine.address === theirs.address;
  if (!isExpression(firewall.body.network) && !isExpression(network)) return firewall.body.network === network;
  // A literal on one side and a reference on the other: compare the network's name.
  const named = (value: unknown) => {
    const reference = referenceOf(value);
    const name = reference ? resourceAt(stack, reference.address)?.body.name : value;
    return typeof name === 'string' ? name.replace(/^.*\/networks\//, '') : undefined;
  };
  const [a, b] = [named(firewall.body.network), named(network)];
  if (a === undefined || b === undefined) throw new Error(`${firewall.address}: cannot tell whether network ${JSON.stringify(firewall.body.network)} is ${JSON.stringify(network)}.`);
  return a === b;
}

function targets(firewall: StackResource, tags: readonly string[]): boolean {
  refuseAttributes(firewall, ['target_service_accounts']);
  const targetTags = listOf(firewall.body.target_tags, `${firewall.address} target_tags`);
  return targetTags.length === 0 || targetTags.some((tag) => tags.includes(String(tag)));
}

function translate(
  stack: TerraformJson,
  firewall: StackResource,
  instances: readonly { instance: StackResource; network: unknown; tags: readonly string[] }[],
  resolve: Resolve,
): OrderedRule {
  refuseAttributes(firewall, ['source_service_accounts', 'destination_ranges']);
  const why = firewall.address;
  const ranges = listOf(firewall.body.source_ranges, `${why} source_ranges`).map((range) => addressValue(stack, range, resolve, `${why} source_ranges`));
  const sourceTags = listOf(firewall.body.source_tags, `${why} source_tags`).map(String);
  if (ranges.length === 0 && sourceTags.length === 0) throw new Error(`${why}: has neither source_ranges nor source_tags; the twin does not model GCP's default source.`);
  const tagged = instances
    .filter((other) => sameNetwork(stack, firewall, other.network) && other.tags.some((tag) => sourceTags.includes(tag)))
    .map((other) => addressValue(stack, `\${${other.instance.address}.network_interface[0].network_ip}`, resolve, `${why} source tag member ${other.instance.address}`));
  const sources = [...new Set([...ranges, ...tagged])].sort();
  const allow = blocksOf(firewall.body.allow, `${why} allow`);
  const deny = blocksOf(firewall.body.deny, `${why} deny`);
  if (allow.length > 0 === deny.length > 0) throw new Error(`${why}: needs either allow or deny blocks.`);
  const action = allow.length > 0 ? 'accept' : 'drop';
  const rules = (allow.length > 0 ? allow : deny).flatMap((block) => {
    const protocol = twinProtocol(block.protocol, why);
    const ports = listOf(block.ports, `${why} ports`).map(String);
    if (ports.length === 0) return [{ action, protocol, sources, why } as TwinRule];
    if (protocol !== 'tcp' && protocol !== 'udp') throw new Error(`${why}: ports on protocol ${JSON.stringify(block.protocol)} are not modelled by the twin.`);
    return ports.map((port): TwinRule => {
      const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(port);
      if (!match) throw new Error(`${why}: port "${port}" is not a port or range.`);
      return { action, protocol, fromPort: Number(match[1]), toPort: Number(match[2] ?? match[1]), sources, why };
    });
  });
  const priority = firewall.body.priority === undefined ? 1000 : Number(firewall.body.priority);
  return { priority, deny: action === 'drop', name: String(firewall.body.name ?? firewall.name), rules };
}
