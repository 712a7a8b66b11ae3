/**
 * cast-join-token (templates/mesh/agent/castmesh/join_token.py) as the node runs it,
 * against a store that answers as a script says (each cloud's own client has its own
 * test against a fake of that cloud's API) and a stub kubeadm that records its calls:
 * generate, fetch (waits for a first token, refuses what is not one), publish (retries
 * a grant still propagating), rotate (a new 24-hour token, then the static token kept
 * or deleted as the key bundle says). docs/decisions/0006.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactScript } from '../../lib/core/bootstrap/compact-script';
import { JOIN_TOKEN_GROUPS, JOIN_TOKEN_TTL } from '../../lib/core/bootstrap/kubeadm-config';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { describeWithTool } from '../core/bootstrap/node-tools';
import { cleanUpKeysLab, keysLabDir } from './keys-lab';

const FRESH = 'n3wt0k.abcdefghij012345';
const STATIC = 'abcdef.0123456789abcdef';

/** The store: reads and writes follow the plans (one line per call: `unavailable <msg>`, `refused <msg>`, or a value to read), then the token file. */
const FAKE_STORE = `
import os
from castmesh import keys
STATE = os.environ['FAKE_STORE']
def _next(plan):
    path = os.path.join(STATE, plan)
    if not os.path.exists(path):
        return None
    lines = open(path).read().splitlines()
    if not lines:
        return None
    open(path, 'w').write(''.join(l + '\\n' for l in lines[1:]))
    kind, _, message = lines[0].partition(' ')
    if kind == 'unavailable':
        raise keys.Unavailable(message)
    if kind == 'refused':
        raise keys.Refused(message)
    return lines[0]
def read_join_token(env):
    assert env['CAST_JOIN_TOKEN_SECRET'] == 'the-secret'
    planned = _next('read-plan')
    if planned is not None:
        return planned
    path = os.path.join(STATE, 'token')
    if not os.path.exists(path):
        raise keys.Unavailable('no join token published yet')
    return open(path).read()
def write_join_token(env, token):
    _next('write-plan')
    open(os.path.join(STATE, 'token'), 'w').write(token)
    open(os.path.join(STATE, 'writes'), 'a').write(token + '\\n')
def read_bundle(env):
    return open(os.path.join(STATE, 'bundle')).read()
`;

/** kubeadm: logs its arguments; \`token create\` prints a new token; an existing or missing token answers as kubeadm does. */
const KUBEADM = `#!/usr/bin/env bash
echo "$*" >>"$FAKE_STORE/kubeadm.log"
case "$1 $2" in
  "token create")
    [ -z "\${KUBEADM_CREATE_FAILS:-}" ] || { echo "error: timed out waiting for the condition" >&2; exit 1; }
    if [[ "$3" == *.* ]]; then [ -z "\${TOKEN_EXISTS:-}" ] || { echo "a token with id \\"\${3%%.*}\\" already exists" >&2; exit 1; }; else echo ${FRESH}; fi ;;
  "token delete")
    [ -z "\${TOKEN_MISSING:-}" ] || { echo "error: bootstrap token \\"$3\\" not found" >&2; exit 1; }
    [ -z "\${KUBEADM_DELETE_FAILS:-}" ] || { echo "error: Unauthorized" >&2; exit 1; } ;;
esac
`;

function lab(bundle: object = { schema: 'cast-control-plane-keys/v1', files: {}, staticJoinTokenId: 'abcdef' }) {
  const root = keysLabDir('cast-join-');
  const mesh = join(root, 'mesh');
  mkdirSync(join(mesh, 'castmesh'), { recursive: true });
  for (const module of ['keys.py', 'node_env.py', 'join_token.py']) writeFileSync(join(mesh, 'castmesh', module), compactScript(readTemplateFile(`mesh/agent/castmesh/${module}`)));
  writeFileSync(join(mesh, 'fakestore.py'), FAKE_STORE);
  // The executable as shipped, with one more store registered.
  const executable = compactScript(readTemplateFile('mesh/agent/cast-join-token')).replace('from castmesh import join_token', "from castmesh import join_token, keys\nkeys.BACKENDS['fake-store'] = 'fakestore'");
  writeFileSync(join(mesh, 'cast-join-token'), executable, { mode: 0o755 });
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'kubeadm'), KUBEADM, { mode: 0o755 });
  const state = join(root, 'store');
  mkdirSync(state);
  writeFileSync(join(state, 'bundle'), JSON.stringify(bundle));
  const nodeEnv = join(root, 'node.env');
  writeFileSync(nodeEnv, "CAST_JOIN_TOKEN_STORE='fake-store'\nCAST_JOIN_TOKEN_SECRET='the-secret'\nCAST_KEYS_STORE='fake-store'\n");
  const out = join(root, 'join-token');
  const run = (args: string[], env: Record<string, string> = {}) => {
    const done = spawnSync('python3', [join(mesh, 'cast-join-token'), ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_STORE: state, ...env }, timeout: 20_000 });
    return { status: done.status, stderr: done.stderr, stdout: done.stdout };
  };
  const file = (name: string) => (existsSync(join(state, name)) ? readFileSync(join(state, name), 'utf8') : '');
  return {
    root,
    nodeEnv,
    out,
    run,
    plan: (name: 'read-plan' | 'write-plan', ...lines: string[]) => writeFileSync(join(state, name), lines.map((l) => `${l}\n`).join('')),
    publish: (token: string) => writeFileSync(join(state, 'token'), token),
    kubeadm: () => file('kubeadm.log').split('\n').filter((l) => l !== ''),
    writes: () => file('writes').split('\n').filter((l) => l !== ''),
  };
}

const CREATE = (token?: string, ttl = JOIN_TOKEN_TTL, description = 'cdktf-cast-cluster join token (rotated)') =>
  `token create ${token ? `${token} ` : ''}--ttl ${ttl} --description ${description} --groups ${JOIN_TOKEN_GROUPS.join(',')} --usages signing,authentication --kubeconfig /etc/kubernetes/admin.conf`;

describeWithTool('python3', 'python3', 'cast-join-token', () => {
  afterAll(cleanUpKeysLab);

  test('generate: kubeadm\'s format, a new token each time', () => {
    const l = lab();
    const tokens = Array.from({ length: 5 }, () => l.run(['generate']).stdout.trim());
    for (const token of tokens) expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(new Set(tokens).size).toBe(5);
  });

  test('fetch waits while no token is published, then writes it (0600) for kubeadm and the mesh agent', () => {
    const l = lab();
    l.plan('read-plan', 'unavailable no join token published yet', 'unavailable no join token published yet', 'unavailable AccessDeniedException: not authorized yet');
    l.publish(`${FRESH}\n`);
    const run = l.run(['fetch', '--node-env', l.nodeEnv, '--out', l.out, '--timeout', '30', '--first-pause', '0.01']);
    expect(run.status).toBe(0);
    expect(readFileSync(l.out, 'utf8')).toBe(`${FRESH}\n`);
    expect(statSync(l.out).mode & 0o777).toBe(0o600);
    // Each distinct reason once, not once per try.
    expect(run.stderr.match(/no join token published yet; trying again/g)).toHaveLength(1);
    expect(run.stderr).toContain('AccessDeniedException: not authorized yet; trying again');
  });

  test('fetch refuses what is not a token, and gives up after --timeout; nothing is written either way', () => {
    const l = lab();
    l.publish('<html>captive portal</html>');
    const garbage = l.run(['fetch', '--node-env', l.nodeEnv, '--out', l.out, '--timeout', '5', '--first-pause', '0.01']);
    expect(garbage).toMatchObject({ status: 1 });
    expect(garbage.stderr).toContain('cast-join-token: the fake-store secret does not hold a join token (<6 of [a-z0-9]>.<16 of [a-z0-9]>)');
    expect(garbage.stderr).not.toContain('captive portal');
    const empty = lab();
    const late = empty.run(['fetch', '--node-env', empty.nodeEnv, '--out', empty.out, '--timeout', '0.2', '--first-pause', '0.05']);
    expect(late.status).toBe(1);
    expect(late.stderr).toMatch(/gave up after 0\.2 s: no join token published yet/);
    expect(existsSync(l.out) || existsSync(empty.out)).toBe(false);
  });

  test('fetch on a node whose node.env names no store says so', () => {
    const l = lab();
    writeFileSync(l.nodeEnv, "CAST_JOIN_TOKEN_STORE=''\n");
    const run = l.run(['fetch', '--node-env', l.nodeEnv, '--out', l.out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no join-token store in node.env (CAST_JOIN_TOKEN_STORE)');
  });

  test('rotate: a new 24-hour token with kubeadm\'s groups, written to the store; the static token kept while the bundle names it', () => {
    const l = lab({ schema: 'cast-control-plane-keys/v1', files: {}, staticJoinTokenId: 'abcdef', staticJoinToken: STATIC });
    const run = l.run(['rotate', '--node-env', l.nodeEnv], { TOKEN_EXISTS: '1' });
    expect(run).toMatchObject({ status: 0 });
    expect(l.kubeadm()).toEqual([CREATE(), CREATE(STATIC, '0s', 'cdktf-cast-cluster static join token')]);
    expect(l.writes()).toEqual([FRESH]);
    expect(run.stderr).toContain('static join token abcdef kept');
  });

  test('rotate: the static token deleted once the bundle no longer names it (already gone is fine; another failure is not)', () => {
    const l = lab();
    expect(l.run(['rotate', '--node-env', l.nodeEnv]).status).toBe(0);
    expect(l.kubeadm()).toEqual([CREATE(), 'token delete abcdef --kubeconfig /etc/kubernetes/admin.conf']);
    expect(l.run(['rotate', '--node-env', l.nodeEnv], { TOKEN_MISSING: '1' }).status).toBe(0);
    expect(l.writes()).toEqual([FRESH, FRESH]);
    const failed = l.run(['rotate', '--node-env', l.nodeEnv], { KUBEADM_DELETE_FAILS: '1' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('kubeadm token delete failed: error: Unauthorized');
  });

  test('rotate: when kubeadm cannot make a token, the store keeps the previous one and the run fails', () => {
    const l = lab();
    l.publish(STATIC);
    const run = l.run(['rotate', '--node-env', l.nodeEnv], { KUBEADM_CREATE_FAILS: '1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('rotate: kubeadm token create failed: error: timed out waiting for the condition');
    expect(l.writes()).toEqual([]);
  });

  test('publish retries a write the store refuses for now (a grant still propagating), and stops at once on a refusal', () => {
    const l = lab();
    writeFileSync(join(l.root, 'founded'), `${FRESH}\n`);
    l.plan('write-plan', 'unavailable AccessDeniedException: not authorized to perform secretsmanager:PutSecretValue');
    const run = l.run(['publish', '--node-env', l.nodeEnv, '--token-file', join(l.root, 'founded'), '--timeout', '30', '--first-pause', '0.01']);
    expect(run.status).toBe(0);
    expect(l.writes()).toEqual([FRESH]);
    l.plan('write-plan', 'refused the secret is not a join-token secret');
    const refused = l.run(['publish', '--node-env', l.nodeEnv, '--token-file', join(l.root, 'founded'), '--timeout', '30', '--first-pause', '0.01']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('publish: the secret is not a join-token secret');
    expect(l.writes()).toEqual([FRESH]);
  });
});
