/**
 * The in-cluster stack: helm and kubernetes providers configured from the
 * cluster stack's kubeconfig output through remote state, Envoy Gateway with the
 * Gateway's data plane on the NodePorts the load balancers target, cert-manager
 * issuing through the Gateway, Prometheus; every custom resource valid against its
 * CRD's schema (test/fixtures/crds/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { findSecrets } from '../security/secret-scan';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { checkCustomResource } from './crd-schema';
import { buildIngress, StackJson } from './ingress-fixture';

const built = buildIngress({ inCluster: true });
const cluster = built.synth;
const inCluster = built.inClusterSynth!;
const releases = inCluster.resources('helm_release');
const REMOTE = 'data.terraform_remote_state.cross-stack-reference-input-platform';

/** What Helm gets from a release's values: Terraform's unescaping, then YAML. */
function valuesOf(release: Record<string, any>): any {
  expect(release.values).toHaveLength(1);
  return parse(unescapeTerraformTemplate(release.values[0]));
}

describe('the in-cluster stack reads the cluster stack, which it is deployed after', () => {
  test('helm and kubernetes providers take the API address and admin credentials from the kubeconfig output', () => {
    const kubeconfig = `yamldecode(${REMOTE}.outputs.cast_cluster_prod_kubeconfig)`;
    const access = {
      host: `\${${kubeconfig}.clusters.0.cluster.server}`,
      cluster_ca_certificate: `\${base64decode(${kubeconfig}.clusters.0.cluster["certificate-authority-data"])}`,
      client_certificate: `\${base64decode(${kubeconfig}.users.0.user["client-certificate-data"])}`,
      client_key: `\${base64decode(${kubeconfig}.users.0.user["client-key-data"])}`,
    };
    expect(inCluster.json.provider.helm).toEqual([{ kubernetes: access }]);
    expect(inCluster.json.provider.kubernetes).toEqual([access]);
    // The output it reads is the cluster's own, and sensitive.
    expect(cluster.json.output.cast_cluster_prod_kubeconfig.sensitive).toBe(true);
  });

  test('the remote state is the cluster stack\'s backend, and cdktf orders the stacks', () => {
    expect(inCluster.json.data.terraform_remote_state['cross-stack-reference-input-platform']).toMatchObject({ backend: 'local' });
    expect(inCluster.json.data.terraform_remote_state['cross-stack-reference-input-platform'].config.path).toMatch(/terraform\.platform\.tfstate$/);
    expect(built.inCluster!.dependencies).toEqual([built.stack]);
  });

  test('`cdktf deploy` sees the dependency, and the cast-manifests chart is copied next to the stack', () => {
    built.app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(built.app.outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['in-cluster'].dependencies).toEqual(['platform']);
    const chart = releases['cluster-issuer'].chart as string;
    expect(chart).toMatch(/^\.\/assets\/cast-manifests-chart\/[0-9A-F]+$/);
    const copied = path.join(built.app.outdir, 'stacks', 'in-cluster', chart);
    expect(fs.readdirSync(copied).sort()).toEqual(['Chart.yaml', 'templates', 'values.yaml']);
  });

  test('nothing in either stack depends on the other but through remote state: both conform on their own', () => {
    const schemas = loadVendoredSchemas();
    expect(formatProblems(checkStackConformance(cluster.json, schemas))).toBe('');
    expect(formatProblems(checkStackConformance(inCluster.json, schemas))).toBe('');
  });

  test('no secret in either stack', () => {
    expect(findSecrets(cluster.json)).toEqual([]);
    expect(findSecrets(inCluster.json)).toEqual([]);
  });
});

/** The manifests a release of the cast-manifests chart installs, by kind (the GCP address, a Terraform expression, replaced by an IP). */
function manifestsOf(release: Record<string, any>): Record<string, any[]> {
  const out: Record<string, any[]> = {};
  for (const doc of valuesOf(release).manifests as string[]) {
    const manifest = parse(doc.replace(/\$\{data\.terraform_remote_state\.[^}]+\}/g, '203.0.113.7'));
    (out[manifest.kind] ??= []).push(manifest);
  }
  return out;
}

describe('Envoy Gateway and the Gateway', () => {
  const gateway = manifestsOf(releases['cast-gateway']);

  test('pinned charts from Envoy Gateway\'s OCI registry in cast-ingress: the CRDs first, then the controller, then the Gateway', () => {
    const ns = '${kubernetes_namespace_v1.namespace-cast-ingress.metadata[0].name}';
    expect(releases['envoy-gateway-crds']).toMatchObject({ repository: 'oci://docker.io/envoyproxy', chart: 'gateway-crds-helm', version: 'v1.9.0', namespace: ns, wait: true });
    expect(releases['envoy-gateway']).toMatchObject({ repository: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.0', namespace: ns, wait: true, depends_on: ['helm_release.envoy-gateway-crds'] });
    expect(releases['cast-gateway']).toMatchObject({ name: 'cast-gateway', namespace: ns, depends_on: ['helm_release.envoy-gateway'] });
    expect(Object.keys(gateway).sort()).toEqual(['ClientTrafficPolicy', 'EnvoyProxy', 'Gateway', 'GatewayClass']);
  });

  test('Envoy\'s NodePorts are the ones every load balancer targets, and the health check is the path its http listener answers', () => {
    const ports = gateway.EnvoyProxy[0].spec.provider.kubernetes.envoyService.patch.value.spec.ports;
    const [http, https] = ports.map((p: any) => p.nodePort);
    expect([http, https]).toEqual([built.ingress.httpNodePort, built.ingress.httpsNodePort]);
    const targeted = new Set<number>([
      ...Object.values(cluster.ingress('aws_lb_target_group')).map((g) => g.port),
      ...Object.values(cluster.ingress('azurerm_lb_rule')).map((r) => r.backend_port),
      ...cluster.one('digitalocean_loadbalancer').forwarding_rule.map((r: any) => r.target_port),
    ]);
    expect([...targeted].sort()).toEqual([http, https].sort());
    const gcpCheck = cluster.one('google_compute_http_health_check');
    expect(gcpCheck.port).toBe(http);
    expect(gateway.ClientTrafficPolicy[0].spec.healthCheck.path).toBe(gcpCheck.request_path);
    expect(Object.values(cluster.ingress('aws_lb_target_group')).map((g) => g.health_check)).toEqual([
      expect.objectContaining({ port: String(http), path: gcpCheck.request_path }), expect.objectContaining({ port: String(http), path: gcpCheck.request_path }),
    ]);
  });

  test('GCP\'s load balancer address is the Gateway\'s address, read from the cluster stack', () => {
    const raw = valuesOf(releases['cast-gateway']).manifests.find((m: string) => m.includes('kind: Gateway\n'));
    expect(raw).toContain(`"value": "\${${REMOTE}.outputs.cast_cluster_prod_ingress_addresses.gcp}"`);
    expect(cluster.json.output.cast_cluster_prod_ingress_addresses.value.gcp).toMatch(/^\$\{google_compute_address\.ingress_gcp_Address_\w+\.address\}$/);
    const noGcp = buildIngress({ groups: { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE }, w: { cloud: Cloud.AWS, role: NodeRole.WORKER } }, inCluster: true });
    expect(manifestsOf(noGcp.inClusterSynth!.resources('helm_release')['cast-gateway']).Gateway[0].spec.addresses).toEqual([]);
  });

  test('every custom resource of the stack is valid against its CRD\'s schema', () => {
    const all = [...Object.values(gateway).flat(), ...Object.values(manifestsOf(releases['cluster-issuer'])).flat()];
    expect(all.map((m) => m.kind).sort()).toEqual(['Certificate', 'ClientTrafficPolicy', 'ClusterIssuer', 'EnvoyProxy', 'Gateway', 'GatewayClass']);
    expect(all.map((m) => ({ kind: m.kind, problems: checkCustomResource(m).problems }))).toEqual(all.map((m) => ({ kind: m.kind, problems: [] })));
  });
});

describe('cert-manager, the ClusterIssuer and the certificates', () => {
  test('cert-manager installs its CRDs, has its Gateway API support on, starts after the Gateway API CRDs and waits until ready', () => {
    expect(releases['cert-manager']).toMatchObject({ repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.19.2', wait: true, depends_on: ['helm_release.envoy-gateway-crds'] });
    expect(valuesOf(releases['cert-manager'])).toMatchObject({ crds: { enabled: true }, config: { enableGatewayAPI: true } });
  });

  test('the ClusterIssuer and the ingress name\'s Certificate come after cert-manager and the Gateway; HTTP-01 goes through the Gateway\'s http listener', () => {
    const release = releases['cluster-issuer'];
    expect(release.depends_on).toEqual(['helm_release.cert-manager', 'helm_release.cast-gateway']);
    const { ClusterIssuer: [issuer], Certificate: certificates } = manifestsOf(release);
    expect(issuer).toMatchObject({
      metadata: { name: 'letsencrypt', labels: { 'cast-cluster-uuid': built.cluster.uuid } },
      spec: { acme: { email: 'ops@example.com', server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'letsencrypt-account-key' } } },
    });
    const gateway = manifestsOf(releases['cast-gateway']).Gateway[0];
    const [parent] = issuer.spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs;
    expect([parent.name, parent.namespace, parent.sectionName]).toEqual([gateway.metadata.name, gateway.metadata.namespace, gateway.spec.listeners[0].name]);
    expect(certificates.map((c: any) => [c.spec.dnsNames, c.spec.secretName])).toEqual([[['ingress.prod.example.com'], 'ingress.prod.example.com-tls']]);
    expect(gateway.spec.listeners[1].tls.certificateRefs.map((r: any) => r.name)).toEqual(['ingress.prod.example.com-tls']);
    expect(built.ingress.tlsHostnames).toEqual(['ingress.prod.example.com']);
  });
});

describe('Prometheus', () => {
  test('installed by default, server only, in namespace monitoring', () => {
    expect(releases.prometheus).toMatchObject({ chart: 'prometheus', version: '27.23.0', namespace: '${kubernetes_namespace_v1.namespace-monitoring.metadata[0].name}' });
    expect(valuesOf(releases.prometheus).server.persistentVolume.enabled).toBe(false);
  });

  test('yours instead: a PodMonitor of the Envoy proxies with its release label, and no Prometheus installed', () => {
    const own = buildIngress({ options: { prometheus: { serviceMonitorRelease: 'kube-prometheus-stack' } }, inCluster: true }).inClusterSynth!;
    expect(own.resources('helm_release').prometheus).toBeUndefined();
    expect(own.resources('kubernetes_namespace_v1')['namespace-monitoring']).toBeUndefined();
    const [monitor] = manifestsOf(own.resources('helm_release')['cast-gateway']).PodMonitor;
    expect(monitor).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', metadata: { namespace: 'cast-ingress', labels: { release: 'kube-prometheus-stack' } } });
    expect(checkCustomResource(monitor).problems).toEqual([]);
  });
});

describe('namespaces and versions', () => {
  test('every namespace is a valid object carrying the cluster labels', () => {
    const namespaces = Object.values(inCluster.resources('kubernetes_namespace_v1'));
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual(['cast-ingress', 'cert-manager', 'monitoring']);
    for (const namespace of namespaces) expect(namespace.metadata.labels).toEqual({ 'cast-cluster-name': 'prod', 'cast-cluster-uuid': built.cluster.uuid });
  });

  test('chart versions of your own', () => {
    const own: StackJson = buildIngress({ options: { versions: { envoyGateway: 'v1.8.3', certManager: 'v1.18.2', prometheus: '27.20.0' } }, inCluster: true }).inClusterSynth!;
    const versions = Object.fromEntries(Object.entries(own.resources('helm_release')).filter(([id]) => !id.startsWith('release-')).map(([id, r]) => [id, r.version]));
    expect(versions).toEqual({ 'envoy-gateway-crds': 'v1.8.3', 'envoy-gateway': 'v1.8.3', 'cast-gateway': undefined, 'cert-manager': 'v1.18.2', 'cluster-issuer': undefined, prometheus: '27.20.0' });
  });
});
