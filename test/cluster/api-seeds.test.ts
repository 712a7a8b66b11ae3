/**
 * The API seeds and the endpoint, as a cluster synthesizes them. Every node, static or
 * autoscaled, on every cloud, carries its seeds where its cloud changes them in place (AWS
 * and Azure tag, GCP metadata key, DigitalOcean tags; docs/decisions/0002): a control plane
 * every control plane's public address, in the order the control planes were added; a
 * worker on AWS, GCP or Azure its own cloud's control planes by their private addresses
 * first (the cloud network, which no narrowed API rule shuts), then the others' public
 * addresses; a DigitalOcean worker, static or in a pool, the control planes' public addresses
 * only (a pool's droplet template that named a private address would change, and the pool
 * replace its droplets, whenever a control-plane droplet is replaced). The
 * kubeconfig and API endpoint outputs name apiServerDnsName when it is set, else the first
 * control plane. DigitalOcean's tags are built by Terraform, so `terraform console`
 * evaluates them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { API_SERVERS_KEY } from '../../lib/core/api-seeds';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { logicalId, StackJson } from '../nodes/node-fixture';

/** The control planes in the order their groups are added (not the clouds' order), and their address resources. */
const CONTROL_PLANES: [string, Cloud][] = [
  ['c1-cp-azure-1', Cloud.AZURE],
  ['c1-cp-azure-2', Cloud.AZURE],
  ['c1-cp-do-1', Cloud.DIGITALOCEAN],
  ['c1-cp-aws-1', Cloud.AWS],
  ['c1-cp-gcp-1', Cloud.GCP],
];
const PUBLIC_ADDRESS: Record<Cloud, [string, string, string]> = {
  [Cloud.AWS]: ['aws_eip', '-ip', 'public_ip'],
  [Cloud.GCP]: ['google_compute_address', '-ip', 'address'],
  [Cloud.AZURE]: ['azurerm_public_ip', '-ip', 'ip_address'],
  [Cloud.DIGITALOCEAN]: ['digitalocean_reserved_ip', '-ip', 'ip_address'],
};
/** The private address: an attribute of the VM (Azure: its interface), which only workers' seeds name. */
const PRIVATE_ADDRESS: Record<Cloud, [string, string, string]> = {
  [Cloud.AWS]: ['aws_instance', '_', 'private_ip'],
  [Cloud.GCP]: ['google_compute_instance', '_', 'network_interface[0].network_ip'],
  [Cloud.AZURE]: ['azurerm_network_interface', '-nic', 'private_ip_address'],
  [Cloud.DIGITALOCEAN]: ['digitalocean_droplet', '_', 'ipv4_address_private'],
};

/** Control planes, static workers and an autoscaled group on every cloud. */
function synth(apiServerDnsName?: string): { cluster: CastCluster; json: StackJson } {
  const stack = new TerraformStack(Testing.app(), 's');
  const cluster = new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [...ALL_CLOUDS], apiServerDnsName });
  cluster.addNodeGroup('cp-azure', { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE, count: 2 });
  cluster.addNodeGroup('workers', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 });
  cluster.addNodeGroup('cp-do', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('cp-aws', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('cp-gcp', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE });
  for (const cloud of ALL_CLOUDS) {
    cluster.addNodeGroup(`static-${cloud}`, { cloud, role: NodeRole.WORKER });
    cluster.addNodeGroup(`scaled-${cloud}`, { cloud, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } });
  }
  return { cluster, json: JSON.parse(Testing.synth(stack)) as StackJson };
}

/** Where each resource type that stands for a node, or the nodes of a group, carries the seeds. */
const CHANNEL: Record<string, (body: Record<string, any>) => unknown> = {
  aws_instance: (body) => body.tags[API_SERVERS_KEY],
  aws_launch_template: (body) => body.tag_specifications.find((spec: { resource_type: string }) => spec.resource_type === 'instance').tags[API_SERVERS_KEY],
  google_compute_instance: (body) => body.metadata[API_SERVERS_KEY],
  google_compute_instance_template: (body) => body.metadata[API_SERVERS_KEY],
  azurerm_linux_virtual_machine: (body) => body.tags[API_SERVERS_KEY],
  azurerm_linux_virtual_machine_scale_set: (body) => body.tags[API_SERVERS_KEY],
  digitalocean_droplet: (body) => body.tags,
  digitalocean_droplet_autoscale: (body) => body.droplet_template.tags,
};

/** The cloud a resource of CHANNEL belongs to. */
const cloudOf = (type: string): Cloud => ALL_CLOUDS.find((cloud) => type.startsWith({ aws: 'aws_', gcp: 'google_', azure: 'azurerm_', digitalocean: 'digitalocean_' }[cloud]))!;

describe('the API seeds on every node of every cloud', () => {
  const { cluster, json } = synth();
  const locals = Object.keys(json.locals ?? {});
  const controlPlaneLocal = locals.filter((name) => name.startsWith('c1_api-servers'));
  const workerLocal = (cloud: Cloud) => locals.filter((name) => name.startsWith(`c1_worker-api-servers-${cloud}_`));
  /** A reference to one of a control plane's addresses, as the synthesized JSON writes it. */
  const reference = ([type, separator, attribute]: [string, string, string], node: string) => {
    const ids = Object.keys(json.resource[type]).filter((id) => id.includes(`_${node}${separator}`));
    if (ids.length !== 1) throw new Error(`expected one ${type} of ${node}, found ${ids.join(', ') || 'none'}`);
    return `\${${type}.${ids[0]}.${attribute}}`;
  };
  /** Made-up addresses per control plane, in their order: what Terraform would fill in. */
  const fake = new Map(
    CONTROL_PLANES.flatMap(([name, cloud], i) => [
      [reference(PUBLIC_ADDRESS[cloud], name), `192.0.2.${i + 1}`],
      [reference(PRIVATE_ADDRESS[cloud], name), `10.9.0.${i + 1}`],
    ]),
  );
  const publicSeeds = CONTROL_PLANES.map(([name, cloud]) => reference(PUBLIC_ADDRESS[cloud], name));
  /** What a worker on `cloud` must carry: its cloud's control planes privately first, in order, then the others' public addresses; on DigitalOcean the public addresses only. */
  const workerSeeds = (cloud: Cloud) =>
    cloud === Cloud.DIGITALOCEAN
      ? publicSeeds
      : [
        ...CONTROL_PLANES.filter(([, c]) => c === cloud).map(([name]) => reference(PRIVATE_ADDRESS[cloud], name)),
        ...CONTROL_PLANES.filter(([, c]) => c !== cloud).map(([name, c]) => reference(PUBLIC_ADDRESS[c], name)),
      ];
  const description = JSON.parse(json.output.cast_cluster_c1.value);
  const controlPlaneNodes: string[] = description.nodes.filter((n: { role: string }) => n.role === 'control-plane').map((n: { address: string }) => n.address);
  const carriers = Object.entries(CHANNEL).flatMap(([type, channel]) =>
    Object.entries(json.resource[type] ?? {}).map(([id, body]) => {
      const address = `${type}.${id}`;
      const cloud = cloudOf(type);
      const local = `local.${controlPlaneNodes.includes(address) ? controlPlaneLocal[0] : workerLocal(cloud)[0]}`;
      return { address, type, cloud, local, value: channel(body) };
    }),
  );

  test('control planes: one local holds them, every control plane\'s public address in the order the groups were added, and nothing else', () => {
    expect(controlPlaneLocal).toHaveLength(1);
    expect(json.locals![controlPlaneLocal[0]]).toBe(publicSeeds.join(' '));
  });

  test.each(ALL_CLOUDS)('workers on %s: one local, its control planes\' private addresses first (DigitalOcean: none), then the other control planes\' public addresses', (cloud) => {
    expect(workerLocal(cloud)).toHaveLength(1);
    expect(json.locals![workerLocal(cloud)[0]]).toBe(workerSeeds(cloud).join(' '));
    // Each control plane once: no list is longer than the control planes (MAX_API_SERVER_SEEDS holds).
    expect(workerSeeds(cloud)).toHaveLength(CONTROL_PLANES.length);
  });

  test('workers on a cloud without a control plane carry every control plane\'s public address', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const small = new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [Cloud.AWS, Cloud.GCP] });
    small.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    small.addNodeGroup('workers', { cloud: Cloud.GCP, role: NodeRole.WORKER });
    const synthesized = JSON.parse(Testing.synth(stack)) as StackJson;
    const seeds = (prefix: string) => Object.entries(synthesized.locals!).filter(([name]) => name.startsWith(prefix)).map(([, value]) => value);
    const controlPlane = `\${aws_eip.${logicalId(synthesized, 'aws_eip', 'c1-cp-1-ip')}.public_ip}`;
    expect(seeds('c1_api-servers_')).toEqual([controlPlane]);
    expect(seeds('c1_worker-api-servers-gcp_')).toEqual([controlPlane]);
    // Every cloud of the cluster has its workers' local from the first group on, used or not: a later group adds none.
    expect(seeds('c1_worker-api-servers-aws_')).toEqual([`\${aws_instance.${logicalId(synthesized, 'aws_instance', 'c1-cp-1_')}.private_ip}`]);
  });

  test('every node carries them: each static node, and the template of each autoscaled group, of every cloud', () => {
    const staticNodes: string[] = description.nodes.map((n: { address: string }) => n.address);
    const groups: string[] = description.scalingGroups.map((g: { name: string }) => g.name);
    expect([staticNodes.length, groups.length]).toEqual([CONTROL_PLANES.length + 2 + 4, 4]);
    const addresses = carriers.map((c) => c.address);
    expect(addresses).toEqual(expect.arrayContaining(staticNodes));
    // AWS and GCP groups start their nodes from a template, which carries the seeds; Azure's scale set and DigitalOcean's pool carry them themselves.
    for (const group of groups) expect({ group, carriers: addresses.filter((a) => !staticNodes.includes(a) && a.includes(`_${group}`)).length }).toEqual({ group, carriers: 1 });
    expect(addresses).toHaveLength(staticNodes.length + groups.length);
  });

  test('AWS, GCP and Azure: the key cast-api-servers names the local of the node\'s role and cloud, so it resolves to its seeds in order', () => {
    const keyed = carriers.filter((c) => !c.type.startsWith('digitalocean_'));
    expect(new Set(keyed.map((c) => c.type))).toEqual(new Set(Object.keys(CHANNEL).filter((type) => !type.startsWith('digitalocean_'))));
    expect(keyed.filter((c) => c.local.includes('worker-api-servers')).length).toBeGreaterThan(keyed.length / 2);
    for (const c of keyed) expect({ address: c.address, value: c.value }).toEqual({ address: c.address, value: `\${${c.local}}` });
  });

  test('AWS: instances show their tags in IMDS, where the node reads the seeds', () => {
    for (const body of [...Object.values(json.resource.aws_instance), ...Object.values(json.resource.aws_launch_template)]) {
      expect(body.metadata_options).toMatchObject({ http_tokens: 'required', instance_metadata_tags: 'enabled' });
    }
  });

  describeWithTool('terraform', 'terraform', 'DigitalOcean: terraform console evaluates the tags', () => {
    const droplets = carriers.filter((c) => c.type.startsWith('digitalocean_'));

    test.each(droplets.map((c) => [c.address, c] as const))('%s: cast-api:<index>:<a-b-c-d>, one per seed, in order, beside the fixed tags', (_address, c) => {
      const seeds = json.locals![c.local.slice('local.'.length)].split(' ').map((seed) => fake.get(seed)!);
      // The seeds local resolved, every other reference (the firewall tag's name) a placeholder.
      const expression = (c.value as string)
        .replace(/^\$\{([\s\S]*)\}$/, '$1')
        .split(c.local)
        .join(JSON.stringify(seeds.join(' ')))
        .replace(/\b(digitalocean_tag\.[\w-]+\.name)\b/g, '"$1"');
      const evaluated: string[] = JSON.parse(JSON.parse(terraformConsole(`jsonencode(${expression})`)));
      expect(evaluated.filter((tag) => tag.startsWith('cast-api:'))).toEqual(seeds.map((address, i) => `cast-api:${i}:${address.replace(/\./g, '-')}`));
      // Every DigitalOcean droplet and pool, worker or control plane: the control planes' reserved and static public addresses, no private one.
      expect(seeds).toEqual(publicSeeds.map((seed) => fake.get(seed)));
      expect(evaluated).toContain(`cast-cluster-uuid:${cluster.uuid}`);
      expect(evaluated[0]).toMatch(/^digitalocean_tag\./);
    });
  });

  test('no user-data names the seeds: they change in place, user-data would replace Azure and DigitalOcean VMs', () => {
    const userData = Object.entries(json.locals!).filter(([name]) => name.includes('user-data'));
    expect(userData.length).toBe(carriers.length);
    const seedLocals = [...controlPlaneLocal, ...ALL_CLOUDS.flatMap(workerLocal)];
    for (const [name, template] of userData) {
      // A control plane's user-data names its own public address, as every static node's does; no other.
      const others = [...fake.keys()].filter((ref) => template.includes(ref) && !ref.includes(`_${nodeOf(name)}-ip_`));
      expect({ name, locals: seedLocals.filter((local) => template.includes(`local.${local}`)), others }).toEqual({ name, locals: [], others: [] });
    }
  });
});

describe('the endpoint users reach: the kubeconfig and API endpoint outputs', () => {
  test.each<[string, string | undefined, (json: StackJson) => string]>([
    ['the first control plane\'s public address without apiServerDnsName', undefined, (json) => `\${azurerm_public_ip.${logicalId(json, 'azurerm_public_ip', 'c1-cp-azure-1-ip')}.ip_address}`],
    ['apiServerDnsName when set', 'api.example.com', () => 'api.example.com'],
  ])('%s', (_name, apiServerDnsName, host) => {
    const { json } = synth(apiServerDnsName);
    const server = `https://${host(json)}:6443`;
    expect(json.output.cast_cluster_c1_api_endpoint.value).toBe(server);
    const kubeconfig = json.output.cast_cluster_c1_kubeconfig;
    expect(kubeconfig.sensitive).toBe(true);
    // An HCL object in yamlencode(): the server a quoted template, as in the endpoint output.
    expect([...(kubeconfig.value as string).matchAll(/"server" = "([^"]*)"/g)].map((m) => m[1])).toEqual([server]);
  });

  test('apiServerDnsName goes into every control plane\'s user-data (its serving certificate), the seeds still the control planes\' addresses', () => {
    const { json } = synth('api.example.com');
    const controlPlanes = Object.entries(json.locals!).filter(([name]) => /_c1-cp-[a-z]+-\d-user-data_/.test(name));
    expect(controlPlanes).toHaveLength(CONTROL_PLANES.length);
    for (const [name, template] of controlPlanes) expect({ name, names: template.includes('api.example.com') }).toEqual({ name, names: true });
    for (const [name, seeds] of Object.entries(json.locals!).filter(([local]) => /^c1_(worker-)?api-servers/.test(local))) expect({ name, seeds }).not.toEqual({ name, seeds: expect.stringContaining('api.example.com') });
  });
});

/** The node a user-data local belongs to: `c1_<group>_<node>-user-data_<hash>`. */
function nodeOf(local: string): string {
  return /^c1_[\w-]+?_(c1-[\w-]+)-user-data_/.exec(local)?.[1] ?? '';
}

/** One expression evaluated by `terraform console` in an empty directory (pure functions only). */
function terraformConsole(expression: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-console-'));
  try {
    return execFileSync('terraform', ['console'], { cwd: dir, input: expression, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' }, stdio: ['pipe', 'pipe', 'ignore'] }).trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
