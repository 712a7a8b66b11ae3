/** DigitalOcean domains: the domain (created, or named) and one A record per address, all of one name. */
import { Domain } from '@cdktf/provider-digitalocean/lib/domain';
import { Record as DomainRecord } from '@cdktf/provider-digitalocean/lib/record';
import { Construct } from 'constructs';
import { DnsAttachment, DnsSpec } from './dns-spec';

// DigitalOcean serves every domain from these (https://docs.digitalocean.com/products/networking/dns/).
const NAME_SERVERS = ['ns1.digitalocean.com', 'ns2.digitalocean.com', 'ns3.digitalocean.com'];

export function buildDnsRecords(scope: Construct, spec: DnsSpec): DnsAttachment {
  // digitalocean_domain and digitalocean_record take no tags.
  const zone = spec.createZone ? new Domain(scope, 'Zone', { provider: spec.provider, name: spec.zoneName }) : undefined;
  // A DigitalOcean record holds one value: the round-robin set is one record per
  // address, each named after its cloud so that dropping a cloud touches no other.
  for (const { cloud, address } of spec.addresses) {
    new DomainRecord(scope, `Record-${cloud}`, {
      provider: spec.provider,
      domain: zone?.name ?? spec.zoneName,
      type: 'A',
      name: spec.recordName,
      value: address,
      ttl: spec.ttl,
    });
  }
  return { nameServers: zone ? NAME_SERVERS : undefined };
}
