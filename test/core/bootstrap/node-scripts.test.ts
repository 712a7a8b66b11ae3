/**
 * The node scripts, run for real against a rendered document in a sandbox (see
 * node-sandbox.ts): which commands bootstrap-node.sh runs for each kind and in
 * what order, what it does when the mesh is missing or kubeadm fails, and how
 * spot-handler.sh reacts to GCP's and Azure's notices. install-kubernetes.sh
 * is replaced by a stub (it installs packages); shellcheck covers it.
 */
import { hostname } from 'node:os';
import { Cloud } from '../../../lib/core/cloud';
import { NodeBootstrapInput, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { readTemplateFile } from '../../../lib/core/bootstrap/template-files';
import { fakeInput } from './bootstrap-fixtures';
import { NodeSandbox, sandboxSkipReason, Stubs } from './node-sandbox';
import { parseUserData } from './user-data-files';

const skipReason = sandboxSkipReason();
if (skipReason) console.warn(`Skipping the node script tests: ${skipReason}.`);
const describeIf = skipReason ? describe.skip : describe;

const MESH_UP = '2: wg0    inet 10.4.17.3/32 scope global wg0';
const NODE_STUBS: Stubs = {
  kubeadm: '[ -z "${KUBEADM_FAILS:-}" ] || exit 1',
  kubectl: '',
  systemctl: '',
  curl: '',
  ip: 'echo "${IP_OUTPUT:-}"',
};

/** A sandbox holding the node's user-data files, a stubbed install script and an instance id. */
function nodeWith(input: NodeBootstrapInput, options: { meshHook?: boolean } = {}): NodeSandbox {
  const sandbox = new NodeSandbox()
    .writeCloudConfig(parseUserData(renderNodeUserData(input)))
    .writeFile('/opt/cast/bin/install-kubernetes.sh', '#!/usr/bin/env bash\necho "install-kubernetes" >>"$CAST_TEST_LOG"\n', 0o755)
    .writeFile('/var/lib/cloud/data/instance-id', 'i-0123456789abcdef0\n');
  if (options.meshHook) sandbox.writeFile('/opt/cast/bin/mesh-up.sh', '#!/usr/bin/env bash\necho "mesh-up $*" >>"$CAST_TEST_LOG"\n', 0o755);
  return sandbox;
}

const phoneHome = (status: string) =>
  `curl -fsS --retry 10 --retry-connrefused --max-time 30 -o /dev/null --data-urlencode instance_id=i-0123456789abcdef0 --data-urlencode hostname=${hostname()} --data-urlencode node_name=%NODE% --data-urlencode status=${status} https://hooks.example.com/cast?cluster=prod`;

describeIf('bootstrap-node.sh', () => {
  const sandboxes: NodeSandbox[] = [];
  const track = (sandbox: NodeSandbox) => (sandboxes.push(sandbox), sandbox);
  afterAll(() => sandboxes.forEach((s) => s.dispose()));

  test('init: install, mesh hook, kubeadm init with the rendered config, cast RBAC, autoscaler, phone home', () => {
    const input = fakeInput('init', Cloud.AWS, { autoscalerConfig: 'kind: List\n' });
    const run = track(nodeWith(input, { meshHook: true })).run(['/opt/cast/bin/bootstrap-node.sh', 'init'], NODE_STUBS, { IP_OUTPUT: MESH_UP });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      'install-kubernetes',
      'systemctl daemon-reload',
      'systemctl enable --now cast-metadata-guard.service',
      'mesh-up init',
      'ip -o -4 address show',
      'kubeadm init --config /etc/cast/kubeadm.yaml',
      'kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f /etc/cast/manifests/cast-rbac.yaml',
      'kubectl --kubeconfig /etc/kubernetes/admin.conf apply -f /etc/cast/manifests/cluster-autoscaler.yaml',
      phoneHome('joined').replace('%NODE%', 'aws-cp-1'),
    ]);
  });

  test('join-control-plane: its serving certificate first, then kubeadm join', () => {
    const run = track(nodeWith(fakeInput('join-control-plane', Cloud.GCP), { meshHook: true })).run(['/opt/cast/bin/bootstrap-node.sh', 'join-control-plane'], NODE_STUBS, { IP_OUTPUT: MESH_UP });
    expect(run.status).toBe(0);
    expect(run.calls.slice(3, 7)).toEqual([
      'mesh-up join-control-plane',
      'ip -o -4 address show',
      'kubeadm init phase certs apiserver --config /etc/cast/apiserver-cert.yaml',
      'kubeadm join --config /etc/cast/kubeadm.yaml',
    ]);
  });

  test('spot worker on GCP: kubeadm join, then the spot handler service is started', () => {
    const run = track(nodeWith(fakeInput('worker', Cloud.GCP, { spot: true, phoneHomeUrl: undefined }))).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      'install-kubernetes',
      'systemctl daemon-reload',
      'systemctl enable --now cast-metadata-guard.service',
      'ip -o -4 address show',
      'kubeadm join --config /etc/cast/kubeadm.yaml',
      'systemctl daemon-reload',
      'systemctl enable --now cast-spot-handler.service',
    ]);
    expect(run.output).toContain('no /opt/cast/bin/mesh-up.sh: not starting a mesh');
  });

  test('no mesh address on any interface: stops before kubeadm and reports failed', () => {
    const run = track(nodeWith(fakeInput('worker'))).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: '2: eth0    inet 10.4.17.30/24 scope global eth0' });
    expect(run.status).toBe(1);
    expect(run.output).toContain('mesh address 10.4.17.3 is on no interface: the mesh did not come up');
    expect(run.calls).toEqual([
      'install-kubernetes',
      'systemctl daemon-reload',
      'systemctl enable --now cast-metadata-guard.service',
      'ip -o -4 address show',
      phoneHome('failed').replace('%NODE%', 'aws-w-1'),
    ]);
  });

  test('kubeadm fails: the script fails and reports failed', () => {
    const run = track(nodeWith(fakeInput('worker'))).run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP, KUBEADM_FAILS: '1' });
    expect(run.status).toBe(1);
    expect(run.calls.slice(-2)).toEqual(['kubeadm join --config /etc/cast/kubeadm.yaml', phoneHome('failed').replace('%NODE%', 'aws-w-1')]);
  });

  test('a node that has joined already does nothing', () => {
    const sandbox = track(nodeWith(fakeInput('worker'))).writeFile('/etc/kubernetes/kubelet.conf', 'apiVersion: v1\n', 0o600);
    const run = sandbox.run(['/opt/cast/bin/bootstrap-node.sh', 'worker'], NODE_STUBS, { IP_OUTPUT: MESH_UP });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([]);
  });

  test('a wrong kind is a usage error', () => {
    const run = track(nodeWith(fakeInput('worker'))).run(['/opt/cast/bin/bootstrap-node.sh', 'master'], NODE_STUBS);
    expect(run.status).toBe(2);
    expect(run.output).toContain('usage: /opt/cast/bin/bootstrap-node.sh init|join-control-plane|worker (got "master")');
    expect(run.calls).toEqual([]);
  });
});

describeIf('metadata-guard.sh', () => {
  const sandboxes: NodeSandbox[] = [];
  afterAll(() => sandboxes.forEach((s) => s.dispose()));

  test('drops pod traffic to the metadata service and Azure WireServer, once', () => {
    const sandbox = new NodeSandbox().writeCloudConfig(parseUserData(renderNodeUserData(fakeInput('init', Cloud.GCP))));
    sandboxes.push(sandbox);
    // iptables -C finds no rule the first time, then finds both.
    const fresh = sandbox.run(['/opt/cast/bin/metadata-guard.sh'], { iptables: '[ "$2" != "-C" ]' });
    expect(fresh.status).toBe(0);
    expect(fresh.calls.filter((c) => c.includes(' -I '))).toEqual([
      'iptables -w -I FORWARD -s 10.244.0.0/16 -d 169.254.169.254/32 -j DROP',
      'iptables -w -I FORWARD -s 10.244.0.0/16 -d 168.63.129.16/32 -j DROP',
    ]);
    const again = sandbox.run(['/opt/cast/bin/metadata-guard.sh'], { iptables: '' });
    expect(again.calls.filter((c) => c.includes(' -I '))).toEqual([]);
  });
});

describeIf('spot-handler.sh', () => {
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
