/** Resource names under a cloud's length limit, stable and distinct. Pure. */
import { createHash } from 'node:crypto';

/**
 * `name` when it fits in `max` characters; otherwise its head, a dash and the
 * first 6 hex digits of its SHA-256, `max` characters in all. The same name
 * always gives the same result, and two long names that share a head still
 * differ. AWS load balancers and target groups allow 32 characters, and a
 * 30-character cluster name plus `-ingress-https` is 44.
 */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 6);
  // No dash before the hash's own dash: AWS refuses "--" nowhere, but it reads badly.
  const head = name.slice(0, max - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}
