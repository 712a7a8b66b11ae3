/** DigitalOcean: a regional load balancer in the cluster's VPC, a forwarding rule per port, workers selected by their role tag. */
import { Loadbalancer, LoadbalancerForwardingRule, LoadbalancerHealthcheck } from '@cdktf/provider-digitalocean/lib/loadbalancer';
import { Construct } from 'constructs';
import { IngressPort } from '../core/ingress/ingress-plan';
import { LoadBalancerAttachment, LoadBalancerSpec } from './load-balancer-spec';

export function buildLoadBalancer(scope: Construct, spec: LoadBalancerSpec): LoadBalancerAttachment {
  // DigitalOcean gives the load balancer its own static address: no address step.
  // digitalocean_loadbalancer takes no tags; it is named after the cluster.
  const balancer = new Loadbalancer(scope, 'LoadBalancer', {
    provider: spec.provider,
    name: spec.name,
    region: spec.region,
    vpcUuid: spec.networkId,
    sizeUnit: 1,
    healthcheck: createHealthCheck(spec),
    forwardingRule: spec.ports.map(forwardPort),
    // Workers: the role tag every worker droplet of the cluster carries (lib/network/digitalocean.ts),
    // so a worker added later joins without touching this resource.
    dropletTag: spec.workerFirewall,
  });
  return { address: balancer.ip };
}

function createHealthCheck(spec: LoadBalancerSpec): LoadbalancerHealthcheck {
  return {
    protocol: 'http',
    port: spec.healthCheck.nodePort,
    path: spec.healthCheck.path,
    checkIntervalSeconds: 10,
    responseTimeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
  };
}

/** TCP through: TLS ends at Envoy, which holds the certificates. */
function forwardPort(port: IngressPort): LoadbalancerForwardingRule {
  return { entryProtocol: 'tcp', entryPort: port.port, targetProtocol: 'tcp', targetPort: port.nodePort };
}
