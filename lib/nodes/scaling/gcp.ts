/**
 * GCP scaling group: a shielded instance template carrying the worker network
 * tag, a zonal managed instance group and the MIG's own autoscaler on CPU
 * utilisation, removing at most one node per cooldown window.
 *
 * The group scales itself, like a DigitalOcean pool, rather than through
 * cluster-autoscaler: upstream's GCE provider cannot run in a cluster whose
 * nodes have other or empty providerIDs (our static nodes have none, other
 * clouds' nodes have theirs). `GceCloudProvider.NodeGroupForNode` returns the
 * parse error of `GceRefFromProviderId` instead of nil, which aborts scale-up
 * ("wrong id: expected format gce://<project-id>/<zone>/<name>";
 * kubernetes/autoscaler#10140; AWS fixed the same in kubernetes/autoscaler#8047,
 * Azure skips foreign ids). So there is no autoscaler identity to grant.
 */
import { ComputeAutoscaler } from '@cdktf/provider-google/lib/compute-autoscaler';
import { ComputeInstanceGroupManager } from '@cdktf/provider-google/lib/compute-instance-group-manager';
import { ComputeInstanceTemplate } from '@cdktf/provider-google/lib/compute-instance-template';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../../core/cluster-labels';
import { instanceMetadata, serviceAccountBlock } from '../gcp';
import { resourceAddress } from '../node-spec';
import { AutoscalerGrantSpec, AutoscalerIdentity, ScalingGroupAttachment, ScalingGroupSpec } from './scaling-spec';

// The provider refuses a name_prefix over 54 characters (it appends a unique suffix within
// GCP's 63); that also keeps base_instance_name under its 58.
const MAX_TEMPLATE_PREFIX_LENGTH = 54;
// The MIG autoscaler's CPU target when the policy gives none.
const DEFAULT_CPU_TARGET = 0.9;
// GCP takes a CPU target in (0, 1]; the lower bound is DigitalOcean's, so both clouds agree.
const CPU_TARGET_RANGE = { min: 0.05, max: 1 } as const;
const DEFAULT_COOLDOWN_MINUTES = 10;
// The autoscaler's initialization period: a new VM's CPU is ignored while it boots and
// joins with kubeadm (GCP's default of 60 s would count the boot as load and scale out again).
const INITIALIZATION_PERIOD_SECONDS = 300;

/**
 * The API seeds are in the instance template, which cannot change (metadata is ForceNew on
 * google_compute_instance_template), so adding or removing a control plane makes a new
 * template and a new version of the group. What a group does with its running VMs then is
 * its update policy's `type`: "PROACTIVE so that the instance group manager proactively
 * executes actions in order to bring instances to their target versions or OPPORTUNISTIC so
 * that no action is proactively executed but the update will be performed as part of other
 * actions (for example, resizes or recreateInstances calls)" (hashicorp/terraform-provider-google
 * resource_compute_instance_group_manager.go, update_policy.type; left out, it is Compute
 * Engine's default, which the provider only reads back). OPPORTUNISTIC: running VMs stay
 * (as on AWS, whose groups have no instance refresh, and Azure, whose scale sets upgrade
 * manually), new ones start from the new template; `update_policy` changes in place. The user data
 * and the pinned image (lib/nodes/os-image.ts) are in the template as well, so every group has it.
 *
 * The workers' service account is in the template too (ScalingGroupSpec.workerIdentity), and
 * `service_account` is ForceNew on google_compute_instance_template (hashicorp/google 6.50.0,
 * test/terraform/stand-in/replace-rules/google.ts): it appears once the cluster has a GCP control
 * plane, which makes a new template, and the group keeps its running VMs for the same reason.
 * They joined the cluster already and need no join token; the group's new VMs boot with the account.
 */
const KEEP_RUNNING_VMS = { type: 'OPPORTUNISTIC', minimalAction: 'REPLACE' } as const;

export function buildScalingGroup(scope: Construct, spec: ScalingGroupSpec): ScalingGroupAttachment {
  const template = createTemplate(scope, spec);
  const group = createGroup(scope, spec, template);
  createAutoscaler(scope, spec, group);
  return { groupName: group.name, groupAddress: resourceAddress(group), autoscalerRef: group.instanceGroup };
}

export function grantAutoscaler(_scope: Construct, _spec: AutoscalerGrantSpec): AutoscalerIdentity | undefined {
  return undefined;
}

/** The CPU utilisation target: the policy's, clamped to [0.05, 1]; 0.9 without one. */
export function cpuTarget(spec: Pick<ScalingGroupSpec, 'utilizationTarget'>): number {
  const cpu = spec.utilizationTarget?.cpu ?? DEFAULT_CPU_TARGET;
  return Math.min(CPU_TARGET_RANGE.max, Math.max(CPU_TARGET_RANGE.min, cpu));
}

function createTemplate(scope: Construct, spec: ScalingGroupSpec): ComputeInstanceTemplate {
  const namePrefix = `${spec.name}-`;
  if (namePrefix.length > MAX_TEMPLATE_PREFIX_LENGTH) {
    throw new Error(`${scope.node.path}: scaling group name must be at most ${MAX_TEMPLATE_PREFIX_LENGTH - 1} characters on GCP (got "${spec.name}", ${spec.name.length}). Use a shorter group id or cluster name.`);
  }
  const template = new ComputeInstanceTemplate(scope, `${spec.name}-template`, {
    provider: spec.provider,
    // Templates are immutable: each change makes a new one, created before the old one goes.
    namePrefix,
    lifecycle: { createBeforeDestroy: true },
    machineType: spec.instanceType,
    region: spec.location.region,
    tags: [spec.network.roleFirewall.worker],
    labels: { ...labelMap(spec.labels), 'cast-node-role': 'worker' },
    // Persistent disks are always encrypted at rest by Google-managed keys.
    disk: [{ sourceImage: spec.image, diskSizeGb: spec.diskSizeGb, diskType: 'pd-balanced', boot: true, autoDelete: true, labels: labelMap(spec.labels) }],
    // An empty access_config gives each instance an ephemeral public address (found at boot).
    networkInterface: [{ subnetwork: spec.network.subnetId, accessConfig: [{}] }],
    // The API seeds as on a static node (lib/nodes/gcp.ts). A template cannot change, so new seeds
    // make a new template; the group below keeps its running VMs (OPPORTUNISTIC).
    metadata: instanceMetadata(spec.userData, spec.apiServers),
    // Pod traffic is routed through nodes.
    canIpForward: true,
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    scheduling: spec.spot
      ? { provisioningModel: 'SPOT', preemptible: true, automaticRestart: false, onHostMaintenance: 'TERMINATE', instanceTerminationAction: 'DELETE' }
      : { provisioningModel: 'STANDARD', automaticRestart: true, onHostMaintenance: 'MIGRATE' },
    // The workers' service account, added below once the cluster has a GCP control plane.
  });
  const identity = spec.workerIdentity;
  if (identity !== undefined) {
    // Asked for at synth (the cloud's first control-plane group may come after this group); no
    // block while there is no account. The instances read the join token with it and call no
    // other Google API; scope as on a static node (lib/nodes/gcp.ts, nodeServiceAccount).
    template.addOverride('service_account', Lazy.anyValue({ produce: () => serviceAccountBlock(identity()?.gcpServiceAccountEmail) }));
  }
  return template;
}

function createGroup(scope: Construct, spec: ScalingGroupSpec, template: ComputeInstanceTemplate): ComputeInstanceGroupManager {
  return new ComputeInstanceGroupManager(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    zone: spec.location.zone,
    baseInstanceName: spec.name,
    // self_link_unique names this exact template, so a new template is a new version.
    version: [{ instanceTemplate: template.selfLinkUnique }],
    // The provider defaults an unset target_size to 0; start at min and let the MIG's autoscaler own it.
    targetSize: spec.minNodes,
    // Always: the template changes with the user data, the pinned image, the seeds and the workers' account.
    updatePolicy: KEEP_RUNNING_VMS,
    lifecycle: { ignoreChanges: ['target_size'] },
    dependsOn: spec.dependsOn,
  });
}

function createAutoscaler(scope: Construct, spec: ScalingGroupSpec, group: ComputeInstanceGroupManager): ComputeAutoscaler {
  return new ComputeAutoscaler(scope, `${spec.name}-autoscaler`, {
    provider: spec.provider,
    name: spec.name,
    zone: spec.location.zone,
    // The URL of the managed instance group.
    target: group.selfLink,
    autoscalingPolicy: {
      minReplicas: spec.minNodes,
      maxReplicas: spec.maxNodes,
      cooldownPeriod: INITIALIZATION_PERIOD_SECONDS,
      mode: 'ON',
      cpuUtilization: { target: cpuTarget(spec) },
      // Per-node scale-in: at most one instance removed per window.
      scaleInControl: {
        timeWindowSec: (spec.cooldownMinutes ?? DEFAULT_COOLDOWN_MINUTES) * 60,
        maxScaledInReplicas: { fixed: 1 },
      },
    },
  });
}
