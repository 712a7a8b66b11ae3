/**
 * cast-api-proxy probe and backends: what bootstrap-node.sh asks before it
 * decides between joining and `kubeadm init` (is an API there: a ready API
 * server, not an open port), and the list the proxy works from (the same
 * sources, in the same order).
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { jestTimeout, READY_LIMIT_MS, waitFor } from '../mesh/lab-waits';
import { Backend, cleanUp, Cli, labDir, runCli, writeAtomically } from './proxy-lab';

const backends: Backend[] = [];

async function start(name: string): Promise<Backend> {
  const backend = await Backend.start(name);
  backends.push(backend);
  return backend;
}

afterAll(() => cleanUp(backends), READY_LIMIT_MS);

describeWithTool('python3', 'python3', 'cast-api-proxy probe', () => {
  test('exits 0 and prints the first API server that is ready, from each source', async () => {
    const dir = labDir();
    const [local, learned, seed] = await Promise.all(['local', 'learned', 'seed'].map(start));
    writeAtomically(join(dir, 'api-servers'), `${learned.address}\n`);
    const seeds = ['--seeds-command', `echo ${seed.address}`];
    const runs = [
      await runCli(dir, 'probe', ['--local', local.address, ...seeds]),
      await runCli(dir, 'probe', seeds),
      await runCli(dir, 'probe', [...seeds, '--learned', join(dir, 'absent')]),
    ];
    expect(runs.map(({ status, stdout }) => ({ status, stdout }))).toEqual([
      { status: 0, stdout: `${local.address}\n` },
      { status: 0, stdout: `${learned.address}\n` },
      { status: 0, stdout: `${seed.address}\n` },
    ]);
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS, READY_LIMIT_MS));

  test('exits 1 when none is ready within --timeout, and says so', async () => {
    const dir = labDir();
    const gone = await start('gone');
    await gone.stop();
    const run = await runCli(dir, 'probe', ['--local', gone.address, '--seeds-command', 'exit 1', '--timeout', '0.5']);
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 1, stdout: '' });
    expect(run.stderr).toContain('cast-api-proxy: no API server was ready in 0.5 s');
  }, jestTimeout(READY_LIMIT_MS));

  test('exits 1 when the only API servers listening are not ready (an open port is no cluster)', async () => {
    const dir = labDir();
    const [local, learned, seed] = await Promise.all(['local', 'learned', 'seed'].map(start));
    local.readyz = 500;
    learned.readyz = 503;
    seed.readyz = 503;
    writeAtomically(join(dir, 'api-servers'), `${learned.address}\n`);
    const run = await runCli(dir, 'probe', ['--local', local.address, '--seeds-command', `echo ${seed.address}`, '--timeout', '0.5']);
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 1, stdout: '' });
    expect(run.stderr).toContain(`cast-api-proxy: ${local.address} is not ready: GET /readyz: HTTP/1.1 500 Internal Server Error`);
    expect(run.stderr).toContain(`cast-api-proxy: ${learned.address} is not ready: GET /readyz: HTTP/1.1 503 Service Unavailable`);
    expect(run.stderr).toContain(`cast-api-proxy: ${seed.address} is not ready: GET /readyz: HTTP/1.1 503 Service Unavailable`);
    expect(run.stderr).toContain('cast-api-proxy: no API server was ready in 0.5 s');
    // Each was asked, over TLS: the probe did not stop at an open port.
    expect([local, learned, seed].map((backend) => backend.checks > 0)).toEqual([true, true, true]);
  }, jestTimeout(READY_LIMIT_MS));

  test('waits up to --timeout for one to be ready: through a closed port, then an open one that is not ready yet', async () => {
    const dir = labDir();
    const late = await start('late');
    await late.stop();
    const probe = new Cli(dir, 'probe', ['--local', late.address, '--timeout', String(READY_LIMIT_MS / 1000)]);
    await waitFor('the probe finds nothing the first time', () => probe.stderr.includes(`${late.address} is not ready`), { limitMs: READY_LIMIT_MS });
    late.readyz = 503;
    await late.listen();
    await waitFor('the probe asks the API server that is not ready yet', () => late.checks > 0, { limitMs: READY_LIMIT_MS, gaveUp: () => probe.exited() });
    late.readyz = 200;
    expect(await probe.done).toMatchObject({ status: 0, stdout: `${late.address}\n` });
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS, READY_LIMIT_MS));
});

describeWithTool('python3', 'python3', 'cast-api-proxy backends, and what it refuses', () => {
  test('local, learned, seeds: in that order, each once, port 6443 unless given; bad entries skipped with a message', async () => {
    const dir = labDir();
    writeAtomically(join(dir, 'api-servers'), '10.4.0.1\n10.4.0.2:7443\n[fd00::1]:6443\nfd00::2\nnot:an:address:\n');
    const run = await runCli(dir, 'backends', ['--local', '127.0.0.1:6443', '--seeds-command', 'echo 203.0.113.7 10.4.0.1:6443 " 198.51.100.2"']);
    expect(run.stdout.split('\n')).toEqual(['127.0.0.1:6443', '10.4.0.1:6443', '10.4.0.2:7443', '[fd00::1]:6443', '[fd00::2]:6443', '203.0.113.7:6443', '198.51.100.2:6443', '']);
    expect(run.stderr).toContain(`cast-api-proxy: ${join(dir, 'api-servers')}: 'not:an:address:' is not host, host:port or [IPv6]:port, skipped`);
  }, jestTimeout(READY_LIMIT_MS));

  test.each([
    ['control-plane', ['127.0.0.1:6443', '10.4.0.1:6443']],
    ['worker', ['10.4.0.1:6443']],
  ])("without --local: this node's API server on 127.0.0.1:6443 when node.env says %s", async (role, expected) => {
    const dir = labDir();
    writeFileSync(join(dir, 'node.env'), `CAST_NODE_NAME='n'\nCAST_NODE_ROLE='${role}'\n`);
    writeAtomically(join(dir, 'api-servers'), '10.4.0.1\n');
    const run = await runCli(dir, 'backends', ['--node-env', join(dir, 'node.env')], ['--local']);
    expect(run.stdout.trim().split('\n')).toEqual(expected);
  }, jestTimeout(READY_LIMIT_MS));

  test('a bad --local or --listen is a usage error (exit 2) that names the flag', async () => {
    const dir = labDir();
    const run = await runCli(dir, 'backends', ['--local', 'api:server:x:']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("cast-api-proxy: error: --local: 'api:server:x:' is not host, host:port or [IPv6]:port");
  }, jestTimeout(READY_LIMIT_MS));

  test('run exits 1 with a message when its port is taken (systemd starts it again)', async () => {
    const dir = labDir();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const address = `127.0.0.1:${(holder.address() as { port: number }).port}`;
      const run = await runCli(dir, 'run', ['--listen', address]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^cast-api-proxy: cannot listen on ${address}: .*address already in use`, 'm'));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, jestTimeout(READY_LIMIT_MS));
});
