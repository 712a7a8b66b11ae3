/**
 * The agent bucket through terraform (stand-in AWS provider): a deployment whose bucket
 * an earlier version named `cast-mesh-<uuid>` keeps it, with its archive and policy,
 * when it moves to the prefix; and a bucket replaced anyway (`-replace`) is made, with
 * its archive and policy, before the old one and its policy go, so a node booting from
 * the previous launch template can still read the old archive during the apply.
 */
import * as fs from 'fs';
import * as path from 'path';
import { planChanges } from '../terraform/harness';
import { startStandIns, type StandIns } from '../terraform/stand-in/stand-ins';
import { synthesizeApp, type SynthesizedApp } from '../terraform/synthesized-app';
import { describeRun, describeWithTerraform, quietEnvironment, terraform } from '../terraform/terraform-cli';
import { deriveClusterUuid } from '../../lib/core/cluster-identity';
import { addAgentSourceStack } from './agent-source-stack';

const NAME = 'prod';

/** The stack file as the previous version of the library wrote the bucket: a fixed name, no lifecycle anywhere. */
function asPreviousVersion(config: any): any {
  const copy = JSON.parse(JSON.stringify(config));
  const [bucket] = Object.values<any>(copy.resource.aws_s3_bucket);
  delete bucket.bucket_prefix;
  bucket.bucket = `cast-mesh-${deriveClusterUuid(NAME)}`;
  for (const type of ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_s3_object']) {
    for (const resource of Object.values<any>(copy.resource[type])) delete resource.lifecycle;
  }
  return copy;
}

describeWithTerraform('the AWS agent bucket through terraform', () => {
  let standIns: StandIns;
  let app: SynthesizedApp;
  let env: NodeJS.ProcessEnv;
  let file: string;
  let current: any;

  const run = async (...args: string[]) => {
    const result = await terraform(app.stacks[0].dir, args, env);
    if (result.code !== 0) throw new Error(describeRun(result));
    return result;
  };
  const write = (config: any) => fs.writeFileSync(file, JSON.stringify(config, null, 2));
  const bucketAddress = () => `aws_s3_bucket.${Object.keys(current.resource.aws_s3_bucket)[0]}`;

  beforeEach(async () => {
    standIns = await startStandIns();
    env = quietEnvironment({ TF_REATTACH_PROVIDERS: standIns.reattach });
    app = synthesizeApp((a) => addAgentSourceStack(a, NAME));
    file = path.join(app.stacks[0].dir, 'cdk.tf.json');
    current = JSON.parse(fs.readFileSync(file, 'utf8'));
    await run('init', '-input=false');
  });
  afterEach(async () => {
    await standIns.close();
    fs.rmSync(app.root, { recursive: true, force: true });
  });

  test('a bucket an earlier version named cast-mesh-<uuid> is kept, with its archive and policy: nothing to do', async () => {
    write(asPreviousVersion(current));
    await run('apply', '-input=false', '-auto-approve');
    write(current);
    expect(await planChanges(app.stacks[0], env)).toEqual([]);
    // And it still has the old name, which the URL in the running nodes' mesh.env points at.
    const show = JSON.parse((await run('show', '-json')).stdout);
    const bucket = show.values.root_module.resources.find((r: any) => r.type === 'aws_s3_bucket').values;
    expect(bucket.bucket).toBe(`cast-mesh-${deriveClusterUuid(NAME)}`);
  });

  test('replaced anyway: the new bucket, policy and archive first, the old ones last', async () => {
    await run('apply', '-input=false', '-auto-approve');
    await run('plan', '-input=false', `-replace=${bucketAddress()}`, '-out=replace.tfplan');
    const plan = JSON.parse((await run('show', '-json', 'replace.tfplan')).stdout);
    const actions = Object.fromEntries(plan.resource_changes.filter((c: any) => !c.change.actions.includes('no-op')).map((c: any) => [c.type, c.change.actions]));
    expect(actions).toEqual({
      aws_s3_bucket: ['create', 'delete'],
      aws_s3_bucket_policy: ['create', 'delete'],
      aws_s3_object: ['create', 'delete'],
      // Only removes a restriction while it is gone; the new bucket gets its own before any reads.
      aws_s3_bucket_public_access_block: ['delete', 'create'],
    });
  });
});
