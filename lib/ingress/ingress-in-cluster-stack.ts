import { join } from 'node:path';
import { HelmProvider, HelmProviderKubernetes } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { AssetType, Fn, TerraformAsset, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { templatesDirectory } from '../core/bootstrap/template-files';
import { Cloud } from '../core/cloud';
import { labelMap } from '../core/cluster-labels';
import { ChartSource, CHARTS } from '../core/ingress/ingress-defaults';
import {
  renderCertManagerValues, renderClusterIssuer, renderIngressNginxValues, renderManifestsChartValues, renderPrometheusValues,
} from '../core/ingress/render-in-cluster';
import { throwProblems } from '../private/validation-error';
import { clusterOutputName, findClusterOutput } from './cluster-view';
import { INGRESS_OUTPUT } from './ingress-outputs';
import type { IngressStack } from './ingress-stack';

/** Properties of an IngressInClusterStack. */
export interface IngressInClusterStackProps {
  /** The ingress whose controller, certificates and metrics this stack installs. */
  readonly ingress: IngressStack;
}

/**
 * The in-cluster part of an IngressStack, in a stack of its own: ingress-nginx
 * as a DaemonSet on the fixed NodePorts, cert-manager with an ACME
 * ClusterIssuer, and Prometheus (unless you name yours), each a pinned Helm
 * release in a namespace carrying the cluster labels.
 *
 * Why a second stack: the helm and kubernetes providers need the cluster's API
 * address and credentials when Terraform plans, and in the cluster's own stack
 * those are not known until the apply that creates them (Terraform's provider
 * documentation warns against exactly that). Here they come from the cluster
 * stack's `cast_cluster_<name>_kubeconfig` output through a
 * `terraform_remote_state` data source on that stack's backend (cdktf's
 * cross-stack mechanism), which is read at plan time, after the cluster stack
 * has been applied. `cdktf deploy` orders the two stacks by that dependency.
 */
export class IngressInClusterStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: IngressInClusterStackProps) {
    super(scope, id);
    const ingress = props.ingress;
    const cluster = ingress.cluster;
    const plan = ingress._plan;
    const kubeconfigOutput = clusterOutputName(cluster, '_kubeconfig');
    throwProblems(this, findClusterOutput(cluster, kubeconfigOutput) ? [] : [
      `ingress must belong to a cluster with a ${kubeconfigOutput} output (got ${cluster.node.path}, which has none). Add the cluster's node groups before the IngressStack.`,
    ]);

    const clusterStack = TerraformStack.of(ingress);
    this.addDependency(clusterStack);
    const state = this.registerIncomingCrossStackReference(clusterStack);
    const access = kubernetesAccess(Fn.yamldecode(state.getString(kubeconfigOutput)));
    new HelmProvider(this, 'helm', { kubernetes: access });
    const kubernetes = new KubernetesProvider(this, 'kubernetes', { ...access });
    const labels = labelMap(cluster._labels);
    const namespace = (chart: ChartSource) =>
      new NamespaceV1(this, `namespace-${chart.namespace}`, { provider: kubernetes, metadata: { name: chart.namespace, labels } }).metadata.name;

    // GCP's passthrough load balancer delivers to port 80/443 of its own address
    // (lib/ingress/gcp.ts): kube-proxy maps it to the controller as an external IP.
    const gcpAddress = plan.clouds.includes(Cloud.GCP)
      ? Token.asString(Fn.lookup(state.get(clusterOutputName(cluster, INGRESS_OUTPUT.addresses)), Cloud.GCP, ''))
      : undefined;
    release(this, CHARTS.ingressNginx, namespace(CHARTS.ingressNginx), plan.versions.ingressNginx, renderIngressNginxValues(plan), {
      setList: gcpAddress ? [{ name: 'controller.service.externalIPs', value: [gcpAddress] }] : undefined,
    });
    const certManager = release(this, CHARTS.certManager, namespace(CHARTS.certManager), plan.versions.certManager, renderCertManagerValues(plan));
    // The ClusterIssuer needs cert-manager's CRDs and webhook: a release of its
    // own after cert-manager's (which waits until its webhook is ready).
    const chart = new TerraformAsset(this, 'cast-manifests-chart', { path: join(templatesDirectory(), 'ingress', 'charts', 'cast-manifests'), type: AssetType.DIRECTORY });
    new Release(this, 'cluster-issuer', {
      name: 'cast-cluster-issuer',
      chart: `./${chart.path}`,
      namespace: CHARTS.certManager.namespace,
      values: [renderManifestsChartValues([renderClusterIssuer(plan, labels)])],
      dependsOn: [certManager],
    });
    if (plan.prometheus.install) {
      release(this, CHARTS.prometheus, namespace(CHARTS.prometheus), plan.versions.prometheus, renderPrometheusValues(plan));
    }
  }
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

function release(scope: Construct, chart: ChartSource, namespace: string, version: string, values: string, extra: { setList?: { name: string; value: string[] }[] } = {}): Release {
  return new Release(scope, chart.release, {
    name: chart.release,
    repository: chart.repository,
    chart: chart.chart,
    version,
    namespace,
    values: [values],
    // Helm reports success only once the pods are ready, so what depends on
    // the release (the ClusterIssuer on cert-manager's webhook) finds it working.
    wait: true,
    timeout: 600,
    ...extra,
  });
}
