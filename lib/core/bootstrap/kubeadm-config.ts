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
  const token = {
    bootstrap_token_id: input.credentials.bootstrapTokenId,
    bootstrap_token_secret: input.credentials.bootstrapTokenSecret,
  };
  const join = renderTemplateFile(input.scaledIdentity ? 'kubeadm/join-scaled-worker.yaml' : 'kubeadm/join-worker.yaml', { ...registration, ...token });
  if (input.kind === 'worker') return { 'kubeadm.yaml': join };
  const { node_name, mesh_address } = registration;
  return {
    'kubeadm.yaml': join,
    'kubeadm-init.yaml': renderTemplateFile('kubeadm/init.yaml', { ...registration, ...token, cluster_configuration: renderClusterConfiguration(input, clusterSans(input)) }),
    'kubeadm-control-plane.yaml': renderTemplateFile('kubeadm/join-control-plane.yaml', { ...registration, ...token }),
    'apiserver-cert.yaml': renderTemplateFile('kubeadm/apiserver-cert.yaml', {
      node_name,
      mesh_address,
      cluster_configuration: renderClusterConfiguration(input, [...clusterSans(input), input.publicAddress!]),
    }),
  };
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

/** The ClusterConfiguration document, with `sans` as the API server's extra SANs. */
function renderClusterConfiguration(input: NodeBootstrapInput, sans: readonly string[]): string {
  return renderTemplateFile('kubeadm/cluster-configuration.yaml', {
    cluster_name: input.clusterName,
    kubernetes_version: input.kubernetesVersion,
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
