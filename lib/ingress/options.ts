/** Option structs of IngressStack. */
import { TerraformProvider } from 'cdktf';
import { DnsService } from '../core/ingress/dns-service';

/** Where the ingress name lives and in which zone. */
export interface IngressDnsOptions {
  /** The DNS service holding the zone. */
  readonly service: DnsService;
  /**
   * The zone's domain, e.g. `example.com`: the ingress name is
   * `<recordName>.<zoneName>`, and your own domains point at it with a CNAME.
   */
  readonly zoneName: string;
  /**
   * Create the zone instead of using an existing one. Delegate it at your
   * registrar to the name servers in the `cast_cluster_<name>_ingress_name_servers` output.
   * @default false - the zone exists
   */
  readonly createZone?: boolean;
  /**
   * The zone's id where the service has one: the Route 53 hosted zone id
   * (e.g. `Z0123456789ABC`), or the Cloud DNS managed zone's name. Ignored by
   * Azure DNS and DigitalOcean, whose zones are named by their domain.
   * @default - Route 53: looked up by `zoneName` (a public hosted zone); Cloud DNS: `zoneName` with dots as dashes (`example-com`)
   */
  readonly zoneId?: string;
  /**
   * Azure DNS only: the resource group of the zone (existing, or where it is created).
   * @default - the cluster's resource group (the cluster must span Azure)
   */
  readonly azureResourceGroupName?: string;
  /**
   * The record's name relative to the zone.
   * @default "ingress.<cluster name>"
   */
  readonly recordName?: string;
  /**
   * TTL of the records, in seconds (30 to 86400).
   * @default 60
   */
  readonly ttl?: number;
  /**
   * The Terraform provider that manages the zone, for a DNS service on a cloud
   * the cluster does not span (its credentials and account), or another account.
   * @default - the cluster's provider for the service's cloud
   */
  readonly provider?: TerraformProvider;
}

/** Chart versions of the in-cluster components: exact versions, never ranges. */
export interface IngressVersions {
  /**
   * Envoy Gateway's two charts, `gateway-crds-helm` (the Gateway API and Envoy
   * Gateway CRDs) and `gateway-helm` (the controller), from oci://docker.io/envoyproxy;
   * they are released together under one version, `v` included.
   * @default "v1.9.0" (Envoy 1.39, Gateway API v1.6.1)
   */
  readonly envoyGateway?: string;
  /**
   * The cert-manager chart (https://charts.jetstack.io).
   * @default "v1.19.2"
   */
  readonly certManager?: string;
  /**
   * The prometheus chart (https://prometheus-community.github.io/helm-charts), when the stack installs it.
   * @default "27.23.0"
   */
  readonly prometheus?: string;
}

/** Who collects the Envoy proxies' metrics. */
export interface IngressPrometheusOptions {
  /**
   * Install Prometheus (the prometheus chart, server only, in namespace
   * `monitoring`); it scrapes the Envoy proxies through their pod annotations.
   * @default - true, unless `serviceMonitorRelease` names your own Prometheus
   */
  readonly install?: boolean;
  /**
   * Your Prometheus Operator (e.g. kube-prometheus-stack): the value of the
   * `release` label its ServiceMonitor selector matches, usually its Helm release
   * name. The stack then creates a PodMonitor of the Envoy proxies with that label
   * (the operator's PodMonitor CRD must exist before the in-cluster stack is deployed).
   * @default - no PodMonitor; the Envoy pods carry prometheus.io/scrape annotations
   */
  readonly serviceMonitorRelease?: string;
}
