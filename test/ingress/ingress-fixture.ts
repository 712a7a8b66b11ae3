/** A cluster with workers, its IngressStack and (optionally) the in-cluster stack, synthesized to parsed JSON. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformProvider, TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { Cloud } from '../../lib/core/cloud';
import { DnsService } from '../../lib/core/ingress/dns-service';
import { NodeRole } from '../../lib/core/node-role';
import { InClusterStack } from '../../lib/cluster/in-cluster-stack';
import { IngressStack, IngressStackOptions } from '../../lib/ingress/ingress-stack';
import { NodeGroupOptions } from '../../lib/nodes/node-group';

export const ALL_CLOUDS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];

/** Control-plane nodes on every cloud (five: an odd count), to prove they are left out; two workers on each cloud. */
export const FOUR_CLOUD_GROUPS: Record<string, NodeGroupOptions> = {
  'aws-cp': { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, count: 2 },
  'gcp-cp': { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
  'azure-cp': { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE },
  'do-cp': { cloud: Cloud.DIGITALOCEAN, role: NodeRole.CONTROL_PLANE },
  'aws-w': { cloud: Cloud.AWS, role: NodeRole.WORKER, count: 2 },
  'gcp-w': { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2 },
  'azure-w': { cloud: Cloud.AZURE, role: NodeRole.WORKER, count: 2 },
  'do-w': { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, count: 2 },
};

export const BASE_OPTIONS: IngressStackOptions = {
  dns: { service: DnsService.ROUTE53, zoneName: 'example.com' },
  acmeEmail: 'ops@example.com',
};

export type Resources = Record<string, Record<string, any>>;

/** A synthesized stack. */
export class StackJson {
  constructor(public readonly json: any) {}

  /** Resources of one type, by logical id. */
  resources(type: string): Resources {
    return this.json.resource?.[type] ?? {};
  }

  /** Resources of one type that the IngressStack made (their ids start with `ingress_`). */
  ingress(type: string): Resources {
    return Object.fromEntries(Object.entries(this.resources(type)).filter(([id]) => id.startsWith('ingress_')));
  }

  /** The single ingress resource of `type`. */
  one(type: string, fragment = ''): Record<string, any> {
    const found = Object.entries(this.ingress(type)).filter(([id]) => id.includes(fragment));
    if (found.length !== 1) throw new Error(`expected one ${type} matching "${fragment}", found ${found.map(([id]) => id).join(', ') || 'none'}`);
    return found[0][1];
  }
}

export interface BuiltIngress {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly cluster: CastCluster;
  readonly ingress: IngressStack;
  readonly inCluster?: InClusterStack;
  /** The cluster stack (cluster and ingress). */
  readonly synth: StackJson;
  /** The in-cluster stack, when asked for. */
  readonly inClusterSynth?: StackJson;
}

export interface BuildOptions {
  readonly clouds?: Cloud[];
  readonly groups?: Record<string, NodeGroupOptions>;
  readonly options?: Partial<IngressStackOptions>;
  readonly inCluster?: boolean;
  /** A provider for the DNS zone, made in the cluster's stack. */
  readonly dnsProvider?: (stack: TerraformStack) => TerraformProvider;
}

export function buildIngress(build: BuildOptions = {}): BuiltIngress {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'platform');
  const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: build.clouds ?? ALL_CLOUDS });
  for (const [id, options] of Object.entries(build.groups ?? FOUR_CLOUD_GROUPS)) cluster.addNodeGroup(id, options);
  const options = { ...BASE_OPTIONS, ...build.options };
  const dns = build.dnsProvider ? { ...options.dns, provider: build.dnsProvider(stack) } : options.dns;
  const ingress = new IngressStack(stack, 'ingress', { cluster, ...options, dns });
  const inCluster = build.inCluster ? ingress.addInClusterStack(app, 'in-cluster') : undefined;
  return {
    app,
    stack,
    cluster,
    ingress,
    inCluster,
    synth: new StackJson(synthesized(stack)),
    inClusterSynth: inCluster ? new StackJson(synthesized(inCluster)) : undefined,
  };
}

/**
 * A stack as `cdktf synth` writes it: the whole app is synthesized, so that references
 * across stacks become remote-state reads and outputs (Testing.synth of one stack leaves
 * them as references to the other stack's resources).
 */
function synthesized(stack: TerraformStack): any {
  const app = stack.node.root as App;
  if (!synthesizedApps.has(app)) {
    app.synth();
    synthesizedApps.add(app);
  }
  return JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
}
const synthesizedApps = new WeakSet<App>();

/** `${type.id.attr}` → `id`. */
export function referencedId(reference: string, type: string): string {
  const match = new RegExp(`^\\$\\{${type}\\.([^.}]+)\\.[\\w.\\[\\]0-9]+\\}$`).exec(reference);
  if (!match) throw new Error(`${reference} is not a reference to a ${type}`);
  return match[1];
}

/** Logical ids of the cluster's instances of a role on one cloud, by the `cast-node-role` tag/label. */
export function instancesOfRole(synth: StackJson, type: string, role: NodeRole): string[] {
  return Object.entries(synth.resources(type))
    .filter(([, body]) => (body.tags?.['cast-node-role'] ?? body.labels?.['cast-node-role']) === role)
    .map(([id]) => id)
    .sort();
}
