/**
 * The ingress plan: every choice IngressStack makes, resolved and checked in
 * one pure computation that the load balancers, the DNS records and the
 * in-cluster values all read (one plan, many views).
 *
 *   client ──▶ ingress.<cluster>.<zone>  (one A record per cloud with workers)
 *                 │ 80/443
 *                 ▼
 *          cloud load balancer ──▶ that cloud's workers on httpNodePort/httpsNodePort
 *                                      ▼
 *          Envoy (Envoy Gateway's data plane: a DaemonSet behind the Gateway `cast`,
 *                 NodePort Service, externalTrafficPolicy Local)
 */
import { Cloud, sortClouds } from '../cloud';
import { PortRange } from '../firewall-plan';
import { ProblemList } from '../plan-error';
import { ACME_SERVER_URL, AcmeServer } from './acme-server';
import { domainNameProblem, emailProblem, isLabelValue, isObjectName, relativeNameProblem } from './dns-names';
import {
  ChartVersions, DEFAULT_CHART_VERSIONS, DEFAULT_CLUSTER_ISSUER, DEFAULT_HTTP_NODE_PORT, DEFAULT_HTTPS_NODE_PORT, DEFAULT_RECORD_TTL,
  ENVOY_GATEWAY_KUBERNETES, HEALTH_CHECK_PATH, HTTP_PORT, HTTPS_PORT,
} from './ingress-defaults';

/** A port the nodes listen on themselves, which no NodePort may take. */
export interface ReservedPort {
  readonly port: number;
  readonly what: string;
}

/** What the ingress planner needs: the user's options and what the cluster knows. */
export interface IngressPlanInput {
  readonly clusterName: string;
  /** The cluster's NodePort range. */
  readonly nodePortRange: PortRange;
  /** Ports of the cluster's own beyond the fixed list (the WireGuard listen port). */
  readonly reservedPorts?: readonly ReservedPort[];
  /** The clouds that have worker nodes. */
  readonly workerClouds: readonly Cloud[];
  readonly httpNodePort?: number;
  readonly httpsNodePort?: number;
  readonly zoneName: string;
  readonly recordName?: string;
  readonly ttl?: number;
  readonly acmeEmail: string;
  readonly acmeServer?: AcmeServer;
  readonly clusterIssuerName?: string;
  /** Names the Gateway's `https` listener gets certificates for, besides the ingress name. */
  readonly tlsHostnames?: readonly string[];
  readonly versions?: Partial<ChartVersions>;
  readonly installPrometheus?: boolean;
  readonly serviceMonitorRelease?: string;
}

/** One port of the load balancers: what clients use and the NodePort behind it. */
export interface IngressPort {
  /** `http` or `https`: names listeners, rules and target groups. */
  readonly name: 'http' | 'https';
  readonly port: number;
  readonly nodePort: number;
}

/** The resolved ingress. */
export interface IngressPlan {
  readonly clusterName: string;
  /** The clouds that get a load balancer (those with workers), in canonical order. */
  readonly clouds: readonly Cloud[];
  /** http first, then https. */
  readonly ports: readonly IngressPort[];
  /** Every load balancer's health check: HTTP GET `path` on `nodePort`. */
  readonly healthCheck: { readonly nodePort: number; readonly path: string };
  /** The zone's domain, without a trailing dot. */
  readonly zoneName: string;
  /** The record's name relative to the zone, e.g. `ingress.prod`. */
  readonly recordName: string;
  /** The name users point their CNAME at: `<recordName>.<zoneName>`. */
  readonly hostname: string;
  readonly ttl: number;
  readonly acme: { readonly email: string; readonly server: AcmeServer; readonly serverUrl: string; readonly clusterIssuerName: string };
  /**
   * The names the `https` listener serves with a certificate of their own (one
   * cert-manager Certificate each, picked by SNI): the ingress name first, then
   * `tlsHostnames` in the order given.
   */
  readonly tlsHostnames: readonly string[];
  readonly versions: ChartVersions;
  readonly prometheus: { readonly install: boolean; readonly serviceMonitorRelease?: string };
}

// Ports a node listens on; a NodePort on one of them could never be bound.
const NODE_PORTS: readonly ReservedPort[] = [
  { port: 22, what: 'SSH' },
  { port: 2379, what: 'etcd client' },
  { port: 2380, what: 'etcd peer' },
  { port: 6443, what: 'kube-apiserver' },
  { port: 10249, what: 'kube-proxy metrics' },
  { port: 10250, what: 'kubelet' },
  { port: 10256, what: 'kube-proxy health' },
  { port: 10257, what: 'kube-controller-manager' },
  { port: 10259, what: 'kube-scheduler' },
];
// A Helm chart version: semantic version, with cert-manager's optional leading v.
const CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const MIN_TTL = 30; // DigitalOcean's minimum
const MAX_TTL = 86400;

/** Plans the ingress; throws a PlanError listing every bad input. */
export function planIngress(input: IngressPlanInput): IngressPlan {
  const problems = new ProblemList();
  const clouds = sortClouds(input.workerClouds);
  if (clouds.length === 0) {
    problems.add(`cluster must have worker nodes before an IngressStack is created (got none: only workers carry ingress traffic). Add a node group with role NodeRole.WORKER, then create the IngressStack.`);
  }
  const ports = planPorts(input, problems);
  const names = planNames(input, problems);
  const ttl = input.ttl ?? DEFAULT_RECORD_TTL;
  if (!Number.isInteger(ttl) || ttl < MIN_TTL || ttl > MAX_TTL) {
    problems.add(`dns.ttl must be a whole number of seconds from ${MIN_TTL} to ${MAX_TTL} (got ${ttl}). DigitalOcean refuses less than ${MIN_TTL}; the default is ${DEFAULT_RECORD_TTL}.`);
  }

  const emailTrouble = emailProblem(input.acmeEmail);
  if (emailTrouble) problems.add(`acmeEmail must be an email address like ops@example.com (got "${input.acmeEmail}": it ${emailTrouble}). Let's Encrypt sends expiry notices there: use a mailbox you read.`);
  const clusterIssuerName = input.clusterIssuerName ?? DEFAULT_CLUSTER_ISSUER;
  if (!isObjectName(clusterIssuerName)) {
    problems.add(`clusterIssuerName must be a Kubernetes object name: lowercase letters, digits, "-" and "." (got "${clusterIssuerName}"). Use e.g. "${DEFAULT_CLUSTER_ISSUER}".`);
  }
  const tlsHostnames = planTlsHostnames(input.tlsHostnames ?? [], names.hostname, problems);
  const versions = { ...DEFAULT_CHART_VERSIONS, ...definedOnly(input.versions ?? {}) };
  for (const [key, version] of Object.entries(versions)) {
    if (!CHART_VERSION.test(version)) {
      const example = DEFAULT_CHART_VERSIONS[key as keyof ChartVersions];
      problems.add(`versions.${key} must be an exact chart version like ${example} (got "${version}"). Pin a version from the chart's repository; ranges and "latest" would change the cluster on their own.`);
    }
  }
  const release = input.serviceMonitorRelease;
  if (release !== undefined && (release === '' || !isLabelValue(release))) {
    problems.add(`prometheus.serviceMonitorRelease must be a Kubernetes label value: your Prometheus Operator's release name (got "${release}"). Use the value of the "release" label its serviceMonitorSelector matches.`);
  }
  problems.throwIfAny();

  const acmeServer = input.acmeServer ?? AcmeServer.PRODUCTION;
  return {
    clusterName: input.clusterName,
    clouds,
    ports,
    healthCheck: { nodePort: ports[0].nodePort, path: HEALTH_CHECK_PATH },
    ...names,
    ttl,
    acme: { email: input.acmeEmail, server: acmeServer, serverUrl: ACME_SERVER_URL[acmeServer], clusterIssuerName },
    tlsHostnames,
    versions,
    prometheus: { install: input.installPrometheus ?? release === undefined, serviceMonitorRelease: release },
  };
}

function planPorts(input: IngressPlanInput, problems: ProblemList): IngressPort[] {
  const range = input.nodePortRange;
  const http = input.httpNodePort ?? DEFAULT_HTTP_NODE_PORT;
  const https = input.httpsNodePort ?? DEFAULT_HTTPS_NODE_PORT;
  const reserved = [...NODE_PORTS, ...(input.reservedPorts ?? [])];
  for (const [prop, port] of [['httpNodePort', http], ['httpsNodePort', https]] as const) {
    const clash = reserved.find((r) => r.port === port);
    if (!Number.isInteger(port) || port < range.from || port > range.to) {
      problems.add(`${prop} must be a whole port inside the cluster's NodePort range ${range.from}-${range.to} (got ${port}). Pick one in that range, or move the range with the cluster's firewall.nodePortRange.`);
    } else if (clash) {
      problems.add(`${prop} must not be a port the nodes listen on (got ${port}, the ${clash.what} port). Pick another port in ${range.from}-${range.to}.`);
    }
  }
  if (http === https) {
    problems.add(`httpsNodePort must differ from httpNodePort (got ${https} for both): one NodePort serves one Service port. Use e.g. ${DEFAULT_HTTP_NODE_PORT} and ${DEFAULT_HTTPS_NODE_PORT}.`);
  }
  return [
    { name: 'http', port: HTTP_PORT, nodePort: http },
    { name: 'https', port: HTTPS_PORT, nodePort: https },
  ];
}

function planNames(input: IngressPlanInput, problems: ProblemList): { zoneName: string; recordName: string; hostname: string } {
  // A trailing dot is how zone files write names; the providers want it without.
  const zoneName = input.zoneName.endsWith('.') ? input.zoneName.slice(0, -1) : input.zoneName;
  const recordName = input.recordName ?? `ingress.${input.clusterName}`;
  const zoneTrouble = domainNameProblem(zoneName);
  if (zoneTrouble) problems.add(`dns.zoneName must be a public domain name like example.com (got "${input.zoneName}": it ${zoneTrouble}). Use the zone's domain as your registrar shows it.`);
  const recordTrouble = relativeNameProblem(recordName);
  if (recordTrouble) {
    problems.add(`dns.recordName must be a name relative to the zone, like ingress.${input.clusterName} (got "${recordName}": it ${recordTrouble}). Leave out the zone's own name.`);
  }
  const hostname = `${recordName}.${zoneName}`;
  if (!zoneTrouble && !recordTrouble && hostname.length > 253) {
    problems.add(`dns.recordName must leave the hostname within DNS's 253 characters (got "${hostname}", ${hostname.length}). Shorten the record name.`);
  }
  return { zoneName, recordName, hostname };
}

/**
 * Let's Encrypt issues by HTTP-01 only for exact names (a wildcard needs DNS-01:
 * https://letsencrypt.org/docs/challenge-types/), and Envoy picks the certificate by
 * SNI, so each name appears once.
 */
function planTlsHostnames(names: readonly string[], ingressHostname: string, problems: ProblemList): string[] {
  const seen = new Set<string>([ingressHostname]);
  for (const name of names) {
    const trouble = name.startsWith('*.') ? 'is a wildcard, which HTTP-01 cannot validate' : domainNameProblem(name);
    if (trouble) {
      problems.add(`tlsHostnames must hold public domain names like shop.example.com (got "${name}": it ${trouble}). List each name your apps serve over HTTPS.`);
    } else if (seen.has(name)) {
      problems.add(`tlsHostnames must not repeat a name or list the ingress name (got "${name}" twice). The ingress name ${ingressHostname} always has a certificate; remove the duplicate.`);
    }
    seen.add(name);
  }
  return [...seen];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Why `kubernetesVersion` (e.g. 1.32.4) is outside what Envoy Gateway `envoyGatewayVersion`
 * supports (ENVOY_GATEWAY_KUBERNETES), or undefined (also for a release the table does not know).
 */
export function envoyGatewayKubernetesProblem(kubernetesVersion: string, envoyGatewayVersion: string): string | undefined {
  const eg = /^v?(\d+)\.(\d+)\./.exec(envoyGatewayVersion);
  const k8s = /^v?1\.(\d+)\./.exec(kubernetesVersion);
  const supported = eg ? ENVOY_GATEWAY_KUBERNETES[`v${eg[1]}.${eg[2]}`] : undefined;
  if (!supported || !k8s) return undefined;
  const minor = Number(k8s[1]);
  if (minor >= supported.oldest && minor <= supported.newest) return undefined;
  return `cluster.kubernetesVersion ${kubernetesVersion} is outside what Envoy Gateway ${envoyGatewayVersion} supports (Kubernetes 1.${supported.oldest} to 1.${supported.newest}). Upgrade the cluster to 1.${supported.oldest} or later (docs/upgrades.md), or pin versions.envoyGateway to a release that supports it.`;
}
