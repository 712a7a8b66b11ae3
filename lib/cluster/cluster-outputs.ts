/**
 * The cluster's Terraform outputs, grouped by who reads them:
 * - `cast_cluster_<name>`: the description cast-drift compares against state;
 * - `cast_cluster_<name>_api_endpoint` and `_kubeconfig` (sensitive): for people and CI;
 * - `cast_cluster_<name>_nodes`: per node its cloud, role and addresses.
 * Values are lazy: node groups are added after the cluster is constructed.
 */
import { Fn, Lazy, TerraformOutput } from 'cdktf';
import type { CastCluster } from './cast-cluster';
import { ClusterCredentials } from './cluster-credentials';
import { ClusterNodes } from './cluster-nodes';

/** The description output, present on every cluster. */
export function describeCluster(cluster: CastCluster): void {
  output(cluster, 'description', '', {
    value: Lazy.stringValue({ produce: () => JSON.stringify(cluster._description()) }),
    description: `Cast cluster ${cluster.name}: what cast-drift compares against state`,
  });
}

/** Outputs that exist once the cluster has nodes. */
export function addNodeOutputs(cluster: CastCluster, nodes: ClusterNodes, credentials: ClusterCredentials): void {
  const endpoint = () => nodes.endpoint() ?? '';
  output(cluster, 'api-endpoint', '_api_endpoint', {
    value: Lazy.stringValue({ produce: () => `https://${endpoint()}:6443` }),
    description: `Kubernetes API of Cast cluster ${cluster.name}`,
  });
  output(cluster, 'kubeconfig', '_kubeconfig', {
    value: Lazy.stringValue({ produce: () => kubeconfig(cluster.name, endpoint(), credentials) }),
    description: `Administrator kubeconfig of Cast cluster ${cluster.name}`,
    sensitive: true,
  });
  output(cluster, 'nodes', '_nodes', {
    value: Lazy.anyValue({
      produce: () =>
        Object.fromEntries(
          nodes.nodeGroups.flatMap((group) =>
            group._nodes.map((n) => [
              n.plan.name,
              {
                cloud: n.plan.cloud,
                role: n.plan.role,
                public_address: n.attachment.publicAddress,
                private_address: n.attachment.privateAddress,
                mesh_address: nodes.clusterAddressOf(n.plan.name, n.attachment.privateAddress),
              },
            ]),
          ),
        ),
    }),
    description: `Nodes of Cast cluster ${cluster.name}: cloud, role, public, private and mesh address (the private address when the cluster runs on one cloud network)`,
  });
}

function output(cluster: CastCluster, id: string, suffix: string, config: ConstructorParameters<typeof TerraformOutput>[2]): void {
  new TerraformOutput(cluster, id, config).overrideLogicalId(`cast_cluster_${cluster.name.replace(/-/g, '_')}${suffix}`);
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
