/**
 * The cluster every lifecycle scenario changes, modelled on examples/multi-cloud:
 * one control-plane node on each of AWS, GCP and Azure (AWS first, so its node runs
 * `kubeadm init` and its address is the API endpoint), static workers on every
 * cloud, and, when asked, one autoscaled worker group per cloud (AWS and Azure
 * autoscaling needs a control-plane node there, which this shape has; GCP and
 * DigitalOcean groups keep at least one node). A scenario is a pair of shapes.
 */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, NodeRole, NodeShape } from '../../../lib';
import type { AutoscalingPolicyOptions } from '../../../lib';
import type { OsImageOptions } from '../../../lib/nodes/os-image';
import type { BuildApp } from '../synthesized-app';

export interface ScenarioShape {
  /** Static workers in each cloud's worker group. @default 1 */
  readonly workersPerCloud?: number;
  /** Leave out the AWS control-plane group: its node is the first control-plane node. @default false */
  readonly withoutFirstControlPlane?: boolean;
  /** One autoscaled worker group per cloud. @default false */
  readonly autoscaledGroups?: boolean;
  /** The cluster's autoscaling policy. @default SCENARIO_POLICY */
  readonly autoscaling?: AutoscalingPolicyOptions;
  /** The cluster's Kubernetes version. @default - the library's default */
  readonly kubernetesVersion?: string;
  /** firewall.apiSourceRanges. @default - open to all */
  readonly apiSourceRanges?: string[];
  /** CastClusterProps.osImage. @default - each cloud's image as first deployed */
  readonly osImage?: OsImageOptions;
  /** Replacement stamps (NodeGroupOptions.replacements), by node name, of whichever group has the node. @default - none */
  readonly replacements?: Readonly<Record<string, string>>;
  /**
   * The cluster's state as the library version before pinned images and replacement stamps left
   * it (previous-library.ts): for a "before" only, to plan upgrading the library. @default false
   */
  readonly previousLibrary?: boolean;
}

/** The policy of the scenarios' clusters (examples/autoscaling's). */
export const SCENARIO_POLICY: AutoscalingPolicyOptions = {
  maxCores: 256,
  headroomCpuPercent: 15,
  headroomMemoryPercent: 10,
  emptyNodeRemovalDelayMinutes: 15,
};

export const SCENARIO_STACK = 'lifecycle';

/** The first control-plane node of the scenarios' cluster: the first seed, which founded it. */
export const FIRST_CONTROL_PLANE = 'prod-aws-cp-1';

const CLOUDS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];
const CONTROL_PLANE_CLOUDS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE];
const SHORT: Record<Cloud, string> = { [Cloud.AWS]: 'aws', [Cloud.GCP]: 'gcp', [Cloud.AZURE]: 'azure', [Cloud.DIGITALOCEAN]: 'do' };

export function scenarioApp(shape: ScenarioShape = {}): BuildApp {
  return (app: App) => {
    const stack = new TerraformStack(app, SCENARIO_STACK);
    const cluster = new CastCluster(stack, 'prod', {
      name: 'prod',
      region: 'us-east',
      clouds: CLOUDS,
      kubernetesVersion: shape.kubernetesVersion,
      autoscaling: shape.autoscaling ?? SCENARIO_POLICY,
      firewall: shape.apiSourceRanges ? { apiSourceRanges: shape.apiSourceRanges } : undefined,
      osImage: shape.osImage,
      // The etcd backup's buckets and identities are no VM and no group, the tables' subject; they
      // are planned elsewhere (test/terraform/in-cluster-plans.test.ts, the examples).
      etcdBackup: { enabled: false },
    });
    // A group takes the stamps of its own nodes only (`<cluster>-<group id>-<n>`).
    const stampsOf = (id: string) => {
      const own = Object.entries(shape.replacements ?? {}).filter(([node]) => node.startsWith(`prod-${id}-`));
      return own.length > 0 ? Object.fromEntries(own) : undefined;
    };
    const controlPlanes = shape.withoutFirstControlPlane ? CONTROL_PLANE_CLOUDS.slice(1) : CONTROL_PLANE_CLOUDS;
    for (const cloud of controlPlanes) {
      cluster.addNodeGroup(`${SHORT[cloud]}-cp`, { cloud, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL, replacements: stampsOf(`${SHORT[cloud]}-cp`) });
    }
    for (const cloud of CLOUDS) {
      const id = `${SHORT[cloud]}-workers`;
      cluster.addNodeGroup(id, { cloud, role: NodeRole.WORKER, shape: NodeShape.MEDIUM, count: shape.workersPerCloud ?? 1, replacements: stampsOf(id) });
    }
    if (shape.autoscaledGroups) {
      for (const cloud of CLOUDS) {
        cluster.addNodeGroup(`${SHORT[cloud]}-scaled`, { cloud, role: NodeRole.WORKER, shape: NodeShape.MEDIUM, autoscaling: { minNodes: 1, maxNodes: 5 } });
      }
    }
  };
}
