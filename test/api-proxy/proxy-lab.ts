/**
 * A loopback lab for cast-api-proxy (templates/mesh/agent/cast-api-proxy): the
 * proxy runs as python3 runs it on a node, from the node's copy (full-line
 * comments dropped, compactScript), the API servers are small Node
 * servers in the test process that say who they are and echo, on ephemeral
 * ports. Nothing waits a fixed time: every wait polls for the event it needs,
 * with a deadline from test/mesh/lab-waits.ts that a passing run never reaches.
 *
 * Children and servers are spawned asynchronously and never with spawnSync:
 * the API servers live in this process, so a blocked event loop would make
 * them look dead to the proxy.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { READY_LIMIT_MS, scaled, waitFor } from '../mesh/lab-waits';

/** What one connection to a `speak-first` API server received. */
export interface Received {
  bytes: number;
  ended: boolean;
}

/**
 * An API server stand-in. `echo`: writes `<name>\n`, then echoes what it
 * receives and ends its side after the client ended its own (half-close).
 * `speak-first`: writes `<name>\n` and `greeting`, ends its side at once, and
 * counts what the client still sends (`received`, one entry per connection).
 */
export class Backend {
  readonly received: Received[] = [];
  /** Connections accepted so far, the proxy's checks included. */
  accepted = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  private constructor(
    readonly name: string,
    private readonly mode: 'echo' | 'speak-first',
    private readonly greeting: Buffer,
  ) {}

  static async start(name: string, mode: 'echo' | 'speak-first' = 'echo', greeting: Buffer = Buffer.alloc(0)): Promise<Backend> {
    const backend = new Backend(name, mode, greeting);
    await backend.listen();
    return backend;
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

  private accept(socket: Socket): void {
    this.accepted++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // The proxy's health checks connect and close at once; their resets are expected.
    socket.on('error', () => undefined);
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

const children = new Set<ChildProcess>();
const dirs: string[] = [];

/** A fresh directory, removed by `cleanUp`. */
export function labDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cast-api-proxy-'));
  dirs.push(dir);
  return dir;
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
 * checks every 0.2 s, and a connect limit a loaded machine meets.
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
 * Connects to `port` and returns the first line it reads (an API server's
 * name), or 'EOF' when the connection is closed before any byte. A refused
 * connect rejects: the proxy must never refuse.
 */
export function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
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
    socket.on('error', (error) => finish(error));
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
        resolve({ status, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }
}

/** `cast-api-proxy <command> [args]` to its end. */
export function runCli(dir: string, command: string, args: readonly string[] = [], omit: readonly string[] = []): Promise<CliRun> {
  return new Cli(dir, command, args, omit).done;
}

/** Kills every child the lab started (by its own handle) and removes its directories. */
export async function cleanUp(backends: readonly Backend[] = []): Promise<void> {
  const ended = [...children].filter((child) => child.exitCode === null && child.signalCode === null).map((child) => new Promise((resolve) => child.once('close', resolve)));
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await Promise.all([...ended, ...backends.map((backend) => backend.stop())]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
