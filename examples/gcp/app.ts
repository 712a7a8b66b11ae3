/** A single-cloud cluster on GCP: the cloud network only, no WireGuard between clouds. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud } from '../../lib';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'gcp');
  new CastCluster(stack, 'gcp-only', {
    name: 'gcp-only',
    region: 'eu-central',
    clouds: [Cloud.GCP],
  });
}
