/**
 * The API seeds' channel without a cluster: each cloud's builders called in a bare
 * stack with a fixture spec, as NodeGroup and the scaled group would call them, one
 * static control-plane node and one autoscaled group per cloud, the seeds behind a
 * local (a Terraform expression, as the cluster will pass them). Synthesized to parsed
 * JSON for the builders' tests, or built into an App for the Terraform harness.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformLocal, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NODE_BUILDERS, NodeSpec } from '../../lib/nodes';
import { SCALING_BUILDERS } from '../../lib/nodes/scaling';
import { scalingSpec } from './scaling/scaling-fixture';

/** Three control planes' static public addresses, joined as the cluster joins them. */
export const SEEDS = '203.0.113.10 198.51.100.20 192.0.2.30';
/** What the local holding the seeds is called in the synthesized JSON. */
export const SEEDS_REFERENCE = '${local.api-servers}';
const SSH_PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx1Vtoyp7Nq2L7JQHP9bLE0c4k1bq7a1YcqvjDWmJ8Y cast';

/** A static control-plane node on `cloud`: the scaling fixture's network, location and labels, no cluster. */
export function nodeSpec(cloud: Cloud, userData: string, overrides: Partial<NodeSpec> = {}): NodeSpec {
  const group = scalingSpec(cloud, userData, SSH_PUBLIC_KEY);
  return {
    name: 'c1-cp-1',
    role: NodeRole.CONTROL_PLANE,
    instanceType: group.instanceType,
    image: group.image,
    diskSizeGb: 50,
    spot: false,
    labels: group.labels,
    location: group.location,
    network: group.network,
    userData: () => userData,
    sshPublicKey: SSH_PUBLIC_KEY,
    ...overrides,
  };
}

function addProvider(stack: Construct, cloud: Cloud): void {
  const { region } = scalingSpec(cloud, '', undefined).location;
  if (cloud === Cloud.AWS) new AwsProvider(stack, 'aws', { region });
  if (cloud === Cloud.GCP) new GoogleProvider(stack, 'google', { project: 'p', region });
  if (cloud === Cloud.AZURE) new AzurermProvider(stack, 'azurerm', { features: [{}] });
  if (cloud === Cloud.DIGITALOCEAN) new DigitaloceanProvider(stack, 'digitalocean', {});
}

/**
 * A stack with one static node and one autoscaled group on each of `clouds`, carrying
 * `seeds` (left out when undefined) behind a local, or written into each resource (`inline`).
 */
export function seedsStack(scope: Construct, id: string, clouds: readonly Cloud[], seeds: string | undefined, inline = false): TerraformStack {
  const stack = new TerraformStack(scope, id);
  const userData = new TerraformLocal(stack, 'user-data', '#cloud-config\nwrite_files: []\n').asString;
  const apiServers = seeds === undefined || inline ? seeds : new TerraformLocal(stack, 'api-servers', seeds).asString;
  for (const cloud of clouds) {
    addProvider(stack, cloud);
    NODE_BUILDERS[cloud].buildNode(new Construct(stack, `${cloud}-node`), nodeSpec(cloud, userData, { apiServers }));
    SCALING_BUILDERS[cloud].buildScalingGroup(new Construct(stack, `${cloud}-group`), { ...scalingSpec(cloud, userData, SSH_PUBLIC_KEY), spot: false, apiServers });
  }
  return stack;
}

export interface SynthesizedSeeds {
  readonly json: Record<string, any>;
  /** Resources of one type, by logical id, without cdktf's `//` metadata. */
  resources(type: string): Record<string, Record<string, any>>;
  /** The one resource of a type. */
  resource(type: string): Record<string, any>;
}

/** `seedsStack` for `clouds`, synthesized; `undefined` for a stack without seeds. */
export function synthSeeds(clouds: readonly Cloud[], seeds: string | undefined, inline = false): SynthesizedSeeds {
  const json = JSON.parse(Testing.synth(seedsStack(Testing.app(), 'test', clouds, seeds, inline)));
  const resources = (type: string) =>
    Object.fromEntries(Object.entries<Record<string, any>>(json.resource[type] ?? {}).map(([name, { ['//']: _meta, ...body }]) => [name, body]));
  const resource = (type: string) => {
    const all = Object.values(resources(type));
    if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
    return all[0];
  };
  return { json, resources, resource };
}

/** An App of one stack `seeds` with every cloud (for the Terraform harness). */
export function seedsApp(seeds: string | undefined): (app: App) => void {
  return (app) => {
    seedsStack(app, 'seeds', ALL_CLOUDS, seeds);
  };
}
