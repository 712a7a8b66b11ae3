/**
 * What a NodeFirewall does to one new inbound packet, computed from its rules the way the
 * rendered nftables table applies them (outer rules, then rules; first match wins; a drop
 * follows each list). For tests and for the twin's own expectations; IPv4 sources only.
 */
import { NodeFirewall, TwinRule } from './rules';
import { parseAddress } from '../../../lib/core/cidr';

/** A packet that opens a connection: source address, protocol, destination port (tcp/udp). */
export interface TwinPacket {
  readonly source: string;
  readonly protocol: 'tcp' | 'udp' | 'icmp' | number;
  readonly port?: number;
}

/** `accept` or `drop`, and the rule that decided (`implicit drop` when none matched). */
export interface TwinVerdict {
  readonly action: 'accept' | 'drop';
  readonly why: string;
}

/** The verdict of `firewall` on `packet`. */
export function verdictOf(firewall: NodeFirewall, packet: TwinPacket): TwinVerdict {
  if (firewall.outerRules) {
    const outer = firstMatch(firewall.outerRules, packet);
    if (outer.action === 'drop') return outer;
  }
  return firstMatch(firewall.rules, packet);
}

function firstMatch(rules: readonly TwinRule[], packet: TwinPacket): TwinVerdict {
  const rule = rules.find((candidate) => matches(candidate, packet));
  return rule ? { action: rule.action, why: rule.why } : { action: 'drop', why: 'implicit drop' };
}

function matches(rule: TwinRule, packet: TwinPacket): boolean {
  if (rule.protocol !== 'all' && rule.protocol !== packet.protocol && !(rule.protocol === 1 && packet.protocol === 'icmp')) return false;
  if (rule.fromPort !== undefined) {
    if (packet.port === undefined || packet.port < rule.fromPort || packet.port > (rule.toPort ?? rule.fromPort)) return false;
  }
  return rule.sources.some((source) => contains(source, packet.source));
}

function contains(cidr: string, address: string): boolean {
  if (cidr.includes(':')) return false;
  const [network, prefix] = cidr.split('/');
  const bits = prefix === undefined ? 32 : Number(prefix);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((parseAddress(network) & mask) >>> 0) === ((parseAddress(address) & mask) >>> 0);
}
