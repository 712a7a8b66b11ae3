/**
 * Firewall rules in one shape for all four clouds, and the comparison of two
 * rule sets.
 *
 * Each cloud's reader (aws.ts, gcp.ts, azure.ts, digitalocean.ts) expands a
 * rule written any way (inline block, separate resource, several sources in
 * one rule) into atomic rules: one direction, action, protocol, peer and
 * target each. Comparison then groups atomic rules by everything but the
 * ports and merges the ports into intervals, so set order, how rules are
 * split, and port spellings do not matter; only what traffic is allowed does.
 */
import { formatPortRanges, mergePortRanges, PortRange } from './port-ranges';
import { Difference } from '../finding';
import { appendAll } from '../../append';

/** One atomic rule. */
export interface FirewallRule {
  readonly direction: 'ingress' | 'egress';
  readonly action: 'allow' | 'deny';
  /** Canonical protocol (see protocol.ts). */
  readonly protocol: string;
  /** Ports, merged; empty for protocols without ports. */
  readonly ports: readonly PortRange[];
  /** ICMP type/code when a cloud can restrict them (AWS), e.g. "8/0"; empty for all. */
  readonly icmp: string;
  /** The other side: a CIDR, `self`, `sg:<id>`, `tag:<name>`, …. */
  readonly peer: string;
  /** The protected side when the owner does not imply it: GCP target tags, Azure destination prefixes. */
  readonly target: string;
  /** Priority where the cloud orders rules (GCP, Azure); 0 otherwise. */
  readonly priority: number;
}

/** The rule set of one firewall owner (security group, NSG, firewall), desired or actual. */
export interface FirewallRuleSet {
  readonly rules: readonly FirewallRule[];
  /** True when some desired rule could not be expanded because a value is unknown until apply. */
  readonly incomplete: boolean;
}

function groupKey(rule: FirewallRule): string {
  const icmp = rule.icmp ? ` type ${rule.icmp}` : '';
  const target = rule.target ? ` to ${rule.target}` : '';
  const priority = rule.priority ? ` priority ${rule.priority}` : '';
  const side = rule.direction === 'ingress' ? 'from' : 'to';
  return `${rule.direction} ${rule.action} ${rule.protocol}${icmp} ${side} ${rule.peer}${target}${priority}`;
}

/** Groups rules by everything but ports; each group's ports merged (empty for protocols without ports). */
export function groupRules(rules: readonly FirewallRule[]): Map<string, readonly PortRange[]> {
  const ports = new Map<string, PortRange[]>();
  for (const rule of rules) {
    const key = groupKey(rule);
    const list = ports.get(key) ?? [];
    appendAll(list, rule.ports);
    ports.set(key, list);
  }
  const out = new Map<string, readonly PortRange[]>();
  for (const [key, list] of [...ports].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out.set(key, mergePortRanges(list));
  return out;
}

/** A rule group as one phrase: "ingress allow tcp 22,443 from 0.0.0.0/0". */
function describeGroup(key: string, ports: readonly PortRange[]): string {
  if (ports.length === 0) return key;
  const [direction, action, protocol, ...rest] = key.split(' ');
  return `${direction} ${action} ${protocol} ${formatPortRanges(ports)} ${rest.join(' ')}`;
}

function samePorts(a: readonly PortRange[], b: readonly PortRange[]): boolean {
  return a.length === b.length && a.every((range, i) => range.from === b[i].from && range.to === b[i].to);
}

/** True when every port of `inner` is in `outer` (both merged). */
function coversPorts(outer: readonly PortRange[], inner: readonly PortRange[]): boolean {
  return inner.every((range) => outer.some((o) => o.from <= range.from && range.to <= o.to));
}

/**
 * What differs between a desired and an actual rule set. When the desired set
 * is incomplete (a value is unknown until apply), only what the known desired
 * rules allow and the actual set lacks is reported: an extra actual rule or
 * port may be what the unknown value stands for.
 */
export function compareRuleSets(desired: FirewallRuleSet, actual: FirewallRuleSet, path = 'rules'): Difference[] {
  const want = groupRules(desired.rules);
  const have = groupRules(actual.rules);
  const differences: Difference[] = [];
  for (const [key, ports] of want) {
    const actualPorts = have.get(key);
    if (actualPorts === undefined) {
      differences.push({ path, desired: describeGroup(key, ports), actual: null });
    } else if (desired.incomplete ? !coversPorts(actualPorts, ports) : !samePorts(actualPorts, ports)) {
      differences.push({ path: `${path}[${key}].ports`, desired: formatPortRanges(ports), actual: formatPortRanges(actualPorts) });
    }
  }
  if (!desired.incomplete) {
    for (const [key, ports] of have) {
      if (!want.has(key)) differences.push({ path, desired: null, actual: describeGroup(key, ports) });
    }
  }
  return differences;
}
