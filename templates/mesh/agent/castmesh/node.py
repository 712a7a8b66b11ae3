# This node: its settings (/etc/cast/node.env and mesh.env), its own record, and everything
# that touches the host: wg, ip, iptables and the CNI configuration.
import ipaddress
import json
import os
import re
import subprocess
import sys
import time

from castmesh import plan, records

# The agent's routes carry this protocol number, so it finds (and removes) its own routes
# after a restart without a state file; 158 is in no iproute2 or kernel list.
PROTO = '158'
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(message):
    print('cast-mesh-agent:', message, file=sys.stderr, flush=True)


def sh(args, stdin=None, check=True):
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=60)
    if check and done.returncode:
        raise RuntimeError(f"{' '.join(args[:3])}: {done.stderr.strip()}")
    return done


# KEY='value' lines, as the renderer writes them (values never hold a quote).
def read_env(path):
    return dict(re.findall(r"^([A-Z0-9_]+)='?([^'\n]*)'?$", open(path).read(), re.M))


class Node:
    def __init__(self, node_env, mesh_env, records_dir=None):
        e = self.env = {**read_env(node_env), **read_env(mesh_env)}
        self.name, self.dev = e['CAST_NODE_NAME'], e.get('CAST_MESH_INTERFACE') or 'wg0'
        self.settings = {
            'mode': e['CAST_MESH_MODE'], 'meshCidr': e['CAST_MESH_CIDR'], 'listenPort': int(e['CAST_MESH_LISTEN_PORT']),
            'mtu': int(e['CAST_MESH_MTU']), 'persistentKeepalive': int(e['CAST_MESH_PERSISTENT_KEEPALIVE']),
            'gatewaysPerCloud': int(e['CAST_MESH_GATEWAYS_PER_CLOUD'])}
        if 'CAST_MESH_IPIP_CLOUDS' in e:
            self.settings['ipipClouds'] = e['CAST_MESH_IPIP_CLOUDS'].split()
        self.wg = self.settings['mode'] in plan.WIREGUARD_MODES
        self.key_file = e.get('CAST_MESH_KEY_FILE') or f'/etc/wireguard/{self.dev}.key'
        self.cni = e.get('CAST_MESH_CNI_CONFIG') or '/etc/cni/net.d/10-cast.conflist'
        self.kubelet = e.get('CAST_MESH_KUBELET_KUBECONFIG') or '/etc/kubernetes/kubelet.conf'
        records_dir = records_dir or e.get('CAST_MESH_RECORDS_DIR')
        self.backend = records.Directory(records_dir) if records_dir else records.Kubernetes(e['CAST_MESH_KUBECONFIG'], e.get('CAST_MESH_TOKEN'))
        self.pod_cidr, self.uid, self.public_key, self.pod_error = e.get('CAST_MESH_NODE_POD_CIDR'), None, '', None
        self.claim_owned = not e.get('CAST_MESH_CLAIM_CIDR')

    # This node's mesh address in CAST_MESH_CLAIM_CIDR (docs/mesh.md, "Claimed addresses"): a
    # claim naming it, else the first free host from nameHash(name) mod hosts, probing upward.
    def claim(self):
        net = ipaddress.ip_network(self.env['CAST_MESH_CLAIM_CIDR'])
        claims, hosts = self.backend.claims(), net.num_addresses - 2
        mine = sorted(a for a, n in claims.items() if n == self.name)
        if mine:
            return mine[0]
        used = set(claims) | {r.get('meshAddress') for r in self.backend.list()}
        start = plan.name_hash(self.name) % max(hosts, 1)
        for i in range(hosts):
            a = str(net.network_address + 1 + (start + i) % hosts)
            if a not in used and self.backend.claim(self.name, a):
                return a
        sys.exit(f'cast-mesh-agent: no free address to claim in {net}: all {max(hosts, 0)} are taken by records or claims')

    # CAST_MESH_PRIVATE_ADDRESS, else this node's address inside CAST_MESH_PRIVATE_CIDR, else the
    # source address of the default route (the private one where public addresses are 1:1 NAT).
    def private_address(self):
        e = self.env
        if e.get('CAST_MESH_PRIVATE_ADDRESS'):
            return e['CAST_MESH_PRIVATE_ADDRESS']
        if e.get('CAST_MESH_PRIVATE_CIDR'):
            found = [a for a in re.findall(r' inet ([0-9.]+)/', sh(['ip', '-o', '-4', 'address', 'show']).stdout)
                     if ipaddress.ip_address(a) in ipaddress.ip_network(e['CAST_MESH_PRIVATE_CIDR'])]
            if not found:
                raise RuntimeError(f"no address of this node is in {e['CAST_MESH_PRIVATE_CIDR']}")
            return found[0]
        return re.search(r' src ([0-9.]+)', sh(['ip', '-4', 'route', 'get', '192.0.2.1']).stdout).group(1)

    # This node's record, from local facts: the node is the authority on itself.
    def record(self):
        e = self.env
        if self.wg and not self.public_key:
            self.public_key = sh(['wg', 'pubkey'], open(self.key_file).read()).stdout.strip()
        r = {'name': self.name, 'cloud': e['CAST_CLOUD'], 'role': e['CAST_NODE_ROLE'], 'publicKey': self.public_key,
             'endpoint': e['CAST_PUBLIC_ADDRESS'], 'meshAddress': e['CAST_MESH_ADDRESS'], 'privateAddress': self.private_address()}
        r.update({k: v for k, v in (('podCidr', self.pod_cidr), ('gateway', e.get('CAST_MESH_GATEWAY'))) if v})
        return r

    # spec.podCIDR and uid of the Node, once the kubelet has registered it (the Node authorizer
    # lets a kubelet read its own Node).
    def learn_node(self):
        if (self.pod_cidr and self.uid) or not os.path.exists(self.kubelet):
            return
        done = sh(['kubectl', '--kubeconfig', self.kubelet, 'get', 'node', self.name, '-o', 'json'], check=False)
        if done.returncode == 0:
            node = json.loads(done.stdout)
            self.pod_cidr = self.pod_cidr or node['spec'].get('podCIDR')
            self.uid = node['metadata']['uid']

    # One reconcile: list the records, publish ours when the listed copy differs, plan, apply.
    # Returns (plan, nodes by name). A failing backend raises before anything is applied.
    def sync(self):
        self.learn_node()
        if self.uid and not self.claim_owned:
            self.backend.claim(self.name, self.env['CAST_MESH_ADDRESS'], self.uid)
            self.claim_owned = True
        own, listed = self.record(), self.backend.list()
        if own not in listed:
            self.backend.publish(own, self.uid)
        nodes = {}
        for data in listed:
            n = records.parse(data, self.settings)
            if isinstance(n, str):
                log('ignoring ' + n)
            else:
                nodes[n['name']] = n
        nodes[self.name] = records.parse(own, self.settings)
        found = [nodes[self.name]] if isinstance(nodes[self.name], str) else plan.problems(nodes.values(), self.settings)
        if found:
            raise RuntimeError('configuration kept: ' + '; '.join(found))
        p = plan.plan_node(nodes.values(), self.name, self.settings)
        self.apply(p)
        if self.pod_cidr:
            try:
                self.write_cni()
            except (OSError, RuntimeError) as error:
                # E.g. no iptables: say so once, not on every sync.
                if str(error) != self.pod_error:
                    log(f'pod network: {error}')
                self.pod_error = str(error)
        return p, nodes

    def apply(self, p):
        if self.wg:
            # Without a PrivateKey line, wg syncconf would clear the interface's key.
            sh(['wg', 'syncconf', self.dev, '/dev/stdin'], plan.render_config(p, self.settings, open(self.key_file).read().strip()))
        lines = [line[3:] + (' proto ' + PROTO if line.startswith('ip route') else '') for line in plan.render_setup(p, self.settings, self.dev)]
        sh(['ip', '-force', '-batch', '-'], '\n'.join(lines) + '\n')
        wanted = {d for d, _ in p['routes']}
        for line in sh(['ip', '-4', 'route', 'show', 'proto', PROTO]).stdout.splitlines():
            d = line.split()[0]
            if (d if '/' in d else d + '/32') not in wanted:
                sh(['ip', 'route', 'del', d, 'proto', PROTO], check=False)

    # The bridge CNI configuration on this node's pod CIDR: written once, atomically.
    def write_cni(self):
        if not os.path.exists(self.cni):
            os.makedirs(os.path.dirname(self.cni), exist_ok=True)
            with open(self.cni + '.tmp', 'w') as f:
                f.write(open(os.path.join(HERE, '10-cast.conflist')).read().replace('{{pod_cidr}}', self.pod_cidr))
            os.replace(self.cni + '.tmp', self.cni)
            log(f'wrote {self.cni} for pods in {self.pod_cidr}')
        # Pods keep their addresses towards pods and mesh addresses (the bridge's ipMasq would
        # hide them behind the node's); anything else leaves with the node's address.
        jump = ['POSTROUTING', '-s', self.pod_cidr, '-j', 'CAST-MASQ']
        if sh(['iptables', '-t', 'nat', '-C'] + jump, check=False).returncode:
            rules = [f'-A CAST-MASQ -d {d} -j RETURN' for d in (self.env['CAST_POD_CIDR'], self.settings['meshCidr'])]
            sh(['iptables-restore', '--noflush'], '\n'.join(['*nat', ':CAST-MASQ - [0:0]', *rules, '-A CAST-MASQ -j MASQUERADE', 'COMMIT', '']))
            sh(['iptables', '-t', 'nat', '-A'] + jump)

    # Whether `name` answers: a handshake with the WireGuard peer that carries it, or (reached
    # through the cloud network) a ping of its mesh address.
    def reached(self, p, nodes, name):
        if name not in nodes or name == self.name:
            return name in nodes
        host = nodes[name]['meshAddress']
        for q in p['peers']:
            if host + '/32' in q['allowedIps']:
                shown = sh(['wg', 'show', self.dev, 'latest-handshakes']).stdout.split()
                return dict(zip(shown[::2], shown[1::2])).get(q['publicKey'], '0') != '0'
        return sh(['ping', '-n', '-q', '-c', '1', '-W', '1', host], check=False).returncode == 0


# Runs `action` until it succeeds, for at most `timeout` seconds (0: once); logs each new error.
def retry(action, timeout, what, pause=2):
    deadline, last = time.monotonic() + timeout, None
    while True:
        try:
            return action()
        except Exception as error:
            if str(error) != last:
                log(f'{what}: {error}')
                last = str(error)
            if time.monotonic() + pause > deadline:
                sys.exit(f'cast-mesh-agent: {what} failed for {timeout:.0f} s')
            time.sleep(pause)
