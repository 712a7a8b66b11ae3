/**
 * Port sets as sorted, merged intervals, so `22`, `22-22`, `["22"]` and two
 * adjacent ranges `80-80` + `81-90` compare equal to `80-90`, and every way
 * clouds spell "all ports" (`*`, `all`, empty, `0-65535`, `1-65535`) is one.
 */

/** An inclusive port interval. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** All ports. Port 0 is not usable for TCP/UDP, so 1-65535 counts as all too. */
export const ALL_PORTS: readonly PortRange[] = [{ from: 0, to: 65535 }];

/**
 * Parses one port spec: "22", "1000-2000", or an all-ports spelling given in
 * `allSpellings`. Undefined when it is not a port spec.
 */
export function parsePortSpec(raw: unknown, allSpellings: readonly string[] = ['*', 'all', '']): readonly PortRange[] | undefined {
  if (typeof raw === 'number') return raw >= 0 && raw <= 65535 && Number.isInteger(raw) ? [{ from: raw, to: raw }] : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().toLowerCase();
  if (allSpellings.includes(text)) return ALL_PORTS;
  const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(text);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  return from <= to && to <= 65535 ? [{ from, to }] : undefined;
}

/** A range from numeric bounds (AWS from_port/to_port); undefined when out of range. */
export function portRange(from: unknown, to: unknown): readonly PortRange[] | undefined {
  const low = typeof from === 'number' || typeof from === 'string' ? Number(from) : NaN;
  const high = typeof to === 'number' || typeof to === 'string' ? Number(to) : NaN;
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < 0 || high > 65535 || low > high) return undefined;
  return [{ from: low, to: high }];
}

/** Sorts and merges overlapping or adjacent ranges; anything covering 1-65535 becomes ALL_PORTS. */
export function mergePortRanges(ranges: readonly PortRange[]): readonly PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: PortRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.from <= last.to + 1) merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, range.to) };
    else merged.push(range);
  }
  if (merged.length === 1 && merged[0].from <= 1 && merged[0].to === 65535) return ALL_PORTS;
  return merged;
}

/** "22,80,8000-9000", or "all ports". */
export function formatPortRanges(ranges: readonly PortRange[]): string {
  if (ranges.length === 1 && ranges[0].from === 0 && ranges[0].to === 65535) return 'all ports';
  return ranges.map((range) => (range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`)).join(',');
}
