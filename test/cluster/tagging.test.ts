/**
 * Every resource that can carry tags or labels (per the real provider schemas)
 * carries the cluster UUID: that is what the drift check and the cleanup guard
 * look for.
 */
import { TerraformStack, Testing } from 'cdktf';
import { buildApp as buildAws } from '../../examples/aws/app';
import { buildApp as buildMultiCloud } from '../../examples/multi-cloud/app';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { providerForType } from '../support/provider-schema';
import { loadVendoredSchemas } from '../support/schema-conformance';

// Attributes named "tags" that are selectors, not labels: digitalocean_firewall.tags
// picks the droplets the firewall applies to, google_compute_instance.tags are the
// network tags firewall rules target (the instance's labels are checked as `labels`).
// Fields named tags that are no labels: DigitalOcean firewall selectors, GCP network tags, and
// Secret Manager's Resource Manager tags (tagKeys/<id> -> tagValues/<id>, ForceNew: hashicorp/google
// 6.50.0 resource_secret_manager_secret.go); the secret's labels carry the UUID.
const SELECTOR_TAGS = new Set(['digitalocean_firewall.tags', 'google_compute_instance.tags', 'google_secret_manager_secret.tags']);

describe.each([
  ['examples/multi-cloud', buildMultiCloud],
  ['examples/aws', buildAws],
])('cluster UUID on every taggable resource of %s', (_name, buildApp) => {
  const app = Testing.app();
  buildApp(app);
  const stack = app.node.children.find((c): c is TerraformStack => TerraformStack.isStack(c))!;
  const cluster = stack.node.findAll().find((c): c is CastCluster => c instanceof CastCluster)!;
  const json = JSON.parse(Testing.synth(stack));
  const schemas = loadVendoredSchemas();

  const taggable: [string, string, string][] = [];
  for (const [type, byName] of Object.entries(json.resource as Record<string, Record<string, Record<string, unknown>>>)) {
    const provider = providerForType(type, schemas);
    const attributes = provider ? schemas[provider].resource_schemas?.[type]?.block.attributes ?? {} : {};
    for (const key of ['tags', 'labels']) {
      const attribute = attributes[key];
      if (attribute && (attribute.optional || attribute.required) && !SELECTOR_TAGS.has(`${type}.${key}`)) {
        for (const name of Object.keys(byName)) taggable.push([type, name, key]);
      }
    }
  }

  test('the stack has taggable resources, nodes among them', () => {
    expect(taggable.length).toBeGreaterThan(10);
    expect(taggable.some(([type]) => type === 'aws_instance')).toBe(true);
  });

  test.each(taggable)('%s.%s has %s with the UUID', (type, name, key) => {
    const value = json.resource[type][name][key];
    const tag = `cast-cluster-uuid:${cluster.uuid}`;
    if (typeof value === 'string') {
      // A list Terraform builds: a droplet's fixed tags concatenated with one tag per API seed
      // (lib/nodes/digitalocean.ts). The UUID tag is a literal element of the fixed list.
      expect(value).toMatch(/^\$\{concat\(\[/);
      expect(value.split(`"${tag}"`)).toHaveLength(2);
      return;
    }
    const uuids = Array.isArray(value) ? value.filter((t: string) => t === tag) : [value?.['cast-cluster-uuid']];
    expect(uuids).toEqual([Array.isArray(value) ? tag : cluster.uuid]);
  });

  test('providers that stamp labels themselves carry it too', () => {
    expect(json.provider.aws[0].default_tags[0].tags['cast-cluster-uuid']).toBe(cluster.uuid);
    if (json.provider.google) expect(json.provider.google[0].default_labels['cast-cluster-uuid']).toBe(cluster.uuid);
  });
});
