/**
 * The checks of the supply test, for any text a node or the cluster receives (user-data here;
 * the in-cluster manifests can use the same): every `apt-get install` names pinned packages or
 * allowlisted ones, every container image is by digest.
 */
import { UNPINNED_PACKAGES } from '../../lib/core/supply';

/**
 * Words of an `apt-get install` that are not packages pinned by name=version, and why they
 * may stand there. The packages installed unpinned on purpose are UNPINNED_PACKAGES (each with
 * its reason); beyond them:
 */
const ALLOWED_WORDS: Readonly<Record<string, string>> = {
  // install-kubernetes.sh's per-minor pins (cri-tools, kubernetes-cni) from KUBERNETES_TOOL_PINS:
  // a bash array, which test/supply/supply.test.ts expands in the node sandbox for every supported minor.
  '"${tool_pins[@]}"': 'KUBERNETES_TOOL_PINS, run for every supported minor',
};
export const UNPINNED = new Set(UNPINNED_PACKAGES.map((p) => p.package));

/** Every `apt-get ... install` (or the scripts' `apt_get install`) of a script, its words without options; continuation lines joined. */
export function aptInstalls(script: string): string[][] {
  const joined = script.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .filter((line) => /\bapt[-_]get\b.*\sinstall\s/.test(line) && !/^\s*#/.test(line))
    .map((line) => {
      const words = line.slice(line.search(/\sinstall\s/) + ' install '.length).trim().split(/\s+/);
      return words.filter((w) => !w.startsWith('-') && !/^[|&;]/.test(w)).map((w) => w.replace(/^'(.*)'$/, '$1'));
    });
}

/** Why `word` of an apt-get install is acceptable, or undefined. */
export function pinnedOrAllowed(word: string): string | undefined {
  const unquoted = word.replace(/^"(.*)"$/, '$1');
  if (/^[a-z0-9][a-z0-9.+-]*=\S+$/.test(unquoted)) return 'pinned';
  if (UNPINNED.has(unquoted)) return 'UNPINNED_PACKAGES';
  return ALLOWED_WORDS[word];
}

/** Image references in text: `image: x` in YAML, and any registry-hosted name with a tag or digest. */
export function imageReferences(text: string): string[] {
  const yamlImages = [...text.matchAll(/^\s*-?\s*image:\s*['"]?([^\s'"]+)/gm)].map((m) => m[1]);
  const registryNames = [...text.matchAll(/\b((?:registry\.k8s\.io|docker\.io|ghcr\.io|quay\.io|gcr\.io|mcr\.microsoft\.com|public\.ecr\.aws)\/[\w./-]+(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?)/g)].map((m) => m[1]);
  return [...new Set([...yamlImages, ...registryNames])];
}
export const byDigest = (image: string) => /@sha256:[0-9a-f]{64}$/.test(image);
