/**
 * The ingress's Terraform outputs, next to the cluster's own and named like them:
 * - `cast_cluster_<name>_ingress_hostname`: what app owners point their CNAME at;
 * - `_ingress_addresses`: each cloud's load balancer address (the in-cluster
 *   stack reads GCP's for the Gateway's address);
 * - `_ingress_name_servers`: only for a zone the stack created, to delegate it.
 */
import { TerraformOutput } from 'cdktf';
import type { CastCluster } from '../cluster/cast-cluster';
import { clusterOutputName } from './cluster-view';
import type { IngressStack } from './ingress-stack';

/** The output suffixes, for the in-cluster stack and the tests. */
export const INGRESS_OUTPUT = {
  hostname: '_ingress_hostname',
  addresses: '_ingress_addresses',
  nameServers: '_ingress_name_servers',
} as const;

export function addIngressOutputs(ingress: IngressStack, cluster: CastCluster, addresses: Record<string, string>, nameServers: string[] | undefined): void {
  output(ingress, cluster, 'hostname', {
    value: ingress.hostname,
    description: `Ingress of Cast cluster ${cluster.name}: point your domains here with a CNAME`,
  });
  output(ingress, cluster, 'addresses', {
    value: addresses,
    description: `Ingress load balancer address of Cast cluster ${cluster.name}, by cloud`,
  });
  if (nameServers) {
    output(ingress, cluster, 'nameServers', {
      value: nameServers,
      description: `Name servers of the ingress zone of Cast cluster ${cluster.name}: delegate the zone to them at your registrar`,
    });
  }
}

function output(ingress: IngressStack, cluster: CastCluster, key: keyof typeof INGRESS_OUTPUT, config: ConstructorParameters<typeof TerraformOutput>[2]): void {
  new TerraformOutput(ingress, `output-${key}`, config).overrideLogicalId(clusterOutputName(cluster, INGRESS_OUTPUT[key]));
}
