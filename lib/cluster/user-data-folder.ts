/**
 * Where a stack's user-data files go (lib/core/bootstrap/user-data-lines.ts): the
 * stack's working directory of the synthesis under way, beside its cdk.tf.json, where
 * `cdktf deploy` and the cdktf CLI run Terraform (and where a remote run gets the
 * folder uploaded with the configuration).
 *
 * The stack's synthesizer is wrapped to learn that directory before the stack is
 * turned into JSON. A synthesis without one (cdktf's `Testing.synth`, which writes no
 * files) keeps every line inline: the same user-data, in the configuration itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IStackSynthesizer, ISynthesisSession, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { externalizeStaticLines, inlineStaticLines } from '../core/bootstrap/user-data-lines';

const folders = new WeakMap<TerraformStack, string>();
/** The files written for each stack, by path: what `inlineUserDataFiles` puts back. */
const written = new WeakMap<TerraformStack, Map<string, string>>();
const wrapped = new WeakSet<TerraformStack>();

/** `template`, its long static lines in files of the stack's folder when a synthesis writes one. */
export function withUserDataFiles(scope: Construct, template: string): string {
  const stack = TerraformStack.of(scope);
  watchSynthesis(stack);
  const folder = folders.get(stack);
  if (folder === undefined) return template;
  const externalized = externalizeStaticLines(template);
  const files = written.get(stack) ?? new Map<string, string>();
  written.set(stack, files);
  for (const file of externalized.files) {
    files.set(file.path, file.content);
    const target = path.join(folder, file.path);
    // Named by the content's digest, and written whole or not at all (a rename): a file
    // already there, from this synthesis or an earlier one into the same folder, holds these bytes.
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    fs.writeFileSync(partial, file.content);
    fs.renameSync(partial, target);
  }
  return externalized.template;
}

/** A user-data template of `scope`'s stack with the lines `withUserDataFiles` moved into files put back: the text Terraform renders. */
export function inlineUserDataFiles(scope: Construct, template: string): string {
  const files = written.get(TerraformStack.of(scope));
  return files ? inlineStaticLines(template, files) : template;
}

/** Wraps the stack's synthesizer once, so that each synthesis records the stack's working directory first. */
function watchSynthesis(stack: TerraformStack): void {
  if (wrapped.has(stack)) return;
  wrapped.add(stack);
  const inner = stack.synthesizer;
  const synthesizer: IStackSynthesizer = {
    synthesize: (session: ISynthesisSession) => {
      folders.set(stack, path.join(session.outdir, session.manifest.forStack(stack).workingDirectory));
      try {
        inner.synthesize(session);
      } finally {
        folders.delete(stack);
      }
    },
  };
  stack.synthesizer = synthesizer;
}
