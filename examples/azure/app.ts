/** A single-cloud cluster on AZURE: the cloud network only, no WireGuard between clouds. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud } from '../../lib';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'azure');
  new CastCluster(stack, 'azure-only', {
    name: 'azure-only',
    region: 'eu-west',
    clouds: [Cloud.AZURE],
  });
}
