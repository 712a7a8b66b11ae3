/**
 * The single sign-on middleware in an in-cluster stack: Grafana and Headlamp, each a
 * pinned Helm release in namespace `cast-middleware` with an oauth2-proxy in its pod,
 * and the proxies' configuration, routes and NetworkPolicies.
 *
 *   variable oidc_client_secret ─┐
 *   random_password (cookie) ────┴─▶ Secret oauth2-proxy-client ─┐
 *   cast-middleware (ConfigMap oauth2-proxy, NetworkPolicies) ───┤
 *                                                                ▼
 *        grafana, headlamp (each: console on 127.0.0.1, oauth2-proxy on the pod's port; Helm waits for the pods)
 *                                                                │
 *   envoy-gateway-crds ──────────────────────────────────────────┴─▶ cast-middleware-routes (HTTPRoutes)
 */
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformStack, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { castManifestsChart } from '../cluster/cast-manifests-chart';
import { pinnedChartRelease } from '../cluster/chart-release';
import type { ClusterConnection } from '../cluster/in-cluster-connection';
import { labelMap } from '../core/cluster-labels';
import { CHARTS } from '../core/ingress/ingress-defaults';
import { renderManifestsChartValues } from '../core/ingress/render-in-cluster';
import { MIDDLEWARE_CHARTS, MIDDLEWARE_NAMESPACE } from '../core/middleware/middleware-defaults';
import { MiddlewarePlan, planMiddleware } from '../core/middleware/middleware-plan';
import {
  OAUTH2_PROXY_SECRET, OAUTH2_PROXY_SECRET_KEYS, renderGrafanaValues, renderHeadlampValues, renderMiddlewareManifests,
} from '../core/middleware/render-middleware';
import type { IngressStack } from '../ingress/ingress-stack';
import { throwProblems, tryPlan } from '../private/validation-error';
import { MiddlewareOptions } from './options';

/** The release of the routes to the consoles, applied after them. */
export const MIDDLEWARE_ROUTES_RELEASE = 'cast-middleware-routes';

/** The Terraform variable of the client secret when `clientSecretVariable` is not set. */
export const DEFAULT_CLIENT_SECRET_VARIABLE = 'oidc_client_secret';
const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

/**
 * Adds the middleware to `scope`, an in-cluster stack connected to the ingress's
 * cluster (and holding, or deployed after, the ingress's releases). Throws with
 * every problem of `options` at once, each prefixed with the stack's path.
 */
export function addMiddlewareReleases(scope: Construct, ingress: IngressStack, connection: ClusterConnection, options: MiddlewareOptions): MiddlewarePlan {
  const plan = planAt(scope, ingress, options);
  const variableName = options.clientSecretVariable ?? DEFAULT_CLIENT_SECRET_VARIABLE;
  const labels = labelMap(ingress.cluster._labels);
  const namespace = new NamespaceV1(scope, `namespace-${MIDDLEWARE_NAMESPACE}`, {
    provider: connection.kubernetes, metadata: { name: MIDDLEWARE_NAMESPACE, labels },
  }).metadata.name;

  const clientSecret = new TerraformVariable(scope, variableName, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: `The OIDC client secret of ${plan.host} (client id ${plan.clientId}) at ${plan.issuerUrl}.`,
  });
  // oauth2-proxy takes a cookie secret of 16, 24 or 32 bytes (pkg/validation/cookie.go):
  // 32 letters and digits. Made by Terraform, kept in this stack's state only.
  if (!TerraformStack.of(scope).node.findAll().some((c) => c instanceof RandomProvider)) new RandomProvider(scope, 'random');
  const cookieSecret = new Password(scope, 'oauth2-proxy-cookie-secret', { length: 32, special: false });
  const secret = new SecretV1(scope, `secret-${MIDDLEWARE_NAMESPACE}-${OAUTH2_PROXY_SECRET}`, {
    provider: connection.kubernetes,
    metadata: { name: OAUTH2_PROXY_SECRET, namespace, labels },
    data: {
      [OAUTH2_PROXY_SECRET_KEYS.clientSecret]: clientSecret.stringValue,
      [OAUTH2_PROXY_SECRET_KEYS.cookieSecret]: cookieSecret.result,
    },
  });

  const manifests = renderMiddlewareManifests(plan, labels);
  const config = new Release(scope, 'cast-middleware', {
    provider: connection.helm,
    name: 'cast-middleware',
    chart: castManifestsChart(scope),
    namespace,
    values: [renderManifestsChartValues(manifests.config)],
  });
  // Each console's pod mounts the proxies' ConfigMap and reads the Secret: both exist first.
  // Helm waits until the pods are ready (pinnedChartRelease), so each console has its proxy
  // before the routes below lead to it.
  const consoles = [
    pinnedChartRelease(scope, connection, MIDDLEWARE_CHARTS.grafana, namespace, plan.versions.grafana, renderGrafanaValues(plan), [secret, config]),
    pinnedChartRelease(scope, connection, MIDDLEWARE_CHARTS.headlamp, namespace, plan.versions.headlamp, renderHeadlampValues(plan), [secret, config]),
  ];
  // The HTTPRoute kind comes with Envoy Gateway's CRD release, when this stack holds it.
  const crds = scope.node.tryFindChild(CHARTS.envoyGatewayCrds.release);
  new Release(scope, MIDDLEWARE_ROUTES_RELEASE, {
    provider: connection.helm,
    name: MIDDLEWARE_ROUTES_RELEASE,
    chart: castManifestsChart(scope),
    namespace,
    values: [renderManifestsChartValues(manifests.routes)],
    dependsOn: [...(crds instanceof Release ? [crds] : []), ...consoles],
  });
  return plan;
}

function planAt(scope: Construct, ingress: IngressStack, options: MiddlewareOptions): MiddlewarePlan {
  const tokens = ([['host', options.host], ['issuerUrl', options.issuerUrl], ['clientId', options.clientId], ['prometheusUrl', options.prometheusUrl]] as const)
    .filter(([, value]) => value !== undefined && Token.isUnresolved(value))
    .map(([prop]) => `middleware.${prop} must be a concrete string, not a Token (it is written into Helm values and checked at synth). Pass the value itself.`);
  const variable = options.clientSecretVariable;
  const variableProblems = variable === undefined || VARIABLE_NAME.test(variable) ? [] : [
    `middleware.clientSecretVariable must be a Terraform variable name: a letter or "_", then letters, digits, "_" or "-" (got "${variable}"). Use e.g. "${DEFAULT_CLIENT_SECRET_VARIABLE}".`,
  ];
  if (tokens.length > 0) throwProblems(scope, [...tokens, ...variableProblems]);
  const { result, problems } = tryPlan(() => planMiddleware({
    host: options.host,
    issuerUrl: options.issuerUrl,
    clientId: options.clientId,
    allowedEmails: options.allowedEmails,
    allowedGroups: options.allowedGroups,
    grafanaRole: options.grafanaRole,
    prometheusUrl: options.prometheusUrl,
    ingressInstallsPrometheus: ingress._plan.prometheus.install,
    tlsHostnames: ingress.tlsHostnames,
    versions: options.versions,
  }));
  throwProblems(scope, [...problems.map((problem) => `middleware.${problem}`), ...variableProblems]);
  return result!;
}

