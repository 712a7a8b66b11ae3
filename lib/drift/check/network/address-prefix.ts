/**
 * Source and destination addresses to one spelling: IPv4 CIDRs masked to
 * their network (`10.0.0.5` → `10.0.0.5/32`, `10.1.2.3/16` → `10.1.0.0/16`),
 * every "anywhere" (`*`, `Internet`, `Any`, `0.0.0.0/0`) as `0.0.0.0/0`,
 * IPv6 lower-cased. Anything else is returned as `kind:value` by the caller.
 */
import { formatCidr, parseAddress } from '../../../core/cidr';

/** The one spelling of "any IPv4 address". */
export const ANYWHERE = '0.0.0.0/0';

const ANYWHERE_SPELLINGS = new Set(['*', 'internet', 'any', '0.0.0.0/0']);

/** The canonical CIDR for an address or prefix, or undefined when it is not an IP prefix. */
export function normalizeAddressPrefix(raw: string): string | undefined {
  const text = raw.trim();
  if (ANYWHERE_SPELLINGS.has(text.toLowerCase())) return ANYWHERE;
  const v4 = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  if (v4) {
    const prefix = v4[2] === undefined ? 32 : Number(v4[2]);
    if (prefix > 32) return undefined;
    try {
      const address = parseAddress(v4[1]);
      const network = prefix === 0 ? 0 : (address & (~0 << (32 - prefix))) >>> 0;
      return formatCidr({ network, prefix });
    } catch {
      return undefined;
    }
  }
  if (/^[0-9a-f:]+(\/\d{1,3})?$/i.test(text) && text.includes(':')) return text.toLowerCase().includes('/') ? text.toLowerCase() : `${text.toLowerCase()}/128`;
  return undefined;
}

/** Canonical, sorted, de-duplicated CIDRs of a range attribute (string or list); undefined if any item is not a prefix. */
export function normalizeCidrList(raw: unknown): string[] | undefined {
  const items = Array.isArray(raw) ? raw : raw === undefined || raw === null || raw === '' ? [] : [raw];
  const out = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string') return undefined;
    const cidr = normalizeAddressPrefix(item);
    if (!cidr) return undefined;
    out.add(cidr);
  }
  return [...out].sort();
}
