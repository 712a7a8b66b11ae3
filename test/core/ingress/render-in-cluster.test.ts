/**
 * The in-cluster views of the ingress plan: chart values and the manifests of the
 * Gateway, its data plane, the ClusterIssuer and the certificates, as Helm gets them
 * (Terraform's unescaping, then YAML), each custom resource valid against the
 * schema of its CRD at the pinned release (test/fixtures/crds/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import {
  GATEWAY_CLASS_NAME, GATEWAY_NAME, GATEWAY_NAMESPACE, HTTP_LISTENER, HTTPS_LISTENER,
} from '../../../lib/core/ingress';
import { planIngress } from '../../../lib/core/ingress/ingress-plan';
import {
  certificateName, renderCertificates, renderCertManagerValues, renderClusterIssuer, renderEnvoyGatewayCrdsValues, renderEnvoyGatewayValues,
  renderGatewayManifests, renderManifestsChartValues, renderPodMonitors, renderPrometheusValues,
} from '../../../lib/core/ingress/render-in-cluster';
import { checkCustomResource } from '../../ingress/crd-schema';
import { CLUSTER_LABELS, INGRESS_INPUT } from './ingress-plan-fixture';

const INPUT = INGRESS_INPUT;
const plan = planIngress(INPUT);
const LABELS = CLUSTER_LABELS;

/** What Helm receives: Terraform's unescaping, then YAML. */
const helmSees = (text: string) => parse(unescapeTerraformTemplate(text));
const byKind = (docs: string[]) => Object.fromEntries(docs.map((d) => helmSees(d)).map((m) => [m.kind, m]));

const gateway = byKind(renderGatewayManifests(plan, { labels: LABELS, gcpAddress: '203.0.113.7' }));

describe('chart values', () => {
  test('Envoy Gateway: the Gateway API standard channel and its own CRDs from the CRD chart, none from the controller chart', () => {
    expect(helmSees(renderEnvoyGatewayCrdsValues(plan))).toEqual({ crds: { gatewayAPI: { enabled: true, channel: 'standard' }, envoyGateway: { enabled: true } } });
    expect(helmSees(renderEnvoyGatewayValues(plan))).toEqual({ crds: { enabled: false } });
  });

  test('cert-manager installs and keeps its CRDs and turns on its Gateway API support; Prometheus is the server only', () => {
    const certManager = helmSees(renderCertManagerValues(plan));
    expect(certManager.crds).toEqual({ enabled: true, keep: true });
    expect(certManager.config).toEqual({ apiVersion: 'controller.config.cert-manager.io/v1alpha1', kind: 'ControllerConfiguration', enableGatewayAPI: true });
    const prometheus = helmSees(renderPrometheusValues(plan));
    expect(prometheus.server).toEqual({ retention: '15d', persistentVolume: { enabled: false } });
    for (const part of ['alertmanager', 'prometheus-pushgateway', 'prometheus-node-exporter', 'kube-state-metrics']) expect(prometheus[part].enabled).toBe(false);
  });
});

describe('the Gateway and its data plane', () => {
  test('the contract: GatewayClass cast, Gateway cast in cast-ingress, listeners http on 80 and https on 443, open to routes of every namespace', () => {
    expect([GATEWAY_CLASS_NAME, GATEWAY_NAME, GATEWAY_NAMESPACE, HTTP_LISTENER, HTTPS_LISTENER]).toEqual(['cast', 'cast', 'cast-ingress', 'http', 'https']);
    const { metadata, spec } = gateway.Gateway;
    expect([metadata.name, metadata.namespace, spec.gatewayClassName]).toEqual(['cast', 'cast-ingress', 'cast']);
    expect(spec.listeners.map((l: any) => [l.name, l.protocol, l.port, l.allowedRoutes.namespaces.from])).toEqual([['http', 'HTTP', 80, 'All'], ['https', 'HTTPS', 443, 'All']]);
    expect(gateway.GatewayClass.spec.parametersRef).toEqual({ group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: gateway.EnvoyProxy.metadata.name, namespace: gateway.EnvoyProxy.metadata.namespace });
  });

  test('Envoy is a DaemonSet behind a NodePort Service with local traffic, its ports patched to exactly the plan\'s NodePorts', () => {
    const kubernetes = gateway.EnvoyProxy.spec.provider.kubernetes;
    expect(kubernetes).toHaveProperty('envoyDaemonSet');
    expect(kubernetes).not.toHaveProperty('envoyDeployment');
    expect(kubernetes.envoyService).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Local', patch: { type: 'StrategicMerge' } });
    // Whole ports, named as Envoy Gateway names them, with its privileged-port shift.
    expect(kubernetes.envoyService.patch.value.spec.ports).toEqual([
      { name: 'http-80', protocol: 'TCP', port: 80, targetPort: 10080, nodePort: 31080 },
      { name: 'https-443', protocol: 'TCP', port: 443, targetPort: 10443, nodePort: 31443 },
    ]);
    // Drains for longer than two 10-second health-check failures.
    expect(gateway.EnvoyProxy.spec.shutdown).toEqual({ minDrainDuration: '30s', drainTimeout: '60s' });
  });

  test('the load balancers\' health check path is answered on the http listener', () => {
    const policy = gateway.ClientTrafficPolicy;
    expect(policy.spec).toEqual({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'cast', sectionName: 'http' }], healthCheck: { path: plan.healthCheck.path } });
    expect(plan.healthCheck).toEqual({ nodePort: 31080, path: '/healthz' });
  });

  test('GCP\'s load balancer address is the Gateway\'s address (an external IP of Envoy\'s Service); without GCP workers, none', () => {
    expect(gateway.Gateway.spec.addresses).toEqual([{ type: 'IPAddress', value: '203.0.113.7' }]);
    const expression = '${data.terraform_remote_state.x.outputs.addresses.gcp}';
    const rendered = renderGatewayManifests(plan, { labels: LABELS, gcpAddress: expression })[2];
    // Left for Terraform to resolve: the only unescaped interpolation of the manifest.
    expect(rendered.match(/(^|[^$])\$\{/g)).toHaveLength(1);
    expect(rendered).toContain(`"value": "${expression}"`);
    expect(byKind(renderGatewayManifests(plan, { labels: LABELS })).Gateway.spec.addresses).toEqual([]);
  });

  test('the https listener serves a certificate per name, each a Secret that a Certificate of the ClusterIssuer fills', () => {
    const refs = gateway.Gateway.spec.listeners[1].tls;
    expect(refs).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'ingress.prod.example.com-tls' }, { group: '', kind: 'Secret', name: 'shop.example.com-tls' }] });
    const certificates = renderCertificates(plan, LABELS).map(helmSees);
    expect(certificates.map((c) => [c.metadata.namespace, c.spec.secretName, c.spec.dnsNames, c.spec.issuerRef])).toEqual(
      refs.certificateRefs.map((ref: any, i: number) => ['cast-ingress', ref.name, [plan.tlsHostnames[i]], { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' }]),
    );
  });

  test('certificate names are object names of at most 63 characters, distinct for long names that share a head', () => {
    const long = (tail: string) => `${'a'.repeat(40)}.${'b'.repeat(30)}.${tail}.example.com`;
    const [one, two] = [certificateName(long('one')), certificateName(long('two'))];
    expect(one).not.toBe(two);
    for (const name of [one, two]) expect(name).toMatch(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])$/);
    expect(certificateName('shop.example.com')).toBe('shop.example.com-tls');
  });
});

describe('the ClusterIssuer and the PodMonitor', () => {
  test('the ClusterIssuer solves HTTP-01 through the Gateway\'s http listener', () => {
    const issuer = helmSees(renderClusterIssuer(plan, LABELS));
    expect(issuer).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'letsencrypt', labels: LABELS },
      spec: {
        acme: {
          email: 'ops@example.com',
          server: 'https://acme-v02.api.letsencrypt.org/directory',
          privateKeySecretRef: { name: 'letsencrypt-account-key' },
          solvers: [{ http01: { gatewayHTTPRoute: { parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'cast', namespace: 'cast-ingress', sectionName: 'http' }] } } }],
        },
      },
    });
  });

  test('a PodMonitor of the Envoy proxies only for a Prometheus Operator the user names', () => {
    expect(renderPodMonitors(plan, LABELS)).toEqual([]);
    const [monitor] = renderPodMonitors(planIngress({ ...INPUT, serviceMonitorRelease: 'kps' }), LABELS).map(helmSees);
    expect(monitor.metadata.labels.release).toBe('kps');
    expect(monitor.spec).toEqual({ selector: { matchLabels: { 'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy' } }, podMetricsEndpoints: [{ port: 'metrics', path: '/stats/prometheus' }] });
  });

  test('a value that looks like a Terraform template reaches Helm unchanged', () => {
    const odd = planIngress({ ...INPUT, acmeEmail: 'a${b}%{c}@example.com' });
    const rendered = renderClusterIssuer(odd, LABELS);
    expect(rendered).not.toMatch(/(^|[^$])\$\{/);
    expect(rendered).not.toMatch(/(^|[^%])%\{/);
    expect(helmSees(rendered).spec.acme.email).toBe('a${b}%{c}@example.com');
  });
});

test('every custom resource is valid against its CRD\'s schema', () => {
  const manifests = [
    ...renderGatewayManifests(plan, { labels: LABELS, gcpAddress: '203.0.113.7' }),
    renderClusterIssuer(plan, LABELS),
    ...renderCertificates(plan, LABELS),
    ...renderPodMonitors(planIngress({ ...INPUT, serviceMonitorRelease: 'kps' }), LABELS),
  ].map(helmSees);
  expect(manifests.map((m) => m.kind)).toEqual(['EnvoyProxy', 'GatewayClass', 'Gateway', 'ClientTrafficPolicy', 'ClusterIssuer', 'Certificate', 'Certificate', 'PodMonitor']);
  expect(manifests.map((m) => ({ kind: m.kind, problems: checkCustomResource(m).problems }))).toEqual(manifests.map((m) => ({ kind: m.kind, problems: [] })));
});

test('the cast-manifests chart gets one document per entry, and its files are a chart', () => {
  const issuer = renderClusterIssuer(plan, LABELS);
  expect(helmSees(renderManifestsChartValues([issuer]))).toEqual({ manifests: [unescapeTerraformTemplate(issuer)] });
  const chartDir = path.join(__dirname, '../../../templates/ingress/charts/cast-manifests');
  expect(parse(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'))).toMatchObject({ apiVersion: 'v2', name: 'cast-manifests', type: 'application' });
  expect(parse(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'))).toEqual({ manifests: [] });
  // What the chart's template emits for the values above: the documents, separated.
  const emitted = [issuer].map((doc) => `---\n${unescapeTerraformTemplate(doc)}`).join('\n');
  expect(parseAllDocuments(emitted).map((doc) => doc.toJS().kind)).toEqual(['ClusterIssuer']);
  expect(fs.readFileSync(path.join(chartDir, 'templates', 'manifests.yaml'), 'utf8')).toContain('range .Values.manifests');
});

describe("Envoy's image", () => {
  /** The CEL rule the EnvoyProxy CRD puts on `container.image` (`self.matches('<regex>')`), read from the vendored CRD. */
  const imageRule = (() => {
    const crd = fs.readFileSync(path.join(__dirname, '../../fixtures/crds/gateway.envoyproxy.io_EnvoyProxy.json'), 'utf8');
    const rule = /Image must include a tag[^}]*?"rule":\s*"self\.matches\('((?:[^'\\]|\\.)+)'\)"/.exec(crd)!;
    return new RegExp(JSON.parse(`"${rule[1]}"`));
  })();

  test("with the default Envoy Gateway version, Envoy runs v1.9.0's own image, by digest, which the CRD's rule accepts", () => {
    const image: string = gateway.EnvoyProxy.spec.provider.kubernetes.envoyDaemonSet.container.image;
    // envoyproxy/gateway v1.9.0 api/v1alpha1/shared_types.go: DefaultEnvoyProxyImage.
    expect(image.split('@')[0]).toBe('docker.io/envoyproxy/envoy:distroless-v1.39.0');
    expect(image).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(image).toMatch(imageRule);
    expect(`${image} `).not.toMatch(imageRule);
  });

  test('another Envoy Gateway version keeps that version\'s own image: no digest of another release', () => {
    const other = byKind(renderGatewayManifests(planIngress({ ...INPUT, versions: { envoyGateway: 'v1.9.1' } }), { labels: LABELS, gcpAddress: '203.0.113.7' }));
    expect(other.EnvoyProxy.spec.provider.kubernetes.envoyDaemonSet).toEqual({});
  });
});
