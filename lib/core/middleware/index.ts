/**
 * The middleware planner and its views: pure functions from the user's options
 * to the Helm values of Grafana and Headlamp (each with an oauth2-proxy in its pod) and the routes and
 * NetworkPolicies in front of them. No cdktf import; lib/middleware wires the results.
 */
export * from './middleware-defaults';
export * from './middleware-plan';
export * from './render-middleware';
