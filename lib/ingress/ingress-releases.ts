/**
 * The in-cluster part of an IngressStack: Envoy Gateway (its CRDs, its controller,
 * and the GatewayClass `cast`, Gateway `cast` and Envoy data plane on the fixed
 * NodePorts), cert-manager with an ACME ClusterIssuer solving HTTP-01 through the
 * Gateway and a Certificate per name of the `https` listener, and Prometheus (unless
 * you name yours), each chart a pinned Helm release in a namespace carrying the
 * cluster labels. Added to an in-cluster stack (InClusterStack, or the
 * IngressInClusterStack of older apps).
 *
 *   envoy-gateway-crds ──▶ envoy-gateway ──▶ cast-gateway (EnvoyProxy, GatewayClass, Gateway, health check)
 *          │                                      │
 *          └──────────▶ cert-manager ─────────────┴──▶ cast-cluster-issuer (ClusterIssuer, Certificates)
 */
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { castManifestsChart } from '../cluster/cast-manifests-chart';
import { pinnedChartRelease } from '../cluster/chart-release';
import type { ClusterConnection } from '../cluster/in-cluster-connection';
import { Cloud } from '../core/cloud';
import { labelMap } from '../core/cluster-labels';
import { ChartSource, CHARTS } from '../core/ingress/ingress-defaults';
import {
  renderCertificates, renderCertManagerValues, renderClusterIssuer, renderEnvoyGatewayCrdsValues, renderEnvoyGatewayValues,
  renderGatewayManifests, renderManifestsChartValues, renderPodMonitors, renderPrometheusValues,
} from '../core/ingress/render-in-cluster';
import { clusterOutputName } from './cluster-view';
import { INGRESS_OUTPUT } from './ingress-outputs';
import type { IngressStack } from './ingress-stack';

/** Adds the ingress's releases to `scope`, an in-cluster stack connected to the ingress's cluster. */
export function addIngressReleases(scope: Construct, ingress: IngressStack, connection: ClusterConnection): void {
  const cluster = ingress.cluster;
  const plan = ingress._plan;
  const labels = labelMap(cluster._labels);
  const namespaces = new Map<string, string>();
  const namespace = (chart: ChartSource) => {
    if (!namespaces.has(chart.namespace)) {
      namespaces.set(chart.namespace, new NamespaceV1(scope, `namespace-${chart.namespace}`, { provider: connection.kubernetes, metadata: { name: chart.namespace, labels } }).metadata.name);
    }
    return namespaces.get(chart.namespace)!;
  };

  const crds = pinnedChartRelease(scope, connection, CHARTS.envoyGatewayCrds, namespace(CHARTS.envoyGatewayCrds), plan.versions.envoyGateway, renderEnvoyGatewayCrdsValues(plan));
  const envoyGateway = pinnedChartRelease(scope, connection, CHARTS.envoyGateway, namespace(CHARTS.envoyGateway), plan.versions.envoyGateway, renderEnvoyGatewayValues(plan), [crds]);
  // cert-manager starts its Gateway informers only if the Gateway API CRDs exist when it starts.
  const certManager = pinnedChartRelease(scope, connection, CHARTS.certManager, namespace(CHARTS.certManager), plan.versions.certManager, renderCertManagerValues(plan), [crds]);

  // GCP's passthrough load balancer delivers to port 80/443 of its own address
  // (lib/ingress/gcp.ts): the Gateway lists it, and Envoy Gateway makes it an external IP.
  const gcpAddress = plan.clouds.includes(Cloud.GCP)
    ? Token.asString(Fn.lookup(connection.state.get(clusterOutputName(cluster, INGRESS_OUTPUT.addresses)), Cloud.GCP, ''))
    : undefined;
  // Custom resources in releases of their own, after the releases that install
  // their CRDs and controllers (a kubernetes_manifest would need the CRD at plan time).
  const gateway = manifests(scope, connection, 'cast-gateway', namespace(CHARTS.envoyGateway), [
    ...renderGatewayManifests(plan, { labels, gcpAddress }),
    ...renderPodMonitors(plan, labels),
  ], [envoyGateway]);
  manifests(scope, connection, 'cast-cluster-issuer', namespace(CHARTS.certManager), [
    renderClusterIssuer(plan, labels),
    ...renderCertificates(plan, labels),
  ], [certManager, gateway], 'cluster-issuer');

  if (plan.prometheus.install) {
    pinnedChartRelease(scope, connection, CHARTS.prometheus, namespace(CHARTS.prometheus), plan.versions.prometheus, renderPrometheusValues(plan));
  }
}


/** A release of the cast-manifests chart holding `documents`. */
function manifests(scope: Construct, connection: ClusterConnection, name: string, namespace: string, documents: string[], dependsOn: Release[], id = name): Release {
  return new Release(scope, id, {
    provider: connection.helm,
    name,
    chart: castManifestsChart(scope),
    namespace,
    values: [renderManifestsChartValues(documents)],
    dependsOn,
  });
}
