/**
 * Terraform itself on CastBackend's S3 block: `terraform init` accepts it (use_lockfile
 * included), `apply` writes each stack's state under its own key and takes S3's lock file for
 * it, and a stack that reads another's outputs the way an in-cluster stack reads the cluster
 * stack's (outputsAtSynth, made before the CastBackend) gets them from the bucket.
 *
 * The bucket is s3rver (an S3 stand-in, npm) on loopback, reached through the backend's
 * `endpoint` as any S3-compatible store; the stacks use only Terraform's built-in provider, so
 * nothing is downloaded. Terraform 1.10 or later (use_lockfile): with none, or an older one, the
 * group is skipped with the reason printed, and fails on CI. About 2 CPU-seconds.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { CastBackend } from '../../lib/cluster/backend';
import { outputsAtSynth } from '../../lib/cluster/in-cluster-connection';
import { describeNeeding } from '../support/requirements';
import { quietEnvironment, terraformMissing } from '../terraform/terraform-cli';

// s3rver ships no types: what this test uses of it.
const S3rver = require('s3rver') as new (options: object) => { configureBuckets(): Promise<void>; callback(): (req: unknown, res: unknown) => void };

const run = promisify(execFile);

describeNeeding('CastBackend on S3, under Terraform', terraformMissing({ version: [1, 10], why: "the S3 backend's use_lockfile" }), () => {
  let dir: string;
  let server: Server;
  let endpoint: string;
  /** Every request the bucket got: method, path, and the conditional-write header S3 locking sends. */
  const requests: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-backend-s3-'));
    const s3 = new S3rver({ directory: path.join(dir, 's3'), silent: true, configureBuckets: [{ name: 'tfstate' }] });
    await s3.configureBuckets();
    const handle = s3.callback();
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url?.replace(/\?.*$/, '')}${req.headers['if-none-match'] ? ` if-none-match:${req.headers['if-none-match']}` : ''}`);
      handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('each stack keeps its state under its key, locked, and the reading stack reads the other from the bucket', async () => {
    const app = new App({ outdir: path.join(dir, 'out') });
    const cluster = new TerraformStack(app, 'cluster');
    new TerraformOutput(cluster, 'kubeconfig', { value: 'apiVersion: v1', sensitive: true });
    const inCluster = new TerraformStack(app, 'in-cluster');
    // As connectToCluster does: the read is made before the CastBackend exists.
    new TerraformOutput(inCluster, 'server', { value: outputsAtSynth(inCluster, cluster).getString('kubeconfig'), sensitive: true });
    new CastBackend(app, 'state', { s3: { bucket: 'tfstate', region: 'us-east-1', keyPrefix: 'cast/', endpoint } });
    app.synth();

    // s3rver accepts any signature; the backend still needs credentials to sign with.
    const env = quietEnvironment({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    const outputs: Record<string, unknown> = {};
    for (const stack of ['cluster', 'in-cluster']) {
      const cwd = path.join(dir, 'out', 'stacks', stack);
      await run('terraform', ['init', '-input=false', '-no-color'], { cwd, env });
      await run('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd, env });
      outputs[stack] = JSON.parse((await run('terraform', ['output', '-json'], { cwd, env })).stdout);
      expect(fs.existsSync(path.join(cwd, 'terraform.tfstate'))).toBe(false);
    }

    expect(outputs['in-cluster']).toEqual({ server: { sensitive: true, type: 'string', value: 'apiVersion: v1' } });
    // Each state under its own key, each apply under S3's lock file: created only if absent, then removed.
    for (const stack of ['cluster', 'in-cluster']) {
      expect(requests).toContain(`PUT /tfstate/cast/${stack}.tfstate`);
      expect(requests).toContain(`PUT /tfstate/cast/${stack}.tfstate.tflock if-none-match:*`);
      expect(requests).toContain(`DELETE /tfstate/cast/${stack}.tfstate.tflock`);
    }
    expect(requests).toContain('GET /tfstate/cast/cluster.tfstate');
  });
});
