/**
 * Finds secrets written in plain text in a synthesized stack: PEM blocks,
 * kubeadm bootstrap tokens, WireGuard-style keys, and literal values of
 * arguments whose name says they hold a secret. A value that is a Terraform
 * expression (`${...}` only) is a reference to state, which is where secrets belong.
 */

export interface SecretFinding {
  readonly path: string;
  readonly why: string;
}

const PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/, 'a PEM block'],
  [/(?<![a-z0-9])[a-z0-9]{6}\.[a-z0-9]{16}(?![a-z0-9])/, 'a kubeadm bootstrap token'],
  [/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=(?![A-Za-z0-9+/=])/, 'a 32-byte base64 key (WireGuard)'],
];
const SECRET_NAMES = /(password|secret|private_key|client_key|token|key_data)$/i;
const ONLY_EXPRESSIONS = /^(\$\{[^}]*\}|\s)*$/;

/** Every plain-text secret in `json`, with where it is. */
export function findSecrets(json: unknown, path = ''): SecretFinding[] {
  if (typeof json === 'string') {
    return PATTERNS.filter(([pattern]) => pattern.test(json)).map(([, why]) => ({ path, why }));
  }
  if (Array.isArray(json)) return json.flatMap((item, i) => findSecrets(item, `${path}[${i}]`));
  if (json && typeof json === 'object') {
    return Object.entries(json).flatMap(([key, value]) => {
      const here = path ? `${path}.${key}` : key;
      const literal = typeof value === 'string' && value !== '' && !ONLY_EXPRESSIONS.test(value);
      // cdktf's metadata ("//") maps names to names (its cross-stack outputs are named after the
      // attribute they carry, e.g. `…aws_iam_access_key.x.secret`): no value of a resource is there.
      const metadata = path === '/' || path.startsWith('//');
      const named = SECRET_NAMES.test(key) && literal && !metadata ? [{ path: here, why: `a literal value for "${key}"` }] : [];
      return [...named, ...findSecrets(value, here)];
    });
  }
  return [];
}
