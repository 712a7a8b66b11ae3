/**
 * A loopback lab for cast-api-proxy (templates/mesh/agent/cast-api-proxy): the
 * proxy runs as python3 runs it on a node, from the node's copy (full-line
 * comments dropped, compactScript), the API servers are small Node
 * servers in the test process on ephemeral ports. Each answers the proxy's
 * readiness check as kube-apiserver does (HTTPS, GET /readyz, 200 or not, with
 * a certificate from the lab's CA that names only `kubernetes`, never
 * 127.0.0.1), and says who it is and echoes on the connections the proxy
 * relays. Nothing waits a fixed time: every wait polls for the event it needs,
 * with a deadline from test/mesh/lab-waits.ts that a passing run never reaches.
 *
 * Children and servers are spawned asynchronously and never with spawnSync:
 * the API servers live in this process, so a blocked event loop would make
 * them look dead to the proxy.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { READY_LIMIT_MS, scaled, waitFor } from '../mesh/lab-waits';

const children = new Set<ChildProcess>();
const dirs: string[] = [];

/** A fresh directory, removed by `cleanUp`. */
export function labDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cast-api-proxy-'));
  dirs.push(dir);
  return dir;
}

/** A command the lab runs to its end (killed by `cleanUp` if it is still running); rejects with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', (error) => reject(new Error(`${command}: ${error.message} (the lab makes its certificates with openssl)`)));
    child.on('close', (status) => {
      children.delete(child);
      if (status === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')}: exit status ${status}\n${output}`));
    });
  });
}

const CERTS = labDir();
/** Every Backend started, for `cleanUp`. */
const lab = new Set<Backend>();

/**
 * The lab's PKI, as kubeadm makes a cluster's (ECDSA P-256): `ca.crt` signs
 * every API server's certificate, which names only `kubernetes` (so a check of
 * its names against 127.0.0.1 would fail); `other-ca.crt` is a CA that signed
 * nothing here.
 */
export const LAB_CA = join(CERTS, 'ca.crt');
export const OTHER_CA = join(CERTS, 'other-ca.crt');

let certificates: Promise<{ key: Buffer; cert: Buffer }> | undefined;

/** Made once, on first use (asynchronously: the lab's servers live in this process). */
function serverCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  certificates ??= (async () => {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    writeFileSync(join(CERTS, 'server.ext'), 'subjectAltName=DNS:kubernetes\nextendedKeyUsage=serverAuth\n');
    await Promise.all([
      run('openssl', ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=cast-lab-ca'], CERTS),
      run('openssl', ['req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=cast-lab-other-ca'], CERTS),
      run('openssl', ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver'], CERTS),
    ]);
    await run('openssl', ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.crt'], CERTS);
    return { key: readFileSync(join(CERTS, 'server.key')), cert: readFileSync(join(CERTS, 'server.crt')) };
  })();
  return certificates;
}

/** What one connection to a `speak-first` API server received. */
export interface Received {
  bytes: number;
  ended: boolean;
}

/**
 * What a client of the relay sends first. The API server stand-in tells the
 * proxy's readiness check (TLS, a first byte 0x16) from a relayed connection
 * by the first byte; kube-apiserver needs no such thing, it speaks only TLS.
 */
export const HELLO = Buffer.from('hello\n');

/**
 * An API server stand-in on one port. A connection whose first byte opens a
 * TLS handshake is the proxy's readiness check, passed on to the backend's own
 * HTTPS server (on another loopback port, so that dropping the connection at
 * `stop` really closes it): GET /readyz answers `readyz` (200 unless the test
 * sets another status, with kube-apiserver's body), anything else 404. Any
 * other connection is relayed traffic:
 * `echo` writes `<name>\n`, then echoes what it receives (HELLO included) and
 * ends its side after the client ended its own (half-close); `speak-first`
 * writes `<name>\n` and `greeting`, ends its side at once, and counts what the
 * client sends (`received`, one entry per connection, HELLO included).
 */
export class Backend {
  readonly received: Received[] = [];
  /** What GET /readyz answers: 200 ready; kube-apiserver answers 500 when a check fails. */
  readyz = 200;
  /** GET /readyz requests answered so far (the proxy's checks). */
  checks = 0;
  private server?: Server;
  private readonly https: HttpsServer;
  private httpsPort = 0;
  private readonly sockets = new Set<Socket>();
  port = 0;

  private constructor(
    readonly name: string,
    private readonly mode: 'echo' | 'speak-first',
    private readonly greeting: Buffer,
    tls: { key: Buffer; cert: Buffer },
  ) {
    this.https = createHttpsServer(tls, (request, response) => {
      if (request.url !== '/readyz') {
        response.writeHead(404).end();
        return;
      }
      this.checks++;
      response.writeHead(this.readyz, { 'Content-Type': 'text/plain' }).end(this.readyz === 200 ? 'ok' : '[-]etcd failed: reason withheld\nreadyz check failed\n');
    });
    // The proxy drops a check's connection once it has the status line.
    this.https.on('tlsClientError', () => undefined);
  }

  static async start(name: string, mode: 'echo' | 'speak-first' = 'echo', greeting: Buffer = Buffer.alloc(0)): Promise<Backend> {
    const backend = new Backend(name, mode, greeting, await serverCertificate());
    lab.add(backend);
    await new Promise<void>((resolve) => backend.https.listen(0, '127.0.0.1', resolve));
    backend.httpsPort = (backend.https.address() as AddressInfo).port;
    await backend.listen();
    return backend;
  }

  /** Stops, and closes its HTTPS server for good (`cleanUp`). */
  async close(): Promise<void> {
    await this.stop();
    this.https.closeAllConnections();
    await new Promise((resolve) => this.https.close(resolve));
  }

  /** `host:port` as the proxy reads it. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Listens again, on the same port once it had one. */
  async listen(): Promise<void> {
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection: a connect to the port is refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // The proxy aborts its checks' connections; resets are expected.
    socket.on('error', () => undefined);
  }

  private accept(socket: Socket): void {
    this.track(socket);
    socket.once('data', (first: Buffer) => {
      if (first[0] !== 0x16) {
        // Put the first bytes back for the relay's behaviour.
        socket.pause();
        socket.unshift(first);
        this.relayed(socket);
        socket.resume();
        return;
      }
      const https = connect({ host: '127.0.0.1', port: this.httpsPort });
      this.track(https);
      https.write(first);
      socket.pipe(https).pipe(socket);
      socket.on('close', () => https.destroy());
      https.on('close', () => socket.destroy());
    });
  }

  private relayed(socket: Socket): void {
    socket.write(`${this.name}\n`);
    if (this.mode === 'echo') {
      socket.pipe(socket);
      return;
    }
    const received: Received = { bytes: 0, ended: false };
    this.received.push(received);
    socket.end(this.greeting);
    socket.on('data', (chunk: Buffer) => (received.bytes += chunk.length));
    socket.on('end', () => (received.ended = true));
  }
}

/** The node's copy of the proxy (what renderMeshFiles writes to /opt/cast/mesh), in a lab directory. */
function nodeCopy(): string {
  const dir = labDir();
  mkdirSync(join(dir, 'castmesh'));
  for (const path of ['cast-api-proxy', 'castmesh/api_proxy.py']) writeFileSync(join(dir, path), compactScript(readTemplateFile(`mesh/agent/${path}`)));
  return join(dir, 'cast-api-proxy');
}

export const PROXY = nodeCopy();

/** Replaces `path` at once (a new file renamed over it), as the mesh agent writes the learned file: never half written. */
export function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

/**
 * What every lab proxy gets unless the test gives the flag or `omit`s it: no
 * node.env, no local API server, no learned file yet, seeds that print nothing,
 * checks every 0.2 s, a connect limit a loaded machine meets, and the lab's CA
 * as the cluster CA.
 */
function labOptions(dir: string, args: readonly string[], omit: readonly string[] = []): string[] {
  const defaults: Record<string, string> = {
    '--node-env': join(dir, 'no-node.env'),
    '--local': '',
    '--learned': join(dir, 'api-servers'),
    '--seeds-command': 'true',
    '--interval': '0.2',
    '--seeds-interval': '0.2',
    '--connect-timeout': String(scaled(10_000) / 1000),
    '--ca-file': LAB_CA,
  };
  const given = new Set([...args.filter((arg) => arg.startsWith('--')), ...omit]);
  return [...args, ...Object.entries(defaults).flatMap(([flag, value]) => (given.has(flag) ? [] : [flag, value]))];
}

/** `cast-api-proxy run` on an ephemeral loopback port. */
export class Proxy {
  stderr = '';
  port = 0;

  private constructor(readonly child: ChildProcess) {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  /** `softFileLimit`: started with that soft RLIMIT_NOFILE (`ulimit -Sn`), as systemd starts services with 1024. */
  static async start(dir: string, args: readonly string[] = [], options: { env?: Readonly<Record<string, string>>; softFileLimit?: number } = {}): Promise<Proxy> {
    await serverCertificate();
    const command = ['python3', PROXY, 'run', '--listen', '127.0.0.1:0', ...labOptions(dir, args)];
    const limited = options.softFileLimit === undefined ? command : ['sh', '-c', 'ulimit -Sn "$0" && exec "$@"', String(options.softFileLimit), ...command];
    const child = spawn(limited[0], limited.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } });
    children.add(child);
    const proxy = new Proxy(child);
    await waitFor('cast-api-proxy listens', () => /listening on 127\.0\.0\.1:\d+/.test(proxy.stderr), { limitMs: READY_LIMIT_MS, gaveUp: () => proxy.exited() });
    proxy.port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(proxy.stderr)![1]);
    return proxy;
  }

  /** Why the proxy is no longer running, or undefined while it runs. */
  exited(): string | undefined {
    const { exitCode, signalCode } = this.child;
    return exitCode === null && signalCode === null ? undefined : `cast-api-proxy exited (${exitCode ?? signalCode}):\n${this.stderr}`;
  }

  /** Lines of its log that match `pattern`. */
  lines(pattern: RegExp): string[] {
    return this.stderr.split('\n').filter((line) => pattern.test(line));
  }

  /**
   * Until its log says each of `backends` is ready: a client that finds one API
   * server gone can then only move on to those (the first clients wait only for
   * the first ready one in order, not for the whole first round of checks).
   */
  async sawReady(...backends: Backend[]): Promise<void> {
    const seen = () => backends.every((backend) => this.stderr.includes(`cast-api-proxy: ${backend.address} is ready\n`));
    await waitFor(`cast-api-proxy saw ${backends.map((backend) => backend.name).join(', ')} ready`, seen, { limitMs: READY_LIMIT_MS, gaveUp: () => this.exited() });
  }

  /** Until a new connection reaches `name` (or 'EOF'); fails at once if the proxy exits. */
  async reaches(name: string): Promise<void> {
    let last = '';
    await waitFor(
      `a connection through the proxy reaches ${name}`,
      async () => (last = await ask(this.port)) === name,
      { limitMs: READY_LIMIT_MS, gaveUp: () => this.exited() },
    ).catch((error: Error) => {
      throw new Error(`${error.message} (last answer: ${last})\n${this.stderr}`);
    });
  }
}

/**
 * Connects to `port`, sends HELLO, and returns the first line it reads (an API
 * server's name), or 'EOF' when the connection is closed before any byte: ended,
 * or reset, as Linux resets a connection closed with HELLO still unread. A
 * refused connect rejects: the proxy must never refuse.
 */
export function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.write(HELLO);
    let data = '';
    const timer = setTimeout(() => finish(new Error(`no answer on port ${port} in ${scaled(30_000)} ms`)), scaled(30_000));
    const finish = (result: string | Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes('\n')) finish(data.slice(0, data.indexOf('\n')));
    });
    socket.on('end', () => finish(data === '' ? 'EOF' : `partial line ${JSON.stringify(data)}`));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(data === '' && (error.code === 'ECONNRESET' || error.code === 'EPIPE') ? 'EOF' : error));
  });
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `cast-api-proxy <command> [args]` (probe, backends), with the lab's defaults but those in `omit`. */
export class Cli {
  stdout = '';
  stderr = '';
  /** Its end: the exit status (null when killed at the lab's limit) and all it printed. */
  readonly done: Promise<CliRun>;
  private ended?: string;

  constructor(dir: string, command: string, args: readonly string[] = [], omit: readonly string[] = []) {
    const child = spawn('python3', [PROXY, command, ...labOptions(dir, args, omit)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), READY_LIMIT_MS);
    this.done = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        children.delete(child);
        this.ended = `cast-api-proxy ${command} exited (${status}):\n${this.stderr}`;
        resolve({ status, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Why it is no longer running, or undefined while it runs. */
  exited(): string | undefined {
    return this.ended;
  }
}

/** `cast-api-proxy <command> [args]` to its end. */
export function runCli(dir: string, command: string, args: readonly string[] = [], omit: readonly string[] = []): Promise<CliRun> {
  return new Cli(dir, command, args, omit).done;
}

/**
 * Kills every child the lab started (by its own handle), closes every API
 * server stand-in (all of them, `backends` or not), and removes its directories.
 */
export async function cleanUp(backends: readonly Backend[] = []): Promise<void> {
  const ended = [...children].filter((child) => child.exitCode === null && child.signalCode === null).map((child) => new Promise((resolve) => child.once('close', resolve)));
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  const all = new Set([...backends, ...lab]);
  lab.clear();
  await Promise.all([...ended, ...[...all].map((backend) => backend.close())]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
