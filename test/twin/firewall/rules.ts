/**
 * The twin's firewall, one shape for all four clouds, and its nftables text.
 *
 * Each cloud's translator (aws.ts, gcp.ts, azure.ts, digitalocean.ts) reads the
 * firewall resources of a synthesized stack and returns, per VM, an ordered list of
 * rules: first match wins, a drop follows the last. Clouds whose firewall is a union of
 * allow rules (AWS security groups, DigitalOcean firewalls) give a list of accepts;
 * clouds that order rules (GCP priorities, Azure NSG priorities) give accepts and drops
 * in their order. Every cloud's firewall is stateful (each translator cites its
 * documentation), so replies to an accepted connection pass: the rendered table accepts
 * `ct state established,related` first.
 *
 * Only inbound traffic is modelled. A translator refuses (throws) what it does not
 * model, including an outbound policy narrower than "everything", so the twin never
 * passes a packet the cloud would drop.
 */
import { normalizeProtocol } from '../../../lib/drift/check/network/protocol';

/** The synthesized Terraform JSON of a stack (`JSON.parse(Testing.synth(stack))`). */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly [key: string]: unknown;
}

/**
 * Value of a Terraform expression, given as the whole string of the JSON
 * (`'${aws_eip.x.public_ip}'` → `'198.18.0.10'`); undefined when the twin does not know it,
 * and the translator then throws naming the expression.
 */
export type Resolve = (expression: string) => string | undefined;

/** One rule of a VM's inbound firewall. */
export interface TwinRule {
  readonly action: 'accept' | 'drop';
  /** `all` for every protocol; other protocols by IANA number (4 = IP-in-IP). */
  readonly protocol: 'tcp' | 'udp' | 'icmp' | 'all' | number;
  /** First destination port, for tcp and udp; absent means all ports. */
  readonly fromPort?: number;
  /** Last destination port (inclusive); absent means all ports. */
  readonly toPort?: number;
  /** Source addresses or CIDRs, IPv4 or IPv6; a rule with none matches nothing. */
  readonly sources: readonly string[];
  /** Where the rule comes from: a resource address, a rule key, or a cloud default's name. */
  readonly why: string;
}

/** The inbound firewall of one VM of the stack. */
export interface NodeFirewall {
  /** The VM's resource address as in the JSON, e.g. `aws_instance.prod_cp_prod-cp-1_1136BE22`. */
  readonly resource: string;
  /** The VM's name (Name tag on AWS) as the stack sets it. */
  readonly vmName: string;
  /** First match wins; a drop follows the last rule. */
  readonly rules: readonly TwinRule[];
  /**
   * Rules a packet must pass before `rules` (first match wins, a drop follows), when the
   * cloud applies two firewalls in turn: Azure's subnet NSG before the NIC's NSG.
   */
  readonly outerRules?: readonly TwinRule[];
}

/** Where and under which name to install a firewall. */
export interface RenderOptions {
  /** Name of the `inet` table; one table per firewall, so `nft delete table inet <table>` removes it. */
  readonly table: string;
  /** Interface(s) whose inbound packets are filtered (the VM's cloud-facing side); others are untouched. */
  readonly device: string | readonly string[];
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const IFNAME = /^[A-Za-z0-9_.@-]{1,15}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/(\d{1,2}))?$/;
const IPV6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:.]*(\/\d{1,3})?$/;

/** True for an IPv4 or IPv6 address or CIDR. */
export function isAddress(text: string): boolean {
  const v4 = IPV4.exec(text);
  if (v4) return v4.slice(1, 5).every((octet) => Number(octet) <= 255) && (v4[6] === undefined || Number(v4[6]) <= 32);
  return IPV6.test(text);
}

/**
 * The `nft -f -` text of a firewall: a table `inet <table>` whose input and forward
 * chains (priority filter - 10, before any filter chain of the node itself) send packets
 * that arrive on `device` to the firewall chain; that chain accepts replies to tracked
 * connections, then applies the rules in order, then drops.
 */
export function renderNodeFirewall(firewall: NodeFirewall, options: RenderOptions): string {
  if (!NAME.test(options.table)) throw new Error(`table must be 1-64 letters, digits, _ or - (got "${options.table}").`);
  const devices = typeof options.device === 'string' ? [options.device] : [...options.device];
  if (devices.length === 0 || devices.some((device) => !IFNAME.test(device))) throw new Error(`device must name network interfaces (got ${JSON.stringify(options.device)}).`);
  const iifname = devices.length === 1 ? `"${devices[0]}"` : `{ ${devices.map((device) => `"${device}"`).join(', ')} }`;
  const hook = (name: string) => [
    `  chain ${name} {`,
    `    type filter hook ${name} priority filter - 10; policy accept;`,
    `    iifname ${iifname} jump firewall`,
    '  }',
  ];
  const inner = firewall.outerRules ? 'nic' : 'firewall';
  const lines = [`table inet ${options.table} {`, ...hook('input'), ...hook('forward'), '  chain firewall {', '    ct state established,related accept'];
  if (firewall.outerRules) {
    // Azure: a packet the subnet NSG allows is then judged by the NIC's NSG.
    lines.push(...firewall.outerRules.flatMap((rule) => renderRule(rule, `goto ${inner}`)), `    drop comment "${comment(`${firewall.resource}: implicit drop`)}"`, '  }', `  chain ${inner} {`);
  }
  lines.push(...firewall.rules.flatMap((rule) => renderRule(rule, rule.action)), `    drop comment "${comment(`${firewall.resource}: implicit drop`)}"`, '  }', '}');
  return `${lines.join('\n')}\n`;
}

/** One nft rule per address family the rule's sources use; none when it has no source. */
function renderRule(rule: TwinRule, allowVerdict: string): string[] {
  const verdict = rule.action === 'accept' ? allowVerdict : 'drop';
  const bad = rule.sources.filter((source) => !isAddress(source));
  if (bad.length > 0) throw new Error(`${rule.why}: sources must be addresses or CIDRs (got ${bad.join(', ')}).`);
  const families = [
    { match: 'ip saddr', sources: rule.sources.filter((source) => IPV4.test(source)) },
    { match: 'ip6 saddr', sources: rule.sources.filter((source) => !IPV4.test(source)) },
  ];
  const what = protocolMatch(rule);
  return families
    .filter((family) => family.sources.length > 0)
    .map((family) => {
      const sources = family.sources.length === 1 ? family.sources[0] : `{ ${family.sources.join(', ')} }`;
      return `    ${[`${family.match} ${sources}`, ...what, verdict].join(' ')} comment "${comment(rule.why)}"`;
    });
}

function protocolMatch(rule: TwinRule): string[] {
  if (rule.protocol === 'all') return [];
  const protocol = typeof rule.protocol === 'number' ? String(rule.protocol) : rule.protocol;
  if (rule.fromPort === undefined) return [`meta l4proto ${protocol}`];
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') throw new Error(`${rule.why}: only tcp and udp rules take ports (got ${rule.protocol}).`);
  const to = rule.toPort ?? rule.fromPort;
  return [`${rule.protocol} dport ${to === rule.fromPort ? rule.fromPort : `${rule.fromPort}-${to}`}`];
}

/** nft comments are at most 128 bytes and quoted. */
function comment(text: string): string {
  return text.replace(/["\\\n]/g, '_').slice(0, 127);
}

/** IANA numbers of the protocols the clouds name, for protocols the twin does not name. */
const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { ipip: 4, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132 };

/**
 * A cloud's protocol spelling as a TwinRule protocol, via the drift check's normalizer
 * (lib/drift/check/network/protocol.ts: `-1`, `all`, `*` → all; names and numbers);
 * throws with `why` when it is neither.
 */
export function twinProtocol(raw: unknown, why: string): TwinRule['protocol'] {
  const name = normalizeProtocol(raw);
  if (name === 'all' || name === 'tcp' || name === 'udp' || name === 'icmp') return name;
  if (name !== undefined && PROTOCOL_NUMBERS[name] !== undefined) return PROTOCOL_NUMBERS[name];
  if (name !== undefined && /^\d{1,3}$/.test(name) && Number(name) <= 255) return Number(name);
  throw new Error(`${why}: protocol ${JSON.stringify(raw)} is not one the twin models.`);
}

