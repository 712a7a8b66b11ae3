/**
 * A stand-in for `terraform apply` in tests: turns a synthesized stack into
 * the state v4 document Terraform would write, with made-up ids, references
 * resolved, provider default tags/labels merged, and `count`/`for_each`
 * expanded. Good enough to prove the check sees no drift in what CastCluster
 * really synthesizes; not a Terraform.
 */
import * as crypto from 'node:crypto';

type Json = Record<string, unknown>;

const META = new Set(['//', 'provider', 'count', 'for_each', 'depends_on', 'lifecycle', 'provisioner', 'connection']);
const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+|"[^"]*")\])?\.([a-z0-9_]+)\}/g;

function hash(text: string, length = 17): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, length);
}

function syntheticId(type: string, name: string, key: string): string {
  const h = hash(`${type}.${name}${key}`);
  const prefixes: Record<string, string> = { aws_vpc: 'vpc-', aws_subnet: 'subnet-', aws_security_group: 'sg-', aws_instance: 'i-', aws_vpc_security_group_ingress_rule: 'sgr-', aws_vpc_security_group_egress_rule: 'sgr-', aws_eip: 'eipalloc-' };
  if (type.startsWith('google_')) return `projects/sim/global/${type.replace('google_compute_', '')}s/${name}`;
  if (type.startsWith('azurerm_')) return `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sim/providers/Sim/${type}/${name}`;
  if (type === 'digitalocean_droplet') return String(parseInt(h.slice(0, 8), 16));
  return `${prefixes[type] ?? `${type.split('_')[0]}-`}${h}`;
}

/** The state v4 document for `stack` (a parsed cdk.tf.json). */
export function simulateApply(stack: Json, terraformVersion = '1.9.8'): Json {
  const resources = (stack.resource ?? {}) as Record<string, Record<string, Json>>;
  const providers = (stack.provider ?? {}) as Record<string, Json[]>;
  const memo = new Map<string, Json>();

  const providerOf = (type: string, body: Json): Json => {
    const [name, alias] = String(body.provider ?? type.split('_')[0]).split('.');
    return (providers[name] ?? []).find((p) => p.alias === alias) ?? (providers[name] ?? [])[0] ?? {};
  };

  const resolve = (value: unknown, index: number | string | undefined): unknown => {
    if (typeof value === 'string') {
      let text = value.replace(/\$\{count\.index\}/g, String(index ?? 0)).replace(/\$\{each\.key\}/g, String(index ?? ''));
      const whole = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+|"[^"]*")\])?\.([a-z0-9_]+)\}$/.exec(text);
      if (whole && resources[whole[1]]?.[whole[2]]) return attribute(whole[1], whole[2], whole[3], whole[4]);
      text = text.replace(REFERENCE, (match, type: string, name: string, key: string | undefined, attr: string) => (resources[type]?.[name] ? String(attribute(type, name, key, attr)) : match));
      return text;
    }
    if (Array.isArray(value)) return value.map((item) => resolve(item, index));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, index)]));
    return value;
  };

  const attribute = (type: string, name: string, key: string | undefined, attr: string): unknown => {
    const index = key === undefined ? undefined : key.startsWith('"') ? (JSON.parse(key) as string) : Number(key);
    const attributes = instanceAttributes(type, name, index);
    return attributes[attr] ?? `${type}.${name}.${attr}`;
  };

  const instanceAttributes = (type: string, name: string, index: number | string | undefined): Json => {
    const memoKey = `${type}.${name}[${String(index)}]`;
    const cached = memo.get(memoKey);
    if (cached) return cached;
    const body = resources[type][name];
    const attributes: Json = { id: syntheticId(type, name, String(index ?? '')) };
    memo.set(memoKey, attributes);
    for (const [key, value] of Object.entries(body)) if (!META.has(key)) attributes[key] = resolve(value, index);
    // cdktf writes a nested block of at most one as an object; Terraform's state holds every block as a list.
    for (const key of Object.keys(attributes)) if (SINGLE_BLOCKS.has(key)) attributes[key] = asBlockList(attributes[key]);
    // Number-typed attributes that take another resource's (string) id.
    for (const key of NUMBER_ATTRIBUTES[type] ?? []) if (typeof attributes[key] === 'string' && /^\d+$/.test(attributes[key] as string)) attributes[key] = Number(attributes[key]);
    // A DigitalOcean droplet's tags are `${concat([tag, "k:v", …], formatlist(…))}`: the list literal is what
    // Terraform would evaluate first (the API seeds' part follows and is left out here).
    if (typeof attributes.tags === 'string') {
      attributes.tags = concatListLiteral(attributes.tags).map((item) => {
        const bare = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)$/.exec(item);
        return bare && resources[bare[1]]?.[bare[2]] ? String(attribute(bare[1], bare[2], undefined, bare[3])) : item;
      });
    }
    const provider = providerOf(type, body);
    if (type.startsWith('aws_')) {
      const defaults = ((provider.default_tags as Json[] | undefined)?.[0]?.tags ?? {}) as Json;
      attributes.tags_all = { ...defaults, ...((attributes.tags as Json) ?? {}) };
    }
    if (type.startsWith('google_')) {
      attributes.effective_labels = { ...((provider.default_labels as Json) ?? {}), ...((attributes.labels as Json) ?? {}) };
      attributes.self_link = `https://www.googleapis.com/compute/v1/${String(attributes.id)}`;
      if (type === 'google_compute_instance') attributes.instance_id = String(parseInt(hash(name, 12), 16));
    }
    if (type === 'aws_instance') attributes.instance_state = 'running';
    return attributes;
  };

  const stateResources: Json[] = [];
  for (const [type, blocks] of Object.entries(resources)) {
    for (const [name, body] of Object.entries(blocks)) {
      const keys: (number | string | undefined)[] = typeof body.count === 'number' ? Array.from({ length: body.count }, (_, i) => i) : body.for_each && typeof body.for_each === 'object' ? Object.keys(body.for_each as Json) : [undefined];
      const [providerName, alias] = String(body.provider ?? type.split('_')[0]).split('.');
      const namespace = providerName === 'digitalocean' ? 'digitalocean' : 'hashicorp';
      stateResources.push({
        mode: 'managed',
        type,
        name,
        provider: `provider["registry.terraform.io/${namespace}/${providerName}"]${alias ? `.${alias}` : ''}`,
        instances: keys.map((key) => ({ ...(key === undefined ? {} : { index_key: key }), schema_version: 0, attributes: instanceAttributes(type, name, key), sensitive_attributes: [] })),
      });
    }
  }
  const outputs: Json = {};
  for (const [name, output] of Object.entries((stack.output ?? {}) as Record<string, Json>)) {
    outputs[name] = { value: resolve(output.value, undefined), type: 'string', ...(output.sensitive ? { sensitive: true } : {}) };
  }
  return { version: 4, terraform_version: terraformVersion, serial: 1, lineage: 'sim', outputs, resources: stateResources, check_results: null };
}

/** The string items of the first list literal of a `${concat([...], ...)}` expression, references already resolved. */
function concatListLiteral(expression: string): string[] {
  const list = /^\$\{concat\(\[([^\]]*)\]/.exec(expression)?.[1] ?? '';
  return [...list.matchAll(/"((?:[^"\\]|\\.)*)"|([^\s,"]+)/g)].map((match) => (match[1] !== undefined ? (JSON.parse(`"${match[1]}"`) as string) : match[2]));
}

/** Attributes the provider schemas type as numbers (the real state holds them so). */
const NUMBER_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = { digitalocean_reserved_ip_assignment: ['droplet_id'] };

/** Nested blocks the stacks write as one object (the ones the drift check reads, and their inner blocks). */
const SINGLE_BLOCKS = new Set(['boot_disk', 'initialize_params', 'source_image_reference', 'os_disk', 'root_block_device', 'metadata_options', 'scheduling']);

function asBlockList(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const block: Json = {};
  for (const [key, inner] of Object.entries(value as Json)) block[key] = SINGLE_BLOCKS.has(key) ? asBlockList(inner) : inner;
  return [block];
}
