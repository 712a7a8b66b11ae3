/** GCP: a regional network load balancer (target pool with a legacy HTTP health check) on a static address, a forwarding rule per port. */
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeForwardingRule } from '@cdktf/provider-google/lib/compute-forwarding-rule';
import { ComputeHttpHealthCheck } from '@cdktf/provider-google/lib/compute-http-health-check';
import { ComputeTargetPool } from '@cdktf/provider-google/lib/compute-target-pool';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { IngressPort } from '../core/ingress/ingress-plan';
import { LoadBalancerAttachment, LoadBalancerSpec } from './load-balancer-spec';

// Where Google's health checks for target pools come from
// (https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges).
const HEALTH_CHECK_SOURCES = ['209.85.152.0/22', '209.85.204.0/22', '35.191.0.0/16'];

/**
 * A passthrough load balancer keeps the destination port: packets reach the
 * workers on 80/443 addressed to the load balancer's IP. The in-cluster stack
 * lists that IP as the Gateway's address, which Envoy Gateway makes an external
 * IP of Envoy's Service, so kube-proxy sends them to the same Envoy pods the
 * NodePorts lead to; the health check
 * still asks the HTTP NodePort.
 */
export function buildLoadBalancer(scope: Construct, spec: LoadBalancerSpec): LoadBalancerAttachment {
  const address = createAddress(scope, spec);
  const healthCheck = createHealthCheck(scope, spec);
  const pool = createLoadBalancer(scope, spec, healthCheck);
  for (const port of spec.ports) forwardPort(scope, spec, address, pool, port);
  allowTraffic(scope, spec, address);
  return { address: address.address };
}

function createAddress(scope: Construct, spec: LoadBalancerSpec): ComputeAddress {
  return new ComputeAddress(scope, 'Address', {
    provider: spec.provider,
    name: spec.name,
    region: spec.region,
    addressType: 'EXTERNAL',
    labels: labelMap(spec.labels),
  });
}

/** Target pools take only the legacy HTTP health check. */
function createHealthCheck(scope: Construct, spec: LoadBalancerSpec): ComputeHttpHealthCheck {
  return new ComputeHttpHealthCheck(scope, 'HealthCheck', {
    provider: spec.provider,
    name: spec.name,
    // Kept from the ingress-nginx days: a new description would change a running load balancer for nothing.
    description: `Cast cluster ${spec.clusterName}: ingress controller on the HTTP NodePort`,
    port: spec.healthCheck.nodePort,
    requestPath: spec.healthCheck.path,
    checkIntervalSec: 10,
    timeoutSec: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
  });
}

/** The target pool is the balancer, and it lists the workers: every worker's instance self link. */
function createLoadBalancer(scope: Construct, spec: LoadBalancerSpec, healthCheck: ComputeHttpHealthCheck): ComputeTargetPool {
  return new ComputeTargetPool(scope, 'LoadBalancer', {
    provider: spec.provider,
    name: spec.name,
    description: `Cast cluster ${spec.clusterName} (${spec.labels.uuid}): ingress`,
    region: spec.region,
    healthChecks: [healthCheck.name],
    instances: spec.workers.map((worker) => worker.targetId),
    sessionAffinity: 'NONE',
  });
}

function forwardPort(scope: Construct, spec: LoadBalancerSpec, address: ComputeAddress, pool: ComputeTargetPool, port: IngressPort): void {
  new ComputeForwardingRule(scope, `ForwardingRule-${port.name}`, {
    provider: spec.provider,
    name: `${spec.name}-${port.name}`,
    region: spec.region,
    ipAddress: address.address,
    ipProtocol: 'TCP',
    portRange: String(port.port),
    target: pool.selfLink,
    loadBalancingScheme: 'EXTERNAL',
    labels: labelMap(spec.labels),
  });
}

/**
 * The workers' firewall opens only the NodePort range: open 80/443 for packets
 * to the load balancer's address, and the health check's sources to the
 * HTTP NodePort even when the NodePort range is closed to the internet.
 */
function allowTraffic(scope: Construct, spec: LoadBalancerSpec, address: ComputeAddress): void {
  new ComputeFirewall(scope, 'Firewall-traffic', {
    provider: spec.provider,
    name: `${spec.name}-traffic`,
    description: 'Clients of the ingress load balancer (passthrough: destination is its address, port 80/443)',
    network: spec.networkId,
    direction: 'INGRESS',
    sourceRanges: ['0.0.0.0/0'],
    destinationRanges: [`${address.address}/32`],
    targetTags: [spec.workerFirewall],
    allow: [{ protocol: 'tcp', ports: spec.ports.map((port) => String(port.port)) }],
  });
  new ComputeFirewall(scope, 'Firewall-health-check', {
    provider: spec.provider,
    name: `${spec.name}-health-check`,
    description: 'Google health checks of the ingress load balancer',
    network: spec.networkId,
    direction: 'INGRESS',
    sourceRanges: HEALTH_CHECK_SOURCES,
    targetTags: [spec.workerFirewall],
    allow: [{ protocol: 'tcp', ports: [String(spec.healthCheck.nodePort)] }],
  });
}
