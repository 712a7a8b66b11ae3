/**
 * The in-cluster views of the ingress plan: Helm values of each chart and the
 * ClusterIssuer manifest, rendered from the template files in
 * templates/ingress/ with named values. Pure; no cdktf import.
 *
 * Every value is JSON (a YAML flow scalar or collection), escaped for Terraform
 * so that Terraform hands it to Helm unchanged.
 */
import { escapeTerraformTemplate, renderTemplateFile } from '../bootstrap/render-template';
import { INGRESS_CLASS, METRICS_PORT } from './ingress-defaults';
import { IngressPlan } from './ingress-plan';

/** How long the installed Prometheus keeps samples. */
export const PROMETHEUS_RETENTION = '15d';

/** Values of the ingress-nginx chart: the fixed NodePorts, the metrics and how they are scraped. */
export function renderIngressNginxValues(plan: IngressPlan): string {
  const [http, https] = plan.ports;
  const release = plan.prometheus.serviceMonitorRelease;
  return renderTemplateFile('ingress/ingress-nginx-values.yaml', {
    ingress_class: literal(INGRESS_CLASS),
    http_node_port: literal(http.nodePort),
    https_node_port: literal(https.nodePort),
    metrics_port: literal(String(METRICS_PORT)),
    metrics_port_number: literal(METRICS_PORT),
    service_monitor_enabled: literal(release !== undefined),
    service_monitor_labels: literal(release === undefined ? {} : { release }),
  });
}

/** Values of the cert-manager chart. */
export function renderCertManagerValues(_plan: IngressPlan): string {
  return renderTemplateFile('ingress/cert-manager-values.yaml', {});
}

/** Values of the prometheus chart (installed unless the user names their own Prometheus). */
export function renderPrometheusValues(_plan: IngressPlan): string {
  return renderTemplateFile('ingress/prometheus-values.yaml', { retention: literal(PROMETHEUS_RETENTION) });
}

/** The ACME ClusterIssuer, labelled like every other resource of the cluster. */
export function renderClusterIssuer(plan: IngressPlan, labels: Readonly<Record<string, string>>): string {
  return renderTemplateFile('ingress/cluster-issuer.yaml', {
    name: literal(plan.acme.clusterIssuerName),
    labels: literal(labels),
    email: literal(plan.acme.email),
    server: literal(plan.acme.serverUrl),
    account_key_secret: literal(`${plan.acme.clusterIssuerName}-account-key`),
    ingress_class: literal(INGRESS_CLASS),
  });
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
