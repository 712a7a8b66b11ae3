/**
 * Security updates on new nodes: /etc/apt/apt.conf.d/52cast-unattended-upgrades in every node's
 * user-data, read by apt's own parser (`apt-config -c <file> dump`, Debian's apt): daily
 * package lists and unattended-upgrades, never an automatic reboot (reboots are coordinated in
 * the cluster), and the held packages (lib/core/supply.ts) never upgraded by it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_CLOUDS } from '../../lib/core/cloud';
import { NODE_BOOTSTRAP_KINDS, renderNodeUserData, UNATTENDED_UPGRADES_FILE } from '../../lib/core/bootstrap/node-bootstrap';
import { HELD_PACKAGES } from '../../lib/core/supply';
import { fakeInput } from '../core/bootstrap/bootstrap-fixtures';
import { describeWithTool, runTool } from '../core/bootstrap/node-tools';
import { contentOf, fileAt, parseUserData } from '../core/bootstrap/user-data-files';

const documents = NODE_BOOTSTRAP_KINDS.flatMap((kind) => ALL_CLOUDS.map((cloud) => [kind, cloud, fileAt(parseUserData(renderNodeUserData(fakeInput(kind, cloud))), UNATTENDED_UPGRADES_FILE)] as const));

test('every node, on every cloud, gets the same file, readable by apt (0644)', () => {
  const [first] = documents;
  for (const [, , file] of documents) {
    expect(file.permissions).toBe('0644');
    expect(contentOf(file)).toBe(contentOf(first[2]));
  }
});

describeWithTool('apt-config', 'apt', 'the settings as apt reads them', () => {
  let dump: string[];
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'cast-apt-'));
    try {
      const path = join(dir, '52cast-unattended-upgrades');
      writeFileSync(path, contentOf(documents[0][2]));
      const run = runTool('apt-config', ['-c', path, 'dump']);
      expect(run.status).toBe(0);
      dump = run.output.split('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('daily lists and unattended-upgrades; no automatic reboot', () => {
    expect(dump).toContain('APT::Periodic::Update-Package-Lists "1";');
    expect(dump).toContain('APT::Periodic::Unattended-Upgrade "1";');
    expect(dump).toContain('Unattended-Upgrade::Automatic-Reboot "false";');
  });

  test('every held package is on the blacklist, anchored, and nothing else', () => {
    const blacklist = dump.filter((line) => line.startsWith('Unattended-Upgrade::Package-Blacklist:: ')).map((line) => /"(.*)";$/.exec(line)![1]);
    expect(blacklist).toEqual(HELD_PACKAGES.map((name) => `${name}$`));
  });
});
