/**
 * The middleware plan: Grafana and Headlamp at one host behind oauth2-proxy,
 * resolved and checked in one pure computation that the Helm values, the routes
 * and the NetworkPolicies all read.
 *
 *   browser ──▶ https://<host>/…  (the Gateway `cast`, listener `https`)
 *                 │ HTTPRoute: /grafana/ and /headlamp/, each to its console's pod
 *                 ▼
 *   ┌ a console's pod ─────────────────────────────────────────────────────────┐
 *   │ oauth2-proxy, the pod's port ──(no session)──▶ the IdP ──▶ <path>oauth2/callback
 *   │   │ signed-in and allowed (allowedEmails / allowedGroups)                │
 *   │   ▼ 127.0.0.1 only                                                       │
 *   │ Grafana (auth.proxy: X-Forwarded-Email) or Headlamp (ClusterRole `view`) │
 *   └──────────────────────────────────────────────────────────────────────────┘
 *
 * Each console listens on its pod's loopback, so nothing but the oauth2-proxy beside
 * it reaches it: not the Gateway, not another pod, whether or not the cluster's network
 * enforces NetworkPolicy. The two proxies share the cookie secret, so one sign-in serves both.
 */
import { ProblemList } from '../plan-error';
import { domainNameProblem, emailProblem } from '../ingress/dns-names';
import {
  DEFAULT_MIDDLEWARE_CHART_VERSIONS, GRAFANA_PATH, HEADLAMP_PATH, INSTALLED_PROMETHEUS_URL, MIDDLEWARE_IMAGES, MiddlewareChartVersions, PinnedImage, PROXY_PREFIX,
} from './middleware-defaults';

/** The Grafana organisation role of every user who signs in through the proxy. */
export enum GrafanaRole {
  /** Sees dashboards and explores data; changes nothing. */
  VIEWER = 'Viewer',
  /** Also edits dashboards. */
  EDITOR = 'Editor',
  /** Also manages data sources, users and the organisation. */
  ADMIN = 'Admin',
}

/** What the middleware planner needs: the user's options and what the ingress knows. */
export interface MiddlewarePlanInput {
  readonly host: string;
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly allowedEmails?: readonly string[];
  readonly allowedGroups?: readonly string[];
  readonly grafanaRole?: GrafanaRole;
  readonly prometheusUrl?: string;
  /** Whether the ingress installs Prometheus (then it is the default data source). */
  readonly ingressInstallsPrometheus: boolean;
  /** The names the Gateway's `https` listener has certificates for; absent when not known here. */
  readonly tlsHostnames?: readonly string[];
  readonly versions?: Partial<MiddlewareChartVersions>;
}

/** The middleware, resolved. */
export interface MiddlewarePlan {
  readonly host: string;
  readonly issuerUrl: string;
  readonly clientId: string;
  /** Sorted, without duplicates; empty when only groups decide. */
  readonly allowedEmails: readonly string[];
  /** Sorted, without duplicates; empty when only emails decide. */
  readonly allowedGroups: readonly string[];
  readonly grafanaRole: GrafanaRole;
  readonly prometheusUrl: string;
  readonly versions: MiddlewareChartVersions;
  /** Each component's image by digest, where its chart version is the default one; absent: the chart's own tag. */
  readonly images: { readonly [K in keyof MiddlewareChartVersions]?: PinnedImage };
  /** What users register at their identity provider as the redirect (callback) URLs: Grafana's proxy's, then Headlamp's. */
  readonly redirectUrls: readonly string[];
  readonly grafanaUrl: string;
  readonly headlampUrl: string;
}

const EXACT_VERSION = /^v?\d+\.\d+\.\d+$/;
/** oauth2-proxy's releases are tagged `v<major>.<minor>.<patch>`; its chart's versions (10.x) have no `v`. */
const PROXY_RELEASE = /^v\d+\.\d+\.\d+$/;
/**
 * Group names go into oauth2-proxy's configuration file, one TOML string each, and
 * oauth2-proxy compares them with the `groups` claim as they are: no quotes,
 * commas or backslashes, which no identity provider's group name needs.
 */
const GROUP = /^[^\s",\\][^",\\\n\r]*$/;

/** Resolves and checks the middleware options; throws a PlanError listing every problem. */
export function planMiddleware(input: MiddlewarePlanInput): MiddlewarePlan {
  const problems = new ProblemList();
  const host = input.host;
  const hostTrouble = domainNameProblem(host);
  if (hostTrouble) {
    problems.add(`host must be a public domain name like ops.example.com (got "${host}": it ${hostTrouble}). Name the host Grafana and Headlamp are served at.`);
  } else if (input.tlsHostnames && !input.tlsHostnames.includes(host)) {
    problems.add(`host must be a name the ingress has a certificate for (got "${host}"; the Gateway's https listener has ${input.tlsHostnames.map((n) => `"${n}"`).join(', ')}). Add "${host}" to the IngressStack's tlsHostnames.`);
  }

  const issuerTrouble = httpsUrlProblem(input.issuerUrl);
  if (issuerTrouble) {
    problems.add(`issuerUrl must be the identity provider's OIDC issuer, an https URL such as https://accounts.google.com (got "${input.issuerUrl}": ${issuerTrouble}). Copy the "issuer" of its /.well-known/openid-configuration.`);
  }
  if (!/^[^\s"\\]+$/.test(input.clientId)) {
    problems.add(`clientId must be the OIDC client id your identity provider issued, without spaces or quotes (got "${input.clientId}"). Register a client for https://<host>${GRAFANA_PATH}${PROXY_PREFIX}/callback and https://<host>${HEADLAMP_PATH}${PROXY_PREFIX}/callback and copy its id.`);
  }

  const allowedEmails = unique(input.allowedEmails ?? []);
  for (const email of allowedEmails) {
    const trouble = emailProblem(email);
    if (trouble) problems.add(`allowedEmails must hold email addresses (got "${email}": it ${trouble}). List each person who may sign in.`);
  }
  const allowedGroups = unique(input.allowedGroups ?? []);
  for (const group of allowedGroups) {
    if (!GROUP.test(group)) problems.add(`allowedGroups must hold group names as the IdP puts them in the "groups" claim, without quotes, commas, backslashes or line breaks (got ${JSON.stringify(group)}). Copy the group's name or id from your identity provider.`);
  }
  if (allowedEmails.length === 0 && allowedGroups.length === 0) {
    problems.add('allowedEmails or allowedGroups must name who may sign in (got neither). Without them every account of the identity provider could reach Grafana and Headlamp; list the people or groups.');
  }

  let prometheusUrl = input.prometheusUrl;
  if (prometheusUrl === undefined) {
    if (input.ingressInstallsPrometheus) prometheusUrl = INSTALLED_PROMETHEUS_URL;
    else problems.add('prometheusUrl must be set when the ingress does not install Prometheus (got none). Pass the URL of your Prometheus, e.g. http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090.');
  } else if (!/^https?:\/\/[^\s/"\\{}]+(\/[^\s"\\{}]*)?$/.test(prometheusUrl)) {
    // No braces: the grafana chart passes its data sources through Helm's `tpl` (charts/grafana/templates/_config.tpl).
    problems.add(`prometheusUrl must be an http or https URL Grafana reaches inside the cluster, without spaces, quotes or braces (got "${prometheusUrl}"). Use e.g. http://prometheus-server.monitoring.svc.cluster.local.`);
  }

  const versions: MiddlewareChartVersions = { ...DEFAULT_MIDDLEWARE_CHART_VERSIONS, ...definedOnly(input.versions ?? {}) };
  for (const [key, version] of Object.entries(versions)) {
    if (key === 'oauth2Proxy') {
      if (EXACT_VERSION.test(version) && !PROXY_RELEASE.test(version)) {
        problems.add(`versions.oauth2Proxy must be an oauth2-proxy release like ${DEFAULT_MIDDLEWARE_CHART_VERSIONS.oauth2Proxy} (got "${version}", a chart version: oauth2-proxy now runs inside each console's pod, without its chart). Pass the release the chart version ran, its appVersion with a "v".`);
      } else if (!PROXY_RELEASE.test(version)) {
        problems.add(`versions.oauth2Proxy must be an exact oauth2-proxy release like ${DEFAULT_MIDDLEWARE_CHART_VERSIONS.oauth2Proxy} (got "${version}"). Ranges are not allowed: pin one release.`);
      }
    } else if (!EXACT_VERSION.test(version)) {
      problems.add(`versions.${key} must be an exact chart version like ${DEFAULT_MIDDLEWARE_CHART_VERSIONS[key as keyof MiddlewareChartVersions]} (got "${version}"). Ranges are not allowed: pin one release.`);
    }
  }
  problems.throwIfAny();

  return {
    host,
    issuerUrl: input.issuerUrl,
    clientId: input.clientId,
    allowedEmails,
    allowedGroups,
    grafanaRole: input.grafanaRole ?? GrafanaRole.VIEWER,
    prometheusUrl: prometheusUrl!,
    versions,
    images: Object.fromEntries(Object.entries(MIDDLEWARE_IMAGES).filter(([key, image]) => versions[key as keyof MiddlewareChartVersions] === image.chartVersion)),
    redirectUrls: [GRAFANA_PATH, HEADLAMP_PATH].map((path) => `https://${host}${path}${PROXY_PREFIX}/callback`),
    grafanaUrl: `https://${host}${GRAFANA_PATH}`,
    headlampUrl: `https://${host}${HEADLAMP_PATH}`,
  };
}

function httpsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol !== 'https:') return 'it is not https';
  if (url.search || url.hash || url.username || url.password) return 'it has a query, fragment or credentials';
  if (/[\s"\\{}]/.test(value)) return 'it holds spaces, quotes, backslashes or braces';
  return undefined;
}

/** Sorted by code point, without duplicates: stable whatever the order given. */
function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
