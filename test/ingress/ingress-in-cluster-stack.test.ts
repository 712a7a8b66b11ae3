/**
 * The in-cluster stack: helm and kubernetes providers configured from the
 * cluster stack's kubeconfig output through remote state, the controller on
 * the NodePorts the load balancers target, cert-manager and its ClusterIssuer,
 * Prometheus; every manifest and values file parses and carries what
 * Kubernetes requires.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { findSecrets } from '../security/secret-scan';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
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

describe('ingress-nginx', () => {
  const release = releases['ingress-nginx'];
  const values = valuesOf(release);

  test('pinned chart in its own namespace', () => {
    expect(release).toMatchObject({ repository: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.14.1', wait: true });
    expect(release.namespace).toBe('${kubernetes_namespace_v1.namespace-ingress-nginx.metadata[0].name}');
  });

  test('its NodePorts are the ones every load balancer targets', () => {
    const { http, https } = values.controller.service.nodePorts;
    expect([http, https]).toEqual([built.ingress.httpNodePort, built.ingress.httpsNodePort]);
    const targeted = new Set<number>([
      ...Object.values(cluster.ingress('aws_lb_target_group')).map((g) => g.port),
      ...Object.values(cluster.ingress('azurerm_lb_rule')).map((r) => r.backend_port),
      ...cluster.one('digitalocean_loadbalancer').forwarding_rule.map((r: any) => r.target_port),
    ]);
    expect([...targeted].sort()).toEqual([http, https].sort());
    expect(cluster.one('google_compute_http_health_check').port).toBe(http);
    expect(values.controller).toMatchObject({ kind: 'DaemonSet', service: { type: 'NodePort', externalTrafficPolicy: 'Local' } });
  });

  test('GCP\'s load balancer address is an external IP of the controller Service, read from the cluster stack', () => {
    expect(release.set_list).toEqual([{ name: 'controller.service.externalIPs', value: [`\${${REMOTE}.outputs.cast_cluster_prod_ingress_addresses.gcp}`] }]);
    expect(cluster.json.output.cast_cluster_prod_ingress_addresses.value.gcp).toMatch(/^\$\{google_compute_address\.ingress_gcp_Address_\w+\.address\}$/);
    const noGcp = buildIngress({ groups: { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE }, w: { cloud: Cloud.AWS, role: NodeRole.WORKER } }, inCluster: true });
    expect(noGcp.inClusterSynth!.resources('helm_release')['ingress-nginx'].set_list).toBeUndefined();
  });

  test('metrics on, scraped through the pod annotations', () => {
    expect(values.controller.metrics.enabled).toBe(true);
    expect(values.controller.podAnnotations['prometheus.io/scrape']).toBe('true');
  });
});

describe('cert-manager and the ClusterIssuer', () => {
  test('cert-manager installs its CRDs and waits until ready', () => {
    expect(releases['cert-manager']).toMatchObject({ repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.19.2', wait: true });
    expect(valuesOf(releases['cert-manager']).crds.enabled).toBe(true);
  });

  test('the ClusterIssuer is a release after cert-manager\'s, and a valid manifest', () => {
    const release = releases['cluster-issuer'];
    expect(release.depends_on).toEqual(['helm_release.cert-manager']);
    const [issuer] = valuesOf(release).manifests.map((doc: string) => parse(doc));
    expect(issuer).toMatchObject({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'letsencrypt', labels: { 'cast-cluster-uuid': built.cluster.uuid } },
      spec: { acme: { email: 'ops@example.com', server: 'https://acme-v02.api.letsencrypt.org/directory', privateKeySecretRef: { name: 'letsencrypt-account-key' } } },
    });
    expect(issuer.spec.acme.solvers[0].http01.ingress.ingressClassName).toBe(valuesOf(releases['ingress-nginx']).controller.ingressClassResource.name);
  });
});

describe('Prometheus', () => {
  test('installed by default, server only, in namespace monitoring', () => {
    expect(releases.prometheus).toMatchObject({ chart: 'prometheus', version: '27.23.0', namespace: '${kubernetes_namespace_v1.namespace-monitoring.metadata[0].name}' });
    expect(valuesOf(releases.prometheus).server.persistentVolume.enabled).toBe(false);
  });

  test('yours instead: a ServiceMonitor with its release label, and no Prometheus installed', () => {
    const own = buildIngress({ options: { prometheus: { serviceMonitorRelease: 'kube-prometheus-stack' } }, inCluster: true }).inClusterSynth!;
    expect(own.resources('helm_release').prometheus).toBeUndefined();
    expect(own.resources('kubernetes_namespace_v1')['namespace-monitoring']).toBeUndefined();
    expect(valuesOf(own.resources('helm_release')['ingress-nginx']).controller.metrics.serviceMonitor).toEqual({ enabled: true, additionalLabels: { release: 'kube-prometheus-stack' } });
  });
});

describe('namespaces and versions', () => {
  test('every namespace is a valid object carrying the cluster labels', () => {
    const namespaces = Object.values(inCluster.resources('kubernetes_namespace_v1'));
    expect(namespaces.map((n) => n.metadata.name).sort()).toEqual(['cert-manager', 'ingress-nginx', 'monitoring']);
    for (const namespace of namespaces) expect(namespace.metadata.labels).toEqual({ 'cast-cluster-name': 'prod', 'cast-cluster-uuid': built.cluster.uuid });
  });

  test('chart versions of your own', () => {
    const own: StackJson = buildIngress({ options: { versions: { ingressNginx: '4.13.5', certManager: 'v1.18.2', prometheus: '27.20.0' } }, inCluster: true }).inClusterSynth!;
    const versions = Object.fromEntries(Object.entries(own.resources('helm_release')).map(([id, r]) => [id, r.version]));
    expect(versions).toEqual({ 'ingress-nginx': '4.13.5', 'cert-manager': 'v1.18.2', 'cluster-issuer': undefined, prometheus: '27.20.0' });
  });
});
