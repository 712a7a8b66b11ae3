import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// The package root of a provider loads every resource class it has (seconds and a
// gigabyte for the four big ones); `npm run lint` must refuse it and accept submodules.
// ESLint runs as its own process: its config is an ES module, which jest's VM cannot load.
describe('lint: provider classes only from submodules', () => {
  const root = path.resolve(__dirname, '../..');
  const source = [
    "import { A } from '@cdktf/provider-aws';",
    "import { B } from '@cdktf/provider-google';",
    "import { C } from '@cdktf/provider-azurerm';",
    "import { D } from '@cdktf/provider-digitalocean';",
    "import { E } from '@cdktf/provider-random';",
    "import { Vpc } from '@cdktf/provider-aws/lib/vpc';",
    "import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';",
    'export { A, B, C, D, E, Vpc, Droplet };',
    '',
  ].join('\n');

  test('root imports fail, submodule imports pass', () => {
    let output = '';
    try {
      output = execFileSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', 'lib/probe.ts', '--format', 'json'], {
        cwd: root,
        input: source,
        encoding: 'utf8',
      });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const [result] = JSON.parse(output) as { messages: { ruleId: string; line: number }[] }[];
    expect(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.line)).toEqual([1, 2, 3, 4, 5]);
  });
});
