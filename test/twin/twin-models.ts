/**
 * The twin's view of the clouds: cloud-behaviour.ts's table as TwinCloudModel, and each
 * cloud's firewall translator (firewall/*.ts) as one FirewallOf.
 */
import { Cloud } from '../../lib/core/cloud';
import { CLOUD_BEHAVIOUR } from './cloud-behaviour';
import { nodeFirewall, renderNodeFirewall } from './firewall';
import { FirewallOf, TwinCloudModel } from './twin-lab';

function model(cloud: Cloud): TwinCloudModel {
  const behaviour = CLOUD_BEHAVIOUR[cloud];
  return {
    protocols: behaviour.protocolsBetweenVms.value,
    deliversForeignDestinations: behaviour.deliversForeignDestinations.value,
    mtu: behaviour.mtu.value.vpc,
    internetMtu: behaviour.mtu.value.internet,
    carriesFragments: behaviour.carriesFragments.value,
    rpFilter: behaviour.guestRpFilter.value,
    metadataAddress: behaviour.metadataAddress.value,
    resolvers: behaviour.dnsResolvers.value.addresses,
  };
}

export const TWIN_MODELS: Readonly<Record<Cloud, TwinCloudModel>> = {
  [Cloud.AWS]: model(Cloud.AWS),
  [Cloud.GCP]: model(Cloud.GCP),
  [Cloud.AZURE]: model(Cloud.AZURE),
  [Cloud.DIGITALOCEAN]: model(Cloud.DIGITALOCEAN),
};

/** The node's NIC firewall, translated from the stack's firewall resources. */
export const twinFirewall: FirewallOf = (stack, node, resolve, device) =>
  renderNodeFirewall(nodeFirewall(stack, node.cloud, node.resource, resolve), { table: 'cloud_firewall', device });
