/** Tests run through TypeScript's transpiler (no type-checking); `npm run typecheck` type-checks them separately. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/transpile.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  // Two workers on two cores: much of the suite waits on child processes (terraform,
  // wireguard-go, shells in the sandboxes), so one worker leaves a core idle; jest's
  // default is one worker less than the cores.
  maxWorkers: 2,
};
