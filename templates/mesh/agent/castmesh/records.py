# Mesh records: what a node says about itself, as annotations on its own Node object, read back
# with what only the cluster can say about the node (its role, pod range and age); and where
# they live: the Kubernetes API through kubectl, or a directory the tests share.
import ipaddress
import json
import os
import re
import subprocess
import tempfile

from castmesh.plan import CLOUDS

NAMESPACE, CLAIM = 'cast-mesh', 'cast-mesh/claim'
# kubeadm sets this label with admin credentials; the NodeRestriction admission plugin refuses
# node-role.kubernetes.io labels from a kubelet, on its own Node or any other.
CONTROL_PLANE = 'node-role.kubernetes.io/control-plane'
# What a node declares about itself, and the annotation that carries it. `conflict` is no part
# of the record: it is what the node's agent ignored at its last sync, for an operator to read.
ANNOTATIONS = {'cloud': 'cast-mesh/cloud', 'publicKey': 'cast-mesh/public-key', 'endpoint': 'cast-mesh/endpoint',
               'meshAddress': 'cast-mesh/mesh-address', 'privateAddress': 'cast-mesh/private-address',
               'gateway': 'cast-mesh/gateway', 'conflict': 'cast-mesh/conflict'}
NAME = re.compile(r'[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?')
# 32 bytes of base64: the last character before "=" carries 4 bits, so it is one of 16.
KEY = re.compile(r'[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=')
APPLY = ['apply', '--server-side', '--force-conflicts', '--field-manager=cast-mesh-agent', '-f', '-']
FIELDS = ('name', 'cloud', 'role', 'publicKey', 'endpoint', 'meshAddress', 'privateAddress')
# What a node keeps of each record it applied (/var/lib/cast/mesh-records.json), to plan again at boot.
KEPT = FIELDS + ('podCidr', 'gateway', 'createdAt')


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


# The flat record of a Node object: name, role, pod range and age from the Node (the cluster
# wrote them), the rest from the cast-mesh annotations (the node wrote them).
def record_of_node(node):
    meta, spec = node.get('metadata') or {}, node.get('spec') or {}
    annotations = meta.get('annotations') or {}
    r = {field: annotations[key] for field, key in ANNOTATIONS.items() if isinstance(annotations.get(key), str)}
    r.update(name=meta.get('name'), role='control-plane' if CONTROL_PLANE in (meta.get('labels') or {}) else 'worker',
             createdAt=meta.get('creationTimestamp') or '', uid=meta.get('uid') or '')
    if spec.get('podCIDR'):
        r['podCidr'] = spec['podCIDR']
    return r


# Whether the node has written its record yet (a Node registers before its agent publishes).
def published(r):
    return 'meshAddress' in r


# The node dict of a record, or a string saying what is wrong with it. A record that passes
# cannot inject a line into the WireGuard config or the routes: every field is a name, a
# key or an address. With s['podRange'] (the agent's syncs), a pod CIDR must lie inside it.
def parse(data, s):
    n = {k: data.get(k) for k in FIELDS}
    missing = [k for k in FIELDS if not isinstance(n[k], str)]
    if missing:
        return f"record {data.get('name')!r} has no {', '.join(missing)}"
    wg, mesh = s['mode'] != 'cloud-network', ipaddress.ip_network(s['meshCidr'])
    pod, pin = data.get('podCidr') or None, data.get('gateway') or None
    pods = ipaddress.ip_network(s['podRange']) if s.get('podRange') else None
    bad = [k for k, ok in (
        ('name', NAME.fullmatch(n['name'])), ('cloud', n['cloud'] in CLOUDS), ('role', n['role'] in ('control-plane', 'worker')),
        ('publicKey', not wg or KEY.fullmatch(n['publicKey'])), ('endpoint', ip(n['endpoint'])), ('privateAddress', ip(n['privateAddress'], 4)),
        # A mesh address is a host address of the mesh range (not its network or broadcast address).
        ('meshAddress', ip(n['meshAddress'], 4) and (not wg or mesh.network_address < ipaddress.ip_address(n['meshAddress']) < mesh.broadcast_address)),
        ('podCidr', pod is None or (cidr(pod) and (pods is None or ipaddress.ip_network(pod).subnet_of(pods)))),
        ('gateway', pin in (None, 'true', 'false'))) if not ok]
    if bad:
        return f"record {n['name']!r} has a bad {', '.join(bad)}"
    if pod:
        n['podCidr'] = pod
    if pin:
        n['gateway'] = pin == 'true'
    return n


# Writes `text` to `path` through a temporary file and a rename: a reader sees the old file or
# the new one, never half of one. Returns False (and writes nothing) when the file holds it already.
def write_atomically(path, text, mode=0o644):
    try:
        if open(path).read() == text:
            return False
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or '.', prefix='.' + os.path.basename(path) + '.')
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return True


# The test stand-in for the API, in a directory the nodes share:
#   <name>.json              the Node as the API holds it: metadata (name, uid, creationTimestamp,
#                            labels) and spec.podCIDR, written by the test as kubeadm and the
#                            controller manager would; never by a node
#   annotations/<name>.json  the node's own annotations, written by that node's agent only
#   claims/<address>         mesh address claims, holding the node name
class Directory:
    def __init__(self, path):
        self.path = path

    def nodes(self):
        found = []
        for f in sorted(f for f in os.listdir(self.path) if f.endswith('.json')):
            try:
                node = json.load(open(os.path.join(self.path, f)))
            except FileNotFoundError:
                continue
            meta = node.setdefault('metadata', {})
            # The file name is the object's name, as the API's key is.
            meta['name'] = f[:-5]
            try:
                meta['annotations'] = json.load(open(os.path.join(self.path, 'annotations', f)))
            except FileNotFoundError:
                pass
            found.append(record_of_node(node))
        return found

    # Like a kubelet's JSON merge patch of its own Node's annotations (None deletes a key).
    def publish(self, name, annotations):
        if not os.path.exists(os.path.join(self.path, name + '.json')):
            raise RuntimeError(f'node {name} is not registered')
        path = os.path.join(self.path, 'annotations', name + '.json')
        try:
            current = json.load(open(path))
        except FileNotFoundError:
            current = {}
        current.update(annotations)
        write_atomically(path, json.dumps({k: v for k, v in sorted(current.items()) if v is not None}))

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


# Records are the annotations of Node objects, read and written with the kubelet's kubeconfig:
# the NodeRestriction admission plugin lets a kubelet patch only its own Node, and
# templates/kubernetes/cast-rbac.yaml lets system:nodes list Nodes (since Kubernetes 1.32 the
# Node authorizer alone lets a kubelet read only its own). Claims are ConfigMaps in cast-mesh,
# made with the join token before the kubelet exists (docs/mesh.md, "Claimed addresses"), and
# confirmed with the kubelet's credentials once it does: a token read from a secret store
# expires within a day (docs/decisions/0006).
class Kubernetes:
    def __init__(self, kubelet, claims_kubeconfig, token='', token_file=''):
        self.kubelet = kubelet
        self.claims_kubeconfig = claims_kubeconfig
        self.token = token
        self.token_file = token_file

    # Who reads and writes claims: the kubelet once registered, else the join token (mesh.env's
    # static one, or the one cast-join-token fetched into token_file).
    @property
    def claimer(self):
        if os.path.exists(self.kubelet):
            return ['--kubeconfig', self.kubelet]
        token = self.token
        if not token and self.token_file:
            try:
                with open(self.token_file) as file:
                    token = file.read().strip()
            except OSError:
                token = ''
        return ['--kubeconfig', self.claims_kubeconfig] + (['--token', token] if token else [])

    def run(self, who, args, stdin=None):
        done = subprocess.run(['kubectl'] + who + args, input=stdin, capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"kubectl {args[0]}: {done.stderr.strip()}")
        return done.stdout

    def nodes(self):
        if not os.path.exists(self.kubelet):
            raise RuntimeError(f'no {self.kubelet} yet: the kubelet has not joined the cluster')
        return [record_of_node(item) for item in json.loads(self.run(['--kubeconfig', self.kubelet], ['get', 'nodes', '-o', 'json']))['items']]

    # A JSON merge patch of the own Node's annotations (None deletes a key).
    def publish(self, name, annotations):
        self.run(['--kubeconfig', self.kubelet], ['patch', 'node', name, '--type', 'merge', '-p', json.dumps({'metadata': {'annotations': annotations}}, separators=(',', ':'))])

    # ConfigMaps claim-<a>-<b>-<c>-<d> labelled cast-mesh/claim=true: the name says which address.
    def claims(self):
        items = json.loads(self.run(self.claimer, ['get', 'configmaps', '-n', NAMESPACE, '-l', CLAIM + '=true', '-o', 'json']))['items']
        return {item['metadata']['name'][6:].replace('-', '.'): (item.get('data') or {}).get('node') for item in items}

    # kubectl create: AlreadyExists means taken (False). With the Node's uid: applied, owned by the
    # Node, so the garbage collector frees the address when the Node is deleted.
    def claim(self, node, address, uid=None):
        meta = {'name': 'claim-' + address.replace('.', '-'), 'namespace': NAMESPACE, 'labels': {CLAIM: 'true'}}
        if uid:
            meta['ownerReferences'] = [{'apiVersion': 'v1', 'kind': 'Node', 'name': node, 'uid': uid}]
        manifest = json.dumps({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': meta, 'data': {'node': node, 'address': address}})
        try:
            self.run(self.claimer, APPLY if uid else ['create', '-f', '-'], manifest)
        except RuntimeError as error:
            if 'AlreadyExists' in str(error):
                return False
            raise
        return True
