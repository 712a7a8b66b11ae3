/**
 * Azure scaling group: a Linux virtual machine scale set (Uniform) whose NICs
 * forward IP and sit in the worker NSG, each instance with its own public IP,
 * tagged for cluster-autoscaler discovery, running with the workers' identity
 * (the join token's reader, lib/keys/azure.ts) once the cluster has an Azure
 * control plane; and the user-assigned identity the control-plane nodes give the
 * autoscaler.
 */
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { LinuxVirtualMachineScaleSet } from '@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { Fn, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../../core/cluster-labels';
import { apiServersTag, identityBlock } from '../azure';
import { resourceAddress } from '../node-spec';
import { AutoscalerGrantSpec, AutoscalerIdentity, ScalingGroupAttachment, ScalingGroupSpec } from './scaling-spec';

const ADMIN_USER = 'cast';
// Linux computer name prefixes are at most 58 characters (Azure appends a 6-character instance suffix).
const MAX_COMPUTER_NAME_PREFIX_LENGTH = 58;
// cluster-autoscaler's Azure node-template tags (cloudprovider/azure/azure_template.go): Azure tag
// names may not hold "/", so the key's "/" is written "_" and its "_" is written "~2".
const NODE_LABEL_TAG_PREFIX = 'k8s.io_cluster-autoscaler_node-template_label_';
const NODE_TAINT_TAG_PREFIX = 'k8s.io_cluster-autoscaler_node-template_taint_';

export function buildScalingGroup(scope: Construct, spec: ScalingGroupSpec): ScalingGroupAttachment {
  const scaleSet = createScaleSet(scope, spec);
  if (spec.workerIdentity) {
    // Asked for at synth: the cloud's first control-plane group may be added after this one. None: no attribute.
    scaleSet.addOverride('identity', Lazy.anyValue({ produce: () => identityBlock([spec.workerIdentity?.()?.azureIdentityId]) }));
  }
  // The name as written, not a reference to the scale set: the first control plane's user-data names it (the
  // autoscaler's --nodes), and the scale set names that control plane's private address (its workers' seeds).
  return { groupName: scaleSet.name, groupAddress: resourceAddress(scaleSet), autoscalerRef: spec.name };
}

/**
 * What cluster-autoscaler's Azure provider calls with `ARM_VM_TYPE=vmss` on Uniform scale sets, in the
 * releases this library runs (v1.31.3 to v1.35.2, autoscaler-images.ts), as Azure RBAC actions. Its README
 * documents only "Contributor" on the subscription ("Permissions", cluster-autoscaler/cloudprovider/azure/README.md),
 * so the list is read from the calls in cloudprovider/azure at those tags:
 * - azure_cache.go fetchScaleSets, VirtualMachineScaleSetsClient.List(resourceGroup), and azure_scale_set.go
 *   getCurSize, VirtualMachineScaleSetsClient.Get: virtualMachineScaleSets/read;
 * - azure_cache.go fetchVirtualMachines, VirtualMachinesClient.List(resourceGroup), on every refresh (a failure
 *   aborts it): virtualMachines/read;
 * - azure_scale_set.go createOrUpdateInstances (IncreaseSize), a PUT of the scale set with its new capacity:
 *   virtualMachineScaleSets/write;
 * - azure_scale_set.go DeleteInstances and azure_force_delete_scale_set.go, VirtualMachineScaleSets_DeleteInstances
 *   (POST .../virtualMachineScaleSets/{name}/delete): virtualMachineScaleSets/delete/action;
 * - azure_scale_set.go GetScaleSetVms, VirtualMachineScaleSetVMsClient.List with the instance view:
 *   virtualMachineScaleSets/virtualMachines/read.
 * A scale set's new instances join the subnet and NSG its model names, which Azure checks against the caller
 * ("LinkedAuthorizationFailed ... has permission to perform action 'Microsoft.Compute/virtualMachineScaleSets/write'
 * ...; however, it does not have permission to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action'",
 * a VMSS CreateOrUpdate quoted in Azure/aad-pod-identity#550): the two join actions. Virtual Machine Contributor, the
 * role this grant replaces, holds every one of them; none runs anything on a VM (no virtualMachines/write,
 * runCommand or extensions).
 */
export const AZURE_AUTOSCALER_ACTIONS: readonly string[] = [
  'Microsoft.Compute/virtualMachineScaleSets/read',
  'Microsoft.Compute/virtualMachineScaleSets/write',
  'Microsoft.Compute/virtualMachineScaleSets/delete/action',
  'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
  'Microsoft.Compute/virtualMachines/read',
  'Microsoft.Network/virtualNetworks/subnets/join/action',
  'Microsoft.Network/networkSecurityGroups/join/action',
];

export function grantAutoscaler(scope: Construct, spec: AutoscalerGrantSpec): AutoscalerIdentity | undefined {
  const name = `${spec.clusterName}-autoscaler`;
  const client = new DataAzurermClientConfig(scope, `${name}-client`, { provider: spec.provider });
  const identity = new UserAssignedIdentity(scope, name, {
    provider: spec.provider,
    name,
    resourceGroupName: spec.network.resourceGroupName!,
    location: spec.location.region,
    tags: labelMap(spec.labels),
  });
  // The resource group id spelled from the subscription the provider works in: no second data
  // source, and nothing read before the group exists on the first apply.
  const resourceGroupId = `/subscriptions/${client.subscriptionId}/resourceGroups/${spec.network.resourceGroupName!}`;
  // The resource group, not each scale set: the two List calls above are authorized on the group
  // (their URL is the group's), and the cluster's own group holds no scale set but its autoscaled groups.
  const role = new RoleDefinition(scope, `${name}-role`, {
    provider: spec.provider,
    // A custom role's name must be unique in the Microsoft Entra tenant ("Azure custom roles", learn.microsoft.com):
    // the group's name is unique in its subscription, and the subscription in the tenant.
    name: `${name} ${spec.network.resourceGroupName!} ${client.subscriptionId}`,
    scope: resourceGroupId,
    description: 'cluster-autoscaler (cdktf-cast-cluster): list the scale sets and VMs of the cluster\'s resource group, resize its scale sets and delete their instances.',
    permissions: [{ actions: [...AZURE_AUTOSCALER_ACTIONS] }],
    assignableScopes: [resourceGroupId],
  });
  new RoleAssignment(scope, `${name}-scaling`, {
    provider: spec.provider,
    scope: resourceGroupId,
    roleDefinitionId: role.roleDefinitionResourceId,
    principalId: identity.principalId,
    // Skips the directory lookup a brand-new identity may not pass yet.
    principalType: 'ServicePrincipal',
  });
  return { azureIdentityId: identity.id, azureClientId: identity.clientId, azureSubscriptionId: client.subscriptionId };
}

/**
 * The scale set's tags: the cluster's, the autoscaler's discovery labels and its node
 * template, and the API seeds when there are any. Its instances read the seeds from IMDS
 * as a static VM does (lib/nodes/azure.ts): "tags for scale sets only show to the VM on a
 * reboot, reimage, or disk change to the instance"
 * (learn.microsoft.com/azure/virtual-machines/instance-metadata-service, FAQ), so a new
 * instance starts with the current seeds and a running one sees them after its next
 * reboot. `tags` is updated in place on azurerm_linux_virtual_machine_scale_set, and with
 * `upgrade_mode = Manual` nothing happens to the running instances.
 */
export function scaleSetTags(spec: ScalingGroupSpec): Record<string, string> {
  const tags: Record<string, string> = {
    ...labelMap(spec.labels),
    ...apiServersTag(spec.apiServers),
    'cast-node-role': 'worker',
    // Discovery: --node-group-auto-discovery=label:cluster-autoscaler-enabled=true,cluster-autoscaler-name=<cluster>.
    'cluster-autoscaler-enabled': 'true',
    'cluster-autoscaler-name': spec.clusterName,
  };
  for (const [key, value] of Object.entries(spec.nodeLabels)) tags[`${NODE_LABEL_TAG_PREFIX}${encodeTagKey(key)}`] = value;
  for (const taint of spec.nodeTaints) tags[`${NODE_TAINT_TAG_PREFIX}${encodeTagKey(taint.key)}`] = `${taint.value ?? ''}:${taint.effect}`;
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));
}

/** A Kubernetes label or taint key as the Azure autoscaler decodes it from a tag name. */
export function encodeTagKey(key: string): string {
  return key.replace(/_/g, '~2').replace(/\//g, '_');
}

/** The scale set's computer name prefix: its name, cut to Azure's limit, never ending in "-" or ".". */
export function computerNamePrefix(name: string): string {
  return name.slice(0, MAX_COMPUTER_NAME_PREFIX_LENGTH).replace(/[-.]+$/, '');
}

function createScaleSet(scope: Construct, spec: ScalingGroupSpec): LinuxVirtualMachineScaleSet {
  const [publisher, offer, sku, version] = spec.image.split(':');
  return new LinuxVirtualMachineScaleSet(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    computerNamePrefix: computerNamePrefix(spec.name),
    resourceGroupName: spec.network.resourceGroupName!,
    location: spec.location.region,
    zones: [spec.location.zone],
    sku: spec.instanceType,
    // Start at min; the autoscaler owns the count from then on.
    instances: spec.minNodes,
    // Overprovisioned instances would boot, join and claim mesh addresses before Azure deletes them.
    overprovision: false,
    // Manual: a change of the model reaches no running instance by Azure's doing ("any changes made to the scale set
    // model won't be applied automatically", learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-perform-manual-upgrades).
    // The identity is changed in place: azurerm 4.54.0 PUTs the scale set with its new identities and marks no instance
    // for an update (linux_virtual_machine_scale_set_resource.go:764, `d.HasChange("identity")` sets no updateInstances),
    // so adding the workers' identity to a running group restarts nothing; its running instances have joined already.
    // Not so custom_data (:613), the image, the SKU or the disks: they set updateInstances, and with the provider's
    // default features (virtual_machine_scale_set { roll_instances_when_required = true, reimage_on_manual_upgrade = true },
    // internal/features/defaults.go) the provider then updates and REIMAGES every instance not on the latest model, one
    // after the other, in that apply (virtual_machine_scale_set_update.go:53-70 and :119-166). The cluster's provider
    // must turn roll_instances_when_required off for `Manual` to mean what docs/lifecycle.md says.
    upgradeMode: 'Manual',
    adminUsername: ADMIN_USER,
    // Azure requires a key on Linux VMs; its private half lives only in Terraform state.
    adminSshKey: [{ username: ADMIN_USER, publicKey: spec.sshPublicKey! }],
    disablePasswordAuthentication: true,
    // Managed disks are encrypted at rest with platform-managed keys.
    osDisk: { caching: 'ReadWrite', storageAccountType: 'StandardSSD_LRS', diskSizeGb: spec.diskSizeGb },
    sourceImageReference: { publisher, offer, sku, version },
    // Gzipped: Azure decodes custom data to a file of at most 65535 bytes
    // (learn.microsoft.com, VirtualMachineOSProfile.CustomData), and cloud-init
    // uncompresses gzip user-data by itself (cloud-init docs, "User-Data Formats").
    customData: Fn.base64gzip(spec.userData),
    networkInterface: [
      {
        name: 'primary',
        primary: true,
        // Pod traffic is routed through nodes. (The scale set's NIC block keeps the 3.x name in 4.x.)
        enableIpForwarding: true,
        networkSecurityGroupId: spec.network.roleFirewall.worker,
        ipConfiguration: [{ name: 'primary', primary: true, subnetId: spec.network.subnetId, publicIpAddress: [{ name: 'public' }] }],
      },
    ],
    priority: spec.spot ? 'Spot' : 'Regular',
    evictionPolicy: spec.spot ? 'Delete' : undefined,
    // -1: pay up to the on-demand price, never evicted for price.
    maxBidPrice: spec.spot ? -1 : undefined,
    tags: scaleSetTags(spec),
    lifecycle: { ignoreChanges: ['instances'] },
    dependsOn: spec.dependsOn,
  });
}
