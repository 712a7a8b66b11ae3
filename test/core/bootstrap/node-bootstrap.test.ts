import { gunzipSync } from 'node:zlib';
import { Cloud } from '../../../lib/core/cloud';
import { compactScript } from '../../../lib/core/bootstrap/compact-script';
import { installKubernetesValues, NODE_BOOTSTRAP_KINDS, NodeBootstrapInput, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { LOCAL_API_ENDPOINT } from '../../../lib/core/bootstrap/node-bootstrap-input';
import { NODE_FILES_ARCHIVE, UNPACK_NODE_FILES } from '../../../lib/core/bootstrap/node-files-archive';
import { renderTemplateFile, unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { readTemplateFile } from '../../../lib/core/bootstrap/template-files';
import { b64, FAKE_CREDENTIALS, fakeInput } from './bootstrap-fixtures';
import { CloudConfig, contentOf, fileAt, filesOfArchive, KubeDocument, parseCloudConfig, parseDocuments, parseUserData } from './user-data-files';

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
/** The kubeadm files of a control plane, in the order they are written. */
const CONTROL_PLANE_KUBEADM = ['/etc/cast/kubeadm.yaml', '/etc/cast/kubeadm-init.yaml', '/etc/cast/kubeadm-control-plane.yaml', '/etc/cast/apiserver-cert.yaml'];
const byKind = (docs: KubeDocument[], kind: string) => docs.find((doc) => doc.kind === kind)!;
const kinds = (docs: KubeDocument[]) => docs.map((d) => `${d.apiVersion} ${d.kind}`);
/** The parsed documents of one file of a node's user-data. */
const docsAt = (config: CloudConfig, path: string) => parseDocuments(contentOf(fileAt(config, path)));
const render = (input: NodeBootstrapInput) => parseUserData(renderNodeUserData(input));

describe('renderNodeUserData: the document', () => {
  test.each(NODE_BOOTSTRAP_KINDS)('%s: files in order, then runcmd runs the bootstrap for the kind', (kind) => {
    const config = render(fakeInput(kind));
    const paths = config.write_files.map((f) => f.path);
    expect(paths).toEqual([
      '/etc/cast/node.env',
      ...(kind === 'worker' ? ['/etc/cast/kubeadm.yaml'] : [...PKI, ...CONTROL_PLANE_KUBEADM]),
      '/etc/cast/discovery.conf',
      ...(kind === 'worker' ? [] : ['/etc/cast/manifests/cast-rbac.yaml']),
      '/opt/cast/bin/cloud-metadata.sh',
      '/opt/cast/bin/api-seeds.sh',
      '/opt/cast/bin/kubernetes-version.sh',
      '/opt/cast/bin/install-kubernetes.sh',
      '/opt/cast/bin/bootstrap-node.sh',
      '/etc/apt/apt.conf.d/52cast-unattended-upgrades',
      '/opt/cast/bin/metadata-guard.sh',
      '/etc/systemd/system/cast-metadata-guard.service',
    ]);
    expect(config.runcmd).toEqual([['/opt/cast/bin/bootstrap-node.sh', kind]]);
    expect(Object.keys(config)).toEqual(['write_files', 'runcmd']);
    for (const path of paths.filter((p) => p.startsWith('/opt/cast/bin/'))) expect(fileAt(config, path).permissions).toBe('0755');
    // The token, and on control planes the token again: only root reads them.
    for (const path of paths.filter((p) => p.startsWith('/etc/cast/') && !p.includes('/manifests/'))) expect(fileAt(config, path).permissions).toBe('0600');
  });

  test('the same input renders the same text, gzip included', () => {
    for (const cloud of [Cloud.AWS, Cloud.GCP]) expect(renderNodeUserData(fakeInput('control-plane', cloud))).toBe(renderNodeUserData(fakeInput('control-plane', cloud)));
  });

  // AWS keeps each static file in its place (its 16 KB limit counts the gzip of the whole document);
  // the other clouds get the static files as one gzipped tar, which runcmd unpacks first
  // (lib/core/bootstrap/write-file.ts).
  test.each([
    [Cloud.AWS, 'plain text in their places', false],
    [Cloud.GCP, 'one gz+b64 tar', true],
    [Cloud.AZURE, 'one gz+b64 tar', true],
    [Cloud.DIGITALOCEAN, 'one gz+b64 tar', true],
  ])('on %s static files are %s; what lands on disk is the template without its comment lines', (cloud, _how, packed) => {
    const rendered = renderNodeUserData(fakeInput('control-plane', cloud));
    const sent = parseCloudConfig(rendered);
    const config = parseUserData(rendered);
    const isStatic = (path: string) => path.startsWith('/opt/cast/bin/') || path.startsWith('/etc/systemd/') || path.startsWith('/etc/apt/') || path.includes('/manifests/');
    const statics = config.write_files.filter((f) => isStatic(f.path));
    expect(statics.length).toBeGreaterThan(5);
    if (packed) {
      expect(sent.write_files.filter((f) => isStatic(f.path))).toEqual([]);
      expect(fileAt(sent, NODE_FILES_ARCHIVE)).toMatchObject({ permissions: '0600', encoding: 'gz+b64' });
      expect(filesOfArchive(fileAt(sent, NODE_FILES_ARCHIVE)).map((f) => f.path)).toEqual(statics.map((f) => f.path));
      expect(sent.runcmd).toEqual([UNPACK_NODE_FILES, ['/opt/cast/bin/bootstrap-node.sh', 'control-plane']]);
    } else {
      expect(sent.write_files.filter((f) => isStatic(f.path))).toEqual(statics.map((f) => ({ path: f.path, permissions: f.permissions, content: f.content })));
      expect(sent.write_files.map((f) => f.path)).not.toContain(NODE_FILES_ARCHIVE);
      expect(sent.runcmd).toEqual([['/opt/cast/bin/bootstrap-node.sh', 'control-plane']]);
    }
    // Files with node-specific values stay plain text everywhere (Terraform fills them).
    for (const path of ['/etc/cast/node.env', ...CONTROL_PLANE_KUBEADM, '/etc/cast/discovery.conf']) expect(fileAt(sent, path).encoding).toBeUndefined();
    // install-kubernetes.sh has the pins of lib/core/supply.ts rendered in (test/supply checks them).
    const installScript = (text: string) => (text.includes('{{') ? unescapeTerraformTemplate(renderTemplateFile('scripts/install-kubernetes.sh', installKubernetesValues())) : text);
    for (const name of ['cloud-metadata.sh', 'api-seeds.sh', 'kubernetes-version.sh', 'install-kubernetes.sh', 'bootstrap-node.sh', 'metadata-guard.sh']) {
      const template = name === 'install-kubernetes.sh' ? installScript(readTemplateFile(`scripts/${name}`)) : readTemplateFile(`scripts/${name}`);
      const onNode = contentOf(fileAt(config, `/opt/cast/bin/${name}`));
      expect(onNode).toBe(compactScript(template));
      // Something was dropped, and only comment lines: every code line is there, in order.
      expect(onNode.length).toBeLessThan(template.length);
      expect(onNode.split('\n').filter((l) => !/^\s*#/.test(l))).toEqual(template.split('\n').filter((l) => !/^\s*#/.test(l)));
    }
    expect(contentOf(fileAt(config, '/etc/systemd/system/cast-metadata-guard.service'))).toBe(compactScript(readTemplateFile('systemd/cast-metadata-guard.service')));
    expect(contentOf(fileAt(config, '/etc/cast/manifests/cast-rbac.yaml'))).toBe(compactScript(readTemplateFile('kubernetes/cast-rbac.yaml')));
  });

  test('the archive is deterministic gzip (no timestamp, OS byte 255 "unknown") of a deterministic tar (owner root, mtime 0)', () => {
    const archive = fileAt(parseCloudConfig(renderNodeUserData(fakeInput('worker', Cloud.DIGITALOCEAN))), NODE_FILES_ARCHIVE);
    const gz = Buffer.from(archive.content, 'base64');
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(gz.readUInt32LE(4)).toBe(0);
    expect(gz[9]).toBe(255);
    const tar = gunzipSync(gz);
    const field = (offset: number, length: number) => tar.toString('latin1', offset, offset + length).replace(/\0.*$/s, '');
    // The first member's uid, gid, mtime and owner names.
    expect([field(108, 8), field(116, 8), field(136, 12), field(265, 32), field(297, 32)]).toEqual(['0000000', '0000000', '00000000000', 'root', 'root']);
  });

  test('compactScript keeps the shebang, shellcheck directives and every # inside a line', () => {
    expect(compactScript('#!/bin/bash\n# a comment\n  # indented\n# shellcheck disable=SC2034\necho "#x" ${#a} $#\n')).toBe('#!/bin/bash\n# shellcheck disable=SC2034\necho "#x" ${#a} $#\n');
  });
});

describe('renderNodeUserData: kubeadm files', () => {
  const ETCD = { heartbeatIntervalMs: 250, electionTimeoutMs: 2500 };
  const controlPlane = (overrides: Partial<NodeBootstrapInput> = {}) =>
    render(
      fakeInput('control-plane', Cloud.AWS, {
        etcd: ETCD,
        nodeLabels: { 'example.com/pool': 'general', 'topology.kubernetes.io/region': 'eu-west-1' },
        nodeTaints: [
          { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          { key: 'example.com/dedicated', value: 'infra', effect: 'NoExecute' },
        ],
        ...overrides,
      }),
    );
  const REGISTRATION = {
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
  };
  const DISCOVERY = { file: { kubeConfigPath: '/etc/cast/discovery.conf' }, tlsBootstrapToken: 'abcdef.0123456789abcdef' };

  test('kubeadm-init.yaml founds the cluster: InitConfiguration with the token, the shared ClusterConfiguration, KubeletConfiguration', () => {
    const docs = docsAt(controlPlane(), '/etc/cast/kubeadm-init.yaml');
    expect(kinds(docs)).toEqual(['kubeadm.k8s.io/v1beta4 InitConfiguration', 'kubeadm.k8s.io/v1beta4 ClusterConfiguration', 'kubelet.config.k8s.io/v1beta1 KubeletConfiguration']);
    const init = byKind(docs, 'InitConfiguration');
    expect(init.bootstrapTokens).toEqual([
      {
        token: 'abcdef.0123456789abcdef',
        description: 'cdktf-cast-cluster static join token',
        ttl: '0s',
        usages: ['signing', 'authentication'],
        groups: ['system:bootstrappers:kubeadm:default-node-token', 'system:bootstrappers:cast-mesh'],
      },
    ]);
    expect(init.nodeRegistration).toEqual(REGISTRATION);
    expect(init.localAPIEndpoint).toEqual({ advertiseAddress: '10.4.17.3', bindPort: 6443 });
    expect(byKind(docs, 'ClusterConfiguration')).toEqual({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'ClusterConfiguration',
      clusterName: 'prod',
      // The release the node installed, filled in at boot (the founding one when it founds).
      kubernetesVersion: 'v@CAST_KUBERNETES_VERSION@',
      // Every node's own API proxy: no node owns the endpoint.
      controlPlaneEndpoint: '127.0.0.1:6444',
      networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12' },
      // No DNS name given: kubeadm's own SANs only; the founder's public address is in its own certificate, not the cluster's list.
      apiServer: { certSANs: [], extraArgs: [{ name: 'service-node-port-range', value: '30000-32767' }] },
      controllerManager: {
        extraArgs: [
          { name: 'allocate-node-cidrs', value: 'true' },
          { name: 'cluster-cidr', value: '10.244.0.0/16' },
          { name: 'node-cidr-mask-size', value: '24' },
        ],
      },
      etcd: { local: { extraArgs: [{ name: 'heartbeat-interval', value: '250' }, { name: 'election-timeout', value: '2500' }] } },
    });
    expect(LOCAL_API_ENDPOINT).toBe('127.0.0.1:6444');
    // Client and serving certificates from the cluster CA, each renewed by the kubelet itself.
    expect(byKind(docs, 'KubeletConfiguration')).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: 'systemd', rotateCertificates: true, serverTLSBootstrap: true });
  });

  test("apiserver-cert.yaml: the node's own serving certificate, the cluster's ClusterConfiguration with its public address as an extra SAN, no token", () => {
    const config = controlPlane();
    const docs = docsAt(config, '/etc/cast/apiserver-cert.yaml');
    expect(kinds(docs)).toEqual(['kubeadm.k8s.io/v1beta4 InitConfiguration', 'kubeadm.k8s.io/v1beta4 ClusterConfiguration']);
    const init = byKind(docs, 'InitConfiguration');
    expect(init).toEqual({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'InitConfiguration',
      nodeRegistration: { name: 'aws-cp-1', criSocket: 'unix:///var/run/containerd/containerd.sock' },
      localAPIEndpoint: { advertiseAddress: '10.4.17.3', bindPort: 6443 },
    });
    const own = byKind(docs, 'ClusterConfiguration');
    expect(own.apiServer.certSANs).toEqual(['203.0.113.10']);
    // Everything else is the cluster's ClusterConfiguration, as the founder stores it.
    const cluster = byKind(docsAt(config, '/etc/cast/kubeadm-init.yaml'), 'ClusterConfiguration');
    expect({ ...own, apiServer: { ...own.apiServer, certSANs: [] } }).toEqual(cluster);
  });

  test('with apiServerDnsName: the name is a SAN of the cluster and of every own certificate, first', () => {
    const config = controlPlane({ apiServerDnsName: 'api.prod.example.com' });
    expect(byKind(docsAt(config, '/etc/cast/kubeadm-init.yaml'), 'ClusterConfiguration').apiServer.certSANs).toEqual(['api.prod.example.com']);
    expect(byKind(docsAt(config, '/etc/cast/apiserver-cert.yaml'), 'ClusterConfiguration').apiServer.certSANs).toEqual(['api.prod.example.com', '203.0.113.10']);
    // A worker renders no ClusterConfiguration, so the name reaches no file of it.
    const worker = renderNodeUserData(fakeInput('worker', Cloud.AWS, { apiServerDnsName: 'api.prod.example.com' }));
    expect(worker).not.toContain('api.prod.example.com');
  });

  test("every control plane's certificate input differs only by its own address and name; their ClusterConfigurations agree", () => {
    const cp = (name: string, publicAddress: string, meshAddress: string) =>
      docsAt(render(fakeInput('control-plane', Cloud.GCP, { nodeName: name, publicAddress, meshAddress, etcd: ETCD })), '/etc/cast/apiserver-cert.yaml');
    const [a, b] = [cp('gcp-cp-1', '203.0.113.10', '10.4.17.3'), cp('gcp-cp-2', '203.0.113.11', '10.4.17.4')];
    expect(byKind(a, 'ClusterConfiguration').apiServer.certSANs).toEqual(['203.0.113.10']);
    expect(byKind(b, 'ClusterConfiguration').apiServer.certSANs).toEqual(['203.0.113.11']);
    const withoutSans = (doc: KubeDocument) => ({ ...doc, apiServer: { ...doc.apiServer, certSANs: undefined } });
    expect(withoutSans(byKind(a, 'ClusterConfiguration'))).toEqual(withoutSans(byKind(b, 'ClusterConfiguration')));
    expect(byKind(b, 'InitConfiguration').localAPIEndpoint).toEqual({ advertiseAddress: '10.4.17.4', bindPort: 6443 });
  });

  test("kubeadm.yaml on a control plane: its first step joins it as a node (no controlPlane), with kubeadm's control-plane taint", () => {
    const docs = docsAt(controlPlane(), '/etc/cast/kubeadm.yaml');
    expect(kinds(docs)).toEqual(['kubeadm.k8s.io/v1beta4 JoinConfiguration']);
    expect(docs[0]).toEqual({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'JoinConfiguration',
      discovery: DISCOVERY,
      nodeRegistration: REGISTRATION,
      timeouts: { discovery: '30m0s' },
    });
  });

  test('kubeadm-control-plane.yaml: the same JoinConfiguration plus controlPlane on its mesh address (control-plane-prepare and control-plane-join)', () => {
    const config = controlPlane();
    const [join] = docsAt(config, '/etc/cast/kubeadm-control-plane.yaml');
    expect(join.controlPlane).toEqual({ localAPIEndpoint: { advertiseAddress: '10.4.17.3', bindPort: 6443 } });
    const [asNode] = docsAt(config, '/etc/cast/kubeadm.yaml');
    expect({ ...join, controlPlane: undefined }).toEqual({ ...asNode, controlPlane: undefined });
  });

  test.each(NODE_BOOTSTRAP_KINDS)('%s: the discovery kubeconfig names the local API proxy, pins the CA and carries no user credentials', (kind) => {
    const config = render(fakeInput(kind));
    const [kubeconfig] = docsAt(config, '/etc/cast/discovery.conf');
    expect(kubeconfig).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: '', cluster: { server: 'https://127.0.0.1:6444', 'certificate-authority-data': FAKE_CREDENTIALS.caCertB64 } }],
      contexts: [],
      'current-context': '',
      users: [],
    });
    expect(contentOf(fileAt(config, '/etc/cast/discovery.conf'))).not.toMatch(/0123456789abcdef|client-key|client-certificate|token:|password/);
  });

  test('worker: kubeadm.yaml and discovery.conf only; a JoinConfiguration without controlPlane or taints, and no etcd anywhere', () => {
    const rendered = renderNodeUserData(fakeInput('worker'));
    const config = parseUserData(rendered);
    expect(config.write_files.map((f) => f.path).filter((p) => p.startsWith('/etc/cast/') && p !== '/etc/cast/node.env')).toEqual(['/etc/cast/kubeadm.yaml', '/etc/cast/discovery.conf']);
    const docs = docsAt(config, '/etc/cast/kubeadm.yaml');
    expect(kinds(docs)).toEqual(['kubeadm.k8s.io/v1beta4 JoinConfiguration']);
    expect(docs[0].discovery).toEqual(DISCOVERY);
    expect(docs[0].nodeRegistration.name).toBe('aws-w-1');
    expect(docs[0].nodeRegistration.taints).toEqual([]);
    expect(docs[0].controlPlane).toBeUndefined();
    const decoded = config.write_files.filter((f) => f.path.startsWith('/etc/')).map(contentOf).join('\n');
    expect(decoded).not.toMatch(/etcd|heartbeat-interval|election-timeout|ClusterConfiguration|InitConfiguration/);
  });
});

describe('renderNodeUserData: credentials', () => {
  test('control-plane: CAs and the service-account key pair under /etc/kubernetes/pki, keys 0600', () => {
    const config = render(fakeInput('control-plane'));
    const fields = ['caCertB64', 'caKeyB64', 'frontProxyCaCertB64', 'frontProxyCaKeyB64', 'etcdCaCertB64', 'etcdCaKeyB64', 'serviceAccountKeyB64', 'serviceAccountPubB64'] as const;
    PKI.forEach((path, i) => {
      const file = fileAt(config, path);
      expect(file).toEqual({ path, permissions: /\.key$/.test(path) ? '0600' : '0644', encoding: 'b64', content: FAKE_CREDENTIALS[fields[i]] });
    });
    expect(contentOf(fileAt(config, '/etc/kubernetes/pki/ca.key'))).toContain('SECRET-CA-KEY');
  });

  test.each([Cloud.AWS, Cloud.AZURE])('worker on %s: no file under /etc/kubernetes/pki and no key anywhere', (cloud) => {
    const rendered = renderNodeUserData(fakeInput('worker', cloud));
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
    const config = render(fakeInput('control-plane', Cloud.GCP, { credentials: other }));
    const decoded = config.write_files.map(contentOf).join('\n');
    expect(decoded).not.toContain('abcdef');
    expect(decoded).not.toContain('0123456789abcdef');
    expect(decoded).not.toContain('FAKE-CA-CERT');
    // In the init configuration, both join configurations; the discovery file has none.
    for (const path of ['/etc/cast/kubeadm-init.yaml', '/etc/cast/kubeadm.yaml', '/etc/cast/kubeadm-control-plane.yaml']) expect(contentOf(fileAt(config, path))).toContain('zzzzzz.yyyyyyyyyyyyyyyy');
  });
});

describe('renderNodeUserData: options', () => {
  test('node.env carries the node facts the scripts read', () => {
    const config = render(fakeInput('control-plane', Cloud.AZURE));
    expect(contentOf(fileAt(config, '/etc/cast/node.env')).split('\n').filter((l) => l.startsWith('CAST_'))).toEqual([
      "CAST_NODE_IDENTITY='static'",
      "CAST_NODE_NAME='azure-cp-1'",
      "CAST_NODE_NAME_PREFIX=''",
      "CAST_NODE_ROLE='control-plane'",
      "CAST_CLOUD='azure'",
      "CAST_CLUSTER_NAME='prod'",
      // The release it founds the cluster with (it may found it); the one it installs is appended at boot.
      "CAST_FOUNDING_KUBERNETES_VERSION='1.34.2'",
      // What bootstrap-node.sh compares with the first seed.
      "CAST_PUBLIC_ADDRESS='203.0.113.10'",
      "CAST_MESH_ADDRESS='10.4.17.3'",
      "CAST_MESH_CLAIM_CIDR=''",
      "CAST_POD_CIDR='10.244.0.0/16'",
      "CAST_SERVICE_CIDR='10.96.0.0/12'",
      "CAST_PHONE_HOME_URL='https://hooks.example.com/cast?cluster=prod'",
      // Its keys came with the user-data (fakeInput gives every credential): no store to read.
      "CAST_KEYS_STORE=''",
      "CAST_KEYS_SECRET=''",
      "CAST_KEYS_REGION=''",
      "CAST_KEYS_CLIENT_ID=''",
      "CAST_JOIN_TOKEN_STORE=''",
      "CAST_JOIN_TOKEN_SECRET=''",
      "CAST_JOIN_TOKEN_REGION=''",
      "CAST_JOIN_TOKEN_CLIENT_ID=''",
    ]);
    const worker = render(fakeInput('worker', Cloud.AZURE, { phoneHomeUrl: undefined }));
    expect(contentOf(fileAt(worker, '/etc/cast/node.env'))).toContain("CAST_NODE_ROLE='worker'\n");
    expect(contentOf(fileAt(worker, '/etc/cast/node.env'))).toContain("CAST_PHONE_HOME_URL=''\n");
  });

  test.each([
    [Cloud.GCP, true],
    [Cloud.AZURE, true],
    [Cloud.AWS, false],
  ])('spot on %s: the in-node handler is installed: %s', (cloud, installed) => {
    const config = render(fakeInput('worker', cloud, { spot: true }));
    const paths = config.write_files.map((f) => f.path);
    expect(paths.includes('/opt/cast/bin/spot-handler.sh')).toBe(installed);
    expect(paths.includes('/etc/systemd/system/cast-spot-handler.service')).toBe(installed);
    const notSpot = render(fakeInput('worker', cloud));
    expect(notSpot.write_files.map((f) => f.path)).not.toContain('/opt/cast/bin/spot-handler.sh');
  });

  test.each(NODE_BOOTSTRAP_KINDS)('%s without a mesh address: node-private-address.sh finds the private address at boot, every kubeadm file holds its placeholder', (kind) => {
    const config = render(fakeInput(kind, Cloud.GCP, { meshAddress: undefined }));
    expect(contentOf(fileAt(config, '/opt/cast/bin/node-private-address.sh'))).toBe(compactScript(readTemplateFile('scripts/node-private-address.sh')));
    expect(fileAt(config, '/opt/cast/bin/node-private-address.sh').permissions).toBe('0755');
    expect(config.write_files.map((f) => f.path)).not.toContain('/opt/cast/bin/node-identity.sh');
    expect(contentOf(fileAt(config, '/etc/cast/node.env'))).toContain("CAST_NODE_IDENTITY='static'\n");
    expect(contentOf(fileAt(config, '/etc/cast/node.env'))).toContain("CAST_MESH_ADDRESS=''\n");
    const configs = kind === 'worker' ? ['/etc/cast/kubeadm.yaml'] : CONTROL_PLANE_KUBEADM;
    for (const path of configs) {
      const text = contentOf(fileAt(config, path));
      expect(text).toContain("'@CAST_MESH_ADDRESS@'");
      // Nothing else is found at boot on a static node.
      // (and the release it installs, in every ClusterConfiguration).
      expect(text.match(/@CAST_[A-Z_]+@/g)!.every((p) => p === '@CAST_MESH_ADDRESS@' || p === '@CAST_KUBERNETES_VERSION@')).toBe(true);
    }
    // With its mesh address a node carries neither script.
    const paths = render(fakeInput(kind, Cloud.GCP)).write_files.map((f) => f.path);
    expect(paths.filter((p) => /node-(identity|private-address)\.sh$/.test(p))).toEqual([]);
  });

  test('a control plane applies the cast RBAC alone: the cluster\'s other manifests are the in-cluster stack\'s', () => {
    const manifests = (kind: NodeBootstrapInput['kind']) => render(fakeInput(kind, Cloud.AWS)).write_files.map((f) => f.path).filter((path) => path.startsWith('/etc/cast/manifests/'));
    expect(manifests('control-plane')).toEqual(['/etc/cast/manifests/cast-rbac.yaml']);
    expect(manifests('worker')).toEqual([]);
  });

  test('cast-rbac.yaml: the bootstrap group may only claim mesh addresses (ConfigMaps in cast-mesh); nodes may read Nodes and DaemonSets', () => {
    const docs = docsAt(render(fakeInput('control-plane', Cloud.GCP)), '/etc/cast/manifests/cast-rbac.yaml');
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Namespace/cast-mesh',
      'Role/cast-mesh-claims',
      'RoleBinding/cast-mesh-claims',
      'ClusterRole/cast:node-drain',
      'ClusterRoleBinding/cast:node-drain',
      'ClusterRole/cast:mesh-node-reader',
      'ClusterRoleBinding/cast:mesh-node-reader',
    ]);
    const named = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name)!;
    // No update and no delete: a token holder can add a claim, never rewrite a record.
    expect(named('Role', 'cast-mesh-claims')).toMatchObject({
      metadata: { namespace: 'cast-mesh' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'patch'] }],
    });
    // Claims are made with the join token, and confirmed with the kubelet's credentials once the node is registered.
    expect(named('RoleBinding', 'cast-mesh-claims').subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers:cast-mesh' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' },
    ]);
    expect(named('ClusterRole', 'cast:node-drain').rules).toEqual([{ apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get'] }]);
    expect(named('ClusterRole', 'cast:mesh-node-reader').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]);
    for (const name of ['cast:node-drain', 'cast:mesh-node-reader']) {
      expect(named('ClusterRoleBinding', name).subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }]);
    }
  });
});
