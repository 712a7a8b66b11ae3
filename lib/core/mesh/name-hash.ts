import { createHash } from 'node:crypto';

/**
 * The first 4 bytes of SHA-256 of `text` (UTF-8) as an unsigned 32-bit number.
 *
 * Stable across machines, Node versions and runs, so anything derived from it
 * (a node's home mesh address, its gateway among several) depends on names only.
 */
export function nameHash(text: string): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0);
}
