/**
 * The normalized model every reader produces and every check consumes.
 *
 * Readers reduce each input (a state, `terraform show -json`, a refresh-only
 * plan, a cloud inventory, a synthesized stack) to these plain records as they
 * stream, keeping only what the checks need, so a 1 GB state becomes a few
 * megabytes of records.
 */
import { Cloud } from '../core/cloud';

/** A path into a resource's attributes: keys and list indexes. */
export type AttributePath = readonly (string | number)[];

/** Where an actual resource was read from. */
export enum ActualSource {
  /** A state file (format version 4). */
  STATE = 'state',
  /** `terraform show -json` of a state. */
  SHOW_JSON = 'show-json',
  /** The `prior_state` of a `terraform show -json` plan. */
  PLAN_PRIOR_STATE = 'plan-prior-state',
}

/** One resource instance as recorded in Terraform state. */
export interface StateResource {
  /** Full instance address, e.g. `module.pool.aws_instance.worker[0]`. */
  readonly address: string;
  /** Module path, e.g. `module.pool` or `module.a["x"].module.b`; empty for the root module. */
  readonly module: string;
  /** `managed` or `data`. */
  readonly mode: 'managed' | 'data';
  /** Resource type, e.g. `aws_instance`. */
  readonly type: string;
  /** Resource name, e.g. `worker`. */
  readonly name: string;
  /** `count` index or `for_each` key; undefined for a single instance. */
  readonly indexKey?: number | string;
  /** Provider source address, e.g. `registry.opentofu.org/hashicorp/aws`. */
  readonly provider: string;
  /** The cloud, from the type prefix (or provider). */
  readonly cloud?: Cloud;
  /** True when Terraform marked the instance tainted (it replaces it on the next apply). */
  readonly tainted: boolean;
  /**
   * Set on a deposed object: the old half of a `create_before_destroy`
   * replacement that did not finish, which the next apply destroys. It is
   * not the instance's current object, so it is kept in `ActualState.deposed`,
   * never in `ActualState.resources`.
   */
  readonly deposedKey?: string;
  /** The cluster UUID from the resource's tags or labels, when it has one. */
  readonly clusterUuid?: string;
  /** The cloud's id of the resource (`attributes.id`). */
  readonly id?: string;
  /** Tags or labels (string values only), for ignore patterns. */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * The attributes the checks compare for this type (see `keptAttributes`);
   * other attributes are dropped while reading.
   */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Attribute paths Terraform marks sensitive; values under them are never printed. */
  readonly sensitivePaths: readonly AttributePath[];
  /** The input file it came from. */
  readonly file: string;
}

/** What a refresh-only plan says changed outside Terraform. */
export enum DriftAction {
  /** The object is gone: `after` is null (deleted outside Terraform). */
  DELETED = 'deleted',
  /** The object's attributes changed outside Terraform. */
  UPDATED = 'updated',
}

/** One `resource_drift[]` entry of a refresh-only plan. */
export interface ResourceDrift {
  /** Instance address. */
  readonly address: string;
  readonly type: string;
  readonly cloud?: Cloud;
  readonly action: DriftAction;
  /** Projected attributes after the refresh (undefined when deleted). */
  readonly after?: Readonly<Record<string, unknown>>;
  /** Sensitive paths of the refreshed object. */
  readonly sensitivePaths: readonly AttributePath[];
  readonly file: string;
}

/** The kind of cloud object an inventory lists. */
export enum InventoryKind {
  VM = 'vm',
}

/** One object in a cloud inventory (as the cloud's CLI printed it). */
export interface InventoryItem {
  readonly cloud: Cloud;
  readonly kind: InventoryKind;
  /** The Terraform resource type that manages such objects, e.g. `aws_instance`. */
  readonly resourceType: string;
  /** The cloud's id: `i-…`, numeric GCP id, Azure resource id, droplet id. */
  readonly id: string;
  /** Other ids the same object is known by in state (GCP self link, Azure vmId, …). */
  readonly aliases: readonly string[];
  /** Display name. */
  readonly name: string;
  /** Cluster UUID tag/label, when present. */
  readonly clusterUuid?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Network ids the VM is attached to (VPC id, network self link path, vpc_uuid). */
  readonly networks: readonly string[];
  /** Private IPv4 addresses (Azure's `az vm list -d` only names networks through them). */
  readonly privateIps: readonly string[];
  /** Normalized lifecycle: running, stopped, terminated, other. */
  readonly status: 'running' | 'stopped' | 'terminated' | 'other';
  /** The raw status text, for messages. */
  readonly statusText: string;
  /** Region, zone or project scope the item was listed in, e.g. `eu-west-1`, `my-project`. */
  readonly scope?: string;
  /** Extra fields for the delete command (zone, project, resource group). */
  readonly location: Readonly<Record<string, string>>;
  readonly file: string;
}

/** A cloud inventory file, reduced. */
export interface Inventory {
  readonly cloud: Cloud;
  readonly file: string;
  readonly items: readonly InventoryItem[];
}

/** A node of the cluster description (`cast_cluster` output). */
export interface DescribedNode {
  readonly name?: string;
  readonly cloud?: Cloud;
  readonly role?: string;
  /** Terraform address of the node's VM resource. */
  readonly address?: string;
}

/** A network of the cluster description. */
export interface DescribedNetwork {
  readonly cloud?: Cloud;
  readonly address?: string;
  readonly cidr?: string;
  readonly subnets: readonly string[];
}

/**
 * An autoscaled worker group of the cluster description (AWS ASG, GCP MIG,
 * Azure VMSS, DigitalOcean droplet autoscale pool). The cloud creates its
 * instances, so no state knows them; each carries the tag/label
 * `cast-scaling-group` = `name`.
 */
export interface DescribedScalingGroup {
  /** The group's name on the cloud, `<cluster>-<group id>`. */
  readonly name?: string;
  readonly cloud?: Cloud;
  /** Terraform address of the group resource, e.g. `aws_autoscaling_group.cluster_burst_ABC123`. */
  readonly address?: string;
  readonly minNodes?: number;
  readonly maxNodes?: number;
}

/** The `cast_cluster` output CastCluster emits, read tolerantly. */
export interface ClusterDescription {
  readonly schema: string;
  readonly uuid?: string;
  readonly name?: string;
  readonly clouds: readonly Cloud[];
  readonly nodes: readonly DescribedNode[];
  readonly networks: readonly DescribedNetwork[];
  /**
   * The autoscaled groups; undefined when the description has no
   * `scalingGroups` list (written before autoscaling, or still a reference),
   * so which groups exist is unknown.
   */
  readonly scalingGroups?: readonly DescribedScalingGroup[];
}

/** A resource block of a synthesized stack (`cdk.tf.json`). */
export interface DesiredResource {
  /** `type.name` (cdktf stacks declare resources in the root module). */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly cloud?: Cloud;
  /** The block as synthesized, without cdktf's `//` metadata; may hold `${…}` references. */
  readonly body: Readonly<Record<string, unknown>>;
  /**
   * The instance keys it expands to: `[undefined]` for a single instance,
   * numbers for `count`, strings for `for_each`; undefined when `count` or
   * `for_each` is not known until apply.
   */
  readonly instanceKeys?: readonly (number | string | undefined)[];
  /** The construct path from cdktf's metadata, e.g. `prod/cluster/aws/vpc`. */
  readonly constructPath?: string;
  readonly file: string;
  /** 1-based line of the block in `file`, when found. */
  readonly line?: number;
}

/** Everything desired, from one or more `cdk.tf.json` files. */
export interface DesiredState {
  readonly files: readonly string[];
  /** By `type.name`. */
  readonly resources: ReadonlyMap<string, DesiredResource>;
  /** Names of `module` blocks: their resources are not compared, only expected. */
  readonly modules: ReadonlySet<string>;
  readonly description?: ClusterDescription;
  /** The cluster UUID (from the description, else from concrete tags), if known. */
  readonly clusterUuid?: string;
  readonly clusterName?: string;
  /** The stacks' top-level `moved` blocks, in file order; absent or empty when there are none. */
  readonly moves?: readonly MoveStatement[];
}

/**
 * A `moved` block: `{"from": "aws_instance.a", "to": "aws_instance.b"}` as
 * cdktf synthesizes it (`resource.moveTo(…)`, `moveToId`, `moveFromId`).
 * Addresses are Terraform move endpoints: a module call or instance, a
 * resource or a resource instance.
 */
export interface MoveStatement {
  readonly from: string;
  readonly to: string;
  readonly file: string;
}

/** Everything read from states, plans and inventories. */
export interface ActualState {
  readonly files: readonly string[];
  /** By instance address: each instance's current object. */
  readonly resources: ReadonlyMap<string, StateResource>;
  /** Deposed objects (`deposedKey` set), sorted by address and key; absent means none. */
  readonly deposed?: readonly StateResource[];
  readonly drift: ReadonlyMap<string, ResourceDrift>;
  readonly inventories: readonly Inventory[];
  /** `cast_cluster` read from the state's outputs, if present. */
  readonly description?: ClusterDescription;
  /** Cluster UUIDs found on resources, with how many resources carry each. */
  readonly clusterUuids: ReadonlyMap<string, number>;
}
