/** Azure: a Standard load balancer on a static public IP, a probe, a rule per port, every worker's NIC in the backend pool. */
import { Lb } from '@cdktf/provider-azurerm/lib/lb';
import { LbBackendAddressPool } from '@cdktf/provider-azurerm/lib/lb-backend-address-pool';
import { LbProbe } from '@cdktf/provider-azurerm/lib/lb-probe';
import { LbRule } from '@cdktf/provider-azurerm/lib/lb-rule';
import { NetworkInterfaceBackendAddressPoolAssociation } from '@cdktf/provider-azurerm/lib/network-interface-backend-address-pool-association';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { IngressPort } from '../core/ingress/ingress-plan';
import { LoadBalancerAttachment, LoadBalancerSpec } from './load-balancer-spec';

const FRONTEND = 'ingress';
// The IP configuration every node's NIC has (lib/nodes/azure.ts).
const NODE_IP_CONFIGURATION = 'primary';

export function buildLoadBalancer(scope: Construct, spec: LoadBalancerSpec): LoadBalancerAttachment {
  const address = createAddress(scope, spec);
  const balancer = createLoadBalancer(scope, spec, address);
  const probe = createHealthCheck(scope, spec, balancer);
  const pool = new LbBackendAddressPool(scope, 'BackendPool', { provider: spec.provider, name: 'workers', loadbalancerId: balancer.id });
  for (const port of spec.ports) forwardPort(scope, spec, balancer, probe, pool, port);
  attachWorkers(scope, spec, pool);
  return { address: address.ipAddress };
}

function createAddress(scope: Construct, spec: LoadBalancerSpec): PublicIp {
  return new PublicIp(scope, 'Address', {
    provider: spec.provider,
    name: spec.name,
    resourceGroupName: spec.resourceGroupName!,
    location: spec.region,
    allocationMethod: 'Static',
    sku: 'Standard',
    tags: labelMap(spec.labels),
  });
}

function createLoadBalancer(scope: Construct, spec: LoadBalancerSpec, address: PublicIp): Lb {
  return new Lb(scope, 'LoadBalancer', {
    provider: spec.provider,
    name: spec.name,
    resourceGroupName: spec.resourceGroupName!,
    location: spec.region,
    sku: 'Standard',
    frontendIpConfiguration: [{ name: FRONTEND, publicIpAddressId: address.id }],
    tags: labelMap(spec.labels),
  });
}

/** Probes come from AzureLoadBalancer, which every NSG allows by its default rules. */
function createHealthCheck(scope: Construct, spec: LoadBalancerSpec, balancer: Lb): LbProbe {
  return new LbProbe(scope, 'HealthCheck', {
    provider: spec.provider,
    name: 'ingress-healthz',
    loadbalancerId: balancer.id,
    protocol: 'Http',
    port: spec.healthCheck.nodePort,
    requestPath: spec.healthCheck.path,
    intervalInSeconds: 10,
    numberOfProbes: 2,
  });
}

/** Client port to NodePort, the client address kept; nodes go out through their own public IPs. */
function forwardPort(scope: Construct, spec: LoadBalancerSpec, balancer: Lb, probe: LbProbe, pool: LbBackendAddressPool, port: IngressPort): void {
  new LbRule(scope, `Rule-${port.name}`, {
    provider: spec.provider,
    name: port.name,
    loadbalancerId: balancer.id,
    protocol: 'Tcp',
    frontendPort: port.port,
    backendPort: port.nodePort,
    frontendIpConfigurationName: FRONTEND,
    backendAddressPoolIds: [pool.id],
    probeId: probe.id,
    disableOutboundSnat: true,
  });
}

/** One association per worker NIC, named after the node. */
function attachWorkers(scope: Construct, spec: LoadBalancerSpec, pool: LbBackendAddressPool): void {
  for (const worker of spec.workers) {
    new NetworkInterfaceBackendAddressPoolAssociation(scope, `${worker.name}-backend`, {
      provider: spec.provider,
      networkInterfaceId: worker.targetId,
      ipConfigurationName: NODE_IP_CONFIGURATION,
      backendAddressPoolId: pool.id,
    });
  }
}
