/**
 * Autoscaling planners and views: the cluster policy, the checks on a scaled
 * group, the cluster-autoscaler and overprovisioning manifests, and the
 * utilisation targets of groups that scale themselves (GCP, DigitalOcean).
 * Pure; no cdktf import (docs/autoscaling.md).
 */
export * from './autoscaler-images';
export * from './autoscaling-policy';
export * from './cluster-autoscaler-manifests';
export * from './overprovisioning';
export * from './scaled-group-problems';
export * from './utilization-targets';
export * from './validate-cluster-autoscaler-input';
