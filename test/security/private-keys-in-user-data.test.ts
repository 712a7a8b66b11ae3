/**
 * No private key reaches what a VM exposes. The synthesized JSON holds no secret in plain
 * text (no-secrets.test.ts) but it holds references, and through them, mostly via locals,
 * the keys in Terraform state land in user-data, custom data, instance metadata and tags,
 * which readers of the VM (its cloud API, its metadata service) see. secret-reach.ts
 * follows every reference from those places and names each secret it reaches with its path:
 * `aws_instance.n.user_data_base64 ← local.n-user-data ← tls_private_key.ca-key.private_key_pem`.
 *
 * Known exposures (docs/security.md, "Known exposures"):
 * - DIGITALOCEAN_CONTROL_PLANE_KEYS: the CA, front-proxy CA, etcd CA and service-account private keys
 *   are in the user-data of control planes on DigitalOcean, which gives droplets no identity to read a
 *   secret store with; control planes on AWS, GCP and Azure read them from their cloud's secret store
 *   (docs/decisions/0003) and reach none;
 * - the static bootstrap token is in the user-data of the nodes (autoscaled templates included) of a
 *   cloud with no join-token store in the cluster: DigitalOcean, and a cloud without a control plane.
 *   Every other node reads a 24-hour token from its cloud's store (docs/decisions/0006).
 * Each has a `test.failing` with the strict assertion where it still holds: the day the exposure is
 * closed, the strict assertion holds and jest reports the failing test as passing unexpectedly; then
 * turn it into a plain `test` and drop the key from the lists here.
 */
import { Fn, TerraformLocal, TerraformResource, TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { ExampleStack, exampleNames, synthExampleStacks } from '../support/example-stacks';
import { SecretReach, exposingResources, findReachableSecrets, formatReach, uncoveredVmResources } from './secret-reach';

/**
 * What a control plane on DigitalOcean reaches today, by credential (construct id, see
 * lib/cluster/cluster-credentials.ts). Known exposure:
 * docs/security.md#the-ca-keys-of-some-control-planes-on-digitalocean-are-in-their-user-data
 * (and the bootstrap token, below). A key added here is a new leak: the admin client key,
 * the node SSH key, anything else, must never be.
 */
const DIGITALOCEAN_CONTROL_PLANE_KEYS = [
  'random_password.bootstrap-token-secret.result',
  'tls_private_key.ca-key.private_key_pem',
  'tls_private_key.etcd-ca-key.private_key_pem',
  'tls_private_key.front-proxy-ca-key.private_key_pem',
  'tls_private_key.service-account-key.private_key_pem',
];

/** What a control plane on AWS, GCP or Azure reaches: nothing (its keys and join token come from the cloud's secret store). */
const CONTROL_PLANE_KEYS: string[] = [];

/** What the control plane at `address` may reach, by its VM's cloud. */
const knownKeysOf = (address: string) => (address.startsWith('digitalocean_') ? DIGITALOCEAN_CONTROL_PLANE_KEYS : CONTROL_PLANE_KEYS);

/**
 * The static bootstrap token's secret, allowed on the nodes of a cloud without a join-token store.
 * Known exposure: docs/security.md, "Join tokens".
 */
const BOOTSTRAP_TOKEN_SECRET = 'random_password.bootstrap-token-secret.result';

/** The cloud of a VM resource, by its type's provider prefix. */
const cloudOf = (address: string) => (address.startsWith('aws_') ? 'aws' : address.startsWith('google_') ? 'gcp' : address.startsWith('azurerm_') ? 'azure' : 'digitalocean');

/** The clouds whose nodes read the join token from a store: AWS, GCP and Azure where the example has a control plane. */
function storeClouds(stacks: readonly ExampleStack[]): Set<string> {
  const controlPlanes = stacks.flatMap((s) => exposingResources(s.config)).filter((vm) => vm.role === 'control-plane');
  return new Set(controlPlanes.map((vm) => cloudOf(vm.address)).filter((cloud) => cloud !== 'digitalocean'));
}

/** `tls_private_key.aws-only_credentials_ca-key_E18CE182.private_key_pem` → `tls_private_key.ca-key.private_key_pem`. */
function credentialName(secret: string): string {
  const [first, ...rest] = secret.split('.');
  const [prefix, type, name, attribute] = first === 'data' ? ['data.', rest[0], rest[1], rest.slice(2)] : ['', first, rest[0], rest.slice(1)];
  const constructId = name.replace(/_[0-9A-F]{8}$/, '').split('_').pop();
  return [`${prefix}${type}`, constructId, ...attribute].join('.');
}

/** What a worker VM or autoscaled template must not carry: every secret but the static token, and that one too where its cloud has a store. */
function workerLeaks(findings: readonly SecretReach[], stores: ReadonlySet<string>): string[] {
  return findings
    .filter((f) => f.role !== 'control-plane')
    .filter((f) => f.opaque || credentialName(f.secret) !== BOOTSTRAP_TOKEN_SECRET || stores.has(cloudOf(f.address)))
    .map(formatReach);
}

/** Each control plane's address → the credentials it reaches, sorted. */
function controlPlaneKeys(findings: readonly SecretReach[], stacks: readonly ExampleStack[]): Record<string, string[]> {
  const controlPlanes = stacks.flatMap((s) => exposingResources(s.config)).filter((r) => r.role === 'control-plane');
  return Object.fromEntries(
    controlPlanes.map((cp) => [cp.address, [...new Set(findings.filter((f) => f.address === cp.address).map((f) => credentialName(f.secret)))].sort()]),
  );
}

const synthesized = new Map<string, { stacks: ExampleStack[]; findings: SecretReach[] }>();

/** An example's stacks and every secret their VMs reach, synthesized once per example. */
function example(name: string): { stacks: ExampleStack[]; findings: SecretReach[] } {
  let cached = synthesized.get(name);
  if (!cached) {
    const stacks = synthExampleStacks(name);
    cached = { stacks, findings: stacks.flatMap((s) => findReachableSecrets(s.config)) };
    synthesized.set(name, cached);
  }
  return cached;
}

describe('private keys reachable from what a VM exposes', () => {
  describe.each(exampleNames())('examples/%s', (name) => {
    test('the check sees every VM: each has a role, templates are workers, nothing is opaque', () => {
      const { stacks, findings } = example(name);
      const vms = stacks.flatMap((s) => exposingResources(s.config));
      expect(stacks.flatMap((s) => uncoveredVmResources(s.config))).toEqual([]);
      expect(vms.filter((vm) => vm.role !== 'control-plane' && vm.role !== 'worker').map((vm) => `${vm.address}: role ${vm.role}`)).toEqual([]);
      expect(vms.filter((vm) => vm.template && vm.role !== 'worker').map((vm) => vm.address)).toEqual([]);
      // Every cluster has a control plane; none found means the role tags moved and the checks below are vacuous.
      expect(vms.filter((vm) => vm.role === 'control-plane').length).toBeGreaterThan(0);
      expect(findings.filter((f) => f.opaque).map(formatReach)).toEqual([]);
    });

    // The static token is allowed where the node's cloud has no join-token store, a known exposure:
    // docs/security.md, "Join tokens".
    test('workers and autoscaled templates carry no private key, and no token where their cloud has a store', () => {
      const { stacks, findings } = example(name);
      expect(workerLeaks(findings, storeClouds(stacks))).toEqual([]);
    });

    test('control planes reach exactly the known keys, no more: nothing on AWS, GCP and Azure; the CA keys and the static token on DigitalOcean', () => {
      const { stacks, findings } = example(name);
      const reached = controlPlaneKeys(findings, stacks);
      expect(reached).toEqual(Object.fromEntries(Object.keys(reached).map((address) => [address, knownKeysOf(address)])));
    });

    // Known exposure on DigitalOcean only, docs/security.md "The CA keys of control planes on
    // DigitalOcean are in their user-data": the strict check holds for every example without a
    // DigitalOcean control plane, and fails (test.failing) for the others until that is closed.
    const strict = example(name).stacks.some((s) => exposingResources(s.config).some((vm) => vm.role === 'control-plane' && knownKeysOf(vm.address) === DIGITALOCEAN_CONTROL_PLANE_KEYS)) ? test.failing : test;
    strict('strict: no VM reaches any private key (the bootstrap token secret aside)', () => {
      const { findings } = example(name);
      expect(findings.filter((f) => credentialName(f.secret) !== BOOTSTRAP_TOKEN_SECRET).map(formatReach)).toEqual([]);
    });

    // Known exposure, docs/security.md "Join tokens": fails for the examples with nodes on a cloud
    // without a join-token store (DigitalOcean), holds for the others.
    const { stacks } = example(name);
    const stores = storeClouds(stacks);
    const strictToken = stacks.some((s) => exposingResources(s.config).some((vm) => !stores.has(cloudOf(vm.address)))) ? test.failing : test;
    strictToken('strict: no VM reaches the bootstrap token secret', () => {
      const { findings } = example(name);
      expect(findings.filter((f) => credentialName(f.secret) === BOOTSTRAP_TOKEN_SECRET).map(formatReach)).toEqual([]);
    });
  });

  test('DigitalOcean control planes after an AWS one reach their handoff ticket and the static token, no private key; the first keeps the keys only when it is on DigitalOcean', () => {
    const reachOf = (doFirst: boolean) => {
      const app = Testing.app();
      const stack = new TerraformStack(app, 's');
      const cluster = new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [Cloud.AWS, Cloud.DIGITALOCEAN] });
      const groups = [() => cluster.addNodeGroup('aws-cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE }), () => cluster.addNodeGroup('do-cp', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.CONTROL_PLANE, count: 2 })];
      (doFirst ? groups.reverse() : groups).forEach((add) => add());
      const config = JSON.parse(Testing.synth(stack));
      return controlPlaneKeys(findReachableSecrets(config), [{ id: 's', config }]);
    };
    const ticket = (node: string) => `random_password.${node}.result`;
    const doNodes = (reached: Record<string, string[]>) => Object.entries(reached).filter(([address]) => address.startsWith('digitalocean_')).map(([, keys]) => keys);
    expect(doNodes(reachOf(false))).toEqual([[BOOTSTRAP_TOKEN_SECRET, ticket('c1-do-cp-1')].sort(), [BOOTSTRAP_TOKEN_SECRET, ticket('c1-do-cp-2')].sort()]);
    // DigitalOcean first: its first control plane founds the cluster and must hold the keys; the second still fetches them.
    expect(doNodes(reachOf(true))).toEqual([DIGITALOCEAN_CONTROL_PLANE_KEYS, [BOOTSTRAP_TOKEN_SECRET, ticket('c1-do-cp-2')].sort()]);
  });

  test('the finder reports a key planted in a worker\'s user-data through two new locals, with its path', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const cluster = new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [Cloud.AWS] });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    const workers = cluster.addNodeGroup('w', { cloud: Cloud.AWS, role: NodeRole.WORKER, count: 1 });
    const resources = (type: string) => cluster.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === type);
    const adminKey = resources('tls_private_key').find((k) => k.node.id === 'admin-key')!;
    const worker = workers.node.findAll().find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === 'aws_instance')!;
    const userData = workers.node.findAll().find((c): c is TerraformLocal => c instanceof TerraformLocal && c.node.id.endsWith('-user-data'))!;

    // The worker's user-data, then a comment that holds the admin client key, two locals away.
    const key = new TerraformLocal(stack, 'planted-key', Fn.base64encode(adminKey.getStringAttribute('private_key_pem')));
    const note = new TerraformLocal(stack, 'planted-note', `${userData.asString}\n# ${key.asString}`);
    worker.addOverride('user_data_base64', `\${base64gzip(local.${note.friendlyUniqueId})}`);

    const findings = findReachableSecrets(JSON.parse(Testing.synth(stack)));
    const address = `aws_instance.${worker.friendlyUniqueId}`;
    const planted = `${address}.user_data_base64 ← local.${note.friendlyUniqueId} ← local.${key.friendlyUniqueId} ← tls_private_key.${adminKey.friendlyUniqueId}.private_key_pem`;
    expect(workerLeaks(findings, new Set(['aws']))).toEqual([planted]);
    // And nothing else: the worker reads its join token from the store, so its user-data reaches no secret.
    expect(findings.filter((f) => f.address === address).map(formatReach)).toEqual([planted]);
    // The strict control-plane pin notices a control plane that gets the key the same way.
    const controlPlane = cluster.nodeGroups[0].node.findAll().find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === 'aws_instance')!;
    controlPlane.addOverride('tags.leak', `\${local.${key.friendlyUniqueId}}`);
    const stacks = [{ id: 's', config: JSON.parse(Testing.synth(stack)) }];
    const reached = controlPlaneKeys(findReachableSecrets(stacks[0].config), stacks);
    expect(reached).toEqual({ [`aws_instance.${controlPlane.friendlyUniqueId}`]: [...CONTROL_PLANE_KEYS, 'tls_private_key.admin-key.private_key_pem'].sort() });
  });
});
