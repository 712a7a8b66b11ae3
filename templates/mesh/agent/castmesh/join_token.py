# cast-join-token: the cluster's join token, kept in the node's cloud secret store instead of its
# user-data (docs/decisions/0006-join-tokens-from-the-cloud.md; docs/security.md, "Join tokens").
#
#   generate   print a new token, <6 of [a-z0-9]>.<16 of [a-z0-9]> (kubeadm's format and alphabet:
#              kubeadm reference, "kubeadm token"; the founding control plane founds the cluster with it)
#   fetch      read the current token from the store, retrying until --timeout, into --out (0600)
#   publish    write the token in --token-file to the store (the founding control plane, after init)
#   rotate     control planes, hourly: `kubeadm token create --ttl 24h`, then publish it
# Publishing also keeps the static token (for nodes without a store: `kubeadm token create <it>
# --ttl 0`) or deletes it, as the key bundle says (staticJoinToken, staticJoinTokenId).
#
# The store is named in node.env (CAST_JOIN_TOKEN_STORE, _SECRET, _REGION, _CLIENT_ID); each cloud's
# module (keys_aws.py, keys_gcp.py, keys_azure.py) reads and writes it with the VM's own identity.
import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import time

from castmesh import keys
from castmesh.node_env import read_env_or_log

TOKEN = re.compile(r'^[a-z0-9]{6}\.[a-z0-9]{16}$')
ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
# The same as lib/core/bootstrap/kubeadm-config.ts (JOIN_TOKEN_TTL, JOIN_TOKEN_GROUPS; a test compares them).
TTL = '24h0m0s'
GROUPS = ['system:bootstrappers:kubeadm:default-node-token', 'system:bootstrappers:cast-mesh']
ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf'
ROTATED = 'cdktf-cast-cluster join token (rotated)'
STATIC = 'cdktf-cast-cluster static join token'


def log(message):
    print(f'cast-join-token: {message}', file=sys.stderr, flush=True)


def generate():
    return ''.join(secrets.choice(ALPHABET) for _ in range(6)) + '.' + ''.join(secrets.choice(ALPHABET) for _ in range(16))


def store_of(env):
    """The cloud's module for the join token's store; Refused when node.env names none or an unknown one."""
    store = env.get('CAST_JOIN_TOKEN_STORE', '')
    if not store:
        raise keys.Refused('no join-token store in node.env (CAST_JOIN_TOKEN_STORE): this node joins with the static token of its user-data')
    return store, keys.backend(store)


def checked(token, where):
    token = token.strip()
    if not TOKEN.match(token):
        raise keys.Refused(f'{where} does not hold a join token (<6 of [a-z0-9]>.<16 of [a-z0-9]>)')
    return token


def retrying(what, attempt, timeout, first_pause=keys.FIRST_PAUSE, clock=time.monotonic, sleep=time.sleep):
    """attempt() until it returns, retrying keys.Unavailable until `timeout` s; the last error is raised."""
    deadline = clock() + timeout
    pause, last = first_pause, None
    while True:
        try:
            return attempt()
        except keys.Unavailable as error:
            if str(error) != last:
                log(f'{what}: {error}; trying again until {timeout:g} s have passed')
                last = str(error)
            if clock() + pause > deadline:
                raise keys.Unavailable(f'{what}: gave up after {timeout:g} s: {error}') from None
            sleep(pause)
            pause = min(pause * 2, keys.LONGEST_PAUSE)


def fetch(env, out, timeout, first_pause=keys.FIRST_PAUSE, clock=time.monotonic, sleep=time.sleep):
    """Reads the token, retrying what may pass (not published yet, grant propagating, network) until `timeout` s."""
    try:
        store, backend = store_of(env)
        token = retrying(store, lambda: checked(backend.read_join_token(env), f'the {store} secret'), timeout, first_pause, clock, sleep)
    except (keys.Refused, keys.Unavailable) as error:
        log(str(error))
        return 1
    keys.write_atomically(out, (token + '\n').encode(), 0o600)
    log(f'read the join token from {store} into {out}')
    return 0


def publish(env, token, timeout=0.0, first_pause=keys.FIRST_PAUSE):
    """Writes the token to the store (retrying until `timeout` s: the founder's write grant may still be propagating), then syncs the static token."""
    store, backend = store_of(env)
    token = checked(token, 'the token to publish')
    retrying(store, lambda: backend.write_join_token(env, token), timeout, first_pause)
    log(f'published join token {token[:6]} to {store}')
    sync_static(env)


def kubeadm(args):
    done = subprocess.run(['kubeadm', *args, '--kubeconfig', ADMIN_KUBECONFIG], capture_output=True, text=True, check=False, timeout=120)
    return done.returncode, done.stdout.strip(), done.stderr.strip()


def create_token(token, ttl, description):
    """`kubeadm token create`; with `token`, that one (True if it exists already). Returns the token."""
    args = ['token', 'create'] + ([token] if token else []) + ['--ttl', ttl, '--description', description, '--groups', ','.join(GROUPS), '--usages', 'signing,authentication']
    code, out, err = kubeadm(args)
    if code != 0 and not (token and 'already exists' in err):
        raise keys.Unavailable(f'kubeadm token create failed: {err or out}')
    return token or checked(out.splitlines()[-1] if out else '', 'kubeadm token create\'s output')


def sync_static(env):
    """The static token exists exactly while the key bundle names it (nodes without a store need it)."""
    if not env.get('CAST_KEYS_STORE'):
        return
    bundle = keys.json_object(keys.backend(env['CAST_KEYS_STORE']).read_bundle(env), 'the key bundle')
    token_id, token = bundle.get('staticJoinTokenId'), bundle.get('staticJoinToken')
    if token:
        create_token(checked(token, 'the bundle\'s staticJoinToken'), '0s', STATIC)
        log(f'static join token {token[:6]} kept: nodes without a secret store join with it')
    elif isinstance(token_id, str) and re.match(r'^[a-z0-9]{6}$', token_id):
        code, out, err = kubeadm(['token', 'delete', token_id])
        if code != 0 and 'not found' not in err:
            raise keys.Unavailable(f'kubeadm token delete failed: {err or out}')
        if code == 0:
            log(f'deleted static join token {token_id}: no node needs it')


def rotate(env):
    publish(env, create_token(None, TTL, ROTATED))


def main(argv):
    parser = argparse.ArgumentParser(prog='cast-join-token')
    commands = parser.add_subparsers(dest='command', required=True)
    commands.add_parser('generate', help='print a new join token')
    for name, text in (('fetch', 'read the join token from the store into --out'), ('publish', 'write --token-file to the store'), ('rotate', 'make a new token and publish it; keep or delete the static token')):
        command = commands.add_parser(name, help=text)
        command.add_argument('--node-env', default='/etc/cast/node.env')
        if name == 'fetch':
            command.add_argument('--out', default='/etc/cast/join-token')
            command.add_argument('--timeout', type=float, default=3600.0, help='seconds to keep trying (default 3600: a new cluster publishes its first token when its founder is up)')
            command.add_argument('--first-pause', type=float, default=keys.FIRST_PAUSE)
        if name == 'publish':
            command.add_argument('--token-file', default='/etc/cast/join-token')
            command.add_argument('--timeout', type=float, default=900.0, help='seconds to keep trying (default 900)')
            command.add_argument('--first-pause', type=float, default=keys.FIRST_PAUSE)
    a = parser.parse_args(argv)
    if a.command == 'generate':
        print(generate())
        return 0
    env = read_env_or_log(a.node_env, log)
    if env is None:
        return 1
    if a.command == 'fetch':
        return fetch(env, a.out, a.timeout, a.first_pause)
    try:
        if a.command == 'publish':
            with open(a.token_file) as file:
                publish(env, file.read(), a.timeout, a.first_pause)
        else:
            rotate(env)
    except (keys.Unavailable, keys.Refused, OSError) as error:
        log(f'{a.command}: {error}')
        return 1
    return 0
