/**
 * The lifecycle scenarios: a cluster as it is applied (before), and the change a
 * user then makes (after), or something the cloud publishes with no code change.
 * Each title is a row of the tables in docs/lifecycle.md.
 *
 * Two "before" clusters serve every scenario but the library upgrade, so each is applied
 * once: STATIC (two static workers per cloud, no autoscaled group) to remove a worker, to
 * remove the first control plane (AWS groups need an AWS control plane) and to add the
 * first groups; SCALED (one static worker per cloud and an autoscaled group on each) for
 * everything else. Fewer nodes plan faster; the
 * tables count the nodes of these clusters, and every other node of a bigger cluster
 * shares the fate of its kind.
 */
import { DEFAULT_KUBERNETES_VERSION } from '../../../lib/core/kubernetes-version';
import { FIRST_CONTROL_PLANE, SCENARIO_POLICY, type ScenarioShape } from './scenario-app';

export interface Scenario {
  /** The row of docs/lifecycle.md's tables. */
  readonly title: string;
  readonly before: ScenarioShape;
  readonly after: ScenarioShape;
  /** Data source types that answer with something newer before the plan (CloudWorld.publishNewer). */
  readonly publish?: readonly string[];
  /** Nodes whose VM is planned as replaced (`terraform plan -replace`), by node name. */
  readonly replaceNodes?: readonly string[];
}

const STATIC: ScenarioShape = { workersPerCloud: 2 };
const SCALED: ScenarioShape = { autoscaledGroups: true };

/** One patch release after the default (1.34.2 → 1.34.3). */
export const NEXT_PATCH = DEFAULT_KUBERNETES_VERSION.replace(/\.(\d+)$/, (_, patch: string) => `.${Number(patch) + 1}`);
/** The next minor's first release (kube-apiserver v1.35.0, registry.k8s.io). */
export const NEXT_MINOR = '1.35.0';

/** Each cloud's image lookup, all of which answer with a newer image in "A newer Ubuntu image is published". */
export const IMAGE_LOOKUPS = ['aws_ami', 'google_compute_image', 'azurerm_platform_image', 'digitalocean_image'] as const;

/** Releases the user names in "Roll a newer image to one node" (the published ones of test/nodes/os-image.test.ts). */
const NAMED_IMAGES = { aws: '20250115', gcp: '20250214', azure: '24.04.202411030', digitalocean: '386734086' };
/** The node that scenario replaces. */
export const ROLLED_NODE = 'prod-aws-workers-1';

export const SCENARIOS: readonly Scenario[] = [
  { title: 'Add one worker to each static group', before: SCALED, after: { ...SCALED, workersPerCloud: 2 } },
  { title: 'Remove one worker from each static group', before: STATIC, after: { ...STATIC, workersPerCloud: 1 } },
  { title: 'Remove the first control-plane node', before: STATIC, after: { ...STATIC, withoutFirstControlPlane: true } },
  { title: 'Replace the first control-plane node', before: SCALED, after: SCALED, replaceNodes: [FIRST_CONTROL_PLANE] },
  { title: 'Add an autoscaled group on each cloud', before: STATIC, after: { ...STATIC, autoscaledGroups: true } },
  {
    title: 'Change the autoscaling policy (maxCores, headroomCpuPercent)',
    before: SCALED,
    after: { ...SCALED, autoscaling: { ...SCENARIO_POLICY, maxCores: 512, headroomCpuPercent: 25 } },
  },
  { title: `Bump kubernetesVersion one patch (${DEFAULT_KUBERNETES_VERSION} to ${NEXT_PATCH})`, before: SCALED, after: { ...SCALED, kubernetesVersion: NEXT_PATCH } },
  { title: `Bump kubernetesVersion one minor (${DEFAULT_KUBERNETES_VERSION} to ${NEXT_MINOR})`, before: SCALED, after: { ...SCALED, kubernetesVersion: NEXT_MINOR } },
  { title: 'A newer Ubuntu image is published', before: SCALED, after: SCALED, publish: IMAGE_LOOKUPS },
  {
    title: 'Roll a newer image to one node (osImage, then one replacement stamp)',
    before: SCALED,
    after: { ...SCALED, osImage: NAMED_IMAGES, replacements: { [ROLLED_NODE]: 'roll-1' } },
  },
  // Planned with autoscaled groups: a reference cycle between seeds and user data would stop the plan.
  { title: 'Narrow firewall.apiSourceRanges to one range', before: SCALED, after: { ...SCALED, apiSourceRanges: ['203.0.113.0/24'] } },
  { title: 'Upgrade the library (from the version before pinned images)', before: { ...SCALED, previousLibrary: true }, after: SCALED },
];
