/**
 * One interface, four clouds. Each cloud file (aws.ts, gcp.ts, azure.ts,
 * digitalocean.ts) exports `buildLoadBalancer(scope, spec)` with the same steps
 * in the same order: address, load balancer, health check, one forwarding per
 * port, workers as targets. `dns/` does the same for the DNS services.
 */
import { Construct } from 'constructs';
import { Cloud } from '../core/cloud';
import * as aws from './aws';
import * as azure from './azure';
import * as digitalocean from './digitalocean';
import * as gcp from './gcp';
import { LoadBalancerAttachment, LoadBalancerSpec } from './load-balancer-spec';

export * from './load-balancer-spec';

/** The per-cloud load balancer builders, keyed by cloud. */
export const LOAD_BALANCER_BUILDERS: Readonly<Record<Cloud, (scope: Construct, spec: LoadBalancerSpec) => LoadBalancerAttachment>> = {
  [Cloud.AWS]: aws.buildLoadBalancer,
  [Cloud.GCP]: gcp.buildLoadBalancer,
  [Cloud.AZURE]: azure.buildLoadBalancer,
  [Cloud.DIGITALOCEAN]: digitalocean.buildLoadBalancer,
};
