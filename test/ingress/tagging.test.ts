/** Every ingress resource that can carry tags or labels (per the real provider schemas) carries the cluster UUID. */
import { providerForType } from '../support/provider-schema';
import { loadVendoredSchemas } from '../support/schema-conformance';
import { buildIngress } from './ingress-fixture';
import { DnsService } from '../../lib/core/ingress/dns-service';

describe.each(Object.values(DnsService))('cluster UUID on every taggable ingress resource, DNS on %s with a created zone', (service) => {
  const { synth, cluster } = buildIngress({ options: { dns: { service, zoneName: 'example.com', createZone: true } } });
  const schemas = loadVendoredSchemas();
  const taggable: [string, string, string][] = [];
  for (const type of Object.keys(synth.json.resource)) {
    const provider = providerForType(type, schemas);
    const attributes = provider ? schemas[provider].resource_schemas?.[type]?.block.attributes ?? {} : {};
    for (const key of ['tags', 'labels']) {
      if (attributes[key]?.optional || attributes[key]?.required) {
        for (const id of Object.keys(synth.ingress(type))) taggable.push([type, id, key]);
      }
    }
  }

  test('there are taggable ingress resources on every cloud', () => {
    const types = new Set(taggable.map(([type]) => type.split('_')[0]));
    expect([...types].sort()).toEqual(['aws', 'azurerm', 'google']);
  });

  test.each(taggable)('%s.%s has %s with the UUID', (type, id, key) => {
    expect(synth.ingress(type)[id][key]['cast-cluster-uuid']).toBe(cluster.uuid);
  });
});
