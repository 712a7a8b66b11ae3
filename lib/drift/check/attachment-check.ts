/**
 * Attachments: what ties each node to the cluster's network is as configured,
 * and each node runs the size and image it was given. A firewall whose rules
 * are right but that no longer covers the node, a node in another subnet, a
 * default route that points elsewhere: the network check sees none of these.
 *
 * The watched attributes, per type (WATCHED below):
 * - firewall: AWS `vpc_security_group_ids`; GCP network `tags` (firewall rules
 *   target tags); the Azure NIC's security group association; the
 *   DigitalOcean firewall's `tags`/`droplet_ids`, and the droplet's tags that
 *   its firewall targets (checked from the droplet's side, as its configured
 *   tags are an expression);
 * - subnet: AWS `subnet_id`, GCP `network_interface[0].subnetwork`, the Azure
 *   NIC's `ip_configuration[0].subnet_id`, DigitalOcean `vpc_uuid`;
 * - routes: the AWS route's destination, gateway and table, the route table
 *   association's subnet and table;
 * - fixed public addresses: which node an address is associated with;
 * - size and image: AWS `instance_type`/`ami`, GCP `machine_type`/boot image,
 *   Azure `size`/`source_image_reference`, DigitalOcean `size`/`image`.
 *
 * Values are normalised per cloud so that nothing cosmetic is reported: ids
 * compare as sets where order means nothing, Azure ids case-insensitively
 * (Azure resource ids are case-insensitive: "Resource name and ID are
 * case-insensitive", learn.microsoft.com, azure-resource-manager/management/
 * resource-name-rules), GCP links by their `projects/…` path (the API returns
 * full URLs where the configuration gave a path or a name), GCP machine types
 * by their last segment. A value the configuration does not know until apply
 * is not compared. An attribute the stack keeps in `ignore_changes` (the
 * image, on every cloud: docs/decisions/0009) is reported as a NOTE: Terraform
 * will not change it, new or replaced nodes get the configured one.
 */
import { viewOf } from './actual-view';
import { desiredInstances, DesiredInstance } from './desired-instances';
import { CheckId, Difference, Finding, SENSITIVE, Severity } from './finding';
import { replaceCommand } from './remediation';
import { containsUnknown, refersToSensitive, resolveReferences } from './resolve-references';
import { describeRole } from '../catalog/resource-roles';
import { Cloud } from '../../core/cloud';
import { ActualState, AttributePath, DesiredResource, DesiredState } from '../model';
import { gcpResourcePath } from '../read/inventory/gcp';
import { isSensitivePath } from '../read/state/sensitive-paths';
import { appendTo } from '../append';

/** What a watched attribute ties the resource to. */
type Concern = 'firewall' | 'subnet' | 'route' | 'address' | 'size' | 'image';

/** How values compare. */
type Normalise = 'exact' | 'set' | 'azure-id' | 'azure-id-set' | 'gcp-link' | 'last-segment' | 'cidr' | 'azure-image' | 'gcp-image';

interface Watched {
  readonly path: AttributePath;
  readonly concern: Concern;
  readonly normalise: Normalise;
  /** What the attribute is, for the message: "security groups", "subnet". */
  readonly what: string;
}

const w = (path: AttributePath, concern: Concern, normalise: Normalise, what: string): Watched => ({ path, concern, normalise, what });

/** Watched attributes per resource type. */
const WATCHED: Readonly<Record<string, readonly Watched[]>> = {
  aws_instance: [
    w(['vpc_security_group_ids'], 'firewall', 'set', 'security groups'),
    w(['subnet_id'], 'subnet', 'exact', 'subnet'),
    w(['instance_type'], 'size', 'exact', 'instance type'),
    w(['ami'], 'image', 'exact', 'image'),
  ],
  aws_route: [
    w(['route_table_id'], 'route', 'exact', 'route table'),
    w(['destination_cidr_block'], 'route', 'cidr', 'destination'),
    w(['gateway_id'], 'route', 'exact', 'gateway'),
  ],
  aws_route_table_association: [w(['subnet_id'], 'route', 'exact', 'subnet'), w(['route_table_id'], 'route', 'exact', 'route table')],
  aws_eip_association: [w(['instance_id'], 'address', 'exact', 'instance'), w(['allocation_id'], 'address', 'exact', 'elastic IP')],
  google_compute_instance: [
    w(['tags'], 'firewall', 'set', 'network tags (what its firewall rules target)'),
    w(['network_interface', 0, 'subnetwork'], 'subnet', 'gcp-link', 'subnet'),
    w(['network_interface', 0, 'access_config', 0, 'nat_ip'], 'address', 'exact', 'external address'),
    w(['machine_type'], 'size', 'last-segment', 'machine type'),
    w(['boot_disk', 0, 'initialize_params', 0, 'image'], 'image', 'gcp-image', 'boot image'),
  ],
  azurerm_network_interface: [
    w(['ip_configuration', 0, 'subnet_id'], 'subnet', 'azure-id', 'subnet'),
    w(['ip_configuration', 0, 'public_ip_address_id'], 'address', 'azure-id', 'public IP'),
  ],
  azurerm_network_interface_security_group_association: [
    w(['network_security_group_id'], 'firewall', 'azure-id', 'network security group'),
    w(['network_interface_id'], 'firewall', 'azure-id', 'network interface'),
  ],
  azurerm_linux_virtual_machine: [
    w(['network_interface_ids'], 'subnet', 'azure-id-set', 'network interfaces'),
    w(['size'], 'size', 'exact', 'size'),
    w(['source_image_reference', 0], 'image', 'azure-image', 'image'),
  ],
  digitalocean_droplet: [
    w(['vpc_uuid'], 'subnet', 'exact', 'VPC'),
    w(['size'], 'size', 'exact', 'size'),
    w(['image'], 'image', 'exact', 'image'),
  ],
  digitalocean_firewall: [w(['tags'], 'firewall', 'set', 'droplet tags it covers'), w(['droplet_ids'], 'firewall', 'set', 'droplets it covers')],
  digitalocean_reserved_ip_assignment: [w(['droplet_id'], 'address', 'exact', 'droplet'), w(['ip_address'], 'address', 'exact', 'reserved IP')],
};

/** The root attributes the check reads for `type` (the reader must keep them: catalog/kept-attributes.ts). */
export function watchedAttributes(type: string): string[] {
  return (WATCHED[type] ?? []).map((item) => String(item.path[0]));
}

/** Types the check compares. */
export function watchedTypes(): string[] {
  return Object.keys(WATCHED);
}

const SEVERITY: Readonly<Record<Concern, Severity>> = {
  firewall: Severity.ERROR,
  subnet: Severity.ERROR,
  route: Severity.ERROR,
  address: Severity.ERROR,
  size: Severity.WARNING,
  image: Severity.ERROR,
};

/** Runs the attachment check. */
export function checkAttachments(desired: DesiredState, actual: ActualState): Finding[] {
  const findings: Finding[] = [];
  // Made when a finding first needs it: over every instance of the state (1,000,000 orphans: 0.8 s), for messages only.
  let names: Map<string, string> | undefined;
  for (const instance of desiredInstances(desired, actual)) {
    const watched = WATCHED[instance.resource.type];
    if (!watched) continue;
    const view = viewOf(actual, instance.address);
    if (!view.resource) continue; // absent: the presence checks report it
    const body = resolveReferences(instance.resource.body, actual) as Record<string, unknown>;
    const ignored = ignoredAttributes(instance.resource);
    for (const item of watched) {
      const want = valueAt(body, item.path);
      const have = valueAt(view.attributes, item.path);
      if (want === undefined || have === undefined || containsUnknown(want)) continue;
      const difference = compare(item, want, have);
      if (!difference) continue;
      const sensitive = isSensitivePath(view.sensitivePaths, item.path) || refersToSensitive(valueAt(instance.resource.body, item.path), actual);
      const named = (value: unknown) => (sensitive ? SENSITIVE : nameIds(value, (names ??= addressesById(actual))));
      findings.push(attachmentFinding(desired, instance, item, ignored.has(String(item.path[0])), { path: formatPath(item.path), desired: named(difference.desired), actual: named(difference.actual) }, view.changedOutside));
    }
  }
  appendDropletTagFindings(findings, desired, actual);
  return findings;
}

function attachmentFinding(desired: DesiredState, instance: DesiredInstance, item: Watched, ignored: boolean, difference: Difference, changedOutside: boolean): Finding {
  const { resource, address } = instance;
  const who = `${subject(resource, desired)} (${address})`;
  const outside = changedOutside ? ' (changed outside Terraform, per the refresh-only plan)' : '';
  const severity = ignored ? Severity.NOTE : SEVERITY[item.concern];
  return {
    check: CheckId.ATTACHMENTS,
    rule: `attachments/${item.concern}`,
    severity,
    address,
    cloud: resource.cloud,
    type: resource.type,
    message: `${who} has ${item.what} other than configured${outside}${ignored ? `; the stack keeps the ${item.what} in ignore_changes, so Terraform leaves it, and new or replaced nodes get the configured one` : `: ${CONSEQUENCE[item.concern]}`}`,
    differences: [difference],
    remediation: ignored
      ? `To roll this node onto the configured ${item.what}, replace it on a deploy of its own (NodeGroupOptions.replacements, or \`${replaceCommand(address)}\`).`
      : REMEDIATION[item.concern](address),
    location: { file: resource.file, line: resource.line, constructPath: resource.constructPath },
  };
}

const CONSEQUENCE: Readonly<Record<Concern, string>> = {
  firewall: 'the firewall the configuration gives it does not cover it, so it lacks the traffic the cluster needs or accepts traffic it should not',
  subnet: 'it is not in the network the cluster configured',
  route: 'traffic is not routed as the cluster needs',
  address: 'the fixed public address, which other clouds\' firewalls and the API seeds name, points elsewhere',
  size: 'the node has other capacity than configured',
  image: 'the next apply replaces the node',
};

const REMEDIATION: Readonly<Record<Concern, (address: string) => string>> = {
  firewall: () => 'Run `terraform plan`, then `terraform apply` to attach the configured firewall again (in place, no restart).',
  subnet: (address) => `Moving a VM back into its subnet replaces it: run \`${replaceCommand(address)}\` on a deploy of its own (one node at a time).`,
  route: () => 'Run `terraform plan`, then `terraform apply` to restore the route (in place).',
  address: () => 'Run `terraform plan`, then `terraform apply` to associate the address with its node again (in place).',
  size: () => 'Run `terraform plan`, then `terraform apply` to resize it back: on AWS, Azure and GCP that stops and starts this node, on DigitalOcean it powers it off; do it on a deploy of its own. If the new size is intended, change the configuration.',
  image: (address) => `If the configured image is intended, replace the node on a deploy of its own (\`${replaceCommand(address)}\`).`,
};

/** "the node prod-aws-cp-1 of cluster prod" for a VM, else the role (resource-roles.ts). */
function subject(resource: DesiredResource, desired: DesiredState): string {
  const name = vmName(resource);
  if (name) return `node ${name}${desired.clusterName ? ` of cluster ${desired.clusterName}` : ''}`;
  return describeRole(resource, desired);
}

function vmName(resource: DesiredResource): string | undefined {
  if (!['aws_instance', 'google_compute_instance', 'azurerm_linux_virtual_machine', 'digitalocean_droplet'].includes(resource.type)) return undefined;
  const tags = resource.body.tags as Record<string, unknown> | undefined;
  const name = resource.type === 'aws_instance' ? tags?.Name : resource.body.name;
  return typeof name === 'string' && !name.includes('${') ? name : undefined;
}

function ignoredAttributes(resource: DesiredResource): Set<string> {
  const lifecycle = resource.body.lifecycle as { ignore_changes?: unknown } | undefined;
  const list = Array.isArray(lifecycle?.ignore_changes) ? lifecycle.ignore_changes : [];
  // By the root attribute: `boot_disk[0].initialize_params[0].image` ignores the boot image. A watched
  // attribute shares its root with an ignored one only there (`metadata["user-data"]` is not watched).
  return new Set(list.filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.split(/[[.]/)[0]));
}

/**
 * The value at `path`: a numeric step takes that element of a list, or the
 * object itself at 0 (cdktf writes a single nested block as an object, the
 * state as a one-element list).
 */
function valueAt(root: unknown, path: AttributePath): unknown {
  let value = root;
  for (const step of path) {
    if (value === undefined || value === null) return value;
    if (typeof step === 'number') value = Array.isArray(value) ? value[step] : step === 0 && typeof value === 'object' ? value : undefined;
    else value = typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[step] : undefined;
  }
  return value;
}

function formatPath(path: AttributePath): string {
  return path.map((step, i) => (typeof step === 'number' ? `[${step}]` : `${i === 0 ? '' : '.'}${step}`)).join('');
}

/** The difference between `want` and `have` after normalising, or undefined when they agree. */
function compare(item: Watched, want: unknown, have: unknown): { desired: unknown; actual: unknown } | undefined {
  switch (item.normalise) {
    case 'exact':
      return textOf(want) === textOf(have) ? undefined : { desired: want, actual: have ?? null };
    case 'cidr':
      return textOf(want)?.toLowerCase() === textOf(have)?.toLowerCase() ? undefined : { desired: want, actual: have ?? null };
    case 'azure-id':
      return textOf(want)?.toLowerCase() === textOf(have)?.toLowerCase() ? undefined : { desired: want, actual: have ?? null };
    case 'gcp-link':
      return gcpLink(want) === gcpLink(have) ? undefined : { desired: want, actual: have ?? null };
    case 'last-segment':
      return lastSegment(want) === lastSegment(have) ? undefined : { desired: want, actual: have ?? null };
    case 'gcp-image': {
      const wanted = gcpImage(want);
      return wanted === undefined || wanted === gcpResourcePath(textOf(have) ?? '') ? undefined : { desired: want, actual: have ?? null };
    }
    case 'set':
    case 'azure-id-set': {
      const fold = (text: string) => (item.normalise === 'azure-id-set' ? text.toLowerCase() : text);
      const wanted = listOf(want).map(fold);
      const had = listOf(have).map(fold);
      if (wanted.length === had.length && wanted.every((value, i) => value === had[i])) return undefined;
      return { desired: listOf(want), actual: listOf(have) };
    }
    case 'azure-image':
      return azureImageDiffers(want, have) ? { desired: want, actual: have ?? null } : undefined;
  }
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function listOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  return [...new Set(list.map((item) => textOf(item)).filter((item): item is string => item !== undefined))].sort();
}

function gcpLink(value: unknown): string | undefined {
  const text = textOf(value);
  return text === undefined ? undefined : gcpResourcePath(text);
}

function lastSegment(value: unknown): string | undefined {
  return textOf(value)?.split('/').pop();
}

/**
 * A GCP image as `projects/P/global/images/NAME`, or undefined when the value
 * may name a family: the provider takes `{project}/{family}`, `{family}` and
 * `…/family/{family}` as well as an image (google_compute_instance,
 * boot_disk.initialize_params.image, registry.terraform.io/providers/hashicorp/google),
 * and a family names whichever image was newest, which the state records.
 * Only a full image path or self link is compared.
 */
function gcpImage(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined || text.includes('/family/') || !/(^|\/)projects\/[^/]+\/global\/images\//.test(text)) return undefined;
  return gcpResourcePath(text);
}

/** Publisher, offer and SKU compare case-insensitively; a version of "latest" matches any. */
function azureImageDiffers(want: unknown, have: unknown): boolean {
  if (want === null || typeof want !== 'object' || have === null || typeof have !== 'object') return false;
  const wanted = want as Record<string, unknown>;
  const had = have as Record<string, unknown>;
  return ['publisher', 'offer', 'sku', 'version'].some((key) => {
    const a = textOf(wanted[key])?.toLowerCase();
    if (a === undefined || (key === 'version' && a === 'latest')) return false;
    return a !== textOf(had[key])?.toLowerCase();
  });
}

/** Resource addresses by cloud id, so a difference of ids names the resources (`sg-0ab…` → aws_security_group.worker). */
function addressesById(actual: ActualState): Map<string, string> {
  const out = new Map<string, string>();
  for (const resource of actual.resources.values()) {
    if (resource.mode !== 'managed' || !resource.id || !WATCHED_TARGETS.has(resource.type)) continue;
    out.set(resource.id.toLowerCase(), resource.address);
  }
  return out;
}

/** Types whose ids appear in watched attributes. */
const WATCHED_TARGETS = new Set([
  'aws_security_group',
  'aws_subnet',
  'aws_route_table',
  'aws_internet_gateway',
  'aws_instance',
  'aws_eip',
  'google_compute_subnetwork',
  'azurerm_subnet',
  'azurerm_network_security_group',
  'azurerm_network_interface',
  'azurerm_public_ip',
  'digitalocean_vpc',
  'digitalocean_droplet',
]);

function nameIds(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => nameIds(item, names));
  if (typeof value !== 'string' && typeof value !== 'number') return value ?? null;
  const address = names.get(String(value).toLowerCase());
  return address ? `${value} (${address})` : value;
}

/**
 * DigitalOcean firewalls cover the droplets that carry one of their tags
 * (docs.digitalocean.com, networking/firewalls: "Firewalls can be applied to
 * individual Droplets or to tags"). A droplet's tags are configured as an
 * expression, so they are checked from the firewall's side: every droplet
 * whose configured tags name a `digitalocean_tag` that a configured firewall
 * targets must still carry that tag.
 */
function appendDropletTagFindings(findings: Finding[], desired: DesiredState, actual: ActualState): void {
  const firewallsByTag = new Map<string, string[]>();
  for (const resource of desired.resources.values()) {
    if (resource.type !== 'digitalocean_firewall' || !Array.isArray(resource.body.tags)) continue;
    for (const tag of resource.body.tags) {
      const match = typeof tag === 'string' ? /^\$\{(digitalocean_tag\.[A-Za-z0-9_-]+)\.(?:name|id)\}$/.exec(tag) : null;
      if (match) appendTo(firewallsByTag, match[1], resource.address);
    }
  }
  if (firewallsByTag.size === 0) return;
  for (const instance of desiredInstances(desired, actual)) {
    if (instance.resource.type !== 'digitalocean_droplet') continue;
    const view = viewOf(actual, instance.address);
    if (!view.resource) continue;
    const expression = JSON.stringify(instance.resource.body.tags ?? '');
    const carried = new Set(Array.isArray(view.attributes.tags) ? view.attributes.tags.map(String) : Object.keys(view.resource.tags));
    for (const [tagAddress, firewalls] of firewallsByTag) {
      if (!expression.includes(`${tagAddress}.`)) continue;
      const tagName = viewOf(actual, tagAddress).attributes.name;
      if (typeof tagName !== 'string' || carried.has(tagName)) continue;
      const { resource, address } = instance;
      findings.push({
        check: CheckId.ATTACHMENTS,
        rule: 'attachments/firewall',
        severity: Severity.ERROR,
        address,
        cloud: Cloud.DIGITALOCEAN,
        type: resource.type,
        message: `${subject(resource, desired)} (${address}) lacks the tag ${tagName}${view.changedOutside ? ' (changed outside Terraform, per the refresh-only plan)' : ''}: firewall ${firewalls.join(', ')} targets that tag and so does not cover it`,
        differences: [{ path: 'tags', desired: tagName, actual: null }],
        remediation: 'Run `terraform plan`, then `terraform apply` to tag the droplet again (in place, no restart).',
        location: { file: resource.file, line: resource.line, constructPath: resource.constructPath },
      });
    }
  }
}
