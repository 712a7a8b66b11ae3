/** Cloud DNS: the public managed zone (created, or named) and one A record set holding every address. */
import { DnsManagedZone } from '@cdktf/provider-google/lib/dns-managed-zone';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { Construct } from 'constructs';
import { labelMap } from '../../core/cluster-labels';
import { DnsAttachment, DnsSpec } from './dns-spec';

export function buildDnsRecords(scope: Construct, spec: DnsSpec): DnsAttachment {
  const zone = spec.createZone ? createZone(scope, spec) : undefined;
  new DnsRecordSet(scope, 'Record', {
    provider: spec.provider,
    managedZone: zone?.name ?? managedZoneName(spec),
    // Cloud DNS names are absolute: a trailing dot.
    name: `${spec.hostname}.`,
    type: 'A',
    ttl: spec.ttl,
    rrdatas: spec.addresses.map((entry) => entry.address),
  });
  return { nameServers: zone?.nameServers };
}

function createZone(scope: Construct, spec: DnsSpec): DnsManagedZone {
  return new DnsManagedZone(scope, 'Zone', {
    provider: spec.provider,
    name: managedZoneName(spec),
    dnsName: `${spec.zoneName}.`,
    description: `Cast cluster ${spec.labels.name} (${spec.labels.uuid}): ingress`,
    visibility: 'public',
    labels: labelMap(spec.labels),
  });
}

/** The managed zone's resource name: given, or the domain with dots as dashes. */
function managedZoneName(spec: DnsSpec): string {
  return spec.zoneId ?? spec.zoneName.replace(/\./g, '-');
}
