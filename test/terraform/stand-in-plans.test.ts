/**
 * The stand-ins plan what the real providers plan, seen through terraform itself:
 * a force-new attribute replaces, an in-place attribute updates, a conditional rule
 * (aws_instance user_data with user_data_replace_on_change) follows its condition,
 * a newer image published to a data source reaches the resources that read it, and a
 * change made in the cloud shows on refresh.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planChanges, type ResourceChange } from './harness';
import { startStandIns, type StandIns } from './stand-in/stand-ins';
import { describeWithTerraform, describeRun, quietEnvironment, terraform } from './terraform-cli';

function stack(instance: Record<string, unknown>): object {
  return {
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '6.25.0' } } },
    provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { 'cast-cluster-name': 'judge' } }] }] },
    data: { aws_ami: { ubuntu: { most_recent: true, owners: ['099720109477'], filter: [{ name: 'name', values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'] }] } } },
    resource: { aws_instance: { node: { ami: '${data.aws_ami.ubuntu.id}', instance_type: 't3.small', user_data: 'first', tags: { Name: 'node' }, ...instance } } },
  };
}

describeWithTerraform('the stand-ins plan as the real providers do', () => {
  let standIns: StandIns;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const write = (instance: Record<string, unknown> = {}) => fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(stack(instance), null, 2));
  const plan = async (): Promise<ResourceChange | undefined> => (await planChanges({ name: 'judge', dir }, env)).find((c) => c.type === 'aws_instance');

  beforeEach(async () => {
    standIns = await startStandIns();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-judge-'));
    env = quietEnvironment({ TF_REATTACH_PROVIDERS: standIns.reattach });
    write();
    for (const args of [['init', '-input=false'], ['apply', '-input=false', '-auto-approve']]) {
      const run = await terraform(dir, args, env);
      if (run.code !== 0) throw new Error(describeRun(run));
    }
  });
  afterEach(async () => {
    await standIns.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an applied object has plausible values and the provider default tags; a re-plan finds nothing', async () => {
    const show = await terraform(dir, ['show', '-json'], env);
    const instance = JSON.parse(show.stdout).values.root_module.resources.find((r: any) => r.type === 'aws_instance').values;
    expect(instance.id).toMatch(/^i-[0-9a-f]{17}$/);
    expect(instance.ami).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(instance.tags_all).toEqual({ 'cast-cluster-name': 'judge', Name: 'node' });
    expect(await plan()).toBeUndefined();
  });

  test('user_data changes in place (a stop and start on AWS), unless user_data_replace_on_change', async () => {
    write({ user_data: 'second' });
    expect(await plan()).toMatchObject({ action: 'update', changed: ['user_data'] });
    write({ user_data: 'second', user_data_replace_on_change: true });
    expect(await plan()).toMatchObject({ action: 'replace', replacePaths: ['user_data'] });
  });

  test('a newer AMI published replaces an instance that follows most_recent', async () => {
    standIns.world.publishNewer('aws_ami');
    expect(await plan()).toMatchObject({ action: 'replace', replacePaths: ['ami'] });
  });

  test('a change made in the cloud shows on refresh and is planned back', async () => {
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'));
    const id = state.resources.find((r: any) => r.type === 'aws_instance').instances[0].attributes.id;
    standIns.world.change('aws_instance', id, { instance_type: 't3.large' });
    const change = await plan();
    expect(change).toMatchObject({ action: 'update', changed: ['instance_type'] });
    expect(change?.before?.instance_type).toBe('t3.large');
    standIns.world.remove('aws_instance', id);
    expect(await plan()).toMatchObject({ action: 'create' });
  });
});
