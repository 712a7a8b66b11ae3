/** AWS: a Network Load Balancer on an Elastic IP, a TCP target group and listener per port, every worker registered. */
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup, LbTargetGroupHealthCheck } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { boundedName } from '../core/ingress/bounded-name';
import { IngressPort } from '../core/ingress/ingress-plan';
import { LoadBalancerAttachment, LoadBalancerSpec } from './load-balancer-spec';

// Load balancer and target group names: at most 32 characters.
const AWS_NAME_LIMIT = 32;

export function buildLoadBalancer(scope: Construct, spec: LoadBalancerSpec): LoadBalancerAttachment {
  const address = createAddress(scope, spec);
  const balancer = createLoadBalancer(scope, spec, address);
  const healthCheck = createHealthCheck(spec);
  for (const port of spec.ports) {
    const group = forwardPort(scope, spec, balancer, healthCheck, port);
    attachWorkers(scope, spec, group, port);
  }
  return { address: address.publicIp };
}

/** A static address for the A record: an NLB has one only through an EIP per subnet mapping. */
function createAddress(scope: Construct, spec: LoadBalancerSpec): Eip {
  return new Eip(scope, 'Address', { provider: spec.provider, domain: 'vpc', tags: { ...labelMap(spec.labels), Name: spec.name } });
}

function createLoadBalancer(scope: Construct, spec: LoadBalancerSpec, address: Eip): Lb {
  return new Lb(scope, 'LoadBalancer', {
    provider: spec.provider,
    name: boundedName(spec.name, AWS_NAME_LIMIT),
    loadBalancerType: 'network',
    internal: false,
    subnetMapping: [{ subnetId: spec.subnetId, allocationId: address.allocationId }],
    tags: { ...labelMap(spec.labels), Name: spec.name },
  });
}

/** Both target groups ask Envoy itself, on the HTTP NodePort. */
function createHealthCheck(spec: LoadBalancerSpec): LbTargetGroupHealthCheck {
  return {
    enabled: true,
    protocol: 'HTTP',
    port: String(spec.healthCheck.nodePort),
    path: spec.healthCheck.path,
    interval: 10,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
  };
}

/** A TCP target group on the NodePort and a TCP listener on the client port: TLS ends at Envoy. */
function forwardPort(scope: Construct, spec: LoadBalancerSpec, balancer: Lb, healthCheck: LbTargetGroupHealthCheck, port: IngressPort): LbTargetGroup {
  const group = new LbTargetGroup(scope, `TargetGroup-${port.name}`, {
    provider: spec.provider,
    name: boundedName(`${spec.name}-${port.name}`, AWS_NAME_LIMIT),
    port: port.nodePort,
    protocol: 'TCP',
    targetType: 'instance',
    vpcId: spec.networkId,
    healthCheck,
    tags: { ...labelMap(spec.labels), Name: `${spec.name}-${port.name}` },
  });
  new LbListener(scope, `Listener-${port.name}`, {
    provider: spec.provider,
    loadBalancerArn: balancer.arn,
    port: port.port,
    protocol: 'TCP',
    defaultAction: [{ type: 'forward', targetGroupArn: group.arn }],
    tags: labelMap(spec.labels),
  });
  return group;
}

/** One attachment per worker, named after the node: adding a worker touches no other. */
function attachWorkers(scope: Construct, spec: LoadBalancerSpec, group: LbTargetGroup, port: IngressPort): void {
  for (const worker of spec.workers) {
    new LbTargetGroupAttachment(scope, `${worker.name}-${port.name}`, {
      provider: spec.provider,
      targetGroupArn: group.arn,
      targetId: worker.targetId,
      port: port.nodePort,
    });
  }
}
