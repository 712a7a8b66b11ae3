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
# DEFAULT_ENCAPSULATION and ENCAPSULATION_OVERHEAD (lib/core/mesh/encapsulation.ts, where the
# reasons and sources are): how cross-location and cloud-network nodes of each cloud send their
# via routes. settings['encapsulation'] ({cloud: kind}) overrides clouds of it.
ENCAPSULATION = {'aws': 'none', 'gcp': 'ipip', 'azure': 'vxlan', 'digitalocean': 'vxlan'}
OVERHEAD = {'none': 0, 'ipip': 20, 'vxlan': 50}
DEVICE = {'ipip': 'cast-ipip', 'vxlan': 'cast-vxlan'}
VXLAN_ID, VXLAN_PORT = 1, 4789
# CLOUD_NETWORK_MTU, INTERNET_MTU, WIREGUARD_OVERHEAD (lib/core/mesh/mesh-mtu.ts, with sources).
NETWORK_MTU = {'aws': 9001, 'gcp': 1460, 'azure': 1500, 'digitalocean': 1500}
INTERNET_MTU, WIREGUARD_OVERHEAD = 1500, 60


# nameHash: the first 4 bytes of SHA-256, big-endian.
def name_hash(text):
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], 'big')


# directMtu: the largest packet that leaves the node's VPC whole.
def direct_mtu(cloud):
    return min(NETWORK_MTU[cloud], INTERNET_MTU)


# vxlanMac: 02:ca and the four bytes of the address, in hex.
def vxlan_mac(address):
    return '02:ca:' + ':'.join(f'{b:02x}' for b in ipaddress.ip_address(address).packed)


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


# The plan of node `me_name` among `nodes`: {'node', 'peers', 'routes', 'mtu', 'encapsulation',
# 'tunnelMtu', 'podMtu'}, a route being (destination, via), via None for "into WireGuard". The
# MTUs are planMesh's: s['mtu'] or defaultWireGuardMtu of the clouds, tunnelMtu, podMtu.
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
    wg = s['mode'] in WIREGUARD_MODES
    mtu = s['mtu'] if s.get('mtu') is not None else min([INTERNET_MTU - WIREGUARD_OVERHEAD] + [direct_mtu(n['cloud']) - WIREGUARD_OVERHEAD for n in nodes])
    kind = 'none' if s['mode'] == 'full-mesh' else (s.get('encapsulation') or {}).get(me['cloud'], ENCAPSULATION[me['cloud']])
    tunnel_mtu = NETWORK_MTU[me['cloud']] - OVERHEAD[kind] if kind != 'none' else None
    pod_mtu = min(m for m in (direct_mtu(me['cloud']), mtu if wg else None, tunnel_mtu) if m is not None)
    return {'node': me, 'peers': peers, 'routes': routes, 'mtu': mtu, 'encapsulation': kind, 'tunnelMtu': tunnel_mtu, 'podMtu': pod_mtu}


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


# renderInterfaceSetup: `ip` lines (WireGuard interface, tunnel device, routes), then `bridge`
# lines (the VXLAN device's forwarding entries). The network address of the pod CIDR goes on the
# tunnel device, so that what the node sends into it comes back through it.
def render_setup(p, s, dev):
    me, kind, before, after, onto = p['node'], p['encapsulation'], [], [], ''
    if kind != 'none':
        t, local = DEVICE[kind], me['privateAddress']
        onto = f' dev {t} onlink'
        address = [f"ip address replace {ipaddress.ip_network(me['podCidr']).network_address}/32 dev {t}"] if me.get('podCidr') else []
        if kind == 'ipip':
            before = [f'ip link replace {t} type ipip local {local} ttl 64', f"ip link set dev {t} mtu {p['tunnelMtu']} up"] + address
        else:
            hops = list(dict.fromkeys(via for _, via in p['routes'] if via is not None))
            before = [f'ip link add {t} type vxlan id {VXLAN_ID} dstport {VXLAN_PORT} local {local} nolearning ttl 64',
                      f"ip link set dev {t} address {vxlan_mac(local)} mtu {p['tunnelMtu']} up", *address,
                      *(f'ip neigh replace {h} lladdr {vxlan_mac(h)} dev {t} nud permanent' for h in hops)]
            after = [f'bridge fdb replace {vxlan_mac(h)} dev {t} dst {h} self permanent' for h in hops]
    wg = s['mode'] in WIREGUARD_MODES
    src = f" src {me['meshAddress']}" if wg else ''
    up = [f"ip link set dev {dev} mtu {p['mtu']}", f"ip address replace {me['meshAddress']}/32 dev {dev}", f'ip link set dev {dev} up'] if wg else []
    return up + before + [f'ip route replace {d} dev {dev}' if via is None else f'ip route replace {d} via {via}{onto}{src}' for d, via in p['routes']] + after


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
