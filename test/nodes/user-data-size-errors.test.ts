/**
 * Every node's user-data against its cloud's limit at synth (NodeGroup's validation), static
 * nodes and autoscaled groups alike, every problem at once, with the group's construct path,
 * the node, the size and the limit. Also: the phone-home URL through the construct (refused
 * with the path, or checked and quoted at apply time), and the largest documents the library
 * makes today, measured as the check measures them (their sizes are in the test names).
 */
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { USER_DATA_LIMITS } from '../../lib/core/bootstrap/user-data-limits';
import { worstCaseSize } from '../../lib/core/bootstrap/user-data-size';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { MeshMode } from '../../lib/core/mesh/mesh-mode';
import { NodeRole } from '../../lib/core/node-role';
import { CastValidationError } from '../../lib/private/validation-error';
import { synthProblems } from '../cluster/synth-problems';

function cluster(clouds: readonly Cloud[], props: object = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 's');
  return { stack, cluster: new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [...clouds], mesh: { mode: MeshMode.FULL_MESH }, ...props }) };
}

/** The problems of a synth, each `path: message`; fails when the synth passes. */
const validationErrors = synthProblems;

/** `count` labels whose values no compressor can shorten much: 63 characters of a fixed pseudo-random sequence each. */
function bulkyLabels(count: number): Record<string, string> {
  let state = 7;
  const next = () => (state = (state * 48271) % 2147483647);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const value = () => Array.from({ length: 63 }, () => alphabet[next() % alphabet.length]).join('');
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`example.com/label-${i}`, value()]));
}

describe('a document over its cloud limit fails the synth, naming the node, the size and the limit', () => {
  test('static nodes and autoscaled groups, on every cloud, all at once', () => {
    const { stack, cluster: c } = cluster(ALL_CLOUDS);
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    c.addNodeGroup('cp-azure', { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE });
    // About 90 bytes of label per entry in the kubelet's flags: enough to pass each cloud's limit.
    c.addNodeGroup('big-aws', { cloud: Cloud.AWS, role: NodeRole.WORKER, labels: bulkyLabels(250), autoscaling: { minNodes: 0, maxNodes: 3 } });
    c.addNodeGroup('big-gcp', { cloud: Cloud.GCP, role: NodeRole.WORKER, labels: bulkyLabels(2800) });
    c.addNodeGroup('big-azure', { cloud: Cloud.AZURE, role: NodeRole.WORKER, labels: bulkyLabels(700), autoscaling: { minNodes: 0, maxNodes: 3 } });
    c.addNodeGroup('big-do', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, labels: bulkyLabels(400), count: 2 });
    c.addNodeGroup('small', { cloud: Cloud.GCP, role: NodeRole.WORKER });
    const errors = validationErrors(stack);
    const line = (path: string, receiver: string, cloud: Cloud) => {
      const limit = USER_DATA_LIMITS[cloud];
      return new RegExp(
        `^s/c1/${path}: user-data of ${receiver} must fit ${escape(limit.what)}: at most ${escape(limit.bytes.toLocaleString('en-US'))} bytes \\(got up to [0-9,]+ bytes once Terraform fills in its \\d+ references at their longest\\)\\. To shrink it, ${escape(limit.fix)}\\.$`,
      );
    };
    expect(errors).toEqual([
      expect.stringMatching(line('big-aws', 'the nodes of autoscaled group c1-big-aws', Cloud.AWS)),
      expect.stringMatching(line('big-gcp', 'node c1-big-gcp-1', Cloud.GCP)),
      expect.stringMatching(line('big-azure', 'the nodes of autoscaled group c1-big-azure', Cloud.AZURE)),
      expect.stringMatching(line('big-do', 'node c1-big-do-1', Cloud.DIGITALOCEAN)),
      expect.stringMatching(line('big-do', 'node c1-big-do-2', Cloud.DIGITALOCEAN)),
    ]);
    // The size given is above the limit.
    for (const error of errors) {
      const [, limit, size] = /at most ([0-9,]+) bytes \(got up to ([0-9,]+) bytes/.exec(error)!.map((n) => Number(n.replace(/,/g, '')));
      expect(size).toBeGreaterThan(limit);
    }
  });

  test('the same groups with fewer labels fit', () => {
    const { stack, cluster: c } = cluster(ALL_CLOUDS);
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    c.addNodeGroup('big-aws', { cloud: Cloud.AWS, role: NodeRole.WORKER, labels: bulkyLabels(20), autoscaling: { minNodes: 0, maxNodes: 3 } });
    c.addNodeGroup('big-do', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, labels: bulkyLabels(20), count: 2 });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});

describe('the phone-home URL through the construct', () => {
  test('one that would break out of its quotes fails the synth with the path and the fix, for every group', () => {
    const { stack, cluster: c } = cluster([Cloud.AWS], { phoneHomeUrl: "https://x.example/';>M;'" });
    c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    c.addNodeGroup('web', { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { minNodes: 0, maxNodes: 2 } });
    const problem = 'phoneHomeUrl must be an http(s) URL without spaces or quotes (got "https://x.example/\';>M;\'"). Fix the URL or leave phoneHomeUrl out.';
    expect(validationErrors(stack)).toEqual([`s/c1/cp: ${problem}`, `s/c1/web: ${problem}`]);
  });

  test('a Terraform variable is checked and quoted at apply time, and the document is measured with it at its longest', () => {
    // Two clusters in one stack, alike but for the URL.
    const { stack, cluster: plain } = cluster([Cloud.AWS]);
    const url = new TerraformVariable(stack, 'phone_home_url', { type: 'string' });
    const withUrl = new CastCluster(stack, 'c2', { name: 'c2', region: 'us-east', clouds: [Cloud.AWS], mesh: { mode: MeshMode.FULL_MESH }, phoneHomeUrl: url.stringValue });
    plain.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    withUrl.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    const locals = Object.entries(JSON.parse(Testing.synth(stack, true)).locals as Record<string, string>);
    const templateOf = (prefix: string) => locals.find(([name]) => name.startsWith(prefix) && name.includes('user-data'))![1];
    expect(templateOf('c2_cp_')).toContain(
      `CAST_PHONE_HOME_URL='\${replace(regex("^https?://[^\\\\s'\\"\\\\\\\\]+$", [var.phone_home_url][length(var.phone_home_url) > 1024 ? 1 : 0]), "'", "'\\\\''")}'`,
    );
    const sizeWith = worstCaseSize(Cloud.AWS, templateOf('c2_cp_'));
    expect(sizeWith.unbounded).toEqual([]);
    // 1,024 characters of URL, counted as the gzip of random text.
    expect(sizeWith.bytes - worstCaseSize(Cloud.AWS, templateOf('c1_cp_')).bytes).toBeGreaterThan(600);
  });
});

/**
 * The largest document of each cloud today: the cluster's first control plane, which carries the
 * cluster-autoscaler manifests, with two autoscaled groups on every cloud and control planes on
 * AWS, GCP and Azure (so the manifests name AWS and Azure groups), and a phone-home URL.
 */
function firstControlPlaneOn(first: Cloud): { size: number; limit: number; problems: string[] } {
  const { stack, cluster: c } = cluster(ALL_CLOUDS, { name: 'acme-prod', phoneHomeUrl: 'https://hooks.example.com/cast/phone-home?cluster=acme-prod' });
  c.addNodeGroup('cp-first', { cloud: first, role: NodeRole.CONTROL_PLANE });
  for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE].filter((x) => x !== first)) c.addNodeGroup(`cp-${cloud}`, { cloud, role: NodeRole.CONTROL_PLANE });
  for (const cloud of ALL_CLOUDS) {
    c.addNodeGroup(`general-${cloud}`, { cloud, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 10 } });
    c.addNodeGroup(`spot-${cloud}`, { cloud, role: NodeRole.WORKER, spot: cloud !== Cloud.DIGITALOCEAN, autoscaling: { minNodes: 1, maxNodes: 10 } });
  }
  const json = JSON.parse(Testing.synth(stack));
  const template = Object.entries(json.locals as Record<string, string>).find(([name]) => name.includes('cp-first-1-user-data'))![1];
  let problems: string[] = [];
  try {
    Testing.synth(stack, true);
  } catch (error) {
    if (!(error instanceof CastValidationError)) throw error;
    problems = [...error.problems];
  }
  return { size: worstCaseSize(first, template).bytes, limit: USER_DATA_LIMITS[first].bytes, problems };
}

describe('the largest documents today: the first control plane with eight autoscaled groups', () => {
  const rows = ALL_CLOUDS.map((cloud) => ({ cloud, ...firstControlPlaneOn(cloud) }));
  // AWS, GCP and Azure keep their CA keys in a store; DigitalOcean control planes carry them, and its limit counts the text.
  test.each(rows.filter((row) => row.cloud !== Cloud.DIGITALOCEAN))('on $cloud: at most $size of $limit bytes, and the synth passes', ({ size, limit, problems }) => {
    expect(size).toBeLessThanOrEqual(limit);
    expect(problems).toEqual([]);
  });

  const digitalOcean = rows.find((row) => row.cloud === Cloud.DIGITALOCEAN)!;
  test(`on DigitalOcean: at most ${digitalOcean.size} of ${digitalOcean.limit} bytes; the synth fails exactly when that is over the limit`, () => {
    const over = digitalOcean.size > digitalOcean.limit;
    expect(digitalOcean.problems).toEqual(over ? [expect.stringContaining('s/c1/cp-first: user-data of node acme-prod-cp-first-1 must fit 64 KiB of user data, counted as text')] : []);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
