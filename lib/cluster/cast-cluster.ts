import { Password } from '@cdktf/provider-random/lib/password';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { Annotations, DISABLE_STACK_TRACE_IN_METADATA, Fn, IResolveContext, Lazy, TerraformLocal, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { EtcdBackup } from '../backup/etcd-backup';
import { AddressPlan, DEFAULT_RANGES, planAddresses } from '../core/address-plan';
import { AutoscalingPolicy, resolveAutoscalingPolicy, utilizationTargets } from '../core/autoscaling';
import { controlPlaneKeyBundle, NodeBootstrapInput, renderNodeUserData } from '../core/bootstrap/node-bootstrap';
import { ETCD_BACKUP_NAMESPACE, ETCD_BACKUP_RELEASE, ETCD_BACKUP_SECRET_NAME } from '../core/backup/backup-secret';
import { CERT_RENEWAL_RELEASE, KUBELET_SERVING_APPROVER_RELEASE, renderCertRenewalManifests, renderKubeletServingApproverManifests } from '../core/certificates';
import { EtcdBackupPlan, planEtcdBackup } from '../core/backup/etcd-backup-plan';
import { Cloud, CLOUD_DISPLAY_NAME, sortClouds } from '../core/cloud';
import { deriveClusterUuid } from '../core/cluster-identity';
import { ClusterLabels } from '../core/cluster-labels';
import { ClusterCloudInput, ClusterPlan, ClusterPlanInput, meshNodesOf, planCluster } from '../core/cluster-plan';
import { CLUSTER_RELEASE_NAMESPACE, InClusterRelease, planInClusterReleases } from '../core/in-cluster/in-cluster-releases';
import { OS_PATCHING_RELEASE, OsPatchingPlan, planOsPatching, renderOsPatchingManifests } from '../core/os-patching/os-patching';
import { renderUpgradeManifests, UPGRADE_RELEASE } from '../core/upgrade';
import { CLUSTER_AUTOSCALER_CLOUDS } from '../core/autoscaling/validate-cluster-autoscaler-input';
import { warnOnLocalState } from './backend-warning';
import { InClusterStack } from './in-cluster-stack';
import { admissionProblems, clusterProblems, clusterWarnings, controlPlaneCloudsOf, GroupFootprint, scaledMeshModeProblems, staticTokenWarnings } from '../core/cluster-problems';
import { EtcdTimingOptions, etcdTimingProblems, etcdTimingWarnings } from '../core/etcd-timings';
import { joinApiSeeds, SeedControlPlane, workerApiSeeds, WORKERS_SEED_PRIVATELY } from '../core/api-seeds';
import { apiOpenToAll, DEFAULT_NODE_PORT_RANGE, NodeSource, planFirewall, WIREGUARD_PORT } from '../core/firewall-plan';
import { DEFAULT_KUBERNETES_VERSION } from '../core/kubernetes-version';
import { NodeRole } from '../core/node-role';
import { CastRegionInfo, findCastRegion } from '../core/regions';
import { ControlPlaneKeyStore, KEY_STORE_BUILDERS } from '../keys';
import { MeshAgentSource, publishMeshAgentOnAws } from '../mesh/aws-agent-source';
import { WireGuardMesh } from '../mesh/wireguard-mesh';
import { CloudNetwork } from '../network/cloud-network';
import { wireSpotInterruptionNotices } from '../nodes/aws-spot-notices';
import { NodeGroup, NodeGroupOptions } from '../nodes/node-group';
import { NodeGroupWiring } from '../nodes/node-group-wiring';
import type { OsImageOptions } from '../nodes/os-image';
import { SCALING_BUILDERS } from '../nodes/scaling';
import { attachAutoscalerPolicy } from '../nodes/scaling/aws';
import { AutoscalerIdentity } from '../nodes/scaling/scaling-spec';
import { CastValidationError, checkAtSynth, freeIdIn, recordProblems, recordThrown, throwAppProblems, throwProblems, tryPlan } from '../private/validation-error';
import { ClusterCredentials } from './cluster-credentials';
import { addNodeOutputs, describeCluster } from './cluster-outputs';
import { CastClusterProps, propProblems } from './cast-cluster-props';
import { configureProvider } from './cluster-providers';
import { withUserDataFiles } from './user-data-folder';
import { PortRange } from './options';

/**
 * One self-managed Kubernetes cluster spanning AWS, GCP, Azure and/or
 * DigitalOcean in one Cast region: one CloudNetwork per cloud, everything
 * tagged with the cluster UUID, and a `cast_cluster_<name>` output describing
 * it for the drift check.
 */
export class CastCluster extends Construct {
  /** Returns the CastCluster that `construct` belongs to, if any. */
  public static of(construct: IConstruct): CastCluster | undefined {
    return construct.node.scopes.reverse().find((scope): scope is CastCluster => scope instanceof CastCluster);
  }

  /** The cluster name. */
  public readonly name: string;
  /** The cluster UUID. */
  public readonly uuid: string;
  /** The Cast region. */
  public readonly region: CastRegionInfo;
  /** The clouds the cluster spans, in canonical order. */
  public readonly clouds: Cloud[];
  /** The resolved address plan. */
  public readonly addresses: AddressPlan;
  /** The Kubernetes version of the cluster. */
  public readonly kubernetesVersion: string;
  /** How nodes reach each other: the WireGuard mesh and its plan (absent when its own settings have problems: the synth reports them). */
  public readonly mesh!: WireGuardMesh;
  /** The NodePort range the worker firewalls open (firewall.nodePortRange). */
  public readonly nodePortRange: PortRange;

  /** @internal true when the cluster's props have problems: nothing is built, and its node groups check their own options only. */
  public _unbuilt: boolean;
  /** @internal the etcd backup: its buckets, the CronJob's manifests and Secret data; made with the first control-plane group, unless etcdBackup.enabled is false. */
  public _etcdBackup?: EtcdBackup;

  /** @internal tags/labels every resource carries. */
  public readonly _labels: ClusterLabels;
  /** @internal the autoscaling policy with its defaults. */
  public readonly _autoscalingPolicy: AutoscalingPolicy;
  private readonly osPatching: OsPatchingPlan;

  private readonly networks = new Map<Cloud, CloudNetwork>();
  private readonly providers = new Map<Cloud, TerraformProvider>();
  /** Node groups admitted (and built), in the order they were added, with what the checks read of each. */
  private readonly groups: { readonly group: NodeGroup; readonly footprint: GroupFootprint }[] = [];
  /** What the cluster-wide checks read of every group, admitted or refused (a refused control plane is still a control plane). */
  private readonly footprints: GroupFootprint[] = [];
  /** The plan over every admitted group, or its problems, made at synth; a newly admitted group clears it. */
  private plan?: { readonly result?: ClusterPlan; readonly problems: readonly string[] };
  private readonly phoneHomeUrl?: string;
  private readonly apiServerDnsName?: string;
  private readonly etcd?: EtcdTimingOptions;
  private readonly osImage?: OsImageOptions;
  private readonly apiSourceRanges?: readonly string[];
  private credentials?: ClusterCredentials;
  /** The control planes' API seeds, a reference to one local: a template with references inlined into a function call (DigitalOcean's tags) would be emitted as bare expressions. */
  private apiServers?: string;
  /** By cloud, the API seeds of its workers (its control planes' private addresses first), each a reference to one local. */
  private readonly workerApiServers = new Map<Cloud, string>();
  private nodeSshKey?: PrivateKey;
  private readonly autoscalerIdentities = new Map<Cloud, AutoscalerIdentity | undefined>();
  /** Where each cloud's control planes read their keys; made for the cloud's first control-plane group. */
  private readonly keyStores = new Map<Cloud, ControlPlaneKeyStore>();
  /** By node name, the handoff ticket of each control plane on a cloud without a key store (docs/decisions/0007). */
  private readonly keyTickets = new Map<string, string>();
  private spotNoticesWired = false;
  /** Whether a node group was left unbuilt by problems of its own. */
  private refusedGroups = false;
  private awsMeshAgent?: MeshAgentSource;
  private readonly awsSpotInterruptionTarget?: string;
  private readonly etcdBackupPlan?: EtcdBackupPlan;

  constructor(scope: Construct, id: string, props: CastClusterProps) {
    // A second construct of one id would make constructs throw "There is already a Construct
    // with name …" with its stack trace: the cluster is checked under a free id and the
    // duplicate reported with the other problems of the app.
    super(scope, freeIdIn(scope, id));
    // The cluster's warnings go into the manifest without the JavaScript stack that added them:
    // a stack names absolute paths and the caller's lines, so the same app synthesized from
    // another checkout or call site would differ byte for byte (cdktf Annotations,
    // DISABLE_STACK_TRACE_IN_METADATA). The message names the construct path, which is enough.
    this.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
    // Its stack's state holds the CA keys, the join token and the admin kubeconfig.
    warnOnLocalState(TerraformStack.of(this), "the cluster's CA keys and admin kubeconfig");
    const clouds = sortClouds(props.clouds ?? []);
    const region = findCastRegion(props.region);
    const uuid = props.clusterUuid ?? deriveClusterUuid(props.name);
    const addresses = tryPlan(() =>
      planAddresses({
        clouds,
        clusterKey: uuid,
        podCidr: props.addresses?.podCidr,
        serviceCidr: props.addresses?.serviceCidr,
        meshCidr: props.addresses?.meshCidr,
        networks: props.addresses,
        propPrefix: 'addresses',
      }),
    );
    // Source ranges and the NodePort range are the same on every cloud: check them once, here,
    // so that every problem of the props is reported together.
    const firewall = tryPlan(() => planFirewall({ wireguard: true, wireguardPort: WIREGUARD_PORT, clusterRanges: [], ...props.firewall, propPrefix: 'firewall' }));
    const autoscaling = resolveAutoscalingPolicy(props.autoscaling ?? {}, 'autoscaling');
    const osPatching = planOsPatching(props.osPatching, 'osPatching');
    // The Azure SAS's default expiry counts from the year of the synth (planEtcdBackup).
    const etcdBackup = tryPlan(() => planEtcdBackup(props.etcdBackup ?? {}, clouds, new Date()));
    const problems = [
      ...(this.node.id !== id ? [`id must be unique in ${scope.node.path || 'the app'} (got a second "${id}"). Give each construct its own id.`] : []),
      ...propProblems(props, clouds, region, uuid),
      ...duplicateNameProblems(this, props.name),
      ...addresses.problems,
      ...firewall.problems,
      ...autoscaling.problems,
      ...etcdBackup.problems,
      ...osPatching.problems,
    ];
    // Where messages place the cluster: the path the user named, also for a duplicate.
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    recordProblems(this, problems, path);
    // A cluster with problems of its own is left unbuilt (its node groups check their own
    // options only), and its problems are reported at synth with every other one of the app.
    this._unbuilt = problems.length > 0;
    this._autoscalingPolicy = autoscaling.policy ?? resolveAutoscalingPolicy({}).policy!;
    this.etcdBackupPlan = etcdBackup.result;
    this.osPatching = osPatching.plan ?? planOsPatching().plan!;

    this.name = props.name;
    this.uuid = uuid;
    this.region = region!;
    this.clouds = clouds;
    this.kubernetesVersion = props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    this._labels = { uuid, name: props.name, extra: props.tags ?? {} };
    this.awsSpotInterruptionTarget = props.awsSpotInterruptionTarget;
    this.addresses = addresses.result!;
    this.nodePortRange = props.firewall?.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    this.phoneHomeUrl = props.phoneHomeUrl;
    this.apiServerDnsName = props.apiServerDnsName;
    this.etcd = props.etcd;
    this.osImage = props.osImage;
    this.apiSourceRanges = props.firewall?.apiSourceRanges;
    checkAtSynth(this, () => this.validateNodes());

    // The mesh throws the problems of its settings when it is made: they join the others. Made for
    // an unbuilt cluster too (the default mesh range if the address plan failed), so its settings
    // are checked and what reads them (an IngressStack) finds them.
    const meshCidr = addresses.result?.meshCidr ?? DEFAULT_RANGES.meshCidr;
    const mesh = recordThrown(this, () => new WireGuardMesh(this, 'mesh', { ...props.mesh, multiCloud: clouds.length > 1, meshCidr }));
    if (!mesh) this._unbuilt = true;
    this.mesh = mesh!;
    if (this._unbuilt) return;

    for (const network of this.addresses.networks) {
      const provider = props.providers?.[network.cloud] ?? configureProvider(this, network.cloud, props);
      this.providers.set(network.cloud, provider);
      this.networks.set(
        network.cloud,
        new CloudNetwork(this, network.cloud, {
          cloud: network.cloud,
          clusterName: this.name,
          clusterUuid: uuid,
          region: this.region.id,
          vpcCidr: network.vpcCidr,
          subnetCidr: network.subnetCidr,
          podCidr: this.addresses.podCidr,
          serviceCidr: this.addresses.serviceCidr,
          meshCidr: this.addresses.meshCidr,
          wireguard: this.mesh.wireGuard,
          wireguardPort: this.mesh.listenPort,
          firewall: props.firewall,
          tags: props.tags,
          provider,
        }),
      );
    }
    this.mesh._useNodes({ meshNodes: () => meshNodesOf(this.groups.map((g) => g.group._planInput())) });
    describeCluster(this, this.name, () => this._description());
  }

  /** Adds a set of nodes of one configuration; see NodeGroupOptions. */
  public addNodeGroup(id: string, options: NodeGroupOptions): NodeGroup {
    return new NodeGroup(this, id, { ...options, cluster: this });
  }

  /** The node groups added so far. */
  public get nodeGroups(): NodeGroup[] {
    return this.groups.map((g) => g.group);
  }

  /**
   * @internal called once by each NodeGroup without problems of its own: checks the group
   * against the groups before it, registers it, makes what its nodes need (credentials,
   * outputs, the AWS agent download, spot notices, the cloud's autoscaler identity) and hands
   * back what its resources are built with; or records why it cannot be admitted (reported at
   * synth) and hands back nothing, leaving the group unbuilt.
   */
  public _admit(group: NodeGroup, footprint: GroupFootprint): NodeGroupWiring | undefined {
    this.footprints.push(footprint);
    // The cluster's own problems are reported; the group's options were checked by the group.
    if (this._unbuilt) return undefined;
    const problems = [
      ...(footprint.scaled ? scaledMeshModeProblems(footprint.cloud, this.mesh.mode) : []),
      ...admissionProblems(this.groups.map((g) => g.footprint), footprint, { addresses: this.addresses, meshMode: this.mesh.mode }),
    ];
    // Reported at synth with every other problem of the app; the group stays unbuilt.
    if (problems.length > 0) {
      recordProblems(group, problems);
      this.refusedGroups = true;
      return undefined;
    }
    this.groups.push({ group, footprint });
    this.plan = undefined;
    if (group.cloud === Cloud.AWS && group.spot && !this.awsSpotInterruptionTarget) {
      // AWS reclaims a spot instance two minutes after its interruption warning, which only an
      // EventBridge rule sees (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html).
      Annotations.of(group).addWarning(
        `${group.node.path}: awsSpotInterruptionTarget should be set on the cluster for spot nodes on AWS (got none): AWS reclaims a spot instance two minutes after its interruption warning, and without a target nothing cordons or drains the node first, so its pods stop abruptly. ` +
          'Set awsSpotInterruptionTarget on the cluster to the ARN of an SNS topic, SQS queue or Lambda function whose handler drains the node, or turn spot off for this group.',
      );
    }
    this.prepareFor(group);
    if (footprint.scaled) this.grantAutoscaler(footprint.cloud);
    this.allowNodes(footprint);
    return this.wiringFor(footprint.cloud, footprint.role);
  }

  /** @internal a group with problems of its own, left unbuilt: the cluster-wide checks still count its nodes (when it has a footprint). */
  public _refuse(footprint: GroupFootprint | undefined): void {
    if (footprint) this.footprints.push(footprint);
    this.refusedGroups = true;
  }

  /**
   * @internal true when the cluster or one of its node groups was left unbuilt by problems of its
   * own, which the synth reports: what is built on the cluster (an IngressStack, an InClusterStack)
   * should not report what follows from them (no workers, no outputs) as problems of its own.
   */
  public get _incomplete(): boolean {
    return this._unbuilt || this.refusedGroups;
  }

  /**
   * Every cloud's firewall lets the group's static nodes through the rules that let the
   * cluster's nodes in (the API rule, when apiSourceRanges is narrowed), each by the address
   * its connections leave from, read at synth once its group has built it.
   */
  private allowNodes(footprint: GroupFootprint): void {
    for (const { name } of footprint.nodes) {
      const node: NodeSource = { name, address: Lazy.stringValue({ produce: () => this.egressAddressOf(name) }) };
      for (const network of this.networks.values()) network._allowNode(node);
    }
  }

  /** The public address a static node's connections leave from (a Terraform reference). */
  private egressAddressOf(name: string): string {
    const node = this.groups.flatMap((g) => g.group._nodes).find((n) => n.plan.name === name);
    if (!node) throw new Error(`${this.node.path}: node ${name} was admitted but never built.`);
    return node.attachment.egressAddress ?? node.attachment.publicAddress;
  }

  /** Credentials, outputs, the AWS agent download and spot notices: made once, for the first group that needs them. */
  private prepareFor(group: NodeGroup): void {
    // Credentials and the outputs that need them exist once the cluster has nodes.
    if (!this.credentials) {
      this.credentials = new ClusterCredentials(this, 'credentials', this.name);
      // The outputs' values take a stand-in plan while cdktf prepares the stacks; the api-servers local below throws for them when it resolves.
      addNodeOutputs(this, this.name, () => this.plan?.result ?? this.planOutcome().result ?? STAND_IN_PLAN, this.credentials);
      this.apiServers = new TerraformLocal(this, 'api-servers', Lazy.stringValue({ produce: (context) => this.plannedFor(context).apiServers })).asString;
      // Every cloud's workers' seeds, made with the first group: a later group on a new cloud adds no local.
      for (const cloud of this.clouds) this.workerApiServersOf(cloud);
    }
    if (group.cloud === Cloud.AWS && !this.awsMeshAgent) {
      const network = this.network(Cloud.AWS);
      this.awsMeshAgent = publishMeshAgentOnAws(new Construct(this, 'mesh-agent-aws'), {
        labels: this._labels,
        region: network.cloudRegion,
        vpcId: network._attachment.vpcId!,
        routeTableId: network._attachment.routeTableId!,
        provider: this.provider(Cloud.AWS),
      });
    }
    // A ticket per control plane of a cloud without a key store: whether it is used (another
    // cloud's control planes hand the keys over) is the plan's, at synth; it lives in state.
    if (group.role === NodeRole.CONTROL_PLANE && !KEY_STORE_BUILDERS[group.cloud]) {
      const tickets = (this.node.tryFindChild('key-tickets') as Construct | undefined) ?? new Construct(this, 'key-tickets');
      const footprint = this.groups.find((g) => g.group === group)!.footprint;
      for (const { name } of footprint.nodes) {
        // 40 letters and digits: node.env quotes nothing, and 238 bits cannot be guessed.
        const ticket = new Password(tickets, name, { provider: this.credentials!.randomProvider, length: 40, special: false });
        this.keyTickets.set(name, ticket.result);
      }
    }
    const keyStoreBuilder = KEY_STORE_BUILDERS[group.cloud];
    if (group.role === NodeRole.CONTROL_PLANE && keyStoreBuilder && !this.keyStores.has(group.cloud)) {
      const network = this.network(group.cloud);
      this.keyStores.set(
        group.cloud,
        keyStoreBuilder(new Construct(this, `control-plane-keys-${group.cloud}`), {
          clusterName: this.name,
          clusterUuid: this.uuid,
          labels: this._labels,
          location: { region: network.cloudRegion, zone: network.zone },
          network: network._attachment,
          provider: this.provider(group.cloud),
          randomProvider: this.credentials!.randomProvider,
          // Read at synth: whether some group joins with the static token is known once every group is.
          bundle: Lazy.stringValue({
            produce: (context) => {
              const plan = this.plannedFor(context);
              const tickets = Object.fromEntries(Object.entries(plan.keyTickets).map(([node, ticket]) => [node, Fn.sha256(ticket)]));
              return Fn.jsonencode(controlPlaneKeyBundle(this.credentials!.values, plan.staticTokenGroups.length > 0, tickets));
            },
          }),
        }),
      );
    }
    if (group.role === NodeRole.CONTROL_PLANE && this.etcdBackupPlan?.enabled && !this._etcdBackup) {
      const clouds = this.clouds.map((cloud) => ({ cloud, provider: this.provider(cloud), location: { region: this.network(cloud).cloudRegion, zone: this.network(cloud).zone }, network: this.network(cloud)._attachment }));
      this._etcdBackup = new EtcdBackup(this, 'etcd-backup', { clusterName: this.name, labels: this._labels, plan: this.etcdBackupPlan, clouds, randomProvider: this.credentials!.randomProvider });
    }
    if (group.cloud === Cloud.AWS && group.spot && this.awsSpotInterruptionTarget && !this.spotNoticesWired) {
      wireSpotInterruptionNotices(this, this.name, this._labels, this.awsSpotInterruptionTarget, this.provider(Cloud.AWS));
      this.spotNoticesWired = true;
    }
  }

  /**
   * The identity the cloud's cluster-autoscaler runs with: granted once, for the cloud's first autoscaled group.
   * AWS: its policy goes on the role of the cloud's control planes (the key store's, made for the first
   * control-plane group, before or after this one), so they carry one instance profile; the role is named
   * at synth. An AWS autoscaled group without an AWS control plane is refused by clusterProblems.
   */
  private grantAutoscaler(cloud: Cloud): void {
    if (this.autoscalerIdentities.has(cloud)) return;
    const network = this.network(cloud);
    const scope = new Construct(this, `autoscaler-${cloud}`);
    const identity = SCALING_BUILDERS[cloud].grantAutoscaler(scope, {
      clusterName: this.name,
      labels: this._labels,
      location: { region: network.cloudRegion, zone: network.zone },
      network: network._attachment,
      provider: this.provider(cloud),
    });
    this.autoscalerIdentities.set(cloud, identity);
    if (identity?.awsPolicy !== undefined) {
      const roleName = Lazy.stringValue({
        produce: (context) => {
          const role = this.keyStores.get(cloud)?.identity.awsRoleName;
          // Without an AWS control plane clusterProblems reports the group, or the AWS control-plane group was refused with problems of its own.
          if (role !== undefined || context.preparing) return role ?? '';
          throwAppProblems(this);
          throw new CastValidationError([`${this.node.path}: autoscaled node groups on AWS need a control-plane group on AWS, whose role runs the cluster-autoscaler. Add one.`]);
        },
      });
      attachAutoscalerPolicy(scope, { roleName, policy: identity.awsPolicy, provider: this.provider(cloud) });
    }
  }

  /** What a group of `role` on `cloud` builds its resources with. */
  private wiringFor(cloud: Cloud, role: NodeRole): NodeGroupWiring {
    const network = this.network(cloud);
    return {
      clusterName: this.name,
      labels: this._labels,
      provider: this.provider(cloud),
      location: { region: network.cloudRegion, zone: network.zone },
      osImage: this.osImage,
      network: network._attachment,
      dependsOn: cloud === Cloud.AWS ? this.awsMeshAgent?.dependencies ?? [] : [],
      utilizationTargets: utilizationTargets(this._autoscalingPolicy),
      apiServers: role === NodeRole.CONTROL_PLANE ? this.apiServers! : this.workerApiServersOf(cloud),
      sshPublicKey: () => this.nodeSshPublicKey(),
      autoscalerIdentity: () => this.autoscalerIdentities.get(cloud),
      controlPlaneKeyStore: () => this.keyStores.get(cloud),
      nodeUserData: (scope, id, nodeName) => userDataLocal(scope, id, (context) => this.plannedFor(context).nodes.find((n) => n.name === nodeName)?.bootstrap),
      scaledUserData: (scope, id, groupName) => userDataLocal(scope, id, (context) => this.plannedFor(context).scaledGroups.find((g) => g.name === groupName)?.bootstrap),
    };
  }

  /**
   * The seeds of the workers on `cloud` (lib/core/api-seeds.ts), one local per cloud, rendered at
   * synth: its control planes' private addresses first (not on DigitalOcean: WORKERS_SEED_PRIVATELY),
   * which no narrowed API rule can shut out (cluster-internal lets the cloud's network in), then
   * the others' public addresses.
   */
  private workerApiServersOf(cloud: Cloud): string {
    let seeds = this.workerApiServers.get(cloud);
    if (seeds === undefined) {
      const produce = (context: IResolveContext) => joinApiSeeds(workerApiSeeds(seedControlPlanesOf(this.plannedFor(context)), cloud));
      seeds = new TerraformLocal(this, `worker-api-servers-${cloud}`, Lazy.stringValue({ produce })).asString;
      this.workerApiServers.set(cloud, seeds);
    }
    return seeds;
  }

  /** @internal the Helm releases the cluster's InClusterStack installs (lib/core/in-cluster), from the plan over every group. */
  public _inClusterReleases(): InClusterRelease[] {
    const extra: InClusterRelease[] = [];
    if (this.osPatching.rebootNodes) extra.push({ name: OS_PATCHING_RELEASE, namespace: CLUSTER_RELEASE_NAMESPACE, manifests: renderOsPatchingManifests(this.osPatching) });
    // Certificates: kubeadm's renewed on control planes before they expire, and the kubelets'
    // serving certificates approved (kubeadm approves none).
    extra.push(
      { name: CERT_RENEWAL_RELEASE, namespace: CLUSTER_RELEASE_NAMESPACE, manifests: renderCertRenewalManifests() },
      { name: KUBELET_SERVING_APPROVER_RELEASE, namespace: CLUSTER_RELEASE_NAMESPACE, manifests: renderKubeletServingApproverManifests() },
    );
    if (this._etcdBackup) {
      extra.push({
        name: ETCD_BACKUP_RELEASE,
        namespace: ETCD_BACKUP_NAMESPACE,
        manifests: this._etcdBackup.manifests(),
        secrets: [{ name: ETCD_BACKUP_SECRET_NAME, namespace: ETCD_BACKUP_NAMESPACE, data: this._etcdBackup.secretData }],
      });
    }
    // The rolling upgrade (docs/upgrades.md): a kubernetesVersion change changes its target ConfigMap only.
    extra.push({ name: UPGRADE_RELEASE, namespace: CLUSTER_RELEASE_NAMESPACE, manifests: renderUpgradeManifests({ kubernetesVersion: this.kubernetesVersion }) });
    // A cluster whose plan fails has its problems reported at synth: its releases then go without the autoscaler.
    return planInClusterReleases({ autoscaler: this.planOutcome().result?.autoscaler, extra });
  }

  /** The cluster plan over every admitted group, or its problems; made at synth, when every group is known, and kept until another is added. */
  private planOutcome(): { readonly result?: ClusterPlan; readonly problems: readonly string[] } {
    // An unbuilt cluster has nothing to plan; its own problems are reported.
    if (this._unbuilt) return { problems: [] };
    this.plan ??= tryPlan(() => planCluster(this.planInput()));
    return this.plan;
  }

  /**
   * The plan, for a token's value. cdktf resolves every token once before it runs the
   * validations (TerraformStack.prepareStack), so a plan that fails gives a stand-in there,
   * and the validations report why; resolved for the output (validations skipped), it throws
   * the app's problems.
   */
  private plannedFor(context: IResolveContext): ClusterPlan {
    const { result, problems } = this.planOutcome();
    if (result) return result;
    if (context.preparing) return STAND_IN_PLAN;
    throwAppProblems(this);
    throw new CastValidationError(problems.map((problem) => `${this.node.path}: ${problem}`));
  }

  private planInput(): ClusterPlanInput {
    const mesh = this.mesh;
    return {
      clusterName: this.name,
      castRegion: this.region.id,
      apiServerDnsName: this.apiServerDnsName,
      etcd: this.etcd,
      kubernetesVersion: this.kubernetesVersion,
      addresses: this.addresses,
      nodePortRange: this.nodePortRange,
      mesh: { mode: mesh.mode, listenPort: mesh.listenPort, mtu: mesh.mtu, persistentKeepalive: mesh.persistentKeepalive, gatewaysPerCloud: mesh.gatewaysPerCloud },
      groups: this.groups.map((g) => g.group._planInput()),
      clouds: Object.fromEntries(this.clouds.map((cloud) => [cloud, this.cloudInput(cloud)])),
      autoscalingPolicy: this._autoscalingPolicy,
      phoneHomeUrl: this.phoneHomeUrl,
      credentials: this.credentials!.values,
      keyTickets: Object.fromEntries(this.keyTickets),
    };
  }

  private cloudInput(cloud: Cloud): ClusterCloudInput {
    const network = this.network(cloud);
    const agent = cloud === Cloud.AWS ? this.awsMeshAgent : undefined;
    const identity = cloud === Cloud.AZURE ? this.autoscalerIdentities.get(cloud) : undefined;
    return {
      location: { region: network.cloudRegion, zone: network.zone },
      meshAgent: agent && { url: agent.url, sha256: agent.sha256 },
      azureAutoscaler: identity && { subscriptionId: identity.azureSubscriptionId!, resourceGroup: network._attachment.resourceGroupName!, clientId: identity.azureClientId! },
      controlPlaneKeys: this.keyStores.get(cloud)?.source,
      joinToken: this.keyStores.get(cloud)?.joinToken,
    };
  }

  /**
   * Synth-time checks across node groups and etcd's timers. Control planes too few, on
   * too few clouds or of an even count, and timers shorter than the round trips call
   * for, are warnings: each is a trade-off the user may choose.
   */
  private validateNodes(): string[] {
    const footprints = this.footprints;
    // An unbuilt cluster's props have problems (its region, say): only what its groups alone tell.
    if (this._unbuilt) return clusterProblems(footprints);
    const etcd = { castRegion: this.region.id, controlPlaneClouds: controlPlaneCloudsOf(footprints), override: this.etcd };
    // etcd's checks wait for a control plane: a cluster without nodes is valid, and one of
    // workers only gets clusterProblems' message, not a second one about etcd.
    const checkEtcd = etcd.controlPlaneClouds.length > 0;
    const warnings = [
      ...clusterWarnings(footprints), ...staticTokenWarnings(footprints), ...(checkEtcd ? etcdTimingWarnings(etcd) : []), ...apiSourceWarnings(this.apiSourceRanges, footprints),
      ...this.inClusterStackWarnings(footprints),
    ];
    for (const warning of warnings) Annotations.of(this).addWarning(`${this.node.path}: ${warning}`);
    return [...clusterProblems(footprints), ...(checkEtcd ? etcdTimingProblems(etcd) : [])];
  }

  /** Autoscaled AWS or Azure groups scale only once an InClusterStack runs their cluster-autoscaler. */
  private inClusterStackWarnings(footprints: readonly GroupFootprint[]): string[] {
    const clouds = CLUSTER_AUTOSCALER_CLOUDS.filter((cloud) => footprints.some((f) => f.scaled && f.cloud === cloud));
    if (clouds.length === 0) return [];
    const stacks = this.node.root.node.findAll().filter((c): c is InClusterStack => c instanceof InClusterStack && c.cluster === this);
    if (stacks.length > 0) return [];
    return [`the autoscaled groups on ${clouds.map((c) => CLOUD_DISPLAY_NAME[c]).join(' and ')} never scale without an InClusterStack, which runs their cluster-autoscaler. Add one after the node groups: new InClusterStack(app, '${this.name}-in-cluster', { cluster }).`];
  }

  /**
   * The OpenSSH public key Azure requires on Linux VMs (and DigitalOcean on
   * autoscale pools); its private half stays in state, and SSH stays closed unless opened.
   */
  private nodeSshPublicKey(): string {
    this.nodeSshKey ??= new PrivateKey(this, 'azure-ssh-key', { provider: this.credentials?.tlsProvider, algorithm: 'RSA', rsaBits: 4096 });
    return this.nodeSshKey.publicKeyOpenssh;
  }

  /** The cluster's network on `cloud`; throws when the cluster does not span it. */
  public network(cloud: Cloud): CloudNetwork {
    const network = this.networks.get(cloud);
    if (!network) throwProblems(this, [`network(${cloud}) must name a cloud the cluster spans (got ${CLOUD_DISPLAY_NAME[cloud] ?? cloud}; clouds: ${this.clouds.join(', ')}). Add it to clouds, or ask for one of those.`]);
    return network!;
  }

  /** The provider used for `cloud` (yours, or the one the cluster configured). */
  public provider(cloud: Cloud): TerraformProvider {
    this.network(cloud);
    return this.providers.get(cloud)!;
  }

  /** @internal the `cast_cluster_<name>` description for the drift check. */
  public _description(): Record<string, unknown> {
    const description = {
      schema: 'cast-cluster/v1',
      uuid: this.uuid,
      name: this.name,
      region: this.region.id,
      clouds: this.clouds,
      addresses: { podCidr: this.addresses.podCidr, serviceCidr: this.addresses.serviceCidr, meshCidr: this.addresses.meshCidr },
      networks: this.addresses.networks.map((plan) => {
        const network = this.networks.get(plan.cloud)!;
        return { cloud: plan.cloud, region: network.cloudRegion, zone: network.zone, address: network._attachment.networkAddress, cidr: plan.vpcCidr, subnets: [plan.subnetCidr] };
      }),
      nodes: this.nodeGroups.flatMap((group) =>
        group._nodes.map((n) => ({ name: n.plan.name, cloud: n.plan.cloud, role: n.plan.role, address: n.attachment.instanceAddress })),
      ),
      scalingGroups: this.nodeGroups
        .filter((group) => group._scaled)
        .map((group) => {
          const scaled = group._scaled!;
          return { name: scaled.name, cloud: group.cloud, address: scaled.attachment.groupAddress, minNodes: scaled.minNodes, maxNodes: scaled.maxNodes };
        }),
    };
    return description;
  }
}

/** The control planes of the plan, in the cluster's order, as the seeds name them. */
function seedControlPlanesOf(plan: ClusterPlan): SeedControlPlane[] {
  return plan.nodes.filter((n) => n.role === NodeRole.CONTROL_PLANE).map((n) => ({ cloud: n.cloud, publicAddress: n.publicAddress, privateAddress: n.privateAddress }));
}

/**
 * Until it has joined, a node reaches the API through its seeds. With narrowed API ranges,
 * every static node is let in by its own address, and a worker on AWS, GCP or Azure reaches
 * its own cloud's control planes over the cloud network. Two kinds of autoscaled group have
 * neither, since the cloud picks their nodes' public addresses at boot: one on a cloud
 * without a control plane, and a DigitalOcean pool, whose seeds are public addresses only
 * (WORKERS_SEED_PRIVATELY in lib/core/api-seeds.ts says why).
 */
function apiSourceWarnings(ranges: readonly string[] | undefined, groups: readonly GroupFootprint[]): string[] {
  if (apiOpenToAll(ranges)) return [];
  const controlPlaneClouds = new Set(groups.filter((g) => g.role === NodeRole.CONTROL_PLANE && g.nodes.length > 0).map((g) => g.cloud));
  const shutOut = (g: GroupFootprint, why: string, fix: string) =>
    `firewall.apiSourceRanges should let in the autoscaled nodes of ${g.path} (got ${ranges!.join(', ')}): ${why}, so they cannot join. ${fix}, or leave apiSourceRanges out.`;
  return groups
    .filter((g) => g.scaled)
    .flatMap((g) => {
      const cloud = CLOUD_DISPLAY_NAME[g.cloud];
      if (!WORKERS_SEED_PRIVATELY[g.cloud]) {
        return [
          shutOut(
            g,
            `they reach the API at the control planes' public addresses only (a ${cloud} pool keeps the droplet template it was created with, so its seeds name no private address, which a replaced control-plane droplet would not keep), from public addresses ${cloud} gives them at boot that no rule can name`,
            'Give the group count or nodeNames instead of autoscaling (the API rule lets each static node in by its own address)',
          ),
        ];
      }
      if (controlPlaneClouds.has(g.cloud)) return [];
      return [shutOut(g, `${cloud} runs no control plane they could reach over its network, and ${cloud} gives them public addresses at boot that no rule can name`, `Add a control-plane node group on ${cloud}`)];
    });
}

/** Two clusters of one name would share resource names and the same UUID. */
function duplicateNameProblems(cluster: CastCluster, name: string): string[] {
  const others = cluster.node.root.node.findAll().filter((c): c is CastCluster => c instanceof CastCluster && c !== cluster && c.name === name);
  return others.map((other) => `name must be unique in the app (got "${name}", already used by ${other.node.path}). Give each cluster its own name.`);
}


/**
 * The one user-data assembler, for static nodes and autoscaled groups alike:
 * the bootstrap input from the cluster plan, rendered at synth (when every node
 * group is known) into a local of its own. A template with references must not
 * be inlined into a function call (base64gzip, base64encode), which cdktf would
 * emit as a bare expression.
 */
function userDataLocal(scope: Construct, id: string, bootstrap: (context: IResolveContext) => NodeBootstrapInput | undefined): string {
  return new TerraformLocal(scope, id, Lazy.stringValue({ produce: (context) => {
    const input = bootstrap(context);
    // No input: the stand-in plan while cdktf prepares the stacks (plannedFor).
    return input ? withUserDataFiles(scope, renderedUserData(input)) : '';
  } })).asString;
}

/**
 * Each input's user-data, rendered once: cdktf resolves every local three times in a synth
 * (preparing the stacks, the size check, the output), and the cluster's plan, which holds
 * the inputs, is made once, so the same input object comes back each time.
 */
const RENDERED = new WeakMap<NodeBootstrapInput, string>();
function renderedUserData(input: NodeBootstrapInput): string {
  let text = RENDERED.get(input);
  if (text === undefined) {
    text = renderNodeUserData(input);
    RENDERED.set(input, text);
  }
  return text;
}

/** What tokens read while cdktf prepares the stacks of a cluster whose plan fails (plannedFor): nothing, which no output keeps. */
const STAND_IN_PLAN = {
  firstControlPlane: '',
  apiServers: '',
  endpoint: '',
  nodes: [],
  scaledGroups: [],
  meshAddresses: new Map(),
  claimBlocks: new Map(),
  staticTokenGroups: [],
  keyTickets: {},
} as unknown as ClusterPlan;
