/**
 * Which secrets in Terraform state a VM exposes: the private keys and passwords that a
 * synthesized stack's references carry into the places a VM or VM template shows to
 * whoever reads the instance or its metadata (user-data, custom data, instance metadata,
 * tags and labels). The synthesized JSON holds no secret in plain text (secret-scan.ts);
 * it holds references, and the keys reach the VMs through them, mostly via locals:
 * `aws_instance.n.user_data_base64` → `${base64gzip(local.ud)}` → a local whose template
 * holds `${base64encode(tls_private_key.ca.private_key_pem)}`.
 *
 * From each exposed field the finder follows every reference, transitively:
 * - into a local's value (a local is written into whatever reads it);
 * - into an argument a resource or data source is configured with (`x.y.arg` reads back
 *   what the stack wrote there), and `terraform_data.*.output` into its `input`;
 * and stops at computed resource attributes (`aws_eip.x.public_ip`), which hold no secret
 * unless the provider schema marks them sensitive. A secret is an attribute the vendored
 * provider schemas mark sensitive (test/fixtures/provider-schemas), the attributes of
 * SECRET_ATTRIBUTES whatever the schemas say, a whole resource that holds one, or a
 * variable declared sensitive. A reference the finder cannot see behind (a module output,
 * a remote state's outputs, a type with no vendored schema) is reported as opaque.
 * Pure JSON walking: no terraform, no cdktf.
 */
import { loadVendoredSchemas } from '../support/schema-conformance';
import { BUILTIN_SCHEMAS, ProviderSchemas, SchemaBlock, providerForType } from '../support/provider-schema';
import { Traversal, extractTraversals } from '../support/terraform-references';
import { compareNames } from '../../lib/core/mesh/compare-names';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Body = { [key: string]: Json };

/**
 * Where each VM type shows data to readers of the instance, its template or its metadata:
 * dotted paths into the resource body, arrays (list blocks) crossed transparently.
 * `template`: an autoscaled group's template, whose VMs the cloud creates.
 */
export const EXPOSED_FIELDS: Readonly<Record<string, { readonly template: boolean; readonly fields: readonly string[] }>> = {
  aws_instance: { template: false, fields: ['user_data', 'user_data_base64', 'tags'] },
  // tag_specifications' tags become the instances' tags (readable through IMDS with instance_metadata_tags).
  aws_launch_template: { template: true, fields: ['user_data', 'tags', 'tag_specifications.tags'] },
  google_compute_instance: { template: false, fields: ['metadata', 'metadata_startup_script', 'labels', 'tags'] },
  google_compute_instance_template: { template: true, fields: ['metadata', 'metadata_startup_script', 'labels', 'tags'] },
  azurerm_linux_virtual_machine: { template: false, fields: ['custom_data', 'user_data', 'tags'] },
  azurerm_linux_virtual_machine_scale_set: { template: true, fields: ['custom_data', 'user_data', 'tags'] },
  digitalocean_droplet: { template: false, fields: ['user_data', 'tags'] },
  digitalocean_droplet_autoscale: { template: true, fields: ['droplet_template.user_data', 'droplet_template.tags'] },
};

/** Secrets by type, whatever the vendored schemas say (they agree today). */
export const SECRET_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  tls_private_key: ['private_key_pem', 'private_key_openssh', 'private_key_pem_pkcs8'],
  random_password: ['result'],
};

/** Arguments that carry data onto a VM, so a resource configured with one is a VM this file must know. */
const VM_LIKE_ARGUMENTS = ['user_data', 'user_data_base64', 'custom_data', 'metadata_startup_script', 'droplet_template', 'launch_template_data'];

/** Meta-arguments: not values a reference can read. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection', '//']);

/** Computed attributes that hand back a configured argument. */
const PASS_THROUGH: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  terraform_data: { output: 'input' },
};

/** One VM or VM template the stack declares. */
export interface ExposingResource {
  /** `aws_instance.<name>`. */
  readonly address: string;
  readonly type: string;
  /** The `cast-node-role` its tags or labels give it, if any. */
  readonly role: string | undefined;
  /** An autoscaled group's template rather than one VM. */
  readonly template: boolean;
}

/** A secret reachable from an exposed field. */
export interface SecretReach extends ExposingResource {
  /** Where in the resource the first reference is written, e.g. `user_data_base64`, `metadata.user-data`, `tags.Name`. */
  readonly field: string;
  /** What the reference passes through, in order: `local.x`, `tls_cert_request.y.private_key_pem`. */
  readonly via: readonly string[];
  /** The secret, e.g. `tls_private_key.ca.private_key_pem`; for an opaque reach, the reference as written. */
  readonly secret: string;
  /** The finder could not see what the reference holds (module output, remote state, unvendored type). */
  readonly opaque: boolean;
}

/** `aws_instance.n.user_data_base64 ← local.ud ← tls_private_key.ca.private_key_pem`. */
export function formatReach(reach: SecretReach): string {
  const line = [`${reach.address}.${reach.field}`, ...reach.via, reach.secret].join(' ← ');
  return reach.opaque ? `${line} (opaque: cannot see what it holds)` : line;
}

/** Every VM and VM template in `config`, with its role and whether it is a template. */
export function exposingResources(config: object): ExposingResource[] {
  const resources = asBody((config as Body).resource);
  const found: ExposingResource[] = [];
  for (const [type, spec] of Object.entries(EXPOSED_FIELDS)) {
    for (const [name, body] of entries(resources[type])) {
      const tagsAndLabels = spec.fields.filter((field) => /(^|\.)(tags|labels)$/.test(field));
      found.push({ address: `${type}.${name}`, type, role: roleOf(exposedValues(body, tagsAndLabels), `${type}.${name}`), template: spec.template });
    }
  }
  return found.sort((a, b) => compareNames(a.address, b.address));
}

/**
 * Resources configured with an argument that carries data onto a VM (user-data, custom
 * data, a startup script, a droplet or launch template) whose type EXPOSED_FIELDS does not
 * cover: VMs this check would not look at. Google's `metadata` counts only on google_* types
 * (kubernetes resources have a `metadata` block too).
 */
export function uncoveredVmResources(config: object): string[] {
  const resources = asBody((config as Body).resource);
  return Object.entries(resources)
    .filter(([type]) => !(type in EXPOSED_FIELDS))
    .flatMap(([type, named]) => entries(named).map(([name, body]) => ({ type, name, body: asBody(body) })))
    .filter(({ type, body }) => VM_LIKE_ARGUMENTS.some((arg) => arg in body) || (type.startsWith('google_') && 'metadata' in body))
    .map(({ type, name }) => `${type}.${name}`)
    .sort(compareNames);
}

/**
 * Every secret each VM and VM template of `config` (one synthesized stack) reaches from
 * an exposed field, with the shortest path there; one finding per field and secret,
 * sorted by address, field and secret.
 */
export function findReachableSecrets(config: object, schemas: ProviderSchemas = loadVendoredSchemas()): SecretReach[] {
  const stack = new Stack(config as Body, schemas);
  const findings: SecretReach[] = [];
  const resources = asBody((config as Body).resource);
  for (const vm of exposingResources(config)) {
    const body = asBody(resources[vm.type])[vm.address.slice(vm.type.length + 1)];
    for (const { at, value } of exposedValues(body, EXPOSED_FIELDS[vm.type].fields)) {
      const seeds: { field: string; traversal: Traversal }[] = [];
      forEachString(value, at, (text, field) => extractTraversals(text).forEach((traversal) => seeds.push({ field, traversal })));
      findings.push(...stack.reach(seeds).map((r) => ({ ...vm, ...r })));
    }
  }
  return findings.sort((a, b) => compareNames(a.address, b.address) || compareNames(a.field, b.field) || compareNames(a.secret, b.secret));
}

/** What one reference reads: secrets, something to follow, or nothing the finder can see into. */
interface Resolution {
  readonly secrets: readonly string[];
  readonly opaque?: string;
  /** A value to follow: a local, or a configured argument of a resource or data source. */
  readonly follow?: { readonly id: string; readonly value: Json };
}

class Stack {
  private readonly resources: Body;
  private readonly data: Body;
  private readonly locals: Body;
  private readonly variables: Body;
  private readonly references = new Map<string, Traversal[]>();

  private readonly schemas: ProviderSchemas;

  constructor(config: Body, schemas: ProviderSchemas) {
    this.schemas = { ...BUILTIN_SCHEMAS, ...schemas };
    this.resources = asBody(config.resource);
    this.data = asBody(config.data);
    this.locals = asBody(config.locals);
    this.variables = asBody(config.variable);
  }

  /** Breadth-first from the seed references of one exposed value; the first path to each secret wins. */
  reach(seeds: readonly { field: string; traversal: Traversal }[]): Omit<SecretReach, keyof ExposingResource>[] {
    const found = new Map<string, Omit<SecretReach, keyof ExposingResource>>();
    const seen = new Set<string>();
    const queue: { field: string; via: string[]; traversal: Traversal }[] = seeds.map((s) => ({ ...s, via: [] }));
    for (let i = 0; i < queue.length; i++) {
      const { field, via, traversal } = queue[i];
      const resolved = this.resolve(traversal);
      for (const secret of resolved.secrets) {
        const key = `${field}\n${secret}`;
        if (!found.has(key)) found.set(key, { field, via, secret, opaque: false });
      }
      if (resolved.opaque !== undefined) {
        const key = `${field}\n${resolved.opaque}`;
        if (!found.has(key)) found.set(key, { field, via, secret: resolved.opaque, opaque: true });
      }
      const next = resolved.follow;
      if (next === undefined || seen.has(`${field}\n${next.id}`)) continue;
      seen.add(`${field}\n${next.id}`);
      for (const t of this.traversalsIn(next.id, next.value)) queue.push({ field, via: [...via, next.id], traversal: t });
    }
    return [...found.values()];
  }

  private traversalsIn(id: string, value: Json): Traversal[] {
    let cached = this.references.get(id);
    if (cached === undefined) {
      cached = [];
      const into = cached;
      forEachString(value, '', (text) => into.push(...extractTraversals(text)));
      this.references.set(id, cached);
    }
    return cached;
  }

  private resolve(t: Traversal): Resolution {
    const names = t.steps.filter((s) => s.kind === 'attribute').map((s) => (s as { name: string }).name);
    if (t.root === 'local') {
      return names[0] !== undefined && names[0] in this.locals ? { secrets: [], follow: { id: `local.${names[0]}`, value: this.locals[names[0]] } } : { secrets: [] };
    }
    if (t.root === 'var') {
      const variable = names[0] !== undefined ? asBody(this.variables[names[0]]) : {};
      return { secrets: variable.sensitive === true ? [`var.${names[0]}`] : [] };
    }
    if (t.root === 'module') return { secrets: [], opaque: t.text };
    if (t.root === 'data') {
      const [type, name, ...path] = names;
      const body = type !== undefined && name !== undefined ? asBody(this.data[type])[name] : undefined;
      return body === undefined ? { secrets: [] } : this.resolveBlock(`data.${type}.${name}`, type, 'data', asBody(body), path, t.text);
    }
    const [name, ...path] = names;
    const body = name !== undefined ? asBody(this.resources[t.root])[name] : undefined;
    // Anything else (`each`, `count`, `self`, a `for` variable) names nothing in the stack.
    return body === undefined ? { secrets: [] } : this.resolveBlock(`${t.root}.${name}`, t.root, 'resource', asBody(body), path, t.text);
  }

  /** A reference to `address` (a resource or data source) and then the attribute names `path`. */
  private resolveBlock(address: string, type: string, kind: 'resource' | 'data', body: Body, path: readonly string[], text: string): Resolution {
    if (kind === 'data' && type === 'terraform_remote_state' && (path.length === 0 || path[0] === 'outputs')) return { secrets: [], opaque: text };
    const provider = providerForType(type, this.schemas);
    const schemas = provider ? this.schemas[provider] : undefined;
    const schema = (kind === 'data' ? schemas?.data_source_schemas : schemas?.resource_schemas)?.[type];
    const secrets = new Set<string>();
    if (schema) sensitivePaths(schema.block, path).forEach((p) => secrets.add(`${address}.${p}`));
    for (const attribute of kind === 'resource' ? SECRET_ATTRIBUTES[type] ?? [] : []) {
      if (path.length === 0 || path[0] === attribute) secrets.add(`${address}.${attribute}`);
    }
    const follow = this.configuredValue(address, type, body, path);
    if (!schema && !(type in SECRET_ATTRIBUTES)) return { secrets: [...secrets], opaque: text, follow };
    return { secrets: [...secrets], follow };
  }

  /** What a reference to a configured argument reads back: the argument as written, as deep as the JSON objects go. */
  private configuredValue(address: string, type: string, body: Body, path: readonly string[]): Resolution['follow'] {
    if (path.length === 0) {
      const args = Object.fromEntries(Object.entries(body).filter(([key]) => !META_ARGUMENTS.has(key)));
      return { id: address, value: args };
    }
    const [first, ...rest] = path;
    const argument = PASS_THROUGH[type]?.[first] ?? first;
    if (META_ARGUMENTS.has(argument) || !(argument in body)) return undefined;
    let value = body[argument];
    const taken = [first];
    for (const name of rest) {
      if (!isBody(value) || !(name in value)) break;
      value = value[name];
      taken.push(name);
    }
    return { id: `${address}.${taken.join('.')}`, value };
  }
}

/**
 * The sensitive attributes a reference reads, relative to the resource: the one it names
 * if sensitive (or inside a sensitive one), or every sensitive one beneath the block or
 * nested attribute it stops at.
 */
function sensitivePaths(block: SchemaBlock, path: readonly string[]): string[] {
  const [first, ...rest] = path;
  if (first === undefined) return allSensitive(block, '');
  const attribute = block.attributes?.[first];
  if (attribute) {
    if (attribute.sensitive) return [first];
    if (!attribute.nested_type) return [];
    return sensitivePaths({ attributes: attribute.nested_type.attributes }, rest).map((p) => `${first}.${p}`);
  }
  const nested = block.block_types?.[first];
  return nested ? sensitivePaths(nested.block, rest).map((p) => `${first}.${p}`) : [];
}

function allSensitive(block: SchemaBlock, prefix: string): string[] {
  const found: string[] = [];
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.sensitive) found.push(`${prefix}${name}`);
    else if (attribute.nested_type) found.push(...allSensitive({ attributes: attribute.nested_type.attributes }, `${prefix}${name}.`));
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) found.push(...allSensitive(nested.block, `${prefix}${name}.`));
  return found;
}

/** The values at the dotted `fields` of `body`, each with where it is (`tag_specifications[0].tags`). */
function exposedValues(body: Json, fields: readonly string[]): { at: string; value: Json }[] {
  const out: { at: string; value: Json }[] = [];
  const select = (value: Json, names: readonly string[], at: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => select(item, names, `${at}[${i}]`));
      return;
    }
    if (names.length === 0) {
      out.push({ at, value });
      return;
    }
    if (!isBody(value) || !(names[0] in value)) return;
    select(value[names[0]], names.slice(1), at ? `${at}.${names[0]}` : names[0]);
  };
  for (const field of fields) select(body, field.split('.'), '');
  return out;
}

/** `cast-node-role` from tags and labels: a map key, or `cast-node-role:<role>` in a DigitalOcean tag list. */
function roleOf(values: readonly { at: string; value: Json }[], address: string): string | undefined {
  const roles = new Set<string>();
  for (const { value } of values) {
    if (isBody(value) && typeof value['cast-node-role'] === 'string') roles.add(value['cast-node-role']);
    forEachString(value, '', (text) => {
      for (const match of text.matchAll(/cast-node-role:([a-z-]+)/g)) roles.add(match[1]);
    });
  }
  if (roles.size > 1) throw new Error(`${address}: tags and labels give more than one role: ${[...roles].sort().join(', ')}`);
  return [...roles][0];
}

/** Every string in `value`, map keys included (a key may be a template too), with where it is. */
function forEachString(value: Json, at: string, visit: (text: string, at: string) => void): void {
  if (typeof value === 'string') {
    visit(value, at);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => forEachString(item, `${at}[${i}]`, visit));
  } else if (isBody(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '//') continue;
      visit(key, at);
      forEachString(item, at ? `${at}.${key}` : key, visit);
    }
  }
}

function entries(value: Json | undefined): [string, Json][] {
  return Object.entries(asBody(value)).filter(([key]) => key !== '//');
}

function asBody(value: Json | undefined): Body {
  return isBody(value) ? value : {};
}

function isBody(value: Json | undefined): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
