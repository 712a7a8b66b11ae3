# The mesh-handoff backend of cast-control-plane-keys (castmesh/keys.py): a DigitalOcean control
# plane, which has no identity to read a cloud's secret store with, asks the control planes of the
# other clouds for the bundle over the mesh, showing the one-time ticket Terraform made for it
# (the server side, its checks and answers: castmesh/handoff.py).
#
#   POST http://<control plane's mesh address>:6446/v1/control-plane-keys {"node": ..., "ticket": ...}
#
# node.env: CAST_KEYS_STORE='mesh-handoff', CAST_KEYS_SECRET (the ticket), CAST_NODE_NAME.
# The control planes are those of the mesh agent's records cache (CAST_MESH_RECORDS_CACHE in the
# process environment, default /var/lib/cast/mesh-records.json): the node has joined as a plain
# node and its mesh is up before kubeadm's control-plane phases need the keys. The process
# environment may name the servers instead (tests): CAST_KEYS_HANDOFF_SERVERS='host:port,...'.
#
# What the answers mean to keys.fetch: a wrong or used ticket, or a request the server calls bad,
# will not pass with time (Refused); a Node the server does not see yet, a store or an API that did
# not answer, a server that cannot be reached may (Unavailable, after trying every server).
import ipaddress
import json
import os
import re

from castmesh.keys import Refused, Unavailable, http_request, json_object

HANDOFF_PORT = 6446  # castmesh/handoff.py HANDOFF_PORT
PATH = '/v1/control-plane-keys'
RECORDS_CACHE = '/var/lib/cast/mesh-records.json'
NODE_NAME = re.compile(r'[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?')
TICKET = re.compile(r'[\x20-\x7e]{16,128}')
TIMEOUT = 10.0


def servers(own_name):
    """The control planes to ask, as (host, port), sorted by name: the mesh records' control planes but this node."""
    named = os.environ.get('CAST_KEYS_HANDOFF_SERVERS', '')
    if named:
        return [(host, int(port)) for host, _, port in (s.strip().rpartition(':') for s in named.split(',') if s.strip())]
    path = os.environ.get('CAST_MESH_RECORDS_CACHE') or RECORDS_CACHE
    try:
        with open(path) as file:
            records = json.load(file).get('records') or []
    except (OSError, ValueError, AttributeError):
        records = []
    found = []
    for r in records if isinstance(records, list) else []:
        if not isinstance(r, dict) or r.get('role') != 'control-plane' or r.get('name') == own_name:
            continue
        try:
            found.append((str(r.get('name')), str(ipaddress.IPv4Address(r.get('meshAddress')))))
        except ValueError:
            continue
    return [(address, HANDOFF_PORT) for _, address in sorted(found)]


def read_bundle(env):
    node, ticket = env.get('CAST_NODE_NAME', ''), env.get('CAST_KEYS_SECRET', '')
    if not NODE_NAME.fullmatch(node):
        raise Refused(f'CAST_NODE_NAME in node.env is not a node name (got {node!r})')
    if not TICKET.fullmatch(ticket):
        raise Refused('CAST_KEYS_SECRET in node.env is not a key ticket (16 to 128 printable ASCII characters)')
    targets = servers(node)
    if not targets:
        raise Unavailable('no control plane in the mesh records yet')
    body = json.dumps({'node': node, 'ticket': ticket}).encode()
    failures = []
    for host, port in targets:
        where = f'{host}:{port}'
        try:
            status, _, answer = http_request('POST', f'http://{where}{PATH}', {'Content-Type': 'application/json'}, body, TIMEOUT)
        except Unavailable as error:
            failures.append(str(error))
            continue
        if status == 200:
            return answer.decode('utf-8', errors='replace')
        error = (json_object(answer) or {}).get('error')
        error = error if isinstance(error, str) else f'HTTP {status}'
        if status == 403 and 'has not registered' in error:
            # The Node appears once this node's kubelet has registered: every server would say the same.
            raise Unavailable(f'{where}: {error}')
        if status in (400, 403):
            raise Refused(f'{where}: {error}')
        failures.append(f'{where}: {error}')
    raise Unavailable(f'no control plane handed the keys ({"; ".join(failures)})')
