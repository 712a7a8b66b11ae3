/**
 * Which Kubernetes version may follow which: kubeadm's upgrade path. "Upgrading kubeadm
 * clusters" (kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade) covers
 * 1.y.x to 1.(y+1).x and 1.y.x to 1.y.z with z > x, and says "Skipping MINOR versions when
 * upgrading is unsupported"; no page describes going down. So: patch upgrades, or the next
 * minor, never lower. Pure; no cdktf import.
 *
 * The rolling upgrade's script (templates/upgrade/cast-upgrade.sh, `skew_problem`) applies
 * the same rules with the same words to the version the cluster runs; a test runs both over
 * one table.
 */

const RELEASE = /^v?(\d+)\.(\d+)\.(\d+)$/;

/**
 * Why the cluster cannot go from `from` (the version it runs, as kubeadm's
 * ClusterConfiguration or a kubelet reports it, with or without `v`) to `to` (the
 * kubernetesVersion asked for) in one upgrade, or undefined when it can (equal versions
 * included). Each message reads `<prop> must <rule> (got <value>)...<fix>`.
 */
export function upgradeSkewProblem(from: string, to: string): string | undefined {
  const f = RELEASE.exec(from);
  if (!f) return `the running version "${from}" is not a Kubernetes release x.y.z. Check the kubeadm-config ConfigMap in kube-system.`;
  const [fromMajor, fromMinor, fromPatch] = f.slice(1).map(Number);
  const bare = from.replace(/^v/, '');
  const t = RELEASE.exec(to);
  if (!t) return `kubernetesVersion must be a Kubernetes release x.y.z (got "${to}"). Use e.g. "${bare}".`;
  const [toMajor, toMinor, toPatch] = t.slice(1).map(Number);
  const bareTo = to.replace(/^v/, '');
  const next = `${fromMajor}.${fromMinor + 1}`;
  if (toMajor !== fromMajor) {
    return `kubernetesVersion must keep the major version of the running ${bare} (got ${bareTo}). Set kubernetesVersion to a ${fromMajor}.${fromMinor}.x or ${next}.x release.`;
  }
  if (toMinor < fromMinor || (toMinor === fromMinor && toPatch < fromPatch)) {
    return `kubernetesVersion must not be lower than the running ${bare} (got ${bareTo}): kubeadm upgrades only go up. Set kubernetesVersion to ${bare} or a later release.`;
  }
  if (toMinor > fromMinor + 1) {
    return `kubernetesVersion must not skip a minor version (got ${bareTo}, running ${bare}): kubeadm upgrades one minor at a time. Set kubernetesVersion to a ${next}.x release, deploy and wait for phase Done, then go on.`;
  }
  return undefined;
}

/**
 * The same rule as a Terraform condition, for a `precondition` in the in-cluster stack: true
 * when the cluster may go from the version it runs to `target`. Synth cannot know the running
 * version (it is in the cluster); a plan can, with a data source such as kube-system's
 * kubeadm-config ConfigMap, whose ClusterConfiguration names it:
 *
 * ```
 * yamldecode(data.kubernetes_config_map_v1.kubeadm_config.data["ClusterConfiguration"]).kubernetesVersion
 * ```
 *
 * An empty running version passes (wrap the read in `try(..., "")`): a cluster whose
 * ClusterConfiguration cannot be read yet (a first deploy racing the first control plane) has
 * nothing to compare, and the upgrade in the cluster checks the same rule again before it
 * touches a node.
 *
 * @param running an HCL expression (without `${}`) for the running version, `v` or not
 * @param target a concrete release x.y.z (kubernetesVersion)
 * @returns an HCL expression (without `${}`); a running version that is no release is refused
 */
export function upgradeSkewCondition(running: string, target: string): string {
  const t = RELEASE.exec(target);
  if (!t) throw new Error(`kubernetesVersion must be a Kubernetes release x.y.z (got "${target}"). Use e.g. "1.35.0".`);
  const [major, minor, patch] = t.slice(1).map(Number);
  // `for r in [...]` names the running version once; && does not short-circuit in HCL, hence try().
  const sameMinor = `(can(regex("^${major}\\\\.${minor}\\\\.[0-9]+$", r)) && try(tonumber(split(".", r)[2]) <= ${patch}, false))`;
  const previousMinor = `can(regex("^${major}\\\\.${minor - 1}\\\\.[0-9]+$", r))`;
  return `alltrue([for r in [trimprefix(${running}, "v")] : r == "" || ${previousMinor} || ${sameMinor}])`;
}
