/**
 * The API seeds and the endpoint, as a cluster synthesizes them: every node, static or
 * autoscaled, on every cloud, carries every control plane's public address, in the
 * order the control planes were added, where its cloud changes it in place (AWS and
 * Azure tag, GCP metadata key, DigitalOcean tags; docs/decisions/0002). The kubeconfig
 * and API endpoint outputs name apiServerDnsName when it is set, else the first
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

/** The control planes in the order their groups are added (not the clouds' order), and their public address resources. */
const CONTROL_PLANES: [string, Cloud][] = [
  ['c1-cp-azure-1', Cloud.AZURE],
  ['c1-cp-azure-2', Cloud.AZURE],
  ['c1-cp-do-1', Cloud.DIGITALOCEAN],
  ['c1-cp-aws-1', Cloud.AWS],
  ['c1-cp-gcp-1', Cloud.GCP],
];
const PUBLIC_ADDRESS: Record<Cloud, [string, string]> = {
  [Cloud.AWS]: ['aws_eip', 'public_ip'],
  [Cloud.GCP]: ['google_compute_address', 'address'],
  [Cloud.AZURE]: ['azurerm_public_ip', 'ip_address'],
  [Cloud.DIGITALOCEAN]: ['digitalocean_reserved_ip', 'ip_address'],
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

describe('the API seeds on every node of every cloud', () => {
  const { cluster, json } = synth();
  const seedsLocals = Object.keys(json.locals ?? {}).filter((name) => name.startsWith('c1_api-servers'));
  const local = `local.${seedsLocals[0]}`;
  /** A made-up address per control plane, in their order: what Terraform would fill in. */
  const fake = new Map(CONTROL_PLANES.map(([name, cloud], i) => {
    const [type, attribute] = PUBLIC_ADDRESS[cloud];
    return [`\${${type}.${logicalId(json, type, `${name}-ip`)}.${attribute}}`, `192.0.2.${i + 1}`];
  }));
  const expected = [...fake.values()];
  const carriers = Object.entries(CHANNEL).flatMap(([type, channel]) =>
    Object.entries(json.resource[type] ?? {}).map(([id, body]) => ({ address: `${type}.${id}`, type, value: channel(body) })),
  );

  test('one local holds them: every control plane\'s public address, in the order the groups were added, and nothing else', () => {
    expect(seedsLocals).toHaveLength(1);
    expect(json.locals![seedsLocals[0]]).toBe([...fake.keys()].join(' '));
  });

  test('every node carries them: each static node, and the template of each autoscaled group, of every cloud', () => {
    const description = JSON.parse(json.output.cast_cluster_c1.value);
    const staticNodes: string[] = description.nodes.map((n: { address: string }) => n.address);
    const groups: string[] = description.scalingGroups.map((g: { name: string }) => g.name);
    expect([staticNodes.length, groups.length]).toEqual([CONTROL_PLANES.length + 2 + 4, 4]);
    const addresses = carriers.map((c) => c.address);
    expect(addresses).toEqual(expect.arrayContaining(staticNodes));
    // AWS and GCP groups start their nodes from a template, which carries the seeds; Azure's scale set and DigitalOcean's pool carry them themselves.
    for (const group of groups) expect({ group, carriers: addresses.filter((a) => !staticNodes.includes(a) && a.includes(`_${group}`)).length }).toEqual({ group, carriers: 1 });
    expect(addresses).toHaveLength(staticNodes.length + groups.length);
  });

  test('AWS, GCP and Azure: the key cast-api-servers names the local, so it resolves to the seeds in order', () => {
    const keyed = carriers.filter((c) => !c.type.startsWith('digitalocean_'));
    expect(new Set(keyed.map((c) => c.type))).toEqual(new Set(Object.keys(CHANNEL).filter((type) => !type.startsWith('digitalocean_'))));
    for (const c of keyed) expect({ address: c.address, value: c.value }).toEqual({ address: c.address, value: `\${${local}}` });
  });

  test('AWS: instances show their tags in IMDS, where the node reads the seeds', () => {
    for (const body of [...Object.values(json.resource.aws_instance), ...Object.values(json.resource.aws_launch_template)]) {
      expect(body.metadata_options).toMatchObject({ http_tokens: 'required', instance_metadata_tags: 'enabled' });
    }
  });

  describeWithTool('terraform', 'terraform', 'DigitalOcean: terraform console evaluates the tags', () => {
    const droplets = carriers.filter((c) => c.type.startsWith('digitalocean_'));

    test.each(droplets.map((c) => [c.address, c.value as string] as const))('%s: cast-api:<index>:<a-b-c-d>, one per seed, in order, beside the fixed tags', (_address, tags) => {
      const seeds = [...fake.keys()].map((reference) => fake.get(reference)).join(' ');
      // The seeds local resolved, every other reference (the firewall tag's name) a placeholder.
      const expression = (tags as string)
        .replace(/^\$\{([\s\S]*)\}$/, '$1')
        .split(local)
        .join(JSON.stringify(seeds))
        .replace(/\b(digitalocean_tag\.[\w-]+\.name)\b/g, '"$1"');
      const evaluated: string[] = JSON.parse(JSON.parse(terraformConsole(`jsonencode(${expression})`)));
      expect(evaluated.filter((tag) => tag.startsWith('cast-api:'))).toEqual(expected.map((address, i) => `cast-api:${i}:${address.replace(/\./g, '-')}`));
      expect(evaluated).toContain(`cast-cluster-uuid:${cluster.uuid}`);
      expect(evaluated[0]).toMatch(/^digitalocean_tag\./);
    });
  });

  test('no user-data names the seeds: they change in place, user-data would replace Azure and DigitalOcean VMs', () => {
    const userData = Object.entries(json.locals!).filter(([name]) => name.includes('user-data'));
    expect(userData.length).toBe(carriers.length);
    for (const [name, template] of userData) {
      // A control plane's user-data names its own public address, as every static node's does; no other.
      const others = [...fake.keys()].filter((reference) => template.includes(reference) && !reference.includes(`_${nodeOf(name)}-ip_`));
      expect({ name, local: template.includes(local), others }).toEqual({ name, local: false, others: [] });
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
    const seeds = Object.entries(json.locals!).find(([name]) => name.startsWith('c1_api-servers'))![1];
    expect(seeds).not.toContain('api.example.com');
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
