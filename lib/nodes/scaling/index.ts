/**
 * One interface, four clouds. Each cloud file (aws.ts, gcp.ts, azure.ts,
 * digitalocean.ts) exports `buildScalingGroup(scope, spec)` (the template and
 * the group of an autoscaled node group) and `grantAutoscaler(scope, spec)`
 * (the identity that cloud's cluster-autoscaler runs with, once per cloud).
 */
import { Construct } from 'constructs';
import { Cloud } from '../../core/cloud';
import * as aws from './aws';
import * as azure from './azure';
import * as digitalocean from './digitalocean';
import * as gcp from './gcp';
import { AutoscalerGrantSpec, AutoscalerIdentity, ScalingGroupAttachment, ScalingGroupSpec } from './scaling-spec';

export * from './scaling-spec';

/** Per-cloud scaling-group builders. */
export interface ScalingBuilder {
  buildScalingGroup(scope: Construct, spec: ScalingGroupSpec): ScalingGroupAttachment;
  /** Undefined on a cloud with no cluster-autoscaler provider (DigitalOcean). */
  grantAutoscaler(scope: Construct, spec: AutoscalerGrantSpec): AutoscalerIdentity | undefined;
}

/** The per-cloud scaling-group builders, keyed by cloud. */
export const SCALING_BUILDERS: Readonly<Record<Cloud, ScalingBuilder>> = {
  [Cloud.AWS]: aws,
  [Cloud.GCP]: gcp,
  [Cloud.AZURE]: azure,
  [Cloud.DIGITALOCEAN]: digitalocean,
};
