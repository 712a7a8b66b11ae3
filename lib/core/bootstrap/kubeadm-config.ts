import { LOCAL_API_ENDPOINT, NodeBootstrapInput, NodeBootstrapTaint } from './node-bootstrap-input';
import { renderTemplateFile } from './render-template';

/**
 * What `bootstrap-node.sh` replaces in the kubeadm files once the node has
 * found it at boot (docs/design/autoscaling.md): a scaled node's name, and the
 * mesh address of a node that has none in its input (a scaled node, or a node
 * in cloud-network mode, whose mesh address is its own private address). The
 * provider id's placeholder, `@CAST_PROVIDER_ID@`, is in the template itself.
 */
export const SCALED_NODE_NAME = '@CAST_NODE_NAME@';
export const BOOT_MESH_ADDRESS = '@CAST_MESH_ADDRESS@';
/**
 * The join token of a node that reads it from its cloud's secret store at boot
 * (`cast-join-token fetch`), or, on the founding control plane, makes it
 * (`cast-join-token generate`): never in user-data (docs/decisions/0006).
 */
export const BOOT_JOIN_TOKEN = '@CAST_JOIN_TOKEN@';
/** The Kubernetes release the node installed (install-kubernetes.sh appends it to node.env), filled in at boot. */
export const BOOT_KUBERNETES_VERSION = '@CAST_KUBERNETES_VERSION@';

/**
 * How long a rotated join token is valid: a control plane makes one every hour
 * (`cast-join-token.timer`), so one read from the store is valid for at least 23
 * more hours, and every control plane of a cloud must be down for a day before its
 * store's token expires (docs/decisions/0006). kubeadm's own default is 24h too
 * (`kubeadm token create --ttl`, kubeadm reference).
 */
export const JOIN_TOKEN_TTL = '24h0m0s';

/** The groups every join token carries: kubeadm's node-joining group, and the mesh claims' (templates/kubernetes/cast-rbac.yaml). */
export const JOIN_TOKEN_GROUPS = ['system:bootstrappers:kubeadm:default-node-token', 'system:bootstrappers:cast-mesh'] as const;

/** A node's kubeadm files, by name under /etc/cast. */
export interface KubeadmFiles {
  /** `kubeadm join` as a node: every node (a control plane's first step). */
  readonly 'kubeadm.yaml': string;
  /** `kubeadm init`: control planes (used by the founder only). */
  readonly 'kubeadm-init.yaml'?: string;
  /** `kubeadm join phase control-plane-*`: control planes. */
  readonly 'kubeadm-control-plane.yaml'?: string;
  /** `kubeadm init phase certs apiserver`: control planes, their own serving certificate. */
  readonly 'apiserver-cert.yaml'?: string;
}

/**
 * The kubeadm files of a node (`templates/kubeadm/`): a JoinConfiguration with
 * file discovery for every node; on control planes also the founder's
 * Init+Cluster+KubeletConfiguration, the control-plane JoinConfiguration and the
 * input of their own serving certificate.
 */
export function renderKubeadmFiles(input: NodeBootstrapInput): KubeadmFiles {
  const registration = {
    node_name: input.scaledIdentity ? SCALED_NODE_NAME : input.nodeName!,
    mesh_address: input.meshAddress ?? BOOT_MESH_ADDRESS,
    node_labels: formatNodeLabels(input.nodeLabels),
    node_taints: formatNodeTaints(input.nodeTaints),
  };
  const token = { bootstrap_token: joinTokenOf(input) };
  const join = renderTemplateFile(input.scaledIdentity ? 'kubeadm/join-scaled-worker.yaml' : 'kubeadm/join-worker.yaml', { ...registration, ...token });
  if (input.kind === 'worker') return { 'kubeadm.yaml': join };
  const { node_name, mesh_address } = registration;
  return {
    'kubeadm.yaml': join,
    'kubeadm-init.yaml': renderTemplateFile('kubeadm/init.yaml', { ...registration, bootstrap_tokens: renderBootstrapTokens(input), cluster_configuration: renderClusterConfiguration(input, clusterSans(input)) }),
    'kubeadm-control-plane.yaml': renderTemplateFile('kubeadm/join-control-plane.yaml', { ...registration, ...token }),
    'apiserver-cert.yaml': renderTemplateFile('kubeadm/apiserver-cert.yaml', {
      node_name,
      mesh_address,
      cluster_configuration: renderClusterConfiguration(input, [...clusterSans(input), input.publicAddress!]),
    }),
  };
}

/** The token a node joins with: read at boot where its cloud has a store, else the static one of its credentials. */
function joinTokenOf(input: NodeBootstrapInput): string {
  return input.joinToken ? BOOT_JOIN_TOKEN : staticToken(input);
}

function staticToken(input: NodeBootstrapInput): string {
  return `${input.credentials.bootstrapTokenId}.${input.credentials.bootstrapTokenSecret}`;
}

/**
 * InitConfiguration.bootstrapTokens of a control plane, should it found the cluster: the
 * token it makes at boot (24 h, rotated from then on) where it has a store, else the
 * static token with no expiry. Nothing about other groups: a founder with a store creates
 * the static token right after init if the key bundle asks for it (`cast-join-token rotate`),
 * so adding a group elsewhere changes no control plane's user-data.
 */
function renderBootstrapTokens(input: NodeBootstrapInput): string {
  const entry = (token: string, description: string, ttl: string, why: string) => [
    `  - token: '${token}'`,
    `    description: ${description}`,
    `    # ${why}`,
    `    ttl: ${ttl}`,
    '    usages: [signing, authentication]',
    '    groups:',
    ...JOIN_TOKEN_GROUPS.map((group) => `      - ${group}`),
  ];
  const lines = input.joinToken
    ? entry(BOOT_JOIN_TOKEN, 'cdktf-cast-cluster join token (rotated)', JOIN_TOKEN_TTL, 'Made on this node; the control planes rotate it hourly through the secret store.')
    : entry(staticToken(input), 'cdktf-cast-cluster static join token', '0s', 'No expiry: nodes added months later join with the same token.');
  return lines.join('\n');
}

/** The discovery kubeconfig of joining nodes: the API (through the node's own proxy) and its CA, no user credentials. */
export function renderDiscoveryKubeconfig(input: NodeBootstrapInput): string {
  return renderTemplateFile('kubernetes/discovery-kubeconfig.yaml', {
    control_plane_endpoint: LOCAL_API_ENDPOINT,
    ca_cert_b64: input.credentials.caCertB64,
  });
}

/**
 * The cluster's SANs beyond kubeadm's own, the same on every control plane:
 * kubeadm stores the founder's ClusterConfiguration, and a control plane that
 * joins later must serve a certificate holding all of them.
 */
function clusterSans(input: NodeBootstrapInput): string[] {
  return input.apiServerDnsName === undefined ? [] : [input.apiServerDnsName];
}

/**
 * The ClusterConfiguration document, with `sans` as the API server's extra SANs. Its
 * kubernetesVersion is `@CAST_KUBERNETES_VERSION@`, the release the node installed, which
 * bootstrap-node.sh fills in at boot: no kubeadm file depends on the cluster's version.
 */
function renderClusterConfiguration(input: NodeBootstrapInput, sans: readonly string[]): string {
  return renderTemplateFile('kubeadm/cluster-configuration.yaml', {
    cluster_name: input.clusterName,
    control_plane_endpoint: LOCAL_API_ENDPOINT,
    api_server_sans: formatSans(sans),
    pod_cidr: input.podCidr,
    service_cidr: input.serviceCidr,
    node_port_range: input.nodePortRange ?? '30000-32767',
    etcd_heartbeat_interval: String(input.etcd!.heartbeatIntervalMs),
    etcd_election_timeout: String(input.etcd!.electionTimeoutMs),
  }).trimEnd();
}

/**
 * The SANs as a YAML flow sequence of single-quoted scalars. Not JSON: a SAN may
 * be a Terraform expression (`${google_compute_address.node["cp-1"].address}`),
 * whose `"` JSON would escape into something Terraform cannot parse. What the
 * expressions resolve to (addresses, DNS names) holds no `'`.
 */
function formatSans(sans: readonly string[]): string {
  return `[${sans.map((san) => `'${san}'`).join(', ')}]`;
}

/** `--node-labels` value: `key=value` pairs sorted by key, comma-separated. */
export function formatNodeLabels(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(',');
}

/**
 * The taint list as a YAML flow sequence (JSON is one), sorted by key and
 * effect. Keys, values and effects are validated names, so nothing in them
 * needs quoting beyond JSON's.
 */
export function formatNodeTaints(taints: readonly NodeBootstrapTaint[]): string {
  const sorted = [...taints].sort((a, b) => compare(a.key, b.key) || compare(a.effect, b.effect));
  return JSON.stringify(sorted.map((t) => (t.value === undefined ? { key: t.key, effect: t.effect } : { key: t.key, value: t.value, effect: t.effect })));
}

/** Code-point order, the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
