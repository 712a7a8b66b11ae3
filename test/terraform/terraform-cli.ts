/**
 * Runs the terraform binary the way a user's `cdktf deploy` does, against stand-in
 * providers. Terraform must run asynchronously: the stand-ins answer from this same
 * process, so a synchronous child process would leave them unable to reply.
 */
import { execFile, execFileSync } from 'child_process';
import * as path from 'path';

export interface TerraformRun {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where terraform is, or why the Terraform tests cannot run here. */
export function findTerraform(env: NodeJS.ProcessEnv = quietEnvironment({})): { readonly binary?: string; readonly missing?: string } {
  try {
    const version = execFileSync('terraform', ['version', '-json'], { encoding: 'utf8', env });
    return { binary: 'terraform', missing: JSON.parse(version).terraform_version ? undefined : 'terraform printed no version' };
  } catch {
    return { missing: 'no terraform binary on PATH (install Terraform >= 1.6; `cdktf deploy` needs it too)' };
  }
}

/**
 * `describe` for tests that need terraform: outside CI a missing binary skips them with
 * the reason printed; in CI (CI=true) it is a failing test that says what is missing.
 */
export function describeWithTerraform(name: string, body: () => void): void {
  const { missing } = findTerraform();
  const gate = terraformGate(missing, process.env.CI);
  if (gate === 'run') {
    describe(name, body);
  } else if (gate === 'fail') {
    describe(name, () => test('terraform is installed', () => { throw new Error(`${missing}. CI needs it: .ci/run must install it.`); }));
  } else {
    console.warn(`skipping "${name}": ${missing}`);
    describe.skip(name, body);
  }
}

/** What the Terraform tests do: run, fail (CI without terraform) or skip (elsewhere without it). */
export function terraformGate(missing: string | undefined, ci: string | undefined): 'run' | 'fail' | 'skip' {
  if (!missing) return 'run';
  return ci === 'true' ? 'fail' : 'skip';
}

/** An empty CLI configuration (a file of the repository: a temporary one per worker outlived the workers). */
const CLI_CONFIG = path.join(__dirname, 'empty.tfrc');

/**
 * The environment for terraform: no CLI configuration of the machine's user (the
 * harness must not depend on ~/.terraformrc), no checkpoint calls, no colour, and the
 * reattach value that names the stand-ins.
 */
export function quietEnvironment(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: CLI_CONFIG,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    // Terraform allocates about 2 GB to plan the multi-cloud example and collects it with Go's
    // default GOGC=100 (GC after the heap doubles). 400 trades about 200 MB more peak memory
    // per run for a third less CPU per plan and apply (measured with /usr/bin/time on this
    // suite's machine: plan 2.9 to 2.0 CPU-s, apply 5.9 to 3.9), which is most of the suite's
    // Terraform time. Go runtime docs, "A Guide to the Go Garbage Collector" (GOGC).
    GOGC: '400',
    ...extra,
  };
}

/**
 * The environment to converge the examples in: the stand-ins, and a value for each
 * variable an example declares without a default (examples/app's middleware reads its
 * OIDC client secret from `oidc_client_secret`, as a user's deploy does from TF_VAR_).
 */
export function examplesEnvironment(reattach: string): NodeJS.ProcessEnv {
  return quietEnvironment({ TF_REATTACH_PROVIDERS: reattach, TF_VAR_oidc_client_secret: 'not-a-real-secret' });
}

/** Runs `terraform <args>` in `dir`; never throws for a non-zero exit. */
export function terraform(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<TerraformRun> {
  return new Promise((resolve) => {
    // Options follow the (sub)command: `providers schema -json`, `state list`, `plan -out=…`.
    const words = ['providers', 'state'].includes(args[0]) ? 2 : 1;
    execFile('terraform', [...args.slice(0, words), '-no-color', ...args.slice(words)], { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ args, code, stdout, stderr });
    });
  });
}

/** The run's output for a failure message. */
export function describeRun(run: TerraformRun): string {
  return `terraform ${run.args.join(' ')} exited ${run.code}\n${run.stderr}${run.stdout}`.trim();
}
