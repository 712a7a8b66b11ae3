/**
 * `az vm list -d -o json` output: a list of VMs with instance details
 * (`-d` adds `powerState` and `privateIps`).
 *
 *   { "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
 *     "name": "vm1", "vmId": "…", "location": "westeurope", "resourceGroup": "rg",
 *     "powerState": "VM running", "privateIps": "10.30.1.4", "tags": {"cast-cluster-uuid": "…"} }
 *
 * The list names no virtual network, only NICs; the cleanup guard places a VM
 * in a cluster VNet by its private IP (see docs/drift.md). Azure ids are
 * case-insensitive, so ids are compared lower-cased.
 */
import { Cloud } from '../../../core/cloud';
import { clusterUuidOf } from '../../catalog/cluster-tags';
import { InventoryItem, InventoryKind } from '../../model';
import { asRecord, asString } from '../state/json-shapes';

/** True when `raw` looks like one Azure VM. */
export function isAzureInventoryItem(raw: unknown): boolean {
  const item = asRecord(raw);
  const type = asString(item?.type);
  const id = asString(item?.id);
  return (type !== undefined && type.toLowerCase() === 'microsoft.compute/virtualmachines') || (id !== undefined && /\/providers\/microsoft\.compute\/virtualmachines\//i.test(id));
}

/** One VM; empty when it is not one. */
export function readAzureInventoryItem(raw: unknown, file: string): InventoryItem[] {
  const vm = asRecord(raw);
  const id = asString(vm?.id);
  if (!vm || !id) return [];
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(vm.tags) ?? {})) if (typeof value === 'string') tags[key] = value;
  const vmId = asString(vm.vmId);
  const statusText = asString(vm.powerState) ?? 'unknown';
  const subscription = /\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase();
  const location = asString(vm.location);
  const resourceGroup = asString(vm.resourceGroup);
  const privateIps = (asString(vm.privateIps) ?? '')
    .split(',')
    .map((ip) => ip.trim())
    .filter((ip) => ip !== '');
  return [
    {
      cloud: Cloud.AZURE,
      kind: InventoryKind.VM,
      resourceType: 'azurerm_linux_virtual_machine',
      id,
      aliases: [id.toLowerCase(), ...(vmId ? [vmId.toLowerCase()] : [])],
      name: asString(vm.name) ?? id.split('/').pop() ?? id,
      clusterUuid: clusterUuidOf(tags),
      tags,
      networks: [],
      privateIps,
      status: azureStatus(statusText),
      statusText,
      scope: subscription,
      location: { ...(location ? { location } : {}), ...(resourceGroup ? { resourceGroup } : {}) },
      file,
    },
  ];
}

function azureStatus(powerState: string): InventoryItem['status'] {
  const state = powerState.toLowerCase();
  if (state === 'vm running' || state === 'vm starting') return 'running';
  if (['vm stopped', 'vm stopping', 'vm deallocated', 'vm deallocating'].includes(state)) return 'stopped';
  return 'other';
}
