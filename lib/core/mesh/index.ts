/**
 * The mesh planner and its views: pure functions from nodes to topology
 * (`planMesh`) and from topology to WireGuard config, interface setup and a
 * Mermaid diagram. No cdktf import; the construct only wires the results.
 */
export * from './allocate-mesh-addresses';
export * from './encapsulation';
export * from './mesh-defaults';
export * from './mesh-input';
export * from './mesh-mode';
export * from './mesh-mtu';
export * from './mesh-plan';
export * from './mesh-record';
export * from './plan-mesh';
export * from './render-interface-setup';
export * from './render-mesh-diagram';
export * from './render-wireguard-config';
export * from './select-gateways';
export * from './scaling-zone';
