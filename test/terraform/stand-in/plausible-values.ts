/**
 * Deterministic, plausible values for what a real cloud decides: ids in each cloud's
 * own format (EC2 `i-…`, Azure resource ids, GCP resource paths, DigitalOcean numeric
 * droplet ids), ARNs, private and public addresses, PEM blocks, UUIDs. Each is derived
 * from a hash of the object's known values and the attribute's path, so the same
 * configuration gets the same value in every run.
 */
import { createHash } from 'crypto';
import { canonical, DynamicValue, UNKNOWN, type CtyType, type Value } from './cty';

type ObjectValue = { [name: string]: Value };

/** What a fill needs to know about the object being made. */
export interface FillContext {
  /** Resource or data source type, e.g. `aws_instance`. */
  readonly type: string;
  /** The object's known values (the planned state), for ids that embed names. */
  readonly object: ObjectValue;
  /** Seed of this object: a hash of its type and known values (and a data source's generation). */
  readonly seed: string;
  /** Tags or labels that the provider adds to every object (aws default_tags, google default_labels). */
  readonly defaultTags: Readonly<Record<string, string>>;
}

export function seedOf(type: string, value: Value, extra = ''): string {
  return createHash('sha256').update(`${type}\n${canonical(value)}\n${extra}`).digest('hex');
}

/** The value with every unknown replaced by a plausible known value of its type. */
export function fillUnknowns(value: Value, type: CtyType, context: FillContext, path: readonly string[] = []): Value {
  if (value === UNKNOWN) return plausible(type, context, path);
  if (value === null || typeof value !== 'object' || value instanceof DynamicValue) return value;
  if (typeof type === 'string') return value;
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') return (value as Value[]).map((v, i) => fillUnknowns(v, inner as CtyType, context, [...path, String(i)]));
  if (kind === 'tuple') return (value as Value[]).map((v, i) => fillUnknowns(v, (inner as CtyType[])[i], context, [...path, String(i)]));
  const attributes = inner as Readonly<Record<string, CtyType>>;
  return Object.fromEntries(Object.entries(value as ObjectValue).map(([k, v]) => [
    k, fillUnknowns(v, kind === 'map' ? (inner as CtyType) : attributes[k], context, [...path, k]),
  ]));
}

function plausible(type: CtyType, context: FillContext, path: readonly string[]): Value {
  const name = [...path].reverse().find((step) => !/^\d+$/.test(step)) ?? '';
  const hash = createHash('sha256').update(`${context.seed}\n${path.join('.')}`).digest('hex');
  if (type === 'string') return plausibleString(name, path.length === 1, context, hash);
  if (type === 'number') return parseInt(hash.slice(0, 6), 16) % 1000;
  if (type === 'bool') return false;
  // A computed dynamic value (kubernetes_manifest.object) is an object the server returns.
  if (type === 'dynamic') return new DynamicValue(['object', {}], {});
  const [kind, inner] = type;
  if (kind === 'map' && (name === 'tags_all' || name === 'effective_labels' || name === 'terraform_labels')) {
    const own = context.object[name === 'tags_all' ? 'tags' : 'labels'];
    return { ...context.defaultTags, ...(own && typeof own === 'object' ? own as Record<string, string> : {}) };
  }
  if (kind === 'object') {
    const attributes = inner as Readonly<Record<string, CtyType>>;
    return Object.fromEntries(Object.keys(attributes).map((k) => [k, plausible(attributes[k], context, [...path, k])]));
  }
  return kind === 'map' ? {} : [];
}

const IP_NAMES = /(^|_)(ip|ip_address|ipv4_address|nat_ip|network_ip|private_ip|public_ip|private_ip_address|public_ip_address|ipv4_address_private)$/;

/** States a running object reports (EC2 instance-state-name, DigitalOcean droplet and load balancer status). */
const RUNNING_STATES: Readonly<Record<string, string>> = { instance_state: 'running', status: 'active' };

function plausibleString(name: string, topLevel: boolean, context: FillContext, hash: string): string {
  if (name === 'id' && topLevel) return idFor(context, hash);
  if (topLevel && name in RUNNING_STATES) return RUNNING_STATES[name];
  // A reserved address is an address (google_compute_address.address).
  if (name === 'address' && topLevel && context.type === 'google_compute_address') {
    return ipFor(context.object.address_type === 'INTERNAL' ? 'private' : 'public', hash);
  }
  if (name === 'arn') return arnFor(context, hash);
  if (IP_NAMES.test(name)) return ipFor(name, hash);
  if (name.endsWith('_pem') || name === 'pem') return `-----BEGIN STAND-IN ${name.toUpperCase()}-----\n${Buffer.from(hash, 'hex').toString('base64')}\n-----END STAND-IN ${name.toUpperCase()}-----\n`;
  if (/(^|_)(uuid|tenant_id|subscription_id|principal_id|client_id|object_id)$/.test(name)) return uuidFrom(hash);
  if (name === 'self_link') return `https://www.googleapis.com/compute/v1/${googlePath(context, hash)}`;
  return `${name.replace(/_/g, '-') || 'value'}-${hash.slice(0, 12)}`;
}

function ipFor(name: string, hash: string): string {
  const [a, b, c] = [0, 2, 4].map((i) => parseInt(hash.slice(i, i + 2), 16));
  const isPrivate = name.includes('private') || name === 'network_ip';
  // Public addresses come from the documentation ranges (RFC 5737), never a real host.
  return isPrivate ? `10.${a % 256}.${b % 256}.${(c % 250) + 4}` : `${a % 2 === 0 ? '198.51.100' : '203.0.113'}.${(b % 250) + 4}`;
}

function uuidFrom(hash: string): string {
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}

/** EC2-style id prefixes (the AWS EC2 API reference, "Resource IDs"). */
const AWS_ID_PREFIXES: Readonly<Record<string, string>> = {
  aws_instance: 'i-', aws_vpc: 'vpc-', aws_subnet: 'subnet-', aws_internet_gateway: 'igw-', aws_route_table: 'rtb-',
  aws_route_table_association: 'rtbassoc-', aws_security_group: 'sg-', aws_vpc_security_group_ingress_rule: 'sgr-',
  aws_vpc_security_group_egress_rule: 'sgr-', aws_eip: 'eipalloc-', aws_eip_association: 'eipassoc-',
  aws_network_interface: 'eni-', aws_launch_template: 'lt-', aws_vpc_endpoint: 'vpce-', aws_route: 'r-rtb-',
  aws_route53_zone: 'Z', aws_ami: 'ami-',
};

/** Azure resource providers and types (Azure Resource Manager resource ids). */
const AZURE_KINDS: Readonly<Record<string, string>> = {
  azurerm_virtual_network: 'Microsoft.Network/virtualNetworks', azurerm_network_interface: 'Microsoft.Network/networkInterfaces',
  azurerm_public_ip: 'Microsoft.Network/publicIPAddresses', azurerm_network_security_group: 'Microsoft.Network/networkSecurityGroups',
  azurerm_linux_virtual_machine: 'Microsoft.Compute/virtualMachines', azurerm_linux_virtual_machine_scale_set: 'Microsoft.Compute/virtualMachineScaleSets',
  azurerm_lb: 'Microsoft.Network/loadBalancers', azurerm_route_table: 'Microsoft.Network/routeTables',
  azurerm_user_assigned_identity: 'Microsoft.ManagedIdentity/userAssignedIdentities', azurerm_dns_zone: 'Microsoft.Network/dnsZones',
  azurerm_monitor_autoscale_setting: 'Microsoft.Insights/autoscaleSettings',
};

function idFor(context: FillContext, hash: string): string {
  const { type, object } = context;
  const name = typeof object.name === 'string' ? object.name : undefined;
  if (type in AWS_ID_PREFIXES) return AWS_ID_PREFIXES[type] + (type === 'aws_route53_zone' ? hash.slice(0, 20).toUpperCase() : hash.slice(0, 17));
  if (type.startsWith('aws_')) {
    for (const key of ['name', 'bucket', 'key_name', 'role']) if (typeof object[key] === 'string') return object[key] as string;
    return `${type.slice(4)}-${hash.slice(0, 16)}`;
  }
  if (type.startsWith('azurerm_')) return azureId(context, name, hash);
  if (type.startsWith('google_')) return googlePath(context, hash);
  if (type === 'digitalocean_droplet' || type === 'digitalocean_record' || type === 'digitalocean_ssh_key') return String(100000000 + (parseInt(hash.slice(0, 8), 16) % 900000000));
  if (type === 'digitalocean_reserved_ip' && typeof object.ip_address === 'string') return object.ip_address;
  if (type.startsWith('digitalocean_')) return name ?? uuidFrom(hash);
  return hash.slice(0, 20);
}

function azureId(context: FillContext, name: string | undefined, hash: string): string {
  const { type, object } = context;
  const subscription = '/subscriptions/00000000-0000-4000-8000-000000000000';
  if (type === 'azurerm_resource_group') return `${subscription}/resourceGroups/${name}`;
  const group = `${subscription}/resourceGroups/${typeof object.resource_group_name === 'string' ? object.resource_group_name : 'stand-in'}`;
  if (type === 'azurerm_subnet') return `${group}/providers/Microsoft.Network/virtualNetworks/${String(object.virtual_network_name)}/subnets/${name}`;
  const kind = AZURE_KINDS[type];
  if (kind) return `${group}/providers/${kind}/${name ?? hash.slice(0, 12)}`;
  return `${group}/providers/Microsoft.StandIn/${type.slice(8)}/${name ?? hash.slice(0, 12)}`;
}

function googlePath(context: FillContext, hash: string): string {
  const { type, object } = context;
  const project = typeof object.project === 'string' ? object.project : 'cast-stand-in';
  const name = typeof object.name === 'string' ? object.name : hash.slice(0, 12);
  const singular = type.replace(/^google_(compute_)?/, '').replace(/_/g, '-');
  const kind = singular.endsWith('s') ? `${singular}e` : singular; // addresses, not addresss
  if (typeof object.zone === 'string') return `projects/${project}/zones/${object.zone}/${kind}s/${name}`;
  if (typeof object.region === 'string') return `projects/${project}/regions/${object.region}/${kind}s/${name}`;
  return `projects/${project}/global/${kind}s/${name}`;
}

function arnFor(context: FillContext, hash: string): string {
  const { type, object } = context;
  const name = typeof object.name === 'string' ? object.name : hash.slice(0, 16);
  if (type.startsWith('aws_iam_')) return `arn:aws:iam::123456789012:${type === 'aws_iam_role' ? 'role' : type.slice(8).replace(/_/g, '-')}/${name}`;
  if (type.startsWith('aws_s3_')) return `arn:aws:s3:::${typeof object.bucket === 'string' ? object.bucket : name}`;
  if (type.startsWith('aws_lb')) return `arn:aws:elasticloadbalancing:us-east-1:123456789012:${type.slice(4).replace(/_/g, '-')}/${name}/${hash.slice(0, 16)}`;
  if (type.startsWith('aws_cloudwatch_event')) return `arn:aws:events:us-east-1:123456789012:rule/${name}`;
  if (type === 'aws_autoscaling_group') return `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:${uuidFrom(hash)}:autoScalingGroupName/${name}`;
  return `arn:aws:ec2:us-east-1:123456789012:${type.slice(4).replace(/_/g, '-')}/${hash.slice(0, 17)}`;
}
