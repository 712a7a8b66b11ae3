/** Runs the node agent (templates/mesh/agent/cast-mesh-agent) from the repository, as python3 on a node would. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { templatesDirectory } from '../../lib/core/bootstrap/template-files';

export const AGENT = join(templatesDirectory(), 'mesh/agent/cast-mesh-agent');
export const MESH_UP = join(templatesDirectory(), 'mesh/mesh-up.sh');

export interface AgentRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `python3 cast-mesh-agent <args>`, synchronously; `env` is added to this process's environment. */
export function runAgent(args: readonly string[], options: { input?: string; env?: Readonly<Record<string, string>> } = {}): AgentRun {
  const result = spawnSync('python3', [AGENT, ...args], {
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
