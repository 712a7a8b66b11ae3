import { Cloud } from '../../../lib/core/cloud';
import { compactScript } from '../../../lib/core/bootstrap/compact-script';
import { NODE_BOOTSTRAP_KINDS, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { readTemplateFile } from '../../../lib/core/bootstrap/template-files';
import { b64, FAKE_CREDENTIALS, fakeInput } from './bootstrap-fixtures';
import { contentOf, fileAt, KubeDocument, parseDocuments, parseUserData } from './user-data-files';

const PKI = [
  '/etc/kubernetes/pki/ca.crt',
  '/etc/kubernetes/pki/ca.key',
  '/etc/kubernetes/pki/front-proxy-ca.crt',
  '/etc/kubernetes/pki/front-proxy-ca.key',
  '/etc/kubernetes/pki/etcd/ca.crt',
  '/etc/kubernetes/pki/etcd/ca.key',
  '/etc/kubernetes/pki/sa.key',
  '/etc/kubernetes/pki/sa.pub',
];
const byKind = (docs: KubeDocument[], kind: string) => docs.find((doc) => doc.kind === kind)!;

describe('renderNodeUserData: the document', () => {
  test.each(NODE_BOOTSTRAP_KINDS)('%s: files in order, then runcmd runs the bootstrap for the kind', (kind) => {
    const config = parseUserData(renderNodeUserData(fakeInput(kind)));
    const paths = config.write_files.map((f) => f.path);
    expect(paths).toEqual([
      '/etc/cast/node.env',
      ...(kind === 'worker' ? [] : PKI),
      '/etc/cast/kubeadm.yaml',
      ...(kind === 'init' ? [] : ['/etc/cast/discovery.conf']),
      ...(kind === 'join-control-plane' ? ['/etc/cast/apiserver-cert.yaml'] : []),
      ...(kind === 'init' ? ['/etc/cast/manifests/cast-rbac.yaml'] : []),
      '/opt/cast/bin/install-kubernetes.sh',
      '/opt/cast/bin/bootstrap-node.sh',
      '/opt/cast/bin/metadata-guard.sh',
      '/etc/systemd/system/cast-metadata-guard.service',
    ]);
    expect(config.runcmd).toEqual([['/opt/cast/bin/bootstrap-node.sh', kind]]);
    expect(Object.keys(config)).toEqual(['write_files', 'runcmd']);
    for (const path of paths.filter((p) => p.startsWith('/opt/cast/bin/'))) expect(fileAt(config, path).permissions).toBe('0755');
    for (const path of ['/etc/cast/node.env', '/etc/cast/kubeadm.yaml']) expect(fileAt(config, path).permissions).toBe('0600');
  });

  test('the same input renders the same text', () => {
    expect(renderNodeUserData(fakeInput('init'))).toBe(renderNodeUserData(fakeInput('init')));
  });

  test('scripts are the template files without their comment lines, once Terraform has unescaped them', () => {
    const config = parseUserData(renderNodeUserData(fakeInput('worker', Cloud.GCP, { spot: true })));
    for (const name of ['install-kubernetes.sh', 'bootstrap-node.sh', 'spot-handler.sh']) {
      const template = readTemplateFile(`scripts/${name}`);
      const onNode = fileAt(config, `/opt/cast/bin/${name}`).content;
      expect(onNode).toBe(compactScript(template));
      // Something was dropped, and only comment lines: every code line is there, in order.
      expect(onNode.length).toBeLessThan(template.length);
      expect(onNode.split('\n').filter((l) => !/^\s*#/.test(l))).toEqual(template.split('\n').filter((l) => !/^\s*#/.test(l)));
    }
  });

  test('compactScript keeps the shebang, shellcheck directives and every # inside a line', () => {
    expect(compactScript('#!/bin/bash\n# a comment\n  # indented\n# shellcheck disable=SC2034\necho "#x" ${#a} $#\n')).toBe('#!/bin/bash\n# shellcheck disable=SC2034\necho "#x" ${#a} $#\n');
  });
});

describe('renderNodeUserData: kubeadm configuration', () => {
  test('init: InitConfiguration, ClusterConfiguration and KubeletConfiguration with the plan and the token', () => {
    const input = fakeInput('init', Cloud.AWS, {
      nodeLabels: { 'example.com/pool': 'general', 'topology.kubernetes.io/region': 'eu-west-1' },
      nodeTaints: [
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
        { key: 'example.com/dedicated', value: 'infra', effect: 'NoExecute' },
      ],
    });
    const docs = parseDocuments(fileAt(parseUserData(renderNodeUserData(input)), '/etc/cast/kubeadm.yaml').content);
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual([
      'kubeadm.k8s.io/v1beta4 InitConfiguration',
      'kubeadm.k8s.io/v1beta4 ClusterConfiguration',
      'kubelet.config.k8s.io/v1beta1 KubeletConfiguration',
    ]);
    const init = byKind(docs, 'InitConfiguration');
    expect(init.bootstrapTokens).toEqual([
      {
        token: 'abcdef.0123456789abcdef',
        description: 'cdktf-cast-cluster join token',
        ttl: '0s',
        usages: ['signing', 'authentication'],
        groups: ['system:bootstrappers:kubeadm:default-node-token', 'system:bootstrappers:cast-mesh'],
      },
    ]);
    expect(init.nodeRegistration).toEqual({
      name: 'aws-cp-1',
      criSocket: 'unix:///var/run/containerd/containerd.sock',
      taints: [
        { key: 'example.com/dedicated', value: 'infra', effect: 'NoExecute' },
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      ],
      kubeletExtraArgs: [
        { name: 'node-ip', value: '10.4.17.3' },
        { name: 'node-labels', value: 'example.com/pool=general,topology.kubernetes.io/region=eu-west-1' },
      ],
    });
    expect(init.localAPIEndpoint).toEqual({ advertiseAddress: '10.4.17.3', bindPort: 6443 });

    const cluster = byKind(docs, 'ClusterConfiguration');
    expect(cluster).toMatchObject({
      clusterName: 'prod',
      kubernetesVersion: 'v1.34.2',
      controlPlaneEndpoint: '203.0.113.10:6443',
      networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12' },
      apiServer: { certSANs: ['203.0.113.10', '203.0.113.10'] },
      controllerManager: {
        extraArgs: [
          { name: 'allocate-node-cidrs', value: 'true' },
          { name: 'cluster-cidr', value: '10.244.0.0/16' },
          { name: 'node-cidr-mask-size', value: '24' },
        ],
      },
    });
    expect(byKind(docs, 'KubeletConfiguration')).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: 'systemd' });
  });

  test.each(['join-control-plane', 'worker'] as const)('%s: JoinConfiguration with file discovery and the token', (kind) => {
    const config = parseUserData(renderNodeUserData(fakeInput(kind)));
    const docs = parseDocuments(fileAt(config, '/etc/cast/kubeadm.yaml').content);
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual(['kubeadm.k8s.io/v1beta4 JoinConfiguration']);
    const join = docs[0];
    expect(join.discovery).toEqual({ file: { kubeConfigPath: '/etc/cast/discovery.conf' }, tlsBootstrapToken: 'abcdef.0123456789abcdef' });
    expect(join.timeouts).toEqual({ discovery: '30m0s' });
    expect(join.nodeRegistration.name).toBe(`aws-${kind === 'worker' ? 'w' : 'cp'}-1`);
    expect(join.nodeRegistration.kubeletExtraArgs).toContainEqual({ name: 'node-ip', value: '10.4.17.3' });
    if (kind === 'worker') {
      expect(join.nodeRegistration.taints).toEqual([]);
      expect(join.controlPlane).toBeUndefined();
    } else {
      expect(join.controlPlane).toEqual({ localAPIEndpoint: { advertiseAddress: '10.4.17.3', bindPort: 6443 } });
    }
  });

  test.each(['join-control-plane', 'worker'] as const)('%s: the discovery kubeconfig pins the CA and carries no user credentials', (kind) => {
    const config = parseUserData(renderNodeUserData(fakeInput(kind)));
    const [kubeconfig] = parseDocuments(fileAt(config, '/etc/cast/discovery.conf').content);
    expect(kubeconfig).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: '', cluster: { server: 'https://203.0.113.10:6443', 'certificate-authority-data': FAKE_CREDENTIALS.caCertB64 } }],
      contexts: [],
      'current-context': '',
      users: [],
    });
    expect(fileAt(config, '/etc/cast/discovery.conf').content).not.toMatch(/0123456789abcdef|client-key|client-certificate|token:|password/);
  });

  test("join-control-plane: its own serving certificate gets the endpoint and its own public address as SANs", () => {
    const config = parseUserData(renderNodeUserData(fakeInput('join-control-plane')));
    const docs = parseDocuments(fileAt(config, '/etc/cast/apiserver-cert.yaml').content);
    expect(byKind(docs, 'InitConfiguration').localAPIEndpoint).toEqual({ advertiseAddress: '10.4.17.3', bindPort: 6443 });
    expect(byKind(docs, 'InitConfiguration').bootstrapTokens).toBeUndefined();
    expect(byKind(docs, 'ClusterConfiguration')).toMatchObject({
      kubernetesVersion: 'v1.34.2',
      controlPlaneEndpoint: '203.0.113.10:6443',
      networking: { serviceSubnet: '10.96.0.0/12' },
      apiServer: { certSANs: ['203.0.113.10', '198.51.100.21'] },
    });
  });
});

describe('renderNodeUserData: credentials', () => {
  test.each(['init', 'join-control-plane'] as const)('%s: CAs and the service-account key pair under /etc/kubernetes/pki, keys 0600', (kind) => {
    const config = parseUserData(renderNodeUserData(fakeInput(kind)));
    const fields = ['caCertB64', 'caKeyB64', 'frontProxyCaCertB64', 'frontProxyCaKeyB64', 'etcdCaCertB64', 'etcdCaKeyB64', 'serviceAccountKeyB64', 'serviceAccountPubB64'] as const;
    PKI.forEach((path, i) => {
      const file = fileAt(config, path);
      expect(file).toEqual({ path, permissions: /\.key$/.test(path) ? '0600' : '0644', encoding: 'b64', content: FAKE_CREDENTIALS[fields[i]] });
    });
    expect(contentOf(fileAt(config, '/etc/kubernetes/pki/ca.key'))).toContain('SECRET-CA-KEY');
  });

  test('worker: no file under /etc/kubernetes/pki and no key anywhere', () => {
    const rendered = renderNodeUserData(fakeInput('worker'));
    const config = parseUserData(rendered);
    expect(config.write_files.filter((f) => f.path.startsWith('/etc/kubernetes/'))).toEqual([]);
    const decoded = config.write_files.map(contentOf).join('\n');
    for (const text of [rendered, decoded]) {
      for (const secret of ['SECRET-CA-KEY', 'SECRET-FRONT-PROXY-CA-KEY', 'SECRET-ETCD-CA-KEY', 'SECRET-SA-KEY']) expect(text).not.toContain(secret);
      expect(text).not.toContain('PRIVATE KEY');
    }
    // Only the CA certificate and the token reach a worker.
    expect(rendered).toContain(FAKE_CREDENTIALS.caCertB64);
    expect(rendered).toContain('abcdef.0123456789abcdef');
  });

  test('templates hold no credential: every token and key in the output comes from the input', () => {
    const other = { ...FAKE_CREDENTIALS, caCertB64: b64('OTHER-CA'), bootstrapTokenId: 'zzzzzz', bootstrapTokenSecret: 'yyyyyyyyyyyyyyyy' };
    const rendered = renderNodeUserData(fakeInput('init', Cloud.AWS, { credentials: other }));
    expect(rendered).not.toContain('abcdef');
    expect(rendered).not.toContain('0123456789abcdef');
    expect(rendered).not.toContain(FAKE_CREDENTIALS.caCertB64);
    expect(rendered).toContain('zzzzzz.yyyyyyyyyyyyyyyy');
  });
});

describe('renderNodeUserData: options', () => {
  test('node.env carries the node facts the scripts read', () => {
    const config = parseUserData(renderNodeUserData(fakeInput('join-control-plane', Cloud.AZURE)));
    expect(fileAt(config, '/etc/cast/node.env').content.split('\n').filter((l) => l.startsWith('CAST_'))).toEqual([
      "CAST_NODE_IDENTITY='static'",
      "CAST_NODE_NAME='azure-cp-1'",
      "CAST_NODE_NAME_PREFIX=''",
      "CAST_NODE_ROLE='control-plane'",
      "CAST_CLOUD='azure'",
      "CAST_CLUSTER_NAME='prod'",
      "CAST_KUBERNETES_VERSION='1.34.2'",
      "CAST_KUBERNETES_MINOR='1.34'",
      "CAST_CONTROL_PLANE_ENDPOINT='203.0.113.10'",
      "CAST_PUBLIC_ADDRESS='198.51.100.21'",
      "CAST_MESH_ADDRESS='10.4.17.3'",
      "CAST_MESH_CLAIM_CIDR=''",
      "CAST_POD_CIDR='10.244.0.0/16'",
      "CAST_SERVICE_CIDR='10.96.0.0/12'",
      "CAST_PHONE_HOME_URL='https://hooks.example.com/cast?cluster=prod'",
    ]);
    const noUrl = parseUserData(renderNodeUserData(fakeInput('worker', Cloud.AZURE, { phoneHomeUrl: undefined })));
    expect(fileAt(noUrl, '/etc/cast/node.env').content).toContain("CAST_PHONE_HOME_URL=''\n");
  });

  test.each([
    [Cloud.GCP, true],
    [Cloud.AZURE, true],
    [Cloud.AWS, false],
  ])('spot on %s: the in-node handler is installed: %s', (cloud, installed) => {
    const config = parseUserData(renderNodeUserData(fakeInput('worker', cloud, { spot: true })));
    const paths = config.write_files.map((f) => f.path);
    expect(paths.includes('/opt/cast/bin/spot-handler.sh')).toBe(installed);
    expect(paths.includes('/etc/systemd/system/cast-spot-handler.service')).toBe(installed);
    const notSpot = parseUserData(renderNodeUserData(fakeInput('worker', cloud)));
    expect(notSpot.write_files.map((f) => f.path)).not.toContain('/opt/cast/bin/spot-handler.sh');
  });

  test.each(NODE_BOOTSTRAP_KINDS)('%s without a mesh address: node-private-address.sh finds the private address at boot, the kubeadm files hold its placeholder', (kind) => {
    const config = parseUserData(renderNodeUserData(fakeInput(kind, Cloud.GCP, { meshAddress: undefined })));
    expect(fileAt(config, '/opt/cast/bin/node-private-address.sh').content).toBe(compactScript(readTemplateFile('scripts/node-private-address.sh')));
    expect(fileAt(config, '/opt/cast/bin/node-private-address.sh').permissions).toBe('0755');
    expect(config.write_files.map((f) => f.path)).not.toContain('/opt/cast/bin/node-identity.sh');
    expect(fileAt(config, '/etc/cast/node.env').content).toContain("CAST_NODE_IDENTITY='static'\n");
    expect(fileAt(config, '/etc/cast/node.env').content).toContain("CAST_MESH_ADDRESS=''\n");
    const configs = ['/etc/cast/kubeadm.yaml', ...(kind === 'join-control-plane' ? ['/etc/cast/apiserver-cert.yaml'] : [])];
    for (const path of configs) {
      const text = fileAt(config, path).content;
      expect(text).toContain("'@CAST_MESH_ADDRESS@'");
      // Nothing else is found at boot on a static node.
      expect(text.match(/@CAST_[A-Z_]+@/g)!.every((p) => p === '@CAST_MESH_ADDRESS@')).toBe(true);
    }
    // With its mesh address a node carries neither script.
    const paths = parseUserData(renderNodeUserData(fakeInput(kind, Cloud.GCP))).write_files.map((f) => f.path);
    expect(paths.filter((p) => /node-(identity|private-address)\.sh$/.test(p))).toEqual([]);
  });

  test('the init node writes the autoscaler manifest when one is given', () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-autoscaler-status\n';
    const config = parseUserData(renderNodeUserData(fakeInput('init', Cloud.AWS, { autoscalerConfig: manifest })));
    expect(fileAt(config, '/etc/cast/manifests/cluster-autoscaler.yaml')).toEqual({ path: '/etc/cast/manifests/cluster-autoscaler.yaml', permissions: '0600', content: manifest });
  });

  test('the cast-mesh RBAC lets the bootstrap group use ConfigMaps in cast-mesh only', () => {
    const config = parseUserData(renderNodeUserData(fakeInput('init')));
    const docs = parseDocuments(fileAt(config, '/etc/cast/manifests/cast-rbac.yaml').content);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Namespace/cast-mesh',
      'Role/cast-mesh-records',
      'RoleBinding/cast-mesh-records',
      'ClusterRole/cast:node-drain',
      'ClusterRoleBinding/cast:node-drain',
    ]);
    expect(byKind(docs, 'Role')).toMatchObject({
      metadata: { namespace: 'cast-mesh' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] }],
    });
    expect(byKind(docs, 'RoleBinding').subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers:cast-mesh' }]);
    expect(byKind(docs, 'ClusterRole').rules).toEqual([{ apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get'] }]);
  });
});
