/** The DNS services that can hold the ingress name, and the cloud each belongs to. */
import { Cloud } from '../cloud';

/** Where the ingress name's round-robin record set lives. */
export enum DnsService {
  /** Amazon Route 53 (a hosted zone). */
  ROUTE53 = 'route53',
  /** Google Cloud DNS (a public managed zone). */
  CLOUD_DNS = 'cloud-dns',
  /** Azure DNS (a public DNS zone in a resource group). */
  AZURE_DNS = 'azure-dns',
  /** DigitalOcean domains. */
  DIGITALOCEAN = 'digitalocean',
}

/** The cloud whose provider (and credentials) manages each DNS service. */
export const DNS_SERVICE_CLOUD: Readonly<Record<DnsService, Cloud>> = {
  [DnsService.ROUTE53]: Cloud.AWS,
  [DnsService.CLOUD_DNS]: Cloud.GCP,
  [DnsService.AZURE_DNS]: Cloud.AZURE,
  [DnsService.DIGITALOCEAN]: Cloud.DIGITALOCEAN,
};

/** Human name of a DNS service, for messages and docs. */
export const DNS_SERVICE_DISPLAY_NAME: Readonly<Record<DnsService, string>> = {
  [DnsService.ROUTE53]: 'Route 53',
  [DnsService.CLOUD_DNS]: 'Cloud DNS',
  [DnsService.AZURE_DNS]: 'Azure DNS',
  [DnsService.DIGITALOCEAN]: 'DigitalOcean domains',
};
