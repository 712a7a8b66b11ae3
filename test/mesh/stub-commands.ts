/**
 * A folder of stub commands for running node scripts and the agent without
 * touching the machine: each stub appends its command line to a log, then runs
 * its body (bash). Put `bin` first on PATH.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StubRun {
  readonly status: number;
  readonly output: string;
  /** The stubs' command lines, in order (`name arg1 arg2 …`). */
  readonly calls: string[];
}

export class StubCommands {
  readonly dir = mkdtempSync(join(tmpdir(), 'cast-stubs-'));
  readonly bin = join(this.dir, 'bin');
  private readonly log = join(this.dir, 'calls.log');

  /** `bodies`: bash per command name; `"$@"` is logged before the body runs. */
  constructor(bodies: Readonly<Record<string, string>>) {
    mkdirSync(this.bin);
    for (const [name, body] of Object.entries(bodies)) this.add(name, body);
  }

  add(name: string, body: string): this {
    const path = join(this.bin, name);
    writeFileSync(path, `#!/usr/bin/env bash\nprintf '%s\\n' "${name} $*" >>"$STUB_LOG"\n${body}\n`);
    chmodSync(path, 0o755);
    return this;
  }

  /** Runs `command` with the stubs first on PATH and `env` added; the log starts empty. */
  run(command: readonly string[], env: Readonly<Record<string, string>> = {}, input?: string): StubRun {
    writeFileSync(this.log, '');
    const result = spawnSync(command[0], command.slice(1), {
      encoding: 'utf8',
      input,
      env: { PATH: `${this.bin}:/usr/sbin:/usr/bin:/sbin:/bin`, STUB_LOG: this.log, STUB_DIR: this.dir, HOME: this.dir, ...env },
      timeout: 30_000,
    });
    return {
      status: result.status ?? -1,
      output: `${result.stdout}${result.stderr}`,
      calls: readFileSync(this.log, 'utf8').split('\n').filter((line) => line !== ''),
    };
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
