/**
 * The node scripts, run for real against a rendered document in a sandbox (see
 * node-sandbox.ts): which commands bootstrap-node.sh runs for each kind and in
 * what order; who founds a cluster and who joins it (three control planes booting
 * at once, a first control plane replaced later, nothing answering, no seeds);
 * what it does when the mesh is missing or kubeadm fails; and how spot-handler.sh
 * reacts to GCP's and Azure's notices. install-kubernetes.sh is replaced by a stub
 * (it installs packages), and so are the API proxy, the mesh agent and api-seeds.sh
 * (each has its own tests); shellcheck covers them all. A node that fails here is given one
 * attempt per step (CAST_BOOTSTRAP_TIMEOUT=0); the retries, the deadline and the re-runs are
 * bootstrap-retry.test.ts's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud } from '../../../lib/core/cloud';
import { NodeBootstrapInput, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { readTemplateFile } from '../../../lib/core/bootstrap/template-files';
import { fakeInput, fakeMeshInput } from './bootstrap-fixtures';
import { describeInSandbox, NodeSandbox, SandboxRun, Stubs } from './node-sandbox';
import { contentOf, fileAt, parseUserData } from './user-data-files';


const MESH_UP = '2: wg0    inet 10.4.17.3/32 scope global wg0';
const NODE_STUBS: Stubs = {
  // kubeadm join's preflight refuses a CA certificate already on disk when it joins a node
  // without controlPlane (cmd/kubeadm/app/preflight/checks.go, JoinNodeChecks:
  // FileAvailableCheck{Path: cfg.CACertPath}), unless told to ignore that check. A successful
  // `kubeadm init` makes the cluster's API answer (the marker the stub probe reads), and every
  // call goes to the cluster's shared log too, in the order the nodes made them.
  kubeadm: [
    '[ -z "${KUBEADM_FAILS:-}" ] || exit 1',
    'if [ -n "${CAST_TEST_CLUSTER:-}" ]; then echo "${CAST_TEST_NODE:-node} $*" >>"$CAST_TEST_CLUSTER/kubeadm.log"; fi',
    'config=""; ignored=""',
    'for ((i = 1; i <= $#; i++)); do',
    '  case "${!i}" in',
    '    --config) j=$((i + 1)); config="${!j}" ;;',
    '    --ignore-preflight-errors=*) ignored="${!i#*=}" ;;',
    '  esac',
    'done',
    'if [ "$1" = join ] && [ "$2" = --config ] && ! grep -q "^controlPlane:" "$config" && [ -e /etc/kubernetes/pki/ca.crt ] &&',
    '  [[ ",${ignored,,}," != *,fileavailable--etc-kubernetes-pki-ca.crt,* && ",${ignored,,}," != *,all,* ]]; then',
    '  echo "[ERROR FileAvailable--etc-kubernetes-pki-ca.crt]: /etc/kubernetes/pki/ca.crt already exists" >&2',
    '  exit 1',
    'fi',
    // Join tokens: a kubeadm file still holding a placeholder is refused (kubeadm validates a
    // token's format); init records the cluster's tokens, and a join with any other is refused,
    // as the API server would refuse an unknown bootstrap token.
    'token_re="^[a-z0-9]{6}\\.[a-z0-9]{16}$"',
    'if [ -n "$config" ]; then',
    '  for token in $(sed -nE "s/^ *(- token|tlsBootstrapToken): \x27(.*)\x27$/\\2/p" "$config"); do',
    '    [[ "$token" =~ $token_re ]] || { echo "invalid bootstrap token $token in $config" >&2; exit 1; }',
    '  done',
    'fi',
    'if [ "$1 $2" = "init --config" ] && [ -n "${CAST_TEST_CLUSTER:-}" ]; then',
    '  sed -nE "s/^ *- token: \x27(.*)\x27$/\\1/p" "$config" >>"$CAST_TEST_CLUSTER/tokens"',
    '  touch "$CAST_TEST_CLUSTER/api-up"',
    'fi',
    'if [ "$1" = join ] && [ -n "$config" ] && [ -f "${CAST_TEST_CLUSTER:-/nonexistent}/tokens" ]; then',
    '  token="$(sed -nE "s/^ *tlsBootstrapToken: \x27(.*)\x27$/\\1/p" "$config")"',
    '  grep -qxF "$token" "$CAST_TEST_CLUSTER/tokens" || { echo "error: the bootstrap token $token is not known to the cluster" >&2; exit 1; }',
    'fi',
  ].join('\n'),
  kubectl: '',
  systemctl: '',
  curl: '',
  ip: 'echo "${IP_OUTPUT:-}"',
  // The journal (logger -t cast-bootstrap): a failure is reported there too.
  logger: '',
};
/** A failing node's steps are tried once: no retries, no pauses (bootstrap-retry.test.ts has those). */
const ONE_ATTEMPT = { CAST_BOOTSTRAP_TIMEOUT: '0' };

/** cast-api-proxy probe --timeout N: some control plane answers once the cluster's API is up (the marker), asked every 0.1 s for N s. */
const PROXY_STUB = [
  '[ "$1 $2" = "probe --timeout" ] || exit 2',
  'for ((i = 0; i <= $3 * 10; i++)); do',
  '  if [ -e "$CAST_TEST_CLUSTER/api-up" ]; then echo 203.0.113.10:6443; exit 0; fi',
  '  sleep 0.1',
  'done',
  'exit 1',
].join('\n');
/** api-seeds.sh: the seeds the metadata service would give, or its failure. */
const SEEDS_STUB = [
  'if [ -n "${CAST_TEST_SEEDS_FAIL:-}" ]; then echo "cast-api-seeds: could not read meta-data/tags/instance from http://169.254.169.254" >&2; exit 1; fi',
  'if [ -n "${CAST_TEST_SEEDS:-}" ]; then echo "$CAST_TEST_SEEDS"; fi',
].join('\n');
/** cast-mesh-agent wait-peer: a control plane is reachable over the mesh, unless told otherwise. */
const AGENT_STUB = '[ "$1" = wait-peer ] || exit 2\n[ -z "${CAST_TEST_NO_PEER:-}" ] || { echo "cast-mesh-agent: no control plane over the mesh" >&2; exit 1; }';

/** The release the stub cluster runs (the fixtures' founding release is 1.34.2). */
const CLUSTER_RELEASE = '1.33.7';
/**
 * install-kubernetes.sh (install-kubernetes.test.ts runs the real one): records its call and
 * appends the release it installed to node.env as the real one does: the cluster's once its API
 * is up, else the founding release of a node that may found it (kubernetes-version.sh's rule).
 */
const INSTALL_STUB = [
  '#!/usr/bin/env bash',
  'echo "install-kubernetes" >>"$CAST_TEST_LOG"',
  '. /etc/cast/node.env',
  `release=${CLUSTER_RELEASE} from=cluster`,
  // No API up (or, once, $CAST_TEST_CLUSTER/version-unreachable): the founding release, where there is one.
  'cluster="${CAST_TEST_CLUSTER:-/nonexistent}"',
  'if [ -n "${CAST_FOUNDING_KUBERNETES_VERSION:-}" ] && { [ ! -e "$cluster/api-up" ] || [ -e "$cluster/version-unreachable" ]; }; then',
  '  release="$CAST_FOUNDING_KUBERNETES_VERSION" from=founding',
  '  rm -f "$cluster/version-unreachable"',
  'fi',
  'printf "CAST_KUBERNETES_VERSION=\'%s\'\\nCAST_KUBERNETES_VERSION_FROM=\'%s\'\\n" "$release" "$from" >>/etc/cast/node.env',
].join('\n');

/**
 * A sandbox holding the node's user-data files, a stubbed install script and an
 * instance id, and stubs for the API proxy and api-seeds.sh; optionally a mesh hook
 * and the mesh agent (a node with the mesh has both).
 */
function nodeWith(input: NodeBootstrapInput, options: { meshHook?: boolean; agent?: boolean } = {}): NodeSandbox {
  const sandbox = new NodeSandbox()
    .writeCloudConfig(parseUserData(renderNodeUserData(input)))
    .writeFile('/opt/cast/bin/install-kubernetes.sh', INSTALL_STUB, 0o755)
    .writeFile('/var/lib/cloud/data/instance-id', 'i-0123456789abcdef0\n')
    .stubFile('/opt/cast/mesh/cast-api-proxy', PROXY_STUB)
    .stubFile('/opt/cast/bin/api-seeds.sh', SEEDS_STUB);
  if (options.meshHook) sandbox.writeFile('/opt/cast/bin/mesh-up.sh', '#!/usr/bin/env bash\necho "mesh-up $*" >>"$CAST_TEST_LOG"\n', 0o755);
  if (options.agent) sandbox.stubFile('/opt/cast/mesh/cast-mesh-agent', AGENT_STUB);
  return sandbox;
}

/** A fresh cluster: a folder outside every sandbox where the API comes up (a marker) and kubeadm's calls are logged. */
function newCluster(options: { apiUp?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cast-cluster-'));
  if (options.apiUp) writeFileSync(join(dir, 'api-up'), '');
  return dir;
}
const clusterLog = (dir: string) => readFileSync(join(dir, 'kubeadm.log'), 'utf8').split('\n').filter((line) => line !== '');

/** The phone-home POST: `joined`, or `failed` with the step that failed. */
const phoneHome = (status: 'joined' | 'failed', step?: string) =>
  `curl -fsS --retry 10 --retry-connrefused --max-time 30 -o /dev/null --data-urlencode instance_id=i-0123456789abcdef0 --data-urlencode hostname=${hostname()} --data-urlencode node_name=%NODE% --data-urlencode status=${status}${step ? ` --data-urlencode step=${step}` : ''} https://hooks.example.com/cast?cluster=prod`;
/** The failure as the journal gets it, then the phone-home POST: the last two calls of a failed node. */
const failedAt = (step: string, node: string, exit = 1) => [`logger -t cast-bootstrap bootstrap failed at step ${step} (exit ${exit})`, phoneHome('failed', step).replace('%NODE%', node)];

/** What every node does before it asks anyone: install, guard the metadata service, mesh, check the mesh address, start the API proxy. */
const BOOT = (kind: string, meshHook = true) => [
  'install-kubernetes',
  'systemctl daemon-reload',
  'systemctl enable --now cast-metadata-guard.service',
  ...(meshHook ? [`mesh-up ${kind}`] : []),
  'ip -o -4 address show',
  'systemctl enable --now cast-api-proxy.service',
];
const FOUND = ['kubeadm init phase certs apiserver --config /etc/cast/apiserver-cert.yaml', 'kubeadm init --config /etc/cast/kubeadm-init.yaml'];
/** The two-step join: as a node, a control plane over the mesh (with the agent), then etcd and the control plane. */
const JOIN = (joinWait: number, agent = true) => [
  'kubeadm init phase certs apiserver --config /etc/cast/apiserver-cert.yaml',
  'kubeadm join --config /etc/cast/kubeadm.yaml --ignore-preflight-errors=FileAvailable--etc-kubernetes-pki-ca.crt',
  ...(agent ? [`cast-mesh-agent wait-peer --role control-plane --timeout ${joinWait}`] : []),
  'kubeadm join phase control-plane-prepare all --config /etc/cast/kubeadm-control-plane.yaml',
  'kubeadm join phase control-plane-join all --config /etc/cast/kubeadm-control-plane.yaml',
];
const APPLY = (...names: string[]) => names.map((name) => `kubectl --kubeconfig /etc/kubernetes/admin.conf apply --server-side --force-conflicts --field-manager=cast-bootstrap -f /etc/cast/manifests/${name}`);
const SEEDS = '203.0.113.10 203.0.113.11 203.0.113.12';
const kubeadmCalls = (run: SandboxRun) => run.calls.filter((c) => c.startsWith('kubeadm'));

describeInSandbox('bootstrap-node.sh', () => {
  const sandboxes: NodeSandbox[] = [];
  const clusters: string[] = [];
  const track = (sandbox: NodeSandbox) => (sandboxes.push(sandbox), sandbox);
  const cluster = (options: { apiUp?: boolean } = {}) => {
    const dir = newCluster(options);
    clusters.push(dir);
    return dir;
  };
  afterAll(() => {
    sandboxes.forEach((s) => s.dispose());
    clusters.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });
  /** A control plane's environment: its mesh address up, short waits, the cluster's seeds. */
  const controlPlaneEnv = (dir: string, extra: Record<string, string> = {}) => ({
    IP_OUTPUT: MESH_UP,
    CAST_TEST_CLUSTER: dir,
    CAST_TEST_SEEDS: SEEDS,
    CAST_FOUNDER_WAIT: '1',
    CAST_JOIN_WAIT: '1',
    ...extra,
  });

  test('the first seed, when nothing answers: founds the cluster (its own certificate, kubeadm init), applies the manifests server-side, phones home', () => {
    const input = fakeInput('control-plane', Cloud.AWS);
    const dir = cluster();
    const run = track(nodeWith(input, { meshHook: true, agent: true })).run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(dir));
    expect(run.output).not.toContain('failed');
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      ...BOOT('control-plane'),
      'api-seeds.sh',
      'cast-api-proxy probe --timeout 1',
      ...FOUND,
      ...APPLY('cast-rbac.yaml'),
      phoneHome('joined').replace('%NODE%', 'aws-cp-1'),
    ]);
    expect(run.output).toContain('cast: no control plane answers in 1 s and 203.0.113.10 is the first seed: founding the cluster');
    // It founds with the release of its user-data, which it installed.
    for (const path of ['/etc/cast/kubeadm-init.yaml', '/etc/cast/apiserver-cert.yaml']) expect(run.fileAfter(path)).toContain("\nkubernetesVersion: 'v1.34.2'\n");
  });

  test('the first seed that may not found (mayFound false: not the cluster\'s first control plane) never inits, with nothing answering', () => {
    const input = fakeInput('control-plane', Cloud.AWS, { mayFound: false });
    const run = track(nodeWith(input)).run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster(), ONE_ATTEMPT));
    expect(run.status).toBe(1);
    expect(kubeadmCalls(run)).toEqual([]);
    expect(run.output).toContain('only the first seed founds the cluster, when its user-data names the release (this node: 203.0.113.10, release: none;');
  });

  test('a fresh cluster of three control planes booting at once inits exactly once: the first seed founds it, the others wait for its API and join in two steps', async () => {
    const dir = cluster();
    const nodes = [1, 2, 3].map((i) => ({
      name: `aws-cp-${i}`,
      meshAddress: `10.4.17.${i}`,
      sandbox: track(
        nodeWith(fakeInput('control-plane', Cloud.AWS, { nodeName: `aws-cp-${i}`, publicAddress: `203.0.113.1${i - 1}`, meshAddress: `10.4.17.${i}` }), { meshHook: true, agent: true }),
      ),
    }));
    // The others start first: they must wait for the founder, whose first wait is as long as theirs.
    const [founder, ...others] = await Promise.all(
      [nodes[1], nodes[2], nodes[0]].map(({ name, meshAddress, sandbox }) =>
        sandbox
          .start(
            ['/opt/cast/bin/bootstrap-node.sh', 'control-plane'],
            NODE_STUBS,
            controlPlaneEnv(dir, { CAST_TEST_NODE: name, IP_OUTPUT: `2: wg0    inet ${meshAddress}/32 scope global wg0`, CAST_JOIN_WAIT: '20' }),
          )
          .then((run) => ({ name, run })),
      ),
    ).then((runs) => [runs[2], runs[0], runs[1]]);
    for (const { run } of [founder, ...others]) {
      expect(run.output).not.toContain('failed');
      expect(run.status).toBe(0);
    }
    expect(kubeadmCalls(founder.run)).toEqual(FOUND);
    for (const { name, run } of others) {
      expect(run.output).toContain(`cast: ${name} joined the cluster as control-plane`);
      // No init of any kind but its own certificate, and the steps in order.
      expect(run.calls.filter((c) => c.startsWith('kubeadm') || c.startsWith('cast-mesh-agent'))).toEqual(JOIN(20));
      expect(run.calls.slice(-2)).toEqual([...APPLY('cast-rbac.yaml'), phoneHome('joined').replace('%NODE%', name)]);
      // It asked for the founder's wait, then (unless the API came up meanwhile) for the join wait.
      const probes = run.calls.filter((c) => c.startsWith('cast-api-proxy'));
      expect([['cast-api-proxy probe --timeout 1'], ['cast-api-proxy probe --timeout 1', 'cast-api-proxy probe --timeout 20']]).toContainEqual(probes);
    }
    // Across the cluster: one `kubeadm init`, the founder's, before anyone joins.
    const log = clusterLog(dir);
    expect(log.filter((line) => / init --config /.test(line))).toEqual(['aws-cp-1 init --config /etc/cast/kubeadm-init.yaml']);
    const initAt = log.indexOf('aws-cp-1 init --config /etc/cast/kubeadm-init.yaml');
    for (const name of ['aws-cp-2', 'aws-cp-3']) {
      const joinAt = log.findIndex((line) => line.startsWith(`${name} join --config`));
      const etcdAt = log.indexOf(`${name} join phase control-plane-join all --config /etc/cast/kubeadm-control-plane.yaml`);
      expect(joinAt).toBeGreaterThan(initAt);
      expect(etcdAt).toBeGreaterThan(joinAt);
    }
  });

  test('the first seed created after the cluster exists (a replaced first control plane): a control plane answers at once, it joins and never inits', () => {
    const dir = cluster({ apiUp: true });
    const run = track(nodeWith(fakeInput('control-plane', Cloud.GCP), { meshHook: true, agent: true })).run(
      ['/opt/cast/bin/bootstrap-node.sh', 'control-plane'],
      NODE_STUBS,
      controlPlaneEnv(dir, { CAST_FOUNDER_WAIT: '120', CAST_JOIN_WAIT: '1800' }),
    );
    expect(run.output).not.toContain('failed');
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      ...BOOT('control-plane'),
      'api-seeds.sh',
      'cast-api-proxy probe --timeout 120',
      ...JOIN(1800),
      ...APPLY('cast-rbac.yaml'),
      phoneHome('joined').replace('%NODE%', 'gcp-cp-1'),
    ]);
    expect(clusterLog(dir).filter((line) => line.includes(' init --config'))).toEqual([]);
    expect(run.output).toContain('cast: a control plane answers: joining the cluster');
  });

  test('the first seed that installed its founding release while no API server answered, then finds one: installs the cluster\'s release before it joins', () => {
    const dir = cluster({ apiUp: true });
    writeFileSync(join(dir, 'version-unreachable'), '');
    const run = track(nodeWith(fakeInput('control-plane', Cloud.GCP), { meshHook: true, agent: true })).run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(dir));
    expect(run.output).not.toContain('failed');
    expect(run.status).toBe(0);
    expect(run.calls.filter((c) => c === 'install-kubernetes')).toHaveLength(2);
    // The second install comes after the API answered, before any kubeadm join.
    expect(run.calls.indexOf('install-kubernetes', 1)).toBeGreaterThan(run.calls.indexOf('cast-api-proxy probe --timeout 1'));
    expect(run.calls.indexOf('install-kubernetes', 1)).toBeLessThan(run.calls.findIndex((c) => c.startsWith('kubeadm ')));
    expect(run.output).toContain('cast: installed Kubernetes 1.34.2 to found the cluster, which runs already: installing its release');
    expect(run.fileAfter('/etc/cast/apiserver-cert.yaml')).toContain(`\nkubernetesVersion: 'v${CLUSTER_RELEASE}'\n`);
    expect(clusterLog(dir).filter((line) => line.includes(' init --config'))).toEqual([]);
  });

  /** A control plane that reads its keys from AWS Secrets Manager: only the CA certificate and the token in its user-data. */
  const keyStoreInput = (nodeName = 'aws-cp-1') => {
    const input = fakeInput('control-plane', Cloud.AWS, { nodeName });
    const { caCertB64, bootstrapTokenId, bootstrapTokenSecret } = input.credentials;
    return { ...input, credentials: { caCertB64, bootstrapTokenId, bootstrapTokenSecret }, controlPlaneKeys: { store: 'aws-secrets-manager' as const, secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod-keys', region: 'eu-west-1' } };
  };
  /** cast-control-plane-keys fetch: writes a key where kubeadm looks, or fails as the store refuses. */
  const KEYS_STUB = '[ "$1" = fetch ] || exit 2\n[ -z "${CAST_TEST_KEYS_FAIL:-}" ] || { echo "cast-control-plane-keys: aws-secrets-manager: gave up after 900 s: AccessDeniedException" >&2; exit 1; }\necho key >/etc/kubernetes/pki/ca.key';

  test('a control plane with a key store reads its keys before anything else asks for them (founding or joining), and its user-data holds none', () => {
    const pkiInUserData = parseUserData(renderNodeUserData(keyStoreInput())).write_files.filter((f) => f.path.startsWith('/etc/kubernetes/pki/'));
    expect(pkiInUserData.map((f) => f.path)).toEqual(['/etc/kubernetes/pki/ca.crt']);
    for (const apiUp of [false, true]) {
      const sandbox = track(nodeWith(keyStoreInput())).stubFile('/opt/cast/mesh/cast-control-plane-keys', KEYS_STUB);
      const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster({ apiUp })));
      expect(run.status).toBe(0);
      expect(run.calls.slice(BOOT('control-plane', false).length)).toEqual([
        'cast-control-plane-keys fetch --timeout 900',
        'api-seeds.sh',
        'cast-api-proxy probe --timeout 1',
        ...(apiUp ? JOIN(1, false) : FOUND),
        ...APPLY('cast-rbac.yaml'),
        phoneHome('joined').replace('%NODE%', 'aws-cp-1'),
      ]);
      expect(run.fileAfter('/etc/kubernetes/pki/ca.key')).toBe('key\n');
      expect(run.output).toContain('cast: reading the control-plane keys from aws-secrets-manager');
    }
  });

  /** The AWS join-token store of a cluster whose nodes read the token (docs/decisions/0006). */
  const JOIN_STORE = { store: 'aws-secrets-manager' as const, secretId: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod-join-token', region: 'eu-west-1' };
  const FOUNDED_WITH = 'q7x2mn.k3v9w0z8r2t4y6u1';
  /**
   * cast-join-token: `generate` prints a token; `publish` puts --token-file where the cluster's
   * store is (a file in the cluster's folder); `fetch` copies it to --out, or fails as a store
   * that never got one would.
   */
  const JOIN_TOKEN_STUB = [
    'case "$1" in',
    `  generate) echo ${FOUNDED_WITH} ;;`,
    '  publish) cp "$3" "$CAST_TEST_CLUSTER/store" ;;',
    '  fetch)',
    '    if [ -n "${CAST_TEST_TOKEN_FAIL:-}" ] || [ ! -f "$CAST_TEST_CLUSTER/store" ]; then echo "cast-join-token: aws-secrets-manager: gave up after $5 s: no join token published yet" >&2; exit 1; fi',
    '    cp "$CAST_TEST_CLUSTER/store" "$3" ;;',
    '  *) exit 2 ;;',
    'esac',
  ].join('\n');
  const storeNode = (kind: 'control-plane' | 'worker', nodeName: string) => {
    const input = fakeMeshInput(kind, Cloud.AWS, {}, { nodeName, credentials: { caCertB64: fakeInput(kind).credentials.caCertB64 }, joinToken: JOIN_STORE });
    const withKeys = kind === 'control-plane' ? { ...input, controlPlaneKeys: keyStoreInput().controlPlaneKeys } : input;
    return track(nodeWith(withKeys, { meshHook: true, agent: true })).stubFile('/opt/cast/mesh/cast-control-plane-keys', KEYS_STUB).stubFile('/opt/cast/mesh/cast-join-token', JOIN_TOKEN_STUB);
  };

  test('join tokens from the store: the founder makes one, founds with it, publishes it, starts the rotation; a worker and a joining control plane read it before kubeadm', () => {
    const dir = cluster();
    const founder = storeNode('control-plane', 'aws-cp-1').run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(dir));
    expect(founder.status).toBe(0);
    const after = founder.calls.slice(founder.calls.indexOf('cast-api-proxy probe --timeout 1'));
    expect(after.slice(0, 5)).toEqual(['cast-api-proxy probe --timeout 1', 'cast-join-token generate', ...FOUND, 'cast-join-token publish --token-file /etc/cast/join-token --timeout 900']);
    expect(after).toEqual(expect.arrayContaining(['systemctl enable --now cast-join-token.timer']));
    expect(founder.fileAfter('/etc/cast/kubeadm-init.yaml')).toContain(`- token: '${FOUNDED_WITH}'`);
    expect(readFileSync(join(dir, 'tokens'), 'utf8')).toBe(`${FOUNDED_WITH}\n`);

    const worker = storeNode('worker', 'aws-w-1').run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP, CAST_TEST_CLUSTER: dir });
    expect(worker.status).toBe(0);
    // After the mesh hook, which installs the reader (AWS downloads the node tools); a scaled
    // node's hook reads it before claiming (mesh-up.test.ts), and then it is not read again.
    const fetchAt = worker.calls.indexOf('cast-join-token fetch --out /etc/cast/join-token --timeout 3600');
    expect(fetchAt).toBeGreaterThan(worker.calls.indexOf('mesh-up worker'));
    expect(fetchAt).toBeLessThan(worker.calls.indexOf('kubeadm join --config /etc/cast/kubeadm.yaml'));
    expect(kubeadmCalls(worker)).toEqual(['kubeadm join --config /etc/cast/kubeadm.yaml']);
    expect(worker.fileAfter('/etc/cast/kubeadm.yaml')).toContain(`tlsBootstrapToken: '${FOUNDED_WITH}'`);

    const joiner = storeNode('control-plane', 'aws-cp-2').run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(dir));
    expect(joiner.status).toBe(0);
    expect(joiner.calls.filter((c) => /^(cast-join-token|kubeadm|cast-mesh-agent) /.test(c))).toEqual(['cast-join-token fetch --out /etc/cast/join-token --timeout 3600', ...JOIN(1)]);
    expect(joiner.calls).toContain('systemctl enable --now cast-join-token.timer');
  });

  test('join tokens: a token the cluster does not know is refused by the stub cluster, and a store with none fails the node before kubeadm', () => {
    const dir = cluster();
    expect(storeNode('control-plane', 'aws-cp-1').run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(dir)).status).toBe(0);
    writeFileSync(join(dir, 'store'), 'zzzzzz.zzzzzzzzzzzzzzzz\n');
    const stale = storeNode('worker', 'aws-w-1').run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP, CAST_TEST_CLUSTER: dir, ...ONE_ATTEMPT });
    expect(stale.status).toBe(1);
    expect(stale.output).toContain('error: the bootstrap token zzzzzz.zzzzzzzzzzzzzzzz is not known to the cluster');

    const none = storeNode('worker', 'aws-w-2').run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP, CAST_TEST_CLUSTER: cluster(), CAST_TEST_TOKEN_FAIL: '1', ...ONE_ATTEMPT });
    expect(none.status).toBe(1);
    expect(none.calls.filter((c) => c.startsWith('kubeadm'))).toEqual([]);
    expect(none.calls.slice(-3)).toEqual(['cast-join-token fetch --out /etc/cast/join-token --timeout 3600', ...failedAt('join-token', 'aws-w-2')]);
    expect(none.output).toContain('no join token published yet');
  });

  /** A DigitalOcean control plane that gets its keys over the mesh (docs/decisions/0007): a ticket, no key, in its user-data. */
  const handoffInput = () => {
    const input = fakeMeshInput('control-plane', Cloud.DIGITALOCEAN, {}, { nodeName: 'do-cp-2', publicAddress: '203.0.113.12' });
    const { caCertB64, bootstrapTokenId, bootstrapTokenSecret } = input.credentials;
    return { ...input, credentials: { caCertB64, bootstrapTokenId, bootstrapTokenSecret }, controlPlaneKeys: { store: 'mesh-handoff' as const, ticket: 'T1cketT1cketT1cketT1cketT1cketT1cket0042' } };
  };

  test('a control plane that gets its keys over the mesh joins as a node, waits for a control plane over the mesh, fetches them, then joins etcd', () => {
    const input = handoffInput();
    expect(parseUserData(renderNodeUserData(input)).write_files.filter((f) => f.path.startsWith('/etc/kubernetes/pki/')).map((f) => f.path)).toEqual(['/etc/kubernetes/pki/ca.crt']);
    const run = track(nodeWith(input, { meshHook: true, agent: true }))
      .stubFile('/opt/cast/mesh/cast-control-plane-keys', KEYS_STUB)
      .run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster({ apiUp: true })));
    expect(run.status).toBe(0);
    const steps = run.calls.filter((c) => /^(kubeadm|cast-mesh-agent|cast-control-plane-keys) /.test(c));
    const join = JOIN(1);
    // The keys after the mesh reaches a control plane, before the phases that need them.
    expect(steps).toEqual([...join.slice(0, 3), 'cast-control-plane-keys fetch --timeout 900', ...join.slice(3)]);
    expect(run.output).toContain('cast: fetching the control-plane keys over the mesh');
  });

  test('a control plane that gets its keys over the mesh never founds, even as the first seed with nothing answering', () => {
    const run = track(nodeWith(handoffInput(), { meshHook: true, agent: true }))
      .stubFile('/opt/cast/mesh/cast-control-plane-keys', KEYS_STUB)
      .run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster(), { CAST_TEST_SEEDS: '203.0.113.12 203.0.113.10', ...ONE_ATTEMPT }));
    expect(run.status).toBe(1);
    expect(kubeadmCalls(run)).toEqual([]);
    expect(run.calls.filter((c) => c.startsWith('cast-control-plane-keys'))).toEqual([]);
  });

  test('AWS with agentUrl: the node tools exist only once the mesh hook has downloaded them, and the bootstrap calls none before (worker and control plane)', () => {
    const dir = cluster();
    writeFileSync(join(dir, 'store'), `${FOUNDED_WITH}\n`);
    writeFileSync(join(dir, 'tokens'), `${FOUNDED_WITH}\n`);
    writeFileSync(join(dir, 'api-up'), '');
    // The hook "downloads" the tools: until it runs, /opt/cast/mesh holds nothing.
    const tools: Record<string, string> = { 'cast-join-token': JOIN_TOKEN_STUB, 'cast-control-plane-keys': KEYS_STUB, 'cast-mesh-agent': AGENT_STUB, 'cast-api-proxy': PROXY_STUB };
    const hook = [
      '#!/usr/bin/env bash',
      'echo "mesh-up $*" >>"$CAST_TEST_LOG"',
      'mkdir -p /opt/cast/mesh',
      ...Object.entries(tools).map(([name, body]) => `cat >/opt/cast/mesh/${name} <<'TOOL'\n#!/usr/bin/env bash\necho "${name}\${*:+ $*}" >>"$CAST_TEST_LOG"\n${body}\nTOOL\nchmod 755 /opt/cast/mesh/${name}`),
    ].join('\n');
    for (const kind of ['worker', 'control-plane'] as const) {
      const input = fakeMeshInput(kind, Cloud.AWS, { agentUrl: 'https://agent.example/cast-mesh-agent.tar', agentSha256: 'a'.repeat(64) }, {
        nodeName: kind === 'worker' ? 'aws-w-9' : 'aws-cp-9',
        credentials: { caCertB64: fakeInput(kind).credentials.caCertB64 },
        joinToken: JOIN_STORE,
        ...(kind === 'control-plane' ? { controlPlaneKeys: keyStoreInput().controlPlaneKeys } : {}),
      });
      const sandbox = track(new NodeSandbox())
        .writeCloudConfig(parseUserData(renderNodeUserData(input)))
        .writeFile('/opt/cast/bin/install-kubernetes.sh', INSTALL_STUB, 0o755)
        .writeFile('/var/lib/cloud/data/instance-id', 'i-0123456789abcdef0\n')
        .stubFile('/opt/cast/bin/api-seeds.sh', SEEDS_STUB)
        .writeFile('/opt/cast/bin/mesh-up.sh', hook, 0o755);
      const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', kind], NODE_STUBS, { ...controlPlaneEnv(dir), IP_OUTPUT: MESH_UP });
      expect({ kind, status: run.status, output: run.status === 0 ? '' : run.output }).toEqual({ kind, status: 0, output: '' });
      expect(run.calls).toContain('cast-join-token fetch --out /etc/cast/join-token --timeout 3600');
    }
  });

  test('a control plane with node GC installed (AWS, GCP, Azure) starts it once it has joined; a worker never does', () => {
    const controlPlane = track(nodeWith(fakeMeshInput('control-plane', Cloud.GCP), { meshHook: true, agent: true }))
      .stubFile('/opt/cast/mesh/cast-control-plane-keys', KEYS_STUB)
      .run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster({ apiUp: true })));
    expect(controlPlane.status).toBe(0);
    const applied = controlPlane.calls.lastIndexOf(APPLY('cast-rbac.yaml')[0]);
    expect(controlPlane.calls.slice(applied + 1, applied + 3)).toEqual(['systemctl daemon-reload', 'systemctl enable --now cast-node-gc.service']);
    const worker = track(nodeWith(fakeMeshInput('worker', Cloud.GCP), { meshHook: true, agent: true })).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP });
    expect(worker.status).toBe(0);
    expect(worker.calls.filter((c) => c.includes('cast-node-gc'))).toEqual([]);
  });

  test('a control plane whose key store refuses: fails before kubeadm, says why, reports failed', () => {
    const run = track(nodeWith(keyStoreInput()))
      .stubFile('/opt/cast/mesh/cast-control-plane-keys', KEYS_STUB)
      .run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster(), { CAST_TEST_KEYS_FAIL: '1', ...ONE_ATTEMPT }));
    expect(run.status).toBe(1);
    expect(kubeadmCalls(run)).toEqual([]);
    expect(run.calls.slice(-3)).toEqual(['cast-control-plane-keys fetch --timeout 900', ...failedAt('control-plane-keys', 'aws-cp-1')]);
    expect(run.output).toContain('cast-control-plane-keys: aws-secrets-manager: gave up after 900 s: AccessDeniedException');
  });

  test('a control plane without the mesh agent joins in the same steps, without waiting for a peer', () => {
    const run = track(nodeWith(fakeInput('control-plane', Cloud.AWS))).run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster({ apiUp: true })));
    expect(run.status).toBe(0);
    expect(kubeadmCalls(run)).toEqual(JOIN(1, false));
  });

  test('not the first seed and nothing answers: fails after both waits, says why, never runs kubeadm, reports failed', () => {
    const input = fakeInput('control-plane', Cloud.AWS, { nodeName: 'aws-cp-2', publicAddress: '203.0.113.11' });
    const run = track(nodeWith(input, { agent: true })).run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster(), { CAST_JOIN_WAIT: '2', ...ONE_ATTEMPT }));
    expect(run.status).toBe(1);
    expect(run.calls).toEqual([
      ...BOOT('control-plane', false),
      'api-seeds.sh',
      'cast-api-proxy probe --timeout 1',
      'cast-api-proxy probe --timeout 2',
      ...failedAt('found-or-join', 'aws-cp-2'),
    ]);
    expect(run.output).toContain(
      'cast: no control plane answered in 3 s, and only the first seed founds the cluster, when its user-data names the release (this node: 203.0.113.11, release: 1.34.2; seeds: 203.0.113.10 203.0.113.11 203.0.113.12)',
    );
  });

  test.each([
    ['api-seeds.sh fails (the metadata service does not answer)', { CAST_TEST_SEEDS_FAIL: '1' }],
    ['api-seeds.sh finds no seeds (no tag)', { CAST_TEST_SEEDS: '' }],
  ])('%s: even the first control plane does not found a cluster; it asks, then fails', (_what, env) => {
    const run = track(nodeWith(fakeInput('control-plane', Cloud.AWS))).run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster(), { ...env, ...ONE_ATTEMPT }));
    expect(run.status).toBe(1);
    expect(kubeadmCalls(run)).toEqual([]);
    expect(run.calls.filter((c) => c.startsWith('cast-api-proxy'))).toEqual(['cast-api-proxy probe --timeout 1', 'cast-api-proxy probe --timeout 1']);
    expect(run.output).toContain('(this node: 203.0.113.10, release: 1.34.2; seeds: none)');
  });

  test('a worker never inits, even when nothing answers: it asks no seed and leaves the waiting to kubeadm join', () => {
    const dir = cluster();
    const run = track(nodeWith(fakeInput('worker', Cloud.AWS), { meshHook: true, agent: true })).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, controlPlaneEnv(dir));
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([...BOOT('worker'), 'kubeadm join --config /etc/cast/kubeadm.yaml', phoneHome('joined').replace('%NODE%', 'aws-w-1')]);
    expect(clusterLog(dir)).toEqual(['node join --config /etc/cast/kubeadm.yaml']);
  });

  test("the stub's kubeadm preflight has teeth: a node joined without controlPlane over a CA already on disk fails", () => {
    const sandbox = track(nodeWith(fakeInput('worker', Cloud.AWS))).writeFile('/etc/kubernetes/pki/ca.crt', 'CA\n');
    const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP, ...ONE_ATTEMPT });
    expect(run.status).toBe(1);
    expect(run.output).toContain('[ERROR FileAvailable--etc-kubernetes-pki-ca.crt]: /etc/kubernetes/pki/ca.crt already exists');
  });

  test('no control plane over the mesh: the node stays a registered node, never joins etcd, and reports failed', () => {
    const run = track(nodeWith(fakeInput('control-plane', Cloud.AWS), { meshHook: true, agent: true })).run(
      ['/opt/cast/bin/bootstrap-node.sh', 'control-plane'],
      NODE_STUBS,
      controlPlaneEnv(cluster({ apiUp: true }), { CAST_TEST_NO_PEER: '1', ...ONE_ATTEMPT }),
    );
    expect(run.status).toBe(1);
    expect(run.calls.filter((c) => c.startsWith('kubeadm') || c.startsWith('cast-mesh-agent') || c.startsWith('kubectl'))).toEqual(JOIN(1).slice(0, 3));
    expect(run.calls.slice(-2)).toEqual(failedAt('found-or-join', 'aws-cp-1'));
  });

  test('spot worker on GCP: kubeadm join, then the spot handler service is started', () => {
    const run = track(nodeWith(fakeInput('worker', Cloud.GCP, { spot: true, phoneHomeUrl: undefined }))).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([...BOOT('worker', false), 'kubeadm join --config /etc/cast/kubeadm.yaml', 'systemctl daemon-reload', 'systemctl enable --now cast-spot-handler.service']);
    expect(run.output).toContain('no /opt/cast/bin/mesh-up.sh: not starting a mesh');
  });

  test('no mesh address on any interface: stops before the proxy and kubeadm and reports failed', () => {
    const run = track(nodeWith(fakeInput('worker'))).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: '2: eth0    inet 10.4.17.30/24 scope global eth0' });
    expect(run.status).toBe(1);
    expect(run.output).toContain('mesh address 10.4.17.3 is on no interface: the mesh did not come up');
    expect(run.calls).toEqual([...BOOT('worker', false).slice(0, -1), ...failedAt('mesh', 'aws-w-1')]);
  });

  test('kubeadm fails: the script fails and reports failed', () => {
    const run = track(nodeWith(fakeInput('worker'))).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP, KUBEADM_FAILS: '1', ...ONE_ATTEMPT });
    expect(run.status).toBe(1);
    expect(run.calls.slice(-3)).toEqual(['kubeadm join --config /etc/cast/kubeadm.yaml', ...failedAt('kubeadm-join', 'aws-w-1')]);
  });

  test('a node whose bootstrap has finished (its done marker) does nothing, control plane or worker', () => {
    for (const kind of ['control-plane', 'worker'] as const) {
      const sandbox = track(nodeWith(fakeInput(kind)))
        .writeFile('/etc/kubernetes/kubelet.conf', 'apiVersion: v1\n', 0o600)
        .writeFile('/var/lib/cast/bootstrap/done', '');
      const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', kind], NODE_STUBS, controlPlaneEnv(cluster()));
      expect(run.status).toBe(0);
      expect(run.calls).toEqual([]);
      expect(run.output).toContain('cast: joined already: nothing to do');
    }
  });

  test('a control plane registered as a node but without etcd (an earlier boot stopped) goes on with the control-plane join, never init', () => {
    const sandbox = track(nodeWith(fakeInput('control-plane'))).writeFile('/etc/kubernetes/kubelet.conf', 'apiVersion: v1\n', 0o600);
    const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], NODE_STUBS, controlPlaneEnv(cluster()));
    expect(run.status).toBe(0);
    const kubeadm = run.calls.filter((call) => call.startsWith('kubeadm '));
    expect(kubeadm).toEqual([
      'kubeadm join phase control-plane-prepare all --config /etc/cast/kubeadm-control-plane.yaml',
      'kubeadm join phase control-plane-join all --config /etc/cast/kubeadm-control-plane.yaml',
    ]);
  });

  test.each(['master', 'init', 'join-control-plane'])('a wrong kind (%s) is a usage error', (kind) => {
    const run = track(nodeWith(fakeInput('worker'))).run(['/opt/cast/bin/bootstrap-node.sh', kind], NODE_STUBS);
    expect(run.status).toBe(2);
    expect(run.output).toContain(`usage: /opt/cast/bin/bootstrap-node.sh control-plane|worker (got "${kind}")`);
    expect(run.calls).toEqual([]);
  });
});

/**
 * What a node finds at boot: a worker of an autoscaled group (identity from-metadata), with
 * node.env and kubeadm.yaml as the renderer leaves them for such a node (empty facts,
 * @CAST_…@ placeholders), and a static node in cloud-network mode (its private address);
 * the real node-identity.sh, and a curl stub that answers the metadata paths.
 */
describeInSandbox('bootstrap-node.sh, what a node finds at boot', () => {
  const sandboxes: NodeSandbox[] = [];
  afterAll(() => sandboxes.forEach((s) => s.dispose()));

  const scaledNodeEnv = (cloud: Cloud, claimCidr: string) =>
    [
      '# shellcheck shell=bash disable=SC2034',
      "CAST_NODE_IDENTITY='from-metadata'",
      "CAST_NODE_NAME=''",
      `CAST_NODE_NAME_PREFIX='prod-${cloud}-pool'`,
      "CAST_NODE_ROLE='worker'",
      `CAST_CLOUD='${cloud}'`,
      "CAST_CLUSTER_NAME='prod'",
      "CAST_FOUNDING_KUBERNETES_VERSION=''",
      "CAST_PUBLIC_ADDRESS=''",
      "CAST_MESH_ADDRESS=''",
      `CAST_MESH_CLAIM_CIDR='${claimCidr}'`,
      "CAST_POD_CIDR='10.244.0.0/16'",
      "CAST_SERVICE_CIDR='10.96.0.0/12'",
      "CAST_PHONE_HOME_URL='https://hooks.example.com/cast?cluster=prod'",
      '',
    ].join('\n');
  const SCALED_KUBEADM = [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: JoinConfiguration',
    'discovery:',
    '  file:',
    '    kubeConfigPath: /etc/cast/discovery.conf',
    "  tlsBootstrapToken: 'abcdef.0123456789abcdef'",
    'nodeRegistration:',
    "  name: '@CAST_NODE_NAME@'",
    '  criSocket: unix:///var/run/containerd/containerd.sock',
    '  taints: []',
    '  kubeletExtraArgs:',
    '    - name: node-ip',
    "      value: '@CAST_MESH_ADDRESS@'",
    '    - name: node-labels',
    "      value: 'example.com/pool=general'",
    '    - name: provider-id',
    "      value: '@CAST_PROVIDER_ID@'",
    '',
  ].join('\n');
  const filled = (name: string, meshAddress: string, providerId: string) =>
    SCALED_KUBEADM.replace('@CAST_NODE_NAME@', name).replace('@CAST_MESH_ADDRESS@', meshAddress).replace('@CAST_PROVIDER_ID@', providerId);

  // The metadata services by URL (the phone-home URL answers nothing); kubeadm fails when its configuration still holds a placeholder.
  const stubs = (answers: Record<string, string>): Stubs => ({
    ...NODE_STUBS,
    kubeadm: 'for ((i = 1; i < $#; i++)); do j=$((i + 1)); if [ "${!i}" = --config ] && grep -qE "@CAST_[A-Z_]+@" "${!j}"; then echo "placeholder left in ${!j}" >&2; exit 3; fi; done',
    curl: `url="\${*: -1}"\ncase "$url" in\n  https://hooks.example.com/*) ;;\n${Object.entries(answers)
      .map(([path, body]) => `  http://169.254.169.254/${path}) printf '%s' '${body}' ;;`)
      .join('\n')}\n  *) exit 22 ;;\nesac`,
  });
  const AWS_METADATA = {
    'latest/api/token': 'token-1',
    'latest/meta-data/instance-id': 'i-0abc123def4567890',
    'latest/meta-data/placement/availability-zone': 'eu-west-1b',
    'latest/meta-data/public-ipv4': '54.170.1.20',
    'latest/meta-data/local-ipv4': '172.31.5.6',
  };
  // A mesh hook that claims 10.4.200.7, as mesh-up.sh does for a node of a group in a WireGuard mode.
  const CLAIMING_MESH_UP = '#!/usr/bin/env bash\necho "mesh-up $*" >>"$CAST_TEST_LOG"\necho "CAST_MESH_ADDRESS=\'10.4.200.7\'" >>/etc/cast/node.env\n';

  function scaledWorker(cloud: Cloud, claimCidr: string, meshUp?: string): NodeSandbox {
    const sandbox = nodeWith(fakeInput('worker', cloud))
      .writeFile('/etc/cast/node.env', scaledNodeEnv(cloud, claimCidr), 0o600)
      .writeFile('/etc/cast/kubeadm.yaml', SCALED_KUBEADM, 0o600)
      .writeFile('/opt/cast/bin/node-identity.sh', readTemplateFile('scripts/node-identity.sh'), 0o755);
    // As the renderer does: without a claim block (cloud-network mode) the private address is found at boot too.
    if (claimCidr === '') sandbox.writeFile('/opt/cast/bin/node-private-address.sh', readTemplateFile('scripts/node-private-address.sh'), 0o755);
    if (meshUp !== undefined) sandbox.writeFile('/opt/cast/bin/mesh-up.sh', meshUp, 0o755);
    sandboxes.push(sandbox);
    return sandbox;
  }

  test('AWS, WireGuard mode: identity first, mesh-up claims the address, the placeholders are filled before kubeadm join', () => {
    const run = scaledWorker(Cloud.AWS, '10.4.200.0/24', CLAIMING_MESH_UP).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], stubs(AWS_METADATA), {
      IP_OUTPUT: '5: wg0    inet 10.4.200.7/32 scope global wg0',
    });
    expect(run.output).not.toContain('failed');
    expect(run.status).toBe(0);
    const name = 'prod-aws-pool-i-0abc123def4567890';
    expect(run.calls.map((c) => (c.startsWith('curl') && c.includes('169.254.169.254') ? c.replace(/^curl .* (http:\S+)$/, 'metadata $1') : c))).toEqual([
      'metadata http://169.254.169.254/latest/api/token',
      'metadata http://169.254.169.254/latest/meta-data/instance-id',
      'metadata http://169.254.169.254/latest/meta-data/placement/availability-zone',
      'metadata http://169.254.169.254/latest/meta-data/public-ipv4',
      'install-kubernetes',
      'systemctl daemon-reload',
      'systemctl enable --now cast-metadata-guard.service',
      'mesh-up worker',
      'ip -o -4 address show',
      'systemctl enable --now cast-api-proxy.service',
      'kubeadm join --config /etc/cast/kubeadm.yaml',
      phoneHome('joined').replace('%NODE%', name),
    ]);
    expect(run.calls[0]).toContain('-X PUT -H X-aws-ec2-metadata-token-ttl-seconds: 300');
    expect(run.calls[1]).toContain('-H X-aws-ec2-metadata-token: token-1');
    expect(run.fileAfter('/etc/cast/kubeadm.yaml')).toBe(filled(name, '10.4.200.7', 'aws:///eu-west-1b/i-0abc123def4567890'));
    expect(run.output).toContain(`cast: ${name} joined the cluster as worker`);
  });

  test('GCP, cloud-network mode, no mesh hook: the private address found at boot is the mesh address', () => {
    const gcp = {
      'computeMetadata/v1/instance/name': 'prod-gcp-pool-x7k2',
      'computeMetadata/v1/project/project-id': 'cast-prod-4711',
      'computeMetadata/v1/instance/zone': 'projects/123456789012/zones/europe-west1-c',
      'computeMetadata/v1/instance/network-interfaces/0/access-configs/0/external-ip': '34.77.8.9',
      'computeMetadata/v1/instance/network-interfaces/0/ip': '10.132.0.7',
    };
    const sandbox = scaledWorker(Cloud.GCP, '');
    const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], stubs(gcp), { IP_OUTPUT: '2: ens4    inet 10.132.0.7/32 scope global ens4' });
    expect(run.status).toBe(0);
    expect(run.calls.filter((c) => !c.startsWith('curl'))).toEqual([...BOOT('worker', false), 'kubeadm join --config /etc/cast/kubeadm.yaml']);
    expect(run.fileAfter('/etc/cast/kubeadm.yaml')).toBe(filled('prod-gcp-pool-x7k2', '10.132.0.7', 'gce://cast-prod-4711/europe-west1-c/prod-gcp-pool-x7k2'));
    expect(run.fileAfter('/etc/cast/node.env')).toMatch(/\nCAST_NODE_NAME='prod-gcp-pool-x7k2'\nCAST_PUBLIC_ADDRESS='34.77.8.9'\nCAST_PROVIDER_ID='gce:\/\/cast-prod-4711\/europe-west1-c\/prod-gcp-pool-x7k2'\n# Found at boot by node-private-address.sh.\nCAST_MESH_ADDRESS='10.132.0.7'\nCAST_KUBERNETES_VERSION='1.33.7'\nCAST_KUBERNETES_VERSION_FROM='cluster'\n$/);
  });

  test('the metadata service has no usable name: stops before installing and reports failed', () => {
    const run = scaledWorker(Cloud.AWS, '10.4.200.0/24', CLAIMING_MESH_UP).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], stubs({ ...AWS_METADATA, 'latest/meta-data/instance-id': 'I_BAD' }), ONE_ATTEMPT);
    expect(run.status).toBe(1);
    expect(run.output).toContain('node name "prod-aws-pool-i_bad" from the aws metadata service is not a lowercase DNS label');
    expect(run.calls).not.toContain('install-kubernetes');
    expect(run.calls.at(-1)).toContain('--data-urlencode status=failed --data-urlencode step=identity');
    expect(run.fileAfter('/etc/cast/kubeadm.yaml')).toBe(SCALED_KUBEADM);
  });

  test('the mesh hook claimed no address: stops before kubeadm with a clear message', () => {
    const silentMeshUp = '#!/usr/bin/env bash\necho "mesh-up $*" >>"$CAST_TEST_LOG"\n';
    const run = scaledWorker(Cloud.AWS, '10.4.200.0/24', silentMeshUp).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], stubs(AWS_METADATA), { IP_OUTPUT: MESH_UP });
    expect(run.status).toBe(1);
    expect(run.output).toContain('CAST_MESH_ADDRESS: missing in /etc/cast/node.env');
    expect(run.calls.filter((c) => c.startsWith('kubeadm'))).toEqual([]);
    expect(run.fileAfter('/etc/cast/kubeadm.yaml')).toBe(SCALED_KUBEADM);
  });

  test('as renderNodeUserData writes it (scaledIdentity, no mesh): its own node-identity.sh, node.env and kubeadm.yaml', () => {
    const input = fakeInput('worker', Cloud.AWS, { nodeName: undefined, publicAddress: undefined, meshAddress: undefined, scaledIdentity: { namePrefix: 'prod-aws-pool' } });
    const rendered = contentOf(fileAt(parseUserData(renderNodeUserData(input)), '/etc/cast/kubeadm.yaml'));
    expect(rendered).toContain('@CAST_PROVIDER_ID@');
    const sandbox = nodeWith(input);
    sandboxes.push(sandbox);
    const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], stubs(AWS_METADATA), { IP_OUTPUT: '2: ens5    inet 172.31.5.6/20 scope global ens5' });
    expect(run.output).not.toContain('failed');
    expect(run.status).toBe(0);
    const name = 'prod-aws-pool-i-0abc123def4567890';
    expect(run.fileAfter('/etc/cast/kubeadm.yaml')).toBe(
      rendered.replace("'@CAST_NODE_NAME@'", `'${name}'`).replace("'@CAST_MESH_ADDRESS@'", "'172.31.5.6'").replace("'@CAST_PROVIDER_ID@'", "'aws:///eu-west-1b/i-0abc123def4567890'"),
    );
    expect(run.calls.at(-1)).toBe(phoneHome('joined').replace('%NODE%', name));
  });

  test('a placeholder without a value (no provider id in node.env): stops before kubeadm and names it', () => {
    const sandbox = scaledWorker(Cloud.AWS, '').writeFile(
      '/etc/cast/node.env',
      `${scaledNodeEnv(Cloud.AWS, '')}CAST_NODE_NAME='prod-aws-pool-i-1'\nCAST_MESH_ADDRESS='10.4.17.3'\n`,
      0o600,
    );
    const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], stubs(AWS_METADATA), { IP_OUTPUT: MESH_UP });
    expect(run.status).toBe(1);
    expect(run.output).toContain('cast: unfilled in /etc/cast/kubeadm.yaml: @CAST_PROVIDER_ID@');
    expect(run.calls.filter((c) => c.includes('169.254.169.254') || c.startsWith('kubeadm'))).toEqual([]);
  });

  test('a static worker: no metadata is read and kubeadm.yaml is left as rendered', () => {
    const input = fakeInput('worker');
    const sandbox = nodeWith(input);
    sandboxes.push(sandbox);
    const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], stubs(AWS_METADATA), { IP_OUTPUT: MESH_UP });
    expect(run.status).toBe(0);
    expect(run.calls.filter((c) => c.includes('169.254.169.254'))).toEqual([]);
    expect(run.fileAfter('/etc/cast/kubeadm.yaml')).toBe(contentOf(fileAt(parseUserData(renderNodeUserData(input)), '/etc/cast/kubeadm.yaml')));
  });

  test('a static control plane in cloud-network mode: its private address found at boot fills all four kubeadm files before it joins', () => {
    const input = fakeInput('control-plane', Cloud.AWS, { meshAddress: undefined });
    const rendered = parseUserData(renderNodeUserData(input));
    const sandbox = nodeWith(input);
    sandboxes.push(sandbox);
    const dir = newCluster({ apiUp: true });
    try {
      const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'control-plane'], stubs(AWS_METADATA), {
        IP_OUTPUT: '2: ens5    inet 172.31.5.6/20 scope global ens5',
        CAST_TEST_CLUSTER: dir,
        CAST_TEST_SEEDS: SEEDS,
        CAST_FOUNDER_WAIT: '1',
        CAST_JOIN_WAIT: '1',
      });
      expect(run.output).not.toContain('failed');
      expect(run.status).toBe(0);
      expect(run.calls.filter((c) => c.includes('169.254.169.254')).map((c) => c.replace(/^curl .* (http:\S+)$/, '$1'))).toEqual([
        'http://169.254.169.254/latest/api/token',
        'http://169.254.169.254/latest/meta-data/local-ipv4',
      ]);
      for (const path of ['/etc/cast/kubeadm.yaml', '/etc/cast/kubeadm-init.yaml', '/etc/cast/kubeadm-control-plane.yaml', '/etc/cast/apiserver-cert.yaml']) {
        const before = contentOf(fileAt(rendered, path));
        expect(before).toContain("'@CAST_MESH_ADDRESS@'");
        // The cluster answers: the release it runs, not this node's founding one.
        expect(run.fileAfter(path)).toBe(before.replace(/'@CAST_MESH_ADDRESS@'/g, "'172.31.5.6'").replace("'v@CAST_KUBERNETES_VERSION@'", `'v${CLUSTER_RELEASE}'`));
      }
      expect(run.fileAfter('/etc/cast/node.env')).toMatch(new RegExp(`\n# Found at boot by node-private-address.sh.\nCAST_MESH_ADDRESS='172.31.5.6'\nCAST_KUBERNETES_VERSION='${CLUSTER_RELEASE}'\nCAST_KUBERNETES_VERSION_FROM='cluster'\n$`));
      expect(kubeadmCalls(run)).toEqual(JOIN(1, false));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// metadata-guard.sh runs against real iptables in network namespaces: test/mesh/metadata-guard.test.ts.

describeInSandbox('spot-handler.sh', () => {
  const sandboxes: NodeSandbox[] = [];
  const track = (sandbox: NodeSandbox) => (sandboxes.push(sandbox), sandbox);
  afterAll(() => sandboxes.forEach((s) => s.dispose()));

  // The metadata servers, by URL; `sleep` ends the watch loop after one round.
  const metadata = (answers: Record<string, string>): Stubs => ({
    kubectl: '',
    sleep: 'exit 99',
    curl: `url="\${*: -1}"\ncase "$url" in\n${Object.entries(answers)
      .map(([pattern, body]) => `  *${pattern}*) printf '%s' '${body}' ;;`)
      .join('\n')}\n  *) exit 22 ;;\nesac`,
  });
  const spotNode = (cloud: Cloud) => track(nodeWith(fakeInput('worker', cloud, { spot: true })));
  const drain = (node: string) => [`kubectl --kubeconfig /etc/kubernetes/kubelet.conf cordon ${node}`, `kubectl --kubeconfig /etc/kubernetes/kubelet.conf drain ${node} --ignore-daemonsets --delete-emptydir-data --force --grace-period=20 --timeout=25s`];
  const curls = (calls: string[]) => calls.filter((c) => c.startsWith('curl'));
  const kubectls = (calls: string[]) => calls.filter((c) => c.startsWith('kubectl'));

  test('GCP: preempted TRUE cordons and drains the node, and leaves a marker', () => {
    const run = spotNode(Cloud.GCP).run(['/opt/cast/bin/spot-handler.sh'], metadata({ 'instance/preempted': 'TRUE', 'maintenance-event': 'NONE' }));
    expect(run.status).toBe(0);
    expect(kubectls(run.calls)).toEqual(drain('gcp-w-1'));
    expect(curls(run.calls)[0]).toContain('-H Metadata-Flavor: Google http://metadata.google.internal/computeMetadata/v1/instance/preempted');
    expect(run.output).toContain('GCP preempted this spot VM: cordoning and draining gcp-w-1');
    expect(run.fileAfter('/var/lib/cast/spot-drained')).toBe('');
  });

  test('GCP: a terminating host maintenance drains too; no notice keeps watching', () => {
    const maintenance = spotNode(Cloud.GCP).run(['/opt/cast/bin/spot-handler.sh'], metadata({ 'instance/preempted': 'FALSE', 'maintenance-event': 'TERMINATE_ON_HOST_MAINTENANCE' }));
    expect(maintenance.status).toBe(0);
    expect(kubectls(maintenance.calls)).toEqual(drain('gcp-w-1'));

    const quiet = spotNode(Cloud.GCP).run(['/opt/cast/bin/spot-handler.sh'], metadata({ 'instance/preempted': 'FALSE', 'maintenance-event': 'MIGRATE_ON_HOST_MAINTENANCE' }));
    expect(quiet.status).toBe(99);
    expect(kubectls(quiet.calls)).toEqual([]);
    expect(quiet.calls.at(-1)).toBe('sleep 5');
  });

  test('GCP: after a stop and start without notice, the node is uncordoned', () => {
    const sandbox = spotNode(Cloud.GCP).writeFile('/var/lib/cast/spot-drained', '');
    const run = sandbox.run(['/opt/cast/bin/spot-handler.sh'], metadata({ 'instance/preempted': 'FALSE', 'maintenance-event': 'NONE' }));
    expect(kubectls(run.calls)).toEqual(['kubectl --kubeconfig /etc/kubernetes/kubelet.conf uncordon gcp-w-1']);
    expect(run.fileAfter('/var/lib/cast/spot-drained')).toBeUndefined();
  });

  const events = (type: string, resource: string) => JSON.stringify({ DocumentIncarnation: 2, Events: [{ EventId: 'A1', EventType: type, ResourceType: 'VirtualMachine', Resources: [resource], EventStatus: 'Scheduled', NotBefore: 'Mon, 19 Sep 2016 18:29:47 GMT' }] });

  test('Azure: a Preempt event for this VM drains it', () => {
    const run = spotNode(Cloud.AZURE).run(['/opt/cast/bin/spot-handler.sh'], metadata({ 'compute/name': 'vm-azure-w-1', scheduledevents: events('Preempt', 'vm-azure-w-1') }));
    expect(run.status).toBe(0);
    expect(kubectls(run.calls)).toEqual(drain('azure-w-1'));
    expect(run.output).toContain('Azure scheduled a Preempt event for vm-azure-w-1');
    expect(curls(run.calls)[0]).toContain('-H Metadata: true http://169.254.169.254/metadata/instance/compute/name?api-version=2021-02-01&format=text');
  });

  test.each([
    ['another VM', events('Preempt', 'vm-other')],
    ['another event type', events('Freeze', 'vm-azure-w-1')],
    ['no events', JSON.stringify({ DocumentIncarnation: 1, Events: [] })],
  ])('Azure: %s does not drain', (_what, body) => {
    const run = spotNode(Cloud.AZURE).run(['/opt/cast/bin/spot-handler.sh'], metadata({ 'compute/name': 'vm-azure-w-1', scheduledevents: body }));
    expect(run.status).toBe(99);
    expect(kubectls(run.calls)).toEqual([]);
  });

  test('AWS: nothing to watch in the node', () => {
    // The renderer installs no handler on AWS; the script itself still bows out there.
    const sandbox = track(nodeWith(fakeInput('worker', Cloud.AWS))).writeFile('/opt/cast/bin/spot-handler.sh', readTemplateFile('scripts/spot-handler.sh'), 0o755);
    const run = sandbox.run(['/opt/cast/bin/spot-handler.sh'], metadata({}));
    expect(run.status).toBe(0);
    expect(run.output).toContain('no in-node preemption notice on aws; exiting');
  });
});
