# Mesh records: one per node, a flat map of strings (a ConfigMap's data, or a JSON file), and
# where they live: a directory the nodes share (tests), or the Kubernetes API through kubectl.
import ipaddress
import json
import os
import re
import subprocess

from castmesh.plan import CLOUDS

NAMESPACE, LABEL, CLAIM = 'cast-mesh', 'cast-mesh/record', 'cast-mesh/claim'
NAME = re.compile(r'[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?')
# 32 bytes of base64: the last character before "=" carries 4 bits, so it is one of 16.
KEY = re.compile(r'[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=')
APPLY = ['apply', '--server-side', '--force-conflicts', '--field-manager=cast-mesh-agent', '-f', '-']
FIELDS = ('name', 'cloud', 'role', 'publicKey', 'endpoint', 'meshAddress', 'privateAddress')


def ip(text, version=0):
    try:
        return version in (0, ipaddress.ip_address(text).version)
    except ValueError:
        return False


def cidr(text):
    try:
        return str(ipaddress.IPv4Network(text)) == text
    except ValueError:
        return False


# The node dict of a record, or a string saying what is wrong with it. A record that passes
# cannot inject a line into the WireGuard config or the routes: every field is a name, a
# key or an address.
def parse(data, s):
    n = {k: data.get(k) for k in FIELDS}
    missing = [k for k in FIELDS if not isinstance(n[k], str)]
    if missing:
        return f"record {data.get('name')!r} has no {', '.join(missing)}"
    wg, mesh = s['mode'] != 'cloud-network', ipaddress.ip_network(s['meshCidr'])
    pod, pin = data.get('podCidr') or None, data.get('gateway') or None
    bad = [k for k, ok in (
        ('name', NAME.fullmatch(n['name'])), ('cloud', n['cloud'] in CLOUDS), ('role', n['role'] in ('control-plane', 'worker')),
        ('publicKey', not wg or KEY.fullmatch(n['publicKey'])), ('endpoint', ip(n['endpoint'])), ('privateAddress', ip(n['privateAddress'], 4)),
        # A mesh address is a host address of the mesh range (not its network or broadcast address).
        ('meshAddress', ip(n['meshAddress'], 4) and (not wg or mesh.network_address < ipaddress.ip_address(n['meshAddress']) < mesh.broadcast_address)),
        ('podCidr', pod is None or cidr(pod)), ('gateway', pin in (None, 'true', 'false'))) if not ok]
    if bad:
        return f"record {n['name']!r} has a bad {', '.join(bad)}"
    if pod:
        n['podCidr'] = pod
    if pin:
        n['gateway'] = pin == 'true'
    return n


# One <name>.json per node in a directory the nodes share: the test stand-in for the API.
class Directory:
    def __init__(self, path):
        self.path = path

    def list(self):
        names = sorted(f for f in os.listdir(self.path) if f.endswith('.json'))
        return [{**json.load(open(os.path.join(self.path, f))), 'name': f[:-5]} for f in names]

    def publish(self, record, uid=None):
        path = os.path.join(self.path, record['name'] + '.json')
        with open(path + '.tmp', 'w') as f:
            json.dump(record, f)
        # A rename: readers never see half a record.
        os.replace(path + '.tmp', path)

    # Mesh address claims: claims/<address> files holding the node name ({address: node}).
    def claims(self):
        d = os.path.join(self.path, 'claims')
        os.makedirs(d, exist_ok=True)
        return {a: open(os.path.join(d, a)).read() for a in os.listdir(d)}

    # O_EXCL makes the claim atomic: False when the address is taken. Ownership (uid) is Kubernetes'.
    def claim(self, node, address, uid=None):
        try:
            fd = os.open(os.path.join(self.path, 'claims', address), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        os.write(fd, node.encode())
        os.close(fd)
        return True


# ConfigMaps labelled cast-mesh/record=true in the namespace cast-mesh. Joining nodes use the
# bootstrap token, whose group system:bootstrappers:cast-mesh may use ConfigMaps there
# (templates/kubernetes/cast-rbac.yaml); the init node uses admin.conf.
class Kubernetes:
    def __init__(self, kubeconfig, token=''):
        self.kubectl = ['kubectl', '--kubeconfig', kubeconfig] + (['--token', token] if token else [])

    def run(self, args, stdin=None):
        done = subprocess.run(self.kubectl + args, input=stdin, capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"kubectl {args[0]}: {done.stderr.strip()}")
        return done.stdout

    # The ConfigMap's name says whose record it is (names are unique in a namespace), not its data.
    def list(self, label=LABEL):
        items = json.loads(self.run(['get', 'configmaps', '-n', NAMESPACE, '-l', label + '=true', '-o', 'json']))['items']
        return [{**(item.get('data') or {}), 'name': item['metadata']['name']} for item in items]

    def publish(self, record, uid=None):
        self.put(record['name'], LABEL, record, record['name'], uid, APPLY)

    # ConfigMaps claim-<a>-<b>-<c>-<d> labelled cast-mesh/claim=true: the name says which address.
    def claims(self):
        return {c['name'][6:].replace('-', '.'): c.get('node') for c in self.list(CLAIM)}

    # kubectl create: AlreadyExists means taken (False). With the Node's uid: applied, owned by the Node.
    def claim(self, node, address, uid=None):
        try:
            self.put('claim-' + address.replace('.', '-'), CLAIM, {'node': node, 'address': address}, node, uid, APPLY if uid else ['create', '-f', '-'])
        except RuntimeError as error:
            if 'AlreadyExists' in str(error):
                return False
            raise
        return True

    def put(self, name, label, data, node, uid, verb):
        meta = {'name': name, 'namespace': NAMESPACE, 'labels': {label: 'true'}}
        if uid:
            # Owned by its Node: the garbage collector deletes it with the Node, so `kubectl
            # delete node` also takes the node out of every peer list and frees its claim.
            meta['ownerReferences'] = [{'apiVersion': 'v1', 'kind': 'Node', 'name': node, 'uid': uid}]
        self.run(verb, json.dumps({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': meta, 'data': data}))
