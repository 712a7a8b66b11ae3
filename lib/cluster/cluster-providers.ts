/** The providers a cluster configures for the clouds whose provider the user did not pass. */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformProvider } from 'cdktf';
import { Cloud } from '../core/cloud';
import { labelMap } from '../core/cluster-labels';
import { locationIn } from '../core/regions';
import type { CastCluster } from './cast-cluster';
import { CastClusterProps } from './cast-cluster-props';

/** An aliased provider for `cloud` in the cluster's region, stamping the cluster labels where the provider can. */
export function configureProvider(cluster: CastCluster, cloud: Cloud, props: CastClusterProps): TerraformProvider {
  const location = locationIn(cluster.region, cloud)!;
  const labels = labelMap({ uuid: cluster.uuid, name: cluster.name, extra: props.tags ?? {} });
  // Aliased, so the cluster's providers never clash with the stack's own.
  const alias = `${cluster.name.replace(/-/g, '_')}_${cloud}`;
  switch (cloud) {
    case Cloud.AWS:
      return new AwsProvider(cluster, 'provider-aws', { alias, region: location.region, defaultTags: [{ tags: labels }] });
    case Cloud.GCP: {
      const provider = new GoogleProvider(cluster, 'provider-gcp', { alias, project: props.gcpProject, region: location.region, zone: location.zone });
      // Set as an override: cdktf snake-cases the keys of provider maps other than
      // tags, which would turn cast-cluster-uuid into cast_cluster_uuid.
      provider.addOverride('default_labels', labels);
      return provider;
    }
    case Cloud.AZURE:
      // No rolling of scale-set instances inside an apply: with the provider's default
      // (roll_instances_when_required = true) a change of a scale set's model (custom_data, image,
      // size) makes Terraform update and reimage every running instance, one after another, in
      // that apply (azurerm 4.x internal/features/defaults.go; virtual_machine_scale_set_update.go).
      // With upgrade_mode Manual and this off, running instances keep their model and new ones
      // get the new one (docs/lifecycle.md, "Autoscaled groups").
      return new AzurermProvider(cluster, 'provider-azure', { alias, features: [{ virtualMachineScaleSet: [{ rollInstancesWhenRequired: false }] }] });
    case Cloud.DIGITALOCEAN:
      return new DigitaloceanProvider(cluster, 'provider-digitalocean', { alias });
  }
}
