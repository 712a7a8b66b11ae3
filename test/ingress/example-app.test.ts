/** examples/app: its manifests parse, carry what Kubernetes requires and fit the ingress the example builds. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { parseAllDocuments } from 'yaml';
import { buildApp } from '../../examples/app/app';
import { IngressStack } from '../../lib/ingress/ingress-stack';

const dir = path.join(__dirname, '../../examples/app');
const manifests = fs.readdirSync(path.join(dir, 'manifests')).sort().flatMap((file) =>
  parseAllDocuments(fs.readFileSync(path.join(dir, 'manifests', file), 'utf8')).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  }),
);
const byKind = Object.fromEntries(manifests.map((m) => [m.kind, m]));

describe('examples/app', () => {
  const app = Testing.app();
  buildApp(app);
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c)).map((s) => s.node.id);
  const ingress = app.node.findAll().find((c): c is IngressStack => c instanceof IngressStack)!;

  test('two stacks: the cluster with its ingress, then the in-cluster part', () => {
    expect(stacks).toEqual(['shop-cluster', 'shop-in-cluster']);
    expect(ingress.clouds).toHaveLength(4);
  });

  test('a Deployment, a Service and an Ingress, each with apiVersion, kind, metadata.name and spec', () => {
    expect(Object.keys(byKind).sort()).toEqual(['Deployment', 'Ingress', 'Service']);
    for (const manifest of manifests) {
      expect(manifest).toEqual(expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String), metadata: expect.objectContaining({ name: expect.any(String) }), spec: expect.any(Object) }));
    }
  });

  test('the Service selects the Deployment\'s pods and names its container port', () => {
    const deployment = byKind.Deployment;
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(byKind.Service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.spec.containers[0].ports.map((p: any) => p.name)).toContain(byKind.Service.spec.ports[0].targetPort);
  });

  test('the Ingress uses the stack\'s class and ClusterIssuer, and has TLS for its host', () => {
    const spec = byKind.Ingress.spec;
    expect(byKind.Ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe(ingress.clusterIssuerName);
    expect(spec.ingressClassName).toBe('nginx');
    expect(spec.tls[0].hosts).toEqual([spec.rules[0].host]);
    expect(spec.tls[0].secretName).toEqual(expect.any(String));
    expect(spec.rules[0].http.paths[0].backend.service).toEqual({ name: byKind.Service.metadata.name, port: { name: byKind.Service.spec.ports[0].name } });
  });

  test('the README deploys both stacks, by their ids, in order', () => {
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(`npx cdktf deploy ${stacks.join(' ')}`);
    expect(readme).toContain('cast_cluster_shop_ingress_hostname');
    expect(readme).toContain(ingress.hostname);
  });
});
