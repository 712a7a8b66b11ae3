/**
 * cast-api-proxy run: which API server a new connection reaches. The node's
 * own first, then the learned ones in the file's order, then the seeds; only
 * a ready one (GET /readyz answers 200), not one that merely accepts TCP; a
 * refused connect moves on at once; an API server that is ready again is used
 * again; the learned file and the seeds are read again without a restart; the
 * cluster CA, when there is one, is checked. Every API server is a Node server
 * on loopback that answers /readyz over TLS and says its name on relayed
 * connections (proxy-lab.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { jestTimeout, READY_LIMIT_MS, waitFor } from '../mesh/lab-waits';
import { ask, Backend, cleanUp, LAB_CA, labDir, OTHER_CA, Proxy, writeAtomically } from './proxy-lab';

const backends: Backend[] = [];

async function start(...names: string[]): Promise<Backend[]> {
  const started = await Promise.all(names.map((name) => Backend.start(name)));
  backends.push(...started);
  return started;
}

/** A loopback address that refuses connections: a server's port after it stopped. */
async function deadAddress(): Promise<string> {
  const [dead] = await start('dead');
  await dead.stop();
  return dead.address;
}

afterAll(() => cleanUp(backends), READY_LIMIT_MS);

describeWithTool('python3', 'python3', 'cast-api-proxy: which API server a new connection reaches', () => {
  test('the local API server first, then the learned ones in order, then the seeds', async () => {
    const dir = labDir();
    const [local, first, second, seed] = await start('local', 'first', 'second', 'seed');
    writeAtomically(join(dir, 'api-servers'), `${first.address}\n${second.address}\n`);
    const proxy = await Proxy.start(dir, ['--local', local.address, '--seeds-command', `echo ${seed.address}`]);
    // A client waits until the first ready API server in order is known, so even the first connection goes there.
    expect(await ask(proxy.port)).toBe('local');
    await proxy.sawReady(first, second, seed);
    await local.stop();
    expect(await ask(proxy.port)).toBe('first');
    await first.stop();
    expect(await ask(proxy.port)).toBe('second');
    await second.stop();
    expect(await ask(proxy.port)).toBe('seed');
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS));

  test('fails over to the next API server and comes back to the first when it is ready again', async () => {
    const dir = labDir();
    const [local, learned] = await start('local', 'learned');
    writeAtomically(join(dir, 'api-servers'), `${learned.address}\n`);
    const proxy = await Proxy.start(dir, ['--local', local.address]);
    expect(await ask(proxy.port)).toBe('local');
    await local.stop();
    await proxy.reaches('learned');
    await local.listen();
    await proxy.reaches('local');
    expect(proxy.lines(new RegExp(`${local.address} is (not )?ready`)).map((line) => line.replace(/(is not ready): .*/, '$1'))).toEqual([
      `cast-api-proxy: ${local.address} is ready`,
      `cast-api-proxy: ${local.address} is not ready`,
      `cast-api-proxy: ${local.address} is ready`,
    ]);
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS));

  test('a refused connect costs the client nothing: it moves on before any check has seen the API server go', async () => {
    const dir = labDir();
    const [local, learned] = await start('local', 'learned');
    writeAtomically(join(dir, 'api-servers'), `${learned.address}\n`);
    // One check, at start: only the client's own connect can find out.
    const proxy = await Proxy.start(dir, ['--local', local.address, '--interval', '3600']);
    expect(await ask(proxy.port)).toBe('local');
    await proxy.sawReady(learned);
    await local.stop();
    expect(await ask(proxy.port)).toBe('learned');
    expect(await ask(proxy.port)).toBe('learned');
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS));

  test('learns from the file and from its changes without a restart; the same list again or an empty one changes nothing', async () => {
    const dir = labDir();
    const file = join(dir, 'api-servers');
    const [a, b] = await start('a', 'b');
    const proxy = await Proxy.start(dir);
    expect(await ask(proxy.port)).toBe('EOF');
    writeAtomically(file, `${a.address}\n`);
    await proxy.reaches('a');
    // host:port and host alone (port 6443) are both fine; so is more than one on a line.
    const text = `${b.address}\n${a.address} 127.0.0.9\n`;
    writeAtomically(file, text);
    await proxy.reaches('b');
    // The mesh agent rewrites the file on every sync; then it says nothing at all.
    for (const again of [text, '']) {
      writeAtomically(file, again);
      const seen = b.checks;
      // Two more checks of b: a whole round has begun, and read the file, since the write.
      await waitFor('two more checks of b', () => b.checks >= seen + 2, { limitMs: READY_LIMIT_MS, gaveUp: () => proxy.exited() });
    }
    expect(await ask(proxy.port)).toBe('b');
    expect(proxy.lines(/learned from/)).toEqual([
      `cast-api-proxy: learned from ${file}: ${a.address}`,
      `cast-api-proxy: learned from ${file}: ${b.address} ${a.address} 127.0.0.9:6443`,
    ]);
    expect(readFileSync(file, 'utf8')).toBe('');
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS, READY_LIMIT_MS, READY_LIMIT_MS));

  test('runs the seeds command again when no API server is ready, and uses what it prints', async () => {
    const dir = labDir();
    const seeds = join(dir, 'seeds');
    const [learned, seed] = await start('learned', 'seed');
    writeAtomically(join(dir, 'api-servers'), `${learned.address}\n`);
    writeAtomically(seeds, `${await deadAddress()}\n`);
    const proxy = await Proxy.start(dir, ['--seeds-command', `cat ${seeds}`]);
    expect(await ask(proxy.port)).toBe('learned');
    await learned.stop();
    // Nothing is ready now: the learned one is gone and the seed printed at start is dead.
    expect(await ask(proxy.port)).toBe('EOF');
    writeAtomically(seeds, `${seed.address}\n`);
    await proxy.reaches('seed');
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS));

  test('a failing seeds command is logged once and is not fatal; "no API server is ready" once too', async () => {
    const dir = labDir();
    const runs = join(dir, 'runs');
    const command = `echo run >>${runs}; echo broken >&2; exit 3`;
    const proxy = await Proxy.start(dir, ['--seeds-command', command]);
    const ran = () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').length - 1 : 0);
    await waitFor('the seeds command ran 4 times', () => ran() >= 4 && proxy.lines(/seeds:|no API server is ready/).length >= 2, {
      limitMs: READY_LIMIT_MS,
      gaveUp: () => proxy.exited(),
    });
    expect(proxy.lines(/seeds:/)).toEqual([`cast-api-proxy: seeds: ${command}: exit status 3: broken; keeping none`]);
    expect(proxy.lines(/no API server is ready/)).toEqual(['cast-api-proxy: no API server is ready (tried none known); new connections are closed until one is']);
    expect(await ask(proxy.port)).toBe('EOF');
    expect(proxy.exited()).toBeUndefined();
  }, jestTimeout(READY_LIMIT_MS));
  test('an API server that accepts connections but whose /readyz does not answer 200 is skipped, and used once it does', async () => {
    const dir = labDir();
    const [first, second] = await start('first', 'second');
    // Like a kube-apiserver whose etcd lost quorum: the port is open, /readyz fails.
    first.readyz = 503;
    writeAtomically(join(dir, 'api-servers'), `${first.address}\n${second.address}\n`);
    const proxy = await Proxy.start(dir);
    expect(await ask(proxy.port)).toBe('second');
    expect(proxy.lines(new RegExp(`${first.address} is`))).toEqual([`cast-api-proxy: ${first.address} is not ready: GET /readyz: HTTP/1.1 503 Service Unavailable`]);
    first.readyz = 200;
    await proxy.reaches('first');
    expect(proxy.lines(new RegExp(`${first.address} is`))).toEqual([
      `cast-api-proxy: ${first.address} is not ready: GET /readyz: HTTP/1.1 503 Service Unavailable`,
      `cast-api-proxy: ${first.address} is ready`,
    ]);
  }, jestTimeout(READY_LIMIT_MS));

  test('a joining control plane: its own API server listens but is not ready (no etcd member yet), so its clients go to the next one until it is', async () => {
    const dir = labDir();
    const [local, learned] = await start('local', 'learned');
    // kube-apiserver's answer while its etcd check fails.
    local.readyz = 500;
    writeAtomically(join(dir, 'api-servers'), `${learned.address}\n`);
    const proxy = await Proxy.start(dir, ['--local', local.address]);
    expect(await ask(proxy.port)).toBe('learned');
    expect(await ask(proxy.port)).toBe('learned');
    expect(proxy.lines(new RegExp(`${local.address} is`))).toEqual([`cast-api-proxy: ${local.address} is not ready: GET /readyz: HTTP/1.1 500 Internal Server Error`]);
    local.readyz = 200;
    await proxy.reaches('local');
  }, jestTimeout(READY_LIMIT_MS));

  test('checks certificates against the cluster CA once the file is there, and never their names; without it, checks none', async () => {
    const dir = labDir();
    const ca = join(dir, 'ca.crt');
    const [local] = await start('local');
    // No CA yet (a worker before kubeadm join writes it): ready without a check.
    const proxy = await Proxy.start(dir, ['--local', local.address, '--ca-file', ca]);
    expect(await ask(proxy.port)).toBe('local');
    // A CA that did not sign the API server's certificate: not ready.
    writeAtomically(ca, readFileSync(OTHER_CA, 'utf8'));
    await proxy.reaches('EOF');
    // The cluster's CA: ready, though the certificate names only `kubernetes`, not 127.0.0.1.
    writeAtomically(ca, readFileSync(LAB_CA, 'utf8'));
    await proxy.reaches('local');
    expect(proxy.lines(/certificates|:\d+ is (not )?ready/).map((line) => line.replace(/(certificate verify failed).*/, '$1'))).toEqual([
      `cast-api-proxy: certificates not checked (${ca}: No such file or directory)`,
      `cast-api-proxy: ${local.address} is ready`,
      `cast-api-proxy: certificates checked against ${ca}`,
      `cast-api-proxy: ${local.address} is not ready: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed`,
      `cast-api-proxy: ${local.address} is ready`,
    ]);
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS));
});
