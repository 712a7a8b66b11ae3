/**
 * Terraform resource instance addresses, spelled as Terraform prints them:
 * `aws_vpc.main`, `data.aws_ami.x`, `module.pool.aws_instance.worker[0]`,
 * `google_compute_firewall.rules["ssh"]`.
 */

/** Formats an index key as `[0]` or `["key"]` (empty for none). */
export function formatIndexKey(key: number | string | undefined): string {
  if (key === undefined) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** The resource address without an instance key: `module.x.aws_instance.worker`. */
export function resourceAddress(module: string, mode: 'managed' | 'data', type: string, name: string): string {
  const local = `${mode === 'data' ? 'data.' : ''}${type}.${name}`;
  return module ? `${module}.${local}` : local;
}

/** The full instance address: `module.x.aws_instance.worker[0]`. */
export function instanceAddress(module: string, mode: 'managed' | 'data', type: string, name: string, key: number | string | undefined): string {
  return `${resourceAddress(module, mode, type, name)}${formatIndexKey(key)}`;
}

/** The first module call name of a module path (`module.pool["a"].module.x` → `pool`), or undefined for the root. */
export function topModuleName(module: string): string | undefined {
  const match = /^module\.([A-Za-z0-9_-]+)/.exec(module);
  return match ? match[1] : undefined;
}

/** Quotes an address for a POSIX shell when it holds characters the shell would interpret. */
export function shellQuoteAddress(address: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(address) ? address : `'${address.replace(/'/g, `'\\''`)}'`;
}
