/**
 * The middleware's Helm values and manifests: what Helm and the API server get
 * after Terraform's unescaping, parsed; the HTTPRoutes valid against the Gateway API
 * CRD schema the cluster installs (test/fixtures/crds/).
 */
import { parse, parseAllDocuments } from 'yaml';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { planMiddleware } from '../../../lib/core/middleware/middleware-plan';
import {
  OAUTH2_PROXY_SECRET, proxyContainer, renderGrafanaValues, renderHeadlampValues, renderMiddlewareManifests, renderProxyConfig,
} from '../../../lib/core/middleware/render-middleware';
import { checkCustomResource } from '../../ingress/crd-schema';
import { parseProxyConfig as cfg } from '../../middleware/console-pod-model';
import { MIDDLEWARE_INPUT } from './middleware-plan-fixture';

const plan = planMiddleware(MIDDLEWARE_INPUT);
const LABELS = { 'cast-cluster/name': 'prod' };
const values = (text: string) => parse(unescapeTerraformTemplate(text));

describe('each console\'s oauth2-proxy', () => {
  const grafana = cfg(renderProxyConfig(plan, 'grafana'));
  const headlamp = cfg(renderProxyConfig(plan, 'headlamp'));

  test('OIDC against the issuer, called back under the console\'s path, the credentials from the Terraform-made Secret only', () => {
    expect(grafana).toMatchObject({ provider: 'oidc', oidc_issuer_url: 'https://login.example.com/realms/ops', proxy_prefix: '/grafana/oauth2', redirect_url: 'https://ops.example.com/grafana/oauth2/callback' });
    expect(headlamp).toMatchObject({ proxy_prefix: '/headlamp/oauth2', redirect_url: 'https://ops.example.com/headlamp/oauth2/callback' });
    expect(grafana).toMatchObject({ client_id: 'cast-ops', client_secret_file: '/etc/oauth2-proxy-secret/client-secret' });
    const container = proxyContainer(plan, 'grafana') as any;
    expect(container.env).toEqual([{ name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: OAUTH2_PROXY_SECRET, key: 'cookie-secret' } } }]);
    // No secret value, and no option that would hold one, in the configuration or the container.
    for (const config of [grafana, headlamp]) expect(Object.keys(config)).not.toEqual(expect.arrayContaining(['client_secret']));
    expect(JSON.stringify([grafana, headlamp, container])).not.toMatch(/cookie_secret|client_secret"/);
  });

  test('the console on the pod\'s loopback is its one upstream, by path; the proxy on the pod\'s port', () => {
    expect(grafana).toMatchObject({ upstreams: ['http://127.0.0.1:3001/grafana/'], http_address: '0.0.0.0:3000', pass_host_header: true });
    expect(headlamp).toMatchObject({ upstreams: ['http://127.0.0.1:4467/headlamp/'], http_address: '0.0.0.0:4466', pass_host_header: false });
    expect(grafana).toMatchObject({ pass_user_headers: true, skip_auth_strip_headers: true, cookie_secure: true });
  });

  test('listed emails decide (no domain is open) and the groups must hold as well', () => {
    expect(grafana.email_domains).toEqual([]);
    expect(grafana.authenticated_emails_file).toBe('/etc/oauth2-proxy/authenticated-emails');
    expect(grafana.allowed_groups).toEqual(['platform']);
  });

  test('groups alone: every email domain, no list, the groups decide', () => {
    const groupsOnly = cfg(renderProxyConfig({ ...plan, allowedEmails: [] }, 'headlamp'));
    expect(groupsOnly).toMatchObject({ email_domains: ['*'], authenticated_emails_file: '', allowed_groups: ['platform'] });
  });
});

describe('Grafana values', () => {
  const grafana = values(renderGrafanaValues(plan));
  const ini = grafana['grafana.ini'];

  test('served under /grafana/ at the host, trusting the e-mail oauth2-proxy sends, no login form, no anonymous, no built-in admin', () => {
    expect(ini.server).toEqual({ domain: 'ops.example.com', root_url: 'https://ops.example.com/grafana/', serve_from_sub_path: true, http_addr: '127.0.0.1', http_port: 3001 });
    expect(ini['auth.proxy']).toEqual({ enabled: true, header_name: 'X-Forwarded-Email', header_property: 'email', auto_sign_up: true, whitelist: '127.0.0.1' });
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
    expect(headlamp.config.extraArgs).toEqual(['-listen-addr=127.0.0.1', '-port=4467']);
  });
});

test('the proxies\' ConfigMap holds both configuration files and the list of emails, one per line', () => {
  const [map] = renderMiddlewareManifests(plan, LABELS).config.map((text) => parse(unescapeTerraformTemplate(text))).filter((d) => d.kind === 'ConfigMap');
  expect(checkCustomResource(map).problems).toEqual([]);
  expect(Object.keys(map.data)).toEqual(['grafana.cfg', 'headlamp.cfg', 'authenticated-emails']);
  expect(map.data['grafana.cfg']).toBe(renderProxyConfig(plan, 'grafana'));
  expect(map.data['authenticated-emails']).toBe('ann@example.com\nbob@example.com\n');
});

describe('the manifests in front of them', () => {
  const { config, routes } = renderMiddlewareManifests(plan, LABELS);
  const docs = [...config, ...routes].map((text) => {
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

  test('HTTPS goes to each console\'s Service by its path; HTTP only redirects', () => {
    const [https, http] = ofKind('HTTPRoute');
    expect(https.spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/grafana/' } }], backendRefs: [{ name: 'grafana', port: 80 }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/headlamp/' } }], backendRefs: [{ name: 'headlamp', port: 80 }] },
      { matches: [{ path: { type: 'Exact', value: '/grafana' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/grafana/' }, statusCode: 302 } }] },
      { matches: [{ path: { type: 'Exact', value: '/headlamp' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/headlamp/' }, statusCode: 302 } }] },
    ]);
    expect(http.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });

  test('NetworkPolicies: each console\'s pod admits the Gateway\'s namespace on its port, the proxy\'s', () => {
    const policies = Object.fromEntries(ofKind('NetworkPolicy').map((p) => [p.metadata.name, p]));
    const gateway = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cast-ingress' } } }];
    expect(policies['grafana-from-gateway'].spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: gateway, ports: [{ protocol: 'TCP', port: 3000 }] }],
    });
    expect(policies['headlamp-from-gateway'].spec.ingress).toEqual([{ from: gateway, ports: [{ protocol: 'TCP', port: 4466 }] }]);
    expect(Object.keys(policies)).toEqual(['grafana-from-gateway', 'headlamp-from-gateway']);
    for (const doc of docs) expect(doc.metadata).toEqual({ name: expect.any(String), namespace: 'cast-middleware', labels: LABELS });
  });
});
