/** Inputs of renderNodeUserData for the bootstrap tests: concrete fakes, Terraform expressions, realistic key sizes. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Cloud } from '../../../lib/core/cloud';
import { NodeBootstrapCredentials, NodeBootstrapInput, NodeBootstrapKind, NodeBootstrapMesh, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { PlanError } from '../../../lib/core/plan-error';
import { MeshMode } from '../../../lib/core/mesh/mesh-mode';

export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Mesh settings with the library's defaults. */
export const FAKE_MESH: NodeBootstrapMesh = {
  mode: MeshMode.FULL_MESH,
  meshCidr: '10.4.0.0/16',
  listenPort: 51820,
  mtu: 1420,
  persistentKeepalive: 25,
  gatewaysPerCloud: 1,
};

/** fakeInput with the mesh on. */
export function fakeMeshInput(kind: NodeBootstrapKind, cloud: Cloud = Cloud.AWS, mesh: Partial<NodeBootstrapMesh> = {}, overrides: Partial<NodeBootstrapInput> = {}): NodeBootstrapInput {
  const input = fakeInput(kind, cloud, overrides);
  return { ...input, mesh: { ...FAKE_MESH, ...mesh } };
}

/** etcd's timers of a fake cluster (etcd's defaults). */
export const FAKE_ETCD = { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 };

/** Concrete fake credentials; every secret is recognisable, so a test can look for it. */
export const FAKE_CREDENTIALS: Required<NodeBootstrapCredentials> = {
  caCertB64: b64('-----BEGIN CERTIFICATE-----\nFAKE-CA-CERT\n-----END CERTIFICATE-----\n'),
  caKeyB64: b64('-----BEGIN RSA PRIVATE KEY-----\nSECRET-CA-KEY\n-----END RSA PRIVATE KEY-----\n'),
  frontProxyCaCertB64: b64('-----BEGIN CERTIFICATE-----\nFAKE-FRONT-PROXY-CA-CERT\n-----END CERTIFICATE-----\n'),
  frontProxyCaKeyB64: b64('-----BEGIN RSA PRIVATE KEY-----\nSECRET-FRONT-PROXY-CA-KEY\n-----END RSA PRIVATE KEY-----\n'),
  etcdCaCertB64: b64('-----BEGIN CERTIFICATE-----\nFAKE-ETCD-CA-CERT\n-----END CERTIFICATE-----\n'),
  etcdCaKeyB64: b64('-----BEGIN RSA PRIVATE KEY-----\nSECRET-ETCD-CA-KEY\n-----END RSA PRIVATE KEY-----\n'),
  serviceAccountKeyB64: b64('-----BEGIN RSA PRIVATE KEY-----\nSECRET-SA-KEY\n-----END RSA PRIVATE KEY-----\n'),
  serviceAccountPubB64: b64('-----BEGIN PUBLIC KEY-----\nFAKE-SA-PUB\n-----END PUBLIC KEY-----\n'),
  bootstrapTokenId: 'abcdef',
  bootstrapTokenSecret: '0123456789abcdef',
};

/** What a worker may receive. */
export function workerCredentials(credentials: NodeBootstrapCredentials): NodeBootstrapCredentials {
  return { caCertB64: credentials.caCertB64, bootstrapTokenId: credentials.bootstrapTokenId, bootstrapTokenSecret: credentials.bootstrapTokenSecret };
}

/** A node input with concrete values only. */
export function fakeInput(kind: NodeBootstrapKind, cloud: Cloud = Cloud.AWS, overrides: Partial<NodeBootstrapInput> = {}): NodeBootstrapInput {
  return {
    kind,
    nodeName: `${cloud}-${kind === 'worker' ? 'w' : 'cp'}-1`,
    cloud,
    clusterName: 'prod',
    kubernetesVersion: '1.34.2',
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/12',
    publicAddress: kind === 'control-plane' ? '203.0.113.10' : '198.51.100.21',
    etcd: kind === 'control-plane' ? FAKE_ETCD : undefined,
    meshAddress: '10.4.17.3',
    nodeLabels: { 'example.com/pool': 'general', 'node.kubernetes.io/cast-cloud': cloud },
    nodeTaints: kind === 'worker' ? [] : [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    credentials: kind === 'worker' ? workerCredentials(FAKE_CREDENTIALS) : FAKE_CREDENTIALS,
    phoneHomeUrl: 'https://hooks.example.com/cast?cluster=prod',
    ...overrides,
  };
}

/** Credentials as the wiring passes them: Terraform expressions. */
export const EXPRESSION_CREDENTIALS: Required<NodeBootstrapCredentials> = {
  caCertB64: '${base64encode(tls_self_signed_cert.ca.cert_pem)}',
  caKeyB64: '${base64encode(tls_private_key.ca.private_key_pem)}',
  frontProxyCaCertB64: '${base64encode(tls_self_signed_cert.front_proxy_ca.cert_pem)}',
  frontProxyCaKeyB64: '${base64encode(tls_private_key.front_proxy_ca.private_key_pem)}',
  etcdCaCertB64: '${base64encode(tls_self_signed_cert.etcd_ca.cert_pem)}',
  etcdCaKeyB64: '${base64encode(tls_private_key.etcd_ca.private_key_pem)}',
  serviceAccountKeyB64: '${base64encode(tls_private_key.service_account.private_key_pem)}',
  serviceAccountPubB64: '${base64encode(tls_private_key.service_account.public_key_pem)}',
  bootstrapTokenId: '${random_string.bootstrap_token_id.result}',
  bootstrapTokenSecret: '${random_password.bootstrap_token_secret.result}',
};

/** A node input whose addresses and credentials are Terraform expressions, as in production. */
export function expressionInput(kind: NodeBootstrapKind, cloud: Cloud = Cloud.AWS): NodeBootstrapInput {
  return fakeInput(kind, cloud, {
    publicAddress: '${google_compute_address.node["gcp-w-1"].address}',
    credentials: kind === 'worker' ? workerCredentials(EXPRESSION_CREDENTIALS) : EXPRESSION_CREDENTIALS,
    phoneHomeUrl: '${var.phone_home_url}',
  });
}

/**
 * Credentials of the sizes ClusterCredentials makes today: RSA-2048 keys
 * (real), certificates of a typical self-signed CA's size (random DER), all
 * base64 of the PEM, as Terraform's base64encode gives them.
 */
/**
 * Credentials of the size ClusterCredentials really makes: ECDSA P-256 CAs
 * (tls_private_key emits PKCS#8 PEM; a self-signed P-256 CA certificate is
 * about 400 bytes of DER) and an RSA-2048 service-account key.
 */
export function realSizedCredentials(): NodeBootstrapCredentials {
  const ecdsaKeyPem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const certPem = () => `-----BEGIN CERTIFICATE-----\n${randomBytes(400).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
  const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    caCertB64: b64(certPem()),
    caKeyB64: b64(ecdsaKeyPem()),
    frontProxyCaCertB64: b64(certPem()),
    frontProxyCaKeyB64: b64(ecdsaKeyPem()),
    etcdCaCertB64: b64(certPem()),
    etcdCaKeyB64: b64(ecdsaKeyPem()),
    serviceAccountKeyB64: b64(serviceAccount.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    serviceAccountPubB64: b64(serviceAccount.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    bootstrapTokenId: 'abcdef',
    bootstrapTokenSecret: '0123456789abcdef',
  };
}

/** The problems renderNodeUserData reports for `input`; fails when it accepts it. */
export function problemsOf(input: NodeBootstrapInput): readonly string[] {
  try {
    renderNodeUserData(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return (error as PlanError).problems;
  }
  throw new Error('renderNodeUserData accepted the input');
}
