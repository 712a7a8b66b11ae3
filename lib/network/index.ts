/**
 * One interface, four clouds. Each cloud file (aws.ts, gcp.ts, azure.ts,
 * digitalocean.ts) exports `buildNetwork(scope, spec)` with the same steps in
 * the same order: network, subnet, routing, firewall per role.
 */
import { Construct } from 'constructs';
import { Cloud } from '../core/cloud';
import * as aws from './aws';
import * as azure from './azure';
import * as digitalocean from './digitalocean';
import * as gcp from './gcp';
import { BuiltNetwork, NetworkSpec } from './network-spec';

export * from './network-spec';

/** The per-cloud builders, keyed by cloud. */
export const NETWORK_BUILDERS: Readonly<Record<Cloud, (scope: Construct, spec: NetworkSpec) => BuiltNetwork>> = {
  [Cloud.AWS]: aws.buildNetwork,
  [Cloud.GCP]: gcp.buildNetwork,
  [Cloud.AZURE]: azure.buildNetwork,
  [Cloud.DIGITALOCEAN]: digitalocean.buildNetwork,
};
