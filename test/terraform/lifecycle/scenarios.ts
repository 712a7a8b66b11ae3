/**
 * The lifecycle scenarios: a cluster as it is applied (before), and the change a
 * user then makes (after), or something the cloud publishes with no code change.
 * Each title is a row of the table in docs/lifecycle.md.
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

/** The static cluster, and the same with an autoscaled group per cloud. */
const STATIC: ScenarioShape = {};
const SCALED: ScenarioShape = { autoscaledGroups: true };

/** One patch release after the default (1.34.2 → 1.34.3). */
export const NEXT_PATCH = DEFAULT_KUBERNETES_VERSION.replace(/\.(\d+)$/, (_, patch: string) => `.${Number(patch) + 1}`);

export const SCENARIOS: readonly Scenario[] = [
  { title: 'Add one worker to each static group', before: SCALED, after: { ...SCALED, workersPerCloud: 3 } },
  { title: 'Remove one worker from each static group', before: SCALED, after: { ...SCALED, workersPerCloud: 1 } },
  { title: 'Remove the first control-plane node', before: STATIC, after: { ...STATIC, withoutFirstControlPlane: true } },
  { title: 'Replace the first control-plane node', before: STATIC, after: STATIC, replaceNodes: [FIRST_CONTROL_PLANE] },
  { title: 'Add an autoscaled group on each cloud', before: STATIC, after: SCALED },
  { title: 'Change autoscaling.maxCores', before: SCALED, after: { ...SCALED, autoscaling: { ...SCENARIO_POLICY, maxCores: 512 } } },
  { title: 'Change autoscaling.headroomCpuPercent', before: SCALED, after: { ...SCALED, autoscaling: { ...SCENARIO_POLICY, headroomCpuPercent: 25 } } },
  { title: `Bump kubernetesVersion one patch (${DEFAULT_KUBERNETES_VERSION} to ${NEXT_PATCH})`, before: SCALED, after: { ...SCALED, kubernetesVersion: NEXT_PATCH } },
  { title: 'A newer Ubuntu image is published', before: SCALED, after: SCALED, publish: ['aws_ami'] },
  // Planned with autoscaled groups: a reference cycle between seeds and user data would stop the plan.
  { title: 'Narrow firewall.apiSourceRanges to one range', before: SCALED, after: { ...SCALED, apiSourceRanges: ['203.0.113.0/24'] } },
];
