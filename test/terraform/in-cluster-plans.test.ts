/**
 * What a deploy does to a running cluster whose in-cluster stack is applied, as Terraform
 * plans it with the stand-in providers: a cluster with control planes on AWS and Azure and an
 * autoscaled AWS group, and its InClusterStack, applied once; each change planned against
 * that state, both stacks. An autoscaling policy change and a Kubernetes minor version plan
 * nothing in the cluster's stack (no VM, no template) and update releases of the in-cluster
 * stack only; a version that skips a minor of what the cluster runs (kubeadm-config, which
 * the stand-in's data source answers as a cluster would) stops the in-cluster stack's plan
 * with the cluster's path and the fix, before anything is applied.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, InClusterStack, NodeRole, NodeShape } from '../../lib';
import type { AutoscalingPolicyOptions } from '../../lib';
import { applyApp, failures, planChanges, type ResourceChange } from './harness';
import { startStandIns, type StandIns } from './stand-in/stand-ins';
import { synthesizeApp } from './synthesized-app';
import { describeWithTerraform, quietEnvironment } from './terraform-cli';

interface Shape {
  readonly kubernetesVersion?: string;
  readonly autoscaling?: AutoscalingPolicyOptions;
}

const BEFORE: Shape = { kubernetesVersion: '1.34.2', autoscaling: { maxCores: 64 } };

function clusterApp(shape: Shape) {
  return (app: App) => {
    const stack = new TerraformStack(app, 'prod');
    const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS, Cloud.AZURE], kubernetesVersion: shape.kubernetesVersion, autoscaling: shape.autoscaling, etcdBackup: { enabled: false } });
    cluster.addNodeGroup('aws-cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL });
    cluster.addNodeGroup('azure-cp', { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL });
    cluster.addNodeGroup('aws-scaled', { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 5 } });
    new InClusterStack(app, 'prod-in-cluster', { cluster });
  };
}

/** "<type>.<name> <action>" for every change of the plan. */
const summary = (changes: readonly ResourceChange[]) => changes.map((c) => `${c.address} ${c.action}`).sort();

describeWithTerraform('a running cluster: what the in-cluster stack carries', () => {
  let standIns: StandIns | undefined;
  let workdir = '';
  let base: Promise<string> | undefined;
  const env = () => quietEnvironment({ TF_REATTACH_PROVIDERS: standIns!.reattach });

  beforeAll(async () => {
    standIns = await startStandIns();
    workdir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'cast-in-cluster-'));
    // The cluster runs what it was founded with, as kubeadm writes it (with its "v").
    standIns.world.answer('kubernetes_config_map_v1', { data: { ClusterConfiguration: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.34.2\n' } });
  });
  afterAll(async () => {
    await standIns?.close();
    if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
  });

  /** Both stacks of BEFORE, applied once for the file. */
  const applied = () => (base ??= (async () => {
    const root = fs.mkdtempSync(path.join(workdir, 'before-'));
    const problems = failures(await applyApp(synthesizeApp(clusterApp(BEFORE), root), env()));
    if (problems) throw new Error(problems);
    return root;
  })());

  /** The plan of each stack of `shape` against the applied state. */
  async function planned(shape: Shape): Promise<{ cluster: ResourceChange[]; inCluster: ResourceChange[] }> {
    const from = await applied();
    const root = fs.mkdtempSync(path.join(workdir, 'after-'));
    for (const file of fs.readdirSync(from).filter((f) => /^terraform\..+\.tfstate$/.test(f))) fs.copyFileSync(path.join(from, file), path.join(root, file));
    const app = synthesizeApp(clusterApp(shape), root);
    const [cluster, inCluster] = app.stacks;
    return { cluster: await planChanges(cluster, env()), inCluster: await planChanges(inCluster, env()) };
  }

  test('an autoscaling policy change: nothing in the cluster stack; the autoscaling release updated in place', async () => {
    const plans = await planned({ ...BEFORE, autoscaling: { maxCores: 128, headroomCpuPercent: 25 } });
    expect(summary(plans.cluster)).toEqual([]);
    expect(summary(plans.inCluster)).toEqual(['helm_release.release-cast-autoscaling update']);
  }, 240_000);

  test('the next minor Kubernetes version: nothing in the cluster stack; the upgrade\'s target and the matching cluster-autoscaler', async () => {
    const plans = await planned({ ...BEFORE, kubernetesVersion: '1.35.0' });
    expect(summary(plans.cluster)).toEqual([]);
    expect(summary(plans.inCluster)).toEqual(['helm_release.release-cast-autoscaling update', 'helm_release.release-cast-upgrade update']);
    const upgrade = plans.inCluster.find((c) => c.address === 'helm_release.release-cast-upgrade')!;
    expect(JSON.stringify(upgrade.after?.values)).toContain('1.35.0');
  }, 240_000);

  test('a version two minors past what the cluster runs: the in-cluster stack\'s plan stops, naming the cluster and the fix', async () => {
    // The running cluster is still at 1.33 (an upgrade that never ran); 1.35 skips 1.34.
    const running = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.33.5\n';
    const ownWorld = await startStandIns();
    try {
      ownWorld.world.answer('kubernetes_config_map_v1', { data: { ClusterConfiguration: running } });
      const from = await applied();
      const root = fs.mkdtempSync(path.join(workdir, 'skip-'));
      for (const file of fs.readdirSync(from).filter((f) => /^terraform\..+\.tfstate$/.test(f))) fs.copyFileSync(path.join(from, file), path.join(root, file));
      const inCluster = synthesizeApp(clusterApp({ ...BEFORE, kubernetesVersion: '1.35.0' }), root).stacks[1];
      const error = await planChanges(inCluster, quietEnvironment({ TF_REATTACH_PROVIDERS: ownWorld.reattach })).then(() => '', (e: Error) => e.message);
      expect(error).toContain('Resource precondition failed');
      expect(error.replace(/\s+/g, ' ')).toContain('prod/prod: kubernetesVersion 1.35.0 cannot follow the version the cluster runs');
    } finally {
      await ownWorld.close();
    }
  }, 240_000);
});
