/**
 * The GCP control-plane key store as a cluster synthesizes it (lib/keys/gcp.ts) and the GCP
 * node builder's side of it (lib/nodes/gcp.ts): one secret holding the bundle, one service
 * account that may read it (and, beside it, write the join token: test/keys/gcp-join-token.test.ts),
 * attached to the control planes only, and no private key left in what a GCP control plane
 * exposes (its metadata, user-data included).
 */
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { SECRET_ACCESSOR_ROLE } from '../../lib/keys/gcp';
import { logicalId, synthCluster, SynthesizedCluster } from '../nodes/node-fixture';
import { findReachableSecrets, formatReach } from '../security/secret-reach';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

/** A reference as node.env holds it: quoted for the shell at apply time (render-template.ts, shellSingleQuoted). */
const shellQuoted = (reference: string): string => `\${replace(${reference.slice(2, -1)}, "'", "'\\\\''")}`;

/** One control plane and one worker on GCP. */
const gcpCluster = (name = 'c1'): SynthesizedCluster =>
  synthCluster([Cloud.GCP], { cp: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE }, workers: { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 1 } }, { name });

const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

describe('GCP control-plane key store', () => {
  const c = gcpCluster();
  const account = logicalId(c.json, 'google_service_account', 'control-planes');
  const secret = logicalId(c.json, 'google_secret_manager_secret', 'secret');
  const version = logicalId(c.json, 'google_secret_manager_secret_version', 'bundle');
  const grant = logicalId(c.json, 'google_secret_manager_secret_iam_member', 'control-planes-read');
  const suffix = logicalId(c.json, 'random_id', 'control-plane-keys-gcp_suffix');
  const controlPlane = c.resource('google_compute_instance', 'c1-cp-1_');
  const worker = c.resource('google_compute_instance', 'c1-workers-1_');

  test('the secret\'s one version holds the bundle as a Terraform expression over the credentials, no literal key', () => {
    const data = c.resources('google_secret_manager_secret_version')[version].secret_data as string;
    expect(c.resources('google_secret_manager_secret_version')[version].secret).toBe(ref('google_secret_manager_secret', secret, 'id'));
    expect(data).toMatch(/^\$\{jsonencode\(\{"schema" = "cast-control-plane-keys\/v1", "files" = \{/);
    for (const key of ['ca-key', 'front-proxy-ca-key', 'etcd-ca-key', 'service-account-key']) expect(data).toMatch(new RegExp(`tls_private_key\\.c1_credentials_${key}_[0-9A-F]{8}\\.private_key_pem`));
    expect(JSON.stringify(c.json)).not.toContain('PRIVATE KEY');
  });

  test('the secret: automatic replication, the cluster\'s labels, an id unique to this deployment', () => {
    const body = c.resources('google_secret_manager_secret')[secret];
    expect(body.replication).toEqual({ auto: {} });
    expect(body.labels).toEqual({ 'cast-cluster-name': 'c1', 'cast-cluster-uuid': c.cluster.uuid });
    expect(body.secret_id).toBe(`c1-control-plane-keys-${ref('random_id', suffix, 'hex')}`);
    expect(c.resources('random_id')[suffix]).toMatchObject({ byte_length: 4 });
  });

  test('the IAM member grants the account secretAccessor on the bundle\'s secret, the only grant on it; its other grants are the join token\'s and cast-node-gc\'s', () => {
    const onBundle = Object.entries(c.resources('google_secret_manager_secret_iam_member')).filter(([, g]) => g.secret_id === ref('google_secret_manager_secret', secret, 'secret_id'));
    expect(Object.fromEntries(onBundle)).toEqual({
      [grant]: {
        provider: 'google.c1_gcp',
        project: ref('google_secret_manager_secret', secret, 'project'),
        secret_id: ref('google_secret_manager_secret', secret, 'secret_id'),
        role: SECRET_ACCESSOR_ROLE,
        member: ref('google_service_account', account, 'member'),
      },
    });
    expect(SECRET_ACCESSOR_ROLE).toBe('roles/secretmanager.secretAccessor');
    // No project-wide grant on secrets reaches the account (it would read every secret in the
    // project). Its other IAM resources: read and write the join token, on that secret
    // (test/keys/gcp-join-token.test.ts), and cast-node-gc's Compute Viewer on instances only
    // (test/node-gc/gcp-grant.test.ts), which holds no secretmanager permission.
    const email = ref('google_service_account', account, 'email');
    const member = ref('google_service_account', account, 'member');
    const elsewhere = Object.entries(c.json.resource)
      .filter(([type]) => type.includes('iam'))
      .flatMap(([type, named]) => Object.keys(named).filter((id) => id !== grant && (JSON.stringify(named[id]).includes(member) || JSON.stringify(named[id]).includes(email))).map((id) => `${type}.${id}`))
      .sort();
    const joinToken = ref('google_secret_manager_secret', logicalId(c.json, 'google_secret_manager_secret', 'join-token'), 'secret_id');
    expect(elsewhere).toEqual(
      [
        `google_project_iam_member.${logicalId(c.json, 'google_project_iam_member', 'control-planes-inventory')}`,
        ...['control-planes-join-token-read', 'control-planes-join-token-write'].map((id) => `google_secret_manager_secret_iam_member.${logicalId(c.json, 'google_secret_manager_secret_iam_member', id)}`),
      ].sort(),
    );
    for (const id of ['control-planes-join-token-read', 'control-planes-join-token-write']) {
      expect(c.resources('google_secret_manager_secret_iam_member')[logicalId(c.json, 'google_secret_manager_secret_iam_member', id)].secret_id).toBe(joinToken);
    }
    expect(c.resources('google_project_iam_member')[logicalId(c.json, 'google_project_iam_member', 'control-planes-inventory')]).toMatchObject({ role: 'roles/compute.viewer', condition: { expression: 'resource.type == "compute.googleapis.com/Instance"' } });
  });

  test('control planes run as the account with the cloud-platform scope, after the secret and the grant; the account change never stops them', () => {
    expect(controlPlane.service_account).toEqual({ email: ref('google_service_account', account, 'email'), scopes: ['cloud-platform'] });
    // Beside the user data and the image, which every running VM keeps (test/nodes/kept-user-data.test.ts).
    expect(controlPlane.lifecycle.ignore_changes).toContain('service_account');
    expect(controlPlane.allow_stopping_for_update).toBeUndefined();
    expect(controlPlane.depends_on).toEqual(expect.arrayContaining([`google_secret_manager_secret_version.${version}`, `google_secret_manager_secret_iam_member.${grant}`]));
  });

  test('workers run as the workers\' account, not the control planes\', and do not wait for the key store', () => {
    expect(worker.service_account).toEqual({ email: ref('google_service_account', logicalId(c.json, 'google_service_account', '_workers_'), 'email'), scopes: ['cloud-platform'] });
    expect(JSON.stringify(worker)).not.toContain(account);
    expect(JSON.stringify(worker.depends_on ?? [])).not.toContain('secret_manager');
  });

  test('node.env names the store and the secret\'s latest version; the control plane\'s user-data holds no key file', () => {
    const userData = c.userData(controlPlane.metadata['user-data']);
    expect(userData).toContain("CAST_KEYS_STORE='gcp-secret-manager'");
    expect(userData).toContain(`CAST_KEYS_SECRET='${shellQuoted(ref('google_secret_manager_secret', secret, 'name'))}/versions/latest'`);
    expect(userData).not.toMatch(/private_key_pem/);
    expect(userData).not.toMatch(/\/etc\/kubernetes\/pki\/(ca|sa|front-proxy-ca|etcd\/ca)\.key/);
    expect(c.userData(worker.metadata['user-data'])).toContain("CAST_KEYS_STORE=''");
  });

  test('no GCP VM reaches a secret through its metadata: the keys are in the store, and so is the join token', () => {
    expect(findReachableSecrets(c.json).map(formatReach)).toEqual([]);
    // The check looks at GCP VMs (not vacuous): a GCP worker in a cluster with no GCP control
    // plane still carries the static bootstrap token, and the check finds it.
    const noStore = synthCluster([Cloud.DIGITALOCEAN, Cloud.GCP], { cp: { cloud: Cloud.DIGITALOCEAN, role: NodeRole.CONTROL_PLANE }, workers: { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 1 } });
    const gcpWorker = `google_compute_instance.${logicalId(noStore.json, 'google_compute_instance', 'c1-workers-1_')}`;
    expect(findReachableSecrets(noStore.json).filter((f) => f.address === gcpWorker).map((f) => f.secret)).toEqual([expect.stringMatching(/random_password\.[^.]*bootstrap-token-secret[^.]*\.result$/)]);
  });

  test('the stack conforms to the vendored provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });
});

describe('GCP key store names', () => {
  // hashicorp/google 6.50.0 google_service_account.account_id: 6-30 characters, [a-z]([-a-z0-9]*[a-z0-9]).
  const ACCOUNT_ID = /^[a-z]([-a-z0-9]*[a-z0-9])$/;

  test.each(['c1', 'prod', 'a-cluster-name-of-30-characte', 'fifteen-chars-x-and-more', 'abcdefghijklmn-pq'])(
    'cluster %s: the account id is valid for every value of its random suffix',
    (name) => {
      const c = gcpCluster(name);
      const accountId = Object.values(c.resources('google_service_account'))[0].account_id as string;
      expect(accountId).toMatch(/\$\{random_id\.[^}]+\.hex\}$/);
      for (const hex of ['00000000', 'ffffffff', '0a1b2c3d']) {
        const id = accountId.replace(/\$\{random_id\.[^}]+\.hex\}/, hex);
        expect(id).toMatch(ACCOUNT_ID);
        expect(id.length).toBeGreaterThanOrEqual(6);
        expect(id.length).toBeLessThanOrEqual(30);
      }
    },
  );

  test('a synth gives the same names each time; the part unique to a deployment lives in state (random_id)', () => {
    const names = (c: SynthesizedCluster) => ({
      account: Object.values(c.resources('google_service_account'))[0].account_id,
      secret: Object.values(c.resources('google_secret_manager_secret'))[0].secret_id,
    });
    expect(names(gcpCluster())).toEqual(names(gcpCluster()));
    expect(JSON.stringify(names(gcpCluster()))).toMatch(/random_id/);
  });
});

describe('GCP key store in a multi-cloud cluster', () => {
  test('one store for all GCP control-plane groups; control planes elsewhere do not get its account', () => {
    const c = synthCluster([Cloud.GCP, Cloud.AZURE], {
      cp: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
      more: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE, count: 2 },
      az: { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE },
    });
    // One store: the bundle's secret and the join token's.
    expect(Object.values(c.resources('google_secret_manager_secret')).map((x) => String(x.secret_id).replace(/\$\{[^}]+\}/, '<hex>')).sort()).toEqual(['c1-control-plane-keys-<hex>', 'c1-join-token-<hex>']);
    // One control planes' account (and one workers' account, which no control plane carries).
    // (The third is the etcd backup's writer, which no VM carries: test/backup.)
    expect(Object.values(c.resources('google_service_account')).map((a) => String(a.account_id).replace(/\$\{[^}]+\}/, '<hex>')).sort()).toEqual(['c1-bk-<hex>', 'c1-cp-<hex>', 'c1-wk-<hex>']);
    const instances = Object.values(c.resources('google_compute_instance'));
    expect(instances).toHaveLength(3);
    const emails = new Set(instances.map((i) => i.service_account?.email));
    expect([...emails]).toEqual([ref('google_service_account', logicalId(c.json, 'google_service_account', 'control-planes'), 'email')]);
    expect(JSON.stringify(c.resources('azurerm_linux_virtual_machine'))).not.toContain('google_service_account');
  });
});
