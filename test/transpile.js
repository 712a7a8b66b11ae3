/**
 * Jest transformer: TypeScript to CommonJS with `ts.transpileModule`, file by
 * file and without type-checking (type-checking over the provider typings is
 * slow; `npm run typecheck` does it as its own step). TypeScript's own
 * transpiler rather than swc or esbuild because it needs no platform binary.
 */
const crypto = require('node:crypto');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  experimentalDecorators: true,
  sourceMap: true,
  inlineSources: true,
};

module.exports = {
  process(source, fileName) {
    const { outputText, sourceMapText } = ts.transpileModule(source, { fileName, compilerOptions });
    return { code: outputText, map: sourceMapText };
  },
  getCacheKey(source, fileName) {
    return crypto.createHash('sha256').update(ts.version).update('\0').update(fileName).update('\0').update(source).digest('hex');
  },
};
