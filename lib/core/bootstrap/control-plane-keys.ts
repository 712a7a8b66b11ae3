/**
 * The control-plane key bundle: the files under /etc/kubernetes/pki that only
 * control planes hold, and the one JSON document a cloud's secret store keeps
 * them in. One home for the list: the user-data path (pkiFiles, DigitalOcean)
 * and the secret stores (lib/keys) both read it, and the node's reader
 * (templates/mesh/agent/castmesh/keys.py) accepts exactly these paths.
 */
import { Cloud } from '../cloud';
import { ControlPlaneKeySource, NodeBootstrapCredentials } from './node-bootstrap-input';

/** One file of the bundle: its path under /etc/kubernetes/pki, its mode, the credential it comes from. */
export interface ControlPlaneKeyFile {
  readonly path: string;
  readonly permissions: '0600' | '0644';
  readonly field: Exclude<keyof NodeBootstrapCredentials, 'caCertB64' | 'bootstrapTokenId' | 'bootstrapTokenSecret'>;
}

/**
 * What kubeadm needs on a control plane beyond the cluster CA certificate, which
 * every node has: the three CAs' keys (and the two CA certificates workers never
 * use) and the service-account key pair. kubeadm finds them there and signs with
 * them instead of making new ones (kubeadm's "custom certificates").
 */
export const CONTROL_PLANE_KEY_FILES: readonly ControlPlaneKeyFile[] = [
  { path: 'ca.key', permissions: '0600', field: 'caKeyB64' },
  { path: 'front-proxy-ca.crt', permissions: '0644', field: 'frontProxyCaCertB64' },
  { path: 'front-proxy-ca.key', permissions: '0600', field: 'frontProxyCaKeyB64' },
  { path: 'etcd/ca.crt', permissions: '0644', field: 'etcdCaCertB64' },
  { path: 'etcd/ca.key', permissions: '0600', field: 'etcdCaKeyB64' },
  { path: 'sa.key', permissions: '0600', field: 'serviceAccountKeyB64' },
  { path: 'sa.pub', permissions: '0644', field: 'serviceAccountPubB64' },
];

/** The bundle's schema name, first key of the document: a reader refuses any other. */
export const CONTROL_PLANE_KEY_BUNDLE_SCHEMA = 'cast-control-plane-keys/v1';

/** The key bundle, as Terraform's `jsonencode` takes it. */
export interface ControlPlaneKeyBundle {
  readonly schema: string;
  readonly files: Record<string, string>;
  /** The static join token's id: the control planes delete that token when `staticJoinToken` is absent. */
  readonly staticJoinTokenId: string;
  /** The static join token, `<id>.<secret>`, while nodes without a store need it: the control planes keep it (docs/decisions/0006). */
  readonly staticJoinToken?: string;
  /** By control-plane node name: the SHA-256 (hex) of the ticket a node without a store fetches the keys over the mesh with (docs/decisions/0007). */
  readonly keyTickets?: Record<string, string>;
}

/**
 * The bundle a secret store keeps, as an object for Terraform's `jsonencode`:
 * `{ schema, files: { <path>: <base64 of the PEM> }, staticJoinTokenId, staticJoinToken? }`.
 * Its values are Terraform references (sensitive in state); the document itself never
 * reaches user-data.
 * @param keepStaticToken whether some node joins with the static token (no store on its cloud)
 * @param keyTickets by control-plane node name, the SHA-256 of its handoff ticket (a Terraform expression)
 */
export function controlPlaneKeyBundle(credentials: NodeBootstrapCredentials, keepStaticToken = false, keyTickets: Record<string, string> = {}): ControlPlaneKeyBundle {
  const files: Record<string, string> = {};
  for (const file of CONTROL_PLANE_KEY_FILES) {
    const value = credentials[file.field];
    if (value === undefined) throw new Error(`controlPlaneKeyBundle: credentials.${file.field} is missing; pass the cluster's full credentials.`);
    files[file.path] = value;
  }
  const id = credentials.bootstrapTokenId;
  if (id === undefined) throw new Error('controlPlaneKeyBundle: credentials.bootstrapTokenId is missing; pass the cluster\'s full credentials.');
  const staticJoinToken = keepStaticToken ? { staticJoinToken: `${id}.${credentials.bootstrapTokenSecret}` } : {};
  const tickets = Object.keys(keyTickets).length > 0 ? { keyTickets } : {};
  return { schema: CONTROL_PLANE_KEY_BUNDLE_SCHEMA, files, staticJoinTokenId: id, ...staticJoinToken, ...tickets };
}

/** The store each cloud's control planes read; DigitalOcean has none (no instance identity). */
export const KEY_STORE_OF_CLOUD: Readonly<Partial<Record<Cloud, ControlPlaneKeySource['store']>>> = {
  [Cloud.AWS]: 'aws-secrets-manager',
  [Cloud.GCP]: 'gcp-secret-manager',
  [Cloud.AZURE]: 'azure-key-vault',
};

/** The reader's module for each store, under templates/mesh/agent/castmesh. */
export const KEY_STORE_MODULE: Readonly<Record<ControlPlaneKeySource['store'], string>> = {
  'aws-secrets-manager': 'keys_aws.py',
  'gcp-secret-manager': 'keys_gcp.py',
  'azure-key-vault': 'keys_azure.py',
  'mesh-handoff': 'keys_handoff.py',
};
