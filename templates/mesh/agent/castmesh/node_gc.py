# cast-node-gc: on control planes, deletes the Node objects of VMs that no longer exist, and the
# address claims of nodes that never registered.
#
# A VM that is gone (a node removed from the code, a reclaimed spot VM, a group that shrank) leaves
# its Node, and with it its mesh record (every node keeps a WireGuard peer for it) and its pod range.
# Deleting the Node frees both: kube-controller-manager's range allocator releases the node's pod
# CIDR when the Node is deleted (pkg/controller/nodeipam/ipam/range_allocator.go, ReleaseCIDR on the
# node's deletion), and an autoscaled node's address claim names the Node as its owner, so
# Kubernetes' garbage collector deletes it with the Node.
#
# A Node is deleted only when all of these hold:
#   - it is on this control plane's own cloud (the `cast-cluster/cloud` label): the control plane's
#     identity reads that cloud's inventory and no other;
#   - it is not a control plane: a gone control plane leaves an etcd member behind, which must be
#     removed first (etcd-remove-member.sh); those are reported, never deleted;
#   - its Ready condition has not been True for --grace seconds (a VM that is gone stops reporting);
#   - the cloud says the VM is gone: inventory_<cloud>.vm_state() answers 'gone' (a definitive
#     answer; 'unknown' for an error, a grant not yet in effect, anything unclear, keeps the Node).
# Every control plane runs it; two that delete the same Node do no harm (--ignore-not-found).
#
# Claims: a ConfigMap claim-<a>-<b>-<c>-<d> in cast-mesh without an owner is a claim made with the
# bootstrap token by a node that never registered (once it registers, its agent makes the Node the
# owner). One older than --claim-ttl whose node has no Node is deleted, freeing the address.
import argparse
import datetime
import importlib
import json
import subprocess
import sys
import time

from castmesh.node_env import read_env

CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane'
CLOUD_LABEL = 'cast-cluster/cloud'
NAMESPACE, CLAIM_LABEL = 'cast-mesh', 'cast-mesh/claim'
INVENTORIES = {'aws': 'castmesh.inventory_aws', 'gcp': 'castmesh.inventory_gcp', 'azure': 'castmesh.inventory_azure'}


def log(message):
    print(f'cast-node-gc: {message}', file=sys.stderr, flush=True)


def parse_time(text):
    """A Kubernetes timestamp (RFC 3339, `Z`) as seconds since the epoch; None when absent or malformed."""
    try:
        return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc).timestamp()
    except (TypeError, ValueError):
        return None


def not_ready_since(node):
    """When the Node's Ready condition last stopped being True; None while it is True (or never reported)."""
    for condition in (node.get('status') or {}).get('conditions') or []:
        if condition.get('type') == 'Ready':
            return None if condition.get('status') == 'True' else parse_time(condition.get('lastTransitionTime'))
    return None


def ref_of(node, env):
    meta = node.get('metadata') or {}
    labels = meta.get('labels') or {}
    return {
        'name': meta.get('name', ''),
        'providerID': (node.get('spec') or {}).get('providerID', ''),
        'region': labels.get('topology.kubernetes.io/region', ''),
        'zone': labels.get('topology.kubernetes.io/zone', ''),
        'clusterName': env.get('CAST_CLUSTER_NAME', ''),
    }


class Kubectl:
    """kubectl with the control plane's admin kubeconfig; a failure raises RuntimeError with kubectl's words."""

    def __init__(self, kubeconfig):
        self.kubeconfig = kubeconfig

    def run(self, *args):
        result = subprocess.run(['kubectl', '--kubeconfig', self.kubeconfig, *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f'kubectl {" ".join(args)}: {result.stderr.strip() or f"exit {result.returncode}"}')
        return result.stdout

    def items(self, *args):
        return json.loads(self.run('get', *args, '-o', 'json')).get('items') or []


def collect_nodes(kubectl, env, grace, now, inventory):
    """Deletes the Nodes whose VM is gone; returns what it did, one line each."""
    cloud = env.get('CAST_CLOUD', '')
    done = []
    for node in kubectl.items('nodes'):
        meta = node.get('metadata') or {}
        name, labels = meta.get('name', ''), meta.get('labels') or {}
        since = not_ready_since(node)
        if labels.get(CLOUD_LABEL) != cloud or since is None or now - since < grace:
            continue
        state = inventory.vm_state(ref_of(node, env), env)
        if state != 'gone':
            continue
        if CONTROL_PLANE_LABEL in labels:
            done.append(f'control plane {name}: its VM is gone; remove its etcd member (etcd-remove-member.sh {name}), then its Node (kubectl delete node {name})')
            continue
        kubectl.run('delete', 'node', name, '--ignore-not-found', '--wait=false')
        done.append(f'deleted Node {name}: its VM is gone and it was not Ready for {int(now - since)} s')
    return done


def collect_claims(kubectl, claim_ttl, now):
    """Deletes claims without an owner, older than claim_ttl, whose node never registered."""
    nodes = {(n.get('metadata') or {}).get('name') for n in kubectl.items('nodes')}
    done = []
    for claim in kubectl.items('configmaps', '-n', NAMESPACE, '-l', f'{CLAIM_LABEL}=true'):
        meta = claim.get('metadata') or {}
        node = (claim.get('data') or {}).get('node', '')
        made = parse_time(meta.get('creationTimestamp'))
        if meta.get('ownerReferences') or node in nodes or made is None or now - made < claim_ttl:
            continue
        kubectl.run('delete', 'configmap', '-n', NAMESPACE, meta.get('name', ''), '--ignore-not-found', '--wait=false')
        done.append(f'deleted claim {meta.get("name")} of {node or "no node"}: no Node registered in {int(now - made)} s')
    return done


def inventory_of(cloud):
    """This cloud's inventory module; None where the control plane has no identity to read one."""
    return importlib.import_module(INVENTORIES[cloud]) if cloud in INVENTORIES else None


def one_pass(kubectl, env, a, now):
    """One round; never raises for what the next round may get past. Returns the lines it logged."""
    lines = []
    inventory = inventory_of(env.get('CAST_CLOUD', ''))
    try:
        if inventory is not None:
            lines += collect_nodes(kubectl, env, a.grace, now, inventory)
        lines += collect_claims(kubectl, a.claim_ttl, now)
    except (RuntimeError, ValueError) as error:
        lines.append(f'this round stopped: {error}')
    for line in lines:
        log(line)
    return lines


def main(argv):
    parser = argparse.ArgumentParser(prog='cast-node-gc')
    commands = parser.add_subparsers(dest='command', required=True)
    for name, what in (('run', 'a round every --interval seconds (cast-node-gc.service)'), ('once', 'one round')):
        command = commands.add_parser(name, help=what)
        command.add_argument('--kubeconfig', default='/etc/kubernetes/admin.conf')
        command.add_argument('--node-env', default='/etc/cast/node.env')
        command.add_argument('--interval', type=float, default=60.0)
        command.add_argument('--grace', type=float, default=600.0, help='seconds a Node must have been not Ready (default 600)')
        command.add_argument('--claim-ttl', type=float, default=3600.0, help='seconds an unowned claim may wait for its Node (default 3600)')
    a = parser.parse_args(argv)
    env = read_env(a.node_env)
    kubectl = Kubectl(a.kubeconfig)
    if env.get('CAST_CLOUD', '') not in INVENTORIES:
        log(f'no inventory on {env.get("CAST_CLOUD") or "this cloud"}: Nodes of its VMs are left to a control plane of their cloud, or to you (kubectl delete node)')
    while True:
        one_pass(kubectl, env, a, time.time())
        if a.command == 'once':
            return 0
        time.sleep(a.interval)
