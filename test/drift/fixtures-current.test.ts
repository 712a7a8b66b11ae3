/** The committed fixtures are what scripts/make-drift-fixtures.ts writes (so they cannot drift from their generator). */
import * as fs from 'node:fs';
import { driftFixtures } from '../../scripts/make-drift-fixtures';
import { fixture } from './helpers';

test.each(Object.entries(driftFixtures()))('%s is current (npx tsx scripts/make-drift-fixtures.ts)', (file, content) => {
  expect(fs.readFileSync(fixture(file), 'utf8')).toBe(content);
});
