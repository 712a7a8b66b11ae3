/** Tests run through TypeScript's transpiler (no type-checking); `npm run typecheck` type-checks them separately. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/transpile.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  // Four workers on two cores: much of the suite waits (etcd elections, namespace labs,
  // sandboxed bootstraps, terraform and the stand-ins answering each other), so fewer leave a
  // core idle at times; jest's default is one worker less than the cores. Measured on this
  // suite's two-core machine (about 330 CPU-s in all): 191 s with two workers, 184 s with
  // three, 170 s with four.
  maxWorkers: 4,
};
