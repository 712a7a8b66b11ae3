import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { Cloud } from '../../../lib/core/cloud';
import { IngressPlanInput, planIngress } from '../../../lib/core/ingress/ingress-plan';
import {
  renderCertManagerValues, renderClusterIssuer, renderIngressNginxValues, renderManifestsChartValues, renderPrometheusValues,
} from '../../../lib/core/ingress/render-in-cluster';

const INPUT: IngressPlanInput = {
  clusterName: 'prod',
  nodePortRange: { from: 30000, to: 32767 },
  workerClouds: [Cloud.AWS],
  zoneName: 'example.com',
  acmeEmail: 'ops@example.com',
  httpNodePort: 31080,
  httpsNodePort: 31443,
};
const plan = planIngress(INPUT);
const LABELS = { 'cast-cluster-name': 'prod', 'cast-cluster-uuid': 'c8b7d1de-52bb-5b87-8b5f-0b1e1e5d3e0a' };

/** What Helm receives: Terraform's unescaping, then YAML. */
const helmSees = (text: string) => parse(unescapeTerraformTemplate(text));

describe('in-cluster values and manifests', () => {
  test('ingress-nginx: a DaemonSet behind a NodePort Service on exactly the plan\'s NodePorts, local traffic, metrics on', () => {
    const values = helmSees(renderIngressNginxValues(plan));
    expect(values.controller.kind).toBe('DaemonSet');
    expect(values.controller.service).toEqual({ type: 'NodePort', externalTrafficPolicy: 'Local', nodePorts: { http: 31080, https: 31443 } });
    expect(values.controller.ingressClassResource).toEqual({ name: 'nginx', default: true });
    expect(values.controller.metrics).toEqual({ enabled: true, port: 10254, serviceMonitor: { enabled: false, additionalLabels: {} } });
    // Annotation values are strings in Kubernetes.
    expect(values.controller.podAnnotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '10254' });
  });

  test('ingress-nginx: a ServiceMonitor for the Prometheus Operator the user names', () => {
    const named = planIngress({ ...INPUT, serviceMonitorRelease: 'kps' });
    expect(helmSees(renderIngressNginxValues(named)).controller.metrics.serviceMonitor).toEqual({ enabled: true, additionalLabels: { release: 'kps' } });
  });

  test('cert-manager installs and keeps its CRDs; Prometheus is the server only, without a PersistentVolume', () => {
    expect(helmSees(renderCertManagerValues(plan)).crds).toEqual({ enabled: true, keep: true });
    const prometheus = helmSees(renderPrometheusValues(plan));
    expect(prometheus.server).toEqual({ retention: '15d', persistentVolume: { enabled: false } });
    for (const part of ['alertmanager', 'prometheus-pushgateway', 'prometheus-node-exporter', 'kube-state-metrics']) expect(prometheus[part].enabled).toBe(false);
  });

  test('the ClusterIssuer carries what Kubernetes and cert-manager require', () => {
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
          solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }],
        },
      },
    });
  });

  test('a value that looks like a Terraform template reaches Helm unchanged', () => {
    const odd = planIngress({ ...INPUT, acmeEmail: 'a${b}%{c}@example.com' });
    const rendered = renderClusterIssuer(odd, LABELS);
    expect(rendered).not.toMatch(/(^|[^$])\$\{/);
    expect(rendered).not.toMatch(/(^|[^%])%\{/);
    expect(helmSees(rendered).spec.acme.email).toBe('a${b}%{c}@example.com');
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
});
