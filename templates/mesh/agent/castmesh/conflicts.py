# Which records a node plans with, and which it ignores (and says so). Pure: records in,
# (accepted records, reports) out; every node decides the same for the same records.
#
# A record is ignored when it does not parse, names an address no node should use, or claims
# what an earlier record holds: a mesh address, a WireGuard key, an endpoint, or part of a pod
# range. Earlier means: a control-plane node before a worker (the role is the label kubeadm
# set, which no kubelet can set), then the older Node (creationTimestamp, which the API server
# sets), then the name. So a node can lie only about itself: re-creating its Node makes it
# younger, never older, and it can never take an address from a control plane.
import bisect
import ipaddress

from castmesh import records
from castmesh.plan import WIREGUARD_MODES


def rank(r):
    # Before the Node exists the own record has no creationTimestamp: it is the youngest.
    return 0 if r['role'] == 'control-plane' else 1, r.get('createdAt') or '~', r['name']


# An address no record should name: loopback, link-local (169.254.169.254, the metadata
# service, is one), multicast, unspecified, reserved, or inside one of `ranges`.
def unusable(text, ranges):
    a = ipaddress.ip_address(text)
    inside = [r for r in ranges if r and a.version == 4 and a in ipaddress.ip_network(r)]
    return a.is_loopback or a.is_link_local or a.is_multicast or a.is_unspecified or (a.version == 4 and a.is_reserved) or bool(inside)


# The addresses of a record that no node should use. Endpoints and private addresses are never
# mesh or pod addresses; a mesh address is never a pod address (parse() keeps it in the mesh
# range in WireGuard modes; in cloud-network mode it is the node's private address).
def unusable_fields(n, s, wg):
    ranges = {'endpoint': (s['meshCidr'], s.get('podRange')), 'privateAddress': (s['meshCidr'], s.get('podRange')), 'meshAddress': (s.get('podRange'),)}
    return [f'{k} {n[k]}' for k in ('endpoint', 'privateAddress', 'meshAddress') if (wg or k != 'endpoint') and unusable(n[k], ranges[k])]


# Pod ranges accepted so far, as disjoint (first, last, owner) integer spans sorted by first.
class Spans:
    def __init__(self):
        self.firsts, self.spans = [], []

    def overlapping(self, net):
        a, b = int(net.network_address), int(net.broadcast_address)
        i = bisect.bisect_right(self.firsts, a)
        # The spans are disjoint, so only the last one starting at or before `a` and the first
        # one after it can overlap [a, b].
        return next((o for f, l, o in self.spans[max(i - 1, 0):i + 1] if f <= b and a <= l), None)

    def add(self, net, owner):
        a = int(net.network_address)
        i = bisect.bisect_right(self.firsts, a)
        self.firsts.insert(i, a)
        self.spans.insert(i, (a, int(net.broadcast_address), owner))


# `others`: records of the other nodes; `me`: this node's own record. Returns (accepted, reports):
# the records to plan with (this node's among them, always) and one line per ignored record.
# When the own record loses to an earlier one, this node still plans with itself, without the
# records it clashes with (the other nodes ignore it: the report says so).
def select(others, me, s):
    wg, reports, parsed = s['mode'] in WIREGUARD_MODES, [], []
    for r in sorted([*others, me], key=rank):
        n = records.parse(r, s)
        if isinstance(n, str):
            if r is me:
                raise RuntimeError(f'this node ({me["name"]}): {n}')
            reports.append(n)
            continue
        bad = unusable_fields(n, s, wg)
        if bad and r is me:
            reports.append(f"record {n['name']!r} (this node) has an unusable {', '.join(bad)}: the other nodes ignore this node")
        elif bad:
            reports.append(f"record {n['name']!r} has an unusable {', '.join(bad)}")
            continue
        parsed.append((r, n))
    accepted, lost = [], None
    keys, spans, pins, cloud = {}, Spans(), {}, None
    for r, n in parsed:
        reason = clash(n, keys, spans, wg)
        if not reason and s['mode'] == 'cloud-network' and cloud not in (None, n['cloud']):
            reason = f"is in {n['cloud']}, and cloud-network mode keeps to {cloud}"
        if not reason and s['mode'] == 'cross-location' and n.get('gateway') and pins.get(n['cloud'], 0) >= s['gatewaysPerCloud']:
            reason = f"pins a gateway of {n['cloud']}, which has its {s['gatewaysPerCloud']} pinned already"
        if reason and r is me:
            lost = reason
        elif reason:
            reports.append(f"record {n['name']!r} {reason}")
            continue
        accepted.append((r, n))
        if not reason:
            remember(n, keys, spans, wg)
            cloud = cloud or n['cloud']
            pins[n['cloud']] = pins.get(n['cloud'], 0) + bool(n.get('gateway'))
    if lost:
        reports.append(f"record {me['name']!r} (this node) {lost}: the other nodes ignore this node")
        accepted = [(r, n) for r, n in accepted if r is me or not clashes(n, accepted_node(accepted, me), wg)]
    return unpin_clouds(accepted, s, reports), reports


def accepted_node(accepted, me):
    return next(n for r, n in accepted if r is me)


def clash(n, keys, spans, wg):
    for field in ('meshAddress', 'publicKey', 'endpoint') if wg else ('meshAddress',):
        owner = keys.get((field, n[field]))
        if owner:
            return f"claims the {field} {n[field]} of {owner!r}, an earlier record"
    if n.get('podCidr'):
        owner = spans.overlapping(ipaddress.ip_network(n['podCidr']))
        if owner:
            return f"claims the podCidr {n['podCidr']}, which overlaps the podCidr of {owner!r}, an earlier record"
    return None


def remember(n, keys, spans, wg):
    for field in ('meshAddress', 'publicKey', 'endpoint') if wg else ('meshAddress',):
        keys[(field, n[field])] = n['name']
    if n.get('podCidr'):
        spans.add(ipaddress.ip_network(n['podCidr']), n['name'])


def clashes(a, b, wg):
    same = any(a[f] == b[f] for f in (('meshAddress', 'publicKey', 'endpoint') if wg else ('meshAddress',)))
    return same or bool(a.get('podCidr') and b.get('podCidr') and ipaddress.ip_network(a['podCidr']).overlaps(ipaddress.ip_network(b['podCidr'])))


# Cross-location: a cloud whose nodes are all pinned `gateway: false` would have no gateway
# (planMesh refuses it); its pins are dropped rather than the cloud.
def unpin_clouds(accepted, s, reports):
    if s['mode'] != 'cross-location':
        return [r for r, n in accepted]
    clouds = {n['cloud'] for r, n in accepted}
    stuck = sorted(c for c in clouds if all(n.get('gateway') is False for r, n in accepted if n['cloud'] == c))
    reports += [f'{c}: every node is pinned gateway=false; the pins are ignored' for c in stuck]
    return [{k: v for k, v in r.items() if k != 'gateway'} if n['cloud'] in stuck else r for r, n in accepted]
