/**
 * The in-cluster views of the middleware plan: the Helm values of oauth2-proxy,
 * Grafana and Headlamp, and the manifests that decide who reaches them (the
 * HTTPRoutes to oauth2-proxy and the NetworkPolicies), rendered from the template
 * files in templates/middleware/ with named values. Pure; no cdktf import.
 *
 * Every value is JSON (a YAML flow scalar or collection, and a TOML string or
 * array in oauth2-proxy's configuration file), escaped for Terraform so that
 * Terraform hands it to Helm unchanged. No secret passes through here: the
 * client secret and the cookie secret are in a Secret Terraform makes.
 */
import { escapeTerraformTemplate, renderTemplateFile, unescapeTerraformTemplate } from '../bootstrap/render-template';
import { readTemplateFile } from '../bootstrap/template-files';
import { GATEWAY_NAME, GATEWAY_NAMESPACE, HTTP_LISTENER, HTTPS_LISTENER } from '../ingress/ingress-defaults';
import {
  GRAFANA_PATH, GRAFANA_PORT, HEADLAMP_CLUSTER_ROLE, HEADLAMP_PATH, HEADLAMP_PORT, MIDDLEWARE_CHARTS, MIDDLEWARE_NAMESPACE, OAUTH2_PROXY_PORT, PinnedImage, SERVICE_PORT,
} from './middleware-defaults';
import { MiddlewarePlan } from './middleware-plan';

/**
 * The Secret oauth2-proxy reads `client-id`, `client-secret` and `cookie-secret` from
 * (helm/oauth2-proxy/templates/deployment.yaml: OAUTH2_PROXY_CLIENT_ID, _CLIENT_SECRET,
 * _COOKIE_SECRET from those keys of `config.existingSecret`).
 */
export const OAUTH2_PROXY_SECRET = 'oauth2-proxy-client';
export const OAUTH2_PROXY_SECRET_KEYS = { clientId: 'client-id', clientSecret: 'client-secret', cookieSecret: 'cookie-secret' } as const;

/** Names of the manifests this module renders. */
export const MIDDLEWARE_ROUTE = 'middleware';
export const MIDDLEWARE_REDIRECT_ROUTE = 'middleware-https-redirect';

/** The labels the charts put on their pods: `app.kubernetes.io/name` (the chart) and `instance` (the release), each chart's `selectorLabels`. */
export function podSelector(chart: { readonly chart: string; readonly release: string }): Record<string, string> {
  return { 'app.kubernetes.io/name': chart.chart, 'app.kubernetes.io/instance': chart.release };
}

/** In-cluster URL of a chart's Service under `path` (the Service is the release name: `fullnameOverride`). */
function upstream(release: string, path: string): string {
  return `http://${release}.${MIDDLEWARE_NAMESPACE}.svc.cluster.local${path}`;
}

/** Values of the oauth2-proxy chart: OIDC against the issuer, the two upstreams by path, who may sign in. */
export function renderOauth2ProxyValues(plan: MiddlewarePlan): string {
  const emails = plan.allowedEmails;
  const config = unescapeTerraformTemplate(renderTemplateFile('middleware/oauth2-proxy.cfg', {
    issuer_url: JSON.stringify(plan.issuerUrl),
    redirect_url: JSON.stringify(plan.redirectUrl),
    upstreams: JSON.stringify([
      upstream(MIDDLEWARE_CHARTS.grafana.release, GRAFANA_PATH),
      upstream(MIDDLEWARE_CHARTS.headlamp.release, HEADLAMP_PATH),
    ]),
    email_domains: JSON.stringify(emails.length > 0 ? [] : ['*']),
    allowed_groups: JSON.stringify(plan.allowedGroups),
  }));
  return renderTemplateFile('middleware/oauth2-proxy-values.yaml', {
    fullname: literal(MIDDLEWARE_CHARTS.oauth2Proxy.release),
    secret_name: literal(OAUTH2_PROXY_SECRET),
    config_file: literal(config),
    // The chart writes the list to a ConfigMap and passes --authenticated-emails-file
    // (templates/configmap-authenticated-emails-file.yaml, deployment.yaml).
    emails_file: literal(emails.length > 0
      ? { enabled: true, persistence: 'configmap', restricted_access: emails.join('\n') }
      : { enabled: false }),
    // The chart's image is `<registry>/<repository>:<image.tag>` (templates/deployment.yaml), so a
    // tag with the digest appended pins it; labels use the chart's appVersion, not this tag (_helpers.tpl).
    image: literal(plan.images.oauth2Proxy ? { tag: taggedDigest(plan.images.oauth2Proxy) } : {}),
  });
}

/** Values of the grafana chart: at /grafana/, trusting oauth2-proxy's X-Forwarded-Email, Prometheus and the cluster dashboard provisioned. */
export function renderGrafanaValues(plan: MiddlewarePlan): string {
  return renderTemplateFile('middleware/grafana-values.yaml', {
    fullname: literal(MIDDLEWARE_CHARTS.grafana.release),
    // `<registry>/<repository>:<tag or appVersion>@sha256:<image.sha>` when image.sha is set (templates/_pod.tpl).
    image: literal(plan.images.grafana ? { tag: plan.images.grafana.tag, sha: plan.images.grafana.digest.replace(/^sha256:/, '') } : {}),
    host: literal(plan.host),
    root_url: literal(plan.grafanaUrl),
    role: literal(plan.grafanaRole),
    prometheus_url: literal(plan.prometheusUrl),
    // The dashboard's legends hold `{{namespace}}`: it is a value, never a template.
    dashboard: literal(readTemplateFile('middleware/cluster-dashboard.json')),
  });
}

/** Values of the headlamp chart: at /headlamp/, as its ServiceAccount bound to the read-only ClusterRole. */
export function renderHeadlampValues(plan: MiddlewarePlan): string {
  return renderTemplateFile('middleware/headlamp-values.yaml', {
    fullname: literal(MIDDLEWARE_CHARTS.headlamp.release),
    // `<registry>/<repository>:<image.tag>` (templates/deployment.yaml); labels use the chart's appVersion (_helpers.tpl).
    image: literal(plan.images.headlamp ? { tag: taggedDigest(plan.images.headlamp) } : {}),
    base_url: literal(HEADLAMP_PATH.replace(/\/$/, '')),
    cluster_role: literal(HEADLAMP_CLUSTER_ROLE),
  });
}

/**
 * The manifests that decide who reaches the middleware, in the order applied: the
 * HTTPS route of the host to oauth2-proxy (its only backend), the HTTP-to-HTTPS
 * redirect, and the NetworkPolicies: Grafana and Headlamp accept connections from
 * oauth2-proxy only, oauth2-proxy from the Gateway's namespace only.
 */
export function renderMiddlewareManifests(plan: MiddlewarePlan, labels: Readonly<Record<string, string>>): string[] {
  const parentRef = (sectionName: string) => [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName }];
  const common = { namespace: literal(MIDDLEWARE_NAMESPACE), labels: literal(labels), hostnames: literal([plan.host]) };
  const proxy = MIDDLEWARE_CHARTS.oauth2Proxy;
  const fromProxy = [{ podSelector: { matchLabels: podSelector(proxy) } }];
  const policy = (name: string, selected: Record<string, string>, from: unknown[], port: number) => renderTemplateFile('middleware/network-policy.yaml', {
    name: literal(name),
    namespace: literal(MIDDLEWARE_NAMESPACE),
    labels: literal(labels),
    pod_selector: literal({ matchLabels: selected }),
    from: literal(from),
    ports: literal([{ protocol: 'TCP', port }]),
  });
  return [
    renderTemplateFile('middleware/http-route.yaml', {
      name: literal(MIDDLEWARE_ROUTE),
      ...common,
      parent_refs: literal(parentRef(HTTPS_LISTENER)),
      backend_refs: literal([{ name: proxy.release, port: SERVICE_PORT }]),
    }),
    renderTemplateFile('middleware/https-redirect-route.yaml', {
      name: literal(MIDDLEWARE_REDIRECT_ROUTE),
      ...common,
      parent_refs: literal(parentRef(HTTP_LISTENER)),
    }),
    policy('grafana-from-oauth2-proxy', podSelector(MIDDLEWARE_CHARTS.grafana), fromProxy, GRAFANA_PORT),
    policy('headlamp-from-oauth2-proxy', podSelector(MIDDLEWARE_CHARTS.headlamp), fromProxy, HEADLAMP_PORT),
    // Envoy, the Gateway's data plane, runs in the Gateway's namespace; Kubernetes
    // labels every namespace with its name (kubernetes.io/metadata.name, since 1.22).
    policy('oauth2-proxy-from-gateway', podSelector(proxy), [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NAMESPACE } } }], OAUTH2_PROXY_PORT),
  ];
}

/** `<tag>@<digest>`: a reference that names the tag for people and pulls the digest. */
function taggedDigest(image: PinnedImage): string {
  return `${image.tag}@${image.digest}`;
}

/** A literal value for a placeholder: JSON, escaped so Terraform does not interpolate it. */
function literal(value: unknown): string {
  return escapeTerraformTemplate(JSON.stringify(value));
}
