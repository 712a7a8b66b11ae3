/**
 * The ingress planner and its views: pure functions from the user's options
 * and the cluster's workers to the load balancer ports, the DNS names and the
 * in-cluster values. No cdktf import; IngressStack only wires the results.
 */
export * from './acme-server';
export * from './bounded-name';
export * from './dns-names';
export * from './dns-service';
export * from './ingress-defaults';
export * from './ingress-plan';
export * from './render-in-cluster';
