/**
 * kubeadm certificate renewal on the control planes, as manifests for the in-cluster stack:
 * the ConfigMap with the host script (templates/certificates/cast-cert-renewal.sh) and the
 * DaemonSet that runs it on every control plane every few hours. kubeadm's client and serving
 * certificates expire after a year and nothing renews them but `kubeadm certs renew` or an
 * upgrade ("Certificate Management with kubeadm", kubernetes.io); this renews them once fewer
 * than `renewBeforeDays` are left, one control plane at a time (a Lease), and restarts the
 * control-plane static Pods the way that page says. Status: the ConfigMap
 * kube-system/cast-cert-renewal-status (CERT_RENEWAL_STATUS_CONFIG_MAP), one key per control
 * plane, and the pods' logs.
 *
 * Each manifest is one YAML document, a Terraform template string (template text escaped,
 * `${` as `$${`), like every other in-cluster manifest. Pure; no cdktf import.
 */
import { escapeTerraformTemplate, renderTemplateFile } from '../bootstrap/render-template';
import { PlanError } from '../plan-error';
import { UPGRADE_IMAGE } from '../upgrade/upgrade-manifests';

/** The in-cluster release (Helm, cast-manifests chart) that installs these manifests. */
export const CERT_RENEWAL_RELEASE = 'cast-cert-renewal';
/** The DaemonSet (kube-system). */
export const CERT_RENEWAL_DAEMON_SET = 'cast-cert-renewal';
/** The Lease (kube-system) one renewing control plane holds. */
export const CERT_RENEWAL_LOCK = 'cast-cert-renewal';
/**
 * The ConfigMap (kube-system) the renewal writes its status to, a key per control plane:
 * `checked=<time> soonest=<expiry>`, with ` renewed=<time>` after a renewal or
 * ` waiting=<holder>` while another control plane holds the lock. Made by the script, not by
 * the manifests, so a deploy never resets it.
 */
export const CERT_RENEWAL_STATUS_CONFIG_MAP = 'cast-cert-renewal-status';

/** The busybox the upgrade runs on the host with (sh, cat, nsenter), by digest (lib/core/upgrade). */
export const CERT_RENEWAL_IMAGE = UPGRADE_IMAGE;

/** Renew when fewer days than this are left: a month, so a failing renewal has weeks of retries before anything expires. */
export const DEFAULT_RENEW_BEFORE_DAYS = 30;
/** How often each control plane checks: every 12 hours. */
export const DEFAULT_CHECK_INTERVAL_SECONDS = 12 * 3600;

/** How the renewal runs. */
export interface CertRenewalOptions {
  /**
   * Renew a control plane's certificates once the soonest expires in fewer days than this.
   * Between 1 and 300: kubeadm's certificates last 365 days, so more would renew at every check.
   * @default 30
   */
  readonly renewBeforeDays?: number;
  /**
   * Seconds between two checks on a control plane, at least 600.
   * @default 43200 (12 hours)
   */
  readonly checkIntervalSeconds?: number;
}

/** The problems of `options`, each naming the option, the value and the fix. */
export function certRenewalProblems(options: CertRenewalOptions = {}): string[] {
  const problems: string[] = [];
  const days = options.renewBeforeDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 300)) {
    problems.push(`renewBeforeDays must be a whole number of days from 1 to 300 (got ${days}). kubeadm's certificates last 365 days; the default is ${DEFAULT_RENEW_BEFORE_DAYS}.`);
  }
  const interval = options.checkIntervalSeconds;
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 600)) {
    problems.push(`checkIntervalSeconds must be a whole number of seconds, at least 600 (got ${interval}). Leave it out for ${DEFAULT_CHECK_INTERVAL_SECONDS}.`);
  }
  return problems;
}

/** The manifests, one YAML document each: the scripts ConfigMap, then the DaemonSet. Throws a PlanError for bad options. */
export function renderCertRenewalManifests(options: CertRenewalOptions = {}): string[] {
  const problems = certRenewalProblems(options);
  if (problems.length > 0) throw new PlanError(problems);
  // Already escaped for Terraform (renderTemplateFile); JSON quoting keeps that.
  const script = renderTemplateFile('certificates/cast-cert-renewal.sh', {});
  return [
    renderTemplateFile('certificates/cast-cert-renewal-scripts.yaml', { script: JSON.stringify(script) }),
    renderTemplateFile('certificates/cast-cert-renewal-daemonset.yaml', {
      image: literal(CERT_RENEWAL_IMAGE),
      renew_before_days: literal(String(options.renewBeforeDays ?? DEFAULT_RENEW_BEFORE_DAYS)),
      check_interval_seconds: String(options.checkIntervalSeconds ?? DEFAULT_CHECK_INTERVAL_SECONDS),
    }),
  ].map((document) => document.replace(/^(#[^\n]*\n)+/, ''));
}

/** A literal value for a placeholder: JSON, escaped so Terraform does not interpolate it. */
function literal(value: string): string {
  return escapeTerraformTemplate(JSON.stringify(value));
}
