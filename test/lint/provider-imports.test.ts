import { ESLint } from 'eslint';
import * as path from 'node:path';

// The package root of a provider loads every resource class it has (seconds and a
// gigabyte for the four big ones); `npm run lint` must refuse it.
describe('lint: provider classes only from submodules', () => {
  const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });
  const lint = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.resolve(__dirname, '../../lib/probe.ts') });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.line);
  };

  test.each(['aws', 'google', 'azurerm', 'digitalocean', 'random', 'tls'])('@cdktf/provider-%s root import fails', async (provider) => {
    expect(await lint(`import { X } from '@cdktf/provider-${provider}';\nexport { X };\n`)).toEqual([1]);
  });

  test('submodule imports pass', async () => {
    expect(await lint(`import { Vpc } from '@cdktf/provider-aws/lib/vpc';\nimport { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';\nexport { Vpc, Droplet };\n`)).toEqual([]);
  });
});
