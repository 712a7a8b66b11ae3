/**
 * Orders strings by UTF-16 code units. Used for every sort in the mesh planner:
 * unlike `localeCompare` it gives the same order on every machine and locale.
 */
export function compareNames(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
