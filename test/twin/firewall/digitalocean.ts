/**
 * DigitalOcean: the Cloud Firewalls that apply to each digitalocean_droplet, as the
 * twin's firewall.
 *
 * What DigitalOcean documents, and how the twin models it:
 * - "How to Configure Firewall Rules" (https://docs.digitalocean.com/products/networking/firewalls/how-to/configure-rules/):
 *   Cloud Firewalls are stateful and block all traffic that isn't expressly permitted by
 *   a rule; "If no inbound rules are configured, no incoming traffic is permitted";
 *   "If no outbound rules are configured, no outbound traffic is permitted". Rules only
 *   allow, so the firewalls of a droplet are a union of accepts, then the implicit drop.
 * - "Firewalls Limits" (https://docs.digitalocean.com/products/networking/firewalls/details/limits/):
 *   "Firewalls affect both public and VPC network traffic" (render the firewall on both
 *   the droplet's eth0 and eth1) and "Firewalls only support ICMP, TCP, and UDP": there
 *   is no rule for any other protocol, IP-in-IP included.
 * - A firewall applies to the droplets in its `droplet_ids` and to those carrying one of
 *   its `tags`; a droplet no firewall applies to is not filtered.
 * - Rule sources: addresses, droplets (`source_droplet_ids`) and tags (`source_tags`,
 *   every droplet with the tag). The twin resolves a source droplet to
 *   `${digitalocean_droplet.<name>.ipv4_address_private}` and `….ipv4_address`: the VPC
 *   address on eth1 and the public address on eth0 it sends from. Load balancer and
 *   Kubernetes sources are refused.
 * - `port_range` "1-65535", "all" or "0" (the API's spelling of all ports, Firewalls API
 *   reference, https://docs.digitalocean.com/reference/api/digitalocean/#tag/Firewalls),
 *   one port or a range; ICMP takes none.
 * - A droplet's tags may be a Terraform expression (concat of the role tag and
 *   formatlist-made seed tags): the twin reads literals and `digitalocean_tag` names in it,
 *   and knows a formatlist's tags only by their literal prefix; a firewall tag that could
 *   be one of those is refused.
 */
import { Expression, parseInterpolation } from './hcl-expression';
import { NodeFirewall, Resolve, TerraformJson, TwinRule } from './rules';
import { addressValue, blocksOf, isExpression, listOf, referencedAddress, refuseAttributes, resourcesOf, StackResource, stringValue } from './stack-json';

/** A droplet's tags: the names the twin knows, and the prefixes of those it does not. */
interface DropletTags {
  readonly names: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

const DROPLET = 'digitalocean_droplet';

/** The inbound firewall of every digitalocean_droplet of the stack, sorted by resource name. */
export function digitalOceanNodeFirewalls(stack: TerraformJson, resolve: Resolve): NodeFirewall[] {
  const droplets = resourcesOf(stack, DROPLET).map((droplet) => ({ droplet, tags: dropletTags(stack, droplet, resolve) }));
  const firewalls = resourcesOf(stack, 'digitalocean_firewall').map((firewall) => ({
    firewall,
    tags: listOf(firewall.body.tags, `${firewall.address} tags`).map((tag) => stringValue(stack, tag, resolve, `${firewall.address} tags`)),
    droplets: listOf(firewall.body.droplet_ids, `${firewall.address} droplet_ids`).map((id) => referencedAddress(id, DROPLET, 'id', `${firewall.address} droplet_ids`)),
  }));
  const members = (tags: readonly string[], ids: readonly string[], what: string) =>
    droplets.filter(({ droplet, tags: own }) => ids.includes(droplet.address) || tags.some((tag) => hasTag(own, tag, `${what}: droplet ${droplet.address}`))).map(({ droplet }) => droplet.address);

  return droplets.map(({ droplet }) => {
    const applying = firewalls.filter(({ firewall, tags, droplets: ids }) => members(tags, ids, firewall.address).includes(droplet.address));
    const vmName = stringValue(stack, droplet.body.name, resolve, `${droplet.address} name`);
    if (applying.length === 0) return { resource: droplet.address, vmName, rules: [{ action: 'accept', protocol: 'all', sources: ['0.0.0.0/0', '::/0'], why: `${droplet.address}: no Cloud Firewall applies` }] };
    checkOutbound(droplet, applying.map(({ firewall }) => firewall));
    const rules = applying
      .flatMap(({ firewall }) =>
        blocksOf(firewall.body.inbound_rule, `${firewall.address} inbound_rule`).map((rule, index) => translate(stack, rule, `${firewall.address}.inbound_rule[${index}]`, members, resolve)),
      )
      .sort((a, b) => (a.why < b.why ? -1 : a.why > b.why ? 1 : 0));
    return { resource: droplet.address, vmName, rules };
  });
}

function translate(stack: TerraformJson, rule: Readonly<Record<string, unknown>>, why: string, members: (tags: readonly string[], ids: readonly string[], what: string) => string[], resolve: Resolve): TwinRule {
  refuseAttributes({ address: why, body: rule }, ['source_load_balancer_uids', 'source_kubernetes_ids']);
  const protocol = String(rule.protocol);
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') throw new Error(`${why}: protocol ${JSON.stringify(rule.protocol)}; DigitalOcean firewalls support only icmp, tcp and udp.`);
  const tags = listOf(rule.source_tags, `${why} source_tags`).map((tag) => stringValue(stack, tag, resolve, `${why} source_tags`));
  const ids = listOf(rule.source_droplet_ids, `${why} source_droplet_ids`).map((id) => referencedAddress(id, DROPLET, 'id', `${why} source_droplet_ids`));
  const peers = members(tags, ids, why).flatMap((droplet) => ['ipv4_address_private', 'ipv4_address'].map((attribute) => addressValue(stack, `\${${droplet}.${attribute}}`, resolve, `${why} source droplet ${droplet}`)));
  const addresses = listOf(rule.source_addresses, `${why} source_addresses`).map((address) => addressValue(stack, address, resolve, `${why} source_addresses`));
  const sources = [...new Set([...addresses, ...peers])].sort();
  if (protocol === 'icmp') return { action: 'accept', protocol, sources, why };
  const ports = portRange(rule.port_range, why);
  return ports ? { action: 'accept', protocol, ...ports, sources, why } : { action: 'accept', protocol, sources, why };
}

/** A port_range as from/to, undefined for all ports. */
function portRange(value: unknown, why: string): { fromPort: number; toPort: number } | undefined {
  const text = String(value);
  if (value === undefined || text === 'all' || text === '0' || text === '1-65535') return undefined;
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!match) throw new Error(`${why}: port_range ${JSON.stringify(value)} is not a port or range.`);
  return { fromPort: Number(match[1]), toPort: Number(match[2] ?? match[1]) };
}

/** Refuses a droplet whose firewalls do not let every tcp, udp and icmp packet out. */
function checkOutbound(droplet: StackResource, firewalls: readonly StackResource[]): void {
  const open = (protocol: string) =>
    firewalls.some((firewall) =>
      blocksOf(firewall.body.outbound_rule, `${firewall.address} outbound_rule`).some(
        (rule) =>
          rule.protocol === protocol &&
          (protocol === 'icmp' || ['all', '0', '1-65535'].includes(String(rule.port_range))) &&
          listOf(rule.destination_addresses, `${firewall.address} outbound_rule`).includes('0.0.0.0/0'),
      ),
    );
  const closed = ['tcp', 'udp', 'icmp'].filter((protocol) => !open(protocol));
  if (closed.length > 0) throw new Error(`${droplet.address}: its firewalls do not let all ${closed.join(', ')} traffic out; the twin models inbound rules only.`);
}

/** Whether a droplet carries `tag`; throws when only a tag the twin cannot read could match it. */
function hasTag(tags: DropletTags, tag: string, what: string): boolean {
  if (tags.names.has(tag)) return true;
  const prefix = tags.prefixes.find((candidate) => tag.startsWith(candidate));
  if (prefix !== undefined) throw new Error(`${what}: cannot tell whether it carries tag "${tag}" (its tags include computed ones starting "${prefix}").`);
  return false;
}

/** The droplet's tags: a JSON list, or one expression of lists, literals, tag names, concat and formatlist. */
function dropletTags(stack: TerraformJson, droplet: StackResource, resolve: Resolve): DropletTags {
  const value = droplet.body.tags;
  const what = `${droplet.address} tags`;
  if (value === undefined || Array.isArray(value)) {
    return { names: new Set(listOf(value, what).map((tag) => stringValue(stack, tag, resolve, what))), prefixes: [] };
  }
  if (!isExpression(value)) throw new Error(`${what} must be a list or an expression (got ${JSON.stringify(value)}).`);
  const names = new Set<string>();
  const prefixes: string[] = [];
  const visit = (expression: Expression, inList: boolean): void => {
    if (expression.kind === 'list') return expression.items.forEach((item) => visit(item, true));
    if (expression.kind === 'call' && expression.name === 'concat') return expression.args.forEach((arg) => visit(arg, false));
    if (expression.kind === 'call' && expression.name === 'formatlist' && expression.args[0]?.kind === 'string') {
      const format = expression.args[0].value;
      if (!format.includes('%')) names.add(format);
      else prefixes.push(format.slice(0, format.indexOf('%')));
      return;
    }
    if (inList && expression.kind === 'string') return void names.add(expression.value);
    if (inList && expression.kind === 'reference' && /^digitalocean_tag\.[^.]+\.name$/.test(expression.path)) return void names.add(stringValue(stack, `\${${expression.path}}`, resolve, what));
    throw new Error(`${what}: the twin cannot read ${JSON.stringify(expression)} in ${value}.`);
  };
  visit(parseInterpolation(value), false);
  return { names, prefixes };
}
