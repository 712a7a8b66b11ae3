/**
 * Node bootstrap: renders each node's cloud-init user-data from the template
 * files in `templates/`. Pure; no cdktf import.
 */
export * from './mesh-agent-archive';
export * from './node-bootstrap';
export * from './render-template';
export { isTerraformExpression, nodeBootstrapProblems } from './validate-node-bootstrap';
