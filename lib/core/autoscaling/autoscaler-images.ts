/**
 * The container images the autoscaling manifests run, pinned to released tags.
 *
 * cluster-autoscaler is released per Kubernetes minor and should match the
 * control plane's minor (its README: "We recommend using Cluster Autoscaler
 * with the Kubernetes control plane version for which it was meant"). Tags are
 * the newest patch seen released for each minor: kubernetes/autoscaler release
 * notes of 2026-07-23 (1.33.6, 1.34.5, 1.35.2), kubernetes/k8s.io pull request
 * 8815 (1.32.5 promoted) and registry.k8s.io/images/k8s-staging-autoscaling/images.yaml (1.31.3).
 *
 * AWS exception: our clusters always hold nodes whose providerID is empty or
 * not `aws://` (static nodes, control planes, the other clouds' nodes). Before
 * kubernetes/autoscaler#8047 ("AWSCloudProvider should ignore unrecognized
 * provider IDs", fixing #8045; merged to master in April 2025, before the
 * cluster-autoscaler-release-1.33 branch) the AWS provider's NodeGroupForNode
 * returned the parse error for such a node and the main loop stopped ("Failed
 * to get node infos for groups: wrong id"). So the fix ships from 1.33.0 on; no
 * cherry-pick of #8047 to the 1.32 or 1.31 release branches was found, so
 * v1.32.5 and v1.31.3 are taken to lack it. On Kubernetes 1.31 and 1.32 the AWS
 * instance therefore runs the 1.33 release (AWS_MIN_CLUSTER_AUTOSCALER_MINOR).
 * Upstream documents no version skew for cluster-autoscaler: it recommends the
 * matching minor and says it does no cross-version testing. Running one or two
 * minors newer against an older API server is what users report working, and
 * the only APIs 1.33 reads on a 1.31 server are GA ones, but it is a deviation
 * from the recommendation, taken because the matching release cannot work.
 * Azure's provider returns no group for empty or foreign providerIDs (the
 * reporter of kubernetes/autoscaler#10140 ran 1.32 to 1.35 in such a cluster)
 * and keeps the matching minor.
 */
import { Cloud } from '../cloud';
import { kubernetesVersionProblem } from '../kubernetes-version';

/** cluster-autoscaler tag per supported Kubernetes minor (SUPPORTED_MINORS). */
export const CLUSTER_AUTOSCALER_TAGS: Readonly<Record<number, string>> = {
  31: 'v1.31.3',
  32: 'v1.32.5',
  33: 'v1.33.6',
  34: 'v1.34.5',
  35: 'v1.35.2',
};

/** The oldest cluster-autoscaler minor whose AWS provider ignores foreign providerIDs (kubernetes/autoscaler#8047). */
export const AWS_MIN_CLUSTER_AUTOSCALER_MINOR = 33;

/** cluster-proportional-autoscaler, promoted in registry.k8s.io/images/k8s-staging-cpa/images.yaml. */
export const CLUSTER_PROPORTIONAL_AUTOSCALER_IMAGE = 'registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.10.1';

/** The placeholder container of the overprovisioning pods: the pause image kubeadm 1.31 made its default sandbox image. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/**
 * The cluster-autoscaler image for a Kubernetes version such as `1.34.2`: the
 * matching minor's release, except on AWS below 1.33, where it is the 1.33
 * release (the oldest with kubernetes/autoscaler#8047).
 */
export function clusterAutoscalerImage(kubernetesVersion: string, cloud?: Cloud): string {
  const problem = kubernetesVersionProblem(kubernetesVersion);
  if (problem !== undefined) throw new Error(problem);
  const minor = Number(kubernetesVersion.split('.')[1]);
  const release = cloud === Cloud.AWS ? Math.max(minor, AWS_MIN_CLUSTER_AUTOSCALER_MINOR) : minor;
  return `registry.k8s.io/autoscaling/cluster-autoscaler:${CLUSTER_AUTOSCALER_TAGS[release]}`;
}
