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
 *
 * The data source is made at synth, not here: cdktf builds it from the cluster
 * stack's backend as it is when asked, and gives a stack without one a local
 * backend on the spot (TerraformStack.registerIncomingCrossStackReference,
 * ensureBackendExists). Made here, it would pin the cluster stack to a local
 * file before a CastBackend made after the stacks (lib/cluster/backend.ts) could
 * put it elsewhere, and would read that file. Made at synth, it reads the
 * backend the cluster stack ends up with, with the same settings.
 */
import { HelmProvider, HelmProviderKubernetes } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, IResolvable, Lazy, TerraformRemoteState, TerraformStack, Token } from 'cdktf';
import { warnOnLocalState } from './backend-warning';
import type { CastCluster } from './cast-cluster';
import { clusterOutputId } from './cluster-outputs';

/** What an in-cluster stack deploys with. */
export interface ClusterConnection {
  readonly helm: HelmProvider;
  readonly kubernetes: KubernetesProvider;
  /** The cluster stack's outputs, for those other than the kubeconfig. */
  readonly state: ClusterStateOutputs;
}

/** The cluster stack's outputs as this stack reads them: tokens, resolved at synth. */
export interface ClusterStateOutputs {
  get(output: string): IResolvable;
  getString(output: string): string;
  getList(output: string): string[];
  getNumber(output: string): number;
}

/** The kubeconfig output every in-cluster stack reads. */
export function kubeconfigOutputName(cluster: CastCluster): string {
  return clusterOutputId(cluster.name, '_kubeconfig');
}

/** Makes `stack` depend on the cluster's stack and configures its providers from the kubeconfig output. */
export function connectToCluster(stack: TerraformStack, cluster: CastCluster): ClusterConnection {
  const clusterStack = TerraformStack.of(cluster);
  stack.addDependency(clusterStack);
  // This stack's state holds the kubeconfig it reads (a data source's result is stored) and the
  // Secrets it applies; the cluster stack's own warning is CastCluster's.
  warnOnLocalState(stack, "the cluster's admin kubeconfig");
  const state = outputsAtSynth(stack, clusterStack);
  const access = kubernetesAccess(Fn.yamldecode(state.getString(kubeconfigOutputName(cluster))));
  return {
    helm: new HelmProvider(stack, 'helm', { kubernetes: access }),
    kubernetes: new KubernetesProvider(stack, 'kubernetes', { ...access }),
    state,
  };
}

/** The outputs of `clusterStack` as `stack` reads them, through a remote state made when the tokens resolve. */
export function outputsAtSynth(stack: TerraformStack, clusterStack: TerraformStack): ClusterStateOutputs {
  // cdktf keeps one remote state per stack pair, so every output goes through the same one.
  const remote = (): TerraformRemoteState => stack.registerIncomingCrossStackReference(clusterStack);
  return {
    get: (output) => Lazy.anyValue({ produce: () => remote().get(output) }),
    getString: (output) => Lazy.stringValue({ produce: () => remote().getString(output) }),
    getList: (output) => Lazy.listValue({ produce: () => remote().getList(output) }),
    getNumber: (output) => Lazy.numberValue({ produce: () => remote().getNumber(output) }),
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
