import { compactScript } from '../../../lib/core/bootstrap/compact-script';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud } from '../../../lib/core/cloud';
import { meshAgentArchive } from '../../../lib/core/bootstrap/mesh-agent-archive';
import { meshAgentFiles, meshUpValues } from '../../../lib/core/bootstrap/mesh-files';
import { renderTemplateFile, unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { NODE_BOOTSTRAP_KINDS, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { readTemplateFile, templatesDirectory } from '../../../lib/core/bootstrap/template-files';
import { MeshMode } from '../../../lib/core/mesh/mesh-mode';
import { EXPRESSION_CREDENTIALS, expressionInput, fakeInput, fakeMeshInput, FAKE_MESH } from './bootstrap-fixtures';
import { contentOf, fileAt, parseCloudConfig, parseUserData } from './user-data-files';

// By hand, so that a file added to the agent (or dropped) is a decision this test sees.
const AGENT_FILES = [
  '/opt/cast/mesh/cast-mesh-agent',
  '/opt/cast/mesh/cast-api-proxy',
  '/opt/cast/mesh/castmesh/api_proxy.py',
  '/opt/cast/mesh/castmesh/conflicts.py',
  '/opt/cast/mesh/castmesh/node.py',
  '/opt/cast/mesh/castmesh/node_env.py',
  '/opt/cast/mesh/castmesh/plan.py',
  '/opt/cast/mesh/castmesh/records.py',
  '/opt/cast/mesh/10-cast.conflist',
  '/opt/cast/mesh/etcd-remove-member.sh',
];
/** What a control plane on a cloud with an identity gets besides: the key reader, node GC and the key handoff's server, with their cloud's modules (AWS here). */
const CLOUD_READER_FILES = [
  '/opt/cast/mesh/cast-control-plane-keys',
  '/opt/cast/mesh/cast-node-gc',
  '/opt/cast/mesh/cast-key-handoff',
  '/opt/cast/mesh/castmesh/handoff.py',
  '/etc/systemd/system/cast-key-handoff.service',
  '/opt/cast/mesh/castmesh/keys.py',
  '/opt/cast/mesh/castmesh/keys_aws.py',
  '/opt/cast/mesh/castmesh/node_gc.py',
  '/opt/cast/mesh/castmesh/inventory_aws.py',
  '/etc/systemd/system/cast-node-gc.service',
];
const UNITS = ['/etc/systemd/system/cast-mesh-agent.service', '/etc/systemd/system/cast-api-proxy.service'];
const MESH_FILES = ['/etc/cast/mesh.env', '/opt/cast/bin/mesh-up.sh', ...AGENT_FILES, ...UNITS];
/** Where each node file comes from under templates/. */
const templateOf = (path: string) =>
  path.endsWith('etcd-remove-member.sh') ? 'scripts/etcd-remove-member.sh' : path.startsWith('/opt/cast/mesh/') ? `mesh/agent/${path.slice('/opt/cast/mesh/'.length)}` : `mesh/${path.split('/').pop()}`;
const URL = 'https://downloads.example.com/cast-mesh-agent-0.1.0.tar';

/** mesh.env as a map (the renderer writes KEY='value' lines). */
function meshEnv(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
}

describe('renderNodeUserData with a mesh', () => {
  test.each(NODE_BOOTSTRAP_KINDS)('%s: the mesh files come after the bootstrap scripts; runcmd is unchanged', (kind) => {
    const config = parseUserData(renderNodeUserData(fakeMeshInput(kind)));
    const without = parseUserData(renderNodeUserData(fakeInput(kind)));
    const meshFiles = kind === 'control-plane' ? [...MESH_FILES, ...CLOUD_READER_FILES].sort() : MESH_FILES;
    expect(config.write_files.map((f) => f.path).slice(0, without.write_files.length)).toEqual(without.write_files.map((f) => f.path));
    expect(config.write_files.map((f) => f.path).slice(without.write_files.length).sort()).toEqual([...meshFiles].sort());
    expect(config.runcmd).toEqual(without.runcmd);
    expect(Object.fromEntries(meshFiles.map((path) => [path, fileAt(config, path).permissions]))).toEqual({
      ...(kind === 'control-plane' ? Object.fromEntries(CLOUD_READER_FILES.map((path) => [path, /\.(py|service)$/.test(path) ? '0644' : '0755'])) : {}),
      '/etc/cast/mesh.env': '0600',
      '/opt/cast/bin/mesh-up.sh': '0755',
      '/opt/cast/mesh/cast-mesh-agent': '0755',
      '/opt/cast/mesh/cast-api-proxy': '0755',
      '/opt/cast/mesh/castmesh/api_proxy.py': '0644',
      '/opt/cast/mesh/castmesh/conflicts.py': '0644',
      '/opt/cast/mesh/castmesh/node.py': '0644',
      '/opt/cast/mesh/castmesh/node_env.py': '0644',
      '/opt/cast/mesh/castmesh/plan.py': '0644',
      '/opt/cast/mesh/castmesh/records.py': '0644',
      '/opt/cast/mesh/10-cast.conflist': '0644',
      '/opt/cast/mesh/etcd-remove-member.sh': '0755',
      '/etc/systemd/system/cast-mesh-agent.service': '0644',
      '/etc/systemd/system/cast-api-proxy.service': '0644',
    });
  });

  test('without a mesh there are no mesh files (the hook is absent, as before)', () => {
    const paths = parseUserData(renderNodeUserData(fakeInput('worker'))).write_files.map((f) => f.path);
    expect(paths.filter((path) => path.includes('mesh'))).toEqual([]);
  });

  test.each([Cloud.AWS, Cloud.DIGITALOCEAN])('on %s the agent, the proxy, mesh-up.sh and the units land on disk as the template files without comment lines (the CNI template as it is: it keeps its run-time placeholder)', (cloud) => {
    const rendered = renderNodeUserData(fakeMeshInput('worker', cloud));
    const config = parseUserData(rendered);
    // On DigitalOcean they come in the node-files archive.
    const sentPaths = parseCloudConfig(rendered).write_files.map((f) => f.path);
    for (const path of MESH_FILES.filter((p) => p !== '/etc/cast/mesh.env')) {
      // mesh-up.sh with the WireGuard tools' pin rendered in (test/supply checks it).
      const template = path.endsWith('/mesh-up.sh') ? unescapeTerraformTemplate(renderTemplateFile('mesh/mesh-up.sh', meshUpValues())) : readTemplateFile(templateOf(path));
      expect({ path, sentAsItself: sentPaths.includes(path) }).toEqual({ path, sentAsItself: cloud === Cloud.AWS });
      expect(contentOf(fileAt(config, path))).toBe(path.endsWith('.conflist') ? template : compactScript(template));
    }
    expect(contentOf(fileAt(config, '/opt/cast/mesh/10-cast.conflist'))).toContain('"subnet": "{{pod_cidr}}"');
    // The proxy's unit starts what bootstrap-node.sh enables before kubeadm runs.
    expect(contentOf(fileAt(config, '/etc/systemd/system/cast-api-proxy.service'))).toContain('ExecStart=/usr/bin/python3 /opt/cast/mesh/cast-api-proxy run\n');
  });

  test('every Python module of templates/mesh/agent/castmesh is shipped, with etcd-remove-member.sh', () => {
    const modules = readdirSync(join(templatesDirectory(), 'mesh/agent/castmesh')).filter((name) => name.endsWith('.py'));
    expect(meshAgentFiles().map((f) => f.relativePath)).toEqual(['cast-mesh-agent', 'cast-api-proxy', 'cast-control-plane-keys', 'cast-node-gc', 'cast-join-token', 'cast-key-handoff', ...modules.sort().map((name) => `castmesh/${name}`), '10-cast.conflist', 'etcd-remove-member.sh']);
    expect(meshAgentFiles({ cloud: Cloud.GCP, controlPlane: false }).map((f) => `/opt/cast/mesh/${f.relativePath}`)).toEqual(AGENT_FILES);
  });

  test.each([
    [Cloud.AWS, true, ['cast-control-plane-keys', 'cast-node-gc', 'castmesh/inventory_aws.py', 'castmesh/keys.py', 'castmesh/keys_aws.py', 'castmesh/node_gc.py']],
    [Cloud.GCP, true, ['cast-control-plane-keys', 'cast-node-gc', 'castmesh/inventory_gcp.py', 'castmesh/keys.py', 'castmesh/keys_gcp.py', 'castmesh/node_gc.py']],
    [Cloud.AZURE, true, ['cast-control-plane-keys', 'cast-node-gc', 'castmesh/inventory_azure.py', 'castmesh/keys.py', 'castmesh/keys_azure.py', 'castmesh/node_gc.py']],
    [Cloud.DIGITALOCEAN, true, []],
    [Cloud.AWS, false, []],
  ])('the cloud readers (keys, node GC) travel to control planes of clouds with an identity, with their own cloud\'s modules only: %s, control plane %s', (cloud, controlPlane, expected) => {
    const readers = meshAgentFiles({ cloud, controlPlane })
      .map((f) => f.relativePath)
      .filter((path) => /keys|node-gc|node_gc|inventory/.test(path));
    expect(readers.sort()).toEqual([...expected].sort());
  });

  test('mesh.env: the cluster settings; every node, control planes too, names the discovery kubeconfig and carries the token (claims), and no node name', () => {
    const env = (input: ReturnType<typeof fakeMeshInput>) => meshEnv(fileAt(parseUserData(renderNodeUserData(input)), '/etc/cast/mesh.env').content);
    const worker = env(fakeMeshInput('worker', Cloud.GCP, { mode: MeshMode.CROSS_LOCATION, gatewaysPerCloud: 2, gateway: false, privateCidr: '10.20.0.0/24', mtu: 1380, persistentKeepalive: 0 }));
    expect(worker).toEqual({
      CAST_MESH_MODE: 'cross-location',
      CAST_MESH_CIDR: '10.4.0.0/16',
      CAST_MESH_LISTEN_PORT: '51820',
      CAST_MESH_MTU: '1380',
      CAST_MESH_PERSISTENT_KEEPALIVE: '0',
      CAST_MESH_GATEWAYS_PER_CLOUD: '2',
      CAST_MESH_GATEWAY: 'false',
      CAST_MESH_PRIVATE_CIDR: '10.20.0.0/24',
      CAST_MESH_INTERFACE: 'wg0',
      CAST_MESH_KUBECONFIG: '/etc/cast/discovery.conf',
      CAST_MESH_TOKEN: 'abcdef.0123456789abcdef',
      CAST_MESH_AGENT_URL: '',
      CAST_MESH_AGENT_SHA256: '',
    });
    const controlPlane = env(fakeMeshInput('control-plane'));
    expect(controlPlane).toMatchObject({ CAST_MESH_KUBECONFIG: '/etc/cast/discovery.conf', CAST_MESH_TOKEN: 'abcdef.0123456789abcdef', CAST_MESH_GATEWAY: '', CAST_MESH_PRIVATE_CIDR: '' });
    expect(Object.keys(controlPlane)).toEqual(Object.keys(worker));
    // Nothing in it tells one control plane from another: the first one's is everyone's.
    const second = env(fakeMeshInput('control-plane', Cloud.AWS, {}, { nodeName: 'aws-cp-2', publicAddress: '203.0.113.11', meshAddress: '10.4.17.4' }));
    expect(second).toEqual(controlPlane);
    // No MTU set: an empty value, and the agent computes it from the clouds of the records.
    expect(env(fakeMeshInput('worker', Cloud.GCP, { mtu: undefined })).CAST_MESH_MTU).toBe('');
  });

  test('Terraform expressions reach mesh.env quoted for the shell at apply time (the token and a subnet reference)', () => {
    const input = { ...expressionInput('worker'), mesh: { ...FAKE_MESH, privateCidr: '${aws_subnet.main.cidr_block}' } };
    const text = fileAt(parseUserData(renderNodeUserData(input)), '/etc/cast/mesh.env').content;
    // parseUserData unescapes as Terraform would for concrete values; each expression is wrapped in replace() of its quotes (shellSingleQuoted).
    const quoted = (reference: string) => `\${replace(${reference.slice(2, -1)}, "'", "'\\\\''")}`;
    expect(text).toContain(`CAST_MESH_TOKEN='${quoted(EXPRESSION_CREDENTIALS.bootstrapTokenId)}.${quoted(EXPRESSION_CREDENTIALS.bootstrapTokenSecret)}'`);
    expect(text).toContain(`CAST_MESH_PRIVATE_CIDR='${quoted('${aws_subnet.main.cidr_block}')}'`);
  });

  test('with agentUrl the agent is not in the document; mesh.env pins its URL and SHA-256', () => {
    const archive = meshAgentArchive();
    const config = parseUserData(renderNodeUserData(fakeMeshInput('control-plane', Cloud.AWS, { agentUrl: URL, agentSha256: archive.sha256 })));
    expect(config.write_files.filter((f) => f.path.startsWith('/opt/cast/mesh/'))).toEqual([]);
    // The units stay: mesh-up.sh unpacks the archive before bootstrap-node.sh starts the proxy.
    expect(config.write_files.map((f) => f.path).filter((p) => p.startsWith('/etc/systemd/system/cast-'))).toEqual(['/etc/systemd/system/cast-metadata-guard.service', ...UNITS, '/etc/systemd/system/cast-node-gc.service', '/etc/systemd/system/cast-key-handoff.service']);
    expect(meshEnv(fileAt(config, '/etc/cast/mesh.env').content)).toMatchObject({ CAST_MESH_AGENT_URL: URL, CAST_MESH_AGENT_SHA256: archive.sha256 });
  });
});

describe('meshAgentArchive', () => {
  test('a tar of templates/mesh/agent that tar extracts to the same files and modes; the same bytes every time', () => {
    const archive = meshAgentArchive();
    expect(meshAgentArchive().bytes.equals(archive.bytes)).toBe(true);
    expect(archive.sha256).toBe(createHash('sha256').update(archive.bytes).digest('hex'));
    const dir = mkdtempSync(join(tmpdir(), 'cast-archive-'));
    try {
      writeFileSync(join(dir, 'agent.tar'), archive.bytes);
      execFileSync('tar', ['-xf', join(dir, 'agent.tar'), '--no-same-owner', '-C', dir]);
      for (const { relativePath, executable, template } of meshAgentFiles()) {
        expect(readFileSync(join(dir, relativePath), 'utf8')).toBe(readTemplateFile(template));
        expect(statSync(join(dir, relativePath)).mode & 0o777).toBe(executable ? 0o755 : 0o644);
      }
      const listing = execFileSync('tar', ['-tvf', join(dir, 'agent.tar')], { encoding: 'utf8' });
      expect(listing).toMatch(/^-rwxr-xr-x root\/root +\d+ 1970-01-01 00:00 cast-mesh-agent$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
