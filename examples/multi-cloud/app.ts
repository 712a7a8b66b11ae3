/**
 * The default example: one cluster across AWS, GCP, Azure and DigitalOcean in
 * US East (Ashburn). `npm run synth` (or `npx cdktf synth`) writes it to
 * cdktf.out/ without credentials or terraform.
 */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud } from '../../lib';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'multi-cloud');
  new CastCluster(stack, 'prod', {
    name: 'prod',
    region: 'us-east',
    clouds: [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN],
    tags: { team: 'platform' },
  });
}
