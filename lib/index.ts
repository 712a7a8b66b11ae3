export { Cloud } from './core/cloud';
export { NodeRole } from './core/node-role';
export { CastRegionInfo, CloudLocation } from './core/regions';
export { AddressPlan, CloudAddressPlan } from './core/address-plan';
export { CastRegions } from './regions/cast-regions';
export { AddressPlanOptions, CloudProviders, CloudRangeOptions, FirewallOptions, PortRange } from './cluster/options';
export { CastCluster, CastClusterProps } from './cluster/cast-cluster';
export { CloudNetwork, CloudNetworkProps } from './network/cloud-network';
