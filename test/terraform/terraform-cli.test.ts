import { findTerraform, quietEnvironment, terraformGate } from './terraform-cli';

describe('finding terraform', () => {
  test('with no terraform on PATH, the reason says what to install', () => {
    const { binary, missing } = findTerraform(quietEnvironment({ PATH: '/nonexistent' }));
    expect(binary).toBeUndefined();
    expect(missing).toMatch(/no terraform binary on PATH \(install Terraform/);
  });

  test('in CI a missing terraform fails the Terraform tests; elsewhere it skips them; present, they run', () => {
    expect(terraformGate('no terraform binary on PATH', 'true')).toBe('fail');
    expect(terraformGate('no terraform binary on PATH', undefined)).toBe('skip');
    expect(terraformGate(undefined, 'true')).toBe('run');
    expect(terraformGate(undefined, undefined)).toBe('run');
  });
});
