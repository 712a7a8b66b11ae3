/**
 * One interface, four DNS services. Each file is named after the cloud the
 * service belongs to (aws.ts is Route 53, gcp.ts Cloud DNS, azure.ts Azure DNS,
 * digitalocean.ts DigitalOcean domains) and exports `buildDnsRecords(scope, spec)`
 * with the same steps: the zone (created or found), then the round-robin records.
 */
import { Construct } from 'constructs';
import { DnsService } from '../../core/ingress/dns-service';
import * as aws from './aws';
import * as azure from './azure';
import * as digitalocean from './digitalocean';
import { DnsAttachment, DnsSpec } from './dns-spec';
import * as gcp from './gcp';

export * from './dns-spec';

/** The per-service DNS builders. */
export const DNS_BUILDERS: Readonly<Record<DnsService, (scope: Construct, spec: DnsSpec) => DnsAttachment>> = {
  [DnsService.ROUTE53]: aws.buildDnsRecords,
  [DnsService.CLOUD_DNS]: gcp.buildDnsRecords,
  [DnsService.AZURE_DNS]: azure.buildDnsRecords,
  [DnsService.DIGITALOCEAN]: digitalocean.buildDnsRecords,
};
