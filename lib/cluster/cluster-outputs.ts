/**
 * The cluster's Terraform outputs, grouped by who reads them:
 * - `cast_cluster_<name>`: the description cast-drift compares against state;
 * - `cast_cluster_<name>_api_endpoint` and `_kubeconfig` (sensitive): for people and CI;
 * - `cast_cluster_<name>_nodes`: per node its cloud, role and addresses.
 * Values are lazy: node groups are added after the cluster is constructed.
 */
import { Fn, Lazy, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterPlan } from '../core/cluster-plan';
import { ClusterCredentials } from './cluster-credentials';

/** The description output, present on every cluster. */
export function describeCluster(cluster: Construct, clusterName: string, description: () => Record<string, unknown>): void {
  output(cluster, clusterName, 'description', '', {
    value: Lazy.stringValue({ produce: () => JSON.stringify(description()) }),
    description: `Cast cluster ${clusterName}: what cast-drift compares against state`,
  });
}

/** Outputs that exist once the cluster has nodes, from the cluster plan (asked for at synth). */
export function addNodeOutputs(cluster: Construct, clusterName: string, plan: () => ClusterPlan, credentials: ClusterCredentials): void {
  output(cluster, clusterName, 'api-endpoint', '_api_endpoint', {
    value: Lazy.stringValue({ produce: () => `https://${plan().endpoint}:6443` }),
    description: `Kubernetes API of Cast cluster ${clusterName}`,
  });
  output(cluster, clusterName, 'kubeconfig', '_kubeconfig', {
    value: Lazy.stringValue({ produce: () => kubeconfig(clusterName, plan().endpoint, credentials) }),
    description: `Administrator kubeconfig of Cast cluster ${clusterName}`,
    sensitive: true,
  });
  output(cluster, clusterName, 'nodes', '_nodes', {
    value: Lazy.anyValue({
      produce: () =>
        Object.fromEntries(
          plan().nodes.map((n) => [
            n.name,
            { cloud: n.cloud, role: n.role, public_address: n.publicAddress, private_address: n.privateAddress, mesh_address: n.clusterAddress },
          ]),
        ),
    }),
    description: `Nodes of Cast cluster ${clusterName}: cloud, role, public, private and mesh address (the private address when the cluster runs on one cloud network)`,
  });
}

function output(cluster: Construct, clusterName: string, id: string, suffix: string, config: ConstructorParameters<typeof TerraformOutput>[2]): void {
  new TerraformOutput(cluster, id, config).overrideLogicalId(clusterOutputId(clusterName, suffix));
}

/** `cast_cluster_<name><suffix>`: the name of each of a cluster's outputs. */
export function clusterOutputId(clusterName: string, suffix: string): string {
  return `cast_cluster_${clusterName.replace(/-/g, '_')}${suffix}`;
}

/** The kubeconfig as an object that Terraform serializes (`yamlencode`) once the references are known. */
function kubeconfig(clusterName: string, endpoint: string, credentials: ClusterCredentials): string {
  const user = `${clusterName}-admin`;
  return Fn.yamlencode({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: `https://${endpoint}:6443`, 'certificate-authority-data': Fn.base64encode(credentials.caCertPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': Fn.base64encode(credentials.adminCertPem), 'client-key-data': Fn.base64encode(credentials.adminKeyPem) } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user } }],
    'current-context': clusterName,
  });
}
