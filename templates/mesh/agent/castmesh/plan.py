# One node's share of the mesh plan: the run-time twin of lib/core/mesh (planMesh,
# selectGateways, renderWireGuardConfig, renderInterfaceSetup). Same rules, same order, same
# text: test/core/mesh/agent-parity.test.ts compares both on random record sets, byte for byte.
#
# A node is a dict: name, cloud, role, publicKey, endpoint (public address), meshAddress,
# privateAddress, and optionally podCidr and gateway (a True/False pin). Plain full-line
# comments only in these files: the bootstrap renderer strips them from the node's copy.
import hashlib
import ipaddress

# The library's cloud order (ALL_CLOUDS): gateways are picked cloud by cloud in it.
CLOUDS = ('aws', 'gcp', 'azure', 'digitalocean')
WIREGUARD_MODES = ('full-mesh', 'cross-location')
# DEFAULT_IPIP_CLOUDS (lib/core/mesh/ipip.ts, where the reasons are): their networks drop
# packets to addresses the receiving VM does not own, so cross-location and cloud-network
# nodes there take their via routes through the IPIP device cast-ipip. settings['ipipClouds'] overrides it.
IPIP_CLOUDS = 'gcp', 'azure', 'digitalocean'


# nameHash: the first 4 bytes of SHA-256, big-endian.
def name_hash(text):
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], 'big')


def destinations(n):
    return [n['meshAddress'] + '/32'] + ([n['podCidr']] if n.get('podCidr') else [])


# selectGateways: per cloud, pinned nodes, then control-plane nodes, then workers, each by
# name; every other node is carried by the gateway with the highest nameHash(node\ngateway).
def gateways_of(nodes, per_cloud):
    gateway_of = {}
    for cloud in CLOUDS:
        members = [n for n in nodes if n['cloud'] == cloud]
        ranked = sorted((n for n in members if n.get('gateway') is not False),
                        key=lambda n: (0 if n.get('gateway') else 1 if n['role'] == 'control-plane' else 2, n['name']))
        gateways = [n['name'] for n in ranked][:per_cloud]
        for n in members:
            # max keeps the first of equal scores: scanning by name, the smallest name wins a
            # tie, as compareNames decides it in the TypeScript.
            gateway_of[n['name']] = n['name'] if n['name'] in gateways else max(
                sorted(gateways), key=lambda g: name_hash(n['name'] + '\n' + g))
    return gateway_of


# The plan of node `me_name` among `nodes`: {'node', 'peers', 'routes'}, a route being
# (destination, via), via None for "into WireGuard".
def plan_node(nodes, me_name, s):
    nodes = sorted(nodes, key=lambda n: n['name'])
    me = next(n for n in nodes if n['name'] == me_name)
    others = [n for n in nodes if n is not me]
    peers, routes = [], []
    if s['mode'] == 'full-mesh':
        peers = [peer(n, destinations(n), s) for n in others]
        routes = [(d, None) for n in others for d in destinations(n)]
    elif s['mode'] == 'cross-location':
        gateway_of = gateways_of(nodes, s['gatewaysPerCloud'])
        by_name = {n['name']: n for n in nodes}
        mine = gateway_of[me_name]
        if mine == me_name:
            # A gateway peers the other clouds' gateways; each one's AllowedIPs are the
            # destinations of every node it carries.
            carried = {}
            for n in nodes:
                carried.setdefault(gateway_of[n['name']], []).extend(destinations(n))
            peers = [peer(by_name[g], carried[g], s) for g in sorted(carried) if by_name[g]['cloud'] != me['cloud']]
        for n in others:
            via = n['privateAddress'] if n['cloud'] == me['cloud'] else None if mine == me_name else by_name[mine]['privateAddress']
            routes += [(d, via) for d in destinations(n)]
    else:
        routes = [(n['podCidr'], n['privateAddress']) for n in others if n.get('podCidr')]
    return {'node': me, 'peers': peers, 'routes': routes}


def peer(n, allowed_ips, s):
    address = n['endpoint']
    if ':' in address and not address.startswith('['):
        address = f'[{address}]'
    return {'name': n['name'], 'publicKey': n['publicKey'], 'endpoint': f"{address}:{s['listenPort']}", 'allowedIps': allowed_ips}


# renderWireGuardConfig: the text of `wg syncconf`.
def render_config(p, s, private_key=None):
    lines = [f"# {p['node']['name']}: mesh address {p['node']['meshAddress']}, {s['mode']}", '[Interface]']
    if private_key is not None:
        lines.append(f'PrivateKey = {private_key}')
    lines.append(f"ListenPort = {s['listenPort']}")
    for q in p['peers']:
        lines += ['', '[Peer]', f"# {q['name']}", f"PublicKey = {q['publicKey']}", f"Endpoint = {q['endpoint']}",
                  'AllowedIPs = ' + ', '.join(q['allowedIps'])]
        if s['persistentKeepalive'] > 0:
            lines.append(f"PersistentKeepalive = {s['persistentKeepalive']}")
    return '\n'.join(lines) + '\n'


# renderInterfaceSetup: `ip` lines for the mesh address, MTU, up state and routes.
def render_setup(p, s, dev):
    me, t, tunnel = p['node'], '', []
    if s['mode'] != 'full-mesh' and me['cloud'] in s.get('ipipClouds', IPIP_CLOUDS):
        t = ' dev cast-ipip onlink'
        tunnel = [f"ip link replace cast-ipip type ipip local {me['privateAddress']} ttl 64", f"ip link set dev cast-ipip mtu {s['mtu']} up"]
    if s['mode'] not in WIREGUARD_MODES:
        return tunnel + [f'ip route replace {d} via {via}{t}' for d, via in p['routes']]
    mesh = me['meshAddress']
    up = [f"ip link set dev {dev} mtu {s['mtu']}", f'ip address replace {mesh}/32 dev {dev}', f'ip link set dev {dev} up']
    return up + tunnel + [f'ip route replace {d} dev {dev}' if via is None else f'ip route replace {d} via {via}{t} src {mesh}' for d, via in p['routes']]


# What planMesh would refuse in a set of well-formed records (duplicate mesh addresses,
# overlapping pod CIDRs, cloud-network across clouds, impossible gateway pins). The agent
# then keeps the configuration it has.
def problems(nodes, s):
    found, seen, mesh = [], {}, ipaddress.ip_network(s['meshCidr'])
    for n in sorted(nodes, key=lambda n: n['name']):
        if s['mode'] in WIREGUARD_MODES and seen.setdefault(n['meshAddress'], n['name']) != n['name']:
            found.append(f"{n['name']}: meshAddress {n['meshAddress']} is also {seen[n['meshAddress']]}'s")
    # Sweep in address order: a block overlaps an earlier one when it starts before the furthest end seen.
    end = owner = None
    for net, name in sorted((ipaddress.ip_network(n['podCidr']), n['name']) for n in nodes if n.get('podCidr')):
        if net.overlaps(mesh):
            found.append(f'{name}: podCidr {net} overlaps the mesh range')
        if end is not None and net.network_address <= end:
            found.append(f"{name}: podCidr {net} overlaps {owner}'s")
        if end is None or net.broadcast_address > end:
            end, owner = net.broadcast_address, name
    clouds = {n['cloud'] for n in nodes}
    if s['mode'] == 'cloud-network' and len(clouds) > 1:
        found.append(f"cloud-network mode spans clouds {', '.join(sorted(clouds))}")
    if s['mode'] == 'cross-location':
        for cloud in sorted(clouds):
            pins = [n.get('gateway') for n in nodes if n['cloud'] == cloud]
            if pins.count(True) > s['gatewaysPerCloud'] or all(pin is False for pin in pins):
                found.append(f'{cloud}: the gateway pins leave no valid choice')
    return found
