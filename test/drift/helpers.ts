/** Builders of the normalized model for table tests, and fixture paths. */
import * as path from 'node:path';
import { Cloud } from '../../lib/core/cloud';
import { ActualState, DesiredResource, DesiredState, DriftAction, Inventory, InventoryItem, InventoryKind, ResourceDrift, StateResource } from '../../lib/drift/model';
import { buildStateResource } from '../../lib/drift/read/state/build-state-resource';
import { cloudOfType } from '../../lib/drift/catalog/resource-types';

/** Absolute path of a fixture under test/fixtures/drift. */
export function fixture(relative: string): string {
  return path.join(__dirname, '..', 'fixtures', 'drift', relative);
}

export const UUID = 'c0ffee00-1234-4abc-8def-0123456789ab';

/** A desired resource block; `instanceKeys` null means count/for_each unknown until apply. */
export function desiredResource(address: string, body: Record<string, unknown>, instanceKeys: (number | string | undefined)[] | null = [undefined]): DesiredResource {
  const [type, name] = address.split('.');
  return { address, type, name, cloud: cloudOfType(type), body, instanceKeys: instanceKeys ?? undefined, file: 'cdk.tf.json', line: 1 };
}

/** A desired state from blocks. */
export function desiredState(resources: DesiredResource[], extra: Partial<DesiredState> = {}): DesiredState {
  return { files: ['cdk.tf.json'], resources: new Map(resources.map((r) => [r.address, r])), modules: new Set(), clusterUuid: UUID, ...extra };
}

/** A state resource instance from an address like `module.x.aws_vpc.main[0]`. */
export function stateResource(address: string, attributes: Record<string, unknown>, options: { tainted?: boolean; sensitive?: (string | number)[][]; provider?: string } = {}): StateResource {
  const match = /^((?:module\.[^.]+(?:\[[^\]]+\])?\.)*)(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+|"[^"]*")\])?$/.exec(address);
  if (!match) throw new Error(`bad address ${address}`);
  const key = match[5] === undefined ? undefined : match[5].startsWith('"') ? (JSON.parse(match[5]) as string) : Number(match[5]);
  return buildStateResource({
    module: match[1].replace(/\.$/, ''),
    mode: match[2] ? 'data' : 'managed',
    type: match[3],
    name: match[4],
    indexKey: key,
    provider: options.provider ?? '',
    tainted: options.tainted ?? false,
    attributes,
    sensitivePaths: options.sensitive ?? [],
    file: 'terraform.tfstate',
  });
}

/** An actual state from records. */
export function actualState(resources: StateResource[], extra: { drift?: ResourceDrift[]; inventories?: Inventory[] } = {}): ActualState {
  const uuids = new Map<string, number>();
  for (const r of resources) if (r.clusterUuid) uuids.set(r.clusterUuid, (uuids.get(r.clusterUuid) ?? 0) + 1);
  return {
    files: ['terraform.tfstate'],
    resources: new Map(resources.map((r) => [r.address, r])),
    drift: new Map((extra.drift ?? []).map((d) => [d.address, d])),
    inventories: extra.inventories ?? [],
    clusterUuids: uuids,
  };
}

/** A deleted-outside drift entry. */
export function deletedDrift(address: string): ResourceDrift {
  const type = address.replace(/\[.*\]$/, '').split('.').slice(-2)[0];
  return { address, type, cloud: cloudOfType(type), action: DriftAction.DELETED, sensitivePaths: [], file: 'plan.json' };
}

/** An inventory VM. */
export function inventoryVm(cloud: Cloud, id: string, options: Partial<InventoryItem> = {}): InventoryItem {
  const types = { [Cloud.AWS]: 'aws_instance', [Cloud.GCP]: 'google_compute_instance', [Cloud.AZURE]: 'azurerm_linux_virtual_machine', [Cloud.DIGITALOCEAN]: 'digitalocean_droplet' };
  return { cloud, kind: InventoryKind.VM, resourceType: types[cloud], id, aliases: [], name: id, tags: {}, networks: [], privateIps: [], status: 'running', statusText: 'running', location: {}, file: `${cloud}.json`, ...options };
}

/** An inventory of one cloud. */
export function inventory(cloud: Cloud, items: InventoryItem[]): Inventory {
  return { cloud, file: `${cloud}.json`, items };
}
