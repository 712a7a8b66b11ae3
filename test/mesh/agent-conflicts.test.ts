/**
 * The conflict rule (castmesh/conflicts.py), one forged or clashing record at
 * a time, with the directory backend and stubs for wg and ip: the victim's
 * `sync` exits 0, its WireGuard text and ip lines are byte for byte what they
 * are without the record, and its own Node carries the report
 * (`cast-mesh/conflict`). A record loses to an earlier one: a control plane
 * before a worker, then the older Node, then the name. The real-WireGuard
 * proof is in agent-namespaces.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshMode } from '../../lib/core/mesh';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { AGENT } from './agent-cli';
import { ANNOTATIONS, CONFLICT_ANNOTATION, RecordsDir, timestamp } from './records-dir';
import { StubCommands } from './stub-commands';

const KEYS = {
  victim: 'bY1m8VfJc8gq8oWfM3vYb0V8fWkYl0m5pYk1Vx9xq2A=',
  cp: 'hq8VxP0QZ8h1bJ4kq0Yk7mF3r2wA9s8dU6eT5c4b3a0=',
  worker: 'aW1wb3N0b3IgaW1wb3N0b3IgaW1wb3N0b3IgaW1wb3M=',
  forger: 'Zm9yZ2VyIGZvcmdlciBmb3JnZXIgZm9yZ2VyIGZvcmc=',
};
const STUBS = {
  wg: `case "$1" in pubkey) echo ${KEYS.victim} ;; syncconf) cat >"$STUB_DIR/syncconf" ;; esac`,
  ip: 'case "$*" in "-force -batch -") cat >"$STUB_DIR/ip-batch" ;; esac',
  iptables: '',
  'iptables-restore': 'cat >/dev/null',
};

type Fields = Partial<Record<keyof typeof ANNOTATIONS, string>>;
interface Registered {
  readonly name: string;
  readonly controlPlane?: boolean;
  readonly podCidr?: string;
  readonly age: number;
  readonly fields: Fields;
}

const CP: Registered = { name: 'aws-cp-1', controlPlane: true, podCidr: '10.244.0.0/24', age: 0, fields: { cloud: 'aws', publicKey: KEYS.cp, endpoint: '198.51.100.1', meshAddress: '10.4.0.1', privateAddress: '10.10.0.1' } };
const WORKER: Registered = { name: 'gcp-w-1', podCidr: '10.244.1.0/24', age: 1, fields: { cloud: 'gcp', publicKey: KEYS.worker, endpoint: '198.51.100.2', meshAddress: '10.4.0.2', privateAddress: '10.11.0.2' } };
/** A node whose kubelet credentials a forger holds: it registered last and writes its own annotations. */
const forger = (fields: Fields, node: Partial<Registered> = {}): Registered => ({
  name: 'evil-w-1',
  podCidr: '10.244.9.0/24',
  age: 10,
  ...node,
  fields: { cloud: 'aws', publicKey: KEYS.forger, endpoint: '198.51.100.9', meshAddress: '10.4.0.9', privateAddress: '10.10.0.9', ...fields },
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The victim (aws-w-1, registered at age 2) in a cluster of `others`; returns what its sync applied and reported. */
function syncVictim(others: readonly Registered[], mode = MeshMode.FULL_MESH, extraEnv = '') {
  const s = new StubCommands(STUBS);
  dirs.push(s.dir);
  const api = new RecordsDir(mkdtempSync(join(tmpdir(), 'cast-conflicts-')));
  dirs.push(api.path);
  for (const r of others) {
    api.register({ name: r.name, controlPlane: r.controlPlane ?? false, podCidr: r.podCidr, createdAt: timestamp(r.age) });
    api.annotate(r.name, r.fields);
  }
  api.register({ name: 'aws-w-1', controlPlane: false, podCidr: '10.244.2.0/24', createdAt: timestamp(2) });
  writeFileSync(s.path('wg.key'), 'SHd0b3VsZCBiZSBhIHJlYWwga2V5LCB0aGlzIGlzIG5vdC4=\n');
  writeFileSync(s.path('node.env'), "CAST_NODE_NAME='aws-w-1'\nCAST_NODE_ROLE='worker'\nCAST_CLOUD='aws'\nCAST_PUBLIC_ADDRESS='198.51.100.3'\nCAST_MESH_ADDRESS='10.4.0.3'\nCAST_POD_CIDR='10.244.0.0/16'\n");
  const env = {
    CAST_MESH_MODE: mode,
    CAST_MESH_CIDR: '10.4.0.0/16',
    CAST_MESH_LISTEN_PORT: '51820',
    CAST_MESH_MTU: '1420',
    CAST_MESH_PERSISTENT_KEEPALIVE: '25',
    CAST_MESH_GATEWAYS_PER_CLOUD: '1',
    CAST_MESH_RECORDS_DIR: api.path,
    CAST_MESH_KEY_FILE: s.path('wg.key'),
    CAST_MESH_PRIVATE_ADDRESS: '10.10.0.3',
    CAST_MESH_ENCAPSULATION: 'aws=none gcp=none azure=none digitalocean=none',
    CAST_MESH_CNI_CONFIG: s.path('cni/10-cast.conflist'),
    CAST_MESH_RECORDS_CACHE: s.path('state/mesh-records.json'),
    CAST_MESH_API_SERVERS_FILE: s.path('state/api-servers'),
  };
  writeFileSync(s.path('mesh.env'), Object.entries(env).map(([k, v]) => `${k}='${v}'\n`).join('') + extraEnv);
  const run = s.run(['python3', AGENT, '--node-env', s.path('node.env'), '--mesh-env', s.path('mesh.env'), 'sync'], { PATH: `${s.bin}:${process.env.PATH}` });
  const read = (file: string) => {
    try {
      return readFileSync(s.path(file), 'utf8');
    } catch {
      return '';
    }
  };
  return { status: run.status, output: run.output, config: read('syncconf'), lines: read('ip-batch'), apiServers: read('state/api-servers'), report: api.annotations('aws-w-1')[CONFLICT_ANNOTATION] };
}

describeWithTool('python3', 'python3', 'cast-mesh-agent: forged and clashing records are ignored and reported, never fatal', () => {
  const baseline = syncVictim([CP, WORKER]);

  test('the baseline: both peers, no report', () => {
    expect(baseline).toMatchObject({ status: 0, report: undefined, apiServers: '10.4.0.1\n' });
    expect(baseline.config).toContain('# aws-cp-1\n');
    expect(baseline.config).toContain('# gcp-w-1\n');
  });

  const forged: [string, Registered, string][] = [
    ["a worker claims the API server's mesh address", forger({ meshAddress: CP.fields.meshAddress }), `record 'evil-w-1' claims the meshAddress 10.4.0.1 of 'aws-cp-1', an earlier record`],
    ["an older worker claims the API server's mesh address: a control plane comes first", forger({ meshAddress: CP.fields.meshAddress }, { age: -100 }), `record 'evil-w-1' claims the meshAddress 10.4.0.1 of 'aws-cp-1', an earlier record`],
    ["a younger worker copies a worker's WireGuard key", forger({ publicKey: KEYS.worker }), `record 'evil-w-1' claims the publicKey ${KEYS.worker} of 'gcp-w-1', an earlier record`],
    ["a younger worker copies a worker's endpoint", forger({ endpoint: WORKER.fields.endpoint }), `record 'evil-w-1' claims the endpoint 198.51.100.2 of 'gcp-w-1', an earlier record`],
    ['a mesh address outside the mesh range', forger({ meshAddress: '10.5.0.1' }), "record 'evil-w-1' has a bad meshAddress"],
    ['169.254.169.254 as mesh address', forger({ meshAddress: '169.254.169.254' }), "record 'evil-w-1' has a bad meshAddress"],
    ['169.254.169.254 as endpoint', forger({ endpoint: '169.254.169.254' }), "record 'evil-w-1' has an unusable endpoint 169.254.169.254"],
    ['169.254.169.254 as private address', forger({ privateAddress: '169.254.169.254' }), "record 'evil-w-1' has an unusable privateAddress 169.254.169.254"],
    ['a mesh address as endpoint', forger({ endpoint: CP.fields.meshAddress }), "record 'evil-w-1' has an unusable endpoint 10.4.0.1"],
    ['a pod range the forger gave its own Node: everything', forger({}, { podCidr: '0.0.0.0/0' }), "record 'evil-w-1' has a bad podCidr"],
    ['a pod range the forger gave its own Node: the mesh range', forger({}, { podCidr: '10.4.0.0/16' }), "record 'evil-w-1' has a bad podCidr"],
    ['a pod range the forger gave its own Node: the metadata service', forger({}, { podCidr: '169.254.169.254/32' }), "record 'evil-w-1' has a bad podCidr"],
    ["a pod range inside another node's", forger({}, { podCidr: '10.244.1.128/25' }), "record 'evil-w-1' claims the podCidr 10.244.1.128/25, which overlaps the podCidr of 'gcp-w-1', an earlier record"],
    ['a public key that carries a second line', forger({ publicKey: 'x\nAllowedIPs = 0.0.0.0/0' }), "record 'evil-w-1' has a bad publicKey"],
  ];

  test.each(forged)('%s: peers and routes unchanged, reported on its own Node', (_, record, report) => {
    const result = syncVictim([CP, WORKER, record]);
    expect(result).toEqual({ ...baseline, report, output: expect.stringContaining(`ignoring ${report}`) });
  });

  test("two workers with one mesh address: the older keeps it, though the younger's name sorts first", () => {
    const older = forger({ meshAddress: '10.4.0.7' }, { name: 'aws-w-7', age: 3 });
    const younger = forger({ meshAddress: '10.4.0.7', publicKey: KEYS.worker.replace('aW1w', 'bW1w'), endpoint: '198.51.100.8' }, { name: 'aws-w-0', age: 4, podCidr: '10.244.8.0/24' });
    const result = syncVictim([CP, WORKER, younger, older]);
    expect(result.status).toBe(0);
    expect(result.config).toContain('# aws-w-7\n');
    expect(result.config).not.toContain('# aws-w-0\n');
    expect(result.report).toBe("record 'aws-w-0' claims the meshAddress 10.4.0.7 of 'aws-w-7', an earlier record");
  });

  test("this node's own record loses to an earlier one: it keeps planning with itself, without that record, and says the others ignore it", () => {
    const result = syncVictim([CP, WORKER, forger({ meshAddress: '10.4.0.3' }, { age: 1 })]);
    expect(result.status).toBe(0);
    expect(result.config).not.toContain('# evil-w-1\n');
    expect(result.config).toContain('# aws-cp-1\n');
    expect(result.lines).toContain('address replace 10.4.0.3/32 dev wg0');
    expect(result.report).toBe("record 'aws-w-1' (this node) claims the meshAddress 10.4.0.3 of 'evil-w-1', an earlier record: the other nodes ignore this node");
  });

  test('cross-location: a younger gateway pin beyond gatewaysPerCloud is ignored; the pinned gateway stays', () => {
    const pinned = { ...WORKER, fields: { ...WORKER.fields, gateway: 'true' } };
    const base = syncVictim([CP, pinned], MeshMode.CROSS_LOCATION);
    const result = syncVictim([CP, pinned, forger({ cloud: 'gcp', gateway: 'true', privateAddress: '10.11.0.9' })], MeshMode.CROSS_LOCATION);
    expect(result).toEqual({ ...base, report: "record 'evil-w-1' pins a gateway of gcp, which has its 1 pinned already", output: expect.any(String) });
  });

  test('cloud-network: a record of another cloud than the earliest one is ignored', () => {
    const awsWorker = { ...WORKER, name: 'aws-w-2', fields: { ...WORKER.fields, cloud: 'aws', privateAddress: '10.10.0.2' } };
    const base = syncVictim([CP, awsWorker], MeshMode.CLOUD_NETWORK);
    expect(base.lines).toContain('route replace 10.244.1.0/24 via 10.10.0.2 proto 158');
    const result = syncVictim([CP, awsWorker, forger({ cloud: 'gcp' })], MeshMode.CLOUD_NETWORK);
    expect(result).toEqual({ ...base, report: "record 'evil-w-1' is in gcp, and cloud-network mode keeps to aws", output: expect.any(String) });
  });
});
