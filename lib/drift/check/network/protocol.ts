/**
 * IP protocols as each cloud writes them, to one spelling: lower-case names
 * for the common ones, the IANA number for the rest, `all` for any protocol.
 *
 * AWS writes "tcp" or "6" and "-1" for all; GCP "tcp" or "6" and "all";
 * Azure "Tcp", "Udp", "Icmp", "*"; DigitalOcean "tcp", "udp", "icmp".
 */

/** IANA protocol numbers (https://www.iana.org/assignments/protocol-numbers) to the names clouds accept. */
const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '1': 'icmp',
  '4': 'ipip',
  '6': 'tcp',
  '17': 'udp',
  '47': 'gre',
  '50': 'esp',
  '51': 'ah',
  '58': 'icmpv6',
  '132': 'sctp',
};

/** Spellings of "every protocol". */
const ALL_PROTOCOLS = new Set(['-1', 'all', '*', 'any']);

/** The canonical protocol, or undefined when the value is not a protocol. */
export function normalizeProtocol(raw: unknown): string | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const text = String(raw).trim().toLowerCase();
  if (text === '') return undefined;
  if (ALL_PROTOCOLS.has(text)) return 'all';
  if (PROTOCOL_NAMES[text]) return PROTOCOL_NAMES[text];
  if (text === 'icmp6' || text === 'ipv6-icmp') return 'icmpv6';
  return text;
}

/** True for protocols that have ports. */
export function hasPorts(protocol: string): boolean {
  return protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp';
}
