/** planCluster: the whole cluster's synth-time plan from plain groups, no App. */
import { planAddresses } from '../../lib/core/address-plan';
import { AUTOSCALING_POLICY_DEFAULTS, AzureAutoscalerFacts } from '../../lib/core/autoscaling';
import { renderNodeUserData } from '../../lib/core/bootstrap/node-bootstrap';
import { NodeBootstrapCredentials } from '../../lib/core/bootstrap/node-bootstrap-input';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { ClusterGroupInput, ClusterPlanInput, meshNodesOf, nodeTaintsOf, planCluster } from '../../lib/core/cluster-plan';
import { contains, parseCidr } from '../../lib/core/cidr';
import { MeshMode } from '../../lib/core/mesh/mesh-mode';
import { meshScalingZone } from '../../lib/core/mesh/scaling-zone';
import { NodeRole } from '../../lib/core/node-role';
import { PlanError } from '../../lib/core/plan-error';

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

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected a PlanError');
}

const cp = (names: string[], cloud = Cloud.GCP) => group('s/c1/cp', cloud, NodeRole.CONTROL_PLANE, names);
const workers = (names: string[], cloud = Cloud.AWS) => group('s/c1/workers', cloud, NodeRole.WORKER, names);

describe('planCluster: the init node and each node kind', () => {
  test.each<[string, ClusterGroupInput[], string]>([
    ['the first node of the only control-plane group', [cp(['cp-1', 'cp-2', 'cp-3'])], 'cp-1'],
    ['a worker group added first does not take it', [workers(['w-1']), cp(['cp-1'])], 'cp-1'],
    ['a control-plane group added later does not take it', [cp(['b-1']), group('s/c1/cp2', Cloud.AWS, NodeRole.CONTROL_PLANE, ['a-1'])], 'b-1'],
    ['the order of the names in the group, not their sort order', [cp(['z-1', 'a-1'])], 'z-1'],
  ])('%s', (_name, groups, init) => {
    const plan = planCluster(input(groups));
    expect(plan.initNode).toBe(init);
    expect(plan.endpoint).toBe(ref(`ip.${init}.address`));
    for (const node of plan.nodes) expect(node.bootstrap.controlPlaneEndpoint).toBe(plan.endpoint);
  });

  test('init, join-control-plane and worker kinds; every node knows the init node', () => {
    const plan = planCluster(input([workers(['w-1']), cp(['cp-1', 'cp-2'])]));
    expect(plan.nodes.map((n) => [n.name, n.bootstrap.kind])).toEqual([
      ['w-1', 'worker'],
      ['cp-1', 'init'],
      ['cp-2', 'join-control-plane'],
    ]);
    expect(new Set(plan.nodes.map((n) => n.bootstrap.mesh!.initNodeName))).toEqual(new Set(['cp-1']));
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
      controlPlaneEndpoint: plan.endpoint,
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
    const plan = planCluster(input(groupList));
    expect(plan.autoscaler?.clouds.map((c) => c.cloud) ?? []).toEqual(clouds);
    const init = plan.nodes.find((n) => n.name === plan.initNode)!;
    expect(init.bootstrap.autoscalerConfig === undefined).toBe(clouds.length === 0);
    for (const node of plan.nodes.filter((n) => n.name !== plan.initNode)) expect(node.bootstrap.autoscalerConfig).toBeUndefined();
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
    expect(plan.nodes.find((n) => n.name === 'cpz-1')!.bootstrap.autoscalerConfig).toContain('c1-burst');
  });
});

describe('planCluster: problems', () => {
  test('every problem at once', () => {
    const problems = problemsOf(() => planCluster(input([cp(['cp-1'], Cloud.GCP), scaled('s/c1/a', Cloud.AWS, 'c1-a'), scaled('s/c1/z', Cloud.AZURE, 'c1-z')])));
    expect(problems).toEqual([expect.stringMatching(/^autoscaled node groups on AWS need a control-plane node on AWS \(got s\/c1\/a and none\)/), expect.stringMatching(/^autoscaled node groups on Azure need a control-plane node on Azure \(got s\/c1\/z and none\)/)]);
  });

  test.each<[string, ClusterGroupInput[], string]>([
    ['only workers', [workers(['w-1'])], 'node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.'],
    ['only autoscaled workers', [scaled('s/c1/web', Cloud.GCP, 'c1-web')], 'node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.'],
    ['no group at all', [], 'groups must hold a control-plane node to plan a cluster (got no nodes). Add a node group with role NodeRole.CONTROL_PLANE.'],
  ])('no control plane: %s', (_name, groups, message) => {
    expect(problemsOf(() => planCluster(input(groups)))).toEqual([message]);
  });
});
