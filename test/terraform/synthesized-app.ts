/**
 * An app synthesized into a working folder of its own, ready for terraform: every
 * stack's local state goes into that folder (cdktf writes the path of the folder it
 * ran in, which would mix runs), and cross-stack `terraform_remote_state` reads follow.
 * Stacks come in deployment order (the cdktf manifest's dependencies).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';

export interface SynthesizedStack {
  readonly name: string;
  /** The stack's working folder (its cdk.tf.json). */
  readonly dir: string;
}

export interface SynthesizedApp {
  readonly root: string;
  /** In deployment order: a stack after the stacks it reads. */
  readonly stacks: readonly SynthesizedStack[];
}

export type BuildApp = (app: App) => void;

/** Synthesizes `build` into `root` (a new temporary folder when not given). */
export function synthesizeApp(build: BuildApp, root = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-tf-'))): SynthesizedApp {
  const outdir = path.join(root, 'cdktf.out');
  const app = new App({ outdir, skipValidation: false });
  build(app);
  app.synth();
  return prepareSynthesized(outdir, root);
}

/**
 * An app `cdktf synth` (or `cdktn synth`) already wrote to `outdir`, made ready for terraform
 * in place: each stack's state goes to `root`, and the remote-state reads follow it.
 */
export function prepareSynthesized(outdir: string, root: string): SynthesizedApp {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { workingDirectory: string; dependencies: string[] }>;
  };
  const stateOf = (stack: string) => path.join(root, `terraform.${stack}.tfstate`);
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    const file = path.join(outdir, stack.workingDirectory, 'cdk.tf.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    config.terraform.backend = { local: { path: stateOf(name) } };
    for (const read of Object.values<any>(config.data?.terraform_remote_state ?? {})) {
      const from = /terraform\.(.+)\.tfstate$/.exec(read.config?.path ?? '');
      if (read.backend === 'local' && from) read.config.path = stateOf(from[1]);
    }
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
  }
  return { root, stacks: deploymentOrder(manifest.stacks).map((name) => ({ name, dir: path.join(outdir, manifest.stacks[name].workingDirectory) })) };
}

function deploymentOrder(stacks: Record<string, { dependencies: string[] }>): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const dependency of stacks[name].dependencies) visit(dependency);
    order.push(name);
  };
  for (const name of Object.keys(stacks).sort()) visit(name);
  return order;
}
