/**
 * How an in-cluster stack reaches its cluster: the helm and kubernetes providers
 * configured from the cluster stack's kubeconfig output, read through the remote
 * state of that stack.
 *
 * Why a second stack at all: the helm and kubernetes providers need the API
 * address and credentials when Terraform plans, and in the cluster's own stack
 * those are not known until the apply that creates them (Terraform's provider
 * documentation warns against exactly that). Here they come from the cluster
 * stack's `cast_cluster_<name>_kubeconfig` output through a
 * `terraform_remote_state` data source on that stack's backend (cdktf's
 * cross-stack mechanism), read at plan time, after the cluster stack has been
 * applied. `cdktf deploy` orders the two stacks by that dependency.
 */
import { HelmProvider, HelmProviderKubernetes } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, TerraformRemoteState, TerraformStack, Token } from 'cdktf';
import type { CastCluster } from './cast-cluster';
import { clusterOutputId } from './cluster-outputs';

/** What an in-cluster stack deploys with. */
export interface ClusterConnection {
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;
  /** The cluster stack's state, for its other outputs. */
  readonly state: TerraformRemoteState;
}

/** The kubeconfig output every in-cluster stack reads. */
export function kubeconfigOutputName(cluster: CastCluster): string {
  return clusterOutputId(cluster.name, '_kubeconfig');
}

/** Makes `stack` depend on the cluster's stack and configures its providers from the kubeconfig output. */
export function connectToCluster(stack: TerraformStack, cluster: CastCluster): ClusterConnection {
  const clusterStack = TerraformStack.of(cluster);
  stack.addDependency(clusterStack);
  const state = stack.registerIncomingCrossStackReference(clusterStack);
  const access = kubernetesAccess(Fn.yamldecode(state.getString(kubeconfigOutputName(cluster))));
  return {
    helm: new HelmProvider(stack, 'helm', { kubernetes: access }),
    kubernetes: new KubernetesProvider(stack, 'kubernetes', { ...access }),
    state,
  };
}

/** API address and admin credentials, read from the kubeconfig the cluster stack outputs. */
function kubernetesAccess(kubeconfig: unknown): Required<Pick<HelmProviderKubernetes, 'host' | 'clusterCaCertificate' | 'clientCertificate' | 'clientKey'>> {
  const field = (...path: (string | number)[]) => Token.asString(Fn.lookupNested(kubeconfig, path));
  return {
    host: field('clusters', 0, 'cluster', 'server'),
    clusterCaCertificate: Fn.base64decode(field('clusters', 0, 'cluster', 'certificate-authority-data')),
    clientCertificate: Fn.base64decode(field('users', 0, 'user', 'client-certificate-data')),
    clientKey: Fn.base64decode(field('users', 0, 'user', 'client-key-data')),
  };
}
