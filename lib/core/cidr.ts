/**
 * IPv4 CIDR arithmetic: parse, contain, overlap, carve. Pure; no cdktf import.
 *
 * Addresses are kept as unsigned 32-bit numbers so comparisons are plain
 * integer comparisons.
 */

/** A parsed IPv4 CIDR block. `network` is the first address, host bits zero. */
export interface Ipv4Block {
  /** First address of the block as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0..32. */
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Why `text` is not a canonical IPv4 CIDR, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return 'is not of the form a.b.c.d/n';
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o, i) => o > 255 || (match[i + 1].length > 1 && match[i + 1].startsWith('0')))) {
    return 'has an octet outside 0..255 or with a leading zero';
  }
  const prefix = Number(match[5]);
  if (prefix > 32) return 'has a prefix length above 32';
  const address = toUint32(octets);
  const network = maskAddress(address, prefix);
  if (network !== address) {
    return `has host bits set (did you mean ${formatCidr({ network, prefix })}?)`;
  }
  return undefined;
}

/** Parses a canonical IPv4 CIDR ("10.10.0.0/16"); throws a plain error naming the problem otherwise. */
export function parseCidr(text: string): Ipv4Block {
  const problem = cidrProblem(text);
  if (problem) throw new Error(`"${text}" ${problem}`);
  const [address, prefix] = text.split('/');
  return { network: parseAddress(address), prefix: Number(prefix) };
}

/** Parses a dotted-quad IPv4 address into an unsigned 32-bit integer. */
export function parseAddress(text: string): number {
  const octets = text.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`"${text}" is not an IPv4 address`);
  }
  return toUint32(octets);
}

/** Formats an unsigned 32-bit integer as a dotted quad. */
export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
}

/** Formats a block as "a.b.c.d/n". */
export function formatCidr(block: Ipv4Block): string {
  return `${formatAddress(block.network)}/${block.prefix}`;
}

/** Number of addresses in a block (2^(32-prefix)). */
export function blockSize(block: Ipv4Block): number {
  return 2 ** (32 - block.prefix);
}

/** Last address of a block. */
export function lastAddress(block: Ipv4Block): number {
  return block.network + blockSize(block) - 1;
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.prefix >= outer.prefix && maskAddress(inner.network, outer.prefix) === outer.network;
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return contains(a, b) || contains(b, a);
}

/**
 * The `index`-th block of length `prefix` inside `parent`, like Terraform's
 * `cidrsubnet(parent, prefix - parent.prefix, index)`.
 */
export function subnet(parent: Ipv4Block, prefix: number, index: number): Ipv4Block {
  if (prefix < parent.prefix || prefix > 32) {
    throw new Error(`cannot carve a /${prefix} from ${formatCidr(parent)}`);
  }
  const count = 2 ** (prefix - parent.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`${formatCidr(parent)} holds ${count} /${prefix} blocks, index ${index} is out of range`);
  }
  return { network: parent.network + index * 2 ** (32 - prefix), prefix };
}

/** The `offset`-th address of a block, like Terraform's `cidrhost`. */
export function hostAddress(block: Ipv4Block, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset >= blockSize(block)) {
    throw new Error(`${formatCidr(block)} has no host number ${offset}`);
  }
  return block.network + offset;
}

function maskAddress(address: number, prefix: number): number {
  if (prefix === 0) return 0;
  return (address & (~0 << (32 - prefix))) >>> 0;
}

function toUint32(octets: readonly number[]): number {
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}
