/** Route 53: the hosted zone (created, given by id, or looked up by name) and one A record holding every address. */
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Construct } from 'constructs';
import { labelMap } from '../../core/cluster-labels';
import { DnsAttachment, DnsSpec } from './dns-spec';

export function buildDnsRecords(scope: Construct, spec: DnsSpec): DnsAttachment {
  const zone = spec.createZone ? createZone(scope, spec) : undefined;
  const zoneId = zone?.zoneId ?? spec.zoneId ?? findZone(scope, spec);
  new Route53Record(scope, 'Record', {
    provider: spec.provider,
    zoneId,
    name: spec.hostname,
    type: 'A',
    ttl: spec.ttl,
    records: spec.addresses.map((entry) => entry.address),
  });
  return { nameServers: zone?.nameServers };
}

function createZone(scope: Construct, spec: DnsSpec): Route53Zone {
  return new Route53Zone(scope, 'Zone', {
    provider: spec.provider,
    name: spec.zoneName,
    comment: `Cast cluster ${spec.labels.name} (${spec.labels.uuid}): ingress`,
    tags: labelMap(spec.labels),
  });
}

function findZone(scope: Construct, spec: DnsSpec): string {
  return new DataAwsRoute53Zone(scope, 'ExistingZone', { provider: spec.provider, name: spec.zoneName, privateZone: false }).zoneId;
}
