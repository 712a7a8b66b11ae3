/**
 * Every resource that can carry tags or labels (per the real provider schemas)
 * carries the cluster UUID: that is what the drift check and the cleanup guard
 * look for.
 */
import { TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { ALL_CLOUDS } from '../../lib/core/cloud';
import { providerForType } from '../support/provider-schema';
import { loadVendoredSchemas } from '../support/schema-conformance';

// digitalocean_firewall.tags selects the droplets the firewall applies to; it is
// not a label of the firewall itself.
const SELECTOR_TAGS = new Set(['digitalocean_firewall']);

describe('cluster UUID on every taggable resource', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [...ALL_CLOUDS] });
  const json = JSON.parse(Testing.synth(stack));
  const schemas = loadVendoredSchemas();

  const taggable: [string, string, string][] = [];
  for (const [type, byName] of Object.entries(json.resource as Record<string, Record<string, Record<string, unknown>>>)) {
    const provider = providerForType(type, schemas);
    const attributes = provider ? schemas[provider].resource_schemas?.[type]?.block.attributes ?? {} : {};
    for (const key of ['tags', 'labels']) {
      const attribute = attributes[key];
      if (attribute && (attribute.optional || attribute.required) && !SELECTOR_TAGS.has(type)) {
        for (const name of Object.keys(byName)) taggable.push([type, name, key]);
      }
    }
  }

  test('the stack has taggable resources on several clouds', () => {
    expect(new Set(taggable.map(([type]) => type.split('_')[0]))).toEqual(new Set(['aws', 'azurerm']));
  });

  test.each(taggable)('%s.%s has %s with the UUID', (type, name, key) => {
    const value = json.resource[type][name][key];
    const uuids = Array.isArray(value) ? value.filter((tag: string) => tag === `cast-cluster-uuid:${cluster.uuid}`) : [value?.['cast-cluster-uuid']];
    expect(uuids).toEqual([cluster.uuid].map((uuid) => (Array.isArray(value) ? `cast-cluster-uuid:${uuid}` : uuid)));
  });

  test('providers that stamp labels themselves carry it too', () => {
    expect(json.provider.aws[0].default_tags[0].tags['cast-cluster-uuid']).toBe(cluster.uuid);
    expect(json.provider.google[0].default_labels['cast-cluster-uuid']).toBe(cluster.uuid);
  });
});
