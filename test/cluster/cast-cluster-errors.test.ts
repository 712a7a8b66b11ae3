import * as fs from 'node:fs';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { CastClusterProps } from '../../lib/cluster/cast-cluster-props';
import { Cloud } from '../../lib/core/cloud';
import { appSynthProblems, synthProblems } from './synth-problems';
import { NodeRole } from '../../lib/core/node-role';

const ALL = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];

/** The cluster's problems: recorded when it is made, reported at synth (synthProblems checks there is no stack trace). */
function errorOf(props: Partial<CastClusterProps>): string {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  expect(() => new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: ALL, ...props })).not.toThrow();
  return synthProblems(stack).join('\n');
}

describe('CastCluster bad input: a synth-time error naming the construct path, the value and the fix', () => {
  test.each<[string, Partial<CastClusterProps>, string]>([
    [
      'malformed CIDR',
      { addresses: { aws: { vpcCidr: '10.10.0/16' } } },
      'stack/prod: addresses.aws.vpcCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "10.10.0/16": it is not of the form a.b.c.d/n). Fix the AWS VPC range.',
    ],
    [
      'overlapping ranges',
      { addresses: { podCidr: '10.20.0.0/16' } },
      'stack/prod: addresses.azure.vpcCidr must not overlap addresses.podCidr (got 10.20.0.0/16, which overlaps the Kubernetes pod range 10.20.0.0/16). Give each range its own addresses.',
    ],
    [
      'subnet outside its VPC',
      { addresses: { aws: { subnetCidr: '10.11.0.0/24' } } },
      'stack/prod: addresses.aws.subnetCidr must be a CIDR inside 10.10.0.0/16 (got 10.11.0.0/24). Pick a /24 from the AWS VPC range.',
    ],
    [
      'subnet too small',
      { addresses: { gcp: { subnetCidr: '10.0.0.0/30' } } },
      'stack/prod: addresses.gcp.subnetCidr must be /28 or larger (got 10.0.0.0/30). Use a /24 as the seed does.',
    ],
    [
      'unknown Cast region',
      { region: 'us-east-1' },
      'stack/prod: region must be a Cast region id (got "us-east-1"). Use one of: asia-india, asia-singapore, asia-sydney, ca-central, eu-central, eu-north, eu-west, us-central, us-east, us-west.',
    ],
    [
      'a cloud not offered in that region',
      { region: 'eu-north' },
      'stack/prod: clouds must only list clouds that serve Europe North (Stockholm) (got DigitalOcean, which has no region there). Drop it or pick another Cast region.',
    ],
    ['empty cloud list', { clouds: [] }, 'stack/prod: clouds must list at least one cloud (got []). Use e.g. [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN].'],
    [
      'invalid NodePort range',
      { firewall: { nodePortRange: { from: 6000, to: 7000 } } },
      "stack/prod: firewall.nodePortRange must not include a port the nodes listen on (got 6000-7000, which includes 6443 kube-apiserver). Use Kubernetes' default 30000-32767.",
    ],
    [
      'invalid source range',
      { firewall: { apiSourceRanges: ['203.0.113.0/24', '0.0.0.0'] } },
      'stack/prod: firewall.apiSourceRanges must list IPv4 CIDRs like 203.0.113.0/24 (got "0.0.0.0": it is not of the form a.b.c.d/n). Fix or remove that entry.',
    ],
    [
      'bad cluster name',
      { name: 'Prod_1' },
      'stack/prod: name must be 1-30 lowercase letters, digits or dashes, starting with a letter and not ending with a dash (got "Prod_1"). It becomes part of resource names on every cloud, and GCP\'s naming rule is the strictest.',
    ],
    [
      'bad pinned UUID',
      { clusterUuid: 'prod' },
      'stack/prod: clusterUuid must be a lowercase RFC 9562 UUID like 0c9a3f5e-2b7d-5e1a-8f4c-6d2b9e7a1c30 (got "prod"). Leave it out to derive one from the name.',
    ],
    [
      'a tag that is not a valid GCP label',
      { tags: { Team: 'Platform' } },
      'stack/prod: tags must use lowercase letters, digits, "_" and "-" (keys starting with a letter, both at most 63 characters) so they are valid GCP labels and DigitalOcean tags (got "Team": "Platform"). Rename the tag.',
    ],
    [
      'a tag that overrides the UUID',
      { tags: { 'cast-cluster-uuid': 'mine' } },
      'stack/prod: tags must not set "cast-cluster-uuid" (got "mine"): the library sets it. Remove it, or pin clusterUuid instead.',
    ],
  ])('%s', (_name, props, message) => {
    expect(errorOf(props)).toBe(message);
  });

  test('every problem is reported at once, not only the first', () => {
    expect(errorOf({ addresses: { aws: { subnetCidr: '10.11.0.0/24' } }, firewall: { apiSourceRanges: ['office'] } }).split('\n')).toHaveLength(2);
    expect(errorOf({ region: 'nowhere', clouds: [], tags: { A: 'b' } }).split('\n')).toHaveLength(3);
    expect(errorOf({ addresses: { podCidr: 'x', meshCidr: 'y' } }).split('\n')).toEqual([
      'stack/prod: addresses.podCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "x": it is not of the form a.b.c.d/n). Fix the Kubernetes pod range.',
      'stack/prod: addresses.meshCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "y": it is not of the form a.b.c.d/n). Fix the WireGuard mesh range.',
    ]);
  });

  test('duplicate cluster names in one app, even across stacks', () => {
    const app = Testing.app();
    new CastCluster(new TerraformStack(app, 'east'), 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS] });
    const west = new TerraformStack(app, 'west');
    new CastCluster(west, 'prod', { name: 'prod', region: 'us-west', clouds: [Cloud.GCP] });
    new CastCluster(west, 'staging', { name: 'staging', region: 'us-west', clouds: [Cloud.GCP] });
    expect(synthProblems(west)).toEqual(['west/prod: name must be unique in the app (got "prod", already used by east/prod). Give each cluster its own name.']);
    // The east stack's validation reports the whole app's problems too.
    expect(appSynthProblems(app)).toEqual(['west/prod: name must be unique in the app (got "prod", already used by east/prod). Give each cluster its own name.']);
  });
});

describe('apiServerDnsName: a DNS name known at synth, checked with the other props', () => {
  const message = (got: string) =>
    `stack/prod: apiServerDnsName must be a lowercase DNS name such as api.example.com, without scheme or port (got ${JSON.stringify(got)}). Fix the name or leave it out.`;

  test.each(['https://api.example.com', 'api.example.com:6443', 'API.example.com', 'localhost', 'api_1.example.com', '-api.example.com', 'api.example.com.', 'api..example.com', '', `${'a'.repeat(64)}.example.com`])(
    '%j is refused',
    (name) => {
      expect(errorOf({ apiServerDnsName: name })).toBe(message(name));
    },
  );

  test.each(['api.example.com', 'k8s-api.prod.example.co.uk', 'a.b', `${'a'.repeat(63)}.example.com`])('%j is accepted', (name) => {
    expect(() => new CastCluster(new TerraformStack(Testing.app(), 'stack'), 'prod', { name: 'prod', region: 'us-east', clouds: ALL, apiServerDnsName: name })).not.toThrow();
  });

  test('a Token is refused: the name goes into the serving certificates at synth', () => {
    expect(errorOf({ apiServerDnsName: '${var.name}' }).startsWith('stack/prod: apiServerDnsName must be a lowercase DNS name')).toBe(true);
    const stack = new TerraformStack(Testing.app(), 'stack');
    const name = new TerraformVariable(stack, 'name', { type: 'string' }).stringValue;
    new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: ALL, apiServerDnsName: name });
    expect(synthProblems(stack)).toEqual(['stack/prod: apiServerDnsName must be known at synth, for the API serving certificates (got a Token). Pass the name as a plain string.']);
  });
});

describe('etcd: timers checked against the control planes at synth, every problem at once', () => {
  /** A cluster with `controlPlanes` control-plane nodes on AWS and GCP (none: no group). */
  function clusterWith(props: Partial<CastClusterProps>, controlPlanes = 3): { app: App; stack: TerraformStack; cluster: CastCluster } {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: ALL, ...props });
    if (controlPlanes > 0) cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, count: controlPlanes - 1 || 1 });
    if (controlPlanes > 1) cluster.addNodeGroup('cp-gcp', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE });
    return { app, stack, cluster };
  }
  /** What `cdktf synth` prints: the app's synth, with Node printing the error's `stack`, which names no frame. */
  function synthError(app: App): string[] {
    try {
      return appSynthProblems(app);
    } finally {
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }
  }
  const HEARTBEAT = 'etcd.heartbeatIntervalMs must be a whole number of milliseconds from 1 to 10000 (got 0): etcd wants a positive heartbeat, and 5 of them must fit in its longest election timeout. Leave it unset to use the value computed from the round trips.';
  const ELECTION = 'etcd.electionTimeoutMs must be a whole number of milliseconds from 1 to 50000 (got 1.5): etcd refuses longer ones. Leave it unset to use the value computed from the round trips.';
  const TOO_MANY = 'control-plane nodes must be at most 15 (got 16): every node carries their public addresses in one cloud tag of 256 characters. Use fewer control planes (etcd recommends 3, 5 or 7).';
  const RATIO = 'etcd.electionTimeoutMs must be at least 5 heartbeats, 1000 ms (got 900 with a heartbeat of 200 ms). etcd refuses to start otherwise; use 2000 (10 heartbeats).';

  test('both bad timers, each on a line with the construct path', () => {
    expect(synthError(clusterWith({ etcd: { heartbeatIntervalMs: 0, electionTimeoutMs: 1.5 } }).app)).toEqual([`stack/prod: ${HEARTBEAT}`, `stack/prod: ${ELECTION}`]);
    expect(synthProblems(clusterWith({ etcd: { heartbeatIntervalMs: 0, electionTimeoutMs: 1.5 } }).stack)).toEqual([`stack/prod: ${HEARTBEAT}`, `stack/prod: ${ELECTION}`]);
  });

  test('with the node groups\' problems: too many control planes and a timer etcd refuses, together', () => {
    const props = { etcd: { heartbeatIntervalMs: 200, electionTimeoutMs: 900 } };
    expect(synthError(clusterWith(props, 16).app)).toEqual([`stack/prod: ${TOO_MANY}`, `stack/prod: ${RATIO}`]);
    expect(synthProblems(clusterWith(props, 16).stack)).toEqual([`stack/prod: ${TOO_MANY}`, `stack/prod: ${RATIO}`]);
  });

  test('a Token is refused with the other props\' problems', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    const heartbeat = new TerraformVariable(stack, 'heartbeat', { type: 'number' }).numberValue;
    new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: ALL, tags: { A: 'b' }, apiServerDnsName: 'API', etcd: { heartbeatIntervalMs: heartbeat, electionTimeoutMs: 2000 } });
    expect(synthProblems(stack)).toEqual([
      expect.stringMatching(/^stack\/prod: tags must use lowercase letters/),
      'stack/prod: apiServerDnsName must be a lowercase DNS name such as api.example.com, without scheme or port (got "API"). Fix the name or leave it out.',
      "stack/prod: etcd.heartbeatIntervalMs must be known at synth, for the control planes' etcd flags (got a Token). Pass a number of milliseconds, or leave it unset.",
    ]);
  });

  test('checked once the cluster has a control plane: one without nodes synthesizes, one of workers gets one message', () => {
    expect(() => Testing.synth(clusterWith({ etcd: { heartbeatIntervalMs: 0 } }, 0).stack, true)).not.toThrow();
    const { stack, cluster } = clusterWith({}, 0);
    cluster.addNodeGroup('workers', { cloud: Cloud.GCP, role: NodeRole.WORKER });
    expect(synthProblems(stack)).toEqual(['stack/prod: node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.']);
  });
});
