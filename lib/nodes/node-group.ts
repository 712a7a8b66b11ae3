import { Lazy, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { Cloud } from '../core/cloud';
import { DEFAULT_KUBERNETES_VERSION } from '../core/kubernetes-version';
import { planNodeGroup, PlannedNode } from '../core/node-plan';
import { NodeRole } from '../core/node-role';
import { NodeShape } from '../core/shapes';
import { planAt, throwProblems } from '../private/validation-error';
import type { CastCluster } from '../cluster/cast-cluster';
import { NODE_BUILDERS, NodeAttachment } from './index';
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
   * @default NodeShape.SMALL
   */
  readonly shape?: NodeShape;
  /**
   * The cloud's own instance type, overriding `shape`.
   * @default - the shape's instance type on this cloud
   */
  readonly instanceType?: string;
  /**
   * How many nodes, named `<cluster>-<id>-1` … `-<count>`. Scaling down removes the highest numbers.
   * @default 1
   */
  readonly count?: number;
  /**
   * Explicit node names instead of `count`; each is the Kubernetes node name and the instance name.
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
   * Image override: an AMI id, a GCP image, an Azure `publisher:offer:sku:version`, or a DigitalOcean slug.
   * @default - the current Ubuntu 24.04 LTS of the cloud
   */
  readonly image?: string;
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
    readonly labels: Record<string, string>;
    readonly taints: NodeTaint[];
    readonly spot: boolean;
    readonly kubernetesVersion: string;
    readonly meshAddress?: string;
  }[] = [];

  /** @internal an autoscaled group: its settings and what its cloud built. */
  public readonly _scaled?: ScaledGroupState;

  constructor(scope: Construct, id: string, props: NodeGroupProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.cloud = props.cloud;
    this.role = props.role;
    this.spot = props.spot ?? false;
    if (props.autoscaling) {
      this._scaled = buildScaledGroup(this, id, props);
      this.autoscaling = { minNodes: this._scaled.minNodes, maxNodes: this._scaled.maxNodes };
      this.nodeNames = [];
      return;
    }
    const kubernetesVersion = props.kubernetesVersion ?? cluster.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const spot = this.spot;
    const diskSizeGb = props.diskSizeGb ?? 50;
    const pins = props.meshAddresses ?? {};
    const planned = planAt(this, () =>
      planNodeGroup({
        id,
        clusterName: cluster.name,
        cloud: props.cloud,
        role: props.role,
        shape: props.shape ?? NodeShape.SMALL,
        instanceType: props.instanceType,
        count: props.count ?? 1,
        nodeNames: props.nodeNames,
        spot,
        kubernetesVersion,
        diskSizeGb,
        clusterClouds: cluster.clouds,
      }),
    );
    this.nodeNames = planned.map((node) => node.name);
    const strangers = Object.keys(pins).filter((name) => !planned.some((node) => node.name === name));
    throwProblems(this, [
      ...cluster._spotProblems(props.cloud, spot),
      ...strangers.map((name) => `meshAddresses must name nodes of this group (got "${name}"; the group has ${planned.map((n) => n.name).join(', ')}). Fix the node name.`),
    ]);
    cluster._admitNodes(this, planned);

    const builder = NODE_BUILDERS[props.cloud];
    const provider = cluster.provider(props.cloud);
    const network = cluster.network(props.cloud);
    const image = props.image ?? builder.lookupImage(this, provider);
    const labels = { ...(props.labels ?? {}) };
    const taints = [...(props.taints ?? [])];

    for (const node of planned) {
      const attachment = builder.buildNode(this, {
        name: node.name,
        role: node.role,
        instanceType: node.instanceType,
        image,
        diskSizeGb,
        spot,
        labels: cluster._labels,
        location: { region: network.cloudRegion, zone: network.zone },
        network: network._attachment,
        provider,
        // Rendered at synth time, when every node group of the cluster is known, into a
        // local of its own: a template with references must not be inlined into a
        // function call (base64gzip, base64encode), which cdktf would emit as a bare expression.
        userData: (publicAddress) =>
          new TerraformLocal(this, `${node.name}-user-data`, Lazy.stringValue({ produce: () => cluster._renderUserData(node.name, publicAddress) })).asString,
        sshPublicKey: props.cloud === Cloud.AZURE ? cluster._nodeSshPublicKey() : undefined,
        dependsOn: cluster._nodeDependencies(props.cloud),
        // Control-plane nodes run the cloud's cluster-autoscaler once the cluster has autoscaled groups there.
        autoscalerIdentity: node.role === NodeRole.CONTROL_PLANE ? () => cluster._autoscalerIdentity(props.cloud) : undefined,
      });
      this._nodes.push({ plan: node, attachment, labels, taints, spot, kubernetesVersion, meshAddress: pins[node.name] });
    }
  }
}
