import { Construct } from 'constructs';
import { DEFAULT_GATEWAYS_PER_CLOUD, DEFAULT_LISTEN_PORT, DEFAULT_PERSISTENT_KEEPALIVE } from '../core/mesh/mesh-defaults';
import { MeshNodeInput, PlanMeshInput } from '../core/mesh/mesh-input';
import { MeshMode } from '../core/mesh/mesh-mode';
import { MeshPlan } from '../core/mesh/mesh-plan';
import { planMesh, planMeshProblems } from '../core/mesh/plan-mesh';
import { renderMeshDiagram } from '../core/mesh/render-mesh-diagram';
import { throwProblems } from '../private/validation-error';

/** How the cluster's nodes reach each other. */
export interface WireGuardMeshOptions {
  /**
   * Full mesh (every node peers every node), cross-location (nodes of one cloud use the
   * cloud network, a few gateways per cloud peer across clouds) or cloud network only
   * (no WireGuard; single-cloud clusters).
   * @default - MeshMode.FULL_MESH across several clouds, MeshMode.CLOUD_NETWORK on one
   */
  readonly mode?: MeshMode;
  /**
   * UDP port WireGuard listens on, on every node (the firewall opens it).
   * @default 51820
   */
  readonly listenPort?: number;
  /**
   * MTU of the WireGuard interface, on every node. Set it only for a network the library
   * does not know (an IPv6 endpoint adds 20 bytes; a GCP network with another MTU): the
   * default fits every cloud's network and the internet between them, and the pods' MTU
   * and each cloud's tunnel MTU follow from it (docs/mesh.md, "MTU").
   * @default - each node's agent computes it from the clouds of the cluster's nodes: 1400 with a GCP node, 1440 otherwise
   */
  readonly mtu?: number;
  /**
   * Seconds between keepalives to each peer, so NAT mappings stay open; 0 turns them off.
   * @default 25
   */
  readonly persistentKeepalive?: number;
  /**
   * Cross-location mode: how many nodes of each cloud peer across clouds (control-plane nodes first).
   * @default 1
   */
  readonly gatewaysPerCloud?: number;
}

/** Properties of a WireGuardMesh. */
export interface WireGuardMeshProps extends WireGuardMeshOptions {
  /** Whether the cluster spans more than one cloud (which rules out cloud-network mode). */
  readonly multiCloud: boolean;
  /** The mesh address range. */
  readonly meshCidr: string;
}

/** Where the mesh finds the nodes, at synth time (the cluster). */
interface MeshNodeSource {
  /** Every node of the cluster, as the mesh planner takes them. */
  meshNodes(): MeshNodeInput[];
}

/**
 * The cluster's node mesh. The topology is planned by the pure `planMesh`;
 * this construct holds the settings, checks the plan over every node at synth
 * (addresses, gateways, ranges), and draws it. Private keys are generated on
 * each node and never leave it; see docs/mesh.md.
 */
export class WireGuardMesh extends Construct {
  /** The mesh mode. */
  public readonly mode: MeshMode;
  /** WireGuard listen port. */
  public readonly listenPort: number;
  /** WireGuard interface MTU, when set; undefined: each node's agent computes it from the clouds of the cluster. */
  public readonly mtu?: number;
  /** Keepalive interval in seconds. */
  public readonly persistentKeepalive: number;
  /** Gateways per cloud in cross-location mode. */
  public readonly gatewaysPerCloud: number;
  /** The mesh address range. */
  public readonly meshCidr: string;

  private source?: MeshNodeSource;

  constructor(scope: Construct, id: string, props: WireGuardMeshProps) {
    super(scope, id);
    this.mode = props.mode ?? (props.multiCloud ? MeshMode.FULL_MESH : MeshMode.CLOUD_NETWORK);
    this.listenPort = props.listenPort ?? DEFAULT_LISTEN_PORT;
    this.mtu = props.mtu;
    this.persistentKeepalive = props.persistentKeepalive ?? DEFAULT_PERSISTENT_KEEPALIVE;
    this.gatewaysPerCloud = props.gatewaysPerCloud ?? DEFAULT_GATEWAYS_PER_CLOUD;
    this.meshCidr = props.meshCidr;
    const problems: string[] = [];
    if (this.mode === MeshMode.CLOUD_NETWORK && props.multiCloud) {
      problems.push('mesh.mode must not be MeshMode.CLOUD_NETWORK for a cluster across several clouds (got cloud-network): clouds reach each other only over WireGuard. Use MeshMode.FULL_MESH or MeshMode.CROSS_LOCATION.');
    }
    if (this.mode === MeshMode.CROSS_LOCATION && !(Number.isInteger(this.gatewaysPerCloud) && this.gatewaysPerCloud >= 1)) {
      problems.push(`mesh.gatewaysPerCloud must be a whole number of at least 1 in cross-location mode (got ${this.gatewaysPerCloud}). Use 1, or 2 for a standby gateway.`);
    }
    // Settings alone (no nodes yet): port, MTU and keepalive ranges.
    problems.push(...planMeshProblems(this.planInput([])).map((p) => `mesh.${p}`));
    throwProblems(this, problems);
    // The checks over every node, at synth; the topology itself is computed only when drawn.
    this.node.addValidation({ validate: () => (this.source ? planMeshProblems(this.planInput(this.source.meshNodes())) : []) });
  }

  /** Whether nodes run WireGuard (every mode but cloud network). */
  public get wireGuard(): boolean {
    return this.mode !== MeshMode.CLOUD_NETWORK;
  }

  /** @internal where the nodes come from (the cluster). */
  public _useNodes(source: MeshNodeSource): void {
    this.source = source;
  }

  /** @internal the topology over every node of the cluster, as planned at synth time. */
  public _plan(): MeshPlan {
    return this.planFor(this.source?.meshNodes() ?? []);
  }

  /** The topology as a Mermaid flowchart: clouds, nodes (name, mesh address, role) and WireGuard links. */
  public diagram(): string {
    return renderMeshDiagram(this._plan());
  }

  private planFor(nodes: MeshNodeInput[]): MeshPlan {
    return planMesh(this.planInput(nodes));
  }

  private planInput(nodes: MeshNodeInput[]): PlanMeshInput {
    return {
      nodes,
      mode: this.mode,
      meshCidr: this.meshCidr,
      listenPort: this.listenPort,
      mtu: this.mtu,
      persistentKeepalive: this.persistentKeepalive,
      gatewaysPerCloud: this.gatewaysPerCloud,
    };
  }
}
