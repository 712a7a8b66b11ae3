/**
 * templates/scripts/etcd-remove-member.sh against a stand-in etcdctl, for the cases
 * the real-etcd lab (etcd-namespaces.test.ts) does not reach: learners, a cluster
 * without quorum, two members of one name, a member that stays unhealthy, kubeadm's
 * certificate paths. The stand-in answers `member list`, `endpoint status`,
 * `endpoint health` and `member remove` from environment variables and records every
 * call. Needs only bash.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '../../templates/scripts/etcd-remove-member.sh');

/** The stand-in: STUB_MEMBERS is `member list` output, STUB_LOCAL_ID the member at the endpoint, STUB_HEALTHY the client URLs that answer. */
const STUB = `#!/usr/bin/env bash
echo "$*" >> "$STUB_CALLS"
while [ "$1" != "" ] && [ "\${1#--}" != "$1" ]; do
  case "$1" in --endpoints) endpoints="$2"; shift 2 ;; *) shift 2 ;; esac
done
case "$1 $2" in
  "member list") printf '%s\\n' "$STUB_MEMBERS" ;;
  "endpoint status") echo "$endpoints, $STUB_LOCAL_ID, 3.5.16, 20 kB, true, false, 2, 9, 9, " ;;
  "endpoint health")
    if grep -q '^removed' "$STUB_CALLS" && [ "$endpoints" = "$STUB_LOST" ]; then exit 1; fi
    case " $STUB_HEALTHY " in *" $endpoints "*) echo "$endpoints is healthy" ;; *) echo "$endpoints is unhealthy" >&2; exit 1 ;; esac ;;
  "member remove") echo "removed $3" >> "$STUB_CALLS"; [ -z "$STUB_REMOVE_FAILS" ] || exit 1 ;;
  *) echo "stub: unexpected $*" >&2; exit 3 ;;
esac
`;

let dir: string;
let calls: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cast-etcd-remove-'));
  calls = join(dir, 'calls');
  writeFileSync(join(dir, 'etcdctl'), STUB);
  chmodSync(join(dir, 'etcdctl'), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const url = (name: string) => `https://${name}:2379`;
/** A `member list` line; learner members say so in the last field. */
const member = (id: string, name: string, learner = false) => `${id}, started, ${name}, https://${name}:2380, ${url(name)}, ${learner}`;
const THREE = [member('a1', 'cp-1'), member('b2', 'cp-2'), member('c3', 'cp-3')];

function removeMember(args: string[], stub: { members: string[]; healthy: string[]; localId?: string; removeFails?: boolean; lostAfterRemoval?: string }, tls = false) {
  writeFileSync(calls, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    CAST_ETCDCTL: join(dir, 'etcdctl'),
    CAST_ETCD_SETTLE_SECONDS: '0',
    STUB_CALLS: calls,
    STUB_MEMBERS: stub.members.join('\n'),
    STUB_LOCAL_ID: stub.localId ?? 'a1',
    STUB_HEALTHY: stub.healthy.map(url).join(' '),
    STUB_REMOVE_FAILS: stub.removeFails ? '1' : '',
    STUB_LOST: stub.lostAfterRemoval ? url(stub.lostAfterRemoval) : '',
    ...(tls ? {} : { CAST_ETCD_CACERT: '', CAST_ETCD_CERT: '', CAST_ETCD_KEY: '' }),
  };
  const result = spawnSync('bash', [SCRIPT, ...args], { env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls: readFileSync(calls, 'utf8') };
}

describe('etcd-remove-member.sh', () => {
  test('usage: exactly one node name, else exit 2 and nothing called', () => {
    for (const args of [[], ['a', 'b'], ['']]) {
      expect(removeMember(args, { members: THREE, healthy: [] })).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: etcd-remove-member.sh <node-name>'), calls: '' });
    }
  });

  test('a dead member of three, two healthy: removed by its ID; the others must answer afterwards', () => {
    const result = removeMember(['cp-3'], { members: THREE, healthy: ['cp-1', 'cp-2'] });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('etcd-remove-member: removing cp-3 (c3); 2 of 2 remaining voting members are healthy\netcd-remove-member: removed cp-3; all 2 remaining members are healthy\n');
    expect(result.calls).toContain('removed c3\n');
  });

  test("kubeadm's endpoint and healthcheck-client certificates by default", () => {
    const result = removeMember(['cp-3'], { members: THREE, healthy: ['cp-1', 'cp-2'] }, true);
    expect(result.code).toBe(0);
    expect(result.calls.split('\n')[0]).toBe(
      '--endpoints https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt ' +
        '--key /etc/kubernetes/pki/etcd/healthcheck-client.key --dial-timeout 2s --command-timeout 5s member list',
    );
  });

  test.each([
    ['a healthy member while another is down (1 of 2 left)', ['cp-2'], { members: THREE, healthy: ['cp-1', 'cp-2'] }, 'refusing to remove cp-2: it would leave 1 healthy of 2 voting members, fewer than their quorum of 2.'],
    ['any member while the cluster has no quorum (1 of 3)', ['cp-3'], { members: THREE, healthy: ['cp-1'] }, 'refusing to remove cp-3: only 1 of 3 voting members are healthy and etcd needs 2 to commit a removal.'],
    ['the dead member of two (no quorum to commit it)', ['cp-2'], { members: THREE.slice(0, 2), healthy: ['cp-1'] }, 'refusing to remove cp-2: only 1 of 2 voting members are healthy and etcd needs 2'],
    ['a name no member has', ['cp-9'], { members: THREE, healthy: ['cp-1', 'cp-2', 'cp-3'] }, 'no etcd member is named cp-9 (members: cp-1 cp-2 cp-3).'],
    ['the member it talks to', ['cp-1'], { members: THREE, healthy: ['cp-1', 'cp-2', 'cp-3'] }, 'cp-1 is the member this script talks to (https://127.0.0.1:2379). Run it on another control plane.'],
    ['a name two members have', ['cp-2'], { members: [...THREE, member('d4', 'cp-2')], healthy: ['cp-1'] }, 'two members are named cp-2 (b2, d4).'],
  ])('refuses %s and removes nothing', (_what, args, stub, message) => {
    const result = removeMember(args, stub);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining(`etcd-remove-member: ${message}`) });
    expect(result.calls).not.toContain('removed');
  });

  test('a member that was already down is named after the removal, as the next to bring back or remove', () => {
    const five = [...THREE, member('d4', 'cp-4'), member('e5', 'cp-5')];
    const result = removeMember(['cp-5'], { members: five, healthy: ['cp-1', 'cp-2', 'cp-3'] });
    expect(result).toMatchObject({ code: 0, calls: expect.stringContaining('removed e5') });
    expect(result.stderr).toBe('etcd-remove-member: removed cp-5; still unhealthy, as before: cp-4. Bring them back, or remove them too if they are gone for good.\n');
  });

  test('learners vote for no quorum: a learner goes while the voters hold one; a learner never counts as healthy quorum', () => {
    const members = [...THREE, member('e5', 'cp-4', true)];
    expect(removeMember(['cp-4'], { members, healthy: ['cp-1', 'cp-2'] })).toMatchObject({ code: 0, calls: expect.stringContaining('removed e5') });
    const refused = removeMember(['cp-3'], { members, healthy: ['cp-1', 'cp-4'] });
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('only 1 of 3 voting members are healthy') });
  });

  test('etcd refusing the removal, and a member still unhealthy afterwards, fail with what to check', () => {
    expect(removeMember(['cp-3'], { members: THREE, healthy: ['cp-1', 'cp-2'], removeFails: true })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('etcd did not remove cp-3 (c3). Check etcd\'s log; nothing else was changed.'),
    });
    // A member healthy before the removal that stops answering after it.
    const result = removeMember(['cp-3'], { members: THREE, healthy: ['cp-1', 'cp-2'], lostAfterRemoval: 'cp-2' });
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('removed cp-3, but member cp-2 (https://cp-2:2379) is not healthy after 0 s.') });
  });
});
