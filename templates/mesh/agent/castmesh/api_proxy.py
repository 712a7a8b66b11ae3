# cast-api-proxy: this node's way to the Kubernetes API (docs/decisions/0002-control-plane-survives-node-loss.md).
# A plain TCP relay on 127.0.0.1:6444, so TLS stays end to end: clients verify the API server's
# certificate, and kubeadm puts 127.0.0.1 in every one. k3s's agent load balancer does the same.
#
# API servers, in order of preference: this node's own (control planes), the control planes the
# mesh agent learned from the cluster (a file, re-read when it changes, never deleted here), then
# the seeds (a command, run at start and again when none is ready). A new client goes to the first
# one that was ready at the last check (GET /readyz answered 200: see `ready`); a refused connect
# moves on to the next at once, so a dead control plane costs a client nothing. No load spreading:
# a kubelet or kube-proxy keeps a few long-lived (HTTP/2) connections, so spreading would balance
# little and make the path depend on luck; preferring the node's own API server keeps a control
# plane's traffic off the network.
import argparse
import asyncio
import os
import re
import resource
import signal
import socket
import ssl
import sys
import time

DEFAULT_PORT = 6443
# Bytes per read; also the stream buffer, above which asyncio stops reading until the other side drains.
CHUNK = 256 * 1024
SEEDS_TIMEOUT = 30


def log(message):
    print('cast-api-proxy:', message, file=sys.stderr, flush=True)


# 'host', 'host:port', '[v6]:port' or a bare IPv6 address -> (host, port); port 0 only to listen.
def parse_address(text, lowest=1):
    host, sep, port = text.rpartition(':')
    if text.startswith('['):
        host, _, port = text[1:].partition(']')
        port = port[1:] if port[:1] == ':' else port + '?'
    elif not sep or ':' in host:
        host, port = text, ''
    port = port or str(DEFAULT_PORT)
    v6 = ':' in host and re.fullmatch(r'[0-9A-Fa-f:.]+', host)
    if not (v6 or re.fullmatch(r'[A-Za-z0-9._-]+', host)) or not port.isdigit() or not lowest <= int(port) < 65536:
        raise ValueError(f'{text!r} is not host, host:port or [IPv6]:port')
    return host, int(port)


def show(address):
    host, port = address
    return f'[{host}]:{port}' if ':' in host else f'{host}:{port}'


# Addresses separated by whitespace (the learned file has one a line); bad ones are logged and skipped.
def parse_list(text, where):
    found = []
    for word in text.split():
        try:
            found.append(parse_address(word))
        except ValueError as error:
            log(f'{where}: {error}, skipped')
    return found


# A control plane's own API server listens on 6443 (CAST_NODE_ROLE in node.env; a later line wins).
def default_local(node_env):
    try:
        with open(node_env) as file:
            roles = re.findall(r"^CAST_NODE_ROLE='?([^'\n]*)'?$", file.read(), re.M)
    except OSError:
        return ''
    return f'127.0.0.1:{DEFAULT_PORT}' if roles[-1:] == ['control-plane'] else ''


# The TLS context of one round of checks. The proxy relays TLS end to end, so it need not trust an
# API server to ask whether it is ready; but with the cluster CA on disk (/etc/kubernetes/pki/ca.crt:
# control planes get it from cloud-init, workers once kubeadm join wrote it) it checks the chain, not
# the name: API servers are addressed by IP here, and the real clients check the names themselves.
# Read every round, so a CA that appears later is used at once. Returns (context, what is checked).
def tls_context(ca_file):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    try:
        context.load_verify_locations(ca_file)
        return context, f'certificates checked against {ca_file}'
    # Missing, unreadable, or not a certificate (ssl.SSLError is an OSError).
    except OSError as error:
        context.verify_mode = ssl.CERT_NONE
        return context, f'certificates not checked ({ca_file}: {getattr(error, "strerror", None) or error})'


# None when the API server is ready, else why not. Ready: GET /readyz answers 200, within `timeout`
# for the connect, the handshake and the answer together. A TCP connect is not enough: a joining
# control plane's kube-apiserver listens from `kubeadm join phase control-plane-prepare` on, before
# control-plane-join adds its etcd member, and one whose etcd lost quorum still accepts connections;
# /readyz fails in both (500, "[-]etcd failed": k8s.io/apiserver/pkg/server/healthz/healthz.go).
# No credentials needed: the default ClusterRole system:public-info-viewer allows GET on /livez,
# /readyz, /healthz and /version, and its default binding names system:unauthenticated as well as
# system:authenticated (kubernetes/kubernetes, plugin/pkg/auth/authorizer/rbac/bootstrappolicy/
# policy.go). That needs kube-apiserver's --anonymous-auth, true by default; the kubeadm configs
# here leave it so. With it off, /readyz answers 401 and no API server would count as ready.
async def ready(address, timeout, context):
    async def readyz():
        reader, writer = await asyncio.open_connection(*address, ssl=context)
        try:
            writer.write(f'GET /readyz HTTP/1.1\r\nHost: {show(address)}\r\nConnection: close\r\n\r\n'.encode())
            return await reader.readline()
        finally:
            # Nothing more to say or hear: no TLS close to wait for.
            writer.transport.abort()
    try:
        line = await asyncio.wait_for(readyz(), timeout)
    except (OSError, asyncio.TimeoutError, ValueError) as error:
        return str(error) or f'no answer in {timeout:g} s'
    status = line.decode(errors='replace').strip()
    return None if status.split(' ')[1:2] == ['200'] else f"GET /readyz: {status or 'no answer'}"


class ApiServers:
    def __init__(self, a):
        self.a = a
        self.local = [parse_address(a.local)] if a.local else []
        self.learned, self.learned_stamp, self.seeds, self.seeds_at, self.seeds_error = [], None, [], None, None
        # address -> None (ready at the last check) or why not. `checked` is set by the first check
        # that finds a ready one with every address before it in order checked, or by a whole round.
        self.state, self.reachable, self.checked, self.tls = {}, True, asyncio.Event(), None

    def order(self):
        return list(dict.fromkeys(self.local + self.learned + self.seeds))

    def up(self):
        return [b for b in self.order() if b in self.state and self.state[b] is None]

    # The mesh agent replaces the file on every sync; only a different list is news. An empty one
    # is not: a running cluster has a control plane, so the last list is kept (the seeds follow it).
    def read_learned(self):
        try:
            with open(self.a.learned) as file:
                s = os.fstat(file.fileno())
                stamp = (s.st_mtime_ns, s.st_size, s.st_ino)
                if stamp != self.learned_stamp:
                    self.learned_stamp, learned = stamp, parse_list(file.read(), self.a.learned)
                    if learned and learned != self.learned:
                        log(f"learned from {self.a.learned}: {' '.join(map(show, learned))}")
                        self.learned = learned
        except OSError as error:
            # Missing until the mesh agent first writes it; what was read before is kept.
            if self.learned_stamp != 'missing' and not isinstance(error, FileNotFoundError):
                log(f'{self.a.learned}: {error}')
            self.learned_stamp = 'missing'

    async def run_seeds(self):
        self.seeds_at, command = time.monotonic(), self.a.seeds_command
        try:
            # Its own session, so a timeout kills whatever the command started too.
            sub = asyncio.subprocess
            p = await asyncio.create_subprocess_shell(command, stdin=sub.DEVNULL, stdout=sub.PIPE, stderr=sub.PIPE, start_new_session=True)
            try:
                out, err = await asyncio.wait_for(p.communicate(), SEEDS_TIMEOUT)
            except asyncio.TimeoutError:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except OSError:
                    pass
                await p.wait()
                raise RuntimeError(f'no answer in {SEEDS_TIMEOUT} s') from None
            if p.returncode:
                err = err.decode(errors='replace').strip()[-300:]
                raise RuntimeError(f'exit status {p.returncode}' + (f': {err}' if err else ''))
            seeds = parse_list(out.decode(errors='replace'), 'seeds')
        except Exception as error:
            if str(error) != self.seeds_error:
                log(f"seeds: {command}: {error}; keeping {' '.join(map(show, self.seeds)) or 'none'}")
            self.seeds_error = str(error)
            return
        if seeds != self.seeds or self.seeds_error is not None:
            log(f"seeds: {' '.join(map(show, seeds)) or 'none'}")
        self.seeds, self.seeds_error = seeds, None

    # Logged when first seen and when it changes between ready and not.
    def mark(self, address, error):
        if address not in self.state or (self.state[address] is None) != (error is None):
            log(f'{show(address)} is ready' if error is None else f'{show(address)} is not ready: {error}')
        self.state[address] = error

    # All at once, each result used as it comes: one silent address does not hold up the others,
    # unless it comes first in order: the first clients wait until the first ready one is known.
    async def check(self):
        context, tls = tls_context(self.a.ca_file)
        if tls != self.tls:
            log(tls)
        self.tls = tls

        async def one(address):
            self.mark(address, await ready(address, self.a.connect_timeout, context))
            for b in order:
                if b not in self.state:
                    break
                if self.state[b] is None:
                    self.checked.set()
                    break
        order = self.order()
        await asyncio.gather(*map(one, order))
        self.state = {b: self.state[b] for b in order}

    # One round: the learned file, a check of every API server, the seeds when due.
    async def refresh(self):
        self.read_learned()
        await self.check()
        if self.seeds_at is None or (not self.up() and time.monotonic() - self.seeds_at >= self.a.seeds_interval):
            await self.run_seeds()
            await self.check()
        self.checked.set()
        reachable = bool(self.up())
        if reachable != self.reachable:
            tried = ' '.join(map(show, self.order())) or 'none known'
            log(f'new connections go to {show(self.up()[0])}' if reachable else
                f'no API server is ready (tried {tried}); new connections are closed until one is')
        self.reachable = reachable

    async def connect(self):
        await self.checked.wait()
        for address in self.up():
            try:
                return await asyncio.wait_for(asyncio.open_connection(*address, limit=CHUNK), self.a.connect_timeout)
            except (OSError, asyncio.TimeoutError) as error:
                self.mark(address, str(error) or 'connect timed out')
        return None


# One direction until EOF, passed on as EOF (half-close); an error ends both directions.
async def pipe(reader, writer, source):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except OSError:
        writer.transport.abort()
        source.transport.abort()


async def serve(servers, listen):
    async def client(reader, writer):
        try:
            backend = await servers.connect()
            if backend:
                await asyncio.gather(pipe(reader, backend[1], writer), pipe(backend[0], writer, backend[1]))
                backend[1].close()
        except Exception as error:
            log(f'client: {error!r}')
        # A closed connection, not a refused port, when no API server is ready.
        writer.close()

    host, port = parse_address(listen, 0)
    try:
        server = await asyncio.start_server(client, host, port, limit=CHUNK, backlog=4096)
    except OSError as error:
        log(f'cannot listen on {listen}: {error}')
        return 1
    log(f'listening on {show(server.sockets[0].getsockname()[:2])}')
    notify_systemd()
    while True:
        await servers.refresh()
        await asyncio.sleep(servers.a.interval)


# Type=notify: kubelet.service, ordered after this unit, starts once the port is open.
def notify_systemd():
    path = os.environ.get('NOTIFY_SOCKET', '')
    if path:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.connect('\0' + path[1:] if path.startswith('@') else path)
            s.sendall(b'READY=1')


async def probe(servers, timeout):
    deadline = time.monotonic() + timeout
    while True:
        await servers.refresh()
        if servers.up():
            print(show(servers.up()[0]))
            return 0
        if time.monotonic() >= deadline:
            log(f'no API server was ready in {timeout:g} s')
            return 1
        await asyncio.sleep(min(servers.a.interval, deadline - time.monotonic()))


async def start(a):
    servers = ApiServers(a)
    if a.command == 'run':
        return await serve(servers, a.listen)
    elif a.command == 'probe':
        return await probe(servers, a.timeout)
    else:
        servers.read_learned()
        await servers.run_seeds()
        for address in servers.order():
            print(show(address))
    return 0


def command_line():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--local', help="this node's API server (default 127.0.0.1:6443 on a control plane, '' for none)")
    common.add_argument('--node-env', default='/etc/cast/node.env')
    common.add_argument('--learned', default='/var/lib/cast/api-servers')
    common.add_argument('--seeds-command', default='/opt/cast/bin/api-seeds.sh')
    common.add_argument('--connect-timeout', type=float, default=3)
    common.add_argument('--interval', type=float, default=10, help='seconds between checks')
    common.add_argument('--seeds-interval', type=float, default=5, help='seconds between seed runs while none is ready')
    common.add_argument('--ca-file', default='/etc/kubernetes/pki/ca.crt', help="the cluster CA, to check API servers' certificates when present")
    cli = argparse.ArgumentParser(prog='cast-api-proxy')
    sub = cli.add_subparsers(dest='command', required=True)
    sub.add_parser('run', parents=[common]).add_argument('--listen', default='127.0.0.1:6444')
    sub.add_parser('probe', parents=[common]).add_argument('--timeout', type=float, default=0)
    sub.add_parser('backends', parents=[common])
    return cli


def main(argv):
    cli = command_line()
    a = cli.parse_args(argv)
    if a.local is None:
        a.local = default_local(a.node_env)
    for flag, value in (('--local', a.local), ('--listen', getattr(a, 'listen', ''))):
        try:
            value and parse_address(value, 0 if flag == '--listen' else 1)
        except ValueError as error:
            cli.error(f'{flag}: {error}')
    # A connection is two descriptors; systemd's soft limit is 1024, its hard limit much higher.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass
    return asyncio.run(start(a))
