/**
 * What the twin takes from a synthesized stack: the cluster's nodes (one per VM resource),
 * each with its cloud, role, the user-data its VM receives (the Terraform template of the
 * stack's local, evaluated with the twin's addresses), the API seeds its VM's tags or
 * metadata carry, and the subnet the stack gives its cloud. Nothing here is written by
 * hand: adding a node group to the twin's cluster adds a node to the twin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { CloudConfig, parseUserData } from '../core/bootstrap/user-data-files';
import { interpolate } from '../nodes/terraform-interpolation';
import { withUserDataInline } from '../support/stack-user-data';

/** A synthesized stack, parsed. */
export type TerraformJson = { [key: string]: any };

/** One VM of the stack. */
export interface TwinNodeSpec {
  /** The node's name (its VM's name). */
  readonly name: string;
  readonly cloud: Cloud;
  readonly role: NodeRole;
  /** `type.name` of its VM resource in the stack. */
  readonly resource: string;
  /** The Terraform expression of its public address (`aws_eip.x.public_ip`, …). */
  readonly publicAddressExpression: string;
  /** The Terraform template of its user-data (a local of the stack). */
  readonly userDataTemplate: string;
  /** The Terraform value of its `cast-api-servers` tag or metadata (seeds), if any. */
  readonly seedsTemplate?: string;
}

/** The VM resource type of each cloud, and where its user-data and seeds are. */
const VMS: Record<Cloud, { type: string; userData: (vm: any) => string; seeds: (vm: any) => string | undefined }> = {
  [Cloud.AWS]: { type: 'aws_instance', userData: (vm) => vm.user_data_base64, seeds: (vm) => vm.tags?.['cast-api-servers'] },
  [Cloud.GCP]: { type: 'google_compute_instance', userData: (vm) => vm.metadata?.['user-data'], seeds: (vm) => vm.metadata?.['cast-api-servers'] },
  [Cloud.AZURE]: { type: 'azurerm_linux_virtual_machine', userData: (vm) => vm.custom_data, seeds: (vm) => vm.tags?.['cast-api-servers'] },
  [Cloud.DIGITALOCEAN]: { type: 'digitalocean_droplet', userData: (vm) => vm.user_data, seeds: () => undefined },
};

/** The resource types of public addresses; their ids end in `<node name>-ip_<hash>` (lib/nodes). */
const PUBLIC_ADDRESSES: Record<Cloud, { type: string; attribute: string }> = {
  [Cloud.AWS]: { type: 'aws_eip', attribute: 'public_ip' },
  [Cloud.GCP]: { type: 'google_compute_address', attribute: 'address' },
  [Cloud.AZURE]: { type: 'azurerm_public_ip', attribute: 'ip_address' },
  [Cloud.DIGITALOCEAN]: { type: 'digitalocean_reserved_ip', attribute: 'ip_address' },
};

/** Synthesizes the stacks `build` adds to a fresh app; returns the one stack's JSON. */
export function synthTwinStack(build: (app: App) => void): TerraformJson {
  const app = Testing.app();
  build(app);
  const stacks = app.node.children.filter((child): child is TerraformStack => TerraformStack.isStack(child));
  if (stacks.length !== 1) throw new Error(`the twin takes one stack (got ${stacks.length})`);
  // The whole app, as cdktf synth writes it: the stack's assets (AWS's agent archive) are files beside it.
  app.synth();
  const dir = join(app.outdir, 'stacks', stacks[0].node.id);
  // The user-data as Terraform renders it: the lines it reads from files put back.
  const stack = withUserDataInline(JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as TerraformJson, dir);
  STACK_DIRS.set(stack, dir);
  return stack;
}

const STACK_DIRS = new WeakMap<TerraformJson, string>();

/** A file the stack names by its path relative to the stack's folder (an asset's `source`). */
export function stackFile(stack: TerraformJson, relative: string): string {
  const dir = STACK_DIRS.get(stack);
  if (!dir) throw new Error('the stack was not synthesized by synthTwinStack: its folder is not known');
  return join(dir, relative);
}

/** A `${local.x}` or `${base64gzip(local.x)}` reference, resolved to the local's value. */
function localValue(stack: TerraformJson, reference: string, what: string): string {
  const match = /^\$\{(?:base64gzip\()?local\.([\w-]+)\)?\}$/.exec(reference ?? '');
  if (!match) throw new Error(`${what} is not a reference to a local: ${String(reference).slice(0, 80)}`);
  const value = stack.locals?.[match[1]];
  if (typeof value !== 'string') throw new Error(`${what}: no string local ${match[1]}`);
  return value;
}

/** The stack's nodes, sorted by name. */
export function twinNodes(stack: TerraformJson): TwinNodeSpec[] {
  const nodes: TwinNodeSpec[] = [];
  for (const cloud of Object.values(Cloud)) {
    const { type, userData, seeds } = VMS[cloud];
    for (const [id, vm] of Object.entries<any>(stack.resource?.[type] ?? {})) {
      const name: string = cloud === Cloud.AWS ? vm.tags?.Name : vm.name;
      if (!name) throw new Error(`${type}.${id} has no name`);
      const address = PUBLIC_ADDRESSES[cloud];
      const ipId = Object.keys(stack.resource?.[address.type] ?? {}).find((candidate) => candidate.includes(`_${name}-ip_`));
      if (!ipId) throw new Error(`${type}.${id}: no ${address.type} named after ${name}`);
      const seedsValue = seeds(vm);
      nodes.push({
        name,
        cloud,
        role: roleOf(stack, cloud, vm),
        resource: `${type}.${id}`,
        publicAddressExpression: `${address.type}.${ipId}.${address.attribute}`,
        userDataTemplate: localValue(stack, userData(vm), `${type}.${id} user-data`),
        seedsTemplate: seedsValue === undefined ? undefined : seedsValue.startsWith('${local.') ? localValue(stack, seedsValue, `${type}.${id} seeds`) : seedsValue,
      });
    }
  }
  return nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The role the node's user-data gives it (CAST_NODE_ROLE in its node.env). */
function roleOf(stack: TerraformJson, cloud: Cloud, vm: any): NodeRole {
  const template = localValue(stack, VMS[cloud].userData(vm), 'user-data');
  return /CAST_NODE_ROLE='?control-plane/.test(template) ? NodeRole.CONTROL_PLANE : NodeRole.WORKER;
}

/**
 * Evaluates a Terraform template as `terraform apply` would: the address expressions `resolve`
 * knows become the twin's addresses; every other expression gets the made-up value
 * test/nodes/terraform-interpolation.ts gives it (and an unknown kind of expression fails).
 */
export function evaluate(template: string, resolve: (expression: string) => string | undefined): string {
  const value = (expression: string): string | undefined => {
    // The apply-time quoting of a value bound for a shell-sourced file: replace(x, "'", "'\\''").
    const quoted = /^replace\((.*), "'", "'\\\\''"\)$/.exec(expression);
    if (quoted) return (value(quoted[1]) ?? interpolate(`\${${quoted[1]}}`)).replace(/'/g, "'\\''");
    return resolve(expression);
  };
  return interpolate(template.replace(/\$\{([^}]*)\}/g, (whole, expression: string) => value(expression) ?? whole));
}

/** The node's cloud-config, with the twin's addresses in it. */
export function twinUserData(node: TwinNodeSpec, resolve: (expression: string) => string | undefined): CloudConfig {
  return parseUserData(evaluate(node.userDataTemplate, resolve));
}

/** The node's API seeds, with the twin's addresses (DigitalOcean: its `cast-api:<i>:<a-b-c-d>` tags). */
export function twinSeeds(stack: TerraformJson, node: TwinNodeSpec, resolve: (expression: string) => string | undefined): string[] {
  if (node.cloud === Cloud.DIGITALOCEAN) {
    // The droplet's tags are `formatlist("cast-api:%d:%s", range(…), <seeds>)` over the cluster's seeds local.
    const [type, id] = node.resource.split('.');
    const tags = JSON.stringify(stack.resource[type][id].tags ?? '');
    const local = /local\.([\w-]*api-servers[\w-]*)/.exec(tags);
    if (!local) return [];
    const value = stack.locals[local[1]];
    return evaluate(typeof value === 'string' ? value : (value as string[]).join(' '), resolve).split(/\s+/).filter((s) => s !== '');
  }
  return node.seedsTemplate === undefined ? [] : evaluate(node.seedsTemplate, resolve).split(/\s+/).filter((s) => s !== '');
}

/** The subnet the stack gives each of its clouds (where the twin puts that cloud's nodes). */
export function twinSubnets(stack: TerraformJson): Map<Cloud, string> {
  const first = (type: string) => Object.values<any>(stack.resource?.[type] ?? {})[0];
  const subnets = new Map<Cloud, string>();
  const aws = first('aws_subnet')?.cidr_block;
  const gcp = first('google_compute_subnetwork')?.ip_cidr_range;
  const azure = first('azurerm_subnet')?.address_prefixes?.[0];
  const digitalocean = first('digitalocean_vpc')?.ip_range;
  if (aws) subnets.set(Cloud.AWS, aws);
  if (gcp) subnets.set(Cloud.GCP, gcp);
  if (azure) subnets.set(Cloud.AZURE, azure);
  if (digitalocean) subnets.set(Cloud.DIGITALOCEAN, digitalocean);
  return subnets;
}
