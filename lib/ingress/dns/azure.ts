/** Azure DNS: the zone (created, or named with its resource group) and one A record set holding every address. */
import { DnsARecord } from '@cdktf/provider-azurerm/lib/dns-a-record';
import { DnsZone } from '@cdktf/provider-azurerm/lib/dns-zone';
import { Construct } from 'constructs';
import { labelMap } from '../../core/cluster-labels';
import { DnsAttachment, DnsSpec } from './dns-spec';

export function buildDnsRecords(scope: Construct, spec: DnsSpec): DnsAttachment {
  const zone = spec.createZone ? createZone(scope, spec) : undefined;
  new DnsARecord(scope, 'Record', {
    provider: spec.provider,
    // Azure names records relative to the zone.
    name: spec.recordName,
    zoneName: zone?.name ?? spec.zoneName,
    resourceGroupName: spec.resourceGroupName!,
    ttl: spec.ttl,
    records: spec.addresses.map((entry) => entry.address),
    tags: labelMap(spec.labels),
  });
  return { nameServers: zone?.nameServers };
}

function createZone(scope: Construct, spec: DnsSpec): DnsZone {
  return new DnsZone(scope, 'Zone', {
    provider: spec.provider,
    name: spec.zoneName,
    resourceGroupName: spec.resourceGroupName!,
    tags: labelMap(spec.labels),
  });
}
