import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCi, requirementGate } from '../support/requirements';
import { findTerraform, quietEnvironment, terraformMissing } from './terraform-cli';

describe('finding terraform', () => {
  test('with no terraform on PATH, the reason says what to install', () => {
    const { binary, missing } = findTerraform(quietEnvironment({ PATH: '/nonexistent' }));
    expect(binary).toBeUndefined();
    expect(missing).toMatch(/no terraform binary on PATH \(install Terraform/);
  });

  test('in CI a missing terraform fails the Terraform tests; elsewhere it skips them; present, they run', () => {
    const missing = terraformMissing(undefined, quietEnvironment({ PATH: '/nonexistent' }));
    expect(missing).toEqual([expect.stringMatching(/^no terraform binary on PATH \(install Terraform/)]);
    expect(requirementGate(missing, isCi('true'))).toBe('fail');
    expect(requirementGate(missing, isCi(undefined))).toBe('skip');
    expect(requirementGate([], isCi('true'))).toBe('run');
    expect(requirementGate([], isCi(undefined))).toBe('run');
  });

  test('a terraform older than a group needs is missing, with what for and what to install; a newer one is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cast-fake-terraform-'));
    try {
      const fake = (version: string) => {
        writeFileSync(join(dir, 'terraform'), `#!/bin/sh\necho '{"terraform_version":"${version}"}'\n`);
        chmodSync(join(dir, 'terraform'), 0o755);
        return quietEnvironment({ PATH: `${dir}:/usr/bin:/bin` });
      };
      const lockfile = { version: [1, 10], why: 'use_lockfile' } as const;
      expect(terraformMissing(lockfile, fake('1.9.8'))).toEqual(['Terraform 1.9.8 is too old: use_lockfile needs 1.10 or later (install Terraform >= 1.10)']);
      expect(terraformMissing(undefined, fake('1.9.8'))).toEqual([]);
      expect(terraformMissing(lockfile, fake('1.10.0'))).toEqual([]);
      expect(terraformMissing(lockfile, fake('2.0.0'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
