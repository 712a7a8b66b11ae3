/**
 * Appends every item to `target`, in order, and returns `target`.
 *
 * Not `target.push(...items)`: a spread passes each item as an argument of one call, and
 * V8 refuses a call with a few hundred thousand arguments ("RangeError: Maximum call stack
 * size exceeded"). A state with 130,000 resources the stack does not declare made that many
 * findings. Lint forbids spread arguments in lib/drift (eslint.config.mjs).
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest of `values`, or `floor` when there is none or all are smaller (no spread: see appendAll). */
export function maxOf(values: Iterable<number>, floor: number): number {
  let max = floor;
  for (const value of values) if (value > max) max = value;
  return max;
}

/**
 * Appends `item` to the list `map` holds under `key` (a new list when there is none), in place.
 * Not `map.set(key, [...(map.get(key) ?? []), item])`: that copies the list for every item, which
 * is quadratic: 40,000 security group rules on one group took 14 s, 130,000 would take minutes.
 */
export function appendTo<K, T>(map: Map<K, T[]>, key: K, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
