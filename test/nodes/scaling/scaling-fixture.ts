/**
 * One cloud's scaling group and autoscaler grant in a stack of their own,
 * synthesized to parsed JSON, with a network attachment of plain ids (what the
 * network builder would hand over) and user-data behind a local, as NodeGroup passes it.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { TerraformLocal, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { Cloud } from '../../../lib/core/cloud';
import { ClusterLabels } from '../../../lib/core/cluster-labels';
import { CLUSTER_UUID_TAG } from '../../../lib/core/cluster-identity';
import { NetworkAttachment } from '../../../lib/network/network-spec';
import { AutoscalerIdentity, SCALING_BUILDERS, ScalingGroupAttachment, ScalingGroupSpec } from '../../../lib/nodes/scaling';
import { loadVendoredSchemas } from '../../support/schema-conformance';

export const CLUSTER = 'c1';
export const UUID = '6b1f3c1e-9a5d-5f7e-8c2b-0d4e6f8a1b2c';
export const LABELS: ClusterLabels = { uuid: UUID, name: CLUSTER, extra: { team: 'infra' } };
export const USER_DATA_TEXT = '#cloud-config\nwrite_files: []\n';

const LOCATIONS: Record<Cloud, ScalingGroupSpec['location']> = {
  [Cloud.AWS]: { region: 'us-east-1', zone: 'us-east-1a' },
  [Cloud.GCP]: { region: 'us-east1', zone: 'us-east1-b' },
  [Cloud.AZURE]: { region: 'eastus', zone: '1' },
  [Cloud.DIGITALOCEAN]: { region: 'nyc3', zone: 'nyc3' },
};

const NETWORKS: Record<Cloud, NetworkAttachment> = {
  [Cloud.AWS]: { networkId: 'vpc-0a1b2c', networkAddress: 'aws_vpc.net', subnetId: 'subnet-0a1b2c', roleFirewall: { 'control-plane': 'sg-0cp', 'worker': 'sg-0worker' } },
  [Cloud.GCP]: {
    networkId: 'projects/p/global/networks/c1',
    networkAddress: 'google_compute_network.net',
    subnetId: 'projects/p/regions/us-east1/subnetworks/c1',
    roleFirewall: { 'control-plane': 'c1-control-plane', 'worker': 'c1-worker' },
  },
  [Cloud.AZURE]: {
    networkId: '/subscriptions/s/resourceGroups/c1/providers/Microsoft.Network/virtualNetworks/c1',
    networkAddress: 'azurerm_virtual_network.net',
    subnetId: '/subscriptions/s/resourceGroups/c1/providers/Microsoft.Network/virtualNetworks/c1/subnets/nodes',
    roleFirewall: {
      'control-plane': '/subscriptions/s/resourceGroups/c1/providers/Microsoft.Network/networkSecurityGroups/c1-control-plane',
      'worker': '/subscriptions/s/resourceGroups/c1/providers/Microsoft.Network/networkSecurityGroups/c1-worker',
    },
    resourceGroupName: 'c1',
  },
  [Cloud.DIGITALOCEAN]: { networkId: 'vpc-uuid-c1', networkAddress: 'digitalocean_vpc.net', subnetId: 'vpc-uuid-c1', roleFirewall: { 'control-plane': 'c1-control-plane', 'worker': 'c1-worker' } },
};

const IMAGES: Record<Cloud, string> = {
  [Cloud.AWS]: 'ami-0123456789abcdef0',
  [Cloud.GCP]: 'ubuntu-os-cloud/ubuntu-2404-lts-amd64',
  [Cloud.AZURE]: 'Canonical:ubuntu-24_04-lts:server:latest',
  [Cloud.DIGITALOCEAN]: 'ubuntu-24-04-x64',
};

const INSTANCE_TYPES: Record<Cloud, string> = {
  [Cloud.AWS]: 'm6i.large',
  [Cloud.GCP]: 'e2-standard-2',
  [Cloud.AZURE]: 'Standard_D2s_v5',
  [Cloud.DIGITALOCEAN]: 's-2vcpu-4gb',
};

function addProvider(stack: Construct, cloud: Cloud): void {
  if (cloud === Cloud.AWS) new AwsProvider(stack, 'aws', { region: LOCATIONS[cloud].region });
  if (cloud === Cloud.GCP) new GoogleProvider(stack, 'google', { project: 'p', region: LOCATIONS[cloud].region });
  if (cloud === Cloud.AZURE) new AzurermProvider(stack, 'azurerm', { features: [{}] });
  if (cloud === Cloud.DIGITALOCEAN) new DigitaloceanProvider(stack, 'digitalocean', {});
}

export interface SynthesizedScaling {
  readonly json: Record<string, any>;
  readonly text: string;
  /** What each buildScalingGroup returned, its tokens resolved to Terraform expressions. */
  readonly attachments: ScalingGroupAttachment[];
  /** What grantAutoscaler returned, resolved likewise. */
  readonly identity: AutoscalerIdentity | undefined;
  /** Resources of one type, by logical id, without cdktf's `//` metadata. */
  resources(type: string): Record<string, Record<string, any>>;
  /** The one resource of a type (or the one whose logical id contains `fragment`). */
  resource(type: string, fragment?: string): Record<string, any>;
  /** The logical id of the one resource of `type` (whose id contains `fragment`). */
  logicalId(type: string, fragment?: string): string;
}

/** A spec for `cloud` from the test data above, with `overrides`. */
export function scalingSpec(cloud: Cloud, userData: string, sshPublicKey: string | undefined, overrides: Partial<ScalingGroupSpec> = {}): ScalingGroupSpec {
  return {
    name: `${CLUSTER}-pool`,
    clusterName: CLUSTER,
    instanceType: INSTANCE_TYPES[cloud],
    image: IMAGES[cloud],
    diskSizeGb: 60,
    spot: true,
    minNodes: 1,
    maxNodes: 5,
    labels: LABELS,
    location: LOCATIONS[cloud],
    network: NETWORKS[cloud],
    userData,
    sshPublicKey,
    nodeLabels: { 'cast-cluster/cloud': cloud, 'node_pool': 'pool' },
    nodeTaints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
    ...overrides,
  };
}

/**
 * `groups` scaling groups on `cloud` (each a spec override; the default is one
 * spot group `c1-pool` with min 1, max 5) and the cloud's autoscaler grant.
 */
export function synthScaling(cloud: Cloud, groups: Partial<ScalingGroupSpec>[] = [{}]): SynthesizedScaling {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  addProvider(stack, cloud);
  new TlsProvider(stack, 'tls', {});
  const userData = new TerraformLocal(stack, 'pool-user-data', USER_DATA_TEXT).asString;
  const needsKey = cloud === Cloud.AZURE || cloud === Cloud.DIGITALOCEAN;
  const sshPublicKey = needsKey ? new PrivateKey(stack, 'ssh-key', { algorithm: 'RSA', rsaBits: 4096 }).publicKeyOpenssh : undefined;
  const builder = SCALING_BUILDERS[cloud];
  const attachments = groups.map((overrides, i) => {
    const scope = new Construct(stack, `group-${i}`);
    return builder.buildScalingGroup(scope, scalingSpec(cloud, userData, sshPublicKey, overrides));
  });
  const identity = builder.grantAutoscaler(new Construct(stack, 'autoscaler'), {
    clusterName: CLUSTER,
    labels: LABELS,
    location: LOCATIONS[cloud],
    network: NETWORKS[cloud],
  });
  // Tokens resolve at synth: pass them through outputs to read what they became.
  const expose = (prefix: string, value: object | undefined) => {
    for (const [key, field] of Object.entries(value ?? {})) new TerraformOutput(stack, `${prefix}--${key}`, { value: field });
  };
  attachments.forEach((attachment, i) => expose(`group-${i}`, attachment));
  expose('identity', identity);
  const text = Testing.synth(stack);
  const json = JSON.parse(text);
  const resolved = (prefix: string): Record<string, string> =>
    Object.fromEntries(Object.entries<{ value: string }>(json.output ?? {}).filter(([id]) => id.startsWith(`${prefix}--`)).map(([id, o]) => [id.slice(prefix.length + 2), o.value]));
  const resources = (type: string) =>
    Object.fromEntries(Object.entries<Record<string, any>>(json.resource[type] ?? {}).map(([name, { ['//']: _meta, ...body }]) => [name, body]));
  const logicalId = (type: string, fragment = '') => {
    const ids = Object.keys(json.resource[type] ?? {}).filter((id) => id.includes(fragment));
    if (ids.length !== 1) throw new Error(`expected one ${type} matching "${fragment}", found ${ids.join(', ') || 'none'}`);
    return ids[0];
  };
  const resource = (type: string, fragment = '') => resources(type)[logicalId(type, fragment)];
  return {
    json,
    text,
    attachments: attachments.map((_, i) => resolved(`group-${i}`) as unknown as ScalingGroupAttachment),
    identity: identity === undefined ? undefined : (resolved('identity') as AutoscalerIdentity),
    resources,
    resource,
    logicalId,
  };
}

/**
 * `type.name` of every resource whose schema has a `labels` or `tags` argument
 * that does not carry the cluster's UUID tag.
 */
export function resourcesWithoutClusterLabels(json: Record<string, any>): string[] {
  const schemas = loadVendoredSchemas();
  const missing: string[] = [];
  for (const [type, byName] of Object.entries<Record<string, any>>(json.resource ?? {})) {
    const schema = Object.values(schemas).map((provider) => provider.resource_schemas?.[type]).find((s) => s !== undefined);
    const attributes = schema?.block.attributes ?? {};
    // GCP resources may have both: `tags` are network tags there, `labels` the key/value map.
    const key = ['labels', 'tags'].find((k) => attributes[k] && !(attributes[k].computed && !attributes[k].optional));
    if (!key) continue;
    for (const [name, body] of Object.entries<Record<string, any>>(byName)) {
      if (body[key]?.[CLUSTER_UUID_TAG] !== UUID) missing.push(`${type}.${name}`);
    }
  }
  return missing.sort();
}

/** Strings in the synthesized JSON that look like secrets (private keys, cloud credentials). */
export function literalSecrets(text: string): string[] {
  const patterns = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, /AKIA[0-9A-Z]{16}/, /"(client_secret|access_key|secret_key|token|password|admin_password)"\s*:/];
  return patterns.filter((pattern) => pattern.test(text)).map(String);
}
