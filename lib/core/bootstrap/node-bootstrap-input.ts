import { Cloud } from '../cloud';
import { MeshMode } from '../mesh/mesh-mode';

/**
 * What a node does at boot:
 * - `control-plane`: joins the cluster its seeds answer for, with stacked etcd, or,
 *   when none answers and it is the first seed, founds it with `kubeadm init`.
 * - `worker`: joins as a worker.
 */
export type NodeBootstrapKind = 'control-plane' | 'worker';

/**
 * A node whose identity is found at boot: a node of an autoscaled group, made
 * by the cloud from one template, so nothing about it is known at synth time.
 * `node-identity.sh` reads its name, public address and provider id from the
 * metadata service; the mesh agent claims its mesh address from `meshClaimCidr`,
 * or in cloud-network mode `node-private-address.sh` reads its private address
 * (docs/design/autoscaling.md, "Run-time contract").
 */
export interface NodeBootstrapScaledIdentity {
  /** Node names on AWS are `<namePrefix>-<instance id>`; elsewhere the cloud's instance name. */
  readonly namePrefix: string;
  /**
   * The block the agent claims this node's mesh address from (WireGuard modes).
   * @default - none: in cloud-network mode the mesh address is the private address
   */
  readonly meshClaimCidr?: string;
}

/** Every bootstrap kind, in the order the library reports them. */
export const NODE_BOOTSTRAP_KINDS: readonly NodeBootstrapKind[] = ['control-plane', 'worker'];

/** etcd's timers (etcd's `--heartbeat-interval` and `--election-timeout`). */
export interface NodeBootstrapEtcd {
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
}

/**
 * Where every node reaches the Kubernetes API: its own `cast-api-proxy`, which
 * forwards to whichever control plane answers (docs/bootstrap.md, "Reaching the
 * API"). kubeadm's `controlPlaneEndpoint`, so every kubeconfig on a node names it.
 */
export const LOCAL_API_ENDPOINT = '127.0.0.1:6444';

/** A taint the node registers with. */
export interface NodeBootstrapTaint {
  /** Taint key, a Kubernetes qualified name (`example.com/dedicated`). */
  readonly key: string;
  /** Taint value. @default - no value */
  readonly value?: string;
  /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`. */
  readonly effect: string;
}

/**
 * The cluster's join credentials. In production every field is a Terraform
 * expression (`${base64encode(tls_private_key.ca.private_key_pem)}`), so the
 * user-data holds references, never secrets; tests pass concrete values.
 * PEMs travel base64-encoded (`encoding: b64` in cloud-init), so multi-line
 * text never meets YAML indentation.
 */
export interface NodeBootstrapCredentials {
  /** Cluster CA certificate (base64 of the PEM). Every node gets it: workers pin the API server to it. */
  readonly caCertB64: string;
  /** Cluster CA private key (base64 of the PEM). Control-plane kinds only. @default - none (workers) */
  readonly caKeyB64?: string;
  /** Front-proxy CA certificate (base64 of the PEM). Control-plane kinds only. @default - none (workers) */
  readonly frontProxyCaCertB64?: string;
  /** Front-proxy CA private key (base64 of the PEM). Control-plane kinds only. @default - none (workers) */
  readonly frontProxyCaKeyB64?: string;
  /** etcd CA certificate (base64 of the PEM). Control-plane kinds only. @default - none (workers) */
  readonly etcdCaCertB64?: string;
  /** etcd CA private key (base64 of the PEM). Control-plane kinds only. @default - none (workers) */
  readonly etcdCaKeyB64?: string;
  /** Service-account signing key (base64 of the PEM). Control-plane kinds only. @default - none (workers) */
  readonly serviceAccountKeyB64?: string;
  /** Service-account public key (base64 of the PEM). Control-plane kinds only. @default - none (workers) */
  readonly serviceAccountPubB64?: string;
  /**
   * Bootstrap token id, `[a-z0-9]{6}`: the cluster's static token, for a node that reads no
   * join token from a store (`joinToken`).
   * @default - none: the node reads its token from the store
   */
  readonly bootstrapTokenId?: string;
  /** Bootstrap token secret, `[a-z0-9]{16}`, with `bootstrapTokenId`. @default - none: the node reads its token from the store */
  readonly bootstrapTokenSecret?: string;
}

/**
 * Where a control plane reads the cluster's CA keys and service-account key pair at
 * boot, with its own cloud identity, instead of finding them in its user-data
 * (docs/security.md, "The CA keys"). The secret holds the JSON of
 * `controlPlaneKeyBundle` (lib/core/bootstrap/control-plane-keys.ts); only the
 * cluster's control planes may read it.
 */
export type ControlPlaneKeySource = StoredSecret | MeshHandoff;

/**
 * A control plane without an identity to read a store with (DigitalOcean), in a cluster with
 * control planes that have one: it fetches the bundle over the WireGuard mesh from one of
 * them once it has joined as a node, proving itself with a one-time ticket that only it holds
 * (its user-data; the bundle holds the ticket's SHA-256). docs/decisions/0007.
 */
export interface MeshHandoff {
  readonly store: 'mesh-handoff';
  /** The node's ticket: a Terraform reference to its random_password. */
  readonly ticket: string;
}

/**
 * One secret of a cloud's secret store, as a node reads (and a control plane writes) it
 * with its own cloud identity.
 */
export type StoredSecret =
  /** AWS Secrets Manager, read with the instance profile's role (IMDSv2 credentials, SigV4). */
  | { readonly store: 'aws-secrets-manager'; readonly secretId: string; readonly region: string }
  /** GCP Secret Manager, read with the VM's service account: `projects/<p>/secrets/<s>/versions/<v>`. */
  | { readonly store: 'gcp-secret-manager'; readonly secretVersion: string }
  /** Azure Key Vault, read with a user-assigned managed identity: the secret's URL and the identity's client id. */
  | { readonly store: 'azure-key-vault'; readonly secretUrl: string; readonly identityClientId: string };

/**
 * Where a node reads the cluster's current join token at boot, with its own cloud identity,
 * instead of finding a token in its user-data; control planes also write it there when they
 * rotate it (docs/decisions/0006-join-tokens-from-the-cloud.md). The secret holds the token
 * alone, `<id>.<secret>`.
 */
export type JoinTokenSource = StoredSecret;

/** Every cloud secret store a node can read (its keys, its join token) with its identity. */
export const CONTROL_PLANE_KEY_STORES = ['aws-secrets-manager', 'gcp-secret-manager', 'azure-key-vault'] as const;

/** Every way a control plane can get its keys without them in its user-data. */
export const CONTROL_PLANE_KEY_SOURCES = [...CONTROL_PLANE_KEY_STORES, 'mesh-handoff'] as const;

/** The credential fields only control-plane nodes receive. */
export const CONTROL_PLANE_ONLY_CREDENTIALS = [
  'caKeyB64',
  'frontProxyCaCertB64',
  'frontProxyCaKeyB64',
  'etcdCaCertB64',
  'etcdCaKeyB64',
  'serviceAccountKeyB64',
  'serviceAccountPubB64',
] as const;

/**
 * The mesh settings a node needs at boot (docs/mesh.md, "At run time"). The
 * cluster-wide values must be the same for every node, since each node's agent
 * plans the whole mesh from the records with them; pass the resolved values of
 * the cluster's mesh (`planMesh` input with its defaults applied).
 */
export interface NodeBootstrapMesh {
  /** How nodes reach each other. In cloud-network mode the node gets the agent (routes, CNI) but no WireGuard interface. */
  readonly mode: MeshMode;
  /** The mesh range, concrete (e.g. `10.4.0.0/16`); `meshAddress` is a host address of it in WireGuard modes. */
  readonly meshCidr: string;
  /** WireGuard UDP port, on every node. */
  readonly listenPort: number;
  /**
   * MTU of the WireGuard interface, when the cluster sets one.
   * @default - the agent's: the smallest over the clouds of the records of (network MTU, at most 1500, minus 60): 1400 with a GCP node, 1440 otherwise
   */
  readonly mtu?: number;
  /** Seconds between keepalives to each peer; 0 turns them off. */
  readonly persistentKeepalive: number;
  /** Cross-location mode: gateways per cloud (the agent's `selectGateways`). */
  readonly gatewaysPerCloud: number;
  /**
   * Cross-location mode: pins this node as a gateway of its cloud (`true`) or
   * keeps it from being one (`false`); published in its mesh record.
   * @default - chosen by the agents (control-plane nodes first, then by name)
   */
  readonly gateway?: boolean;
  /**
   * The cloud subnet this node's private address lies in; the agent publishes
   * the node's address inside it. Needed on DigitalOcean, whose droplets' default
   * route leaves from the public address. May be a Terraform expression.
   * @default - the source address of the node's default route (the private address on AWS, GCP and Azure, whose public addresses are 1:1 NAT)
   */
  readonly privateCidr?: string;
  /**
   * Where the node downloads the agent (the bytes of `meshAgentArchive()`, a tar
   * of `templates/mesh/agent`) instead of receiving it in the user-data; the node
   * refuses an archive whose SHA-256 is not `agentSha256`. Needed on AWS control
   * planes: with the agent inline their user-data exceeds AWS's 16 KB (docs/bootstrap.md, "Size").
   * @default - the agent travels in the user-data
   */
  readonly agentUrl?: string;
  /**
   * `meshAgentArchive().sha256`, required with `agentUrl`.
   * @default - none (no agentUrl)
   */
  readonly agentSha256?: string;
}

/**
 * Everything one node's user-data depends on, and nothing about other nodes:
 * adding or removing a node changes no other node's user-data.
 *
 * Strings may be Terraform expressions (`${aws_eip.n1.public_ip}`), resolved by
 * Terraform at apply time. They are copied into the user-data verbatim, except in
 * the env files the node's scripts source (node.env, mesh.env), where every value
 * is single-quoted and an expression is wrapped so that Terraform quotes its value
 * (`${replace(E, "'", "'\\''")}`; render-template.ts, shellSingleQuoted).
 * Concrete values are checked; expressions are checked by Terraform's types
 * and by the node at boot (the phone-home URL by Terraform at apply time).
 */
export interface NodeBootstrapInput {
  /** What the node does at boot. */
  readonly kind: NodeBootstrapKind;
  /** The Kubernetes node name: a lowercase DNS subdomain, concrete. Left out with `scaledIdentity`. */
  readonly nodeName?: string;
  /** The cloud the node runs on; picks the in-node spot handler. */
  readonly cloud: Cloud;
  /** The cluster name (ClusterConfiguration `clusterName`). */
  readonly clusterName: string;
  /**
   * Exact Kubernetes release without "v", e.g. `1.34.2`, concrete: the release `kubeadm init`
   * founds the cluster with, on a control plane that may found it (`mayFound`). No other
   * node's user-data holds it: every node installs the release the cluster's API servers
   * run, read at boot (templates/scripts/kubernetes-version.sh), so a version bump changes
   * no joining node's user-data and no autoscaled group's template.
   */
  readonly kubernetesVersion: string;
  /**
   * Control planes: whether this one may found the cluster (`kubeadm init` with
   * `kubernetesVersion`) when no API server answers at boot and its public address is the
   * first seed. Give it to the cluster's first control plane alone, so that
   * `kubernetesVersion` reaches only that node's user-data. Workers never found a cluster.
   * @default - true on control planes
   */
  readonly mayFound?: boolean;
  /** The cluster's pod range (kube-controller-manager hands each node a /24 of it). */
  readonly podCidr: string;
  /**
   * kube-apiserver's `--service-node-port-range`, `from-to`: the range the worker
   * firewalls open (control-plane kinds).
   * @default "30000-32767"
   */
  readonly nodePortRange?: string;
  /** The cluster's service range. */
  readonly serviceCidr: string;
  /**
   * A DNS name users reach the API at, pointed at every control plane: a SAN of
   * every API serving certificate. Nodes never use it (they reach the API
   * through their local proxy, `LOCAL_API_ENDPOINT`).
   * @default - none
   */
  readonly apiServerDnsName?: string;
  /**
   * etcd's timers, in milliseconds (control-plane kinds only): the cluster's
   * ClusterConfiguration, which the founder stores and later members read.
   */
  readonly etcd?: NodeBootstrapEtcd;
  /** This node's static public IPv4 address (a SAN of its API serving certificate on control-plane nodes). Left out with `scaledIdentity`. */
  readonly publicAddress?: string;
  /**
   * This node's mesh address: the kubelet's node IP and, on control-plane
   * nodes, the API server's and etcd's advertise address. It must be on an
   * interface before kubeadm runs (the mesh hook puts it there). Required in
   * the WireGuard modes; left out with `scaledIdentity`. Never the node's own
   * private address as a reference to its own VM (`${aws_instance.n1.private_ip}`):
   * the VM's user-data would then depend on the VM, a Terraform cycle; leave it
   * out instead.
   * @default - the node's private address, which `node-private-address.sh` reads from the cloud's metadata service at boot (cloud-network mode, or no mesh)
   */
  readonly meshAddress?: string;
  /**
   * Workers of an autoscaled group: name, public address, provider id and
   * mesh address are found at boot instead (then leave out nodeName,
   * publicAddress and meshAddress).
   * @default - a static node: every value given here
   */
  readonly scaledIdentity?: NodeBootstrapScaledIdentity;
  /**
   * Labels the kubelet registers the node with. The kubelet may not set labels
   * under kubernetes.io or k8s.io except its own set (node.kubernetes.io/...,
   * topology.kubernetes.io/..., kubelet.kubernetes.io/...).
   */
  readonly nodeLabels: Readonly<Record<string, string>>;
  /**
   * Exactly the taints the node registers with; an empty list means none
   * (kubeadm's default control-plane taint is not added: pass it when wanted).
   */
  readonly nodeTaints: readonly NodeBootstrapTaint[];
  /**
   * Control-plane kinds: where the node reads the CA keys and the service-account key
   * pair at boot. With it, `credentials` holds what a worker's does (the CA certificate
   * and the bootstrap token) and no key reaches the user-data.
   * @default - the keys travel in `credentials`, in the user-data (DigitalOcean, which has no instance identity)
   */
  readonly controlPlaneKeys?: ControlPlaneKeySource;
  /**
   * Where the node reads the cluster's join token at boot (its cloud's secret store); a
   * control plane also rotates it there. With it, `credentials` carries no bootstrap token.
   * @default - none: the static token in `credentials` (DigitalOcean, or a cloud without a control plane)
   */
  readonly joinToken?: JoinTokenSource;
  /** Join credentials. Workers must receive only `caCertB64` and the bootstrap token. */
  readonly credentials: NodeBootstrapCredentials;
  /**
   * URL the node POSTs to once it has joined (`status=joined`) or when its
   * bootstrap fails (`status=failed`), as a form with `instance_id`,
   * `hostname`, `node_name` and `status`: http(s), no whitespace, quote or
   * backslash, at most PHONE_HOME_URL_MAX_LENGTH characters. A plain URL is
   * checked at synth; one whole Terraform expression (`${var.phone_home_url}`)
   * is checked by Terraform at apply time with the same rule (`regex()`), which
   * fails the apply otherwise.
   * @default - no report
   */
  readonly phoneHomeUrl?: string;
  /**
   * Whether the node is a spot/preemptible VM. On GCP and Azure an in-node
   * handler cordons and drains it on a preemption notice; AWS needs none (an
   * EventBridge rule gets the interruption warning); DigitalOcean has no spot.
   * @default false
   */
  readonly spot?: boolean;
  /**
   * The node mesh: with it the user-data also carries `/etc/cast/mesh.env`, the
   * hook `/opt/cast/bin/mesh-up.sh` (key and WireGuard interface) and the node
   * agent `cast-mesh-agent` with its systemd unit (records, peers, routes, CNI).
   * @default - no mesh files: the mesh address must already be on an interface
   */
  readonly mesh?: NodeBootstrapMesh;
}
