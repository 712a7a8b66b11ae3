/** GCP node: static external address and a shielded VM instance carrying its role's network tag. */
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { NodeAttachment, NodeSpec, resourceAddress } from './node-spec';

// The image family always points at the newest Ubuntu 24.04 LTS build.
const UBUNTU_IMAGE = 'ubuntu-os-cloud/ubuntu-2404-lts-amd64';

export function buildNode(scope: Construct, spec: NodeSpec): NodeAttachment {
  const address = createAddress(scope, spec);
  const instance = createInstance(scope, spec, address.address);
  if (spec.autoscalerIdentity) {
    // Set at synth, once the cluster knows whether GCP has autoscaled groups (the autoscaler runs here);
    // a running instance must stop to change its service account.
    const identity = () => spec.autoscalerIdentity!();
    instance.addOverride('service_account', Lazy.anyValue({ produce: () => serviceAccountBlock(identity()?.gcpServiceAccountEmail) }));
    instance.addOverride('allow_stopping_for_update', Lazy.anyValue({ produce: () => (identity() ? true : undefined) }));
  }
  return {
    publicAddress: address.address,
    privateAddress: instance.networkInterface.get(0).networkIp,
    instanceAddress: resourceAddress(instance),
    targetId: instance.selfLink,
  };
}

/** The current Ubuntu LTS image: an image family needs no lookup. */
export function lookupImage(_scope: Construct, _provider: NodeSpec['provider']): string {
  return UBUNTU_IMAGE;
}

/** The autoscaler's service account with the cloud-platform scope (its IAM roles limit it). */
function serviceAccountBlock(email: string | undefined): unknown {
  return email ? [{ email, scopes: ['https://www.googleapis.com/auth/cloud-platform'] }] : undefined;
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
    bootDisk: { initializeParams: { image: spec.image!, size: spec.diskSizeGb, type: 'pd-balanced' } },
    networkInterface: [{ subnetwork: spec.network.subnetId, accessConfig: [{ natIp: publicAddress }] }],
    metadata: { 'user-data': spec.userData(publicAddress), 'block-project-ssh-keys': 'true' },
    // Pod traffic is routed through nodes.
    canIpForward: true,
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    scheduling: spec.spot
      ? { provisioningModel: 'SPOT', preemptible: true, automaticRestart: false, onHostMaintenance: 'TERMINATE', instanceTerminationAction: 'DELETE' }
      : { provisioningModel: 'STANDARD', automaticRestart: true, onHostMaintenance: 'MIGRATE' },
    // No service account: workers call no Google API (control-plane nodes get the autoscaler's, above).
    dependsOn: spec.dependsOn,
  });
}
