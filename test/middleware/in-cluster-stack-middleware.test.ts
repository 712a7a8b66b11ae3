/** InClusterStack with `middleware`: the releases land in the stack, and middleware without ingress is refused with the fix. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { InClusterStack } from '../../lib/cluster/in-cluster-stack';
import { Cloud } from '../../lib/core/cloud';
import { DnsService } from '../../lib/core/ingress/dns-service';
import { NodeRole } from '../../lib/core/node-role';
import { IngressStack } from '../../lib/ingress/ingress-stack';
import { MIDDLEWARE } from './middleware-fixture';

function cluster() {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'platform');
  const prod = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS] });
  prod.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
  prod.addNodeGroup('w', { cloud: Cloud.AWS, role: NodeRole.WORKER });
  return { app, prod };
}

test('InClusterStack({ ingress, middleware }) installs Grafana and Headlamp, each with its oauth2-proxy, next to the ingress', () => {
  const { app, prod } = cluster();
  const ingress = new IngressStack(app.node.findChild('platform'), 'ingress', { cluster: prod, dns: { service: DnsService.ROUTE53, zoneName: 'example.com' }, acmeEmail: 'ops@example.com', tlsHostnames: ['ops.example.com'] });
  new InClusterStack(app, 'in-cluster', { cluster: prod, ingress, middleware: MIDDLEWARE });
  app.synth();
  const json = JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', 'in-cluster', 'cdk.tf.json'), 'utf8'));
  expect(Object.keys(json.resource.helm_release)).toEqual(expect.arrayContaining(['envoy-gateway', 'grafana', 'headlamp', 'cast-middleware', 'cast-middleware-routes']));
  expect(json.variable.oidc_client_secret.sensitive).toBe(true);
});

test('middleware without ingress is refused, with the fix', () => {
  const { app, prod } = cluster();
  // Reported at synth, with every other problem of the app.
  const stack = new InClusterStack(app, 'in-cluster', { cluster: prod, middleware: MIDDLEWARE });
  expect(() => Testing.synth(stack)).toThrow(
    /^in-cluster: middleware needs ingress \(got middleware for ops.example.com and no ingress\).*Pass the cluster's IngressStack as ingress\.$/,
  );
});

test('IngressStack.addInClusterStack(app, id, { middleware }) gives the stack InClusterStack({ ingress, middleware }) gives', () => {
  const synthesized = (add: (app: ReturnType<typeof Testing.app>, prod: CastCluster, ingress: IngressStack) => void) => {
    const { app, prod } = cluster();
    const ingress = new IngressStack(app.node.findChild('platform'), 'ingress', { cluster: prod, dns: { service: DnsService.ROUTE53, zoneName: 'example.com' }, acmeEmail: 'ops@example.com', tlsHostnames: ['ops.example.com'] });
    add(app, prod, ingress);
    app.synth();
    return fs.readFileSync(path.join(app.outdir, 'stacks', 'in-cluster', 'cdk.tf.json'), 'utf8');
  };
  const viaIngress = synthesized((app, _prod, ingress) => ingress.addInClusterStack(app, 'in-cluster', { middleware: MIDDLEWARE }));
  expect(JSON.parse(viaIngress).resource.helm_release).toHaveProperty('grafana');
  expect(viaIngress).toBe(synthesized((app, prod, ingress) => new InClusterStack(app, 'in-cluster', { cluster: prod, ingress, middleware: MIDDLEWARE })));
});
