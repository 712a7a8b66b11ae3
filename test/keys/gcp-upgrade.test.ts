/**
 * The GCP key store reaching an existing cluster, as terraform plans it with the stand-in
 * providers: a control plane applied without a service account (the cluster before the key
 * store), then planned with the key store and its account. Changing `service_account` on a
 * running instance needs a stop (hashicorp/google 6.50.0 resource_compute_instance.go:2703,
 * needToStopInstanceBeforeUpdating; without allow_stopping_for_update the apply fails, :2749),
 * so the existing control plane must see no change at all, while a new control plane is
 * created with the account. ignore_changes is what makes the difference: without it the
 * same plan updates the existing control plane's service_account.
 *
 * The same for workers, when the key store brings the workers' service account (the join token,
 * docs/decisions/0006): a running static worker sees no change, a new one is created with the
 * account; an autoscaled group gets a new instance template (service_account is ForceNew on
 * templates) and its group takes it in place, keeping its running VMs (update_policy OPPORTUNISTIC).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { App, TerraformLocal, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Cloud } from '../../lib/core/cloud';
import { buildKeyStore } from '../../lib/keys/gcp';
import { NODE_BUILDERS } from '../../lib/nodes';
import { buildScalingGroup } from '../../lib/nodes/scaling/gcp';
import { NodeRole } from '../../lib/core/node-role';
import { nodeSpec } from '../nodes/api-servers-fixture';
import { CLUSTER, LABELS, scalingSpec, UUID } from '../nodes/scaling/scaling-fixture';
import { applyApp, failures, planChanges, type ResourceChange } from '../terraform/harness';
import { startStandIns, type StandIns } from '../terraform/stand-in/stand-ins';
import { synthesizeApp } from '../terraform/synthesized-app';
import { describeWithTerraform, quietEnvironment } from '../terraform/terraform-cli';

const STATE_FILE = 'terraform.keys.tfstate';

/**
 * One GCP control plane, `c1-cp-1`; with `keyStore`, the GCP key store as well, that node
 * and a new `c1-cp-2` run as its account. `protect`: false drops the nodes' lifecycle (ignore_changes).
 */
function keysApp(keyStore: boolean, protect = true): (app: App) => void {
  return (app) => {
    const stack = new TerraformStack(app, 'keys');
    const provider = new GoogleProvider(stack, 'google', { project: 'p', region: scalingSpec(Cloud.GCP, '', undefined).location.region });
    const userData = new TerraformLocal(stack, 'user-data', '#cloud-config\nwrite_files: []\n').asString;
    const group = scalingSpec(Cloud.GCP, userData, undefined);
    const store = keyStore ? gcpKeyStore(stack, provider, group) : undefined;
    const names = keyStore ? ['c1-cp-1', 'c1-cp-2'] : ['c1-cp-1'];
    for (const name of names) {
      const scope = new Construct(stack, name);
      NODE_BUILDERS[Cloud.GCP].buildNode(scope, nodeSpec(Cloud.GCP, userData, { name, provider, controlPlaneIdentity: store?.identity, dependsOn: store?.dependencies }));
      if (!protect) {
        scope.node.findAll().filter((c): c is ComputeInstance => c instanceof ComputeInstance).forEach((i) => (i.lifecycle = undefined));
      }
    }
  };
}

/**
 * A cluster applied before the change (`before`), in stand-ins of its own, and the plan of
 * an app against a copy of its state: what the next deploy would do to it.
 */
function appliedBefore(prefix: string, before: (app: App) => void): { planned: (build: (app: App) => void) => Promise<ResourceChange[]> } {
  let standIns: StandIns;
  let env: NodeJS.ProcessEnv;
  let workdir: string;
  let beforeDir: string;
  beforeAll(async () => {
    standIns = await startStandIns();
    env = quietEnvironment({ TF_REATTACH_PROVIDERS: standIns.reattach });
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    beforeDir = fs.mkdtempSync(path.join(workdir, 'before-'));
    const problems = failures(await applyApp(synthesizeApp(before, beforeDir), env));
    if (problems) throw new Error(problems);
  });
  afterAll(async () => {
    await standIns?.close();
    if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
  });
  return {
    planned: async (build) => {
      const root = fs.mkdtempSync(path.join(workdir, 'after-'));
      fs.copyFileSync(path.join(beforeDir, STATE_FILE), path.join(root, STATE_FILE));
      return planChanges(synthesizeApp(build, root).stacks[0], env);
    },
  };
}

const instance = (changes: readonly ResourceChange[], name: string) => changes.find((c) => c.type === 'google_compute_instance' && c.address.includes(name));

describeWithTerraform('the GCP key store on an existing cluster, as terraform plans it', () => {
  const { planned } = appliedBefore('cast-gcp-keys-', keysApp(false));

  test('the existing control plane is left alone; the new one is created with the account; the store is created', async () => {
    const changes = await planned(keysApp(true));
    expect(instance(changes, 'c1-cp-1')).toBeUndefined();
    const created = instance(changes, 'c1-cp-2');
    expect(created?.action).toBe('create');
    expect(created?.after?.service_account).toHaveLength(1);
    expect(changes.filter((c) => c.action !== 'create').map((c) => `${c.action} ${c.address}`)).toEqual([]);
    // The bundle's secret, its version and grant, the control planes' account; the join token's
    // secret (no version), its three grants and the workers' account.
    expect(changes.map((c) => c.type).filter((t) => /secret_manager|service_account|random_id/.test(t)).sort()).toEqual([
      'google_secret_manager_secret',
      'google_secret_manager_secret',
      'google_secret_manager_secret_iam_member',
      'google_secret_manager_secret_iam_member',
      'google_secret_manager_secret_iam_member',
      'google_secret_manager_secret_iam_member',
      'google_secret_manager_secret_version',
      'google_service_account',
      'google_service_account',
      'random_id',
    ]);
  });

  test('without ignore_changes the same plan would change the running control plane\'s service_account (the change that needs a stop)', async () => {
    const changes = await planned(keysApp(true, false));
    expect(instance(changes, 'c1-cp-1')).toMatchObject({ action: 'update', changed: expect.arrayContaining(['service_account']) });
  });
});

/** The cluster's GCP key store (with the join token's secret and the workers' account), as CastCluster builds it. */
function gcpKeyStore(stack: TerraformStack, provider: GoogleProvider, group: ReturnType<typeof scalingSpec>) {
  return buildKeyStore!(new Construct(stack, 'control-plane-keys-gcp'), {
    clusterName: CLUSTER,
    clusterUuid: UUID,
    labels: LABELS,
    location: group.location,
    randomProvider: new RandomProvider(stack, 'random'),
    network: group.network,
    provider,
    bundle: new TerraformLocal(stack, 'bundle', '{"schema":"cast-control-plane-keys/v1","files":{}}').asString,
  });
}

/**
 * GCP workers of an existing cluster: before, one static worker `c1-w-1` and an autoscaled group,
 * as the library built them before the join token (no service account, no lifecycle on the
 * worker); after, the key store, the same worker, a new `c1-w-2` and the group, all given the
 * store's workers' identity. `protect`: false drops the workers' lifecycle (ignore_changes).
 */
function workersApp(after: boolean, protect = true): (app: App) => void {
  return (app) => {
    const stack = new TerraformStack(app, 'keys');
    const group = scalingSpec(Cloud.GCP, '', undefined);
    const provider = new GoogleProvider(stack, 'google', { project: 'p', region: group.location.region });
    const userData = new TerraformLocal(stack, 'user-data', '#cloud-config\nwrite_files: []\n').asString;
    const seeds = new TerraformLocal(stack, 'api-servers', '203.0.113.10').asString;
    const store = after ? gcpKeyStore(stack, provider, group) : undefined;
    const workerIdentity = store ? () => store.joinToken.workerIdentity : undefined;
    for (const name of after ? ['c1-w-1', 'c1-w-2'] : ['c1-w-1']) {
      const scope = new Construct(stack, name);
      NODE_BUILDERS[Cloud.GCP].buildNode(scope, nodeSpec(Cloud.GCP, userData, { name, role: NodeRole.WORKER, provider, apiServers: seeds, workerIdentity }));
      if (!protect || !after) {
        scope.node.findAll().filter((c): c is ComputeInstance => c instanceof ComputeInstance).forEach((i) => (i.lifecycle = undefined));
      }
    }
    buildScalingGroup(new Construct(stack, 'pool'), scalingSpec(Cloud.GCP, userData, undefined, { provider, apiServers: seeds, workerIdentity }));
  };
}

describeWithTerraform('the workers\' service account on an existing GCP cluster, as terraform plans it', () => {
  const { planned } = appliedBefore('cast-gcp-workers-', workersApp(false));

  test('the running worker is left alone, the new one gets the account; the group takes a new template in place, no VM replaced', async () => {
    const changes = await planned(workersApp(true));
    expect(instance(changes, 'c1-w-1')).toBeUndefined();
    const created = instance(changes, 'c1-w-2');
    expect(created?.action).toBe('create');
    expect(created?.after?.service_account).toEqual([expect.objectContaining({ scopes: ['cloud-platform'] })]);
    // The template is replaced (it cannot change), created before the old one goes; the group is updated, not replaced.
    const template = changes.find((c) => c.type === 'google_compute_instance_template');
    expect(template).toMatchObject({ action: 'replace', replacePaths: expect.arrayContaining(['service_account']) });
    const mig = changes.find((c) => c.type === 'google_compute_instance_group_manager');
    expect(mig?.action).toBe('update');
    expect(mig?.after?.update_policy).toEqual([expect.objectContaining({ type: 'OPPORTUNISTIC' })]);
    expect(changes.filter((c) => c.action !== 'create').map((c) => `${c.action} ${c.type}`).sort()).toEqual([
      'replace google_compute_instance_template',
      'update google_compute_instance_group_manager',
    ]);
  });

  test('without ignore_changes the same plan would change the running worker\'s service_account (the change that needs a stop)', async () => {
    const changes = await planned(workersApp(true, false));
    expect(instance(changes, 'c1-w-1')).toMatchObject({ action: 'update', changed: expect.arrayContaining(['service_account']) });
  });
});
