/**
 * Jest transformer: TypeScript to CommonJS with esbuild, file by file and without
 * type-checking (type-checking over the provider typings is slow; `npm run typecheck`
 * does it as its own step).
 *
 * esbuild, not TypeScript's own transpileModule: on a fresh checkout (CI, where jest's
 * cache is empty) every test worker transpiles what it loads, and transpileModule took
 * 7.3 CPU-s for the repository's 618 TypeScript files against esbuild's 1.3 (measured
 * here); a clean clone's first `npm test` ran 199.6 s against 175.4 s warm. esbuild's
 * platform binary comes from npm (its optional dependency for this platform), as tsx,
 * which the repository already runs, needs it too.
 */
const crypto = require('node:crypto');
const esbuild = require('esbuild');

/**
 * What TypeScript's CommonJS output did, which the tests rely on: ES2022 class fields (its default
 * for that target), and `await import(...)` as a require (jest's module system runs CommonJS; a
 * real dynamic import needs --experimental-vm-modules).
 */
const options = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  supported: { 'dynamic-import': false },
  sourcemap: 'external',
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, experimentalDecorators: true } },
};

module.exports = {
  process(source, fileName) {
    const { code, map } = esbuild.transformSync(source, { ...options, sourcefile: fileName });
    return { code, map };
  },
  getCacheKey(source, fileName) {
    return crypto.createHash('sha256').update(`esbuild ${esbuild.version} ${JSON.stringify(options)}`).update('\0').update(fileName).update('\0').update(source).digest('hex');
  },
};
