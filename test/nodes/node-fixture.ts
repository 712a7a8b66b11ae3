/** A cluster with node groups, synthesized to parsed JSON. */
import { TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { CastClusterProps } from '../../lib/cluster/cast-cluster-props';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeGroupOptions } from '../../lib/nodes/node-group';

export interface SynthesizedCluster {
  readonly cluster: CastCluster;
  readonly stack: TerraformStack;
  readonly json: StackJson;
  /** Resources of one type, by logical id, without cdktf's `//` metadata. */
  resources(type: string): Record<string, Record<string, any>>;
  /** The one resource of a type whose logical id contains `fragment`. */
  resource(type: string, fragment: string): Record<string, any>;
  /** The user-data template behind a `${local.x}` reference, possibly wrapped in base64gzip/base64encode. */
  userData(reference: string): string;
}

export interface StackJson {
  readonly resource: Record<string, Record<string, Record<string, any>>>;
  readonly output: Record<string, { value: any; sensitive?: boolean }>;
  readonly data?: Record<string, Record<string, Record<string, any>>>;
  readonly provider: Record<string, unknown[]>;
  readonly locals?: Record<string, string>;
}

/** One control-plane node on the first cloud, plus `groups`. */
export function synthCluster(clouds: Cloud[], groups: Record<string, NodeGroupOptions> = {}, props: Partial<CastClusterProps> = {}): SynthesizedCluster {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const cluster = new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds, ...props });
  const all = Object.keys(groups).length > 0 ? groups : { cp: { cloud: clouds[0], role: NodeRole.CONTROL_PLANE } };
  for (const [id, options] of Object.entries(all)) cluster.addNodeGroup(id, options);
  const json = JSON.parse(Testing.synth(stack)) as StackJson;
  const resources = (type: string) =>
    Object.fromEntries(Object.entries(json.resource[type] ?? {}).map(([name, { ['//']: _meta, ...body }]) => [name, body]));
  const resource = (type: string, fragment: string) => {
    const matches = Object.entries(resources(type)).filter(([name]) => name.includes(fragment));
    if (matches.length !== 1) throw new Error(`expected one ${type} matching ${fragment}, found ${matches.map(([n]) => n).join(', ') || 'none'}`);
    return matches[0][1];
  };
  const userData = (reference: string) => {
    const local = /local\.([\w-]+)/.exec(reference)?.[1];
    if (!local || json.locals?.[local] === undefined) throw new Error(`${reference} does not reference a local`);
    return json.locals[local];
  };
  return { cluster, stack, json, resources, resource, userData };
}

/** The logical id of the single resource of `type` whose id contains `fragment`. */
export function logicalId(json: StackJson, type: string, fragment: string): string {
  const ids = Object.keys(json.resource[type] ?? {}).filter((id) => id.includes(fragment));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${fragment}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/** What changed between two synths: resource addresses (`type.logicalId`) and user-data locals (`local.name`). */
export interface SynthDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/** Every resource body (without cdktf's `//` metadata) and every local, by address. */
function flatten(json: StackJson): Map<string, string> {
  const all = new Map<string, string>();
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, block] of Object.entries(byName)) {
      const body = { ...block };
      delete body['//'];
      all.set(`${type}.${name}`, JSON.stringify(body));
    }
  }
  for (const [name, value] of Object.entries(json.locals ?? {})) all.set(`local.${name}`, value);
  return all;
}

/** Addresses added, removed and changed from `before` to `after`, each sorted. */
export function diffSynths(before: StackJson, after: StackJson): SynthDiff {
  const [a, b] = [flatten(before), flatten(after)];
  return {
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)).sort(),
  };
}
