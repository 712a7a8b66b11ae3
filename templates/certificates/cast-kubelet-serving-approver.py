#!/usr/bin/python3
# Approves the kubelets' serving-certificate requests (CSRs of signer kubernetes.io/kubelet-serving,
# made because the KubeletConfiguration sets serverTLSBootstrap), on a control-plane host with its
# kubectl and admin.conf: kubeadm approves none of them and the controller manager neither
# ("Certificate Management with kubeadm", Kubelet serving certificates). One pass; the
# cast-kubelet-serving-approver Deployment runs it every 30 s.
#
# A pending request is approved only when all of these hold (the checks the kubelet-serving
# signer's documentation asks of an approver: "Certificate Signing Requests", Kubernetes
# signers, kubernetes.io/kubelet-serving):
#   - it comes from a node: spec.username system:node:<name>, spec.groups with system:nodes;
#   - that Node exists;
#   - the request's subject is exactly O=system:nodes, CN=system:node:<name>;
#   - it asks for at least one name, and every one is the node's: DNS names among the node's
#     name and its Hostname/InternalDNS/ExternalDNS addresses, IP addresses among its
#     InternalIP/ExternalIP addresses (status.addresses, which the kubelet reports);
#   - its usages are server auth with digital signature and/or key encipherment, no other.
# Anything else stays pending (a node whose addresses are not reported yet may be approved on
# a later pass) and is logged with the reason; nothing is denied.
#
# CAST_KUBECONFIG overrides /etc/kubernetes/admin.conf (tests put a stub kubectl on PATH).
import json
import os
import re
import subprocess
import sys

SIGNER = 'kubernetes.io/kubelet-serving'
KUBECONFIG = os.environ.get('CAST_KUBECONFIG', '/etc/kubernetes/admin.conf')
ALLOWED_USAGES = {'digital signature', 'key encipherment', 'server auth'}
DNS_TYPES = {'Hostname', 'InternalDNS', 'ExternalDNS'}
IP_TYPES = {'InternalIP', 'ExternalIP'}


def kubectl(*args):
    return subprocess.run(['kubectl', '--kubeconfig', KUBECONFIG, *args], check=True, capture_output=True, text=True).stdout


def decode_request(pem_b64):
    """(subject, dns names, ip addresses) of a base64 PEM PKCS#10 request, read by openssl."""
    import base64
    pem = base64.b64decode(pem_b64)
    out = subprocess.run(['openssl', 'req', '-noout', '-subject', '-nameopt', 'RFC2253', '-text'], input=pem, check=True, capture_output=True).stdout.decode()
    subject = re.search(r'^subject=(.*)$', out, re.M).group(1).strip()
    sans = re.search(r'X509v3 Subject Alternative Name:\s*\n\s*(.*)', out)
    names = [s.strip() for s in sans.group(1).split(',')] if sans else []
    dns = [n[len('DNS:'):] for n in names if n.startswith('DNS:')]
    ips = [n[len('IP Address:'):] for n in names if n.startswith('IP Address:')]
    others = [n for n in names if not n.startswith(('DNS:', 'IP Address:'))]
    return subject, dns, ips, others


def decide(csr, nodes, decode=decode_request):
    """Why `csr` may not be approved, or None when it may. `nodes` by name (Node objects)."""
    spec = csr.get('spec', {})
    if spec.get('signerName') != SIGNER:
        return 'not a kubelet serving request'
    if csr.get('status', {}).get('conditions'):
        return 'already decided'
    username = spec.get('username', '')
    if not username.startswith('system:node:') or 'system:nodes' not in spec.get('groups', []):
        return f'requested by {username or "nobody"}, not by a node'
    name = username[len('system:node:'):]
    node = nodes.get(name)
    if node is None:
        return f'no Node {name}'
    usages = set(spec.get('usages', []))
    if 'server auth' not in usages or not usages <= ALLOWED_USAGES:
        return f'usages {sorted(usages)}: only server auth with digital signature or key encipherment'
    subject, dns, ips, others = decode(spec.get('request', ''))
    if subject != f'CN=system:node:{name},O=system:nodes':
        return f'subject {subject}, not O=system:nodes, CN=system:node:{name}'
    addresses = node.get('status', {}).get('addresses', [])
    node_dns = {name} | {a['address'] for a in addresses if a.get('type') in DNS_TYPES}
    node_ips = {a['address'] for a in addresses if a.get('type') in IP_TYPES}
    if others or not (dns or ips):
        return f'names {others or "none"}: only the node\'s DNS names and IP addresses'
    foreign = [n for n in dns if n not in node_dns] + [i for i in ips if i not in node_ips]
    if foreign:
        return f'{", ".join(foreign)} not among Node {name}\'s addresses'
    return None


def main():
    csrs = json.loads(kubectl('get', 'csr', '-o', 'json'))['items']
    pending = [c for c in csrs if c.get('spec', {}).get('signerName') == SIGNER and not c.get('status', {}).get('conditions')]
    if not pending:
        return 0
    nodes = {n['metadata']['name']: n for n in json.loads(kubectl('get', 'nodes', '-o', 'json'))['items']}
    for csr in pending:
        name = csr['metadata']['name']
        try:
            reason = decide(csr, nodes)
        except (subprocess.CalledProcessError, AttributeError, ValueError) as error:
            reason = f'unreadable request ({error})'
        if reason is None:
            kubectl('certificate', 'approve', name)
            print(f'cast-kubelet-serving-approver: approved {name} ({csr["spec"]["username"]})')
        else:
            print(f'cast-kubelet-serving-approver: left {name} pending: {reason}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
