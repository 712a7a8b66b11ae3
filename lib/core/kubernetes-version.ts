/**
 * The Kubernetes version nodes run. Pinned, so a synth today and a synth next
 * month install the same packages; the minor must be one pkgs.k8s.io serves and
 * this library's bootstrap was written for.
 */

/** The version nodes get when none is given. */
export const DEFAULT_KUBERNETES_VERSION = '1.34.2';
/** Oldest and newest minor versions the bootstrap supports. */
export const SUPPORTED_MINORS = { oldest: 31, newest: 35 } as const;

const VERSION_PATTERN = /^1\.(\d+)\.(\d+)$/;

/** Why `version` cannot be used, or undefined when it can. */
export function kubernetesVersionProblem(version: string): string | undefined {
  const match = VERSION_PATTERN.exec(version);
  const minor = match ? Number(match[1]) : NaN;
  if (!match || minor < SUPPORTED_MINORS.oldest || minor > SUPPORTED_MINORS.newest) {
    return `kubernetesVersion must be an exact release 1.${SUPPORTED_MINORS.oldest}.x to 1.${SUPPORTED_MINORS.newest}.x, without a "v" (got "${version}"). Use e.g. "${DEFAULT_KUBERNETES_VERSION}".`;
  }
  return undefined;
}

/** The minor series of a valid version, e.g. `1.34` for `1.34.2` (pkgs.k8s.io has one repository per minor). */
export function kubernetesMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}
