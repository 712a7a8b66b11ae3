import { Construct } from 'constructs';
import { scaledGroupProblems, spotPolicyProblems } from '../core/autoscaling';
import { MAX_SCALED_NAME_PREFIX } from '../core/bootstrap/validate-node-bootstrap';
import { Cloud } from '../core/cloud';
import { ClusterGroupInput } from '../core/cluster-plan';
import { DEFAULT_KUBERNETES_VERSION } from '../core/kubernetes-version';
import { NodeGroupInput, optionConflictProblems, planNodeGroup, PlannedNode } from '../core/node-plan';
import { GroupFootprint } from '../core/cluster-problems';
import { NodeRole } from '../core/node-role';
import { NodeShape } from '../core/shapes';
import { checkAtSynth, freeIdIn, recordProblems, tryPlan } from '../private/validation-error';
// A type only, so no code of lib/cluster loads from here: the public props name the cluster.
import type { CastCluster } from '../cluster/cast-cluster';
import { NODE_BUILDERS, NodeAttachment } from './index';
import { NodeGroupSettings, NodeGroupWiring, recordingUserData, UserDataLocal, userDataProblems } from './node-group-wiring';
import { pinnedImage } from './os-image';
import { TerraformData } from './terraform-data';
import { buildScaledGroup, ScaledGroupState } from './scaling/scaled-group';

/** What a taint does to pods that do not tolerate it. */
export enum TaintEffect {
  /** New pods are not scheduled. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler avoids the node when it can. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Running pods are evicted too. */
  NO_EXECUTE = 'NoExecute',
}

/** A Kubernetes taint registered with the node. */
export interface NodeTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value. @default - no value */
  readonly value?: string;
  /** Taint effect. */
  readonly effect: TaintEffect;
}

/**
 * An autoscaled node group: the cloud's own scaling group (AWS Auto Scaling
 * group, GCP managed instance group, Azure scale set, DigitalOcean droplet
 * autoscale pool) made from the same bootstrap as a static worker, resized by
 * the cluster-autoscaler one node at a time within the cluster's policy.
 */
export interface NodeGroupAutoscaling {
  /**
   * Fewest nodes; 0 lets the group scale to zero.
   * @default 1
   */
  readonly minNodes?: number;
  /** Most nodes (at most 254: the group claims mesh addresses from one /24). */
  readonly maxNodes: number;
}

/** Options of a node group, as `CastCluster.addNodeGroup` takes them. */
export interface NodeGroupOptions {
  /** The cloud the nodes run on; the cluster must span it. */
  readonly cloud: Cloud;
  /** Control-plane or worker nodes. */
  readonly role: NodeRole;
  /**
   * Size of each node; the same vCPU and memory on every cloud (see the shape table in the README).
   * @default NodeShape.SMALL (unless instanceType is set)
   */
  readonly shape?: NodeShape;
  /**
   * The cloud's own instance type, in place of `shape` (leave `shape` out: giving both is an error).
   * @default - the shape's instance type on this cloud
   */
  readonly instanceType?: string;
  /**
   * How many nodes, named `<cluster>-<id>-1` … `-<count>`. Scaling down removes the highest numbers.
   * @default 1
   */
  readonly count?: number;
  /**
   * Explicit node names instead of `count` (leave `count` out: giving both is an error); each is the Kubernetes node name and the instance name.
   * @default - names from `count`
   */
  readonly nodeNames?: string[];
  /**
   * Spot / preemptible capacity (workers on AWS, GCP and Azure only).
   * @default false
   */
  readonly spot?: boolean;
  /** Kubernetes labels of every node. @default - none beyond the cluster's own */
  readonly labels?: { [key: string]: string };
  /** Kubernetes taints of every node. @default - none (control-plane nodes get kubeadm's own taint) */
  readonly taints?: NodeTaint[];
  /**
   * Boot disk size in GiB.
   * @default 50
   */
  readonly diskSizeGb?: number;
  /**
   * Kubernetes version of these nodes.
   * @default - the cluster's version
   */
  readonly kubernetesVersion?: string;
  /**
   * Mesh addresses to pin, by node name, e.g. to keep the address a node had before a rename.
   * A node's address otherwise comes from its name and moves only when a newly added
   * name collides with it (about n/65534 per added node in a /16).
   * @default - every address from its node's name
   */
  readonly meshAddresses?: { [nodeName: string]: string };
  /**
   * Let the cluster-autoscaler add and remove nodes between minNodes and maxNodes
   * (workers only; leave out count and nodeNames). Nodes then get their names from
   * the cloud and their mesh addresses at boot.
   * @default - a static group of `count` nodes
   */
  readonly autoscaling?: NodeGroupAutoscaling;
  /**
   * Image override: an AMI id, a GCP image, an Azure `publisher:offer:sku:version`, or a DigitalOcean
   * image id or slug. Running VMs keep the image they were created with: a change reaches the nodes
   * created or replaced from then on (see `replacements`) and the template of an autoscaled group.
   * @default - the cloud's Ubuntu 24.04 LTS as the cluster pinned it (CastClusterProps.osImage)
   */
  readonly image?: string;
  /**
   * Replacement stamps, by node name: any string. A change of a node's stamp (setting it, changing
   * it or removing it) replaces that node's VM on the next deploy: a new machine under the same
   * name, keeping its static public address and mesh address, booting the group's image (the
   * cloud's pinned one unless `image` is set) and the current user data. No other node changes.
   * Change one node's stamp per deploy and wait for that node to be Ready before the next, control
   * planes first, one at a time (etcd keeps its quorum). Static groups only.
   * @default - no stamps: a running VM is replaced only by a change its cloud forces
   */
  readonly replacements?: { [nodeName: string]: string };
}

/** Properties of a NodeGroup. */
export interface NodeGroupProps extends NodeGroupOptions {
  /** The cluster the nodes join. */
  readonly cluster: CastCluster;
}

/**
 * A set of nodes of one configuration. There is no node pool: every node is
 * its own static public address and instance, named after the node, so adding
 * or removing one node changes no other node's resources. With `autoscaling`
 * the group is instead the cloud's own scaling group, resized at run time.
 */
export class NodeGroup extends Construct {
  /** The cloud the nodes run on. */
  public readonly cloud: Cloud;
  /** The role of the nodes. */
  public readonly role: NodeRole;
  /** The node names, in order (empty for an autoscaled group: the cloud names its nodes). */
  public readonly nodeNames: string[];
  /** Whether the nodes are spot / preemptible. */
  public readonly spot: boolean;
  /** The group's node limits when it is autoscaled. */
  public readonly autoscaling?: NodeGroupAutoscaling;

  /** @internal the planned nodes and what their clouds built. */
  public readonly _nodes: {
    readonly plan: PlannedNode;
    readonly attachment: NodeAttachment;
    /** A pinned mesh address. */
    readonly meshAddress?: string;
  }[] = [];

  /** @internal an autoscaled group: its limits and what its cloud built. */
  public readonly _scaled?: ScaledGroupState;

  private readonly settings: NodeGroupSettings;
  /** The user-data locals made for this group's nodes, measured at synth. */
  private readonly userData: UserDataLocal[] = [];

  constructor(scope: Construct, id: string, props: NodeGroupProps) {
    // A second group of one id would make constructs throw "There is already a Construct with
    // name …" with its stack trace: it is checked under a free id and reported with the rest.
    super(scope, freeIdIn(scope, id));
    const cluster = props.cluster;
    const settings = resolveSettings(id, props, cluster);
    this.settings = settings;
    this.cloud = settings.cloud;
    this.role = settings.role;
    this.spot = settings.spot;
    // Where messages place the group: the path the user named, also for a duplicate.
    const path = `${scope.node.path}/${id}`;
    const duplicate = this.node.id !== id;
    // Each document against its cloud's limit, once every group is known (the first control plane carries the autoscaler manifests).
    checkAtSynth(this, () => userDataProblems(this.cloud, this.userData));
    const problems = [
      ...(duplicate ? [`id must be unique among the node groups of ${scope.node.path} (got a second "${id}"). Give each node group its own id.`] : []),
      ...optionConflictProblems({ count: props.count, nodeNames: props.nodeNames, shape: props.shape, instanceType: props.instanceType }),
    ];
    if (settings.autoscaling) {
      const { name, minNodes, maxNodes } = settings.autoscaling;
      this.autoscaling = { minNodes, maxNodes };
      this.nodeNames = [];
      const checked = this.checkScaled(props, settings, cluster);
      const footprint = { path, cloud: this.cloud, role: this.role, nodes: [], scaled: { name, maxNodes } };
      const admitted = this.admit(cluster, path, [...problems, ...checked.problems], duplicate ? undefined : footprint);
      if (!admitted) return;
      const wiring = recordingUserData(admitted, this.userData);
      this._scaled = buildScaledGroup(this, settings, checked.instanceType!, groupImage(cluster, settings, wiring), wiring);
      return;
    }
    const plan = tryPlan(() => planNodeGroup(plannerInput(settings, cluster)));
    const planned = plan.result ?? [];
    this.nodeNames = planned.map((node) => node.name);
    const strangers = (prop: string, byNode: Readonly<Record<string, string>>) => (plan.result ? Object.keys(byNode) : [])
      .filter((name) => !planned.some((node) => node.name === name))
      .map((name) => `${prop} must name nodes of this group (got "${name}"; the group has ${planned.map((n) => n.name).join(', ')}). Fix the node name.`);
    problems.push(
      ...plan.problems,
      ...spotPolicyProblems(this.cloud, this.spot, cluster._autoscalingPolicy),
      ...strangers('meshAddresses', settings.meshAddresses),
      ...strangers('replacements', settings.replacements),
    );
    // Nodes that could not be planned still count, as one, in the cluster-wide checks: a control-plane group with a bad shape is still a control plane.
    const counted = plan.result ?? [{ name: path }];
    const admitted = this.admit(cluster, path, problems, duplicate ? undefined : { path, cloud: this.cloud, role: this.role, nodes: counted });
    if (!admitted) return;
    const wiring = recordingUserData(admitted, this.userData);

    const builder = NODE_BUILDERS[this.cloud];
    const image = groupImage(cluster, settings, wiring);
    const keyStore = this.role === NodeRole.CONTROL_PLANE ? wiring.controlPlaneKeyStore() : undefined;
    for (const node of planned) {
      const attachment = builder.buildNode(this, {
        name: node.name,
        role: node.role,
        instanceType: node.instanceType,
        image,
        diskSizeGb: settings.diskSizeGb,
        spot: this.spot,
        labels: wiring.labels,
        location: wiring.location,
        network: wiring.network,
        provider: wiring.provider,
        // The address the builder passes is the attachment's publicAddress, which the plan reads.
        userData: () => wiring.nodeUserData(this, `${node.name}-user-data`, node.name),
        apiServers: wiring.apiServers,
        sshPublicKey: this.cloud === Cloud.AZURE ? wiring.sshPublicKey() : undefined,
        // A control plane reads its keys from the cloud's key store at boot: created after the secret and the grant.
        dependsOn: [...wiring.dependsOn, ...(keyStore?.dependencies ?? [])],
        // Control-plane nodes run the cloud's cluster-autoscaler once the cluster has autoscaled groups there.
        autoscalerIdentity: node.role === NodeRole.CONTROL_PLANE ? () => wiring.autoscalerIdentity() : undefined,
        controlPlaneIdentity: keyStore?.identity,
        // Read at synth: the cloud's first control-plane group may be added after this one.
        workerIdentity: node.role === NodeRole.WORKER ? () => wiring.controlPlaneKeyStore()?.joinToken.workerIdentity : undefined,
        replacement: replacementStamp(this, node.name, settings.replacements[node.name]),
      });
      this._nodes.push({ plan: node, attachment, meshAddress: settings.meshAddresses[node.name] });
    }
  }

  /**
   * The group's own problems are recorded (reported at synth with every other problem of the
   * app) and leave it unbuilt; without them the cluster admits it, or records why not. Either
   * way the cluster's checks count its nodes (a `footprint`), unless its id was taken (the
   * first group of that id is counted). Returns the wiring of an admitted group.
   */
  private admit(cluster: CastCluster, path: string, problems: readonly string[], footprint: GroupFootprint | undefined): NodeGroupWiring | undefined {
    if (problems.length > 0) {
      recordProblems(this, problems, path);
      cluster._refuse(footprint);
      return undefined;
    }
    return cluster._admit(this, footprint!);
  }

  /** @internal the group as the cluster plan takes it; read at synth, when its resources exist. */
  public _planInput(): ClusterGroupInput {
    const scaled = this._scaled;
    return {
      path: this.node.path,
      cloud: this.cloud,
      role: this.role,
      labels: this.settings.labels,
      taints: this.settings.taints,
      spot: this.spot,
      kubernetesVersion: this.settings.kubernetesVersion,
      nodes: this._nodes.map((n) => ({ name: n.plan.name, publicAddress: n.attachment.publicAddress, privateAddress: n.attachment.privateAddress, meshAddress: n.meshAddress })),
      scaled: scaled && { name: scaled.name, minNodes: scaled.minNodes, maxNodes: scaled.maxNodes, vcpu: scaled.vcpu, memoryGiB: scaled.memoryGiB, autoscalerRef: scaled.attachment.autoscalerRef },
    };
  }

  /** Every problem of an autoscaled group's own settings at once, and its stand-in node's instance type. */
  private checkScaled(props: NodeGroupProps, settings: NodeGroupSettings, cluster: CastCluster): { problems: string[]; instanceType?: string } {
    const { name, minNodes, maxNodes } = settings.autoscaling!;
    // The checks a static group gets (shape, cloud, version, disk, spot), on one stand-in node.
    const planned = tryPlan(() => planNodeGroup({ ...plannerInput(settings, cluster), count: 1, nodeNames: undefined }));
    const problems = [
      ...planned.problems,
      ...scaledGroupProblems({
        minNodes,
        maxNodes,
        role: settings.role,
        countGiven: props.count !== undefined,
        nodeNamesGiven: props.nodeNames !== undefined,
        spot: settings.spot,
        cloud: settings.cloud,
        policy: cluster._autoscalingPolicy,
      }),
    ];
    if (name.length > MAX_SCALED_NAME_PREFIX) {
      problems.push(`id must keep "<cluster>-<id>" within ${MAX_SCALED_NAME_PREFIX} characters for an autoscaled group (got "${name}"): AWS nodes are named <cluster>-<id>-<instance id>. Use a shorter node group id or cluster name.`);
    }
    if (props.meshAddresses !== undefined) {
      problems.push('meshAddresses must be left out of an autoscaled group (got a map): its nodes claim their mesh addresses at boot. Remove meshAddresses.');
    }
    if (props.replacements !== undefined) {
      problems.push("replacements must be left out of an autoscaled group (got a map): the cloud names and replaces its nodes. Remove replacements; the group's new nodes boot from its current template.");
    }
    return { problems, instanceType: planned.result?.[0].instanceType };
  }
}

/** The group's options with every default applied, once, for the static and the autoscaled branch alike. */
function resolveSettings(id: string, props: NodeGroupOptions, cluster: CastCluster): NodeGroupSettings {
  return {
    id,
    cloud: props.cloud,
    role: props.role,
    shape: props.shape ?? NodeShape.SMALL,
    instanceType: props.instanceType,
    count: props.count ?? 1,
    nodeNames: props.nodeNames,
    spot: props.spot ?? false,
    labels: { ...(props.labels ?? {}) },
    taints: (props.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    diskSizeGb: props.diskSizeGb ?? 50,
    kubernetesVersion: props.kubernetesVersion ?? cluster.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
    meshAddresses: props.meshAddresses ?? {},
    image: props.image,
    replacements: props.replacements ?? {},
    autoscaling: props.autoscaling && { name: `${cluster.name}-${id}`, minNodes: props.autoscaling.minNodes ?? 1, maxNodes: props.autoscaling.maxNodes },
  };
}

/** The image the group's nodes boot: its override, or the cloud's image as the cluster pinned it. */
function groupImage(cluster: CastCluster, settings: NodeGroupSettings, wiring: NodeGroupWiring): string {
  return settings.image ?? pinnedImage(settings.cloud, { home: cluster, provider: wiring.provider, region: wiring.location.region, osImage: wiring.osImage });
}

/**
 * A node's replacement stamp: one `terraform_data` per static node, whose `input` is the stamp, made
 * for every node so that setting a stamp the first time is a change. Its VM is replaced when it
 * changes (`replace_triggered_by`); creating it replaces nothing (Terraform triggers on an update or
 * replacement of the referenced resource, not its creation: test/terraform/lifecycle, "Upgrade the
 * library"), so a cluster deployed before stamps existed gets them with no VM replaced.
 */
function replacementStamp(group: Construct, nodeName: string, stamp: string | undefined): TerraformData {
  return new TerraformData(group, `${nodeName}-replacement`, { input: stamp === undefined ? {} : { stamp } });
}

/** What the node planner checks and names the nodes from. */
function plannerInput(settings: NodeGroupSettings, cluster: CastCluster): NodeGroupInput {
  return {
    id: settings.id,
    clusterName: cluster.name,
    cloud: settings.cloud,
    role: settings.role,
    shape: settings.shape,
    instanceType: settings.instanceType,
    count: settings.count,
    nodeNames: settings.nodeNames,
    spot: settings.spot,
    kubernetesVersion: settings.kubernetesVersion,
    diskSizeGb: settings.diskSizeGb,
    clusterClouds: cluster.clouds,
  };
}
