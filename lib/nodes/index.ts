/**
 * One interface, four clouds. Each cloud file (aws.ts, gcp.ts, azure.ts,
 * digitalocean.ts) exports `buildNode(scope, spec)` (static public address,
 * instance, and what ties them). The image each node boots is the cloud's pinned
 * one (os-image.ts) or its group's override.
 */
import { Construct } from 'constructs';
import { Cloud } from '../core/cloud';
import * as aws from './aws';
import * as azure from './azure';
import * as digitalocean from './digitalocean';
import * as gcp from './gcp';
import { NodeAttachment, NodeSpec } from './node-spec';

export * from './node-spec';
export { OsImageOptions } from './os-image';

/** Per-cloud node builders. */
export interface NodeBuilder {
  buildNode(scope: Construct, spec: NodeSpec): NodeAttachment;
}

/** The per-cloud node builders, keyed by cloud. */
export const NODE_BUILDERS: Readonly<Record<Cloud, NodeBuilder>> = {
  [Cloud.AWS]: aws,
  [Cloud.GCP]: gcp,
  [Cloud.AZURE]: azure,
  [Cloud.DIGITALOCEAN]: digitalocean,
};
