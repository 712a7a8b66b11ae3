/** A one-cloud cluster with its ingress, and an in-cluster stack holding the ingress's releases and the middleware, synthesized. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { connectToCluster } from '../../lib/cluster/in-cluster-connection';
import { Cloud } from '../../lib/core/cloud';
import { DnsService } from '../../lib/core/ingress/dns-service';
import { NodeRole } from '../../lib/core/node-role';
import { addIngressReleases } from '../../lib/ingress/ingress-releases';
import { IngressStack } from '../../lib/ingress/ingress-stack';
import { addMiddlewareReleases } from '../../lib/middleware/middleware-releases';
import { MiddlewareOptions } from '../../lib/middleware/options';

export const MIDDLEWARE: MiddlewareOptions = {
  host: 'ops.example.com',
  issuerUrl: 'https://login.example.com/realms/ops',
  clientId: 'cast-ops',
  allowedEmails: ['ann@example.com'],
};

export interface BuiltMiddleware {
  readonly app: App;
  readonly inCluster: TerraformStack;
}

/** Builds the app; `middleware` replaces the options above where given. */
export function buildMiddleware(middleware: Partial<MiddlewareOptions> = {}, tlsHostnames = ['ops.example.com']): BuiltMiddleware {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'platform');
  const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS] });
  cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('w', { cloud: Cloud.AWS, role: NodeRole.WORKER });
  const ingress = new IngressStack(stack, 'ingress', { cluster, dns: { service: DnsService.ROUTE53, zoneName: 'example.com' }, acmeEmail: 'ops@example.com', tlsHostnames });
  const inCluster = new TerraformStack(app, 'in-cluster');
  const connection = connectToCluster(inCluster, cluster);
  addIngressReleases(inCluster, ingress, connection);
  addMiddlewareReleases(inCluster, ingress, connection, { ...MIDDLEWARE, ...middleware });
  return { app, inCluster };
}

/** The in-cluster stack as `cdktf synth` writes it (the whole app synthesized). */
export function synthesizeInCluster(built: BuiltMiddleware): any {
  built.app.synth();
  return JSON.parse(fs.readFileSync(path.join(built.app.outdir, 'stacks', built.inCluster.node.id, 'cdk.tf.json'), 'utf8'));
}
