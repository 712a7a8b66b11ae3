/**
 * Every stack of every example (examples/<name>/app.ts, which exports buildApp) must
 * conform to the real provider schemas: the closest we get to `terraform validate`
 * without terraform. New examples are covered as soon as they appear.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

const examplesDir = path.join(__dirname, '..', '..', 'examples');
const examples = fs.existsSync(examplesDir)
  ? fs.readdirSync(examplesDir).filter((name) => fs.existsSync(path.join(examplesDir, name, 'app.ts'))).sort()
  : [];

describe('examples conform to the provider schemas', () => {
  test('the default example and one per cloud are all checked', () => {
    expect(examples).toEqual(expect.arrayContaining(['multi-cloud', 'aws', 'gcp', 'azure', 'digitalocean']));
  });

  for (const name of examples) {
    test(`examples/${name}`, () => {
      const { buildApp } = require(path.join(examplesDir, name, 'app.ts')) as { buildApp: (app: App) => void };
      const app = Testing.app();
      buildApp(app);
      const stacks = app.node.children.filter((child): child is TerraformStack => TerraformStack.isStack(child));
      expect(stacks.length).toBeGreaterThan(0);

      const schemas = loadVendoredSchemas();
      const report = stacks
        .map((stack) => [stack.node.id, formatProblems(checkStackConformance(JSON.parse(Testing.synth(stack)), schemas))])
        .filter(([, problems]) => problems !== '')
        .map(([id, problems]) => `stack ${id}:\n${problems}`)
        .join('\n\n');
      expect(report).toBe('');
    });
  }
});
