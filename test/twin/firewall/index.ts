/**
 * The four firewall translators behind one signature, keyed by cloud (the compiler makes
 * sure every cloud has one), and the firewall of one VM.
 */
import { awsNodeFirewalls } from './aws';
import { azureNodeFirewalls } from './azure';
import { digitalOceanNodeFirewalls } from './digitalocean';
import { gcpNodeFirewalls } from './gcp';
import { NodeFirewall, Resolve, TerraformJson } from './rules';
import { Cloud } from '../../../lib/core/cloud';

export { renderNodeFirewall } from './rules';
export type { NodeFirewall, RenderOptions, Resolve, TerraformJson, TwinRule } from './rules';
export { verdictOf } from './verdict';
export type { TwinPacket, TwinVerdict } from './verdict';

/** Every VM's inbound firewall on one cloud of a stack, sorted by resource name. */
export type NodeFirewallsOf = (stack: TerraformJson, resolve: Resolve) => NodeFirewall[];

export const NODE_FIREWALLS: Readonly<Record<Cloud, NodeFirewallsOf>> = {
  [Cloud.AWS]: awsNodeFirewalls,
  [Cloud.GCP]: gcpNodeFirewalls,
  [Cloud.AZURE]: azureNodeFirewalls,
  [Cloud.DIGITALOCEAN]: digitalOceanNodeFirewalls,
};

/** The firewall of the VM at `resource` (`type.name` as in the JSON) on `cloud`; throws when the stack has no such VM. */
export function nodeFirewall(stack: TerraformJson, cloud: Cloud, resource: string, resolve: Resolve): NodeFirewall {
  const firewalls = NODE_FIREWALLS[cloud](stack, resolve);
  const found = firewalls.find((firewall) => firewall.resource === resource);
  if (!found) throw new Error(`${resource}: no ${cloud} VM of the stack has this address (VMs: ${firewalls.map((firewall) => firewall.resource).join(', ') || 'none'}).`);
  return found;
}
