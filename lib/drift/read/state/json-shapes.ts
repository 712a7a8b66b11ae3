/**
 * Tolerant accessors for parsed JSON of unknown shape. Readers use these so a
 * malformed input becomes a clear DriftInputError or a skipped field, never a
 * TypeError.
 */

/** The value as a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The value as an array, or an empty one. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a string, or undefined (numbers are not converted). */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value as a string when it is a string or a finite number. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The strings among an array's items. */
export function stringsOf(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === 'string');
}

/** A number from a number or a numeric string; NaN otherwise (never calls a value's own toString/valueOf). */
export function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}

/** A short, safe rendering of any parsed JSON value for messages. */
export function describeJson(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return (JSON.stringify(value) ?? 'undefined').slice(0, 40);
}
