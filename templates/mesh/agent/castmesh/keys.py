# cast-control-plane-keys: a control plane's CA keys and service-account key pair, read at boot from
# its cloud's secret store with the VM's own identity, never from user-data or metadata
# (docs/decisions/0003-control-plane-keys-from-the-cloud.md; docs/security.md, "The CA keys").
#
# The store holds one JSON document, the bundle (lib/core/bootstrap/control-plane-keys.ts):
#   {"schema": "cast-control-plane-keys/v1", "files": {"ca.key": "<base64 of the PEM>", ...}}
# Each cloud's module (keys_aws.py, keys_gcp.py, keys_azure.py) reads it; this one checks it and
# writes the files under /etc/kubernetes/pki, where kubeadm signs with them instead of making new CAs.
#
# Checked before anything is written: exactly the expected files, each a PEM, each key the
# private half of its certificate (ca.key of the ca.crt cloud-init wrote, which every node pins),
# sa.key of sa.pub. A bundle of another cluster is refused, not written.
import argparse
import base64
import binascii
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from castmesh.node_env import read_env_or_log

SCHEMA = 'cast-control-plane-keys/v1'
# Path under the PKI directory -> mode. The same list as CONTROL_PLANE_KEY_FILES (a test compares them).
FILES = {
    'ca.key': 0o600,
    'front-proxy-ca.crt': 0o644,
    'front-proxy-ca.key': 0o600,
    'etcd/ca.crt': 0o644,
    'etcd/ca.key': 0o600,
    'sa.key': 0o600,
    'sa.pub': 0o644,
}
# Private key -> the public half it must match: a certificate, or sa.pub. ca.crt is on disk already.
PAIRS = {'ca.key': 'ca.crt', 'front-proxy-ca.key': 'front-proxy-ca.crt', 'etcd/ca.key': 'etcd/ca.crt', 'sa.key': 'sa.pub'}
BACKENDS = {
    'aws-secrets-manager': 'castmesh.keys_aws',
    'gcp-secret-manager': 'castmesh.keys_gcp',
    'azure-key-vault': 'castmesh.keys_azure',
    'mesh-handoff': 'castmesh.keys_handoff',
}
# Between tries: doubling from 2 s up to 30 s. A grant to read the store reaches the cloud's
# authorization some time after Terraform made it (IAM is eventually consistent on each cloud).
FIRST_PAUSE = 2.0
LONGEST_PAUSE = 30.0


class Unavailable(Exception):
    """The store did not give the bundle this time (network, not authorized yet, not there yet): try again."""


class Refused(Exception):
    """It never will, or what it gave must not be used: stop."""


def log(message):
    print(f'cast-control-plane-keys: {message}', file=sys.stderr, flush=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx comes back as the answer: urllib would follow it with the Authorization header, to any host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def http_request(method, url, headers=None, body=None, timeout=10.0):
    """One HTTP exchange, no proxy from the environment, no redirect followed: (status, headers, body bytes). A transport error is Unavailable."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers or {}), error.read()
    except (urllib.error.URLError, OSError) as error:
        raise Unavailable(f'{method} {url}: {getattr(error, "reason", error)}') from None


def json_object(body, what=None):
    """The JSON object `body` holds. Not one: None, or, when `what` names it, Refused saying so."""
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if isinstance(document, dict):
        return document
    if what is None:
        return None
    raise Refused(f'{what} is not a JSON object')


def parse_bundle(text):
    """The bundle's files as {path: PEM bytes}; Refused unless it is exactly what this version writes."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise Refused(f'the secret is not JSON ({error})') from None
    if not isinstance(document, dict) or document.get('schema') != SCHEMA:
        schema = document.get('schema') if isinstance(document, dict) else None
        raise Refused(f'the secret is not a {SCHEMA} bundle (schema: {schema!r})')
    files = document.get('files')
    if not isinstance(files, dict) or sorted(files) != sorted(FILES):
        names = sorted(files) if isinstance(files, dict) else files
        raise Refused(f'the bundle must hold exactly {", ".join(sorted(FILES))} (got {names})')
    decoded = {}
    for path, value in files.items():
        try:
            pem = base64.b64decode(value, validate=True) if isinstance(value, str) else b''
        except binascii.Error:
            pem = b''
        if not pem.startswith(b'-----BEGIN '):
            raise Refused(f'{path} in the bundle is not base64 of a PEM')
        decoded[path] = pem
    return decoded


def public_half(pem, kind):
    """The public key (PEM) of a private key, a certificate or a public key, as openssl prints it."""
    command = {
        'key': ['openssl', 'pkey', '-pubout'],
        'cert': ['openssl', 'x509', '-noout', '-pubkey'],
        'pub': ['openssl', 'pkey', '-pubin', '-pubout'],
    }[kind]
    result = subprocess.run(command, input=pem, capture_output=True, check=False)
    if result.returncode != 0:
        raise Refused(f'openssl could not read a {kind}: {result.stderr.decode(errors="replace").strip()}')
    return result.stdout


def check_pairs(files, pki_dir):
    """Each private key must be the half of its certificate; ca.crt is the one cloud-init wrote."""
    try:
        with open(os.path.join(pki_dir, 'ca.crt'), 'rb') as file:
            ca_cert = file.read()
    except OSError as error:
        raise Refused(f'{pki_dir}/ca.crt is missing ({error.strerror}): cloud-init writes it before the bootstrap runs') from None
    known = {**files, 'ca.crt': ca_cert}
    for key, public in PAIRS.items():
        kind = 'pub' if public.endswith('.pub') else 'cert'
        if public_half(known[key], 'key') != public_half(known[public], kind):
            raise Refused(f'{key} in the store is not the key of {public}: the secret holds another cluster\'s keys, or the CA changed')


def write_atomically(path, data, mode):
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix='.cast-keys-')
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, 'wb') as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.rename(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def same_on_disk(files, pki_dir):
    for path, data in files.items():
        try:
            with open(os.path.join(pki_dir, path), 'rb') as file:
                if file.read() != data:
                    return False
        except OSError:
            return False
    return True


def backend(store):
    if store not in BACKENDS:
        raise Refused(f'unknown store {store!r} in CAST_KEYS_STORE (known: {", ".join(sorted(BACKENDS))})')
    return importlib.import_module(BACKENDS[store])


def fetch(env, pki_dir, timeout, first_pause=FIRST_PAUSE, clock=time.monotonic, sleep=time.sleep):
    """Reads the bundle, retrying what may pass until `timeout` s; checks it; writes it. Returns an exit status."""
    store = env.get('CAST_KEYS_STORE', '')
    if not store:
        log('no key store in node.env (CAST_KEYS_STORE): the keys came with the user-data; nothing to fetch')
        return 0
    deadline = clock() + timeout
    pause = first_pause
    last = None
    try:
        reader = backend(store)
        while True:
            try:
                files = parse_bundle(reader.read_bundle(env))
                break
            except Unavailable as error:
                if str(error) != last:
                    log(f'{store}: {error}; trying again until {timeout:g} s have passed')
                    last = str(error)
                if clock() + pause > deadline:
                    log(f'{store}: gave up after {timeout:g} s: {error}')
                    return 1
                sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
        check_pairs(files, pki_dir)
    except Refused as error:
        log(f'{store}: {error}')
        return 1
    if same_on_disk(files, pki_dir):
        log(f'the keys from {store} are in place already')
        return 0
    for path, data in sorted(files.items()):
        write_atomically(os.path.join(pki_dir, path), data, FILES[path])
    log(f'wrote {len(files)} files from {store} to {pki_dir}')
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog='cast-control-plane-keys')
    commands = parser.add_subparsers(dest='command', required=True)
    command = commands.add_parser('fetch', help="read the keys from the cloud's secret store and write them under --pki-dir")
    command.add_argument('--node-env', default='/etc/cast/node.env')
    command.add_argument('--pki-dir', default='/etc/kubernetes/pki')
    command.add_argument('--timeout', type=float, default=900.0, help='seconds to keep trying (default 900)')
    command.add_argument('--first-pause', type=float, default=FIRST_PAUSE, help=f'seconds before the first retry, doubling up to {LONGEST_PAUSE:g} (default {FIRST_PAUSE:g})')
    a = parser.parse_args(argv)
    env = read_env_or_log(a.node_env, log)
    if env is None:
        return 1
    return fetch(env, a.pki_dir, a.timeout, a.first_pause)
