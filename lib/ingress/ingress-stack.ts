import { Annotations, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { CastCluster } from '../cluster/cast-cluster';
import { Cloud, CLOUD_DISPLAY_NAME } from '../core/cloud';
import { AcmeServer } from '../core/ingress/acme-server';
import { GATEWAY_NAME, GATEWAY_NAMESPACE } from '../core/ingress/ingress-defaults';
import { DNS_SERVICE_CLOUD, DNS_SERVICE_DISPLAY_NAME, DnsService } from '../core/ingress/dns-service';
import { envoyGatewayKubernetesProblem, IngressPlan, planIngress } from '../core/ingress/ingress-plan';
import { NodeRole } from '../core/node-role';
import { PlanError } from '../core/plan-error';
import { throwAppProblems, throwProblems } from '../private/validation-error';
import { clusterNodePortRange, workersByCloud } from './cluster-view';
import { DnsAttachment, DNS_BUILDERS } from './dns';
import { LOAD_BALANCER_BUILDERS, WorkerTarget } from './index';
import { InClusterStack } from '../cluster/in-cluster-stack';
import type { MiddlewareOptions } from '../middleware/options';
import { addIngressOutputs } from './ingress-outputs';
import { IngressDnsOptions, IngressPrometheusOptions, IngressVersions } from './options';

/** Options of an IngressStack, as a cluster would take them. */
export interface IngressStackOptions {
  /** The DNS service, zone and record of the ingress name. */
  readonly dns: IngressDnsOptions;
  /** Contact address of the ACME account: Let's Encrypt's expiry notices go there. */
  readonly acmeEmail: string;
  /**
   * Let's Encrypt's production or staging directory.
   * @default AcmeServer.PRODUCTION
   */
  readonly acmeServer?: AcmeServer;
  /**
   * Name of the ACME ClusterIssuer that issues the Gateway's certificates (and
   * that your own Certificates or Gateways can name).
   * @default "letsencrypt"
   */
  readonly clusterIssuerName?: string;
  /**
   * The names your apps serve over HTTPS through the Gateway's `https` listener,
   * e.g. `['shop.example.com']`: each gets a Let's Encrypt certificate (HTTP-01,
   * so each must resolve to the ingress name, usually by a CNAME) that Envoy
   * serves by SNI. An HTTPRoute for a name not listed gets no certificate.
   * @default - only the ingress name (`ingress.<cluster>.<zone>`) has a certificate
   */
  readonly tlsHostnames?: string[];
  /**
   * The Envoy data plane's fixed NodePort for HTTP, which every load balancer
   * targets; inside the cluster's NodePort range.
   * @default 30080
   */
  readonly httpNodePort?: number;
  /**
   * The Envoy data plane's fixed NodePort for HTTPS; inside the NodePort range and not `httpNodePort`.
   * @default 30443
   */
  readonly httpsNodePort?: number;
  /** Chart versions of the in-cluster components. @default - see IngressVersions */
  readonly versions?: IngressVersions;
  /** Who scrapes the Envoy proxies' metrics. @default - the stack installs Prometheus */
  readonly prometheus?: IngressPrometheusOptions;
}

/** Options of `IngressStack.addInClusterStack`. */
export interface AddInClusterStackOptions {
  /**
   * Grafana and Headlamp at one host behind oauth2-proxy, served through this
   * ingress's Gateway (docs/middleware.md).
   * @default - no middleware
   */
  readonly middleware?: MiddlewareOptions;
}

/** Properties of an IngressStack. */
export interface IngressStackProps extends IngressStackOptions {
  /** The cluster whose workers serve the ingress; the IngressStack must be in its stack. */
  readonly cluster: CastCluster;
}

/**
 * An external TLS endpoint for apps: one cloud-native load balancer per cloud
 * that has workers (AWS NLB, GCP target-pool network load balancer, Azure
 * Standard load balancer, DigitalOcean load balancer), each sending 80/443 only
 * to that cloud's workers on the Gateway's fixed NodePorts, and one
 * round-robin DNS name (`ingress.<cluster>.<zone>`) holding every load balancer's
 * address. Apps point their own domains at it with a CNAME and attach HTTPRoutes
 * to the Gateway `cast` in namespace `cast-ingress` (listeners `http`, `https`).
 *
 * The in-cluster part (Envoy Gateway with its data plane on those NodePorts,
 * cert-manager with an ACME ClusterIssuer, Prometheus) goes in a second stack, `addInClusterStack`:
 * its helm and kubernetes providers are configured from the cluster's
 * kubeconfig, and a provider configured from resources created in the same
 * apply cannot be planned before they exist. The second stack reads the
 * kubeconfig output of this one through Terraform remote state, so deploy
 * both in order: `cdktf deploy <cluster stack> <in-cluster stack>`.
 *
 * Create it after the cluster's worker node groups: the load balancers target
 * the workers that exist when it is constructed, and synth fails if workers are
 * added later.
 */
export class IngressStack extends Construct {
  /** The cluster served. */
  public readonly cluster: CastCluster;
  /** The name to point a CNAME at: `<recordName>.<zoneName>`. */
  public readonly hostname: string;
  /** The Envoy data plane's HTTP NodePort. */
  public readonly httpNodePort: number;
  /** The Envoy data plane's HTTPS NodePort. */
  public readonly httpsNodePort: number;
  /** The clouds that have a load balancer: those with workers, in canonical order. */
  public readonly clouds: Cloud[];
  /** The ACME ClusterIssuer's name. */
  public readonly clusterIssuerName: string;
  /** The Gateway routes attach to (HTTPRoute `parentRefs[].name`): `cast`. */
  public readonly gatewayName: string = GATEWAY_NAME;
  /** The Gateway's namespace (HTTPRoute `parentRefs[].namespace`): `cast-ingress`. */
  public readonly gatewayNamespace: string = GATEWAY_NAMESPACE;
  /** The names the `https` listener has certificates for: the ingress name, then `tlsHostnames`. */
  public readonly tlsHostnames: string[];
  /** Each cloud's load balancer address (Terraform references), by cloud. */
  public readonly loadBalancerAddresses: { [cloud: string]: string };

  /** @internal the resolved plan, which the in-cluster stack renders. */
  public readonly _plan: IngressPlan;

  constructor(scope: Construct, id: string, props: IngressStackProps) {
    super(scope, id);
    const cluster = props.cluster;
    // A cluster or node group left unbuilt by problems of its own: report those (every one recorded
    // so far), not what follows from them here (no workers to target).
    if (cluster._incomplete) throwAppProblems(cluster);
    throwProblems(this, [...unresolvedProblems(props), ...placementProblems(this, cluster)]);
    const workers = workersByCloud(cluster);
    // Every problem at once: the plan's and the DNS service's.
    const [planned, planProblems] = tryPlan(() =>
      planIngress({
        clusterName: cluster.name,
        nodePortRange: clusterNodePortRange(cluster),
        reservedPorts: [{ port: cluster.mesh.listenPort, what: 'WireGuard' }],
        workerClouds: [...workers.keys()],
        httpNodePort: props.httpNodePort,
        httpsNodePort: props.httpsNodePort,
        zoneName: props.dns.zoneName,
        recordName: props.dns.recordName,
        ttl: props.dns.ttl,
        acmeEmail: props.acmeEmail,
        acmeServer: props.acmeServer,
        clusterIssuerName: props.clusterIssuerName,
        tlsHostnames: props.tlsHostnames,
        versions: props.versions,
        installPrometheus: props.prometheus?.install,
        serviceMonitorRelease: props.prometheus?.serviceMonitorRelease,
      }),
    );
    throwProblems(this, [...planProblems, ...dnsProblems(props.dns, cluster)]);
    const plan = planned!;
    const kubernetesProblem = envoyGatewayKubernetesProblem(cluster.kubernetesVersion, plan.versions.envoyGateway);
    if (kubernetesProblem) Annotations.of(this).addWarning(`${this.node.path}: ${kubernetesProblem}`);
    if (props.dns.zoneId !== undefined && [DnsService.AZURE_DNS, DnsService.DIGITALOCEAN].includes(props.dns.service)) {
      Annotations.of(this).addWarning(`${this.node.path}: dns.zoneId is ignored by ${DNS_SERVICE_DISPLAY_NAME[props.dns.service]} (got "${props.dns.zoneId}"), whose zones are named by their domain. Remove it.`);
    }

    this.cluster = cluster;
    this._plan = plan;
    this.hostname = plan.hostname;
    this.httpNodePort = plan.ports[0].nodePort;
    this.httpsNodePort = plan.ports[1].nodePort;
    this.clouds = [...plan.clouds];
    this.clusterIssuerName = plan.acme.clusterIssuerName;
    this.tlsHostnames = [...plan.tlsHostnames];

    this.loadBalancerAddresses = buildLoadBalancers(this, cluster, plan, workers);
    const dns = buildDns(this, cluster, plan, props.dns, this.loadBalancerAddresses);
    addIngressOutputs(this, cluster, this.loadBalancerAddresses, dns.nameServers);

    const targeted = new Set([...workers.values()].flat().map((worker) => worker.name));
    this.node.addValidation({ validate: () => lateWorkerProblems(cluster, targeted) });
  }

  /**
   * Adds the cluster's in-cluster stack under `scope` (the App), with this
   * ingress: Envoy Gateway and the Gateway on the fixed NodePorts, cert-manager,
   * the ClusterIssuer and the certificates, Prometheus, besides the cluster's own in-cluster
   * configuration (InClusterStack), and given `options.middleware`, Grafana and
   * Headlamp behind single sign-on. Deploy it after the cluster's stack.
   */
  public addInClusterStack(scope: Construct, id: string, options: AddInClusterStackOptions = {}): InClusterStack {
    return new InClusterStack(scope, id, { cluster: this.cluster, ingress: this, middleware: options.middleware });
  }
}

/** One load balancer per cloud with workers, in `<scope>/<cloud>`; returns each one's address. */
function buildLoadBalancers(scope: Construct, cluster: CastCluster, plan: IngressPlan, workers: Map<Cloud, WorkerTarget[]>): { [cloud: string]: string } {
  const addresses: { [cloud: string]: string } = {};
  for (const cloud of plan.clouds) {
    const network = cluster.network(cloud);
    addresses[cloud] = LOAD_BALANCER_BUILDERS[cloud](new Construct(scope, cloud), {
      name: `${cluster.name}-ingress`,
      clusterName: cluster.name,
      labels: cluster._labels,
      region: network.cloudRegion,
      zone: network.zone,
      networkId: network.networkId,
      subnetId: network.subnetId,
      workerFirewall: network.firewallFor(NodeRole.WORKER),
      resourceGroupName: network._attachment.resourceGroupName,
      ports: plan.ports,
      healthCheck: plan.healthCheck,
      workers: workers.get(cloud)!,
      provider: cluster.provider(cloud),
    }).address;
  }
  return addresses;
}

/** The zone and the round-robin records, in `<scope>/dns`, on the user's provider or the cluster's. */
function buildDns(scope: Construct, cluster: CastCluster, plan: IngressPlan, dns: IngressDnsOptions, addresses: { [cloud: string]: string }): DnsAttachment {
  const clusterResourceGroup = cluster.clouds.includes(Cloud.AZURE) ? cluster.network(Cloud.AZURE)._attachment.resourceGroupName : undefined;
  return DNS_BUILDERS[dns.service](new Construct(scope, 'dns'), {
    zoneName: plan.zoneName,
    recordName: plan.recordName,
    hostname: plan.hostname,
    ttl: plan.ttl,
    createZone: dns.createZone ?? false,
    zoneId: dns.zoneId,
    resourceGroupName: dns.azureResourceGroupName ?? clusterResourceGroup,
    addresses: plan.clouds.map((cloud) => ({ cloud, address: addresses[cloud] })),
    labels: cluster._labels,
    provider: dns.provider ?? cluster.provider(DNS_SERVICE_CLOUD[dns.service]),
  });
}

/** The plan, or the problems the planner found. */
function tryPlan(plan: () => IngressPlan): [IngressPlan | undefined, readonly string[]] {
  try {
    return [plan(), []];
  } catch (error) {
    if (error instanceof PlanError) return [undefined, error.problems];
    throw error;
  }
}

/** Values the planner must parse cannot be Terraform references. */
function unresolvedProblems(props: IngressStackProps): string[] {
  const mustBeConcrete: [string, unknown][] = [
    ['dns.zoneName', props.dns.zoneName],
    ['dns.recordName', props.dns.recordName],
    ['dns.ttl', props.dns.ttl],
    ['acmeEmail', props.acmeEmail],
    ['clusterIssuerName', props.clusterIssuerName],
    ['httpNodePort', props.httpNodePort],
    ['httpsNodePort', props.httpsNodePort],
    ['tlsHostnames', props.tlsHostnames],
    ...(props.tlsHostnames ?? []).map((name, i): [string, unknown] => [`tlsHostnames[${i}]`, name]),
  ];
  return mustBeConcrete
    .filter(([, value]) => value !== undefined && Token.isUnresolved(value))
    .map(([prop]) => `${prop} must be a concrete value (got a Token): it is checked and rendered at synth time. Pass a literal.`);
}

/** The load balancers use the cluster's providers, which live in the cluster's stack. */
function placementProblems(ingress: IngressStack, cluster: CastCluster): string[] {
  const mine = TerraformStack.of(ingress);
  const theirs = TerraformStack.of(cluster);
  if (mine === theirs) return [];
  return [`scope must be in the cluster's stack (got stack "${mine.node.path}", the cluster is in "${theirs.node.path}"). Create the IngressStack under ${theirs.node.path}: its load balancers use the cluster's providers.`];
}

const ROUTE53_ZONE_ID = /^[A-Z0-9]{1,32}$/;
const CLOUD_DNS_ZONE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

function dnsProblems(dns: IngressDnsOptions, cluster: CastCluster): string[] {
  const problems: string[] = [];
  const cloud = DNS_SERVICE_CLOUD[dns.service];
  const service = DNS_SERVICE_DISPLAY_NAME[dns.service];
  const spans = cluster.clouds.map((c) => CLOUD_DISPLAY_NAME[c]).join(', ');
  if (!dns.provider && !cluster.clouds.includes(cloud)) {
    problems.push(
      `dns.provider must be given for ${service} when the cluster does not span ${CLOUD_DISPLAY_NAME[cloud]} (got none; the cluster spans ${spans}). Pass dns.provider: a provider for ${CLOUD_DISPLAY_NAME[cloud]} with credentials for the zone, or pick the DNS service of a cloud the cluster spans.`,
    );
  }
  if (dns.service === DnsService.AZURE_DNS && dns.azureResourceGroupName === undefined && !cluster.clouds.includes(Cloud.AZURE)) {
    problems.push(`dns.azureResourceGroupName must be given for Azure DNS when the cluster does not span Azure (got none; the cluster spans ${spans}). Name the resource group the zone is (or is to be created) in.`);
  }
  const zoneId = dns.zoneId;
  if (zoneId !== undefined && !Token.isUnresolved(zoneId)) {
    if (dns.service === DnsService.ROUTE53 && dns.createZone) {
      problems.push(`dns.zoneId must be left out when dns.createZone is true on Route 53 (got "${zoneId}"): AWS assigns a new zone its id. Remove zoneId, or use that zone by leaving createZone false.`);
    } else if (dns.service === DnsService.ROUTE53 && !ROUTE53_ZONE_ID.test(zoneId)) {
      problems.push(`dns.zoneId must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ (got "${zoneId}"). Copy the id without the /hostedzone/ prefix, or leave it out to look the zone up by name.`);
    } else if (dns.service === DnsService.CLOUD_DNS && !CLOUD_DNS_ZONE_NAME.test(zoneId)) {
      problems.push(`dns.zoneId must be a Cloud DNS managed zone name: lowercase letters, digits and dashes, at most 63 (got "${zoneId}"). Use the zone's name, not its DNS name.`);
    }
  }
  return problems;
}

/** Workers added after the IngressStack would sit behind no load balancer (cdktf prefixes the construct path). */
function lateWorkerProblems(cluster: CastCluster, targeted: ReadonlySet<string>): string[] {
  const late = [...workersByCloud(cluster).values()].flat().map((worker) => worker.name).filter((name) => !targeted.has(name));
  if (late.length === 0) return [];
  return [
    `cluster must get no worker nodes after its IngressStack is created (got ${late.join(', ')}, which no load balancer targets). Create the IngressStack after the last addNodeGroup with workers.`,
  ];
}
