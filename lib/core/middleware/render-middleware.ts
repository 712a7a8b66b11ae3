/**
 * The in-cluster views of the middleware plan: the Helm values of Grafana and
 * Headlamp, each with an oauth2-proxy in its pod, and the manifests that decide who
 * reaches them (the proxies' configuration, the HTTPRoute to the consoles' Services,
 * the NetworkPolicies), rendered from the template files in templates/middleware/
 * with named values. Pure; no cdktf import.
 *
 * Every value is JSON (a YAML flow scalar or collection, and a TOML string or
 * array in oauth2-proxy's configuration file), escaped for Terraform so that
 * Terraform hands it to Helm unchanged. No secret passes through here: the
 * client secret and the cookie secret are in a Secret Terraform makes.
 */
import { createHash } from 'node:crypto';
import { escapeTerraformTemplate, renderTemplateFile, unescapeTerraformTemplate } from '../bootstrap/render-template';
import { readTemplateFile } from '../bootstrap/template-files';
import { GATEWAY_NAME, GATEWAY_NAMESPACE, HTTP_LISTENER, HTTPS_LISTENER } from '../ingress/ingress-defaults';
import {
  CONSOLE_PORTS, GRAFANA_PATH, HEADLAMP_CLUSTER_ROLE, HEADLAMP_PATH, LOOPBACK, MIDDLEWARE_CHARTS, MIDDLEWARE_NAMESPACE, OAUTH2_PROXY_IMAGE, PinnedImage, PROXY_PREFIX, SERVICE_PORT,
} from './middleware-defaults';
import { MiddlewarePlan } from './middleware-plan';

/**
 * The Secret the proxies read the client secret and the cookie secret from: the
 * client secret as a file, which oauth2-proxy reads each time it redeems a sign-in
 * (providers/provider_data.go GetClientSecret), so a new one takes effect without a
 * restart once the kubelet updates the mounted Secret; the cookie secret as the
 * environment variable oauth2-proxy reads the option from (OAUTH2_PROXY_<OPTION>).
 */
export const OAUTH2_PROXY_SECRET = 'oauth2-proxy-client';
export const OAUTH2_PROXY_SECRET_KEYS = { clientSecret: 'client-secret', cookieSecret: 'cookie-secret' } as const;
const SECRET_DIRECTORY = '/etc/oauth2-proxy-secret';

/** The ConfigMap of the proxies' configuration files and the list of allowed emails, and where each pod mounts it. */
export const OAUTH2_PROXY_CONFIG = 'oauth2-proxy';
const CONFIG_DIRECTORY = '/etc/oauth2-proxy';
const EMAILS_KEY = 'authenticated-emails';

/** Names of the manifests this module renders. */
export const MIDDLEWARE_ROUTE = 'middleware';
export const MIDDLEWARE_REDIRECT_ROUTE = 'middleware-https-redirect';

/** The consoles, each behind the oauth2-proxy in its pod. */
export type Console = keyof typeof CONSOLE_PORTS;
export const CONSOLES: readonly Console[] = ['grafana', 'headlamp'];
const PATHS: Record<Console, string> = { grafana: GRAFANA_PATH, headlamp: HEADLAMP_PATH };

/**
 * The one request of each console its proxy lets through without a session: the
 * path the kubelet's probes call, which reach the pod's port, and so the proxy.
 * Grafana's health endpoint needs no sign-in in Grafana either (developers/http_api/other,
 * "Health API"); Headlamp's probe path is its base URL (charts/headlamp/templates/
 * deployment.yaml livenessProbe, readinessProbe: `<baseURL>/`), the static page of its
 * web app. The proxy drops identity headers on them (skip_auth_strip_headers).
 */
export const PROBE_PATHS: Record<Console, string> = { grafana: `${GRAFANA_PATH}api/health`, headlamp: HEADLAMP_PATH };

/** The labels the charts put on their pods: `app.kubernetes.io/name` (the chart) and `instance` (the release), each chart's `selectorLabels`. */
export function podSelector(chart: { readonly chart: string; readonly release: string }): Record<string, string> {
  return { 'app.kubernetes.io/name': chart.chart, 'app.kubernetes.io/instance': chart.release };
}

/**
 * The configuration file of the oauth2-proxy in `ui`'s pod: OIDC against the
 * issuer, its endpoints under the console's path, the console on the pod's loopback
 * as its one upstream, who may sign in.
 */
export function renderProxyConfig(plan: MiddlewarePlan, ui: Console): string {
  const emails = plan.allowedEmails;
  const path = PATHS[ui];
  const ports = CONSOLE_PORTS[ui];
  return unescapeTerraformTemplate(renderTemplateFile('middleware/oauth2-proxy.cfg', {
    issuer_url: JSON.stringify(plan.issuerUrl),
    client_id: JSON.stringify(plan.clientId),
    client_secret_file: JSON.stringify(`${SECRET_DIRECTORY}/${OAUTH2_PROXY_SECRET_KEYS.clientSecret}`),
    redirect_url: JSON.stringify(plan.redirectUrls[CONSOLES.indexOf(ui)]),
    proxy_prefix: JSON.stringify(`${path}${PROXY_PREFIX}`),
    http_address: JSON.stringify(`0.0.0.0:${ports.pod}`),
    upstreams: JSON.stringify([`http://${LOOPBACK}:${ports.loopback}${path}`]),
    // Headlamp on a loopback address answers only requests whose Host is a loopback
    // name (backend/cmd/headlamp.go hostValidationMiddleware); Grafana builds its links
    // from root_url and takes the Host as it comes.
    pass_host_header: JSON.stringify(ui === 'grafana'),
    skip_auth_routes: JSON.stringify([`GET=^${PROBE_PATHS[ui]}$`]),
    email_domains: JSON.stringify(emails.length > 0 ? [] : ['*']),
    authenticated_emails_file: JSON.stringify(emails.length > 0 ? `${CONFIG_DIRECTORY}/${EMAILS_KEY}` : ''),
    allowed_groups: JSON.stringify(plan.allowedGroups),
  }));
}

/**
 * The oauth2-proxy container of `ui`'s pod. It binds the pod's port the chart
 * declares on the console's container (ports belong to the pod, whichever container
 * binds them), so the chart's Service, probes and the NetworkPolicy reach it and not the
 * console. Security context and probes as oauth2-proxy's own chart sets them
 * (helm/oauth2-proxy/values.yaml `securityContext`, templates/deployment.yaml probes).
 */
export function proxyContainer(plan: MiddlewarePlan, ui: Console): Record<string, unknown> {
  const port = CONSOLE_PORTS[ui].pod;
  const image = plan.images.oauth2Proxy;
  return {
    name: 'oauth2-proxy',
    image: `${OAUTH2_PROXY_IMAGE}:${image ? taggedDigest(image) : plan.versions.oauth2Proxy}`,
    args: [`--config=${CONFIG_DIRECTORY}/${ui}.cfg`],
    env: [{ name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: OAUTH2_PROXY_SECRET, key: OAUTH2_PROXY_SECRET_KEYS.cookieSecret } } }],
    volumeMounts: [
      { name: OAUTH2_PROXY_CONFIG, mountPath: CONFIG_DIRECTORY, readOnly: true },
      { name: OAUTH2_PROXY_SECRET, mountPath: SECRET_DIRECTORY, readOnly: true },
    ],
    livenessProbe: { httpGet: { path: '/ping', port } },
    readinessProbe: { httpGet: { path: '/ready', port } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 2000,
      runAsGroup: 2000,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/** The pod volumes of the proxy: its configuration, and the client secret alone of the Secret. */
function proxyVolumes(): Record<string, unknown>[] {
  return [
    { name: OAUTH2_PROXY_CONFIG, configMap: { name: OAUTH2_PROXY_CONFIG } },
    { name: OAUTH2_PROXY_SECRET, secret: { secretName: OAUTH2_PROXY_SECRET, items: [{ key: OAUTH2_PROXY_SECRET_KEYS.clientSecret, path: OAUTH2_PROXY_SECRET_KEYS.clientSecret }] } },
  ];
}

/**
 * A pod annotation holding the digest of the proxy's configuration file: a change of
 * it replaces the console's pod once (a Deployment rolls when its pod template
 * changes); oauth2-proxy reads its configuration only at start. The list of
 * emails is not in it: oauth2-proxy reloads that file when it changes (validator.go,
 * watcher.WatchFileForUpdates).
 */
function configAnnotation(plan: MiddlewarePlan, ui: Console): Record<string, string> {
  return { 'cast-cluster/oauth2-proxy-config': createHash('sha256').update(renderProxyConfig(plan, ui)).digest('hex') };
}

/**
 * Values of the grafana chart: at /grafana/ on the pod's loopback, trusting the
 * X-Forwarded-Email of the oauth2-proxy beside it, Prometheus and the cluster
 * dashboard provisioned.
 */
export function renderGrafanaValues(plan: MiddlewarePlan): string {
  const ports = CONSOLE_PORTS.grafana;
  const probe = { httpGet: { path: PROBE_PATHS.grafana, port: ports.portName } };
  return renderTemplateFile('middleware/grafana-values.yaml', {
    fullname: literal(MIDDLEWARE_CHARTS.grafana.release),
    // `<registry>/<repository>:<tag or appVersion>@sha256:<image.sha>` when image.sha is set (templates/_pod.tpl).
    image: literal(plan.images.grafana ? { tag: plan.images.grafana.tag, sha: plan.images.grafana.digest.replace(/^sha256:/, '') } : {}),
    host: literal(plan.host),
    root_url: literal(plan.grafanaUrl),
    http_addr: literal(LOOPBACK),
    http_port: literal(ports.loopback),
    role: literal(plan.grafanaRole),
    prometheus_url: literal(plan.prometheusUrl),
    // The dashboard's legends hold `{{namespace}}`: it is a value, never a template.
    dashboard: literal(readTemplateFile('middleware/cluster-dashboard.json')),
    readiness_probe: literal(probe),
    liveness_probe: literal({ ...probe, initialDelaySeconds: 60, timeoutSeconds: 30, failureThreshold: 10 }),
    // The chart joins this string to the pod's `containers` after Helm's `tpl`
    // (templates/_pod.tpl): one YAML sequence entry, a JSON flow mapping without `{{`.
    extra_containers: literal(`- ${JSON.stringify(proxyContainer(plan, 'grafana'))}`),
    extra_volumes: literal(proxyVolumes()),
    pod_annotations: literal(configAnnotation(plan, 'grafana')),
  });
}

/** Values of the headlamp chart: at /headlamp/ on the pod's loopback, as its ServiceAccount bound to the read-only ClusterRole. */
export function renderHeadlampValues(plan: MiddlewarePlan): string {
  const ports = CONSOLE_PORTS.headlamp;
  return renderTemplateFile('middleware/headlamp-values.yaml', {
    fullname: literal(MIDDLEWARE_CHARTS.headlamp.release),
    // `<registry>/<repository>:<image.tag>` (templates/deployment.yaml); labels use the chart's appVersion (_helpers.tpl).
    image: literal(plan.images.headlamp ? { tag: taggedDigest(plan.images.headlamp) } : {}),
    base_url: literal(HEADLAMP_PATH.replace(/\/$/, '')),
    // backend/pkg/config/config.go: `-listen-addr` (default: every address), `-port` (default 4466).
    extra_args: literal([`-listen-addr=${LOOPBACK}`, `-port=${ports.loopback}`]),
    cluster_role: literal(HEADLAMP_CLUSTER_ROLE),
    extra_containers: literal([proxyContainer(plan, 'headlamp')]),
    volumes: literal(proxyVolumes()),
    pod_annotations: literal(configAnnotation(plan, 'headlamp')),
  });
}

/**
 * The manifests that decide who reaches the middleware, in two releases applied on
 * either side of the consoles' own:
 * - `config`, before the consoles: the proxies' configuration (their pods mount it) and
 *   the NetworkPolicies (each console's pod accepts the Gateway's namespace only, where
 *   a NetworkPolicy is enforced);
 * - `routes`, after the consoles' pods are ready, each with its proxy: the HTTPS route
 *   of the host to the consoles' Services (each Service targets the pod's port, which
 *   the pod's oauth2-proxy binds) and the HTTP-to-HTTPS redirect. Routed earlier, an
 *   update from a version whose consoles listened on that port themselves would send
 *   the Internet to them, unauthenticated, until their pods were replaced.
 */
export interface MiddlewareManifests {
  readonly config: string[];
  readonly routes: string[];
}

export function renderMiddlewareManifests(plan: MiddlewarePlan, labels: Readonly<Record<string, string>>): MiddlewareManifests {
  const parentRef = (sectionName: string) => [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName }];
  const common = { namespace: literal(MIDDLEWARE_NAMESPACE), labels: literal(labels), hostnames: literal([plan.host]) };
  // Envoy, the Gateway's data plane, runs in the Gateway's namespace; Kubernetes
  // labels every namespace with its name (kubernetes.io/metadata.name, since 1.22).
  const fromGateway = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_NAMESPACE } } }];
  const policy = (ui: Console) => renderTemplateFile('middleware/network-policy.yaml', {
    name: literal(`${ui}-from-gateway`),
    namespace: literal(MIDDLEWARE_NAMESPACE),
    labels: literal(labels),
    pod_selector: literal({ matchLabels: podSelector(MIDDLEWARE_CHARTS[ui]) }),
    from: literal(fromGateway),
    ports: literal([{ protocol: 'TCP', port: CONSOLE_PORTS[ui].pod }]),
  });
  const data: Record<string, string> = Object.fromEntries(CONSOLES.map((ui) => [`${ui}.cfg`, renderProxyConfig(plan, ui)]));
  if (plan.allowedEmails.length > 0) data[EMAILS_KEY] = `${plan.allowedEmails.join('\n')}\n`;
  return {
    config: [
      renderTemplateFile('middleware/config-map.yaml', {
        name: literal(OAUTH2_PROXY_CONFIG),
        namespace: literal(MIDDLEWARE_NAMESPACE),
        labels: literal(labels),
        data: literal(data),
      }),
      ...CONSOLES.map(policy),
    ],
    routes: [
      renderTemplateFile('middleware/http-route.yaml', {
        name: literal(MIDDLEWARE_ROUTE),
        ...common,
        parent_refs: literal(parentRef(HTTPS_LISTENER)),
        rules: literal([
          ...CONSOLES.map((ui) => ({
            matches: [{ path: { type: 'PathPrefix', value: PATHS[ui] } }],
            backendRefs: [{ name: MIDDLEWARE_CHARTS[ui].release, port: SERVICE_PORT }],
          })),
          // `/grafana` and `/headlamp`, which the prefixes match too (Gateway API HTTPPathMatch:
          // a trailing `/` of a PathPrefix is ignored) but no proxy serves: to the path with
          // the slash. An Exact match wins over any prefix (HTTPRouteRule, "precedence").
          ...CONSOLES.map((ui) => ({
            matches: [{ path: { type: 'Exact', value: PATHS[ui].replace(/\/$/, '') } }],
            filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: PATHS[ui] }, statusCode: 302 } }],
          })),
        ]),
      }),
      renderTemplateFile('middleware/https-redirect-route.yaml', {
        name: literal(MIDDLEWARE_REDIRECT_ROUTE),
        ...common,
        parent_refs: literal(parentRef(HTTP_LISTENER)),
      }),
    ],
  };
}

/** `<tag>@<digest>`: a reference that names the tag for people and pulls the digest. */
function taggedDigest(image: PinnedImage): string {
  return `${image.tag}@${image.digest}`;
}

/** A literal value for a placeholder: JSON, escaped so Terraform does not interpolate it. */
function literal(value: unknown): string {
  return escapeTerraformTemplate(JSON.stringify(value));
}
