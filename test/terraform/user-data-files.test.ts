/**
 * The nodes' user-data reads its long static lines from files beside the stack
 * (lib/core/bootstrap/user-data-lines.ts), and the node receives the same text:
 * - Terraform itself renders a template with `${file()}` lines to the text of the
 *   template they came from: the file's content is not read as a template (Terraform
 *   language, "file Function"), whatever `${`, `%{`, quotes or backslashes it holds;
 * - a full synth of the multi-cloud example (as `cdktf synth` writes it) puts back, line
 *   for line, the user-data a synth without a folder keeps inline, for every node.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { externalizeStaticLines, inlineStaticLines } from '../../lib/core/bootstrap/user-data-lines';
import { buildApp } from '../../examples/multi-cloud/app';
import { userDataFiles } from '../support/stack-user-data';
import { describeRun, describeWithTerraform, quietEnvironment, terraform } from './terraform-cli';

const USER_DATA = /-user-data_[0-9A-F]{8}$/;

describeWithTerraform('user-data lines read from files', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-user-data-files-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('Terraform renders the template with file() lines to the text the inline template renders to', async () => {
    const tricky = [
      `    content: '${'#!/usr/bin/env bash\\n'.repeat(120)}echo "$$\{HOME}" %%{x} \\\\ \\"quoted\\" é'`,
      `    content: "${'H4sIAAAAAAAC/+y9e3fbNtI4vH'.repeat(100)}"`,
    ];
    const template = `#cloud-config\nwrite_files:\n${tricky[0]}\n  - path: /etc/x\n${tricky[1]}\n${tricky[0]}\nruncmd: []\n`;
    const { template: moved, files } = externalizeStaticLines(template);
    expect(files).toHaveLength(2);
    for (const file of files) {
      fs.mkdirSync(path.join(scratch, path.dirname(file.path)), { recursive: true });
      fs.writeFileSync(path.join(scratch, file.path), file.content);
    }
    // No provider: locals and outputs only, applied with the local backend.
    fs.writeFileSync(path.join(scratch, 'main.tf.json'), JSON.stringify({
      locals: { moved, inline: template },
      output: { moved: { value: '${local.moved}' }, same: { value: '${local.moved == local.inline}' } },
    }));
    const env = quietEnvironment({});
    for (const args of [['init', '-input=false'], ['apply', '-input=false', '-auto-approve']]) {
      const run = await terraform(scratch, args, env);
      if (run.code !== 0) throw new Error(describeRun(run));
    }
    const output = await terraform(scratch, ['output', '-json'], env);
    const values = JSON.parse(output.stdout);
    expect(values.same.value).toBe(true);
    expect(values.moved.value).toBe(unescapeTerraformTemplate(template));
  }, 60_000);

  test('a full synth of the multi-cloud example reads every node\'s long lines from files and puts back its whole user-data', () => {
    const app = new App({ outdir: path.join(scratch, 'out') });
    buildApp(app);
    app.synth();
    const dir = path.join(scratch, 'out', 'stacks', 'multi-cloud');
    const full = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    const files = userDataFiles(dir);

    const inlineApp = Testing.app();
    buildApp(inlineApp);
    const stack = inlineApp.node.children.find((c): c is TerraformStack => TerraformStack.isStack(c))!;
    const inline = JSON.parse(Testing.synth(stack)).locals as Record<string, string>;

    const ids = Object.keys(inline).filter((id) => USER_DATA.test(id));
    expect(ids.length).toBe(10);
    for (const id of ids) {
      expect({ id, reads: /\$\{file\("user-data\/[0-9a-f]{64}"\)\}/.test(full.locals[id]) }).toEqual({ id, reads: true });
      expect({ id, same: inlineStaticLines(full.locals[id], files) === inline[id] }).toEqual({ id, same: true });
    }
    // Every file is read by some node; the configuration is less than half its inline size.
    const read = new Set(ids.flatMap((id) => [...full.locals[id].matchAll(/\$\{file\("([^"]+)"\)\}/g)].map((m: RegExpMatchArray) => m[1])));
    expect([...files.keys()].sort()).toEqual([...read].sort());
    const inlineSize = ids.reduce((sum, id) => sum + inline[id].length, 0);
    const movedSize = ids.reduce((sum, id) => sum + full.locals[id].length, 0);
    console.log(`user-data in the configuration: ${inlineSize} characters inline, ${movedSize} with the long lines in ${files.size} files`);
    expect(movedSize).toBeLessThan(inlineSize / 2);
  });
});
