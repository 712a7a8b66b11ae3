/** A single-cloud cluster on AWS: the cloud network only, no WireGuard between clouds. */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud } from '../../lib';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'aws');
  new CastCluster(stack, 'aws-only', {
    name: 'aws-only',
    region: 'us-east',
    clouds: [Cloud.AWS],
    // The API server only from the office; SSH opened for the same range.
    firewall: { apiSourceRanges: ['203.0.113.0/24'], sshSourceRanges: ['203.0.113.0/24'] },
  });
}
