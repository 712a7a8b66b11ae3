/** The ingress plan input and cluster labels the in-cluster renderers are tested with (render-in-cluster, the schema check of every manifest). */
import { Cloud } from '../../../lib/core/cloud';
import type { IngressPlanInput } from '../../../lib/core/ingress/ingress-plan';

export const INGRESS_INPUT: IngressPlanInput = {
  clusterName: 'prod',
  nodePortRange: { from: 30000, to: 32767 },
  workerClouds: [Cloud.AWS, Cloud.GCP],
  zoneName: 'example.com',
  acmeEmail: 'ops@example.com',
  httpNodePort: 31080,
  httpsNodePort: 31443,
  tlsHostnames: ['shop.example.com'],
};

export const CLUSTER_LABELS = { 'cast-cluster-name': 'prod', 'cast-cluster-uuid': 'c8b7d1de-52bb-5b87-8b5f-0b1e1e5d3e0a' };
