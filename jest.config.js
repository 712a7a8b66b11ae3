/** Tests run through esbuild (test/transpile.js; no type-checking); `npm run typecheck` type-checks them separately. */

// The labs start python3 hundreds of times (the node agent, the clouds' metadata services, the
// stand-in tools). On a machine with pyenv, `python3` on PATH is pyenv's shim, a bash script
// that runs a dozen more before Python starts: about 95 ms of CPU per start against 11 ms for
// the system's /usr/bin/python3 (measured here). The nodes run their distribution's python3,
// not a pyenv one; so do the tests. The workers inherit this environment.
process.env.PATH = (process.env.PATH ?? '').split(':').filter((dir) => !/\/\.pyenv\/(shims|bin)$/.test(dir) && !dir.includes('/.pyenv/plugins/')).join(':');
module.exports = {
  // Node's, plus the check that a test file leaves no temporary folder behind.
  testEnvironment: '<rootDir>/test/environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/transpile.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The examples import the package by its name, as an app that installed it does; in the
  // repository that name is the source in lib/ (tsconfig.dev.json and tsconfig.json map it too).
  moduleNameMapper: { '^cdktf-cast-cluster$': '<rootDir>/lib/index.ts', '^cdktf$': '<rootDir>/test/cdktf-module.js' },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  // Four workers on two cores: much of the suite waits (etcd elections, namespace labs,
  // sandboxed bootstraps, terraform and the stand-ins answering each other), so fewer leave a
  // core idle at times; jest's default is one worker less than the cores. Measured on this
  // suite's two-core machine (about 330 CPU-s in all): 191 s with two workers, 184 s with
  // three, 170 s with four.
  maxWorkers: 4,
  // A worker that has grown past this after a test file is replaced: four workers otherwise hold
  // 1.3 GB each by the end (cdktf synths, the 1,000,000-finding reports). Measured: about the same
  // wall time (188 s against 197 s, runs vary by 10 s), 8 s less system time.
  workerIdleMemoryLimit: '700MB',
};
