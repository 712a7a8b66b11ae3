/**
 * What a plan does to the machines a cluster runs: each static VM of the applied
 * state is untouched, updated in place, restarted, replaced or deleted, and new VMs
 * are created; each autoscaled group is created, deleted, replaced, given a new
 * template (what its next members boot from) or new limits, or left alone. Pure: it
 * reads the plan's resource changes and the applied state's resources, nothing else.
 */
import { Cloud } from '../../../lib/core/cloud';
import { NodeRole } from '../../../lib/core/node-role';
import type { ResourceChange } from '../harness';

/** The fate of one static VM, from the least to the most disruptive. */
export type MachineFate = 'untouched' | 'updated in place' | 'restarted' | 'replaced' | 'deleted' | 'created';

/** In the order a summary lists them: what is new or gone first, then what runs on. */
export const FATE_ORDER: readonly MachineFate[] = ['created', 'deleted', 'replaced', 'restarted', 'updated in place', 'untouched'];

/** The VM resource type of each cloud's static nodes. */
export const VM_TYPES: Readonly<Record<string, Cloud>> = {
  aws_instance: Cloud.AWS,
  google_compute_instance: Cloud.GCP,
  azurerm_linux_virtual_machine: Cloud.AZURE,
  digitalocean_droplet: Cloud.DIGITALOCEAN,
};

/**
 * Attributes whose in-place update stops and starts (or reboots) the running VM; any
 * other in-place update leaves it running. None of them changes on a plain tag edit.
 */
export const RESTARTING_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  // AWS provider docs, aws_instance (website/docs/r/instance.html.markdown): user_data and
  // user_data_base64: "Updates to this field will trigger a stop/start of the EC2 instance by
  // default. If the `user_data_replace_on_change` is set then updates to this field will trigger
  // a destroy and recreate of the EC2 instance." instance_type: "Updates to this field will
  // trigger a stop/start of the EC2 instance."
  aws_instance: ['instance_type', 'user_data', 'user_data_base64'],
  // google provider docs, google_compute_instance machine_type: "If you want to update this value
  // (resize the VM) after initial creation, you must set `allow_stopping_for_update` to `true`."
  // metadata (user-data included) is set on the running VM.
  google_compute_instance: ['machine_type'],
  // azurerm updates size in place (a resize); Azure docs, "Change the size of a virtual machine":
  // "If the virtual machine is currently running, changing its size will cause it to be restarted."
  azurerm_linux_virtual_machine: ['size'],
  // digitalocean provider, resourceDigitalOceanDropletUpdate: on a size change it calls
  // DropletActions.PowerOff, waits for "off", resizes, then powers the droplet on.
  digitalocean_droplet: ['size'],
};

/** One static VM and what the plan does to it. */
export interface MachineOutcome {
  readonly cloud: Cloud;
  /** The node name (the VM's name, or its Name tag on AWS). */
  readonly node: string;
  readonly role: NodeRole;
  readonly fate: MachineFate;
  /** Why: what forces a replacement, or the top-level attributes an update changes (empty otherwise). */
  readonly because: readonly string[];
}

/** A resource of the applied state (`terraform.tfstate` resources, one instance each). */
export interface StateResource {
  readonly type: string;
  readonly address: string;
  readonly attributes: Record<string, unknown>;
}

/** The node name a VM carries: `name`, or the `Name` tag on AWS. */
export function machineName(type: string, attributes: Record<string, unknown> | null): string {
  if (!attributes) return '?';
  if (type === 'aws_instance') return String((attributes.tags as Record<string, string> | null)?.Name ?? '?');
  return String(attributes.name ?? '?');
}

/** The node role a VM carries in its `cast-node-role` tag or label (a `cast-node-role:<role>` tag on DigitalOcean). */
export function machineRole(type: string, attributes: Record<string, unknown> | null): NodeRole {
  const tags = (type === 'google_compute_instance' ? attributes?.labels : attributes?.tags) ?? {};
  const role = Array.isArray(tags)
    ? tags.find((t) => String(t).startsWith('cast-node-role:'))?.split(':')[1]
    : (tags as Record<string, string>)['cast-node-role'];
  return role === NodeRole.CONTROL_PLANE ? NodeRole.CONTROL_PLANE : NodeRole.WORKER;
}

/** The fate of every VM: those of the state (untouched unless the plan changes them) and those the plan creates. */
export function machineOutcomes(state: readonly StateResource[], changes: readonly ResourceChange[]): MachineOutcome[] {
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const outcomes: MachineOutcome[] = [];
  for (const resource of state.filter((r) => r.type in VM_TYPES)) {
    const change = byAddress.get(resource.address);
    const fate = change ? fateOf(change) : 'untouched';
    outcomes.push({
      cloud: VM_TYPES[resource.type],
      node: machineName(resource.type, resource.attributes),
      role: machineRole(resource.type, resource.attributes),
      fate,
      because: fate === 'replaced' ? change!.replacePaths : fate === 'updated in place' || fate === 'restarted' ? change!.changed : [],
    });
  }
  for (const change of changes.filter((c) => c.type in VM_TYPES && c.action === 'create')) {
    outcomes.push({ cloud: VM_TYPES[change.type], node: machineName(change.type, change.after), role: machineRole(change.type, change.after), fate: 'created', because: [] });
  }
  return outcomes.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

function fateOf(change: ResourceChange): MachineFate {
  if (change.action === 'create') return 'created';
  if (change.action === 'delete') return 'deleted';
  if (change.action === 'replace') return 'replaced';
  const restarting = RESTARTING_ATTRIBUTES[change.type] ?? [];
  return change.changed.some((name) => restarting.includes(name)) ? 'restarted' : 'updated in place';
}

/**
 * "1 created, 3 restarted (1 control plane), 1 untouched": counts in FATE_ORDER, naming the
 * control-plane nodes among those that do not stay untouched; "none" when the cloud has no VM.
 */
export function summarizeMachines(outcomes: readonly MachineOutcome[]): string {
  const parts: string[] = [];
  for (const fate of FATE_ORDER) {
    const these = outcomes.filter((o) => o.fate === fate);
    if (these.length === 0) continue;
    const controlPlanes = these.filter((o) => o.role === NodeRole.CONTROL_PLANE).length;
    const note = fate === 'untouched' || controlPlanes === 0 ? '' : controlPlanes === these.length ? ' (control plane)' : ` (${controlPlanes} control plane)`;
    parts.push(`${these.length} ${fate}${note}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'none';
}

// ---- Autoscaled groups -------------------------------------------------------------

/** What happens to one autoscaled group. */
export type GroupFate = 'untouched' | 'created' | 'deleted' | 'replaced' | 'new template' | 'new limits' | 'updated in place';

export const GROUP_FATE_ORDER: readonly GroupFate[] = ['created', 'deleted', 'replaced', 'new template', 'new limits', 'updated in place', 'untouched'];

/**
 * Each cloud's group resource and what its resources hold: the template its next
 * members boot from (user data, image, size) and the limits it scales within.
 */
interface GroupResources {
  readonly group: string;
  /** Resources (or, on the group resource itself, attributes) that describe the members. */
  readonly templates: readonly string[];
  readonly templateAttributes?: readonly string[];
  /** Resources or attributes that bound its size and say when it scales. */
  readonly limits: readonly string[];
  readonly limitAttributes?: readonly string[];
}

export const GROUP_RESOURCES: Readonly<Record<Cloud, GroupResources>> = {
  [Cloud.AWS]: { group: 'aws_autoscaling_group', templates: ['aws_launch_template'], templateAttributes: ['launch_template'], limits: [], limitAttributes: ['min_size', 'max_size'] },
  [Cloud.GCP]: { group: 'google_compute_instance_group_manager', templates: ['google_compute_instance_template'], templateAttributes: ['version'], limits: ['google_compute_autoscaler'] },
  [Cloud.AZURE]: {
    group: 'azurerm_linux_virtual_machine_scale_set',
    templates: [],
    templateAttributes: ['custom_data', 'user_data', 'source_image_reference', 'sku', 'os_disk', 'network_interface'],
    limits: [],
  },
  [Cloud.DIGITALOCEAN]: { group: 'digitalocean_droplet_autoscale', templates: [], templateAttributes: ['droplet_template'], limits: [], limitAttributes: ['config'] },
};

/** One autoscaled group's fates (a group may get a new template and new limits at once). */
export interface GroupOutcome {
  readonly cloud: Cloud;
  readonly group: string;
  readonly fates: readonly GroupFate[];
}

/** Groups are told apart by name: each resource's `name`, but a GCP instance template's `name_prefix`, which is `<group>-`. */
function groupNameOf(resource: ResourceChange | StateResource): string {
  const attributes = ('attributes' in resource ? resource.attributes : resource.after ?? resource.before) ?? {};
  if (resource.type === 'google_compute_instance_template') return String(attributes.name_prefix ?? '?').replace(/-$/, '');
  return String(attributes.name ?? '?');
}

export function groupOutcomes(state: readonly StateResource[], changes: readonly ResourceChange[]): GroupOutcome[] {
  const outcomes: GroupOutcome[] = [];
  for (const [cloud, resources] of Object.entries(GROUP_RESOURCES) as [Cloud, GroupResources][]) {
    const names = new Set([
      ...state.filter((r) => r.type === resources.group).map(groupNameOf),
      ...changes.filter((c) => c.type === resources.group).map(groupNameOf),
    ]);
    for (const name of [...names].sort()) {
      const mine = changes.filter((c) => groupNameOf(c) === name);
      const group = mine.find((c) => c.type === resources.group);
      const fates = new Set<GroupFate>();
      if (group && group.action !== 'update') {
        fates.add(group.action === 'create' ? 'created' : group.action === 'delete' ? 'deleted' : 'replaced');
      } else {
        const touches = (types: readonly string[], attributes: readonly string[] = []) =>
          mine.some((c) => types.includes(c.type)) || (group !== undefined && group.changed.some((a) => attributes.includes(a)));
        if (touches(resources.templates, resources.templateAttributes)) fates.add('new template');
        if (touches(resources.limits, resources.limitAttributes)) fates.add('new limits');
        // Anything else (tags, say) changes the group without touching its members.
        if (fates.size === 0) fates.add(mine.length > 0 ? 'updated in place' : 'untouched');
      }
      outcomes.push({ cloud, group: name, fates: GROUP_FATE_ORDER.filter((f) => fates.has(f)) });
    }
  }
  return outcomes;
}

/** "new template" (one group), "2 groups: created" …; "none" when the cloud has no group. */
export function summarizeGroups(outcomes: readonly GroupOutcome[]): string {
  if (outcomes.length === 0) return 'none';
  const kinds = [...new Set(outcomes.map((o) => o.fates.join(' and ')))];
  return kinds.map((kind) => {
    const count = outcomes.filter((o) => o.fates.join(' and ') === kind).length;
    return count === 1 && outcomes.length === 1 ? kind : `${count} ${kind}`;
  }).join(', ');
}
