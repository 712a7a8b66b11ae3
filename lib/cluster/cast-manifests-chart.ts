/**
 * The local chart every in-cluster release of ours installs: templates/ingress/charts/cast-manifests,
 * whose values are a list of rendered manifests (renderManifestsChartValues). Helm, not a
 * kubernetes_manifest per object: the helm provider plans without reading the cluster's API
 * schema, installs the objects of one release together, and removes what a release no longer
 * holds on the next apply.
 */
import { join } from 'node:path';
import { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, ITerraformDependable, Lazy, TerraformAsset, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { templatesDirectory } from '../core/bootstrap/template-files';
import { renderManifestsChartValues } from '../core/ingress/render-in-cluster';
import type { ClusterConnection } from './in-cluster-connection';

const ASSET_ID = 'cast-manifests-chart';

/** The chart's path as a Helm release names it, its asset made once per stack. */
export function castManifestsChart(scope: Construct): string {
  const stack = TerraformStack.of(scope);
  const asset = (stack.node.tryFindChild(ASSET_ID) as TerraformAsset | undefined)
    ?? new TerraformAsset(stack, ASSET_ID, { path: join(templatesDirectory(), 'ingress', 'charts', 'cast-manifests'), type: AssetType.DIRECTORY });
  return `./${asset.path}`;
}

/** What a release of the chart is. */
export interface ManifestsReleaseProps {
  readonly name: string;
  readonly namespace: string;
  /** One YAML document per entry, escaped for a Terraform template string; may be computed at synth. */
  readonly manifests: () => readonly string[];
  readonly connection: ClusterConnection;
  readonly dependsOn?: ITerraformDependable[];
}

/** One release of the chart, waiting until its objects are ready (Helm's `--wait`). */
export function manifestsRelease(scope: Construct, id: string, props: ManifestsReleaseProps): Release {
  const release = new Release(scope, id, {
    provider: props.connection.helm,
    name: props.name,
    chart: castManifestsChart(scope),
    namespace: props.namespace,
    // Lazy: the cluster's plan is made at synth, once every node group is known.
    values: [Lazy.stringValue({ produce: () => renderManifestsChartValues(props.manifests()) })],
    wait: true,
    timeout: 600,
    dependsOn: props.dependsOn?.length ? props.dependsOn : undefined,
  });
  return release;
}
