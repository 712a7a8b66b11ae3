/**
 * The middleware in an in-cluster stack, as synthesized: the Gateway reaches Grafana
 * and Headlamp only at their Services (every route, Service and NetworkPolicy the stack
 * renders, parsed; console-isolation.test.ts shows the Services lead to the proxies),
 * the client secret only as a reference to a sensitive variable, the stack conforming
 * to the providers' schemas.
 */
import { parse } from 'yaml';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { checkCustomResource } from '../ingress/crd-schema';
import { findSecrets } from '../security/secret-scan';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { buildMiddleware, synthesizeInCluster } from './middleware-fixture';

const json = synthesizeInCluster(buildMiddleware());
const releases: Record<string, any> = json.resource.helm_release;
/** What Helm gets from a release's values: Terraform's unescaping, then YAML. */
const valuesOf = (id: string) => parse(unescapeTerraformTemplate(releases[id].values[0]));
/** Every manifest of every cast-manifests release in the stack (the ingress's too), the GCP address stood in for. */
const manifests: any[] = Object.entries(releases)
  .filter(([, release]) => typeof release.chart === 'string' && release.chart.includes('cast-manifests'))
  .flatMap(([id]) => valuesOf(id).manifests.map((m: string) => parse(m.replace(/\$\{[^}]+\}/g, '203.0.113.7'))));
const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const UI = ['grafana', 'headlamp'];

describe('the Gateway reaches Grafana and Headlamp only at their Services, whose port is the proxy in each pod', () => {
  test('the two charts, pinned, in cast-middleware; no oauth2-proxy chart', () => {
    for (const [id, chart, version] of [['grafana', 'grafana', '12.11.1'], ['headlamp', 'headlamp', '0.45.0']]) {
      expect(releases[id]).toMatchObject({ chart, version, namespace: '${kubernetes_namespace_v1.namespace-cast-middleware.metadata[0].name}' });
    }
    expect(Object.values(releases).map((r: any) => r.chart)).not.toContain('oauth2-proxy');
  });

  test('every HTTPRoute of the stack is valid; the middleware host\'s backends are the two consoles\' Services, each under its own path', () => {
    const routes = ofKind('HTTPRoute');
    expect(routes.map((r) => r.metadata.name).sort()).toEqual(['middleware', 'middleware-https-redirect']);
    for (const route of routes) {
      expect(checkCustomResource(route).problems).toEqual([]);
      const rules = route.spec.rules.filter((rule: any) => rule.backendRefs || (rule.filters ?? []).some((f: any) => f.requestMirror));
      for (const rule of rules) {
        const backends = [...(rule.backendRefs ?? []), ...(rule.filters ?? []).flatMap((f: any) => f.requestMirror ? [f.requestMirror.backendRef] : [])];
        expect(backends).toHaveLength(1);
        expect(UI).toContain(backends[0].name);
        expect(rule.matches).toEqual([{ path: { type: 'PathPrefix', value: `/${backends[0].name}/` } }]);
      }
    }
  });

  test('no chart makes a route, Ingress or HTTPRoute of its own, and every Service is ClusterIP; the stack renders no Service', () => {
    const grafana = valuesOf('grafana');
    const headlamp = valuesOf('headlamp');
    // Each chart's own exposure switches default to off (grafana route.main.enabled and
    // ingress.enabled, headlamp httpRoute.enabled and ingress.enabled): the values must not turn one on.
    expect([grafana.route, grafana.ingress, headlamp.httpRoute, headlamp.ingress]).toEqual([undefined, undefined, undefined, undefined]);
    for (const values of [grafana, headlamp]) expect(values.service.type).toBe('ClusterIP');
    expect(ofKind('Service')).toEqual([]);
    expect(json.resource.kubernetes_service_v1).toBeUndefined();
  });

  test('the NetworkPolicies on Grafana and Headlamp admit the Gateway\'s namespace only', () => {
    const policies = ofKind('NetworkPolicy');
    for (const ui of UI) {
      const selecting = policies.filter((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === ui);
      expect(selecting).toHaveLength(1);
      const peers = selecting[0].spec.ingress.flatMap((rule: any) => rule.from);
      expect(peers).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cast-ingress' } } }]);
      expect(selecting[0].spec.policyTypes).toEqual(['Ingress']);
    }
  });

  test('the proxies\' configuration and the policies come before the consoles\' pods; the routes only once Helm has seen those pods ready, each with its proxy', () => {
    // cast-middleware holds no route: an update from the version whose consoles served their
    // port themselves must not route to them before their pods are replaced.
    const held = (id: string) => valuesOf(id).manifests.map((m: string) => parse(m).kind).sort();
    expect(held('cast-middleware')).toEqual(['ConfigMap', 'NetworkPolicy', 'NetworkPolicy']);
    expect(held('cast-middleware-routes')).toEqual(['HTTPRoute', 'HTTPRoute']);
    expect(releases['cast-middleware'].depends_on).toBeUndefined();
    for (const ui of UI) {
      expect(releases[ui].depends_on).toEqual(['kubernetes_secret_v1.secret-cast-middleware-oauth2-proxy-client', 'helm_release.cast-middleware']);
      expect(releases[ui]).toMatchObject({ wait: true });
    }
    expect(releases['cast-middleware-routes'].depends_on).toEqual(['helm_release.envoy-gateway-crds', 'helm_release.grafana', 'helm_release.headlamp']);
  });
});

describe('secrets', () => {
  test('the client secret is a sensitive variable, and reaches the cluster only as a reference in a Terraform-made Secret', () => {
    expect(json.variable.oidc_client_secret).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    expect(json.variable.oidc_client_secret).not.toHaveProperty('default');
    const secret = json.resource.kubernetes_secret_v1['secret-cast-middleware-oauth2-proxy-client'];
    expect(secret.data).toEqual({
      'client-secret': '${var.oidc_client_secret}',
      'cookie-secret': '${random_password.oauth2-proxy-cookie-secret.result}',
    });
    expect(json.resource.random_password['oauth2-proxy-cookie-secret']).toMatchObject({ length: 32, special: false });
    expect(findSecrets(json)).toEqual([]);
  });

  test('another variable name, when asked for', () => {
    const other = synthesizeInCluster(buildMiddleware({ clientSecretVariable: 'sso_secret' }));
    expect(Object.keys(other.variable)).toEqual(['sso_secret']);
    expect(other.resource.kubernetes_secret_v1['secret-cast-middleware-oauth2-proxy-client'].data['client-secret']).toBe('${var.sso_secret}');
  });
});

test('the stack conforms to the providers\' schemas', () => {
  expect(formatProblems(checkStackConformance(json, loadVendoredSchemas()))).toBe('');
});
