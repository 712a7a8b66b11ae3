# cast-api-proxy: this node's way to the Kubernetes API (docs/decisions/0002-control-plane-survives-node-loss.md).
# A plain TCP relay on 127.0.0.1:6444, so TLS stays end to end: clients verify the API server's
# certificate, and kubeadm puts 127.0.0.1 in every one. k3s's agent load balancer does the same.
#
# API servers, in order of preference: this node's own (control planes), the control planes the
# mesh agent learned from the cluster (a file, re-read when it changes, never deleted here), then
# the seeds (a command, run at start and again when none answers). A new client goes to the first
# one that answered the last check; a refused connect moves on to the next at once, so a dead
# control plane costs a client nothing. No load spreading: a kubelet or kube-proxy keeps a few
# long-lived (HTTP/2) connections, so spreading would balance little and make the path depend on
# luck; preferring the node's own API server keeps a control plane's traffic off the network.
import argparse
import asyncio
import os
import re
import resource
import signal
import socket
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


async def answer(address, timeout):
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(*address), timeout)
    except (OSError, asyncio.TimeoutError) as error:
        return str(error) or f'no answer in {timeout:g} s'
    # Connect and close, no TLS: kube-apiserver logs the handshake errors this causes only at
    # -v=5 (tlsHandshakeErrorWriter, k8s.io/apiserver/pkg/server/secure_serving.go).
    writer.close()
    return None


class ApiServers:
    def __init__(self, a):
        self.a = a
        self.local = [parse_address(a.local)] if a.local else []
        self.learned, self.learned_stamp, self.seeds, self.seeds_at, self.seeds_error = [], None, [], None, None
        # address -> None (answered the last check) or why not; the first check sets `checked`.
        self.state, self.reachable, self.checked = {}, True, asyncio.Event()

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

    # Logged when first seen and when it changes between answering and not.
    def mark(self, address, error):
        if address not in self.state or (self.state[address] is None) != (error is None):
            log(f'{show(address)} answers' if error is None else f'{show(address)} does not answer: {error}')
        self.state[address] = error

    # All at once, each result used as it comes: one silent address does not hold up the others.
    async def check(self):
        async def one(address):
            self.mark(address, await answer(address, self.a.connect_timeout))
            if self.state[address] is None:
                self.checked.set()
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
                f'no API server answers (tried {tried}); new connections are closed until one does')
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
        # A closed connection, not a refused port, when no API server answers.
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
            log(f'no API server answered in {timeout:g} s')
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
    common.add_argument('--interval', type=float, default=3, help='seconds between checks')
    common.add_argument('--seeds-interval', type=float, default=5, help='seconds between seed runs while none answers')
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
