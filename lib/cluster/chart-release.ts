/**
 * A Helm release of a pinned chart from its repository, as every in-cluster component of ours
 * is installed (the ingress's and the middleware's charts; our own manifests go through the
 * local chart instead, cast-manifests-chart.ts).
 */
import { Release } from '@cdktf/provider-helm/lib/release';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ChartSource } from '../core/ingress/ingress-defaults';
import type { ClusterConnection } from './in-cluster-connection';

/** `chart` at exactly `version` in `namespace`, with `values` (one YAML document), after `dependsOn`. */
export function pinnedChartRelease(scope: Construct, connection: ClusterConnection, chart: ChartSource, namespace: string, version: string, values: string, dependsOn: ITerraformDependable[] = []): Release {
  return new Release(scope, chart.release, {
    provider: connection.helm,
    name: chart.release,
    repository: chart.repository,
    chart: chart.chart,
    version,
    namespace,
    values: [values],
    // Helm reports success only once the pods are ready, so what depends on the release (the
    // ClusterIssuer on cert-manager's webhook, oauth2-proxy's upstreams) finds it working.
    wait: true,
    timeout: 600,
    dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
  });
}
