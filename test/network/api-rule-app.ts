/**
 * The cluster the API-rule tests narrow: a control-plane node on every cloud (AWS first,
 * so it founds the cluster and names the AWS and Azure groups in its user-data), static
 * workers on every cloud and, when asked, an autoscaled worker group on every cloud.
 */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, NodeRole, NodeShape } from '../../lib';
import type { BuildApp } from '../terraform/synthesized-app';

export interface ApiRuleShape {
  /** firewall.apiSourceRanges. @default - anywhere */
  readonly apiSourceRanges?: string[];
  /** Static workers on each cloud. @default 1 */
  readonly workersPerCloud?: number;
  /** One autoscaled worker group on each cloud. @default false */
  readonly autoscaled?: boolean;
}

/** The range a narrowed cluster lets in besides its nodes: someone's office. */
export const OFFICE = '203.0.113.0/24';
export const API_RULE_STACK = 'api-rule';
const CLOUDS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];
const SHORT: Record<Cloud, string> = { [Cloud.AWS]: 'aws', [Cloud.GCP]: 'gcp', [Cloud.AZURE]: 'azure', [Cloud.DIGITALOCEAN]: 'do' };

export function apiRuleApp(shape: ApiRuleShape = {}): BuildApp {
  return (app: App) => {
    const stack = new TerraformStack(app, API_RULE_STACK);
    const cluster = new CastCluster(stack, 'prod', {
      name: 'prod',
      region: 'us-east',
      clouds: CLOUDS,
      firewall: shape.apiSourceRanges ? { apiSourceRanges: shape.apiSourceRanges } : undefined,
      // Its buckets and identities have nothing to do with the API rules: planned elsewhere.
      etcdBackup: { enabled: false },
    });
    for (const cloud of CLOUDS) cluster.addNodeGroup(`${SHORT[cloud]}-cp`, { cloud, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL });
    for (const cloud of CLOUDS) cluster.addNodeGroup(`${SHORT[cloud]}-workers`, { cloud, role: NodeRole.WORKER, count: shape.workersPerCloud ?? 1 });
    if (shape.autoscaled) {
      for (const cloud of CLOUDS) cluster.addNodeGroup(`${SHORT[cloud]}-scaled`, { cloud, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 5 } });
    }
  };
}
