/** A stack holding one CloudNetwork, synthesized to parsed JSON. */
import { App, DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from 'cdktf';
import { Cloud } from '../../lib/core/cloud';
import { NodeSource } from '../../lib/core/firewall-plan';
import { CloudNetwork, CloudNetworkProps } from '../../lib/network/cloud-network';

export const UUID = '0c9a3f5e-2b7d-5e1a-8f4c-6d2b9e7a1c30';

export interface SynthesizedNetwork {
  readonly network: CloudNetwork;
  readonly stack: TerraformStack;
  /** The synthesized JSON as text, for cdktf's matchers. */
  readonly synthesized: string;
  /** Resources of one type, by logical id. */
  resources(type: string): Record<string, Record<string, unknown>>;
  /** A token (e.g. a resource id) as the Terraform expression it synthesizes to. */
  resolve(value: string): string;
}

/** Two of a cluster's nodes, as a cluster lets them through its networks' firewalls (by address). */
export const NODES: readonly NodeSource[] = [
  { name: 'demo-cp-2', address: '198.51.100.20' },
  { name: 'demo-cp-1', address: '192.0.2.10' },
];

/** One CloudNetwork, with `nodes` let through the rules that let the cluster's nodes in. */
export function synthNetwork(cloud: Cloud, vpcCidr: string, overrides: Partial<CloudNetworkProps> = {}, nodes: readonly NodeSource[] = []): SynthesizedNetwork {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const network = new CloudNetwork(stack, cloud, { cloud, clusterName: 'demo', clusterUuid: UUID, region: 'us-east', vpcCidr, ...overrides });
  for (const node of nodes) network._allowNode(node);
  const synthesized = Testing.synth(stack);
  const json = JSON.parse(synthesized);
  const resolve = (value: string) => Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
  return { network, stack, synthesized, resources: (type) => json.resource?.[type] ?? {}, resolve };
}

/** Strips cdktf's `//` metadata so bodies compare as Terraform sees them. */
export function bodies(resources: Record<string, Record<string, unknown>>): Record<string, unknown>[] {
  return Object.values(resources).map(({ ['//']: _metadata, ...body }) => body);
}
