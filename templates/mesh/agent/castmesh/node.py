# This node: its settings (/etc/cast/node.env and mesh.env), its own record, and everything
# that touches the host: wg, ip, iptables, the CNI configuration and the files the node keeps
# for the next boot (the records it applied, the control planes' mesh addresses).
import ipaddress
import json
import os
import re
import subprocess
import sys
import time

from castmesh import conflicts, plan, records
from castmesh.node_env import read_env

# The agent's routes carry this protocol number, so it finds (and removes) its own routes
# after a restart without a state file; 158 is in no iproute2 or kernel list.
PROTO = '158'
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# An annotation value is part of the Node object: a few lines are enough for an operator.
REPORT_LINES = 20


def log(message):
    print('cast-mesh-agent:', message, file=sys.stderr, flush=True)


def sh(args, stdin=None, check=True):
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=60)
    if check and done.returncode:
        raise RuntimeError(f"{' '.join(args[:3])}: {done.stderr.strip()}")
    return done


class Node:
    def __init__(self, node_env, mesh_env, records_dir=None):
        e = self.env = {**read_env(node_env), **read_env(mesh_env)}
        self.name, self.dev = e['CAST_NODE_NAME'], e.get('CAST_MESH_INTERFACE') or 'wg0'
        self.settings = {
            'mode': e['CAST_MESH_MODE'], 'meshCidr': e['CAST_MESH_CIDR'], 'listenPort': int(e['CAST_MESH_LISTEN_PORT']),
            'persistentKeepalive': int(e['CAST_MESH_PERSISTENT_KEEPALIVE']), 'gatewaysPerCloud': int(e['CAST_MESH_GATEWAYS_PER_CLOUD'])}
        # Empty: the WireGuard MTU follows the clouds of the records (plan.plan_node), which may
        # change long after this node's user-data was written.
        if e.get('CAST_MESH_MTU'):
            self.settings['mtu'] = int(e['CAST_MESH_MTU'])
        # Overrides of plan.ENCAPSULATION, as `cloud=kind` words (docs/mesh.md, "mesh.env overrides").
        if e.get('CAST_MESH_ENCAPSULATION'):
            self.settings['encapsulation'] = dict(word.split('=', 1) for word in e['CAST_MESH_ENCAPSULATION'].split())
        if e.get('CAST_POD_CIDR'):
            # A Node's spec.podCIDR is no more trusted than this: a kubelet may set it itself
            # before the controller manager does (API validation allows "" to any value).
            self.settings['podRange'] = e['CAST_POD_CIDR']
        self.wg = self.settings['mode'] in plan.WIREGUARD_MODES
        self.key_file = e.get('CAST_MESH_KEY_FILE') or f'/etc/wireguard/{self.dev}.key'
        self.cni = e.get('CAST_MESH_CNI_CONFIG') or '/etc/cni/net.d/10-cast.conflist'
        self.kubelet = e.get('CAST_MESH_KUBELET_KUBECONFIG') or '/etc/kubernetes/kubelet.conf'
        self.cache = e.get('CAST_MESH_RECORDS_CACHE') or '/var/lib/cast/mesh-records.json'
        self.api_servers = e.get('CAST_MESH_API_SERVERS_FILE') or '/var/lib/cast/api-servers'
        records_dir = records_dir or e.get('CAST_MESH_RECORDS_DIR')
        self.backend = records.Directory(records_dir) if records_dir else records.Kubernetes(self.kubelet, e.get('CAST_MESH_KUBECONFIG') or '', e.get('CAST_MESH_TOKEN'), e.get('CAST_MESH_TOKEN_FILE') or '/etc/cast/join-token')
        self.public_key, self.reports, self.failed_lines, self.pod_error = '', [], '', None
        # A scaled node's claim gets its Node as owner once the Node exists (again if it is re-created).
        self.claimed_for = None if e.get('CAST_MESH_CLAIM_CIDR') else 'static'

    # This node's mesh address in CAST_MESH_CLAIM_CIDR (docs/mesh.md, "Claimed addresses"): a
    # claim naming it, else the first free host from nameHash(name) mod hosts, probing upward.
    # Only claims are skipped: a claim block holds no static node's address, and every claimed
    # address has its claim (the bootstrap token may not read Nodes).
    def claim(self):
        net = ipaddress.ip_network(self.env['CAST_MESH_CLAIM_CIDR'])
        claims, hosts = self.backend.claims(), net.num_addresses - 2
        mine = sorted(a for a, n in claims.items() if n == self.name)
        if mine:
            return mine[0]
        start = plan.name_hash(self.name) % max(hosts, 1)
        for i in range(hosts):
            a = str(net.network_address + 1 + (start + i) % hosts)
            if a not in claims and self.backend.claim(self.name, a):
                return a
        sys.exit(f'cast-mesh-agent: no free address to claim in {net}: all {max(hosts, 0)} are taken by claims')

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

    # What this node says about itself (its annotations), from local facts.
    def facts(self):
        e = self.env
        if self.wg and not self.public_key:
            self.public_key = sh(['wg', 'pubkey'], open(self.key_file).read()).stdout.strip()
        f = {'cloud': e['CAST_CLOUD'], 'publicKey': self.public_key, 'endpoint': e['CAST_PUBLIC_ADDRESS'],
             'meshAddress': e['CAST_MESH_ADDRESS'], 'privateAddress': self.private_address()}
        if e.get('CAST_MESH_GATEWAY'):
            f['gateway'] = e['CAST_MESH_GATEWAY']
        return f

    # The own record: local facts, and what the cluster says about this node (`mine`, its Node or
    # its cached record) once there is one; before, the role of node.env and no pod range.
    def own_record(self, mine):
        r = {'name': self.name, **self.facts(), 'role': self.env.get('CAST_NODE_ROLE') or 'worker', 'createdAt': ''}
        for k in ('role', 'createdAt', 'podCidr'):
            if mine and mine.get(k):
                r[k] = mine[k]
        return r

    # One reconcile: list the Nodes, choose the records (castmesh/conflicts.py), publish the own
    # annotations when they differ, apply, keep what was applied for the next boot. Returns
    # (plan, nodes by name). A failing backend raises before anything is applied.
    def sync(self):
        listed = {r['name']: r for r in self.backend.nodes()}
        mine = listed.get(self.name)
        if mine and mine['uid'] and self.claimed_for not in ('static', mine['uid']):
            self.backend.claim(self.name, self.env['CAST_MESH_ADDRESS'], mine['uid'])
            self.claimed_for = mine['uid']
        me = self.own_record(mine)
        accepted, reports = conflicts.select([r for n, r in listed.items() if n != self.name and records.published(r)], me, self.settings)
        self.report(reports)
        if mine:
            self.publish(mine, me)
        return self.configure(accepted, me, remember=True)

    # Applies the records of the last successful sync, without any backend: at boot, before
    # the API answers (it may need this very mesh). None when there is nothing to restore.
    def restore(self):
        try:
            cached = json.load(open(self.cache))['records']
        except FileNotFoundError:
            log(f'no {self.cache}: nothing to restore')
            return None
        me = self.own_record(next((r for r in cached if r['name'] == self.name), None))
        accepted, reports = conflicts.select([r for r in cached if r['name'] != self.name], me, self.settings)
        self.report(reports)
        result = self.configure(accepted, me, remember=False)
        log(f'restored {len(accepted) - 1} peers from {self.cache}')
        return result

    def configure(self, accepted, me, remember):
        nodes = {r['name']: records.parse(r, self.settings) for r in accepted}
        p = plan.plan_node(nodes.values(), self.name, self.settings)
        self.apply(p)
        cps = sorted((n['name'], n['meshAddress']) for n in nodes.values() if n['role'] == 'control-plane')
        # Read by the node's local API proxy, which tries these addresses before the seeds.
        records.write_atomically(self.api_servers, ''.join(a + '\n' for _, a in cps))
        if remember:
            kept = [{k: r[k] for k in records.KEPT if r.get(k)} for r in sorted(accepted, key=lambda r: r['name'])]
            text = json.dumps({'node': self.name, 'records': kept}, indent=1, sort_keys=True) + '\n'
            records.write_atomically(self.cache, text, 0o600)
        if me.get('podCidr'):
            try:
                self.write_cni(me['podCidr'], p['podMtu'])
            except (OSError, RuntimeError) as error:
                # E.g. no iptables: say so once, not on every sync.
                if str(error) != self.pod_error:
                    log(f'pod network: {error}')
                self.pod_error = str(error)
        return p, nodes

    # Logs what changed in the list of ignored records (not every sync), keeps it for the annotation.
    def report(self, reports):
        for line in reports:
            if line not in self.reports:
                log('ignoring ' + line)
        if self.reports and not reports:
            log('no record is ignored any more')
        self.reports = reports

    # A JSON merge patch of the own Node's annotations, only when they differ from what is listed.
    def publish(self, mine, me):
        want = {f: me.get(f) for f in records.ANNOTATIONS if f != 'conflict'}
        extra = len(self.reports) - REPORT_LINES
        want['conflict'] = '\n'.join(self.reports[:REPORT_LINES] + ([f'... and {extra} more'] if extra > 0 else [])) or None
        if any(mine.get(f) != v for f, v in want.items()):
            self.backend.publish(self.name, {records.ANNOTATIONS[f]: v for f, v in want.items()})

    def apply(self, p):
        if self.wg:
            # Without a PrivateKey line, wg syncconf would clear the interface's key.
            sh(['wg', 'syncconf', self.dev, '/dev/stdin'], plan.render_config(p, self.settings, open(self.key_file).read().strip()))
        setup = plan.render_setup(p, self.settings, self.dev)
        lines = [line[3:] + (' proto ' + PROTO if line.startswith('ip route') else '') for line in setup if line.startswith('ip ') and self.needed(line)]
        # -force goes on after a failing line: a route the kernel refuses (a peer's private
        # address that is not on this network, say) costs that route, not the others.
        failed = '\n'.join(f for f in (self.batch('ip', lines), self.batch('bridge', [line[7:] for line in setup if line.startswith('bridge ')])) if f)
        if failed and failed != self.failed_lines:
            log(f'some ip lines failed: {failed}')
        self.failed_lines = failed
        wanted = {d for d, _ in p['routes']}
        for line in sh(['ip', '-4', 'route', 'show', 'proto', PROTO]).stdout.splitlines():
            d = line.split()[0]
            if (d if '/' in d else d + '/32') not in wanted:
                sh(['ip', 'route', 'del', d, 'proto', PROTO], check=False)
        if p['encapsulation'] == 'vxlan':
            self.forget_hops({via for _, via in p['routes'] if via})

    # Runs `lines` through `<tool> -force -batch -`; returns what failed ('' when nothing did).
    def batch(self, tool, lines):
        if not lines:
            return ''
        done = sh([tool, '-force', '-batch', '-'], '\n'.join(lines) + '\n', check=False)
        return done.stderr.strip() if done.returncode else ''

    # `ip link add DEV type vxlan … local L …` makes the tunnel device, which the kernel will not
    # change in place ("Cannot change VxLAN port"): run it when DEV is missing, after deleting a
    # DEV of other settings, and skip it when DEV is that device already.
    def needed(self, line):
        words = line.split()
        if words[1:3] != ['link', 'add']:
            return True
        dev, want = words[3], {k: words[words.index(k) + 1] for k in ('id', 'dstport', 'local')}
        shown = sh(['ip', '-d', '-j', 'link', 'show', 'dev', dev], check=False)
        if shown.returncode:
            return True
        info = json.loads(shown.stdout)[0].get('linkinfo', {})
        data = info.get('info_data', {})
        if info.get('info_kind') == words[5] and (str(data.get('id')), str(data.get('port')), data.get('local')) == (want.get('id'), want.get('dstport'), want.get('local')):
            return False
        sh(['ip', 'link', 'del', 'dev', dev], check=False)
        return True

    # Removes the VXLAN device's neighbour and forwarding entries of next hops no route names any more.
    def forget_hops(self, hops):
        dev = plan.DEVICE['vxlan']
        for line in sh(['ip', 'neigh', 'show', 'dev', dev], check=False).stdout.splitlines():
            if line.split() and line.split()[0] not in hops:
                sh(['ip', 'neigh', 'del', line.split()[0], 'dev', dev], check=False)
        macs = {plan.vxlan_mac(h) for h in hops}
        for line in sh(['bridge', 'fdb', 'show', 'dev', dev], check=False).stdout.splitlines():
            words = line.split()
            if words and words[0] not in macs and 'dst' in words:
                sh(['bridge', 'fdb', 'del', words[0], 'dev', dev, 'dst', words[words.index('dst') + 1], 'self'], check=False)

    # The bridge CNI configuration on this node's pod CIDR and pod MTU: written atomically when
    # either changes (new pods take the new MTU; running pods keep theirs until they restart).
    def write_cni(self, pod_cidr, pod_mtu):
        text = open(os.path.join(HERE, '10-cast.conflist')).read().replace('{{pod_cidr}}', pod_cidr).replace('{{pod_mtu}}', str(pod_mtu))
        if records.write_atomically(self.cni, text):
            log(f'wrote {self.cni} for pods in {pod_cidr}, MTU {pod_mtu}')
        # Pods keep their addresses towards pods and mesh addresses (the bridge's ipMasq would
        # hide them behind the node's); anything else leaves with the node's address.
        jump = ['POSTROUTING', '-s', pod_cidr, '-j', 'CAST-MASQ']
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
