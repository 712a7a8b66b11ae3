/** The contract between IngressStack and each cloud's load balancer builder. */
import { TerraformProvider } from 'cdktf';
import { ClusterLabels } from '../core/cluster-labels';
import { IngressPort } from '../core/ingress/ingress-plan';

/** One worker as a load balancer target. */
export interface WorkerTarget {
  /** Node name: stable construct ids per worker. */
  readonly name: string;
  /** The EC2 instance id, GCP instance self link, Azure NIC id or droplet id (a Terraform reference). */
  readonly targetId: string;
}

/** What every cloud's load balancer builder is given. */
export interface LoadBalancerSpec {
  /** `<cluster>-ingress`: names the load balancer and its parts. */
  readonly name: string;
  readonly clusterName: string;
  readonly labels: ClusterLabels;
  /** The cloud's own region and the zone the cluster's subnet is in. */
  readonly region: string;
  readonly zone: string;
  /** The cluster's network on this cloud (VPC / network / VNet / VPC id). */
  readonly networkId: string;
  /** The cluster's subnet on this cloud. */
  readonly subnetId: string;
  /** How workers are selected on this cloud: the GCP network tag, the DigitalOcean droplet tag. */
  readonly workerFirewall: string;
  /** Azure only: the cluster's resource group. */
  readonly resourceGroupName?: string;
  /** http then https: the port clients use and Envoy's NodePort behind it. */
  readonly ports: readonly IngressPort[];
  /** HTTP GET `path` on `nodePort`: passes where an Envoy pod runs and is not draining. */
  readonly healthCheck: { readonly nodePort: number; readonly path: string };
  /** This cloud's workers, sorted by name. */
  readonly workers: readonly WorkerTarget[];
  readonly provider?: TerraformProvider;
}

/** What the stack learns about a built load balancer. */
export interface LoadBalancerAttachment {
  /** The load balancer's public IPv4 address (a Terraform reference): one A record. */
  readonly address: string;
}
