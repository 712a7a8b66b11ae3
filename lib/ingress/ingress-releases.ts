/**
 * The in-cluster part of an IngressStack: ingress-nginx as a DaemonSet on the
 * fixed NodePorts, cert-manager with an ACME ClusterIssuer, and Prometheus
 * (unless you name yours), each a pinned Helm release in a namespace carrying
 * the cluster labels. Added to an in-cluster stack (InClusterStack, or the
 * IngressInClusterStack of older apps).
 */
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { castManifestsChart } from '../cluster/cast-manifests-chart';
import type { ClusterConnection } from '../cluster/in-cluster-connection';
import { Cloud } from '../core/cloud';
import { labelMap } from '../core/cluster-labels';
import { ChartSource, CHARTS } from '../core/ingress/ingress-defaults';
import {
  renderCertManagerValues, renderClusterIssuer, renderIngressNginxValues, renderManifestsChartValues, renderPrometheusValues,
} from '../core/ingress/render-in-cluster';
import { clusterOutputName } from './cluster-view';
import { INGRESS_OUTPUT } from './ingress-outputs';
import type { IngressStack } from './ingress-stack';

/** Adds the ingress's releases to `scope`, an in-cluster stack connected to the ingress's cluster. */
export function addIngressReleases(scope: Construct, ingress: IngressStack, connection: ClusterConnection): void {
  const cluster = ingress.cluster;
  const plan = ingress._plan;
  const labels = labelMap(cluster._labels);
  const namespace = (chart: ChartSource) =>
    new NamespaceV1(scope, `namespace-${chart.namespace}`, { provider: connection.kubernetes, metadata: { name: chart.namespace, labels } }).metadata.name;

  // GCP's passthrough load balancer delivers to port 80/443 of its own address
  // (lib/ingress/gcp.ts): kube-proxy maps it to the controller as an external IP.
  const gcpAddress = plan.clouds.includes(Cloud.GCP)
    ? Token.asString(Fn.lookup(connection.state.get(clusterOutputName(cluster, INGRESS_OUTPUT.addresses)), Cloud.GCP, ''))
    : undefined;
  release(scope, connection, CHARTS.ingressNginx, namespace(CHARTS.ingressNginx), plan.versions.ingressNginx, renderIngressNginxValues(plan), {
    setList: gcpAddress ? [{ name: 'controller.service.externalIPs', value: [gcpAddress] }] : undefined,
  });
  const certManager = release(scope, connection, CHARTS.certManager, namespace(CHARTS.certManager), plan.versions.certManager, renderCertManagerValues(plan));
  // The ClusterIssuer needs cert-manager's CRDs and webhook: a release of its
  // own after cert-manager's (which waits until its webhook is ready).
  new Release(scope, 'cluster-issuer', {
    provider: connection.helm,
    name: 'cast-cluster-issuer',
    chart: castManifestsChart(scope),
    namespace: CHARTS.certManager.namespace,
    values: [renderManifestsChartValues([renderClusterIssuer(plan, labels)])],
    dependsOn: [certManager],
  });
  if (plan.prometheus.install) {
    release(scope, connection, CHARTS.prometheus, namespace(CHARTS.prometheus), plan.versions.prometheus, renderPrometheusValues(plan));
  }
}

function release(scope: Construct, connection: ClusterConnection, chart: ChartSource, namespace: string, version: string, values: string, extra: { setList?: { name: string; value: string[] }[] } = {}): Release {
  return new Release(scope, chart.release, {
    provider: connection.helm,
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
