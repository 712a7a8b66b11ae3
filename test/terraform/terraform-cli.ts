/**
 * Runs the terraform binary the way a user's `cdktf deploy` does, against stand-in
 * providers. Terraform must run asynchronously: the stand-ins answer from this same
 * process, so a synchronous child process would leave them unable to reply.
 */
import { execFile, execFileSync } from 'child_process';
import * as path from 'path';
import { describeNeeding } from '../support/requirements';

export interface TerraformRun {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where terraform is and its version, or why the Terraform tests cannot run here. */
export function findTerraform(env: NodeJS.ProcessEnv = quietEnvironment({})): { readonly binary?: string; readonly version?: string; readonly missing?: string } {
  try {
    const version: unknown = JSON.parse(execFileSync('terraform', ['version', '-json'], { encoding: 'utf8', env })).terraform_version;
    return typeof version === 'string' && version !== '' ? { binary: 'terraform', version } : { binary: 'terraform', missing: 'terraform printed no version' };
  } catch {
    return { missing: 'no terraform binary on PATH (install Terraform >= 1.6; `cdktf deploy` needs it too)' };
  }
}

/** A Terraform version a group needs, and what for (say, `use_lockfile`). */
export interface TerraformMinimum {
  readonly version: readonly [major: number, minor: number];
  readonly why: string;
}

/**
 * Why tests that run terraform cannot run here, for describeNeeding (empty: they can): no
 * terraform, or one older than `minimum`.
 */
export function terraformMissing(minimum?: TerraformMinimum, env: NodeJS.ProcessEnv = quietEnvironment({})): string[] {
  const { version, missing } = findTerraform(env);
  if (missing) return [missing];
  if (!minimum) return [];
  const [major, minor] = version!.split('.').map(Number);
  const [needMajor, needMinor] = minimum.version;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return [];
  const needed = `${needMajor}.${needMinor}`;
  return [`Terraform ${version} is too old: ${minimum.why} needs ${needed} or later (install Terraform >= ${needed})`];
}

/**
 * `describe` for tests that need terraform: without it, skipped with the reason printed, or on
 * CI one failing test that says what is missing (test/support/requirements.ts).
 */
export function describeWithTerraform(name: string, body: () => void): void {
  describeNeeding(name, terraformMissing(), body);
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
