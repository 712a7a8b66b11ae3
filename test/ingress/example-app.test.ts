/**
 * examples/app: its manifests parse, the HTTPRoutes are valid against the Gateway API
 * CRD schema the cluster installs (test/fixtures/crds/) and attach to the Gateway the
 * example's in-cluster stack makes, on names that have a certificate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { parse, parseAllDocuments } from 'yaml';
import { buildApp } from '../../examples/app/app';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { IngressStack } from '../../lib/ingress/ingress-stack';
import { checkCustomResource } from './crd-schema';

const dir = path.join(__dirname, '../../examples/app');
const manifests = fs.readdirSync(path.join(dir, 'manifests')).sort().flatMap((file) =>
  parseAllDocuments(fs.readFileSync(path.join(dir, 'manifests', file), 'utf8')).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  }),
);
const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);

describe('examples/app', () => {
  const app = Testing.app();
  buildApp(app);
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c)).map((s) => s.node.id);
  const ingress = app.node.findAll().find((c): c is IngressStack => c instanceof IngressStack)!;
  // The in-cluster stack alone: its reads of the cluster stack stay references, replaced below.
  const inCluster = JSON.parse(Testing.synth(app.node.findChild('shop-in-cluster') as TerraformStack));
  const gatewayDocs = parse(unescapeTerraformTemplate(inCluster.resource.helm_release['cast-gateway'].values[0])).manifests.map((m: string) => parse(m.replace(/\$\{[^}]+\}/g, '203.0.113.7')));
  const gateway = gatewayDocs.find((m: any) => m.kind === 'Gateway');

  test('two stacks: the cluster with its ingress, then the in-cluster part', () => {
    expect(stacks).toEqual(['shop-cluster', 'shop-in-cluster']);
    expect(ingress.clouds).toHaveLength(4);
  });

  test('a Deployment, a Service and two HTTPRoutes, each with apiVersion, kind, metadata.name and namespace, and spec', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'HTTPRoute', 'HTTPRoute', 'Service']);
    for (const manifest of manifests) {
      expect(manifest).toEqual(expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String), metadata: expect.objectContaining({ name: expect.any(String), namespace: 'default' }), spec: expect.any(Object) }));
    }
  });

  test('the HTTPRoutes are valid against the Gateway API schema the cluster installs', () => {
    const routes = ofKind('HTTPRoute');
    expect(routes.map((r) => checkCustomResource(r).problems)).toEqual([[], []]);
  });

  test('the Service selects the Deployment\'s pods and names its container port', () => {
    const [deployment] = ofKind('Deployment');
    const [service] = ofKind('Service');
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.spec.containers[0].ports.map((p: any) => p.name)).toContain(service.spec.ports[0].targetPort);
  });

  test('HTTPS goes to the Service through the Gateway\'s https listener, for a name the Gateway has a certificate for; HTTP redirects', () => {
    const [route, redirect] = ofKind('HTTPRoute');
    const [service] = ofKind('Service');
    const listener = (name: string) => gateway.spec.listeners.find((l: any) => l.name === name);
    for (const [r, section] of [[route, 'https'], [redirect, 'http']] as const) {
      expect(r.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gateway.metadata.name, namespace: gateway.metadata.namespace, sectionName: section }]);
      expect(listener(section)).toBeDefined();
      expect(r.spec.hostnames).toEqual(['shop.example.com']);
    }
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: service.metadata.name, port: service.spec.ports[0].port }]);
    expect(ingress.tlsHostnames).toContain(route.spec.hostnames[0]);
    expect(listener('https').tls.certificateRefs.map((r: any) => r.name)).toContain('shop.example.com-tls');
    expect(redirect.spec.rules[0].filters).toEqual([{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }]);
  });

  test('the README deploys both stacks, by their ids, in order, and names the certificate', () => {
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(`npx cdktf deploy ${stacks.join(' ')}`);
    expect(readme).toContain('cast_cluster_shop_ingress_hostname');
    expect(readme).toContain(ingress.hostname);
    expect(readme).toContain('get certificate shop.example.com-tls');
  });
});
