/**
 * Missing nodes: a desired node that is not in the state, that a refresh-only
 * plan says was deleted outside Terraform, that an inventory of its cloud does
 * not list (or lists as terminated or stopped), or that is tainted.
 *
 * Desired nodes are the node resource types of the stacks (count/for_each
 * expanded) plus the `nodes[].address` of the cluster description. Instances
 * of autoscaled groups are the cloud's: never desired, so never missing (the
 * group resources themselves are ordinary resources).
 */
import { desiredInstances, DesiredInstance } from './desired-instances';
import { viewOf } from './actual-view';
import { CheckId, Finding, Severity } from './finding';
import { findInventoryItem, inventoryCovers, inventoryIndex, describeItem } from './inventory-match';
import { deleteCommand, importBlock, replaceCommand } from './remediation';
import { resolveReferences } from './resolve-references';
import { isScaledInstance } from './scaling-groups';
import { isNodeType, cloudOfType } from '../catalog/resource-types';
import { ActualState, DesiredState, InventoryItem } from '../model';
import { shellQuoteAddress } from '../read/state/instance-address';
import { CLOUD_DISPLAY_NAME } from '../../core/cloud';

interface NodeTarget {
  readonly address: string;
  readonly type: string;
  readonly instance?: DesiredInstance;
  readonly name?: string;
}

/** Runs the missing-nodes check. */
export function checkMissingNodes(desired: DesiredState, actual: ActualState, clusterUuid: string | undefined): Finding[] {
  const targets = nodeTargets(desired, actual);
  const index = inventoryIndex(actual.inventories);
  const findings: Finding[] = [];
  for (const target of targets) {
    const view = viewOf(actual, target.address);
    const cloud = cloudOfType(target.type);
    const resource = target.instance?.resource;
    const location = resource ? { file: resource.file, line: resource.line, constructPath: resource.constructPath } : undefined;
    const base = { check: CheckId.MISSING_NODES, address: target.address, cloud, type: target.type, location };
    const label = target.name ? `node ${target.name} (${target.address})` : `node ${target.address}`;
    if (view.deletedOutside) {
      findings.push({
        ...base,
        rule: 'missing-nodes/deleted-outside',
        severity: Severity.ERROR,
        message: `${label} was deleted outside Terraform (refresh-only plan)`,
        differences: [{ path: '', desired: 'present', actual: null }],
        remediation: 'Run `terraform apply` to recreate it (after the refresh Terraform plans to create it).',
      });
      continue;
    }
    if (!view.resource) {
      const adoptable = orphanFor(target, actual.inventories.flatMap((inventory) => inventory.items), clusterUuid);
      findings.push({
        ...base,
        rule: 'missing-nodes/absent-from-state',
        severity: Severity.ERROR,
        message: `${label} is in the configuration but not in the state`,
        differences: [{ path: '', desired: 'present', actual: null }],
        remediation: adoptable
          ? `The cloud still has it as ${describeItem(adoptable)}: import it with ${importBlock(target.address, adoptable.id)}, or delete it (${deleteCommand(adoptable)}) and run \`terraform apply\`.`
          : 'Run `terraform apply` to create it.',
      });
      continue;
    }
    const node = view.resource;
    if (node.tainted) {
      findings.push({
        ...base,
        rule: 'missing-nodes/tainted',
        severity: Severity.WARNING,
        message: `${label} is tainted: the next apply replaces it`,
        differences: [{ path: 'status', desired: 'ready', actual: 'tainted' }],
        remediation: `Run \`${replaceCommand(target.address)}\` to replace it now, or \`terraform untaint ${shellQuoteAddress(target.address)}\` if the node is healthy.`,
        tags: node.tags,
      });
    }
    const covering = actual.inventories.filter((inventory) => inventoryCovers(inventory, node));
    if (covering.length === 0) {
      const stopped = stoppedStatus(node.type, view.attributes);
      if (stopped) {
        findings.push({
          ...base,
          rule: 'missing-nodes/stopped',
          severity: Severity.WARNING,
          message: `${label} is ${stopped} according to the ${view.changedOutside ? 'refresh-only plan' : 'state'}`,
          differences: [{ path: STATUS_ATTRIBUTE[node.type] ?? 'status', desired: 'running', actual: stopped }],
          remediation: `Start it in the cloud console or CLI, or run \`${replaceCommand(target.address)}\`.`,
          tags: node.tags,
        });
      }
      continue;
    }
    const item = findInventoryItem(index, node);
    const files = covering.map((inventory) => inventory.file).join(', ');
    if (!item || item.status === 'terminated') {
      findings.push({
        ...base,
        rule: 'missing-nodes/absent-from-inventory',
        severity: Severity.ERROR,
        message: item
          ? `${label} is ${item.statusText} according to the ${CLOUD_DISPLAY_NAME[item.cloud]} inventory (${files})`
          : `${label} (id ${node.id ?? '?'}) is in the state but not in the ${cloud ? CLOUD_DISPLAY_NAME[cloud] : ''} inventory (${files}): deleted outside Terraform?`,
        differences: [{ path: 'status', desired: 'running', actual: item ? item.statusText : null }],
        remediation: `Run \`${replaceCommand(target.address)}\` to recreate it.`,
        tags: node.tags,
      });
    } else if (item.status === 'stopped') {
      findings.push({
        ...base,
        rule: 'missing-nodes/stopped',
        severity: Severity.WARNING,
        message: `${label} is ${item.statusText} according to the ${CLOUD_DISPLAY_NAME[item.cloud]} inventory (${files})`,
        differences: [{ path: 'status', desired: 'running', actual: item.statusText }],
        remediation: `Start it in the cloud console or CLI, or run \`${replaceCommand(target.address)}\`.`,
        tags: node.tags,
      });
    }
  }
  return findings;
}

/** The attribute that holds a VM's power state, per type (Azure's VM resource has none). */
const STATUS_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_instance: 'instance_state',
  google_compute_instance: 'current_status',
  digitalocean_droplet: 'status',
};

/**
 * The VM's state when the state or a refresh-only plan records it stopped: AWS
 * `stopping`/`stopped` (EC2 instance lifecycle), GCP `STOPPING`/`TERMINATED`/
 * `SUSPENDING`/`SUSPENDED` ("TERMINATED: the instance is stopped", Compute Engine
 * instance lifecycle), DigitalOcean `off`.
 */
function stoppedStatus(type: string, attributes: Readonly<Record<string, unknown>>): string | undefined {
  const attribute = STATUS_ATTRIBUTE[type];
  const value = attribute ? attributes[attribute] : undefined;
  if (typeof value !== 'string') return undefined;
  const stopped = ['stopping', 'stopped', 'terminated', 'suspending', 'suspended', 'off'];
  return stopped.includes(value.toLowerCase()) ? value : undefined;
}

/** Desired node instances, plus description nodes whose address no stack declares (module resources). */
function nodeTargets(desired: DesiredState, actual: ActualState): NodeTarget[] {
  const described = new Map((desired.description?.nodes ?? []).filter((node) => node.address).map((node) => [node.address!, node]));
  const targets: NodeTarget[] = desiredInstances(desired, actual)
    .filter((instance) => isNodeType(instance.resource.type))
    .map((instance) => ({ address: instance.address, type: instance.resource.type, instance, name: described.get(instance.address)?.name ?? described.get(instance.resource.address)?.name ?? nameOf(instance, actual) }));
  const known = new Set(targets.map((target) => target.address));
  for (const [address, node] of described) {
    const type = /(?:^|\.)([a-z0-9_]+)\.[A-Za-z0-9_-]+(\[[^\]]+\])?$/.exec(address)?.[1];
    const declared = desired.resources.has(address.replace(/\[[^\]]*\]$/, ''));
    if (!type || !isNodeType(type) || known.has(address) || declared) continue;
    targets.push({ address, type, name: node.name });
  }
  return targets.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** The VM name the configuration gives a node, when concrete. */
function nameOf(instance: DesiredInstance, actual: ActualState): string | undefined {
  const body = resolveReferences(instance.resource.body, actual) as Record<string, unknown>;
  const tags = body.tags as Record<string, unknown> | undefined;
  const name = instance.resource.type === 'aws_instance' ? tags?.Name : body.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * An inventory VM of the cluster that the state does not know and whose name
 * matches the node; never an instance of an autoscaled group (its group owns it).
 */
function orphanFor(target: NodeTarget, items: readonly InventoryItem[], clusterUuid: string | undefined): InventoryItem | undefined {
  if (!target.name || !clusterUuid) return undefined;
  return items.find((item) => item.resourceType === target.type && item.name === target.name && item.clusterUuid === clusterUuid && item.status !== 'terminated' && !isScaledInstance(item));
}
