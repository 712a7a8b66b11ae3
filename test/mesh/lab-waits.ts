/**
 * How the namespace labs wait, in one place. A lab waits for the event it
 * needs (a socket that answers, a handshake, a ping that comes back) and polls
 * for it without a fixed number of tries; the only deadline is a limit that a
 * passing run never reaches, so it costs nothing when things work and ends a
 * broken run with a message instead of a hang.
 *
 * The limits are minutes, not seconds: `claim-namespaces.test.ts` once failed
 * with a 30 s limit (wireguard-go did not answer) at load average 11 on 2
 * cores. They grow with the machine's load when the module is loaded, and
 * every jest timeout of the labs is computed from them, so a lab's own message
 * always comes before jest's "Exceeded timeout".
 */
import { availableParallelism, loadavg } from 'node:os';

/**
 * Factor applied to every limit below: `CAST_LAB_TIME_SCALE` when set, else the
 * 1-minute load average per CPU, between 1 and 3. Capped because a limit is
 * what a broken run waits: at load 11 on 2 cores a dead path already takes
 * 6 minutes to report.
 */
export const LAB_TIME_SCALE = Number(process.env.CAST_LAB_TIME_SCALE) || Math.min(3, Math.max(1, loadavg()[0] / availableParallelism()));

/** `ms` times LAB_TIME_SCALE. */
export function scaled(ms: number): number {
  return Math.round(ms * LAB_TIME_SCALE);
}

/** A daemon the lab starts answering: wireguard-go's UAPI socket, its UDP listener. Normally 10–50 ms. */
export const READY_LIMIT_MS = scaled(60_000);

/**
 * A path that must work (a ping over the mesh, every handshake, an agent's
 * sync). Nodes that start together often send crossing handshake initiations
 * (persistent keepalive sends one as soon as the interface is up); WireGuard
 * then retries after REKEY_TIMEOUT, 5 s plus up to 334 ms of jitter
 * (wireguard-go device/constants.go), so an idle machine needs up to about
 * 12 s. Retries go on while pings keep sending: REKEY_ATTEMPT_TIME (90 s) only
 * ends a round that no new packet restarts.
 */
export const PATH_LIMIT_MS = scaled(120_000);

/** Building or removing a lab (a few hundred `ip` calls, no waits): about 0.5–2 s on an idle machine. */
export const BUILD_LIMIT_MS = scaled(120_000);

/** What a test needs beyond its waits (its own commands and checks). */
const TEST_MARGIN_MS = scaled(60_000);

/** The jest timeout of a test whose waits, in sequence, are bounded by `limits`. */
export function jestTimeout(...limits: number[]): number {
  return limits.reduce((sum, limit) => sum + limit, TEST_MARGIN_MS);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How `waitFor` polls and when it gives up. */
export interface WaitOptions {
  /** Gives up with an error after this long. */
  readonly limitMs: number;
  /**
   * Ends the wait at once with an error when it returns a reason (the daemon
   * being waited for has exited, say): a failure fails fast, only slowness
   * waits for the limit.
   */
  readonly gaveUp?: () => string | undefined;
  /**
   * Pause between polls for the first `steadyMs`; after that it grows by half per poll up to
   * 250 ms, so a long wait polls rarely and a normal one is seen as soon as before. @default 10
   */
  readonly pollMs?: number;
  /** How long to poll at `pollMs` before slowing down. @default 2000 (what the lab's fixed 200 × 10 ms loops covered) */
  readonly steadyMs?: number;
}

/** Polls `check` until it returns true; throws `<what>: …` when `gaveUp` names a reason or the limit passes. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, options: WaitOptions): Promise<void> {
  const started = performance.now();
  let pause = options.pollMs ?? 10;
  for (;;) {
    if (await check()) return;
    const reason = options.gaveUp?.();
    if (reason !== undefined) throw new Error(`${what}: ${reason}`);
    const waited = performance.now() - started;
    if (waited >= options.limitMs) throw new Error(`${what}: not after ${Math.round(waited / 1000)} s (limit ${Math.round(options.limitMs / 1000)} s, LAB_TIME_SCALE ${LAB_TIME_SCALE.toFixed(1)})`);
    await sleep(Math.min(pause, options.limitMs - waited));
    if (waited >= (options.steadyMs ?? 2000)) pause = Math.min(pause * 1.5, 250);
  }
}
