/**
 * GCP node: static external address and a shielded VM instance carrying its role's network tag.
 *
 * The API seeds ride on the instance metadata key `cast-api-servers`, beside `user-data`
 * but not in it; the node reads them at `computeMetadata/v1/instance/attributes/cast-api-servers`.
 * Custom metadata of a running VM can be updated in place
 * (cloud.google.com/compute/docs/metadata/setting-custom-metadata), and `metadata` is not
 * ForceNew on google_compute_instance in hashicorp/google 6.50.0
 * (test/terraform/stand-in/replace-rules/google.ts): a new seed list is an in-place update.
 *
 * Control planes run as the cluster's control-plane service account (their key store's
 * identity, lib/keys/gcp.ts); workers, once the cluster has a GCP control plane, as the workers'
 * one (the key store's workerIdentity), which reads the join token and nothing else.
 */
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeInstance, ComputeInstanceConfig } from '@cdktf/provider-google/lib/compute-instance';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { API_SERVERS_KEY, NodeAttachment, NodeSpec, resourceAddress, runningVmLifecycle } from './node-spec';

/**
 * What a running VM keeps (runningVmLifecycle): the metadata key `user-data` only, written as a map
 * element in index notation, which Terraform takes in ignore_changes (the lifecycle tests plan it with
 * terraform: `cast-api-servers` beside it still changes in place, test/terraform/lifecycle); and the
 * boot disk's image, which replaces the VM (ForceNew, test/terraform/stand-in/replace-rules/google.ts).
 * A running node never reads its user data again (cloud-init runs the bootstrap once); a new or
 * replaced one gets both.
 */
const KEPT_BY_RUNNING_VMS = ['metadata["user-data"]', 'boot_disk[0].initialize_params[0].image'];

export function buildNode(scope: Construct, spec: NodeSpec): NodeAttachment {
  const address = createAddress(scope, spec);
  const instance = createInstance(scope, spec, address.address);
  if (spec.controlPlaneIdentity?.gcpServiceAccountEmail === undefined && spec.workerIdentity !== undefined) {
    // Asked for at synth: the cloud's first control-plane group (and with it the key store) may be
    // added after this group. Nothing is written while the cluster has no GCP control plane.
    const identity = spec.workerIdentity;
    instance.addOverride('service_account', Lazy.anyValue({ produce: () => serviceAccountBlock(identity()?.gcpServiceAccountEmail) }));
  }
  return {
    publicAddress: address.address,
    privateAddress: instance.networkInterface.get(0).networkIp,
    instanceAddress: resourceAddress(instance),
    targetId: instance.selfLink,
  };
}

/** The VM's metadata: its user-data, no project-wide SSH keys, and the API seeds when there are any. */
export function instanceMetadata(userData: string, apiServers: string | undefined): Record<string, string> {
  return { 'user-data': userData, 'block-project-ssh-keys': 'true', ...(apiServers === undefined ? {} : { [API_SERVERS_KEY]: apiServers }) };
}

function createAddress(scope: Construct, spec: NodeSpec): ComputeAddress {
  return new ComputeAddress(scope, `${spec.name}-ip`, {
    provider: spec.provider,
    name: spec.name,
    region: spec.location.region,
    addressType: 'EXTERNAL',
    labels: labelMap(spec.labels),
  });
}

function createInstance(scope: Construct, spec: NodeSpec, publicAddress: string): ComputeInstance {
  return new ComputeInstance(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    machineType: spec.instanceType,
    zone: spec.location.zone,
    tags: [spec.network.roleFirewall[spec.role]],
    labels: { ...labelMap(spec.labels), 'cast-node-role': spec.role },
    // Persistent disks are always encrypted at rest by Google-managed keys.
    bootDisk: { initializeParams: { image: spec.image, size: spec.diskSizeGb, type: 'pd-balanced' } },
    networkInterface: [{ subnetwork: spec.network.subnetId, accessConfig: [{ natIp: publicAddress }] }],
    metadata: instanceMetadata(spec.userData(publicAddress), spec.apiServers),
    // Pod traffic is routed through nodes.
    canIpForward: true,
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    scheduling: spec.spot
      ? { provisioningModel: 'SPOT', preemptible: true, automaticRestart: false, onHostMaintenance: 'TERMINATE', instanceTerminationAction: 'DELETE' }
      : { provisioningModel: 'STANDARD', automaticRestart: true, onHostMaintenance: 'MIGRATE' },
    serviceAccount: nodeServiceAccount(spec),
    // service_account: see nodeServiceAccount.
    lifecycle: runningVmLifecycle(spec, [...KEPT_BY_RUNNING_VMS, ...(keepsServiceAccount(spec) ? ['service_account'] : [])]),
    dependsOn: spec.dependsOn,
  });
}

/**
 * Control planes run as the cluster's control-plane service account, which may read their
 * keys' secret and write the join token (lib/keys/gcp.ts); workers run as the workers' account,
 * which may read the join token and nothing else (buildNode adds it, lazily). Neither calls
 * any other Google API (GCP groups scale with the MIG's own autoscaler).
 *
 * Scope `cloud-platform` and narrow IAM roles: "As a best practice, grant the cloud-platform
 * access scope on your VM instance. Then, to restrict resource access, grant only the required
 * IAM roles to the VM instance's service account" (gcloud compute instances set-service-account;
 * cloud.google.com/compute/docs/access/create-enable-service-accounts-for-instances), and Secret
 * Manager requires that scope on Compute Engine ("Access control with IAM",
 * cloud.google.com/secret-manager/docs/access-control).
 *
 * An existing node is never stopped for it. Changing `service_account` on a running
 * instance needs a stop: hashicorp/google 6.50.0 resource_compute_instance.go:2703 counts it
 * in needToStopInstanceBeforeUpdating and, without allow_stopping_for_update, fails the apply
 * ("Changing the machine_type, ... service_account ... on a started instance requires stopping
 * it", :2749); the provider's documentation says the same of `service_account`: "allow_stopping_for_update
 * must be set to true or your instance must have a desired_status of TERMINATED in order to update
 * this field" (registry.terraform.io/providers/hashicorp/google, google_compute_instance). With
 * allow_stopping_for_update every such node would stop in the same apply. So `service_account` is
 * in ignore_changes, for control planes and workers alike: a node created before the key store
 * keeps running without the account, which it does not need (a control plane read its keys, and
 * any node its join token, at its first boot; bootstrap-node.sh runs once per instance, from
 * cloud-init's runcmd); a new or replaced one is created with it (ignore_changes leaves creation
 * alone). To attach it to an old one, replace that one, one at a time (docs/lifecycle.md).
 * allow_stopping_for_update stays unset, so no other change stops a node either.
 */
function nodeServiceAccount(spec: NodeSpec): ComputeInstanceConfig['serviceAccount'] {
  return serviceAccountBlock(spec.controlPlaneIdentity?.gcpServiceAccountEmail);
}

/** Whether the VM has, or may get, a service account, which a running one keeps (nodeServiceAccount); a worker's is added by buildNode, lazily. */
function keepsServiceAccount(spec: NodeSpec): boolean {
  return spec.controlPlaneIdentity?.gcpServiceAccountEmail !== undefined || spec.workerIdentity !== undefined;
}

/**
 * The `service_account` block of an instance or instance template running as `email`, as
 * Terraform JSON; undefined (no block) without an account.
 */
export function serviceAccountBlock(email: string): { email: string; scopes: string[] };
export function serviceAccountBlock(email: string | undefined): { email: string; scopes: string[] } | undefined;
export function serviceAccountBlock(email: string | undefined): { email: string; scopes: string[] } | undefined {
  return email === undefined ? undefined : { email, scopes: ['cloud-platform'] };
}
