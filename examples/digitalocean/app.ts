/** A single-cloud cluster on DIGITALOCEAN: the cloud network only, no WireGuard between clouds. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud } from '../../lib';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'digitalocean');
  new CastCluster(stack, 'do-only', {
    name: 'do-only',
    region: 'asia-singapore',
    clouds: [Cloud.DIGITALOCEAN],
  });
}
