/**
 * The first seed list and every later one are applied in place on every cloud, judged by the replace-rule tables
 * (test/terraform/stand-in/replace-rules, each rule citing its provider's source): each
 * builder's resources synthesized with one seed list and with another, read as the
 * provider schema shapes them, and `replacePaths` (what the stand-in providers plan with)
 * asked which force a new object. Only GCP's instance template is replaced (templates
 * cannot change), and its group takes the new template in place and keeps its VMs.
 * test/terraform/api-seeds-in-place.test.ts plans the same change with terraform itself.
 */
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import type { SchemaBlock } from '../support/provider-schema';
import { loadVendoredSchemas } from '../support/schema-conformance';
import type { Value } from '../terraform/stand-in/cty';
import { replacePaths, valuesAt } from '../terraform/stand-in/plan';
import { REPLACE_RULES } from '../terraform/stand-in/replace-rules';
import { synthSeeds } from './api-servers-fixture';

const BEFORE = '203.0.113.10 198.51.100.20 192.0.2.30';
/** A fourth control plane joins, the second leaves. */
const AFTER = '203.0.113.10 192.0.2.30 198.51.100.44';

const PROVIDER: Record<Cloud, string> = {
  [Cloud.AWS]: 'registry.terraform.io/hashicorp/aws',
  [Cloud.GCP]: 'registry.terraform.io/hashicorp/google',
  [Cloud.AZURE]: 'registry.terraform.io/hashicorp/azurerm',
  [Cloud.DIGITALOCEAN]: 'registry.terraform.io/digitalocean/digitalocean',
};

/** Where each resource type that the seeds reach carries them (paths as in the replace rules). */
const CHANNELS: Record<Cloud, Record<string, string[][]>> = {
  [Cloud.AWS]: {
    aws_instance: [['tags'], ['metadata_options', '*', 'instance_metadata_tags']],
    aws_launch_template: [['tag_specifications', '*', 'tags'], ['metadata_options', '*', 'instance_metadata_tags']],
  },
  [Cloud.GCP]: { google_compute_instance: [['metadata']], google_compute_instance_template: [['metadata']] },
  [Cloud.AZURE]: { azurerm_linux_virtual_machine: [['tags']], azurerm_linux_virtual_machine_scale_set: [['tags']] },
  [Cloud.DIGITALOCEAN]: { digitalocean_droplet: [['tags']], digitalocean_droplet_autoscale: [['droplet_template', '*', 'tags']] },
};

const schemas = loadVendoredSchemas();

/** A synthesized resource body as the schema shapes it: nested blocks as lists of bodies. */
function shaped(body: Record<string, any>, block: SchemaBlock): { [name: string]: Value } {
  const out: { [name: string]: Value } = {};
  for (const [name, value] of Object.entries(body)) {
    const nested = block.block_types?.[name];
    if (!nested || value === null) {
      out[name] = value;
      continue;
    }
    const bodies = Array.isArray(value) ? value : [value];
    out[name] = bodies.map((element) => shaped(element, nested.block));
  }
  return out;
}

/** Every resource of `cloud`'s builders with the two seed lists (undefined: none), by type and logical id. */
function bothSides(cloud: Cloud, from: string | undefined, to: string): Map<string, { before: { [name: string]: Value }; after: { [name: string]: Value } }> {
  const [before, after] = [synthSeeds([cloud], from, true), synthSeeds([cloud], to, true)];
  const resourceSchemas = schemas[PROVIDER[cloud]].resource_schemas ?? {};
  const sides = new Map<string, { before: { [name: string]: Value }; after: { [name: string]: Value } }>();
  for (const type of Object.keys(before.json.resource)) {
    const block = resourceSchemas[type]?.block;
    if (!block) continue;
    for (const [id, body] of Object.entries(before.resources(type))) {
      sides.set(`${type}.${id}`, { before: shaped(body, block), after: shaped(after.resources(type)[id], block) });
    }
  }
  return sides;
}

/**
 * What the first seed list (the upgrade that wires them in) changes beside the channels: nothing
 * more (AWS's IMDS tags are in the channel; GCP's groups always have their update policy, since
 * their template changes with the user data and the pinned image too).
 */
const FIRST_TIME: Record<Cloud, Record<string, string[][]>> = {
  [Cloud.AWS]: {},
  [Cloud.GCP]: {},
  [Cloud.AZURE]: {},
  [Cloud.DIGITALOCEAN]: {},
};

const TRANSITIONS = ALL_CLOUDS.flatMap((cloud) => [
  [cloud, 'the first seed list', undefined, BEFORE] as const,
  [cloud, 'a new seed list', BEFORE, AFTER] as const,
]);

describe.each(TRANSITIONS)('%s, %s', (cloud, _what, from, to) => {
  const sides = bothSides(cloud, from, to);
  const rules = REPLACE_RULES[PROVIDER[cloud]];
  const channels = from === undefined ? { ...CHANNELS[cloud], ...FIRST_TIME[cloud] } : CHANNELS[cloud];
  const changed = [...sides.entries()].filter(([, { before, after }]) => JSON.stringify(before) !== JSON.stringify(after)).map(([address]) => address.split('.')[0]);

  test('reaches exactly the resources that carry the channel', () => {
    expect(changed.sort()).toEqual(Object.keys(channels).sort());
  });

  test('changes the channel and nothing else of them', () => {
    for (const [address, { before, after }] of sides) {
      const type = address.split('.')[0];
      const channel = channels[type];
      if (!channel) continue;
      const differs = Object.keys({ ...before, ...after }).filter((name) => JSON.stringify(valuesAt(before, [name])) !== JSON.stringify(valuesAt(after, [name])));
      expect(differs.length).toBeGreaterThan(0);
      expect(differs.filter((name) => !channel.some((path) => path[0] === name))).toEqual([]);
    }
  });

  test('forces no new object, except GCP\'s immutable instance template', () => {
    const replaced = [...sides.entries()].flatMap(([address, { before, after }]) => replacePaths(before, after, rules[address.split('.')[0]] ?? []).map((path) => `${address.split('.')[0]} ${path.join('.')}`));
    expect(replaced).toEqual(cloud === Cloud.GCP ? ['google_compute_instance_template metadata'] : []);
  });
});

describe('the channel paths are real, and no replace rule names them', () => {
  const cases = ALL_CLOUDS.flatMap((cloud) => Object.entries({ ...CHANNELS[cloud], ...FIRST_TIME[cloud] }).flatMap(([type, paths]) => paths.map((path) => [cloud, type, path] as const)));

  test.each(cases)('%s %s %j', (cloud, type, path) => {
    const block = schemas[PROVIDER[cloud]].resource_schemas?.[type]?.block;
    expect(block).toBeDefined();
    // The path walks the schema: blocks through '*', then an attribute.
    let at: SchemaBlock = block!;
    for (const [i, step] of path.entries()) {
      if (step === '*') continue;
      if (i === path.length - 1) expect(at.attributes?.[step] ?? at.block_types?.[step]).toBeDefined();
      else at = at.block_types![step].block;
    }
    // A rule on the path, on a block or map above it, or on anything inside it would replace.
    const overlaps = (rule: readonly string[]) => rule.slice(0, path.length).every((step, i) => step === path[i] || step === '*' || path[i] === '*');
    const matching = (REPLACE_RULES[PROVIDER[cloud]][type] ?? []).filter((rule) => overlaps(rule.path)).map((rule) => rule.source);
    if (type === 'google_compute_instance_template') expect(matching).toEqual([expect.stringContaining('"metadata" ForceNew')]);
    else expect(matching).toEqual([]);
  });

  test('GCP: the group takes a new template version in place', () => {
    const group = REPLACE_RULES[PROVIDER[Cloud.GCP]].google_compute_instance_group_manager.map((rule) => rule.path.join('.'));
    expect(group.filter((path) => path.startsWith('version'))).toEqual([]);
  });

  test('AWS: the Auto Scaling group takes a new launch template version in place', () => {
    const group = REPLACE_RULES[PROVIDER[Cloud.AWS]].aws_autoscaling_group.map((rule) => rule.path.join('.'));
    expect(group.filter((path) => path.startsWith('launch_template'))).toEqual([]);
  });
});
