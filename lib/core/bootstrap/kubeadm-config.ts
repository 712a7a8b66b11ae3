import { NodeBootstrapInput, NodeBootstrapTaint } from './node-bootstrap-input';
import { renderTemplateFile } from './render-template';

/**
 * What `bootstrap-node.sh` replaces in kubeadm.yaml and apiserver-cert.yaml once
 * the node has found it at boot (docs/design/autoscaling.md): a scaled node's
 * name, and the mesh address of a node that has none in its input (a scaled
 * node, or a node in cloud-network mode, whose mesh address is its own private
 * address). The provider id's placeholder, `@CAST_PROVIDER_ID@`, is in the
 * template itself.
 */
export const SCALED_NODE_NAME = '@CAST_NODE_NAME@';
export const BOOT_MESH_ADDRESS = '@CAST_MESH_ADDRESS@';

/**
 * The kubeadm configuration of a node (`templates/kubeadm/<kind>.yaml`):
 * Init+Cluster+KubeletConfiguration for the init node, a JoinConfiguration
 * with file discovery for the others.
 */
export function renderKubeadmConfig(input: NodeBootstrapInput): string {
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
  switch (input.kind) {
    case 'init':
      return renderTemplateFile('kubeadm/init.yaml', { ...registration, ...token, ...clusterValues(input) });
    case 'join-control-plane':
      return renderTemplateFile('kubeadm/join-control-plane.yaml', { ...registration, ...token });
    case 'worker':
      return renderTemplateFile(input.scaledIdentity ? 'kubeadm/join-scaled-worker.yaml' : 'kubeadm/join-worker.yaml', { ...registration, ...token });
  }
}

/**
 * Input of `kubeadm init phase certs apiserver` on a joining control-plane
 * node: its own serving certificate, with its own public address as a SAN.
 */
export function renderApiserverCertConfig(input: NodeBootstrapInput): string {
  return renderTemplateFile('kubeadm/apiserver-cert.yaml', {
    node_name: input.nodeName!,
    mesh_address: input.meshAddress ?? BOOT_MESH_ADDRESS,
    ...clusterValues(input),
  });
}

/** The discovery kubeconfig of joining nodes: the API server and its CA, no user credentials. */
export function renderDiscoveryKubeconfig(input: NodeBootstrapInput): string {
  return renderTemplateFile('kubernetes/discovery-kubeconfig.yaml', {
    control_plane_endpoint: input.controlPlaneEndpoint,
    ca_cert_b64: input.credentials.caCertB64,
  });
}

/** ClusterConfiguration values; the init node's and a joining node's certificate config must agree on them. */
function clusterValues(input: NodeBootstrapInput): Record<string, string> {
  return {
    cluster_name: input.clusterName,
    kubernetes_version: input.kubernetesVersion,
    control_plane_endpoint: input.controlPlaneEndpoint,
    public_address: input.publicAddress!,
    pod_cidr: input.podCidr,
    service_cidr: input.serviceCidr,
    node_port_range: input.nodePortRange ?? '30000-32767',
  };
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
