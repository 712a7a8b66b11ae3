/**
 * Soft problems of where the control planes are, and of etcd timers shorter than the
 * round trips, are warnings: `cdktf synth` succeeds and lists them in the manifest
 * (what the CLI prints), each naming the cluster's construct path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { CastBackend } from '../../lib/cluster/backend';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { CastClusterProps } from '../../lib/cluster/cast-cluster-props';
import { InClusterStack } from '../../lib/cluster/in-cluster-stack';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';

/** The warnings a real synth records for a cluster with one control-plane group per entry of `controlPlanes`. */
function synthWarnings(controlPlanes: [Cloud, number][], props: Partial<CastClusterProps> = {}, workersCloud?: Cloud, more?: (cluster: CastCluster) => void): string[] {
  const app = Testing.app();
  try {
    const stack = new TerraformStack(app, 'stack');
    const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [...ALL_CLOUDS], ...props });
    controlPlanes.forEach(([cloud, count], i) => cluster.addNodeGroup(`cp-${i}`, { cloud, role: NodeRole.CONTROL_PLANE, count }));
    // Beside the first control plane: workers there read their join token from its cloud's store.
    cluster.addNodeGroup('workers', { cloud: workersCloud ?? controlPlanes[0][0], role: NodeRole.WORKER, count: 3 });
    more?.(cluster);
    // A remote state, so the warnings here are the cluster's own (a local state warns: test/cluster/backend.test.ts).
    new CastBackend(app, 'state', { s3: { bucket: 'tfstate', region: 'us-east-1' } });
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8'));
    const annotations: { constructPath: string; level: string; message: string }[] = manifest.stacks.stack.annotations;
    expect(annotations.filter((a) => a.level !== '@cdktf/warn')).toEqual([]);
    for (const a of annotations) expect(a.constructPath).toBe('stack/prod');
    // No JavaScript stack (absolute paths, call sites): the manifest must not depend on where the app runs.
    for (const a of annotations) expect(Object.keys(a)).not.toContain('stacktrace');
    return annotations.map((a) => a.message);
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

describe('synth warnings: a trade-off the user may choose, not an error', () => {
  test('workers on a cloud without a join-token store (DigitalOcean; Azure without a control plane there): one warning naming them', () => {
    const warnings = synthWarnings([[Cloud.AWS, 1], [Cloud.GCP, 1], [Cloud.AZURE, 1]], {}, Cloud.DIGITALOCEAN);
    expect(warnings).toEqual([expect.stringMatching(/^stack\/prod: node groups stack\/prod\/workers join with the cluster's static token.*\(DigitalOcean gives its VMs no identity to read a secret store with\)/)]);
    expect(synthWarnings([[Cloud.AWS, 1], [Cloud.GCP, 1], [Cloud.AWS, 1], [Cloud.GCP, 1], [Cloud.AWS, 1]], {}, Cloud.AZURE)).toEqual(expect.arrayContaining([expect.stringMatching(/^stack\/prod: node groups stack\/prod\/workers join .*Add a control-plane group on Azure so its nodes read a 24-hour token/)]));
  });

  test.each<[string, [Cloud, number][], string[]]>([
    ['three control planes on three clouds: none', [[Cloud.AWS, 1], [Cloud.GCP, 1], [Cloud.AZURE, 1]], []],
    ['five on three clouds: none', [[Cloud.AWS, 2], [Cloud.GCP, 2], [Cloud.AZURE, 1]], []],
    // DigitalOcean has no instance identity: its control planes carry the keys in user-data.
    ['five on four clouds: the DigitalOcean control plane gets its keys over the mesh; it joins with the static token', [[Cloud.AWS, 2], [Cloud.GCP, 1], [Cloud.AZURE, 1], [Cloud.DIGITALOCEAN, 1]], ["stack/prod: node groups stack/prod/cp-3 join with the cluster's static token, which is in their user-data and does not expire while any of them exists (DigitalOcean gives its VMs no identity to read a secret store with): anyone who can read those VMs' user-data can join machines to the cluster (docs/security.md, \"Join tokens\"). Accept the exposure, or run these groups on AWS, GCP or Azure beside a control plane there."]],
    ['one control plane', [[Cloud.GCP, 1]], ['stack/prod: control-plane count should be at least 3 (got 1): no etcd quorum survives losing one. Add control-plane nodes until there are 3.']],
    [
      'three on one cloud',
      [[Cloud.AWS, 3]],
      ['stack/prod: control planes should span at least 2 clouds (got all 3 on AWS): a cloud outage takes the API down. Place control planes on other clouds of the Cast region.'],
    ],
    [
      'three, two of them on one cloud in two groups',
      [[Cloud.AZURE, 1], [Cloud.AWS, 1], [Cloud.AZURE, 1]],
      [
        "stack/prod: control planes on one cloud should be fewer than etcd's quorum of 2 (got 2 of 3 on Azure): an Azure outage leaves 1 member, no quorum, and takes the API down. Move control planes to other clouds.",
      ],
    ],
    [
      'four on four clouds',
      [[Cloud.AWS, 1], [Cloud.GCP, 1], [Cloud.AZURE, 1], [Cloud.DIGITALOCEAN, 1]],
      ['stack/prod: control-plane count should be odd (got 4): 4 members tolerate 1 failure, as 3 do. Add or remove one.', "stack/prod: node groups stack/prod/cp-3 join with the cluster's static token, which is in their user-data and does not expire while any of them exists (DigitalOcean gives its VMs no identity to read a secret store with): anyone who can read those VMs' user-data can join machines to the cluster (docs/security.md, \"Join tokens\"). Accept the exposure, or run these groups on AWS, GCP or Azure beside a control plane there."],
    ],
  ])('%s', (_name, controlPlanes, warnings) => {
    expect(synthWarnings(controlPlanes)).toEqual(warnings);
  });

  test('etcd timers shorter than the worst round trip between the control planes\' clouds (Azure to DigitalOcean in us-east, 17 ms)', () => {
    expect(synthWarnings([[Cloud.AWS, 1], [Cloud.AZURE, 1], [Cloud.DIGITALOCEAN, 1]], { etcd: { heartbeatIntervalMs: 10 } })).toEqual([
      expect.stringMatching(/^stack\/prod: node groups stack\/prod\/cp-2 join with the cluster's static token/),
      'stack/prod: etcd.heartbeatIntervalMs should be at least the worst round trip between control planes, 17 ms (got 10): followers miss heartbeats and call elections. Raise it or leave it unset.',
      'stack/prod: etcd.electionTimeoutMs should be at least 10 round trips, 170 ms (got 100): network jitter then starts needless elections. Raise it or leave it unset.',
    ]);
  });

  test('autoscaled AWS or Azure groups without an InClusterStack: a warning saying how to add one; with one, none', () => {
    const scaled = (cluster: CastCluster) => {
      cluster.addNodeGroup('burst', { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { minNodes: 0, maxNodes: 3 } });
      cluster.addNodeGroup('batch', { cloud: Cloud.AZURE, role: NodeRole.WORKER, autoscaling: { minNodes: 0, maxNodes: 3 } });
    };
    const controlPlanes: [Cloud, number][] = [[Cloud.AWS, 1], [Cloud.GCP, 1], [Cloud.AZURE, 1]];
    expect(synthWarnings(controlPlanes, {}, undefined, scaled)).toEqual([
      "stack/prod: the autoscaled groups on AWS and Azure never scale without an InClusterStack, which runs their cluster-autoscaler. Add one after the node groups: new InClusterStack(app, 'prod-in-cluster', { cluster }).",
    ]);
    expect(synthWarnings(controlPlanes, {}, undefined, (cluster) => {
      scaled(cluster);
      new InClusterStack(cluster.node.root as App, 'in-cluster', { cluster });
    })).toEqual([]);
  });

  test('the placement warnings and the timers\' warnings together', () => {
    const warnings = synthWarnings([[Cloud.AWS, 2]], { etcd: { heartbeatIntervalMs: 1 } });
    expect(warnings.map((w) => w.replace(/ should .*/, ''))).toEqual([
      'stack/prod: control-plane count',
      'stack/prod: control planes',
      'stack/prod: control-plane count',
      'stack/prod: etcd.heartbeatIntervalMs',
      'stack/prod: etcd.electionTimeoutMs',
    ]);
  });
});

describe('synth warnings: an API source range that leaves nodes out', () => {
  const threeClouds: [Cloud, number][] = [[Cloud.AWS, 1], [Cloud.GCP, 1], [Cloud.AZURE, 1]];
  const narrowed = { firewall: { apiSourceRanges: ['203.0.113.0/24'] } };
  /** An autoscaled worker group on each of `clouds`. */
  const scaledOn = (...clouds: Cloud[]) => (cluster: CastCluster) => {
    for (const cloud of clouds) cluster.addNodeGroup(`scaled-${cloud}`, { cloud, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } });
  };

  test('static nodes on every cloud, and AWS, GCP and Azure groups beside a control plane: nothing (the firewall lets in their addresses; the groups reach their cloud\'s control planes over its network)', () => {
    expect(synthWarnings(threeClouds, narrowed, Cloud.DIGITALOCEAN, scaledOn(Cloud.AWS, Cloud.GCP, Cloud.AZURE)).filter((w) => w.includes('apiSourceRanges'))).toEqual([]);
  });

  /** The warning for a DigitalOcean pool, which no control plane anywhere lets in. */
  const doPoolWarning = `stack/prod: firewall.apiSourceRanges should let in the autoscaled nodes of stack/prod/scaled-digitalocean (got 203.0.113.0/24): they reach the API at the control planes' public addresses only (a DigitalOcean pool keeps the droplet template it was created with, so its seeds name no private address, which a replaced control-plane droplet would not keep), from public addresses DigitalOcean gives them at boot that no rule can name, so they cannot join. Give the group count or nodeNames instead of autoscaling (the API rule lets each static node in by its own address), or leave apiSourceRanges out.`;

  test('an autoscaled group on a cloud without a control plane: one warning per group, naming it, its cloud and the fix', () => {
    const warnings = synthWarnings([[Cloud.AWS, 1], [Cloud.AZURE, 1], [Cloud.AWS, 1]], narrowed, Cloud.AWS, scaledOn(Cloud.GCP, Cloud.AWS, Cloud.DIGITALOCEAN)).filter((w) => w.includes('apiSourceRanges'));
    expect(warnings).toEqual([
      'stack/prod: firewall.apiSourceRanges should let in the autoscaled nodes of stack/prod/scaled-gcp (got 203.0.113.0/24): GCP runs no control plane they could reach over its network, and GCP gives them public addresses at boot that no rule can name, so they cannot join. Add a control-plane node group on GCP, or leave apiSourceRanges out.',
      // Not "add a control plane on DigitalOcean": its pools would still name public addresses only.
      doPoolWarning,
    ]);
  });

  test('a DigitalOcean pool beside a DigitalOcean control plane: warned all the same, with the fix that lets it in', () => {
    const warnings = synthWarnings([[Cloud.DIGITALOCEAN, 1], [Cloud.AWS, 1]], narrowed, Cloud.DIGITALOCEAN, scaledOn(Cloud.DIGITALOCEAN, Cloud.AWS)).filter((w) => w.includes('apiSourceRanges'));
    expect(warnings).toEqual([doPoolWarning]);
  });

  test('the default (anywhere), or a list that holds it, warns nothing', () => {
    const apiWarnings = (props: Partial<CastClusterProps>) => synthWarnings(threeClouds, props, undefined, scaledOn(Cloud.DIGITALOCEAN)).filter((w) => w.includes('apiSourceRanges'));
    expect(apiWarnings({})).toEqual([]);
    expect(apiWarnings({ firewall: { apiSourceRanges: ['203.0.113.0/24', '0.0.0.0/0'] } })).toEqual([]);
    expect(apiWarnings(narrowed)).toHaveLength(1);
  });
});
