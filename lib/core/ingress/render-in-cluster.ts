/**
 * The in-cluster views of the ingress plan: Helm values of each chart and the
 * manifests of the Gateway, its data plane and its certificates, rendered from
 * the template files in templates/ingress/ with named values. Pure; no cdktf import.
 *
 * Every value is JSON (a YAML flow scalar or collection), escaped for Terraform
 * so that Terraform hands it to Helm unchanged; the one exception is the GCP
 * load balancer's address, which the caller passes as a Terraform expression.
 */
import { createHash } from 'node:crypto';
import { escapeTerraformTemplate, renderTemplateFile } from '../bootstrap/render-template';
import {
  ENVOY_PROXY_IMAGES, ENVOY_METRICS_PATH, ENVOY_PROXY_NAME, GATEWAY_CLASS_NAME, GATEWAY_NAME, GATEWAY_NAMESPACE, HEALTH_CHECK_PATH, HTTP_LISTENER, HTTPS_LISTENER,
} from './ingress-defaults';
import { IngressPlan, IngressPort } from './ingress-plan';

/** How long the installed Prometheus keeps samples. */
export const PROMETHEUS_RETENTION = '15d';

/**
 * Envoy's shutdown: at least 30 s between failing the health check and exiting, so
 * that every cloud's check (2 failures 10 s apart: lib/ingress/*.ts) has taken the
 * node out; at most 60 s (Envoy Gateway's default drainTimeout) for connections to end.
 */
export const ENVOY_MIN_DRAIN = '30s';
export const ENVOY_DRAIN_TIMEOUT = '60s';

/**
 * Envoy Gateway moves a listener on a privileged port to port + 10000 inside the pod
 * and names its Service port `<protocol>-<port>` (envoyproxy/gateway v1.9.0
 * internal/gatewayapi/translator.go `wellKnownPortShift`, helpers.go `irListenerPortName`).
 */
const PRIVILEGED_PORT_SHIFT = 10000;

/** Values of Envoy Gateway's CRD chart: the Gateway API standard channel and Envoy Gateway's kinds. */
export function renderEnvoyGatewayCrdsValues(_plan: IngressPlan): string {
  return renderTemplateFile('ingress/envoy-gateway-crds-values.yaml', {});
}

/** Values of Envoy Gateway's chart (the controller): its CRDs come from the CRD chart. */
export function renderEnvoyGatewayValues(_plan: IngressPlan): string {
  return renderTemplateFile('ingress/envoy-gateway-values.yaml', {});
}

/** Values of the cert-manager chart, with its Gateway API support on. */
export function renderCertManagerValues(_plan: IngressPlan): string {
  return renderTemplateFile('ingress/cert-manager-values.yaml', {});
}

/** Values of the prometheus chart (installed unless the user names their own Prometheus). */
export function renderPrometheusValues(_plan: IngressPlan): string {
  return renderTemplateFile('ingress/prometheus-values.yaml', { retention: literal(PROMETHEUS_RETENTION) });
}

/** What the Gateway's manifests need beyond the plan. */
export interface GatewayManifestsInput {
  /** Labels of every object (the cluster's). */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * GCP's load balancer address, a Terraform expression (`${...}`) or a literal IPv4
   * address, inserted as it is; absent when the cluster has no GCP workers.
   */
  readonly gcpAddress?: string;
}

/**
 * The data plane and the Gateway, in the order they are applied: the EnvoyProxy,
 * the GatewayClass that points to it, the Gateway, and the ClientTrafficPolicy that
 * answers the load balancers' health check.
 */
export function renderGatewayManifests(plan: IngressPlan, input: GatewayManifestsInput): string[] {
  const labels = literal(input.labels);
  return [
    renderTemplateFile('ingress/envoy-proxy.yaml', {
      name: literal(ENVOY_PROXY_NAME),
      namespace: literal(GATEWAY_NAMESPACE),
      labels,
      service_ports: literal(plan.ports.map(servicePort)),
      // The EnvoyProxy's `container.image` replaces Envoy Gateway's default image (envoyproxy_types.go).
      daemon_set: literal(ENVOY_PROXY_IMAGES[plan.versions.envoyGateway] ? { container: { image: ENVOY_PROXY_IMAGES[plan.versions.envoyGateway] } } : {}),
      min_drain: literal(ENVOY_MIN_DRAIN),
      drain_timeout: literal(ENVOY_DRAIN_TIMEOUT),
    }),
    renderTemplateFile('ingress/gateway-class.yaml', {
      name: literal(GATEWAY_CLASS_NAME),
      labels,
      envoy_proxy: literal(ENVOY_PROXY_NAME),
      namespace: literal(GATEWAY_NAMESPACE),
    }),
    renderTemplateFile('ingress/gateway.yaml', {
      name: literal(GATEWAY_NAME),
      namespace: literal(GATEWAY_NAMESPACE),
      labels,
      gateway_class: literal(GATEWAY_CLASS_NAME),
      // The address is a Terraform expression: JSON around it, the expression itself left for Terraform.
      addresses: input.gcpAddress === undefined ? '[]' : `[{"type": "IPAddress", "value": "${input.gcpAddress}"}]`,
      http_listener: literal(HTTP_LISTENER),
      http_port: literal(plan.ports[0].port),
      https_listener: literal(HTTPS_LISTENER),
      https_port: literal(plan.ports[1].port),
      certificate_refs: literal(plan.tlsHostnames.map((host) => ({ group: '', kind: 'Secret', name: certificateName(host) }))),
    }),
    renderTemplateFile('ingress/client-traffic-policy.yaml', {
      name: literal(`${GATEWAY_NAME}-health-check`),
      namespace: literal(GATEWAY_NAMESPACE),
      labels,
      gateway: literal(GATEWAY_NAME),
      listener: literal(HTTP_LISTENER),
      path: literal(HEALTH_CHECK_PATH),
    }),
  ];
}

/**
 * The Service port Envoy Gateway makes for a listener, with the fixed NodePort: the
 * whole port, not only `nodePort`, so that a listener Envoy Gateway leaves out (an
 * `https` listener before its first certificate exists) still gives a valid port
 * (a Service with several ports needs each named) instead of a nameless one.
 */
function servicePort(port: IngressPort): Record<string, unknown> {
  return { name: `${port.name}-${port.port}`, protocol: 'TCP', port: port.port, targetPort: port.port + PRIVILEGED_PORT_SHIFT, nodePort: port.nodePort };
}

/** The ACME ClusterIssuer, solving HTTP-01 through the Gateway's `http` listener. */
export function renderClusterIssuer(plan: IngressPlan, labels: Readonly<Record<string, string>>): string {
  return renderTemplateFile('ingress/cluster-issuer.yaml', {
    name: literal(plan.acme.clusterIssuerName),
    labels: literal(labels),
    email: literal(plan.acme.email),
    server: literal(plan.acme.serverUrl),
    account_key_secret: literal(`${plan.acme.clusterIssuerName}-account-key`),
    parent_refs: literal([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName: HTTP_LISTENER }]),
  });
}

/** One Certificate per name of the `https` listener, in the Gateway's namespace (a listener reads Secrets of its own namespace). */
export function renderCertificates(plan: IngressPlan, labels: Readonly<Record<string, string>>): string[] {
  return plan.tlsHostnames.map((host) => renderTemplateFile('ingress/certificate.yaml', {
    name: literal(certificateName(host)),
    namespace: literal(GATEWAY_NAMESPACE),
    labels: literal(labels),
    secret_name: literal(certificateName(host)),
    dns_names: literal([host]),
    issuer: literal(plan.acme.clusterIssuerName),
  }));
}

/** The PodMonitor of Envoy's proxies, for the Prometheus Operator the user names; none otherwise. */
export function renderPodMonitors(plan: IngressPlan, labels: Readonly<Record<string, string>>): string[] {
  const release = plan.prometheus.serviceMonitorRelease;
  if (release === undefined) return [];
  return [renderTemplateFile('ingress/pod-monitor.yaml', {
    name: literal('envoy'),
    namespace: literal(GATEWAY_NAMESPACE),
    labels: literal({ ...labels, release }),
    path: literal(ENVOY_METRICS_PATH),
  })];
}

/**
 * The Certificate and Secret name of a host: `<host>-tls`, which is an object name
 * (the host's labels, then `-tls`). cert-manager copies it into label values (at most
 * 63 characters), so a longer host keeps its head and a hash that keeps names distinct.
 */
export function certificateName(host: string): string {
  const name = `${host}-tls`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(host, 'utf8').digest('hex').slice(0, 8);
  return `${host.slice(0, 50).replace(/[.-]+$/, '')}-${hash}-tls`;
}

/** Values of the cast-manifests chart (templates/ingress/charts/cast-manifests): one rendered document per entry. */
export function renderManifestsChartValues(manifests: readonly string[]): string {
  // JSON is YAML; the manifests are already escaped for Terraform.
  return `${JSON.stringify({ manifests }, null, 2)}\n`;
}

/** A literal value for a placeholder: JSON, escaped so Terraform does not interpolate it. */
function literal(value: unknown): string {
  return escapeTerraformTemplate(JSON.stringify(value));
}
