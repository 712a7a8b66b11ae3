/**
 * The backup lab: what etcd-backup.sh and etcd-restore.sh meet on a control plane, on loopback.
 *
 * ```
 *   etcd ×3          Debian's etcd, plain HTTP on 127.0.0.1 (kubeadm's members speak TLS with
 *                    its certificates; the CronJob's etcdctl gets them from ETCDCTL_* variables,
 *                    which the lab clears)
 *   S3               s3rver (npm) behind a proxy that checks every request's Signature Version 4
 *                    with the aws4 package, since s3rver itself accepts any v4 signature
 *   Azure Blob       azurite-blob (npm, Microsoft's emulator), which checks SAS signatures
 *   API server       a stand-in that records the PATCH of the status ConfigMap
 * ```
 *
 * The lab runs a CronJob's containers as local processes: each container's command and
 * environment from the rendered manifest, with its volume mount paths mapped to folders of the
 * lab. Everything it starts is stopped, and its folder removed, by `cleanup`.
 */
import * as aws4 from 'aws4';
import { ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READY_LIMIT_MS, waitFor } from '../mesh/lab-waits';
import { run, RunResult } from '../mesh/namespace-lab';
import { describeNeeding, missingBinaries } from '../support/requirements';

// s3rver ships no types: what the lab uses of it.
const S3rver = require('s3rver') as new (options: object) => { configureBuckets(): Promise<void>; callback(): (req: IncomingMessage, res: unknown) => void };

/**
 * What the lab lacks on this machine, each reason saying how to get it (empty: nothing): etcd,
 * etcdctl and curl (.ci/run installs them), bash and sha256sum.
 */
export function backupLabMissing(): string[] {
  return [
    ...missingBinaries(['etcd'], 'apt-get install etcd-server'),
    ...missingBinaries(['etcdctl'], 'apt-get install etcd-client'),
    ...missingBinaries(['curl'], 'apt-get install curl'),
    ...missingBinaries(['bash'], 'apt-get install bash'),
    ...missingBinaries(['sha256sum'], 'apt-get install coreutils'),
  ];
}

/** `describe` for a group that runs the backup lab: without what it needs, skipped with the reason printed, or on CI failing (test/support/requirements.ts). */
export function describeBackupLab(name: string, body: () => void): void {
  describeNeeding(name, backupLabMissing(), body);
}

/** The access key the S3 stand-in accepts (s3rver's own account, which it answers for). */
export const S3_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** Azurite's account and its published key (Azurite README, "Default Storage Account"). */
const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
/** The SAS version the azurerm provider's container SAS data source signs with. */
const SAS_VERSION = '2018-11-09';

export class BackupLab {
  static create(): BackupLab {
    return new BackupLab(mkdtempSync(join(tmpdir(), 'cast-backup-')));
  }

  /** By member name, its client and peer ports. */
  readonly members = new Map<string, { client: number; peer: number }>();
  private readonly children: ChildProcess[] = [];
  private readonly servers: Server[] = [];
  private readonly etcds = new Map<string, ChildProcess>();
  /** The bodies of the PATCH requests the stand-in API received, with their Authorization header. */
  readonly statusPatches: { authorization?: string; url?: string; body: string }[] = [];
  /** Requests the S3 proxy refused, for failure messages. */
  readonly refusedS3: string[] = [];

  private constructor(readonly dir: string) {}

  /** Starts a new member set of `names` on fresh loopback ports, each in `<dir>/<data>/<name>`, and waits until all are healthy. */
  async startEtcd(names: readonly string[], data = 'etcd', state: 'new' | 'restored' = 'new'): Promise<void> {
    for (const name of names) this.members.set(name, { client: await freePort(), peer: await freePort() });
    for (const name of names) this.startMember(name, names, data, state);
    await this.waitHealthy(names);
  }

  /** The --initial-cluster value of `names`. */
  initialCluster(names: readonly string[]): string {
    return names.map((name) => `${name}=${this.peerUrl(name)}`).join(',');
  }

  peerUrl(name: string): string {
    return `http://127.0.0.1:${this.members.get(name)!.peer}`;
  }

  clientUrl(name: string): string {
    return `http://127.0.0.1:${this.members.get(name)!.client}`;
  }

  /** Allocates fresh ports for `names` (a restored member set listens anew). */
  async allocate(names: readonly string[]): Promise<void> {
    for (const name of names) this.members.set(name, { client: await freePort(), peer: await freePort() });
  }

  /**
   * Starts one member. `restored`: the data directory came from `snapshot restore`, which wrote
   * the member set into it, so the cluster flags are not read (etcd, "Disaster recovery").
   */
  startMember(name: string, names: readonly string[], data: string, state: 'new' | 'restored' = 'new'): void {
    const dataDir = join(this.dir, data, name);
    const log = openSync(join(this.dir, `${data}-${name}.log`), 'a');
    const args = [
      ...['--name', name, '--data-dir', dataDir],
      ...['--listen-client-urls', this.clientUrl(name), '--advertise-client-urls', this.clientUrl(name)],
      ...['--listen-peer-urls', this.peerUrl(name), '--initial-advertise-peer-urls', this.peerUrl(name)],
      ...(state === 'new' ? ['--initial-cluster', this.initialCluster(names), '--initial-cluster-state', 'new', '--initial-cluster-token', `lab-${data}`] : []),
    ];
    const child = spawn('etcd', args, { stdio: ['ignore', log, log] });
    closeSync(log);
    this.etcds.set(name, child);
    this.children.push(child);
  }

  async waitHealthy(names: readonly string[]): Promise<void> {
    await waitFor(`etcd ${names.join(', ')} not healthy`, async () => (await this.etcdctl(['endpoint', 'health'], names)).code === 0, {
      limitMs: READY_LIMIT_MS,
      pollMs: 200,
      gaveUp: () => {
        const dead = names.filter((name) => this.etcds.get(name)?.exitCode !== null);
        return dead.length > 0 ? `exited: ${dead.map((name) => `${name}: ${this.logTail(name)}`).join('\n')}` : undefined;
      },
    });
  }

  logTail(name: string, data = 'etcd'): string {
    const file = join(this.dir, `${data}-${name}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8').slice(-1500) : '(no log)';
  }

  /** Kills every member (SIGKILL: the cluster is lost, as in the disasters a restore is for), waiting for each to exit. */
  async stopEtcd(): Promise<void> {
    await Promise.all([...this.etcds.values()].map((child) => stopChild(child, 'SIGKILL')));
    this.etcds.clear();
  }

  /** etcdctl against `names` (default: every running member). */
  etcdctl(args: readonly string[], names: readonly string[] = [...this.etcds.keys()]): Promise<RunResult> {
    return run('etcdctl', ['--endpoints', names.map((name) => this.clientUrl(name)).join(','), '--dial-timeout', '2s', '--command-timeout', '10s', ...args], undefined, {
      ETCDCTL_API: '3',
    });
  }

  /**
   * s3rver with `bucket`, behind a proxy that answers 403 unless the request carries a valid
   * Signature Version 4 by S3_KEY (recomputed by aws4 from the headers the request signed).
   * Returns the proxy's base URL.
   */
  async startS3(bucket: string): Promise<string> {
    const s3 = new S3rver({ directory: join(this.dir, 's3'), silent: true, configureBuckets: [{ name: bucket }] });
    await s3.configureBuckets();
    const handle = s3.callback();
    const server = createServer((req, res) => {
      const problem = sigV4Problem(req);
      if (problem === undefined) return handle(req, res);
      this.refusedS3.push(`${req.method} ${req.url}: ${problem}`);
      res.writeHead(403, { 'content-type': 'application/xml' }).end(`<Error><Code>SignatureDoesNotMatch</Code><Message>${problem}</Message></Error>`);
    });
    return `http://127.0.0.1:${await this.listen(server)}`;
  }

  /** azurite-blob in memory with `container`; returns the container's URL. */
  async startAzurite(container: string): Promise<string> {
    const port = await freePort();
    const binary = join(__dirname, '../../node_modules/.bin/azurite-blob');
    const log = openSync(join(this.dir, 'azurite.log'), 'a');
    const args = ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableProductStyleUrl'];
    // In memory: nothing written, and its working folder is the lab's in case it writes anyway.
    const child = spawn(binary, args, { stdio: ['ignore', log, log], cwd: this.dir });
    closeSync(log);
    this.children.push(child);
    const base = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
    await waitFor('azurite did not answer', async () => (await fetch(`${base}?comp=list`).catch(() => undefined)) !== undefined, {
      limitMs: READY_LIMIT_MS,
      pollMs: 200,
      gaveUp: () => (child.exitCode === null ? undefined : `azurite exited: ${readFileSync(join(this.dir, 'azurite.log'), 'utf8').slice(-1500)}`),
    });
    // Creating a container needs an account SAS (a container SAS only reaches its blobs).
    const created = await fetch(`${base}/${container}?restype=container&${accountSas()}`, { method: 'PUT' });
    if (created.status !== 201) throw new Error(`azurite did not create ${container}: ${created.status} ${await created.text()}`);
    return `${base}/${container}`;
  }

  /** A service SAS for the container, as the azurerm data source makes one (racwdl, https and http here). */
  containerSas(container: string, expiry: string, permissions = 'racwdl'): string {
    const start = '2020-01-01T00:00:00Z';
    // "Create a service SAS", string-to-sign for version 2018-11-09 and later.
    const stringToSign = [permissions, start, expiry, `/blob/${AZURITE_ACCOUNT}/${container}`, '', '', 'https,http', SAS_VERSION, 'c', '', '', '', '', '', ''].join('\n');
    const sig = createHmac('sha256', Buffer.from(AZURITE_KEY, 'base64')).update(stringToSign, 'utf8').digest('base64');
    return `?${new URLSearchParams({ sv: SAS_VERSION, sr: 'c', st: start, se: expiry, sp: permissions, spr: 'https,http', sig })}`;
  }

  /** The names under `prefix` in the S3 bucket, listed with a signed request of the lab's own. */
  async s3Keys(base: string, bucket: string, prefix: string): Promise<string[]> {
    const url = new URL(`${base}/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
    const signed = aws4.sign({ host: url.host, path: url.pathname + url.search, service: 's3', region: 'us-east-1', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } }, S3_KEY);
    const response = await fetch(url, { headers: signed.headers as Record<string, string> });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`S3 list: ${response.status} ${body}`);
    return [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => match[1]).sort();
  }

  /** The blob names under `prefix` in the Azure container. */
  async azureNames(containerUrl: string, sas: string, prefix: string): Promise<string[]> {
    const response = await fetch(`${containerUrl}?restype=container&comp=list&prefix=${encodeURIComponent(prefix)}&${sas.replace(/^\?/, '')}`);
    const body = await response.text();
    if (response.status !== 200) throw new Error(`Azure list: ${response.status} ${body}`);
    return [...body.matchAll(/<Name>([^<]*)<\/Name>/g)].map((match) => match[1]).sort();
  }

  /** A stand-in API server that records each request; answers 200. Returns its base URL. */
  async startApi(): Promise<string> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        this.statusPatches.push({ authorization: req.headers.authorization, url: `${req.method} ${req.url}`, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    return `http://127.0.0.1:${await this.listen(server)}`;
  }

  /** Runs a command with `env` on top of the test's environment, its home the lab's folder. */
  run(command: string, args: readonly string[], env: Record<string, string>): Promise<RunResult> {
    return run(command, args, undefined, { ...env, HOME: this.dir });
  }

  /** Ends every process and server the lab started, and removes its folder. Safe to call twice. */
  async cleanup(): Promise<void> {
    await Promise.all(this.children.splice(0).map((child) => stopChild(child, 'SIGKILL')));
    this.etcds.clear();
    await Promise.all(this.servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async listen(server: Server): Promise<number> {
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
}

/**
 * Why a request's Signature Version 4 does not hold, or undefined when it does: the signature
 * aws4 computes from the method, path, query and the headers the request names as signed,
 * with S3_KEY, must be the one it carries.
 */
function sigV4Problem(req: IncomingMessage): string | undefined {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? '');
  if (!auth) return `no SigV4 Authorization header (got ${JSON.stringify(req.headers.authorization)})`;
  const [, keyId, , region, service, signedHeaders, signature] = auth;
  if (keyId !== S3_KEY.accessKeyId) return `unknown access key ${keyId}`;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    if (name !== 'host') headers[name] = String(value);
  }
  if (!signedHeaders.split(';').includes('x-amz-content-sha256')) return 'x-amz-content-sha256 is not signed';
  const expected = aws4.sign({ host: req.headers.host, method: req.method, path: req.url, service, region, headers }, S3_KEY);
  const computed = /Signature=([0-9a-f]{64})/.exec(String((expected.headers as Record<string, string>).Authorization))?.[1];
  return computed === signature ? undefined : `signature mismatch (signed headers ${signedHeaders})`;
}

/** An account SAS for azurite's account that may create containers ("Create an account SAS", version 2018-11-09). */
function accountSas(): string {
  const expiry = '2099-01-01T00:00:00Z';
  const stringToSign = [AZURITE_ACCOUNT, 'rwdlac', 'b', 'sco', '', expiry, '', 'https,http', SAS_VERSION, ''].join('\n');
  const sig = createHmac('sha256', Buffer.from(AZURITE_KEY, 'base64')).update(stringToSign, 'utf8').digest('base64');
  return new URLSearchParams({ sv: SAS_VERSION, ss: 'b', srt: 'sco', sp: 'rwdlac', se: expiry, spr: 'https,http', sig }).toString();
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
