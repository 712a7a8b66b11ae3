/**
 * Sensitive attribute paths, from the two places Terraform records them:
 * a state's `sensitive_attributes` (a list of cty paths, each a list of
 * `{type: "get_attr", value: "name"}` / `{type: "index", value: {value, type}}`
 * steps) and `terraform show -json`'s `sensitive_values` (a mirror of the
 * attributes with `true` at sensitive leaves).
 *
 * When a shape is not understood the whole object counts as sensitive: a
 * missed mark would print a secret, an extra one only hides a value.
 */
import { AttributePath } from '../../model';

/** The empty path: the whole object is sensitive. */
export const WHOLE_OBJECT: AttributePath = [];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Paths from a state v4 instance's `sensitive_attributes`. */
export function sensitivePathsFromState(raw: unknown): AttributePath[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return isRecord(raw) ? sensitivePathsFromMirror(raw) : [WHOLE_OBJECT];
  const paths: AttributePath[] = [];
  for (const steps of raw) {
    if (!Array.isArray(steps)) return [WHOLE_OBJECT];
    const path: (string | number)[] = [];
    for (const step of steps) {
      if (!isRecord(step)) return [WHOLE_OBJECT];
      if (step.type === 'get_attr' && typeof step.value === 'string') {
        path.push(step.value);
      } else if (step.type === 'index') {
        const key = isRecord(step.value) ? step.value.value : step.value;
        if (typeof key === 'string' || typeof key === 'number') path.push(key);
        else break; // an unknown key: the collection is sensitive from here
      } else {
        return [WHOLE_OBJECT];
      }
    }
    paths.push(path);
  }
  return paths;
}

/** Paths from a `sensitive_values` mirror (`true` marks a sensitive value). */
export function sensitivePathsFromMirror(mirror: unknown): AttributePath[] {
  if (mirror === true) return [WHOLE_OBJECT];
  if (mirror === undefined || mirror === null || mirror === false) return [];
  const paths: AttributePath[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (value === true) {
      paths.push([...path]);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  walk(mirror, []);
  return paths;
}

/** Keeps the paths that fall under `attributes` (the kept ones); the whole-object mark is always kept. */
export function projectSensitivePaths(paths: readonly AttributePath[], attributes: readonly string[]): AttributePath[] {
  return paths.filter((path) => path.length === 0 || attributes.includes(String(path[0])));
}

/**
 * True when printing the value at `path` could show a sensitive value: a
 * sensitive path is a prefix of `path` (the value is inside a secret) or
 * `path` is a prefix of one (the value contains a secret).
 */
export function isSensitivePath(paths: readonly AttributePath[], path: AttributePath): boolean {
  return paths.some((sensitive) => {
    const shared = Math.min(sensitive.length, path.length);
    for (let i = 0; i < shared; i++) if (String(sensitive[i]) !== String(path[i])) return false;
    return true;
  });
}
