/**
 * docs/upgrades.md against the code: the status keys the upgrade writes, the resume command
 * its failures print, the schedule and the drain timeout the page states.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UPGRADE_SCHEDULE } from '../../lib/core/upgrade';
import { parsedManifests } from './fake-cluster';

const DOC = readFileSync(join(__dirname, '../../docs/upgrades.md'), 'utf8');
const SCRIPT = (parsedManifests('1.35.0')[1] as { data: Record<string, string> }).data['cast-upgrade.sh'];

test('every status key the upgrade writes has a row in the status table', () => {
  const keys = [...SCRIPT.matchAll(/^  json_field (\w+) /gm)].map((m) => m[1]);
  expect(keys.length).toBeGreaterThanOrEqual(8);
  for (const key of keys) expect(DOC).toMatch(new RegExp(`^\\| [^|]*\`${key}\``, 'm'));
});

test('the resume command on the page is the one a failure prints', () => {
  const printed = /Fix it, then resume: (kubectl [^"]*) --type merge -p '\{\\"data\\":\{\\"phase\\":\\"Retry\\"\}\}'/.exec(SCRIPT);
  expect(printed).not.toBeNull();
  const command = printed![1].replace(/\$NS/g, 'kube-system').replace(/\$STATUS_CONFIG_MAP/g, 'cast-upgrade-status');
  expect(DOC).toContain(`${command} --type merge -p '{"data":{"phase":"Retry"}}'`);
});

test('the schedule and the drain timeout are the ones the page states', () => {
  expect(UPGRADE_SCHEDULE).toBe('*/5 * * * *');
  expect(DOC).toContain('every 5 minutes');
  expect(SCRIPT).toContain('DRAIN_TIMEOUT="${CAST_UPGRADE_DRAIN_TIMEOUT:-900}"');
  expect(DOC).toContain('up to 15 minutes');
});
