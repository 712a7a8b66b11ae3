/**
 * The middleware's Helm values and manifests: what Helm and the API server get
 * after Terraform's unescaping, parsed; the HTTPRoutes valid against the Gateway API
 * CRD schema the cluster installs (test/fixtures/crds/).
 */
import { parse, parseAllDocuments } from 'yaml';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { planMiddleware } from '../../../lib/core/middleware/middleware-plan';
import {
  OAUTH2_PROXY_SECRET, renderGrafanaValues, renderHeadlampValues, renderMiddlewareManifests, renderOauth2ProxyValues,
} from '../../../lib/core/middleware/render-middleware';
import { checkCustomResource } from '../../ingress/crd-schema';
import { MIDDLEWARE_INPUT } from './middleware-plan-fixture';

const plan = planMiddleware(MIDDLEWARE_INPUT);
const LABELS = { 'cast-cluster/name': 'prod' };
const values = (text: string) => parse(unescapeTerraformTemplate(text));
/** `key = value` lines of oauth2-proxy's configuration file; each value is JSON (TOML's strings, arrays and booleans). */
function cfg(text: string): Record<string, unknown> {
  return Object.fromEntries(text.split('\n').filter((line) => line.trim() && !line.startsWith('#')).map((line) => {
    const match = /^([a-z_]+) = (.+)$/.exec(line);
    if (!match) throw new Error(`not a key = value line: ${line}`);
    return [match[1], JSON.parse(match[2])];
  }));
}

describe('oauth2-proxy values', () => {
  const proxy = values(renderOauth2ProxyValues(plan));
  const config = cfg(proxy.config.configFile);

  test('OIDC against the issuer, called back at the host, the credentials from the Terraform-made Secret only', () => {
    expect(config).toMatchObject({ provider: 'oidc', oidc_issuer_url: 'https://login.example.com/realms/ops', redirect_url: 'https://ops.example.com/oauth2/callback' });
    expect(proxy.config.existingSecret).toBe(OAUTH2_PROXY_SECRET);
    // The chart's placeholders (XXXXXXX) must not reach a Secret or the pod.
    expect([proxy.config.clientID, proxy.config.clientSecret, proxy.config.cookieSecret]).toEqual(['', '', '']);
    expect(JSON.stringify(proxy)).not.toMatch(/secret\s*=|client_secret/);
  });

  test('Grafana and Headlamp are its upstreams, by path, on their in-cluster Services', () => {
    expect(config.upstreams).toEqual([
      'http://grafana.cast-middleware.svc.cluster.local/grafana/',
      'http://headlamp.cast-middleware.svc.cluster.local/headlamp/',
    ]);
    expect(config).toMatchObject({ pass_user_headers: true, skip_auth_strip_headers: true, cookie_secure: true });
  });

  test('listed emails decide (no domain is open) and the groups must hold as well', () => {
    expect(config.email_domains).toEqual([]);
    expect(proxy.authenticatedEmailsFile).toEqual({ enabled: true, persistence: 'configmap', restricted_access: 'ann@example.com\nbob@example.com' });
    expect(config.allowed_groups).toEqual(['platform']);
  });

  test('groups alone: every email domain, the groups decide', () => {
    const groupsOnly = values(renderOauth2ProxyValues({ ...plan, allowedEmails: [] }));
    expect(cfg(groupsOnly.config.configFile)).toMatchObject({ email_domains: ['*'], allowed_groups: ['platform'] });
    expect(groupsOnly.authenticatedEmailsFile).toEqual({ enabled: false });
  });
});

describe('Grafana values', () => {
  const grafana = values(renderGrafanaValues(plan));
  const ini = grafana['grafana.ini'];

  test('served under /grafana/ at the host, trusting the e-mail oauth2-proxy sends, no login form, no anonymous, no built-in admin', () => {
    expect(ini.server).toEqual({ domain: 'ops.example.com', root_url: 'https://ops.example.com/grafana/', serve_from_sub_path: true });
    expect(ini['auth.proxy']).toEqual({ enabled: true, header_name: 'X-Forwarded-Email', header_property: 'email', auto_sign_up: true });
    expect(ini.auth.disable_login_form).toBe(true);
    expect(ini['auth.anonymous'].enabled).toBe(false);
    expect(ini['auth.basic'].enabled).toBe(false);
    expect(ini.security.disable_initial_admin_creation).toBe(true);
    expect(ini.users.auto_assign_org_role).toBe('Viewer');
  });

  test('Prometheus is the default data source, and the cluster dashboard reads it by uid', () => {
    const [source] = grafana.datasources['datasources.yaml'].datasources;
    expect(source).toMatchObject({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus-server.monitoring.svc.cluster.local', isDefault: true });
    const dashboard = JSON.parse(grafana.dashboards.cast.cluster.json);
    expect(dashboard.title).toBe('Cluster');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(5);
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid).toBe(source.uid);
      for (const target of panel.targets) expect(target.expr).toEqual(expect.any(String));
    }
    // Legends keep Grafana's {{label}} syntax: the dashboard is a value, not a template.
    expect(dashboard.panels[0].targets[0].legendFormat).toBe('{{namespace}}');
    const [provider] = grafana.dashboardProviders['dashboardproviders.yaml'].providers;
    expect(provider).toMatchObject({ name: 'cast', type: 'file' });
  });

  test('ClusterIP only', () => {
    expect(grafana.service).toEqual({ type: 'ClusterIP' });
  });
});

describe('Headlamp values', () => {
  const headlamp = values(renderHeadlampValues(plan));

  test('under /headlamp, as its ServiceAccount bound to the read-only `view` role instead of the chart\'s cluster-admin, ClusterIP only', () => {
    expect(headlamp.config).toMatchObject({ baseURL: '/headlamp', unsafeUseServiceAccountToken: true, oidc: { secret: { create: false } } });
    expect(headlamp.clusterRoleBinding).toEqual({ create: true, clusterRoleName: 'view' });
    expect(headlamp.service).toEqual({ type: 'ClusterIP' });
  });
});

describe('the manifests in front of them', () => {
  const docs = renderMiddlewareManifests(plan, LABELS).map((text) => {
    const [doc, ...rest] = parseAllDocuments(unescapeTerraformTemplate(text));
    expect(rest).toEqual([]);
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
  const ofKind = (kind: string) => docs.filter((d) => d.kind === kind);

  test('two HTTPRoutes valid against the Gateway API schema, attached to the Gateway cast\'s https and http listeners', () => {
    const routes = ofKind('HTTPRoute');
    expect(routes.map((r) => checkCustomResource(r).problems)).toEqual([[], []]);
    expect(routes.map((r) => r.spec.parentRefs)).toEqual([
      [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'cast', namespace: 'cast-ingress', sectionName: 'https' }],
      [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'cast', namespace: 'cast-ingress', sectionName: 'http' }],
    ]);
    for (const route of routes) expect(route.spec.hostnames).toEqual(['ops.example.com']);
  });

  test('HTTPS goes to oauth2-proxy; HTTP only redirects', () => {
    const [https, http] = ofKind('HTTPRoute');
    expect(https.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'oauth2-proxy', port: 80 }] }]);
    expect(http.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });

  test('NetworkPolicies: Grafana and Headlamp admit oauth2-proxy on their container port, oauth2-proxy admits the Gateway\'s namespace', () => {
    const policies = Object.fromEntries(ofKind('NetworkPolicy').map((p) => [p.metadata.name, p]));
    const proxyPods = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'oauth2-proxy', 'app.kubernetes.io/instance': 'oauth2-proxy' } } };
    expect(policies['grafana-from-oauth2-proxy'].spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [proxyPods], ports: [{ protocol: 'TCP', port: 3000 }] }],
    });
    expect(policies['headlamp-from-oauth2-proxy'].spec.ingress).toEqual([{ from: [proxyPods], ports: [{ protocol: 'TCP', port: 4466 }] }]);
    expect(policies['oauth2-proxy-from-gateway'].spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cast-ingress' } } }], ports: [{ protocol: 'TCP', port: 4180 }] },
    ]);
    for (const doc of docs) expect(doc.metadata).toEqual({ name: expect.any(String), namespace: 'cast-middleware', labels: LABELS });
  });
});
