/**
 * A long-running process inside a network namespace a test made (a stand-in service, the
 * listeners of a pod), started and waited for: it is ready when it prints its first line.
 */
import { ChildProcess, spawn } from 'node:child_process';

/**
 * Starts `argv` in namespace `ns` and resolves with the process once it has printed to
 * stdout; rejects with its stderr when it exits first or prints nothing within `limitMs`.
 * The caller kills it (SIGKILL) when done.
 */
export async function startInNamespace(ns: string, argv: readonly string[], what: string, limitMs = 60_000): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), limitMs);
    child.stdout!.once('data', () => (clearTimeout(timer), resolve(true)));
    child.once('exit', () => (clearTimeout(timer), resolve(false)));
  });
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`${what} did not start: ${stderr}`);
  }
  return child;
}
