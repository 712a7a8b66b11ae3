/** planCluster: the whole cluster's synth-time plan from plain groups, no App. */
import { planAddresses } from '../../lib/core/address-plan';
import { AUTOSCALING_POLICY_DEFAULTS, AzureAutoscalerFacts } from '../../lib/core/autoscaling';
import { renderNodeUserData } from '../../lib/core/bootstrap/node-bootstrap';
import { NodeBootstrapCredentials, NodeBootstrapInput } from '../../lib/core/bootstrap/node-bootstrap-input';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { ClusterGroupInput, ClusterPlan, ClusterPlanInput, meshNodesOf, nodeTaintsOf, planCluster } from '../../lib/core/cluster-plan';
import { contains, parseCidr } from '../../lib/core/cidr';
import { etcdTimings } from '../../lib/core/etcd-timings';
import { MeshMode } from '../../lib/core/mesh/mesh-mode';
import { meshScalingZone } from '../../lib/core/mesh/scaling-zone';
import { NodeRole } from '../../lib/core/node-role';
import { CAST_REGIONS, locationIn } from '../../lib/core/regions';
import { problemsOf } from '../support/plan-errors';

const ref = (expression: string) => `\${${expression}}`;

/** Every credential as the Terraform reference the cluster passes. */
const CREDENTIALS: Required<NodeBootstrapCredentials> = {
  caCertB64: ref('base64encode(tls_self_signed_cert.ca.cert_pem)'),
  caKeyB64: ref('base64encode(tls_private_key.ca.private_key_pem)'),
  frontProxyCaCertB64: ref('base64encode(tls_self_signed_cert.fp.cert_pem)'),
  frontProxyCaKeyB64: ref('base64encode(tls_private_key.fp.private_key_pem)'),
  etcdCaCertB64: ref('base64encode(tls_self_signed_cert.etcd.cert_pem)'),
  etcdCaKeyB64: ref('base64encode(tls_private_key.etcd.private_key_pem)'),
  serviceAccountKeyB64: ref('base64encode(tls_private_key.sa.private_key_pem)'),
  serviceAccountPubB64: ref('base64encode(tls_private_key.sa.public_key_pem)'),
  bootstrapTokenId: ref('random_string.token_id.result'),
  bootstrapTokenSecret: ref('random_password.token_secret.result'),
};

const AZURE_AUTOSCALER: AzureAutoscalerFacts = {
  subscriptionId: ref('data.azurerm_client_config.current.subscription_id'),
  resourceGroup: ref('azurerm_resource_group.rg.name'),
  clientId: ref('azurerm_user_assigned_identity.autoscaler.client_id'),
};

/** A static group of named nodes; addresses are the references its cloud would give. */
function group(path: string, cloud: Cloud, role: NodeRole, names: string[], more: Partial<ClusterGroupInput> = {}): ClusterGroupInput {
  return {
    path,
    cloud,
    role,
    labels: {},
    taints: [],
    spot: false,
    kubernetesVersion: '1.34.2',
    nodes: names.map((name) => ({ name, publicAddress: ref(`ip.${name}.address`), privateAddress: ref(`vm.${name}.private_ip`) })),
    ...more,
  };
}

/** An autoscaled worker group `<cluster>-<id>`. */
function scaled(path: string, cloud: Cloud, name: string, size: { maxNodes?: number; vcpu?: number; memoryGiB?: number } = {}): ClusterGroupInput {
  return {
    ...group(path, cloud, NodeRole.WORKER, []),
    scaled: { name, minNodes: 1, maxNodes: size.maxNodes ?? 5, vcpu: size.vcpu ?? 2, memoryGiB: size.memoryGiB ?? 4, autoscalerRef: ref(`group.${name}.name`) },
  };
}

function input(groups: ClusterGroupInput[], more: Partial<ClusterPlanInput> = {}): ClusterPlanInput {
  const clouds = ALL_CLOUDS;
  return {
    clusterName: 'c1',
    castRegion: 'us-east',
    kubernetesVersion: '1.34.2',
    addresses: planAddresses({ clouds, clusterKey: 'd005c303-c9b3-5a20-8512-787b5eb53954' }),
    nodePortRange: { from: 30000, to: 32767 },
    mesh: { mode: MeshMode.FULL_MESH, listenPort: 51820, mtu: 1420, persistentKeepalive: 25, gatewaysPerCloud: 1 },
    groups,
    clouds: {
      [Cloud.AWS]: { location: { region: 'us-east-1', zone: 'us-east-1a' }, meshAgent: { url: 'https://agent.example/cast-mesh-agent.tar', sha256: 'a'.repeat(64) } },
      [Cloud.GCP]: { location: { region: 'us-east4', zone: 'us-east4-a' } },
      [Cloud.AZURE]: { location: { region: 'eastus', zone: '1' }, azureAutoscaler: AZURE_AUTOSCALER },
      [Cloud.DIGITALOCEAN]: { location: { region: 'nyc1', zone: 'nyc1' } },
    },
    autoscalingPolicy: AUTOSCALING_POLICY_DEFAULTS,
    credentials: CREDENTIALS,
    ...more,
  };
}


const cp = (names: string[], cloud = Cloud.GCP) => group('s/c1/cp', cloud, NodeRole.CONTROL_PLANE, names);
const workers = (names: string[], cloud = Cloud.AWS) => group('s/c1/workers', cloud, NodeRole.WORKER, names);

const address = (name: string) => ref(`ip.${name}.address`);

describe('planCluster: the first control plane, the seeds and the endpoint', () => {
  test.each<[string, ClusterGroupInput[], string]>([
    ['the first node of the only control-plane group', [cp(['cp-1', 'cp-2', 'cp-3'])], 'cp-1'],
    ['a worker group added first does not take it', [workers(['w-1']), cp(['cp-1'])], 'cp-1'],
    ['a control-plane group added later does not take it', [cp(['b-1']), group('s/c1/cp2', Cloud.AWS, NodeRole.CONTROL_PLANE, ['a-1'])], 'b-1'],
    ['the order of the names in the group, not their sort order', [cp(['z-1', 'a-1'])], 'z-1'],
    ['an empty control-plane group does not take it', [group('s/c1/none', Cloud.AWS, NodeRole.CONTROL_PLANE, []), cp(['cp-1'])], 'cp-1'],
  ])('the first control plane: %s; the endpoint is its public address', (_name, groups, first) => {
    const plan = planCluster(input(groups));
    expect(plan.firstControlPlane).toBe(first);
    expect(plan.endpoint).toBe(address(first));
    expect(plan.apiServers.split(' ')[0]).toBe(address(first));
  });

  test.each<[string, ClusterGroupInput[], string[]]>([
    ['one control plane', [cp(['cp-1'])], ['cp-1']],
    ['one group, in its order', [cp(['z-1', 'a-1', 'm-1'])], ['z-1', 'a-1', 'm-1']],
    [
      'groups in the order they were added; static and autoscaled workers left out',
      [
        workers(['w-1', 'w-2']),
        group('s/c1/cpa', Cloud.AZURE, NodeRole.CONTROL_PLANE, ['az-1']),
        scaled('s/c1/burst', Cloud.AWS, 'c1-burst'),
        group('s/c1/cpg', Cloud.AWS, NodeRole.CONTROL_PLANE, ['aws-2', 'aws-1']),
        workers(['w-3'], Cloud.AZURE),
        cp(['gcp-1']),
      ],
      ['az-1', 'aws-2', 'aws-1', 'gcp-1'],
    ],
    ['fifteen, the most a node carries', [cp(Array.from({ length: 15 }, (_, i) => `cp-${i + 1}`))], Array.from({ length: 15 }, (_, i) => `cp-${i + 1}`)],
  ])('apiServers: every control plane\'s public address, in group order, and nothing else: %s', (_name, groups, controlPlanes) => {
    expect(planCluster(input(groups)).apiServers).toBe(controlPlanes.map(address).join(' '));
  });

  test('apiServers in cloud-network mode too: public addresses, which a node can reach before any network of the cluster exists', () => {
    const plan = planCluster(input([cp(['cp-1', 'cp-2'])], { mesh: { ...input([]).mesh, mode: MeshMode.CLOUD_NETWORK } }));
    expect(plan.apiServers).toBe(`${address('cp-1')} ${address('cp-2')}`);
  });

  test.each<[string, string | undefined, (plan: ClusterPlan) => string]>([
    ['without apiServerDnsName: the first control plane\'s public address', undefined, () => address('cp-1')],
    ['with apiServerDnsName: the name', 'api.example.com', () => 'api.example.com'],
  ])('the endpoint for users, %s; every node, control plane, worker or autoscaled, carries the name or nothing', (_name, apiServerDnsName, endpoint) => {
    const plan = planCluster(input([cp(['cp-1', 'cp-2', 'cp-3']), workers(['w-1']), scaled('s/c1/web', Cloud.GCP, 'c1-web')], { apiServerDnsName }));
    expect(plan.endpoint).toBe(endpoint(plan));
    for (const bootstrap of [...plan.nodes, ...plan.scaledGroups].map((n) => n.bootstrap)) expect(bootstrap.apiServerDnsName).toBe(apiServerDnsName);
  });

  test('no bootstrap input holds another node\'s name or address: the seeds travel beside user-data, never in it', () => {
    const plan = planCluster(
      input(
        [cp(['cp-1', 'cp-2'], Cloud.AWS), cp(['cp-3'], Cloud.AZURE), workers(['w-1'], Cloud.GCP), workers(['do-1'], Cloud.DIGITALOCEAN), scaled('s/c1/burst', Cloud.AWS, 'c1-burst')],
        { apiServerDnsName: 'api.example.com' },
      ),
    );
    const names = plan.nodes.map((n) => n.name);
    for (const holder of [...plan.nodes.map((n) => ({ name: n.name, bootstrap: n.bootstrap })), ...plan.scaledGroups]) {
      const text = JSON.stringify(holder.bootstrap);
      const others = names.filter((name) => name !== holder.name);
      expect({ holder: holder.name, mentions: others.filter((name) => text.includes(`.${name}.`) || text.includes(`"${name}"`)) }).toEqual({ holder: holder.name, mentions: [] });
      expect(text).not.toContain(plan.apiServers);
    }
  });
});

describe('planCluster: each node kind', () => {
  test('every control plane is a control-plane node, every other node a worker: the first control plane alone may found the cluster', () => {
    const plan = planCluster(input([workers(['w-1']), cp(['cp-1', 'cp-2']), scaled('s/c1/web', Cloud.GCP, 'c1-web')]));
    expect(plan.nodes.map((n) => [n.name, n.bootstrap.kind])).toEqual([
      ['w-1', 'worker'],
      ['cp-1', 'control-plane'],
      ['cp-2', 'control-plane'],
    ]);
    expect(plan.scaledGroups.map((g) => g.bootstrap.kind)).toEqual(['worker']);
    const [first, second] = plan.nodes.slice(1).map((n) => n.bootstrap);
    expect([first.mayFound, second.mayFound, plan.nodes[0].bootstrap.mayFound, plan.scaledGroups[0].bootstrap.mayFound]).toEqual([true, false, undefined, undefined]);
    // Beyond that, the first and the second control plane differ only in who they are.
    const identity = ['nodeName', 'publicAddress', 'meshAddress', 'mayFound'] as const;
    const rest = (b: typeof first) => Object.fromEntries(Object.entries(b).filter(([key]) => !(identity as readonly string[]).includes(key)));
    expect(rest(first)).toEqual(rest(second));
  });

  test('control-plane nodes get every credential, workers the CA certificate and the bootstrap token only', () => {
    const plan = planCluster(input([cp(['cp-1', 'cp-2']), workers(['w-1'])]));
    expect(plan.nodes[0].bootstrap.credentials).toEqual(CREDENTIALS);
    expect(plan.nodes[1].bootstrap.credentials).toEqual(CREDENTIALS);
    expect(plan.nodes[2].bootstrap.credentials).toEqual({ caCertB64: CREDENTIALS.caCertB64, bootstrapTokenId: CREDENTIALS.bootstrapTokenId, bootstrapTokenSecret: CREDENTIALS.bootstrapTokenSecret });
  });

  test('labels: the group\'s, then where the node runs; taints: kubeadm\'s on control planes unless the group sets its own', () => {
    const own = { key: 'node-role.kubernetes.io/control-plane', effect: 'PreferNoSchedule' };
    const plan = planCluster(
      input([
        group('s/c1/cp', Cloud.AZURE, NodeRole.CONTROL_PLANE, ['cp-1'], { labels: { 'example.com/a': 'b' } }),
        group('s/c1/cp2', Cloud.GCP, NodeRole.CONTROL_PLANE, ['cp-2'], { taints: [own] }),
      ]),
    );
    expect(plan.nodes[0].bootstrap.nodeLabels).toEqual({ 'example.com/a': 'b', 'cast-cluster/cloud': 'azure', 'topology.kubernetes.io/region': 'eastus', 'topology.kubernetes.io/zone': '1' });
    expect(plan.nodes[0].bootstrap.nodeTaints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(plan.nodes[1].bootstrap.nodeTaints).toEqual([{ key: own.key, value: undefined, effect: own.effect }]);
    expect(nodeTaintsOf(NodeRole.WORKER, [])).toEqual([]);
  });

  test('per cloud: the AWS agent download, the DigitalOcean subnet as the private range', () => {
    const plan = planCluster(input([cp(['cp-1'], Cloud.AWS), workers(['do-1'], Cloud.DIGITALOCEAN)]));
    const [aws, digitalocean] = plan.nodes.map((n) => n.bootstrap.mesh!);
    expect(aws).toMatchObject({ agentUrl: 'https://agent.example/cast-mesh-agent.tar', agentSha256: 'a'.repeat(64), privateCidr: undefined });
    const subnet = input([]).addresses.networks.find((n) => n.cloud === Cloud.DIGITALOCEAN)!.subnetCidr;
    expect(digitalocean).toMatchObject({ agentUrl: undefined, privateCidr: subnet });
  });

  test('every bootstrap input of a plan renders', () => {
    const plan = planCluster(input([cp(['cp-1', 'cp-2', 'cp-3'], Cloud.AWS), workers(['w-1'], Cloud.GCP), scaled('s/c1/burst', Cloud.AWS, 'c1-burst')]));
    for (const bootstrap of [...plan.nodes, ...plan.scaledGroups].map((n) => n.bootstrap)) expect(renderNodeUserData(bootstrap)).toMatch(/^#cloud-config\n/);
  });
});

/** Every static node's and autoscaled group's bootstrap input, by name. */
function inputsOf(plan: ClusterPlan): Map<string, NodeBootstrapInput> {
  return new Map([...plan.nodes.map((n) => [n.name, n.bootstrap] as const), ...plan.scaledGroups.map((g) => [g.name, g.bootstrap] as const)]);
}

/** The nodes and groups of both plans whose bootstrap input differs, each with the fields that differ. */
function changedInputs(before: ClusterPlan, after: ClusterPlan): Record<string, string[]> {
  const later = inputsOf(after);
  const changed: Record<string, string[]> = {};
  for (const [name, was] of inputsOf(before)) {
    const now = later.get(name);
    if (!now) continue;
    const fields = (Object.keys({ ...was, ...now }) as (keyof NodeBootstrapInput)[]).filter((key) => JSON.stringify(was[key]) !== JSON.stringify(now[key]));
    if (fields.length > 0) changed[name] = fields.sort();
  }
  return changed;
}

/**
 * Control planes on three clouds, the first alone on GCP (so removing it takes a cloud out of
 * etcd's round trips), workers, and autoscaled groups that scale themselves.
 */
const BASE: ClusterGroupInput[] = [
  group('s/c1/cp-gcp', Cloud.GCP, NodeRole.CONTROL_PLANE, ['cp-g1']),
  group('s/c1/cp-aws', Cloud.AWS, NodeRole.CONTROL_PLANE, ['cp-a1', 'cp-a2']),
  group('s/c1/cp-azure', Cloud.AZURE, NodeRole.CONTROL_PLANE, ['cp-z1', 'cp-z2']),
  workers(['w-a1', 'w-a2'], Cloud.AWS),
  group('s/c1/do', Cloud.DIGITALOCEAN, NodeRole.WORKER, ['do-1', 'do-2', 'do-3']),
  scaled('s/c1/web', Cloud.GCP, 'c1-web'),
  scaled('s/c1/pool', Cloud.DIGITALOCEAN, 'c1-pool'),
];
const at = (path: string) => BASE.findIndex((g) => g.path === path);
/** BASE with the group at `path` given other node names (or left out, for none), each with its own address. */
function withNodes(path: string, names: string[] | undefined, groups = BASE): ClusterGroupInput[] {
  return groups.flatMap((g) => (g.path !== path ? [g] : names ? [{ ...g, nodes: group(path, g.cloud, g.role, names).nodes }] : []));
}

/** The first control plane's VM and address replaced under the same name: a new public address reference. */
const replacedInPlace = BASE.map((g) => (g.path === 's/c1/cp-gcp' ? { ...g, nodes: [{ ...g.nodes[0], publicAddress: ref('ip.cp-g1-new.address') }] } : g));

describe('planCluster: what a change to the cluster changes in the other nodes\' bootstrap input', () => {
  type Case = [string, ClusterGroupInput[], Record<string, string[]>];
  const cases: Case[] = [
    ...ALL_CLOUDS.map((cloud): Case => [`adding a worker on ${cloud}`, [...BASE, group('s/c1/extra', cloud, NodeRole.WORKER, ['extra-1'])], {}]),
    ['removing a worker from the middle of a group', withNodes('s/c1/do', ['do-1', 'do-3']), {}],
    ['removing a static worker group', BASE.filter((_g, i) => i !== at('s/c1/workers')), {}],
    ['adding an autoscaled group on GCP', [...BASE, scaled('s/c1/batch', Cloud.GCP, 'c1-batch')], {}],
    ['adding an autoscaled group on DigitalOcean', [...BASE, scaled('s/c1/more', Cloud.DIGITALOCEAN, 'c1-more')], {}],
    ['removing an autoscaled group', BASE.filter((g) => g.path !== 's/c1/web'), {}],
    ['adding a control plane to a group', withNodes('s/c1/cp-aws', ['cp-a1', 'cp-a2', 'cp-a3']), {}],
    ['adding control planes on a cloud that had none', [...BASE, group('s/c1/cp-do', Cloud.DIGITALOCEAN, NodeRole.CONTROL_PLANE, ['cp-d1', 'cp-d2'])], {}],
    ['removing a control plane that is not the first', withNodes('s/c1/cp-aws', ['cp-a2']), {}],
    // The next control plane becomes the first: it may found the cluster from now on (its user-data
    // only shapes a replacement: running VMs keep theirs), and nothing else changes.
    ['removing the first control plane, and with it the only one on its cloud', withNodes('s/c1/cp-gcp', undefined), { 'cp-a1': ['mayFound'] }],
    ['replacing the first control plane by a new one in its place', withNodes('s/c1/cp-gcp', ['cp-g9']), {}],
    ['replacing the first control plane\'s VM and address, same name: only its own input changes', replacedInPlace, { 'cp-g1': ['publicAddress'] }],
  ];

  test.each(cases.flatMap(([name, after, changed]) => [undefined, 'api.example.com'].map((dns) => [name, dns, after, changed] as const)))(
    '%s (apiServerDnsName %s): no other node\'s or group\'s input changes',
    (_name, apiServerDnsName, after, changed) => {
      const [a, b] = [planCluster(input(BASE, { apiServerDnsName })), planCluster(input(after, { apiServerDnsName }))];
      expect(changedInputs(a, b)).toEqual(changed);
      // What a control plane change does change: the seeds, which every node carries in place.
      const seeds = (groups: ClusterGroupInput[]) => groups.filter((g) => g.role === NodeRole.CONTROL_PLANE).flatMap((g) => g.nodes.map((n) => n.publicAddress)).join(' ');
      expect(b.apiServers).toBe(seeds(after));
    },
  );

  test('removing the first control plane: the next one is first, told nothing it was not told before', () => {
    const [a, b] = [planCluster(input(BASE)), planCluster(input(withNodes('s/c1/cp-gcp', undefined)))];
    expect([a.firstControlPlane, b.firstControlPlane]).toEqual(['cp-g1', 'cp-a1']);
    expect(b.apiServers).toBe(a.apiServers.split(' ').slice(1).join(' '));
    expect(b.endpoint).toBe(address('cp-a1'));
    expect(b.etcd).toEqual(a.etcd);
  });

  test('replacing the first control plane under a new name: the newcomer\'s input is the one it replaced, but for who it is', () => {
    const [a, b] = [planCluster(input(BASE)), planCluster(input(withNodes('s/c1/cp-gcp', ['cp-g9'])))];
    const identity = (bootstrap: NodeBootstrapInput) => ({ ...bootstrap, nodeName: undefined, publicAddress: undefined, meshAddress: undefined });
    expect(identity(inputsOf(b).get('cp-g9')!)).toEqual(identity(inputsOf(a).get('cp-g1')!));
  });

  /*
   * The one exception, by choice (lib/core/cluster-plan.ts): with AWS or Azure autoscaled
   * groups, the first control plane carries the cluster-autoscaler manifests, so that a
   * policy change reaches one node's user-data, not every control plane's. Removing the
   * first control plane hands them to the next one: that node's user-data changes, which
   * on Azure or DigitalOcean replaces it (docs/lifecycle.md). Pinned here so that a change
   * to either side of the trade-off is made on purpose.
   */
  // cluster-autoscaler and the headroom are the in-cluster stack's (lib/core/in-cluster): no node carries them.
  describe('with AWS or Azure autoscaled groups, no node carries the autoscaling', () => {
    const elastic = [...BASE, scaled('s/c1/burst', Cloud.AWS, 'c1-burst'), scaled('s/c1/batch', Cloud.AZURE, 'c1-batch')];

    test.each<[string, ClusterGroupInput[], Partial<ClusterPlanInput>]>([
      ['adding an AWS autoscaled group', [...elastic, scaled('s/c1/burst2', Cloud.AWS, 'c1-burst2')], {}],
      ['removing the Azure autoscaled group', elastic.filter((g) => g.path !== 's/c1/batch'), {}],
      ['a policy change', elastic, { autoscalingPolicy: { ...AUTOSCALING_POLICY_DEFAULTS, maxCores: 64 } }],
    ])('%s changes no node\'s input, and the autoscaler input', (_name, after, more) => {
      const [a, b] = [planCluster(input(elastic)), planCluster(input(after, more))];
      expect(changedInputs(a, b)).toEqual({});
      expect(b.autoscaler).not.toEqual(a.autoscaler);
    });

    test('removing, adding or replacing any other node changes nothing', () => {
      const a = planCluster(input(elastic));
      for (const after of [withNodes('s/c1/cp-aws', ['cp-a2'], elastic), withNodes('s/c1/do', ['do-1'], elastic), [...elastic, cp(['cp-g2'])]]) {
        expect(changedInputs(a, planCluster(input(after)))).toEqual({});
      }
    });

    test('removing the first control plane changes no other node\'s input but the next one\'s mayFound', () => {
      const [a, b] = [planCluster(input(elastic)), planCluster(input(withNodes('s/c1/cp-gcp', undefined, elastic)))];
      expect(b.firstControlPlane).not.toBe(a.firstControlPlane);
      expect(changedInputs(a, b)).toEqual({ [b.firstControlPlane]: ['mayFound'] });
    });
  });
});

describe('planCluster: etcd\'s timers', () => {
  test.each<[string, Cloud[]]>([
    ['us-east', [Cloud.GCP]],
    ['us-east', [Cloud.AWS, Cloud.GCP, Cloud.AZURE]],
    ['us-central', [Cloud.AWS, Cloud.GCP, Cloud.AZURE]],
    ['us-west', [Cloud.AZURE, Cloud.DIGITALOCEAN, Cloud.AZURE]],
  ])('in %s with control planes on %j: etcdTimings over the region and the control planes\' clouds, on every control plane and no other node', (castRegion, clouds) => {
    const groups = [...clouds.map((cloud, i) => group(`s/c1/cp-${i}`, cloud, NodeRole.CONTROL_PLANE, [`cp-${i}`])), workers(['w-1'], clouds[0]), scaled('s/c1/web', Cloud.GCP, 'c1-web')];
    const plan = planCluster(input(groups, { castRegion }));
    const { heartbeatIntervalMs, electionTimeoutMs } = etcdTimings({ castRegion, controlPlaneClouds: clouds });
    expect(plan.etcd).toEqual({ heartbeatIntervalMs, electionTimeoutMs });
    for (const node of plan.nodes) expect(node.bootstrap.etcd).toEqual(node.role === NodeRole.CONTROL_PLANE ? plan.etcd : undefined);
    expect(plan.scaledGroups[0].bootstrap.etcd).toBeUndefined();
  });

  test.each<[string, { heartbeatIntervalMs?: number; electionTimeoutMs?: number }, { heartbeatIntervalMs: number; electionTimeoutMs: number }]>([
    ['both timers', { heartbeatIntervalMs: 250, electionTimeoutMs: 4000 }, { heartbeatIntervalMs: 250, electionTimeoutMs: 4000 }],
    ['a heartbeat alone: ten of them to an election', { heartbeatIntervalMs: 300 }, { heartbeatIntervalMs: 300, electionTimeoutMs: 3000 }],
    ['an election timeout alone: the computed heartbeat', { electionTimeoutMs: 5000 }, { heartbeatIntervalMs: 100, electionTimeoutMs: 5000 }],
  ])('the etcd override wins: %s', (_name, etcd, timers) => {
    const plan = planCluster(input([cp(['cp-1', 'cp-2', 'cp-3'])], { etcd }));
    expect(plan.etcd).toEqual(timers);
    for (const node of plan.nodes) expect(node.bootstrap.etcd).toEqual(timers);
  });

  // Every control plane carries the timers, so timers that followed the set of clouds would
  // put a control plane added or removed on another cloud into every other control plane's
  // user-data. They do not move: every round trip in the table is under etcd's 100 ms floor.
  test('a control plane on another cloud moves no timer: the same timers for every set of clouds in every Cast region', () => {
    const timers = new Set<string>();
    for (const region of CAST_REGIONS) {
      const served = ALL_CLOUDS.filter((cloud) => locationIn(region, cloud));
      for (let mask = 1; mask < 2 ** served.length; mask++) {
        const clouds = served.filter((_c, i) => (mask >> i) & 1);
        const groups = clouds.map((cloud) => group(`s/c1/cp-${cloud}`, cloud, NodeRole.CONTROL_PLANE, [`cp-${cloud}`]));
        timers.add(JSON.stringify(planCluster(input(groups, { castRegion: region.id })).etcd));
      }
    }
    expect([...timers]).toEqual([JSON.stringify({ heartbeatIntervalMs: 100, electionTimeoutMs: 1000 })]);
  });
});

describe('planCluster: mesh addresses', () => {
  const before = planCluster(input([cp(['cp-1', 'cp-2', 'cp-3']), workers(['w-1', 'w-2'])]));

  test('each static node has one, inside the mesh range, in its bootstrap input and as its cluster address', () => {
    const mesh = parseCidr('10.4.0.0/16');
    for (const node of before.nodes) {
      const address = before.meshAddresses.get(node.name)!;
      expect(contains(mesh, parseCidr(`${address}/32`))).toBe(true);
      expect(node.bootstrap.meshAddress).toBe(address);
      expect(node.clusterAddress).toBe(address);
    }
    expect(new Set(before.meshAddresses.values()).size).toBe(before.nodes.length);
  });

  test('stable when a group is added: no earlier node moves', () => {
    const after = planCluster(input([cp(['cp-1', 'cp-2', 'cp-3']), workers(['w-1', 'w-2']), group('s/c1/more', Cloud.AZURE, NodeRole.WORKER, ['az-1', 'az-2', 'az-3'])]));
    for (const [name, address] of before.meshAddresses) expect(after.meshAddresses.get(name)).toBe(address);
  });

  test('a pinned address is kept, and reaches the mesh planner', () => {
    const unpinned = workers(['w-1']);
    const pinned = { ...unpinned, nodes: [{ ...unpinned.nodes[0], meshAddress: '10.4.7.7' }] };
    expect(planCluster(input([cp(['cp-1']), pinned])).meshAddresses.get('w-1')).toBe('10.4.7.7');
    expect(meshNodesOf([pinned])).toEqual([{ name: 'w-1', cloud: Cloud.AWS, role: NodeRole.WORKER, publicAddress: ref('ip.w-1.address'), privateAddress: ref('vm.w-1.private_ip'), meshAddress: '10.4.7.7' }]);
  });

  test('in cloud-network mode none: the cluster address is the private address, read at boot', () => {
    const plan = planCluster(input([cp(['cp-1'])], { mesh: { ...input([]).mesh, mode: MeshMode.CLOUD_NETWORK } }));
    expect(plan.meshAddresses.size).toBe(0);
    expect(plan.nodes[0].clusterAddress).toBe(ref('vm.cp-1.private_ip'));
    expect(plan.nodes[0].bootstrap.meshAddress).toBeUndefined();
  });
});

describe('planCluster: autoscaled groups', () => {
  const groups = [cp(['cp-1'], Cloud.AWS), scaled('s/c1/burst', Cloud.AWS, 'c1-burst', { maxNodes: 20 }), scaled('s/c1/web', Cloud.GCP, 'c1-web')];

  test('one claim block per group, distinct, inside the scaling zone', () => {
    const plan = planCluster(input(groups));
    const zone = parseCidr(meshScalingZone('10.4.0.0/16')!.cidr);
    expect([...plan.claimBlocks.keys()].sort()).toEqual(['c1-burst', 'c1-web']);
    expect(new Set(plan.claimBlocks.values()).size).toBe(2);
    for (const block of plan.claimBlocks.values()) expect(contains(zone, parseCidr(block))).toBe(true);
  });

  test('the input every node of a group boots with: a worker whose name, addresses and mesh address are found at boot', () => {
    const plan = planCluster(input([...groups.slice(0, 2), { ...scaled('s/c1/web', Cloud.GCP, 'c1-web'), spot: true, labels: { pool: 'web' }, taints: [{ key: 'example.com/web', effect: 'NoSchedule' }] }]));
    const web = plan.scaledGroups.find((g) => g.name === 'c1-web')!;
    expect(web.meshClaimCidr).toBe(plan.claimBlocks.get('c1-web'));
    expect(web.bootstrap).toMatchObject({
      kind: 'worker',
      scaledIdentity: { namePrefix: 'c1-web', meshClaimCidr: web.meshClaimCidr },
      cloud: Cloud.GCP,
      spot: true,
      etcd: undefined,
      nodeLabels: { pool: 'web', 'cast-cluster/cloud': 'gcp', 'topology.kubernetes.io/region': 'us-east4', 'topology.kubernetes.io/zone': 'us-east4-a' },
      nodeTaints: [{ key: 'example.com/web', effect: 'NoSchedule' }],
      credentials: { caCertB64: CREDENTIALS.caCertB64, bootstrapTokenId: CREDENTIALS.bootstrapTokenId, bootstrapTokenSecret: CREDENTIALS.bootstrapTokenSecret },
    });
    expect(web.bootstrap.nodeName).toBeUndefined();
    expect(web.bootstrap.publicAddress).toBeUndefined();
    expect(web.bootstrap.meshAddress).toBeUndefined();
    expect(web.bootstrap.credentials.caKeyB64).toBeUndefined();
  });

  test('in cloud-network mode no claim block: the node uses its private address', () => {
    const plan = planCluster(input([cp(['cp-1']), scaled('s/c1/web', Cloud.GCP, 'c1-web')], { mesh: { ...input([]).mesh, mode: MeshMode.CLOUD_NETWORK } }));
    expect(plan.claimBlocks.size).toBe(0);
    expect(plan.scaledGroups[0].bootstrap.scaledIdentity).toEqual({ namePrefix: 'c1-web', meshClaimCidr: undefined });
  });

  test.each<[string, ClusterGroupInput[], Cloud[]]>([
    ['no autoscaled group: no autoscaler', [cp(['cp-1'], Cloud.AWS)], []],
    ['groups that scale themselves (GCP, DigitalOcean): no autoscaler', [cp(['cp-1'], Cloud.AWS), scaled('s/c1/web', Cloud.GCP, 'c1-web'), scaled('s/c1/do', Cloud.DIGITALOCEAN, 'c1-do')], []],
    ['an AWS group: the AWS autoscaler', groups, [Cloud.AWS]],
    ['AWS and Azure groups: one autoscaler each', [...groups, group('s/c1/cpz', Cloud.AZURE, NodeRole.CONTROL_PLANE, ['cpz-1']), scaled('s/c1/batch', Cloud.AZURE, 'c1-batch')], [Cloud.AWS, Cloud.AZURE]],
  ])('autoscaler input only for a cloud whose groups cluster-autoscaler resizes: %s', (_name, groupList, clouds) => {
    const plan = planCluster(input([...groupList, workers(['w-1'], Cloud.GCP)]));
    expect(plan.autoscaler?.clouds.map((c) => c.cloud) ?? []).toEqual(clouds);
  });

  test('the autoscaler input: each cloud\'s groups and facts, placeholders sized by the smallest scaled node of any cloud', () => {
    const plan = planCluster(
      input([
        group('s/c1/cpz', Cloud.AZURE, NodeRole.CONTROL_PLANE, ['cpz-1']),
        scaled('s/c1/batch', Cloud.AZURE, 'c1-batch', { vcpu: 8, memoryGiB: 32 }),
        cp(['cp-1'], Cloud.AWS),
        scaled('s/c1/burst', Cloud.AWS, 'c1-burst', { vcpu: 4, memoryGiB: 16, maxNodes: 20 }),
        scaled('s/c1/web', Cloud.GCP, 'c1-web', { vcpu: 2, memoryGiB: 8 }),
        scaled('s/c1/tiny', Cloud.DIGITALOCEAN, 'c1-tiny', { vcpu: 2, memoryGiB: 4 }),
      ]),
    );
    expect(plan.autoscaler).toEqual({
      kubernetesVersion: '1.34.2',
      policy: AUTOSCALING_POLICY_DEFAULTS,
      clouds: [
        { cloud: Cloud.AWS, groups: [{ name: 'c1-burst', minNodes: 1, maxNodes: 20, autoscalerRef: ref('group.c1-burst.name') }], aws: { region: 'us-east-1' }, azure: undefined },
        { cloud: Cloud.AZURE, groups: [{ name: 'c1-batch', minNodes: 1, maxNodes: 5, autoscalerRef: ref('group.c1-batch.name') }], aws: undefined, azure: AZURE_AUTOSCALER },
      ],
      smallestScaledNode: { vcpu: 2, memoryGiB: 4 },
    });
  });
});

describe('planCluster: problems', () => {
  test('every problem at once', () => {
    const problems = problemsOf(() => planCluster(input([cp(['cp-1'], Cloud.GCP), scaled('s/c1/a', Cloud.AWS, 'c1-a'), scaled('s/c1/z', Cloud.AZURE, 'c1-z')])));
    expect(problems).toEqual([expect.stringMatching(/^autoscaled node groups on AWS need a control-plane node on AWS \(got s\/c1\/a and none\)/), expect.stringMatching(/^autoscaled node groups on Azure need a control-plane node on Azure \(got s\/c1\/z and none\)/)]);
  });

  test('bad etcd timers are problems of the plan, with the groups\' problems, all at once', () => {
    const problems = problemsOf(() =>
      planCluster(input([cp(Array.from({ length: 16 }, (_, i) => `cp-${i + 1}`)), scaled('s/c1/z', Cloud.AZURE, 'c1-z')], { etcd: { heartbeatIntervalMs: 0, electionTimeoutMs: 60000 } })),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^control-plane nodes must be at most 15 \(got 16\)/),
      expect.stringMatching(/^autoscaled node groups on Azure need a control-plane node on Azure/),
      expect.stringMatching(/^etcd\.heartbeatIntervalMs must be a whole number of milliseconds from 1 to 10000 \(got 0\)/),
      expect.stringMatching(/^etcd\.electionTimeoutMs must be a whole number of milliseconds from 1 to 50000 \(got 60000\)/),
    ]);
  });

  test.each<[string, Partial<ClusterPlanInput>, ClusterGroupInput[], RegExp]>([
    ['an election timeout under 5 heartbeats', { etcd: { heartbeatIntervalMs: 200, electionTimeoutMs: 900 } }, [cp(['cp-1'])], /^etcd\.electionTimeoutMs must be at least 5 heartbeats, 1000 ms \(got 900/],
    ['the Cast region the timers follow', { castRegion: 'mars' }, [cp(['cp-1'])], /^castRegion must be one of asia-india, .* \(got "mars"\)/],
    ['a control plane on a cloud that does not serve the region', { castRegion: 'eu-north' }, [cp(['cp-1'], Cloud.DIGITALOCEAN)], /^controlPlaneClouds must be clouds that serve Cast region eu-north \(got DigitalOcean\)/],
  ])('etcd: %s', (_name, more, groups, problem) => {
    expect(problemsOf(() => planCluster(input(groups, more)))).toEqual([expect.stringMatching(problem)]);
  });

  test.each<[string, ClusterGroupInput[], string]>([
    ['only workers', [workers(['w-1'])], 'node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.'],
    ['only autoscaled workers', [scaled('s/c1/web', Cloud.GCP, 'c1-web')], 'node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.'],
    ['no group at all', [], 'groups must hold a control-plane node to plan a cluster (got no nodes). Add a node group with role NodeRole.CONTROL_PLANE.'],
  ])('no control plane: %s; no etcd problem beside it, even with a bad override', (_name, groups, message) => {
    expect(problemsOf(() => planCluster(input(groups, { etcd: { heartbeatIntervalMs: 0 } })))).toEqual([message]);
  });
});

describe('planCluster: join tokens from the clouds (docs/decisions/0006)', () => {
  const cpStore = { store: 'aws-secrets-manager' as const, secretId: ref('aws_secretsmanager_secret.join.arn'), region: 'us-east-1' };
  const workerStore = { ...cpStore };
  const azureCp = { store: 'azure-key-vault' as const, secretUrl: ref('azurerm_key_vault.join.vault_uri'), identityClientId: ref('azurerm_user_assigned_identity.cp.client_id') };
  const azureWorker = { ...azureCp, identityClientId: ref('azurerm_user_assigned_identity.workers.client_id') };
  const withStores = (groups: ClusterGroupInput[]) => {
    const base = input(groups);
    return {
      ...base,
      clouds: {
        ...base.clouds,
        [Cloud.AWS]: { ...base.clouds[Cloud.AWS]!, joinToken: { controlPlane: cpStore, worker: workerStore } },
        [Cloud.AZURE]: { ...base.clouds[Cloud.AZURE]!, joinToken: { controlPlane: azureCp, worker: azureWorker } },
      },
    };
  };
  const groups = [
    group('s/c1/aws-cp', Cloud.AWS, NodeRole.CONTROL_PLANE, ['aws-cp-1', 'aws-cp-2', 'aws-cp-3']),
    group('s/c1/aws-w', Cloud.AWS, NodeRole.WORKER, ['aws-w-1']),
    group('s/c1/azure-w', Cloud.AZURE, NodeRole.WORKER, ['azure-w-1']),
    group('s/c1/do-w', Cloud.DIGITALOCEAN, NodeRole.WORKER, ['do-w-1']),
    scaled('s/c1/burst', Cloud.AWS, 'c1-burst'),
  ];
  const byName = (plan: ClusterPlan) => Object.fromEntries(plan.nodes.map((n) => [n.name, n.bootstrap]));

  test('each node names its cloud\'s store with its role\'s identity, and gets no static token; nodes without a store get it', () => {
    const plan = planCluster(withStores(groups));
    const nodes = byName(plan);
    expect(nodes['aws-cp-1'].joinToken).toEqual(cpStore);
    expect(nodes['aws-w-1'].joinToken).toEqual(workerStore);
    expect(nodes['azure-w-1'].joinToken).toEqual(azureWorker);
    expect(plan.scaledGroups[0].bootstrap.joinToken).toEqual(workerStore);
    for (const name of ['aws-cp-1', 'aws-w-1', 'azure-w-1']) expect(Object.keys(nodes[name].credentials)).not.toContain('bootstrapTokenSecret');
    expect(nodes['do-w-1'].joinToken).toBeUndefined();
    expect(nodes['do-w-1'].credentials).toEqual({ caCertB64: CREDENTIALS.caCertB64, bootstrapTokenId: CREDENTIALS.bootstrapTokenId, bootstrapTokenSecret: CREDENTIALS.bootstrapTokenSecret });
    // The groups that keep the static token alive, for the key bundle and the synth warning.
    expect(plan.staticTokenGroups).toEqual(['s/c1/do-w']);
  });

  test('a control plane\'s user-data does not depend on other groups: adding a DigitalOcean group changes none', () => {
    const without = byName(planCluster(withStores(groups.filter((g) => g.cloud !== Cloud.DIGITALOCEAN))));
    const withDo = byName(planCluster(withStores(groups)));
    for (const name of ['aws-cp-1', 'aws-cp-2', 'aws-cp-3', 'aws-w-1']) expect(renderNodeUserData(withDo[name])).toBe(renderNodeUserData(without[name]));
  });

  test('without stores every node keeps the static token, as before', () => {
    const plan = planCluster(input(groups));
    expect(plan.nodes.every((n) => n.bootstrap.joinToken === undefined && n.bootstrap.credentials.bootstrapTokenSecret === CREDENTIALS.bootstrapTokenSecret)).toBe(true);
    expect(plan.staticTokenGroups).toEqual(groups.map((g) => g.path));
  });
});

describe('planCluster: keys over the mesh for control planes without a store (docs/decisions/0007)', () => {
  const awsKeys = { store: 'aws-secrets-manager' as const, secretId: ref('aws_secretsmanager_secret.keys.arn'), region: 'us-east-1' };
  const tickets = { 'do-cp-1': ref('random_password.t1.result'), 'do-cp-2': ref('random_password.t2.result') };
  const withAwsStore = (groups: ClusterGroupInput[]) => {
    const base = input(groups, { keyTickets: tickets });
    return { ...base, clouds: { ...base.clouds, [Cloud.AWS]: { ...base.clouds[Cloud.AWS]!, controlPlaneKeys: awsKeys } } };
  };
  const byName = (plan: ClusterPlan) => Object.fromEntries(plan.nodes.map((n) => [n.name, n.bootstrap]));

  test('a DigitalOcean control plane fetches the keys with its ticket when another cloud\'s control plane holds them; its user-data has none', () => {
    const plan = planCluster(withAwsStore([group('s/c1/aws-cp', Cloud.AWS, NodeRole.CONTROL_PLANE, ['aws-cp-1']), group('s/c1/do-cp', Cloud.DIGITALOCEAN, NodeRole.CONTROL_PLANE, ['do-cp-1', 'do-cp-2'])]));
    const nodes = byName(plan);
    expect(nodes['do-cp-1'].controlPlaneKeys).toEqual({ store: 'mesh-handoff', ticket: tickets['do-cp-1'] });
    expect(Object.keys(nodes['do-cp-1'].credentials).sort()).toEqual(['bootstrapTokenId', 'bootstrapTokenSecret', 'caCertB64']);
    expect(nodes['aws-cp-1'].controlPlaneKeys).toEqual(awsKeys);
    expect(plan.keyTickets).toEqual(tickets);
    expect(renderNodeUserData(nodes['do-cp-2'])).not.toContain(CREDENTIALS.caKeyB64);
  });

  test('the first control plane founds the cluster, so it keeps the keys even on DigitalOcean; without a store anywhere, all do', () => {
    const doFirst = byName(planCluster(withAwsStore([group('s/c1/do-cp', Cloud.DIGITALOCEAN, NodeRole.CONTROL_PLANE, ['do-cp-1', 'do-cp-2']), group('s/c1/aws-cp', Cloud.AWS, NodeRole.CONTROL_PLANE, ['aws-cp-1'])])));
    expect(doFirst['do-cp-1'].controlPlaneKeys).toBeUndefined();
    expect(doFirst['do-cp-1'].credentials.caKeyB64).toBe(CREDENTIALS.caKeyB64);
    expect(doFirst['do-cp-2'].controlPlaneKeys).toEqual({ store: 'mesh-handoff', ticket: tickets['do-cp-2'] });
    const noStore = planCluster(input([group('s/c1/do-cp', Cloud.DIGITALOCEAN, NodeRole.CONTROL_PLANE, ['do-cp-1', 'do-cp-2'])], { keyTickets: tickets }));
    expect(noStore.nodes.map((n) => n.bootstrap.controlPlaneKeys)).toEqual([undefined, undefined]);
    expect(noStore.keyTickets).toEqual({});
  });
});
