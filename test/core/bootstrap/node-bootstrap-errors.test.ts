import { Cloud } from '../../../lib/core/cloud';
import { NodeBootstrapInput, NodeBootstrapKind } from '../../../lib/core/bootstrap/node-bootstrap';
import { FAKE_CREDENTIALS, fakeInput, problemsOf, workerCredentials } from './bootstrap-fixtures';

describe('renderNodeUserData: bad input', () => {
  test.each<[string, NodeBootstrapInput, string]>([
    ['an empty node name', fakeInput('worker', Cloud.AWS, { nodeName: '' }), 'nodeName must be a lowercase DNS subdomain (a-z, 0-9, "-", "."; 1 to 253 characters) (got ""). Use the Kubernetes node name.'],
    ['an upper-case node name', fakeInput('worker', Cloud.AWS, { nodeName: 'Worker_1' }), 'nodeName must be a lowercase DNS subdomain (a-z, 0-9, "-", "."; 1 to 253 characters) (got "Worker_1"). Use the Kubernetes node name.'],
    [
      'a worker given the CA key',
      fakeInput('worker', Cloud.AWS, { credentials: { ...workerCredentials(FAKE_CREDENTIALS), caKeyB64: FAKE_CREDENTIALS.caKeyB64 } }),
      'credentials.caKeyB64 must not be given to a worker (got a value): workers must not receive keys or the control plane\'s CAs. Pass a worker only caCertB64, bootstrapTokenId and bootstrapTokenSecret.',
    ],
    [
      'a control-plane node without the etcd CA key',
      fakeInput('control-plane', Cloud.AWS, { credentials: { ...FAKE_CREDENTIALS, etcdCaKeyB64: undefined } }),
      'credentials.etcdCaKeyB64 must be base64 of a PEM on one line (got nothing). Pass base64encode(<the PEM>) from the cluster credentials.',
    ],
    [
      'a token secret of the wrong shape (not quoted in the message)',
      fakeInput('worker', Cloud.AWS, { credentials: { ...workerCredentials(FAKE_CREDENTIALS), bootstrapTokenSecret: 'Short-Secret' } }),
      "credentials.bootstrapTokenSecret must be 16 lowercase letters or digits (got a value of 12 characters). Use the cluster's random_password token secret.",
    ],
    ['a version with a v', fakeInput('worker', Cloud.AWS, { kubernetesVersion: 'v1.34.2' }), 'kubernetesVersion must be an exact release 1.31.x to 1.35.x, without a "v" (got "v1.34.2"). Use e.g. "1.34.2".'],
    ['a pod range with host bits', fakeInput('worker', Cloud.AWS, { podCidr: '10.244.1.0/16' }), 'podCidr must be a canonical IPv4 CIDR (got "10.244.1.0/16"). Use the address plan\'s pod range.'],
    [
      'an API DNS name with a port',
      fakeInput('control-plane', Cloud.AWS, { apiServerDnsName: 'api.example.com:6443' }),
      'apiServerDnsName must be a lowercase DNS name, without scheme or port (got "api.example.com:6443"). Use the name whose A records point at the control planes, or leave it out.',
    ],
    [
      'an API DNS name with a scheme',
      fakeInput('worker', Cloud.AWS, { apiServerDnsName: 'https://api.example.com' }),
      'apiServerDnsName must be a lowercase DNS name, without scheme or port (got "https://api.example.com"). Use the name whose A records point at the control planes, or leave it out.',
    ],
    // The kinds before every control plane got the same bootstrap.
    ['the old init kind', fakeInput('worker', Cloud.AWS, { kind: 'init' as NodeBootstrapKind }), 'kind must be one of control-plane, worker (got "init"). Pick the node\'s part in the cluster.'],
    [
      'a control plane without etcd timers',
      fakeInput('control-plane', Cloud.AWS, { etcd: undefined }),
      'etcd must hold whole positive milliseconds for heartbeatIntervalMs and electionTimeoutMs on a control plane (got undefined). Pass etcdTimings() of the cluster.',
    ],
    [
      'etcd timers that are no whole milliseconds',
      fakeInput('control-plane', Cloud.AWS, { etcd: { heartbeatIntervalMs: 0.5, electionTimeoutMs: 1000 } }),
      'etcd must hold whole positive milliseconds for heartbeatIntervalMs and electionTimeoutMs on a control plane (got {"heartbeatIntervalMs":0.5,"electionTimeoutMs":1000}). Pass etcdTimings() of the cluster.',
    ],
    [
      'etcd timers for a worker',
      fakeInput('worker', Cloud.AWS, { etcd: { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 } }),
      'etcd must be left out on a worker (got {"heartbeatIntervalMs":100,"electionTimeoutMs":1000}): workers run no etcd. Remove it.',
    ],
    ['a two-line expression', fakeInput('worker', Cloud.AWS, { meshAddress: '${a}\n${b}' }), 'meshAddress must be one line (got "${a}\\n${b}"). Use the node\'s address from allocateMeshAddresses.'],
    ['a phone-home URL with a quote', fakeInput('worker', Cloud.AWS, { phoneHomeUrl: "https://x.example/'" }), 'phoneHomeUrl must be an http(s) URL without spaces or quotes (got "https://x.example/\'"). Fix the URL or leave phoneHomeUrl out.'],
    [
      'a label the kubelet may not set',
      fakeInput('worker', Cloud.AWS, { nodeLabels: { 'node-role.kubernetes.io/worker': '' } }),
      'nodeLabels["node-role.kubernetes.io/worker"] key must not be under kubernetes.io or k8s.io (got "node-role.kubernetes.io/worker"): the kubelet may only set its own labels there (node.kubernetes.io/..., topology.kubernetes.io/region, ...). Use your own prefix, e.g. example.com/role.',
    ],
    [
      'a label value with a comma',
      fakeInput('worker', Cloud.AWS, { nodeLabels: { 'example.com/a': 'x,y' } }),
      'nodeLabels["example.com/a"] must be a label value (up to 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit) (got "x,y"). Fix the label value.',
    ],
    ['an unknown taint effect', fakeInput('worker', Cloud.AWS, { nodeTaints: [{ key: 'a', effect: 'NoWay' }] }), 'nodeTaints[0].effect must be one of NoSchedule, PreferNoSchedule, NoExecute (got "NoWay"). Use the TaintEffect enum.'],
    ['spot on DigitalOcean', fakeInput('worker', Cloud.DIGITALOCEAN, { spot: true }), 'spot must be false on DigitalOcean (got true for node "digitalocean-w-1"): DigitalOcean has no spot droplets. Remove spot from the node group.'],
    ['mayFound on a worker', fakeInput('worker', Cloud.AWS, { mayFound: true }), 'mayFound must be left out on a worker (got true for node "aws-w-1"): only a control plane founds the cluster. Remove it.'],
  ])('%s', (_what, input, message) => {
    expect(problemsOf(input)).toEqual([message]);
  });

  test('every problem at once, not only the first', () => {
    const problems = problemsOf(
      fakeInput('worker', Cloud.AWS, {
        nodeName: '',
        credentials: { ...FAKE_CREDENTIALS },
        publicAddress: 'not-an-ip',
      }),
    );
    expect(problems[0]).toMatch(/^nodeName must be/);
    expect(problems[1]).toMatch(/^publicAddress must be an IPv4 address \(got "not-an-ip"\)/);
    // Seven fields a worker must not receive.
    expect(problems.filter((p) => p.includes('must not be given to a worker'))).toHaveLength(7);
  });

  test('messages never quote a credential', () => {
    const input = fakeInput('worker', Cloud.AWS, { credentials: { ...FAKE_CREDENTIALS, bootstrapTokenId: 'BAD ID' } });
    const text = problemsOf(input).join('\n');
    for (const value of Object.values(FAKE_CREDENTIALS)) expect(text).not.toContain(value);
    expect(text).not.toContain('BAD ID');
  });
});
