import { GrafanaRole, MiddlewarePlanInput, planMiddleware } from '../../../lib/core/middleware/middleware-plan';
import { PlanError } from '../../../lib/core/plan-error';

const INPUT: MiddlewarePlanInput = {
  host: 'ops.example.com',
  issuerUrl: 'https://login.example.com/realms/ops',
  clientId: 'cast-ops',
  allowedEmails: ['b@example.com', 'a@example.com', 'b@example.com'],
  ingressInstallsPrometheus: true,
  tlsHostnames: ['ingress.prod.example.com', 'ops.example.com'],
};

function problems(input: Partial<MiddlewarePlanInput>): readonly string[] {
  try {
    planMiddleware({ ...INPUT, ...input });
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  return [];
}

describe('planMiddleware', () => {
  test('defaults: Viewer, the ingress\'s Prometheus, the pinned charts; emails sorted once; URLs at the host', () => {
    const plan = planMiddleware(INPUT);
    expect(plan.allowedEmails).toEqual(['a@example.com', 'b@example.com']);
    expect(plan.allowedGroups).toEqual([]);
    expect(plan.grafanaRole).toBe(GrafanaRole.VIEWER);
    expect(plan.prometheusUrl).toBe('http://prometheus-server.monitoring.svc.cluster.local');
    expect(plan.versions).toEqual({ oauth2Proxy: 'v7.15.3', grafana: '12.11.1', headlamp: '0.45.0' });
    expect(plan.redirectUrls).toEqual(['https://ops.example.com/grafana/oauth2/callback', 'https://ops.example.com/headlamp/oauth2/callback']);
    expect(plan.grafanaUrl).toBe('https://ops.example.com/grafana/');
    expect(plan.headlampUrl).toBe('https://ops.example.com/headlamp/');
  });

  test('your Prometheus and versions replace the defaults', () => {
    const plan = planMiddleware({ ...INPUT, ingressInstallsPrometheus: false, prometheusUrl: 'http://kps-prometheus.monitoring:9090', versions: { grafana: '12.10.0' } });
    expect(plan.prometheusUrl).toBe('http://kps-prometheus.monitoring:9090');
    expect(plan.versions.grafana).toBe('12.10.0');
    expect(plan.versions.headlamp).toBe('0.45.0');
  });

  test('every mistake at once, each naming the prop, the value and the fix', () => {
    const found = problems({
      host: 'Ops.example.com', issuerUrl: 'http://login.example.com', clientId: 'has space', allowedEmails: ['nobody'], allowedGroups: ['a,b'],
      ingressInstallsPrometheus: false, versions: { oauth2Proxy: '^10.0.0' },
    });
    expect(found).toEqual([
      expect.stringMatching(/^host must be a public domain name .*got "Ops.example.com": it has uppercase letters/),
      expect.stringMatching(/^issuerUrl must be .*got "http:\/\/login.example.com": it is not https/),
      expect.stringMatching(/^clientId must be .*got "has space"/),
      expect.stringMatching(/^allowedEmails must hold email addresses \(got "nobody"/),
      expect.stringMatching(/^allowedGroups must hold group names .*got "a,b"/),
      expect.stringMatching(/^prometheusUrl must be set when the ingress does not install Prometheus/),
      expect.stringMatching(/^versions.oauth2Proxy must be an exact oauth2-proxy release like v7.15.3 \(got "\^10.0.0"\)/),
    ]);
  });

  test('nobody allowed is refused: every account of the identity provider would get in', () => {
    expect(problems({ allowedEmails: [], allowedGroups: [] })).toEqual([expect.stringMatching(/^allowedEmails or allowedGroups must name who may sign in/)]);
    expect(problems({ allowedEmails: undefined, allowedGroups: ['ops'] })).toEqual([]);
  });

  test('a Prometheus URL with braces is refused: the grafana chart reads its data sources as a template', () => {
    expect(problems({ prometheusUrl: 'http://{{ .Release.Name }}-prometheus' })).toEqual([expect.stringMatching(/^prometheusUrl must be an http or https URL .*braces \(got "http:\/\/\{\{ .Release.Name \}\}-prometheus"\)/)]);
  });

  test('a group name with braces is taken as it is: no template reads the proxies\' configuration', () => {
    expect(planMiddleware({ ...INPUT, allowedGroups: ['{team}'] }).allowedGroups).toEqual(['{team}']);
  });

  test('an oauth2-proxy chart version, as earlier releases of this library took, is refused with the release to pass instead', () => {
    expect(problems({ versions: { oauth2Proxy: '10.7.0' } })).toEqual([
      'versions.oauth2Proxy must be an oauth2-proxy release like v7.15.3 (got "10.7.0", a chart version: oauth2-proxy now runs inside each console\'s pod, without its chart). Pass the release the chart version ran, its appVersion with a "v".',
    ]);
    expect(planMiddleware({ ...INPUT, versions: { oauth2Proxy: 'v7.16.0' } }).images.oauth2Proxy).toBeUndefined();
  });

  test('a host the Gateway has no certificate for is refused, naming the names it has', () => {
    expect(problems({ host: 'grafana.example.com' })).toEqual([
      'host must be a name the ingress has a certificate for (got "grafana.example.com"; the Gateway\'s https listener has "ingress.prod.example.com", "ops.example.com"). Add "grafana.example.com" to the IngressStack\'s tlsHostnames.',
    ]);
    expect(problems({ host: 'grafana.example.com', tlsHostnames: undefined })).toEqual([]);
  });

  test.each([
    ['not a url', 'it is not a URL'],
    ['https://login.example.com/?tenant=1', 'it has a query, fragment or credentials'],
    ['https://login.example.com/{{ .Values }}', 'it holds spaces, quotes, backslashes or braces'],
  ])('issuerUrl %s: %s', (issuerUrl, why) => {
    expect(problems({ issuerUrl })).toEqual([expect.stringContaining(why)]);
  });
});
