/**
 * A DigitalOcean autoscale pool keeps the droplet template it was created with, as terraform
 * plans it with the stand-in providers: DigitalOcean replaces every droplet of a pool whose
 * template changes, so a change of the pool's image (a release named in osImage), of its user
 * data (a new library version) or of its seed tags (a control plane added) plans no change to the pool, while its
 * limits still change in place and `terraform apply -replace=<pool>` still rolls it on purpose.
 * Each "no change" is checked against the same stack without the pool's `ignore_changes`,
 * which plans `update droplet_template`: the change the pool is kept from is real.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, NodeRole } from '../../lib';
import type { OsImageOptions } from '../../lib/nodes/os-image';
import { applyApp, failures, planChanges, type ResourceChange } from './harness';
import { useStandInTerraform } from './stand-in/use-stand-ins';
import { synthesizeApp, type BuildApp } from './synthesized-app';
import { describeWithTerraform } from './terraform-cli';

interface PoolShape {
  /** Control-plane droplets. @default 1 */
  readonly controlPlanes?: number;
  /** The pool's maxNodes. @default 5 */
  readonly maxNodes?: number;
  /** CastClusterProps.osImage. @default - each cloud's image as first deployed */
  readonly osImage?: OsImageOptions;
  /** The pool's own image (NodeGroupOptions.image). @default - the cloud's pinned image */
  readonly poolImage?: string;
}

const STACK = 'pool';
const STATE_FILE = `terraform.${STACK}.tfstate`;
const POOL = 'digitalocean_droplet_autoscale';

/** A DigitalOcean cluster: control-plane droplets, one static worker, one autoscale pool. */
function poolApp(shape: PoolShape = {}): BuildApp {
  return (app: App) => {
    const stack = new TerraformStack(app, STACK);
    const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.DIGITALOCEAN], osImage: shape.osImage, etcdBackup: { enabled: false } });
    cluster.addNodeGroup('cp', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.CONTROL_PLANE, count: shape.controlPlanes ?? 1 });
    cluster.addNodeGroup('workers', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, count: 1 });
    cluster.addNodeGroup('scaled', { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: shape.maxNodes ?? 5 }, image: shape.poolImage });
  };
}

/** The synthesized stack as it was before the pool kept its template: no lifecycle on any pool. */
function withoutPoolLifecycle(file: string): void {
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const pool of Object.values<any>(config.resource[POOL])) delete pool.lifecycle;
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

describeWithTerraform('a DigitalOcean autoscale pool keeps its droplet template, as terraform plans it', () => {
  const terraform = useStandInTerraform('cast-pool-');

  // The cluster as first deployed, applied once, on first use.
  let appliedBase: Promise<string> | undefined;
  const applied = () => (appliedBase ??= (async () => {
    const root = fs.mkdtempSync(path.join(terraform.workdir, 'before-'));
    const problems = failures(await applyApp(synthesizeApp(poolApp(), root), terraform.env));
    if (problems) throw new Error(problems);
    return root;
  })());

  /** The plan of `shape` against the applied cluster; `old`: synthesized without the pool's lifecycle. */
  async function planned(shape: PoolShape, options: { old?: boolean; replace?: (state: any) => string[] } = {}): Promise<ResourceChange[]> {
    const base = await applied();
    const root = fs.mkdtempSync(path.join(terraform.workdir, 'after-'));
    fs.copyFileSync(path.join(base, STATE_FILE), path.join(root, STATE_FILE));
    const stack = synthesizeApp(poolApp(shape), root).stacks[0];
    if (options.old) withoutPoolLifecycle(path.join(stack.dir, 'cdk.tf.json'));
    const state = JSON.parse(fs.readFileSync(path.join(root, STATE_FILE), 'utf8'));
    return planChanges(stack, terraform.env, options.replace?.(state) ?? []);
  }

  const pool = (changes: readonly ResourceChange[]) => changes.filter((c) => c.type === POOL).map((c) => `${c.action} ${c.action === 'replace' ? c.replacePaths.join(',') : c.changed.join(',')}`.trim());
  const poolAddress = (state: any) => state.resources.filter((r: any) => r.type === POOL).map((r: any) => `${POOL}.${r.name}`);

  test('the same cluster plans no change to the pool', async () => {
    expect(pool(await planned({}))).toEqual([]);
  }, 180_000);

  test.each([
    ['a DigitalOcean image named in osImage (the pool\'s image)', { osImage: { digitalocean: '386734086' } }],
    ['two control planes added (the pool\'s seed tags)', { controlPlanes: 3 }],
  ] as const)('%s: no change to the pool; without ignore_changes, update droplet_template', async (_title, shape) => {
    expect(pool(await planned(shape, { old: true }))).toEqual(['update droplet_template']);
    const changes = await planned(shape);
    expect(pool(changes)).toEqual([]);
    // The static nodes keep their image and user data (runningVmLifecycle): no droplet is replaced either.
    expect(changes.filter((c) => c.type === 'digitalocean_droplet' && c.action === 'replace')).toEqual([]);
  }, 300_000);

  test('maxNodes changed: the pool\'s config changes in place, its template does not', async () => {
    const changes = await planned({ maxNodes: 8 });
    expect(pool(changes)).toEqual(['update config']);
    const change = changes.find((c) => c.type === POOL)!;
    expect((change.after?.config as any[])[0]).toMatchObject({ max_instances: 8, min_instances: 1 });
    expect(change.after?.droplet_template).toEqual(change.before?.droplet_template);
  }, 180_000);

  test('terraform apply -replace=<pool> rolls it on purpose: the pool is replaced, with the template the stack now has', async () => {
    const changes = await planned({ poolImage: 'ubuntu-24-04-x64' }, { replace: poolAddress });
    expect(pool(changes)).toEqual(['replace']);
    const change = changes.find((c) => c.type === POOL)!;
    const image = (side: 'before' | 'after') => (change[side]?.droplet_template as any[])[0].image as string;
    // Before: the image the cluster pinned (an image id); after: the group's own image.
    expect(image('before')).not.toBe('ubuntu-24-04-x64');
    expect(image('after')).toBe('ubuntu-24-04-x64');
  }, 180_000);
});
