/**
 * The container images the autoscaling manifests run, pinned to released tags.
 *
 * cluster-autoscaler is released per Kubernetes minor and should match the
 * control plane's minor (its README: "We recommend using Cluster Autoscaler
 * with the Kubernetes control plane version for which it was meant"). Tags are
 * the newest patch seen released for each minor: kubernetes/autoscaler release
 * notes of 2026-07-23 (1.33.6, 1.34.5, 1.35.2), kubernetes/k8s.io pull request
 * 8815 (1.32.5 promoted) and registry.k8s.io/images/k8s-staging-autoscaling/images.yaml (1.31.3).
 */
import { kubernetesVersionProblem } from '../kubernetes-version';

/** cluster-autoscaler tag per supported Kubernetes minor (SUPPORTED_MINORS). */
export const CLUSTER_AUTOSCALER_TAGS: Readonly<Record<number, string>> = {
  31: 'v1.31.3',
  32: 'v1.32.5',
  33: 'v1.33.6',
  34: 'v1.34.5',
  35: 'v1.35.2',
};

/** cluster-proportional-autoscaler, promoted in registry.k8s.io/images/k8s-staging-cpa/images.yaml. */
export const CLUSTER_PROPORTIONAL_AUTOSCALER_IMAGE = 'registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.10.1';

/** The placeholder container of the overprovisioning pods: the pause image kubeadm 1.31 made its default sandbox image. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** The cluster-autoscaler image for a Kubernetes version such as `1.34.2`. */
export function clusterAutoscalerImage(kubernetesVersion: string): string {
  const problem = kubernetesVersionProblem(kubernetesVersion);
  if (problem !== undefined) throw new Error(problem);
  const minor = Number(kubernetesVersion.split('.')[1]);
  return `registry.k8s.io/autoscaling/cluster-autoscaler:${CLUSTER_AUTOSCALER_TAGS[minor]}`;
}
