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
