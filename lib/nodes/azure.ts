/**
 * Azure node: static Standard public IP, NIC with its role's NSG, Linux VM; a control plane's VM carries
 * the key store's user-assigned identity (lib/keys/azure.ts) and, with autoscaled Azure groups, the autoscaler's;
 * a worker's, once the cluster has an Azure control plane, the workers' identity that reads the join token.
 *
 * The API seeds ride on the VM tag `cast-api-servers`, which the node reads from IMDS
 * (`metadata/instance/compute/tagsList`, "Tags formatted as a JSON array", since
 * api-version 2019-06-04). A VM's tag changes show in IMDS while it runs ("unlike" a scale
 * set's: learn.microsoft.com/azure/virtual-machines/instance-metadata-service, FAQ), and
 * `tags` is updated in place on azurerm_linux_virtual_machine
 * (test/terraform/stand-in/replace-rules/azurerm.ts), unlike `custom_data`, which replaces the VM.
 * A tag value holds at most 256 characters (MAX_API_SERVER_SEEDS).
 */
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/network-interface-security-group-association';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { Fn, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { API_SERVERS_KEY, NodeAttachment, NodeSpec, resourceAddress, runningVmLifecycle } from './node-spec';

const ADMIN_USER = 'cast';

export function buildNode(scope: Construct, spec: NodeSpec): NodeAttachment {
  const address = createAddress(scope, spec);
  const nic = createInterface(scope, spec, address);
  const vm = createInstance(scope, spec, nic, address.ipAddress);
  if (spec.controlPlaneIdentity?.azureIdentityId || spec.autoscalerIdentity || spec.workerIdentity) {
    // One block for every identity: the key store's; the autoscaler's, asked for at synth, once the cluster knows
    // whether Azure has autoscaled groups (the autoscaler runs on control planes); a worker's, asked for at synth,
    // once the cluster knows whether Azure has a control plane (its first group may come after this one).
    vm.addOverride('identity', Lazy.anyValue({
      produce: () => identityBlock([spec.controlPlaneIdentity?.azureIdentityId, spec.autoscalerIdentity?.()?.azureIdentityId, spec.workerIdentity?.()?.azureIdentityId]),
    }));
  }
  return { publicAddress: address.ipAddress, privateAddress: nic.privateIpAddress, instanceAddress: resourceAddress(vm), targetId: nic.id };
}

/**
 * The VM's user-assigned identities, in a fixed order (the key store's, the autoscaler's, the workers'), or none:
 * the attribute is then absent. Each process on the VM names the one it wants by client id, as IMDS requires when
 * a VM has several (learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token,
 * `client_id`): keys_azure.py the key store's or the workers', the cluster-autoscaler its own
 * (ARM_USER_ASSIGNED_IDENTITY_ID). A worker carries the workers' identity alone; a control plane never does.
 *
 * Adding or removing an identity on an existing VM is in place, without a stop: azurerm 4.54.0 sends the VM
 * again with the new identities when `identity` changes and sets neither shouldShutDown nor shouldDeallocate
 * for it (internal/services/compute/linux_virtual_machine_resource.go:1219, `d.HasChange("identity")`), and
 * `identity` is not ForceNew (commonschema.SystemAssignedUserAssignedIdentityOptional(); identity_ids is a set).
 * Azure documents adding a user-assigned identity to an existing VM as an update of the running VM, with no stop or
 * deallocation step (`az vm identity assign`, "Add and remove a user-assigned managed identity on an Azure VM",
 * learn.microsoft.com/entra/identity/managed-identities-azure-resources/qs-configure-cli-windows-vm). So a running
 * worker of a cluster deployed before decision 0006 gets the workers' identity in place, with no restart (it has
 * joined already and needs no token; the identity serves its next boot).
 */
export function identityBlock(identityIds: ReadonlyArray<string | undefined>): unknown {
  const ids = identityIds.filter((id): id is string => id !== undefined);
  return ids.length > 0 ? [{ type: 'UserAssigned', identity_ids: ids }] : undefined;
}

/** The tag that carries the seeds, when there are seeds. */
export function apiServersTag(apiServers: string | undefined): Record<string, string> {
  return apiServers === undefined ? {} : { [API_SERVERS_KEY]: apiServers };
}

function createAddress(scope: Construct, spec: NodeSpec): PublicIp {
  return new PublicIp(scope, `${spec.name}-ip`, {
    provider: spec.provider,
    name: spec.name,
    resourceGroupName: spec.network.resourceGroupName!,
    location: spec.location.region,
    allocationMethod: 'Static',
    sku: 'Standard',
    zones: [spec.location.zone],
    tags: labelMap(spec.labels),
  });
}

function createInterface(scope: Construct, spec: NodeSpec, address: PublicIp): NetworkInterface {
  const nic = new NetworkInterface(scope, `${spec.name}-nic`, {
    provider: spec.provider,
    name: spec.name,
    resourceGroupName: spec.network.resourceGroupName!,
    location: spec.location.region,
    // Pod traffic is routed through nodes.
    ipForwardingEnabled: true,
    ipConfiguration: [{ name: 'primary', subnetId: spec.network.subnetId, privateIpAddressAllocation: 'Dynamic', publicIpAddressId: address.id }],
    tags: labelMap(spec.labels),
  });
  new NetworkInterfaceSecurityGroupAssociation(scope, `${spec.name}-nsg`, {
    provider: spec.provider,
    networkInterfaceId: nic.id,
    networkSecurityGroupId: spec.network.roleFirewall[spec.role],
  });
  return nic;
}

function createInstance(scope: Construct, spec: NodeSpec, nic: NetworkInterface, publicAddress: string): LinuxVirtualMachine {
  const [publisher, offer, sku, version] = spec.image.split(':');
  return new LinuxVirtualMachine(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    computerName: spec.name,
    resourceGroupName: spec.network.resourceGroupName!,
    location: spec.location.region,
    zone: spec.location.zone,
    size: spec.instanceType,
    networkInterfaceIds: [nic.id],
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
    customData: Fn.base64gzip(spec.userData(publicAddress)),
    // A running node keeps its user data and its image (runningVmLifecycle): a change to either replaces
    // the VM (ForceNew, test/terraform/stand-in/replace-rules/azurerm.ts).
    lifecycle: runningVmLifecycle(spec, ['custom_data', 'source_image_reference']),
    priority: spec.spot ? 'Spot' : 'Regular',
    evictionPolicy: spec.spot ? 'Delete' : undefined,
    // -1: pay up to the on-demand price, never evicted for price.
    maxBidPrice: spec.spot ? -1 : undefined,
    tags: { ...labelMap(spec.labels), 'cast-node-role': spec.role, ...apiServersTag(spec.apiServers) },
    dependsOn: spec.dependsOn,
  });
}
