import { Cloud } from '../../../lib/core/cloud';
import { AcmeServer } from '../../../lib/core/ingress/acme-server';
import { DEFAULT_CHART_VERSIONS } from '../../../lib/core/ingress/ingress-defaults';
import { envoyGatewayKubernetesProblem, IngressPlanInput, planIngress } from '../../../lib/core/ingress/ingress-plan';
import { PlanError } from '../../../lib/core/plan-error';

const BASE: IngressPlanInput = {
  clusterName: 'prod',
  nodePortRange: { from: 30000, to: 32767 },
  reservedPorts: [{ port: 51820, what: 'WireGuard' }],
  workerClouds: [Cloud.DIGITALOCEAN, Cloud.AWS],
  zoneName: 'example.com',
  acmeEmail: 'ops@example.com',
};

function problemsOf(input: Partial<IngressPlanInput>): readonly string[] {
  try {
    planIngress({ ...BASE, ...input });
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected a PlanError');
}

describe('planIngress', () => {
  test('defaults: 30080/30443 behind 80/443, ingress.<cluster>.<zone>, production ACME, pinned charts, Prometheus installed', () => {
    const plan = planIngress(BASE);
    expect(plan.clouds).toEqual([Cloud.AWS, Cloud.DIGITALOCEAN]);
    expect(plan.ports).toEqual([
      { name: 'http', port: 80, nodePort: 30080 },
      { name: 'https', port: 443, nodePort: 30443 },
    ]);
    expect(plan.healthCheck).toEqual({ nodePort: 30080, path: '/healthz' });
    expect([plan.zoneName, plan.recordName, plan.hostname, plan.ttl]).toEqual(['example.com', 'ingress.prod', 'ingress.prod.example.com', 60]);
    expect(plan.acme).toEqual({ email: 'ops@example.com', server: AcmeServer.PRODUCTION, serverUrl: 'https://acme-v02.api.letsencrypt.org/directory', clusterIssuerName: 'letsencrypt' });
    expect(plan.versions).toEqual(DEFAULT_CHART_VERSIONS);
    expect(plan.prometheus).toEqual({ install: true, serviceMonitorRelease: undefined });
    // The ingress name always has a certificate, so the https listener is never without one.
    expect(plan.tlsHostnames).toEqual(['ingress.prod.example.com']);
  });

  test('every option, and a zone written with its trailing dot', () => {
    const plan = planIngress({
      ...BASE,
      httpNodePort: 31000,
      httpsNodePort: 31001,
      zoneName: 'apps.example.org.',
      recordName: 'edge',
      ttl: 300,
      acmeServer: AcmeServer.STAGING,
      clusterIssuerName: 'le-staging',
      versions: { certManager: 'v1.18.2', envoyGateway: undefined },
      serviceMonitorRelease: 'kube-prometheus-stack',
      tlsHostnames: ['shop.example.com', 'www.shop.example.com'],
    });
    expect(plan.tlsHostnames).toEqual(['edge.apps.example.org', 'shop.example.com', 'www.shop.example.com']);
    expect(plan.ports.map((p) => p.nodePort)).toEqual([31000, 31001]);
    expect(plan.healthCheck.nodePort).toBe(31000);
    expect(plan.hostname).toBe('edge.apps.example.org');
    expect(plan.acme.serverUrl).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    expect(plan.versions).toEqual({ ...DEFAULT_CHART_VERSIONS, certManager: 'v1.18.2' });
    // Naming your own Prometheus Operator turns the installed one off unless asked for.
    expect(plan.prometheus).toEqual({ install: false, serviceMonitorRelease: 'kube-prometheus-stack' });
    expect(planIngress({ ...BASE, serviceMonitorRelease: 'kps', installPrometheus: true }).prometheus.install).toBe(true);
    expect(planIngress({ ...BASE, installPrometheus: false }).prometheus.install).toBe(false);
  });

  test('a NodePort range of its own moves what is accepted', () => {
    expect(planIngress({ ...BASE, nodePortRange: { from: 40000, to: 40100 }, httpNodePort: 40080, httpsNodePort: 40043 }).ports[1].nodePort).toBe(40043);
  });

  test.each<[string, Partial<IngressPlanInput>, string]>([
    ['HTTP NodePort below the range', { httpNodePort: 8080 }, "httpNodePort must be a whole port inside the cluster's NodePort range 30000-32767 (got 8080). Pick one in that range, or move the range with the cluster's firewall.nodePortRange."],
    ['HTTPS NodePort above the range', { httpsNodePort: 32768 }, "httpsNodePort must be a whole port inside the cluster's NodePort range 30000-32767 (got 32768). Pick one in that range, or move the range with the cluster's firewall.nodePortRange."],
    ['a fractional NodePort', { httpNodePort: 30080.5 }, "httpNodePort must be a whole port inside the cluster's NodePort range 30000-32767 (got 30080.5). Pick one in that range, or move the range with the cluster's firewall.nodePortRange."],
    ['the two NodePorts equal', { httpNodePort: 30443 }, 'httpsNodePort must differ from httpNodePort (got 30443 for both): one NodePort serves one Service port. Use e.g. 30080 and 30443.'],
    ['a NodePort on the kubelet', { nodePortRange: { from: 10000, to: 11000 }, httpNodePort: 10250, httpsNodePort: 10443 }, 'httpNodePort must not be a port the nodes listen on (got 10250, the kubelet port). Pick another port in 10000-11000.'],
    ['a NodePort on the WireGuard port', { nodePortRange: { from: 50000, to: 52000 }, httpNodePort: 50080, httpsNodePort: 51820 }, 'httpsNodePort must not be a port the nodes listen on (got 51820, the WireGuard port). Pick another port in 50000-52000.'],
    ['a zone name with an empty label', { zoneName: 'example..com' }, 'dns.zoneName must be a public domain name like example.com (got "example..com": it has an empty label). Use the zone\'s domain as your registrar shows it.'],
    ['a zone name with an underscore', { zoneName: 'my_shop.com' }, 'dns.zoneName must be a public domain name like example.com (got "my_shop.com": it has the label "my_shop", which is not 1-63 letters, digits or inner dashes). Use the zone\'s domain as your registrar shows it.'],
    ['a single-label zone', { zoneName: 'localhost' }, 'dns.zoneName must be a public domain name like example.com (got "localhost": it has a single label). Use the zone\'s domain as your registrar shows it.'],
    ['an uppercase zone', { zoneName: 'Example.com' }, 'dns.zoneName must be a public domain name like example.com (got "Example.com": it has uppercase letters). Use the zone\'s domain as your registrar shows it.'],
    ['a numeric top-level domain', { zoneName: '10.0.0.1' }, 'dns.zoneName must be a public domain name like example.com (got "10.0.0.1": it ends in "1", which is not a top-level domain). Use the zone\'s domain as your registrar shows it.'],
    ['a record name with a leading dash', { recordName: '-ingress' }, 'dns.recordName must be a name relative to the zone, like ingress.prod (got "-ingress": it has the label "-ingress", which is not 1-63 letters, digits or inner dashes). Leave out the zone\'s own name.'],
    ['a TTL under DigitalOcean\'s minimum', { ttl: 5 }, 'dns.ttl must be a whole number of seconds from 30 to 86400 (got 5). DigitalOcean refuses less than 30; the default is 60.'],
    ['an email without @', { acmeEmail: 'ops.example.com' }, 'acmeEmail must be an email address like ops@example.com (got "ops.example.com": it has no local part and "@"). Let\'s Encrypt sends expiry notices there: use a mailbox you read.'],
    ['an email with a bad domain', { acmeEmail: 'ops@example' }, 'acmeEmail must be an email address like ops@example.com (got "ops@example": it has a domain that has a single label). Let\'s Encrypt sends expiry notices there: use a mailbox you read.'],
    ['an email with a space', { acmeEmail: 'o ps@example.com' }, 'acmeEmail must be an email address like ops@example.com (got "o ps@example.com": it has the local part "o ps", which has characters or dots an address cannot have). Let\'s Encrypt sends expiry notices there: use a mailbox you read.'],
    ['a ClusterIssuer name with capitals', { clusterIssuerName: 'LetsEncrypt' }, 'clusterIssuerName must be a Kubernetes object name: lowercase letters, digits, "-" and "." (got "LetsEncrypt"). Use e.g. "letsencrypt".'],
    ['a chart version range', { versions: { envoyGateway: '^1.9' } }, 'versions.envoyGateway must be an exact chart version like v1.9.0 (got "^1.9"). Pin a version from the chart\'s repository; ranges and "latest" would change the cluster on their own.'],
    ['a wildcard TLS name', { tlsHostnames: ['*.example.com'] }, 'tlsHostnames must hold public domain names like shop.example.com (got "*.example.com": it is a wildcard, which HTTP-01 cannot validate). List each name your apps serve over HTTPS.'],
    ['a TLS name that is no domain', { tlsHostnames: ['Shop.example.com'] }, 'tlsHostnames must hold public domain names like shop.example.com (got "Shop.example.com": it has uppercase letters). List each name your apps serve over HTTPS.'],
    ['the ingress name among the TLS names', { tlsHostnames: ['ingress.prod.example.com'] }, 'tlsHostnames must not repeat a name or list the ingress name (got "ingress.prod.example.com" twice). The ingress name ingress.prod.example.com always has a certificate; remove the duplicate.'],
    ['a Prometheus release that is no label value', { serviceMonitorRelease: 'kube prometheus' }, 'prometheus.serviceMonitorRelease must be a Kubernetes label value: your Prometheus Operator\'s release name (got "kube prometheus"). Use the value of the "release" label its serviceMonitorSelector matches.'],
    ['no workers at all', { workerClouds: [] }, 'cluster must have worker nodes before an IngressStack is created (got none: only workers carry ingress traffic). Add a node group with role NodeRole.WORKER, then create the IngressStack.'],
  ])('%s', (_name, input, message) => {
    expect(problemsOf(input)).toEqual([message]);
  });

  test('every problem is reported, not only the first', () => {
    expect(problemsOf({ httpNodePort: 80, zoneName: 'x', acmeEmail: 'nobody', ttl: 0 })).toHaveLength(4);
  });
});

describe('the Kubernetes versions Envoy Gateway supports', () => {
  test.each([
    ['1.34.2', 'v1.9.0', undefined],
    ['1.33.0', 'v1.9.0', undefined],
    ['1.32.4', 'v1.8.3', undefined],
    ['1.32.4', 'v1.9.0', 'cluster.kubernetesVersion 1.32.4 is outside what Envoy Gateway v1.9.0 supports (Kubernetes 1.33 to 1.36). Upgrade the cluster to 1.33 or later (docs/upgrades.md), or pin versions.envoyGateway to a release that supports it.'],
    ['1.31.0', 'v1.8.3', 'cluster.kubernetesVersion 1.31.0 is outside what Envoy Gateway v1.8.3 supports (Kubernetes 1.32 to 1.35). Upgrade the cluster to 1.32 or later (docs/upgrades.md), or pin versions.envoyGateway to a release that supports it.'],
    ['1.31.0', 'v1.12.0', undefined],
  ])('Kubernetes %s with Envoy Gateway %s', (kubernetes, envoyGateway, problem) => {
    expect(envoyGatewayKubernetesProblem(kubernetes, envoyGateway)).toBe(problem);
  });
});
