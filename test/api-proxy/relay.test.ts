/**
 * cast-api-proxy run: what a client gets through it. The bytes, intact both
 * ways; each side's end passed on as a half-close while the other direction
 * goes on; a closed connection, never a refused port, when no API server
 * is ready; more connections at once than systemd's soft descriptor limit
 * allows; and readiness sent to systemd once it listens. The relay is plain
 * TCP: the clients here speak plain bytes, starting with HELLO (proxy-lab.ts).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { jestTimeout, PATH_LIMIT_MS, READY_LIMIT_MS, waitFor } from '../mesh/lab-waits';
import { ask, Backend, cleanUp, HELLO, labDir, Proxy } from './proxy-lab';

const MB = 1024 * 1024;
const backends: Backend[] = [];

async function start(name: string, mode: 'echo' | 'speak-first' = 'echo', greeting?: Buffer): Promise<Backend> {
  const backend = await Backend.start(name, mode, greeting);
  backends.push(backend);
  return backend;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Sends HELLO and `payload` and ends its side; resolves with everything
 * received until the other side ended. With `afterEnd`, sends only HELLO first
 * and `afterEnd` once the other side has ended (the connection is half-open
 * meanwhile).
 */
function exchange(port: number, payload: Buffer, afterEnd?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    socket.write(HELLO);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`exchange through port ${port}: no end after ${PATH_LIMIT_MS} ms (${Buffer.concat(chunks).length} bytes received)`));
    }, PATH_LIMIT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      if (afterEnd) socket.end(afterEnd, () => resolve(Buffer.concat(chunks)));
      else resolve(Buffer.concat(chunks));
    });
    if (!afterEnd) socket.end(payload);
  });
}

afterAll(() => cleanUp(backends), READY_LIMIT_MS);

describeWithTool('python3', 'python3', 'cast-api-proxy: what a client gets through it', () => {
  test('20 MB go through intact both ways at once (an echo); the client\'s end reaches the API server after its last byte', async () => {
    const dir = labDir();
    const echo = await start('echo');
    const proxy = await Proxy.start(dir, ['--local', echo.address]);
    const payload = randomBytes(20 * MB);
    // The echo server ends only after echoing everything: a proxy that closed on the
    // client's end (no half-close) would cut the echo short.
    const received = await exchange(proxy.port, payload);
    const expected = Buffer.concat([Buffer.from('echo\n'), HELLO, payload]);
    expect({ bytes: received.length, sha256: sha256(received) }).toEqual({ bytes: expected.length, sha256: sha256(expected) });
  }, jestTimeout(READY_LIMIT_MS, PATH_LIMIT_MS));

  test("the API server's end reaches the client, which can still send (half-close the other way)", async () => {
    const dir = labDir();
    const greeting = randomBytes(MB);
    const speaker = await start('speaker', 'speak-first', greeting);
    const proxy = await Proxy.start(dir, ['--local', speaker.address]);
    const received = await exchange(proxy.port, Buffer.alloc(0), randomBytes(MB));
    expect(sha256(received)).toBe(sha256(Buffer.concat([Buffer.from('speaker\n'), greeting])));
    await waitFor('the API server gets the 1 MB sent after its own end', () => speaker.received.some((r) => r.bytes === HELLO.length + MB && r.ended), {
      limitMs: PATH_LIMIT_MS,
      gaveUp: () => proxy.exited(),
    });
  }, jestTimeout(READY_LIMIT_MS, PATH_LIMIT_MS, PATH_LIMIT_MS));

  test('no API server is ready: clients are accepted and closed (EOF), not refused; it keeps listening', async () => {
    const dir = labDir();
    const gone = await start('gone');
    await gone.stop();
    const proxy = await Proxy.start(dir, ['--local', gone.address]);
    // ask() rejects on ECONNREFUSED; 'EOF' is a connection accepted and then closed.
    expect(await Promise.all(Array.from({ length: 20 }, () => ask(proxy.port)))).toEqual(Array(20).fill('EOF'));
    await gone.listen();
    await proxy.reaches('gone');
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS));

  test('holds more connections at once than its soft descriptor limit would allow (it raises the limit to the hard one)', async () => {
    const dir = labDir();
    const echo = await start('echo');
    // 300 connections are 600 descriptors in the proxy.
    const proxy = await Proxy.start(dir, ['--local', echo.address], { softFileLimit: 256 });
    const sockets = await Promise.all(
      Array.from({ length: 300 }, () =>
        new Promise<ReturnType<typeof connect>>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port: proxy.port });
          socket.write(HELLO);
          socket.once('data', () => resolve(socket));
          socket.once('end', () => reject(new Error('closed by the proxy')));
          socket.once('error', reject);
        }),
      ),
    );
    try {
      expect(await ask(proxy.port)).toBe('echo');
      expect(proxy.exited()).toBeUndefined();
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  }, jestTimeout(READY_LIMIT_MS, PATH_LIMIT_MS));

  test('tells systemd it is ready once it listens (Type=notify)', async () => {
    const dir = labDir();
    const socketPath = join(dir, 'notify');
    // Node has no Unix datagram sockets: python3 plays systemd's notify socket.
    const receiver = spawn('python3', ['-c', 'import socket, sys\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("bound", flush=True)\nprint(s.recv(64).decode(), flush=True)', socketPath]);
    let heard = '';
    receiver.stdout.setEncoding('utf8').on('data', (chunk: string) => (heard += chunk));
    try {
      await waitFor('the stand-in notify socket is bound', () => heard.includes('bound'), { limitMs: READY_LIMIT_MS });
      const proxy = await Proxy.start(dir, [], { env: { NOTIFY_SOCKET: socketPath } });
      await waitFor('READY=1 on the notify socket', () => heard.includes('READY=1'), { limitMs: READY_LIMIT_MS, gaveUp: () => proxy.exited() });
    } finally {
      receiver.kill('SIGKILL');
    }
  }, jestTimeout(READY_LIMIT_MS, READY_LIMIT_MS, READY_LIMIT_MS));
});
