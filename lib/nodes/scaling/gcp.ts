/**
 * GCP scaling group: a shielded instance template carrying the worker network
 * tag and a zonal managed instance group; and the service account the
 * control-plane nodes give the autoscaler.
 */
import { ComputeInstanceGroupManager } from '@cdktf/provider-google/lib/compute-instance-group-manager';
import { ComputeInstanceTemplate } from '@cdktf/provider-google/lib/compute-instance-template';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { labelMap } from '../../core/cluster-labels';
import { resourceAddress } from '../node-spec';
import { AutoscalerGrantSpec, AutoscalerIdentity, ScalingGroupAttachment, ScalingGroupSpec } from './scaling-spec';

// Service account ids are 6 to 30 characters (cloud.google.com/iam/docs/service-accounts-create).
const MAX_ACCOUNT_ID_LENGTH = 30;
const ACCOUNT_SUFFIX = '-autoscaler';
// The provider refuses a name_prefix over 54 characters (it appends a unique suffix within
// GCP's 63); that also keeps base_instance_name under its 58.
const MAX_TEMPLATE_PREFIX_LENGTH = 54;

export function buildScalingGroup(scope: Construct, spec: ScalingGroupSpec): ScalingGroupAttachment {
  const template = createTemplate(scope, spec);
  const group = createGroup(scope, spec, template);
  return { groupName: group.name, groupAddress: resourceAddress(group), autoscalerRef: group.instanceGroup };
}

export function grantAutoscaler(scope: Construct, spec: AutoscalerGrantSpec): AutoscalerIdentity | undefined {
  const accountId = autoscalerAccountId(spec.clusterName);
  const client = new DataGoogleClientConfig(scope, `${spec.clusterName}-autoscaler-client`, { provider: spec.provider });
  const account = new ServiceAccount(scope, `${spec.clusterName}-autoscaler`, {
    provider: spec.provider,
    accountId,
    displayName: `cluster-autoscaler of ${spec.clusterName}`,
  });
  // cluster-autoscaler's GCE provider lists and resizes MIGs and reads instance templates
  // (cluster-autoscaler/cloudprovider/gce/README.md); instanceAdmin.v1 is the predefined role that covers it.
  new ProjectIamMember(scope, `${spec.clusterName}-autoscaler-instance-admin`, {
    provider: spec.provider,
    project: client.project,
    role: 'roles/compute.instanceAdmin.v1',
    member: account.member,
  });
  return { gcpServiceAccountEmail: account.email, gcpProject: client.project };
}

/**
 * `<cluster>-autoscaler` when it fits in 30 characters; otherwise the first
 * characters of the cluster name, 6 hex digits of its SHA-1 (so two long names
 * sharing a start still differ) and the suffix: `my-very-lon-1a2b3c-autoscaler`.
 */
export function autoscalerAccountId(clusterName: string): string {
  const full = `${clusterName}${ACCOUNT_SUFFIX}`;
  if (full.length <= MAX_ACCOUNT_ID_LENGTH) return full;
  const hash = createHash('sha1').update(clusterName, 'utf8').digest('hex').slice(0, 6);
  const room = MAX_ACCOUNT_ID_LENGTH - ACCOUNT_SUFFIX.length - hash.length - 1;
  return `${clusterName.slice(0, room).replace(/-+$/, '')}-${hash}${ACCOUNT_SUFFIX}`;
}

/**
 * The `kube-env` metadata cluster-autoscaler's GCE provider reads a MIG's node
 * labels and taints from when it has no node to copy (scale from zero):
 * `AUTOSCALER_ENV_VARS: node_labels=k=v,...;node_taints=k=v:Effect,...;os=linux`.
 */
export function autoscalerKubeEnv(spec: Pick<ScalingGroupSpec, 'nodeLabels' | 'nodeTaints'>): string {
  const labels = Object.entries(spec.nodeLabels).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => `${key}=${value}`);
  const taints = spec.nodeTaints.map((taint) => `${taint.key}=${taint.value ?? ''}:${taint.effect}`).sort();
  const vars = [`node_labels=${labels.join(',')}`, `node_taints=${taints.join(',')}`, 'os=linux'].join(';');
  // A JSON string is a valid YAML scalar.
  return `AUTOSCALER_ENV_VARS: ${JSON.stringify(vars)}\n`;
}

function createTemplate(scope: Construct, spec: ScalingGroupSpec): ComputeInstanceTemplate {
  const namePrefix = `${spec.name}-`;
  if (namePrefix.length > MAX_TEMPLATE_PREFIX_LENGTH) {
    throw new Error(`${scope.node.path}: scaling group name must be at most ${MAX_TEMPLATE_PREFIX_LENGTH - 1} characters on GCP (got "${spec.name}", ${spec.name.length}). Use a shorter group id or cluster name.`);
  }
  return new ComputeInstanceTemplate(scope, `${spec.name}-template`, {
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
    metadata: { 'user-data': spec.userData, 'block-project-ssh-keys': 'true', 'kube-env': autoscalerKubeEnv(spec) },
    // Pod traffic is routed through nodes.
    canIpForward: true,
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    scheduling: spec.spot
      ? { provisioningModel: 'SPOT', preemptible: true, automaticRestart: false, onHostMaintenance: 'TERMINATE', instanceTerminationAction: 'DELETE' }
      : { provisioningModel: 'STANDARD', automaticRestart: true, onHostMaintenance: 'MIGRATE' },
    // No service account: the nodes call no Google API.
  });
}

function createGroup(scope: Construct, spec: ScalingGroupSpec, template: ComputeInstanceTemplate): ComputeInstanceGroupManager {
  return new ComputeInstanceGroupManager(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    zone: spec.location.zone,
    baseInstanceName: spec.name,
    // self_link_unique names this exact template, so a new template is a new version.
    version: [{ instanceTemplate: template.selfLinkUnique }],
    // The provider defaults an unset target_size to 0; start at min and let the autoscaler own it.
    targetSize: spec.minNodes,
    lifecycle: { ignoreChanges: ['target_size'] },
    dependsOn: spec.dependsOn,
  });
}
