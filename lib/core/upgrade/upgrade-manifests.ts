/**
 * The in-cluster side of rolling Kubernetes upgrades (docs/upgrades.md), as manifests for
 * the in-cluster stack: the target ConfigMap, the ConfigMap with the two scripts, and the
 * CronJob that runs one reconcile step every few minutes on a control-plane host. A
 * kubernetesVersion change changes the target ConfigMap only; the running nodes are then
 * upgraded one at a time by templates/upgrade/cast-upgrade.sh. No ServiceAccount or RBAC:
 * the scripts run on the host with its kubectl and /etc/kubernetes/admin.conf.
 *
 * Each manifest is one YAML document, a Terraform template string (template text escaped,
 * `${` as `$${`), like every other in-cluster manifest. Pure; no cdktf import.
 */
import { escapeTerraformTemplate, renderTemplateFile } from '../bootstrap/render-template';
import { kubernetesVersionProblem } from '../kubernetes-version';
import { PlanError } from '../plan-error';
import { renderKubernetesToolPins, renderTrustKubernetesKey } from '../supply';

/** The in-cluster release (Helm, cast-manifests chart) that installs these manifests. */
export const UPGRADE_RELEASE = 'cast-upgrade';

/** The ConfigMap (kube-system) holding the target version, key `version`. */
export const UPGRADE_TARGET_CONFIG_MAP = 'cast-upgrade';
/**
 * The ConfigMap (kube-system) the upgrade writes its status to: phase (Idle, Upgrading,
 * Failed, Retry, Done), target, current, node, step, message, time. Made by the upgrade, not by
 * the manifests, so a deploy never resets it.
 */
export const UPGRADE_STATUS_CONFIG_MAP = 'cast-upgrade-status';
/** The CronJob (kube-system) that runs the reconcile steps. */
export const UPGRADE_CRON_JOB = 'cast-upgrade';

/**
 * busybox 1.37.0 (glibc), by the digest of its multi-platform index, as docker-library/repo-info
 * lists it (repos/busybox/remote/1.37.0.md). The image only needs `sh`, `cat` and `nsenter`:
 * docker-library/busybox builds it from `make defconfig`, which enables the nsenter applet.
 */
export const UPGRADE_IMAGE = 'busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0';

/** How often a reconcile step starts: every 5 minutes. */
export const UPGRADE_SCHEDULE = '*/5 * * * *';

/**
 * How long one step may run: its drain (900 s), node Job (1,800 s) and readiness (600 s)
 * timeouts, plus room. A step cut off is continued by the next one.
 */
export const UPGRADE_STEP_DEADLINE_SECONDS = 3600;

/** A DaemonSet whose lock annotation reboots and upgrades share (kured's). */
export interface RebootLockDaemonSet {
  readonly namespace: string;
  readonly name: string;
}

/** kured's DaemonSet as the OS patching installs it. */
export const DEFAULT_REBOOT_LOCK: RebootLockDaemonSet = { namespace: 'kube-system', name: 'kured' };

/** What the manifests are rendered from. */
export interface UpgradeManifestsInput {
  /** The version the cluster is to run (CastCluster kubernetesVersion), e.g. `1.35.0`. */
  readonly kubernetesVersion: string;
  /**
   * kured's DaemonSet: the upgrade takes the lock kured keeps in its annotation
   * `weave.works/kured-node-lock` for each node, so no reboot happens while a node is
   * upgraded. When the DaemonSet does not exist the upgrade runs without a lock.
   * @default DEFAULT_REBOOT_LOCK (kube-system/kured)
   */
  readonly rebootLock?: RebootLockDaemonSet;
}

/** Renders the manifests, one YAML document each; throws a PlanError for a bad version. */
export function renderUpgradeManifests(input: UpgradeManifestsInput): string[] {
  const problem = kubernetesVersionProblem(input.kubernetesVersion);
  if (problem !== undefined) throw new PlanError([problem]);
  const lock = input.rebootLock ?? DEFAULT_REBOOT_LOCK;
  const clusterScript = renderTemplateFile('upgrade/cast-upgrade.sh', {
    image: UPGRADE_IMAGE,
    reboot_lock_namespace: lock.namespace,
    reboot_lock_daemon_set: lock.name,
  });
  // The node's packages come from the same pinned, verified supply as a new node's.
  const nodeScript = renderTemplateFile('upgrade/cast-upgrade-node.sh', {
    trust_kubernetes_key: renderTrustKubernetesKey(),
    kubernetes_tool_pins: renderKubernetesToolPins(),
  });
  return [
    renderTemplateFile('upgrade/cast-upgrade-target.yaml', { version: literal(input.kubernetesVersion) }),
    // The scripts are already escaped for Terraform (renderTemplateFile); JSON quoting keeps that.
    renderTemplateFile('upgrade/cast-upgrade-scripts.yaml', { cluster_script: JSON.stringify(clusterScript), node_script: JSON.stringify(nodeScript) }),
    renderTemplateFile('upgrade/cast-upgrade-cronjob.yaml', {
      schedule: literal(UPGRADE_SCHEDULE),
      deadline_seconds: String(UPGRADE_STEP_DEADLINE_SECONDS),
      image: literal(UPGRADE_IMAGE),
    }),
  ].map((document) => document.replace(/^(#[^\n]*\n)+/, ''));
}

/** A literal value for a placeholder: JSON, escaped so Terraform does not interpolate it. */
function literal(value: string): string {
  return escapeTerraformTemplate(JSON.stringify(value));
}
