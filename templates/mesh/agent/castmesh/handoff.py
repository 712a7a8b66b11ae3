# cast-key-handoff serve: on a control plane that reads the CA keys from its cloud's secret store
# (AWS, GCP, Azure), hands them over the mesh to a joining DigitalOcean control plane, which has no
# identity to read a store with (docs/decisions/0003-control-plane-keys-from-the-cloud.md).
#
# The joiner proves itself with a one-time ticket: a random string Terraform made for that node
# and put in its user-data; the store's bundle holds only its SHA-256 (keyTickets: {node: hex}).
#
#   POST /v1/control-plane-keys {"node": "<name>", "ticket": "<ticket>"}
#   200 {"schema": ..., "files": {...}}   the bundle's files, never its tickets or static token
#   400 the body is not {"node": <a node name>, "ticket": <16-128 printable ASCII characters>}
#   403 no valid ticket for the node; its Node is not registered yet; the request does not come from
#       the Node's InternalIP; the ticket was used already
#   503 the store or the Kubernetes API did not answer: try again (or another control plane)
#   each non-200 answer is {"error": "..."}.
#
# Checked in that order, so a caller without a ticket learns nothing about the cluster's Nodes.
# The source address must be the InternalIP of the Node of that name: the DigitalOcean control
# plane joins as a plain node first (kubeadm join with the token of its user-data) and its kubelet
# registers its mesh address there. Over WireGuard a peer can only send from the addresses of its
# AllowedIPs, so the source address names the peer. A ticket is used once per Node object: a
# ConfigMap key-handoff-<node> in cast-mesh, created in the API (shared by every control plane, so
# two servers cannot both hand the keys out), owned by the Node, so deleting the Node (a replaced
# control plane) frees the ticket for the VM that takes its name.
import argparse
import hashlib
import hmac
import http.server
import ipaddress
import json
import re
import subprocess
import sys
import threading
import time

from castmesh import keys
from castmesh.node_env import read_env_or_log

# A port of its own on the mesh address, next to the Kubernetes API's 6443.
HANDOFF_PORT = 6446
PATH = '/v1/control-plane-keys'
MAX_BODY = 4096
NAMESPACE = 'cast-mesh'
# Kubernetes node names as this library makes them (a DNS label: lib/core names).
NODE_NAME = re.compile(r'[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?')
TICKET = re.compile(r'[\x20-\x7e]{16,128}')
SHA256_HEX = re.compile(r'[0-9a-f]{64}')
# The bundle is read again after this many seconds, and on a miss (a ticket Terraform added since),
# but not more often than MISS_PAUSE seconds for misses: a stream of bad tickets must not become a
# stream of reads of the store (billed, and throttled, per call).
BUNDLE_TTL = 60.0
MISS_PAUSE = 5.0
KUBECTL_TIMEOUT = 30


def log(message):
    print(f'cast-key-handoff: {message}', file=sys.stderr, flush=True)


class Answer(Exception):
    """A refusal: the HTTP status and the error the caller reads."""

    def __init__(self, status, error):
        super().__init__(error)
        self.status, self.error = status, error


class Bundle:
    """The store's bundle, as a JSON object, read again every BUNDLE_TTL s and on a miss."""

    def __init__(self, env, clock=time.monotonic):
        self.env, self.clock = env, clock
        self.lock = threading.Lock()
        self.document, self.read_at = None, None

    def _read(self):
        text = keys.backend(self.env['CAST_KEYS_STORE']).read_bundle(self.env)
        document = keys.json_object(text, 'the key bundle')
        self.document, self.read_at = document, self.clock()
        return document

    def get(self, fresh_within=BUNDLE_TTL):
        """The bundle, read again unless it was read within `fresh_within` s; a failed read keeps a copy for BUNDLE_TTL s."""
        with self.lock:
            age = None if self.read_at is None else self.clock() - self.read_at
            if age is not None and age < fresh_within:
                return self.document
            try:
                return self._read()
            except (keys.Unavailable, keys.Refused) as error:
                if age is not None and age < BUNDLE_TTL:
                    return self.document
                raise Answer(503, f'the key bundle could not be read from {self.env["CAST_KEYS_STORE"]}: {error}') from None


def ticket_matches(bundle, node, ticket):
    expected = (bundle.get('keyTickets') or {}).get(node) if isinstance(bundle.get('keyTickets'), dict) else None
    if not isinstance(expected, str) or not SHA256_HEX.fullmatch(expected.lower()):
        return False
    return hmac.compare_digest(hashlib.sha256(ticket.encode()).hexdigest(), expected.lower())


class Kubectl:
    """kubectl with the control plane's admin kubeconfig: (exit status, stdout, stderr); no answer in time is a 503."""

    def __init__(self, kubeconfig):
        self.kubeconfig = kubeconfig

    def run(self, args, stdin=None):
        try:
            done = subprocess.run(['kubectl', '--kubeconfig', self.kubeconfig, '--request-timeout=20s', *args], input=stdin,
                                  capture_output=True, text=True, check=False, timeout=KUBECTL_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise Answer(503, f'kubectl {args[0]}: {error}') from None
        return done.returncode, done.stdout, done.stderr.strip()


def parse_request(body):
    """(node, ticket) of a request body; Answer 400 unless it is what a joiner sends."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict):
        raise Answer(400, 'the body must be a JSON object {"node": ..., "ticket": ...}')
    node, ticket = document.get('node'), document.get('ticket')
    if not isinstance(node, str) or not NODE_NAME.fullmatch(node):
        raise Answer(400, 'node must be a node name (lower-case letters, digits and "-", at most 63)')
    if not isinstance(ticket, str) or not TICKET.fullmatch(ticket):
        raise Answer(400, 'ticket must be 16 to 128 printable ASCII characters')
    return node, ticket


def same_address(a, b):
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return False


class Handoff:
    """The decision for one request, without HTTP: answer(peer, body) -> (status, JSON document)."""

    def __init__(self, bundle, kubectl):
        self.bundle, self.kubectl = bundle, kubectl

    def registered_node(self, node, peer):
        """The Node's uid, once its InternalIP is the peer's address."""
        code, out, err = self.kubectl.run(['get', 'node', node, '-o', 'json'])
        if code != 0:
            if '(NotFound)' in err:
                raise Answer(403, f'{node} has not registered as a node yet')
            raise Answer(503, f'kubectl get node {node}: {err or f"exit {code}"}')
        document = keys.json_object(out) or {}
        addresses = [a.get('address') for a in (document.get('status') or {}).get('addresses') or [] if isinstance(a, dict) and a.get('type') == 'InternalIP']
        if not any(same_address(peer, address) for address in addresses):
            raise Answer(403, f'the request comes from {peer}, not from the InternalIP of {node} ({", ".join(map(str, addresses)) or "none"})')
        uid = (document.get('metadata') or {}).get('uid')
        if not isinstance(uid, str) or not uid:
            raise Answer(503, f'the Node {node} has no uid')
        return uid

    def consume(self, node, uid):
        """Marks the ticket of `node` used, for as long as its Node object lives."""
        config_map = {
            'apiVersion': 'v1', 'kind': 'ConfigMap',
            'metadata': {'name': f'key-handoff-{node}', 'namespace': NAMESPACE, 'labels': {'cast-mesh/key-handoff': 'true'},
                         'ownerReferences': [{'apiVersion': 'v1', 'kind': 'Node', 'name': node, 'uid': uid}]},
            'data': {'node': node},
        }
        code, out, err = self.kubectl.run(['create', '-f', '-'], json.dumps(config_map))
        if code == 0:
            return
        if 'AlreadyExists' in err:
            raise Answer(403, f'the ticket of {node} was used already; delete its Node object to hand the keys to a replacement')
        raise Answer(503, f'kubectl create configmap key-handoff-{node}: {err or out.strip() or f"exit {code}"}')

    def answer(self, peer, body):
        node = None
        try:
            node, ticket = parse_request(body)
            bundle = self.bundle.get()
            if not ticket_matches(bundle, node, ticket):
                # Terraform may have added the node's ticket since the last read.
                bundle = self.bundle.get(fresh_within=MISS_PAUSE)
                if not ticket_matches(bundle, node, ticket):
                    raise Answer(403, f'no valid ticket for {node}')
            self.consume(node, self.registered_node(node, peer))
        except Answer as refusal:
            log(f'{peer} {node or "(no node)"}: {refusal.status} {refusal.error}')
            return refusal.status, {'error': refusal.error}
        log(f'{peer} {node}: handed the keys')
        # The files only: the tickets of other nodes and the static join token stay in the store.
        return 200, {'schema': bundle.get('schema'), 'files': bundle.get('files')}


class Handler(http.server.BaseHTTPRequestHandler):
    # Plain HTTP: the server listens on the mesh address only, and WireGuard encrypts the path and
    # authenticates each peer by its key (a peer sends only from its AllowedIPs).
    handoff = None
    timeout = 10
    server_version = 'cast-key-handoff'
    sys_version = ''

    def send_json(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        if self.path != PATH:
            self.send_json(404, {'error': f'no such path; POST {PATH}'})
            return
        try:
            length = int(self.headers.get('Content-Length', ''))
        except ValueError:
            length = -1
        if length > MAX_BODY:
            self.close_connection = True
            self.send_json(413, {'error': f'the body must be at most {MAX_BODY} bytes'})
            return
        if length < 0:
            self.close_connection = True
            self.send_json(400, {'error': 'a Content-Length is required'})
            return
        self.send_json(*self.handoff.answer(self.client_address[0], self.rfile.read(length)))

    def do_GET(self):
        self.send_json(404, {'error': f'no such path; POST {PATH}'})

    do_PUT = do_DELETE = do_PATCH = do_GET

    def log_request(self, code='-', size='-'):
        pass  # Handoff.answer logs each decision.

    def log_message(self, format, *args):
        log(f'{self.client_address[0]}: {format % args}')


def listen_address(text):
    host, _, port = text.rpartition(':')
    return host, int(port)


def main(argv):
    parser = argparse.ArgumentParser(prog='cast-key-handoff')
    commands = parser.add_subparsers(dest='command', required=True)
    command = commands.add_parser('serve', help='hand the CA keys to joining DigitalOcean control planes over the mesh')
    command.add_argument('--node-env', default='/etc/cast/node.env')
    command.add_argument('--kubeconfig', default='/etc/kubernetes/admin.conf')
    command.add_argument('--listen', type=listen_address, help=f'host:port (default: CAST_MESH_ADDRESS:{HANDOFF_PORT})')
    a = parser.parse_args(argv)
    env = read_env_or_log(a.node_env, log)
    if env is None:
        return 1
    if not env.get('CAST_KEYS_STORE'):
        log(f'no key store in {a.node_env} (CAST_KEYS_STORE): this control plane has no keys to hand over')
        return 1
    address = a.listen or (env.get('CAST_MESH_ADDRESS', ''), HANDOFF_PORT)
    if not address[0]:
        log(f'no CAST_MESH_ADDRESS in {a.node_env}: nowhere to listen')
        return 1
    Handler.handoff = Handoff(Bundle(env), Kubectl(a.kubeconfig))
    try:
        server = http.server.ThreadingHTTPServer(address, Handler)
    except OSError as error:
        # The mesh address is on wg0 once the mesh is up; systemd starts the server again.
        log(f'cannot listen on {address[0]}:{address[1]}: {error.strerror}')
        return 1
    server.daemon_threads = True
    log(f'listening on {server.server_address[0]}:{server.server_address[1]}')
    server.serve_forever()
    return 0
