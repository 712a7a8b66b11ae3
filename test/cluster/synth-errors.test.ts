/**
 * Every mistake of the whole app in one error at synth, none with a stack trace: node groups
 * and clusters record their problems instead of throwing at the first, and the synth lists
 * them all; options that would silently override each other are errors; soft problems are
 * warnings in the synth's annotations.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { CastClusterProps } from '../../lib/cluster/cast-cluster-props';
import { CloudNetwork } from '../../lib/network/cloud-network';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeShape } from '../../lib/core/shapes';
import { CastValidationError } from '../../lib/private/validation-error';
import { appSynthProblems, synthProblems } from './synth-problems';

const FIVE = [
  'prod/cluster/big: shape must be one of x-small, small, medium, large, x-large, 2x-large (got "huge"). Pick a shape, or set instanceType.',
  "prod/cluster/azure: cloud must be one the cluster spans (got Azure; the cluster spans aws, gcp). Add it to the cluster's clouds or pick another.",
  'prod/cluster/web: id must be unique among the node groups of prod/cluster (got a second "web"). Give each node group its own id.',
  'prod/cluster/edge: count must be left out when nodeNames is set (got count 3 and 1 nodeNames): the names fix the number of nodes. Remove count, or nodeNames to get 3 nodes named from the group id.',
  'prod/cluster: node groups need at least one control-plane node (got only workers). Add a node group with role NodeRole.CONTROL_PLANE.',
];

function cluster(props: Partial<CastClusterProps> = {}, app: App = Testing.app()): { app: App; stack: TerraformStack; cluster: CastCluster } {
  const stack = new TerraformStack(app, 'prod');
  return { app, stack, cluster: new CastCluster(stack, 'cluster', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS, Cloud.GCP], ...props }) };
}

describe('five mistakes, one error at synth', () => {
  test('as `cdktf synth` runs the app: the process fails with one message naming all five, and no line of it is a stack frame', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-five-'));
    let stderr = '';
    try {
      execFileSync(path.join(__dirname, '../../node_modules/.bin/tsx'), [path.join(__dirname, 'five-mistakes-app.ts')], { env: { ...process.env, CAST_OUTDIR: outdir }, stdio: 'pipe' });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
    // Node prints an uncaught error whose stack is its message in brackets.
    const message = /\[CastValidationError: ([\s\S]*)\]\n/.exec(stderr)?.[1];
    expect(message?.split('\n')).toEqual(FIVE);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain('Resolution error');
  });

  test('the same from Testing.synth: each problem at its construct path, the later groups checked too', () => {
    const { stack, cluster: c } = cluster();
    expect(() => {
      c.addNodeGroup('big', { cloud: Cloud.AWS, role: NodeRole.WORKER, shape: 'huge' as NodeShape });
      c.addNodeGroup('azure', { cloud: Cloud.AZURE, role: NodeRole.WORKER });
      c.addNodeGroup('web', { cloud: Cloud.GCP, role: NodeRole.WORKER });
      c.addNodeGroup('web', { cloud: Cloud.AWS, role: NodeRole.WORKER });
      c.addNodeGroup('edge', { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 3, nodeNames: ['edge-a'] });
    }).not.toThrow();
    expect(synthProblems(stack)).toEqual(FIVE);
  });

  test('a synth without validations (Testing.synth(stack), skipValidation) still refuses them: the library never writes a configuration it found wrong', () => {
    const { stack, cluster: c } = cluster({}, Testing.app({ context: {} }));
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, count: 2, nodeNames: ['a', 'b'] });
    expect(() => Testing.synth(stack)).toThrow(CastValidationError);
    const skipping = new App({ skipValidation: true, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cast-skip-')) });
    const other = cluster({}, skipping);
    other.cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, shape: NodeShape.LARGE, instanceType: 'm7i.large' });
    try {
      expect(appSynthProblems(skipping)).toEqual([
        'prod/cluster/cp: shape must be left out when instanceType is set (got shape "large" and instanceType "m7i.large"): the instance type replaces the shape. Remove one of them.',
      ]);
    } finally {
      fs.rmSync(skipping.outdir, { recursive: true, force: true });
    }
  });
});

describe('the whole app at once', () => {
  test('two clusters in two stacks, one with bad props and one with a bad group: both in the first stack\'s error', () => {
    const app = Testing.app();
    const east = new CastCluster(new TerraformStack(app, 'east'), 'prod', { name: 'prod', region: 'nowhere', clouds: [Cloud.AWS] });
    east.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, diskSizeGb: 5 });
    const westStack = new TerraformStack(app, 'west');
    const west = new CastCluster(westStack, 'staging', { name: 'staging', region: 'us-west', clouds: [Cloud.GCP] });
    west.addNodeGroup('cp', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE, kubernetesVersion: '1.34' });
    const problems = [
      expect.stringMatching(/^east\/prod: region must be a Cast region id \(got "nowhere"\)/),
      'east/prod/cp: diskSizeGb must be a whole number of at least 20 (got 5). Use 50 or more for workers that pull many images.',
      'west/staging/cp: kubernetesVersion must be an exact release 1.31.x to 1.35.x, without a "v" (got "1.34"). Use e.g. "1.34.2".',
    ];
    expect(synthProblems(westStack)).toEqual(problems);
    expect(appSynthProblems(app)).toEqual(problems);
  });

  test('a construct id used twice is a problem like the others (constructs would throw its own error with a stack trace)', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'prod');
    new CastCluster(stack, 'cluster', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS] }).addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    expect(() => new CastCluster(stack, 'cluster', { name: 'staging', region: 'us-east', clouds: [Cloud.GCP] })).not.toThrow();
    expect(synthProblems(stack)).toEqual(['prod/cluster: id must be unique in prod (got a second "cluster"). Give each construct its own id.']);
  });

  test('a cluster whose props have problems is left unbuilt, yet its mesh settings and its groups\' own options are checked with them', () => {
    // Its mesh exists (what builds on the cluster reads its settings), unless its own settings are wrong.
    expect(cluster({ region: 'nowhere' }).cluster.mesh.listenPort).toBe(51820);
    const { stack, cluster: c } = cluster({ region: 'nowhere', mesh: { mtu: 100 } });
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, diskSizeGb: 1 });
    expect(synthProblems(stack)).toEqual([
      expect.stringMatching(/^prod\/cluster: region must be a Cast region id \(got "nowhere"\)/),
      expect.stringMatching(/^prod\/cluster\/mesh: mesh\.mtu must be a whole number/),
      'prod/cluster/cp: diskSizeGb must be a whole number of at least 20 (got 1). Use 50 or more for workers that pull many images.',
    ]);
    expect(stack.node.findAll().filter((construct) => construct.node.path.startsWith('prod/cluster/cp/'))).toEqual([]);
  });

  test('the problems of other validations join the same error (the mesh checks every node at synth)', () => {
    const { stack, cluster: c } = cluster();
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, meshAddresses: { 'prod-cp-1': '10.5.0.1' } });
    c.addNodeGroup('web', { cloud: Cloud.GCP, role: NodeRole.WORKER, diskSizeGb: 1 });
    expect(synthProblems(stack)).toEqual([
      'prod/cluster/web: diskSizeGb must be a whole number of at least 20 (got 1). Use 50 or more for workers that pull many images.',
      expect.stringMatching(/^prod\/cluster\/mesh: nodes\["prod-cp-1"\]\.meshAddress must be a host address inside 10\.4\.0\.0\/16/),
    ]);
  });

  test('an error thrown while a token resolves keeps its message: cdktf cannot prefix "Resolution error" or append the token\'s creation stack', () => {
    const error = new CastValidationError(['a/b: x must be y (got z). Fix it.']);
    error.message = `Resolution error: ${error.message}.\nObject creation stack:\n  at somewhere`;
    expect(error.message).toBe('a/b: x must be y (got z). Fix it.');
    expect(error.stack).toBe('CastValidationError: a/b: x must be y (got z). Fix it.');
  });
});

describe('options that would override each other are errors', () => {
  test.each<[string, Partial<CastClusterProps>, string]>([
    [
      'a DigitalOcean subnet (its VPC is its only subnet)',
      { clouds: [Cloud.DIGITALOCEAN], addresses: { digitalocean: { vpcCidr: '10.150.0.0/20', subnetCidr: '10.150.0.0/24' } } },
      'prod/cluster: addresses.digitalocean.subnetCidr must be left out (got "10.150.0.0/24"): the DigitalOcean VPC is its only subnet. Set addresses.digitalocean.vpcCidr instead.',
    ],
    [
      'ranges for a cloud the cluster does not span',
      { clouds: [Cloud.AWS], addresses: { gcp: { vpcCidr: '10.30.0.0/16' } } },
      'prod/cluster: addresses.gcp must be left out for a cloud the cluster does not span (got ranges for GCP; clouds: aws). Remove them, or add "gcp" to clouds.',
    ],
  ])('%s', (_what, props, message) => {
    expect(synthProblems(cluster(props).stack)).toEqual([message]);
  });

  test('a provider for a cloud the cluster does not span', () => {
    const stack = new TerraformStack(Testing.app(), 'prod');
    const provider = new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new CastCluster(stack, 'cluster', { name: 'prod', region: 'us-east', clouds: [Cloud.GCP], providers: { aws: provider } });
    expect(synthProblems(stack)).toEqual([
      'prod/cluster: providers.aws must be left out for a cloud the cluster does not span (got a provider for AWS; clouds: gcp). Remove it, or add "aws" to clouds.',
    ]);
  });

  test('count with nodeNames, and shape with instanceType, each a problem of the group (a refused control plane still counts as one)', () => {
    const { stack, cluster: c } = cluster();
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, count: 1, nodeNames: ['cp-a'], shape: NodeShape.MEDIUM, instanceType: 'm7i.large' });
    expect(synthProblems(stack)).toEqual([
      'prod/cluster/cp: count must be left out when nodeNames is set (got count 1 and 1 nodeNames): the names fix the number of nodes. Remove count, or nodeNames to get 1 nodes named from the group id.',
      'prod/cluster/cp: shape must be left out when instanceType is set (got shape "medium" and instanceType "m7i.large"): the instance type replaces the shape. Remove one of them.',
    ]);
  });
});

describe('AWS spot workers without an interruption target: a warning with the fix', () => {
  const WARNING =
    'prod/cluster/spot: awsSpotInterruptionTarget should be set on the cluster for spot nodes on AWS (got none): AWS reclaims a spot instance two minutes after its interruption warning, and without a target nothing cordons or drains the node first, so its pods stop abruptly. ' +
    'Set awsSpotInterruptionTarget on the cluster to the ARN of an SNS topic, SQS queue or Lambda function whose handler drains the node, or turn spot off for this group.';

  function annotations(props: Partial<CastClusterProps>): { constructPath: string; level: string; message: string }[] {
    const app = Testing.app();
    const built = cluster({ clouds: [Cloud.AWS, Cloud.GCP], ...props }, app);
    built.cluster.addNodeGroup('cp', { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE });
    built.cluster.addNodeGroup('spot', { cloud: Cloud.AWS, role: NodeRole.WORKER, spot: true });
    app.synth();
    try {
      return JSON.parse(fs.readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8')).stacks.prod.annotations;
    } finally {
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }
  }

  test('in the synth\'s annotations (what `cdktf synth` prints as WARN), at the group, without a JavaScript stack', () => {
    const spot = annotations({}).filter((a) => a.message.includes('awsSpotInterruptionTarget'));
    expect(spot).toEqual([{ constructPath: 'prod/cluster/spot', level: '@cdktf/warn', message: WARNING }]);
  });

  test('none with a target', () => {
    expect(annotations({ awsSpotInterruptionTarget: 'arn:aws:sqs:us-east-1:123456789012:drain' }).filter((a) => a.message.includes('awsSpotInterruptionTarget'))).toEqual([]);
  });
});

describe('a CloudNetwork on its own', () => {
  test('its problems at synth, all at once, with its path', () => {
    const stack = new TerraformStack(Testing.app(), 'net');
    const network = new CloudNetwork(stack, 'aws', { cloud: Cloud.AWS, clusterName: 'Prod', clusterUuid: 'x', region: 'us-east', vpcCidr: '10.10.0/16' });
    expect(network.firewallFor(NodeRole.WORKER)).toBe('');
    expect(synthProblems(stack)).toEqual([
      expect.stringMatching(/^net\/aws: name must be/),
      expect.stringMatching(/^net\/aws: clusterUuid must be/),
      expect.stringMatching(/^net\/aws: aws\.vpcCidr must be an IPv4 CIDR/),
    ]);
  });
});
