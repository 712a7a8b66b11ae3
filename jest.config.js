/** Tests run through TypeScript's transpiler (no type-checking); `npm run typecheck` type-checks them separately. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/transpile.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  // Three workers on two cores: much of the suite waits (etcd elections, namespace labs,
  // terraform and the stand-ins answering each other), so two leave a core idle at times;
  // jest's default is one worker less than the cores. Measured on this suite's two-core
  // machine: 191 s with two workers, 168 s with three.
  maxWorkers: 3,
};
