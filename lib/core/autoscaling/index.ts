/**
 * Autoscaling planners and views: the cluster policy, the checks on a scaled
 * group, the per-cloud core limits, the cluster-autoscaler and
 * overprovisioning manifests, and the DigitalOcean pool targets. Pure; no
 * cdktf import (docs/autoscaling.md).
 */
export * from './autoscaler-images';
export * from './autoscaling-policy';
export * from './cluster-autoscaler-manifests';
export * from './core-limits';
export * from './digitalocean-pool-targets';
export * from './overprovisioning';
export * from './scaled-group-problems';
export * from './validate-cluster-autoscaler-input';
