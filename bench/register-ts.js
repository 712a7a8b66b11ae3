/**
 * `node -r ./bench/register-ts.js file.ts`: loads TypeScript through
 * `ts.transpileModule`, without source maps. Benchmarks run this way because
 * source-mapped stack traces (what tsx turns on) make every cdktf token, which
 * captures its creation stack, several times slower than in a compiled library.
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, fileName) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, fileName);
};
