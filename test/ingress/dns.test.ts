/** The round-robin record set holds one address per cloud with workers, on each DNS service, in a zone found or created. */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Cloud } from '../../lib/core/cloud';
import { DnsService } from '../../lib/core/ingress/dns-service';
import { NodeRole } from '../../lib/core/node-role';
import { IngressDnsOptions } from '../../lib/ingress/options';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { buildIngress, StackJson } from './ingress-fixture';

// One address per cloud, in the library's cloud order.
const ADDRESSES = [
  expect.stringMatching(/^\$\{aws_eip\.ingress_aws_Address_\w+\.public_ip\}$/),
  expect.stringMatching(/^\$\{google_compute_address\.ingress_gcp_Address_\w+\.address\}$/),
  expect.stringMatching(/^\$\{azurerm_public_ip\.ingress_azure_Address_\w+\.ip_address\}$/),
  expect.stringMatching(/^\$\{digitalocean_loadbalancer\.ingress_digitalocean_LoadBalancer_\w+\.ip\}$/),
];

function synthDns(dns: Partial<IngressDnsOptions> & Pick<IngressDnsOptions, 'service'>): StackJson {
  const { synth } = buildIngress({ options: { dns: { zoneName: 'example.com', ...dns } } });
  expect(formatProblems(checkStackConformance(synth.json, loadVendoredSchemas()))).toBe('');
  return synth;
}

describe.each([false, true])('DNS, zone created: %s', (createZone) => {
  test('Route 53: one A record holding every address', () => {
    const s = synthDns({ service: DnsService.ROUTE53, createZone });
    expect(s.one('aws_route53_record')).toMatchObject({ name: 'ingress.prod.example.com', type: 'A', ttl: 60, records: ADDRESSES });
    const zoneRef = s.one('aws_route53_record').zone_id;
    if (createZone) {
      expect(zoneRef).toMatch(/^\$\{aws_route53_zone\.ingress_dns_Zone_\w+\.zone_id\}$/);
      expect(s.one('aws_route53_zone')).toMatchObject({ name: 'example.com' });
    } else {
      expect(zoneRef).toMatch(/^\$\{data\.aws_route53_zone\.ingress_dns_ExistingZone_\w+\.zone_id\}$/);
      expect(Object.values(s.json.data.aws_route53_zone)).toEqual([expect.objectContaining({ name: 'example.com', private_zone: false })]);
    }
  });

  test('Cloud DNS: one A record set, absolute name', () => {
    const s = synthDns({ service: DnsService.CLOUD_DNS, createZone });
    expect(s.one('google_dns_record_set')).toMatchObject({ name: 'ingress.prod.example.com.', type: 'A', ttl: 60, rrdatas: ADDRESSES });
    if (createZone) expect(s.one('google_dns_managed_zone')).toMatchObject({ name: 'example-com', dns_name: 'example.com.', visibility: 'public' });
    else expect(s.one('google_dns_record_set').managed_zone).toBe('example-com');
  });

  test('Azure DNS: one A record set, relative name, in the cluster\'s resource group', () => {
    const s = synthDns({ service: DnsService.AZURE_DNS, createZone });
    const record = s.one('azurerm_dns_a_record');
    expect(record).toMatchObject({ name: 'ingress.prod', ttl: 60, records: ADDRESSES });
    expect(record.resource_group_name).toMatch(/^\$\{azurerm_resource_group\.prod_azure_ResourceGroup_\w+\.name\}$/);
    expect(record.zone_name).toMatch(createZone ? /^\$\{azurerm_dns_zone\.ingress_dns_Zone_\w+\.name\}$/ : /^example\.com$/);
  });

  test('DigitalOcean: one A record per cloud, all of one name', () => {
    const s = synthDns({ service: DnsService.DIGITALOCEAN, createZone });
    const records = Object.entries(s.ingress('digitalocean_record')).sort(([a], [b]) => a.localeCompare(b));
    expect(records.map(([id]) => id.split('_')[2])).toEqual(['Record-aws', 'Record-azure', 'Record-digitalocean', 'Record-gcp']);
    for (const [, record] of records) expect(record).toMatchObject({ name: 'ingress.prod', type: 'A', ttl: 60 });
    // Each record holds its own cloud's address.
    expect(records.map(([, r]) => r.value)).toEqual([ADDRESSES[0], ADDRESSES[2], ADDRESSES[3], ADDRESSES[1]]);
    expect(Object.keys(s.ingress('digitalocean_domain'))).toHaveLength(createZone ? 1 : 0);
  });
});

describe('DNS options', () => {
  test('a Route 53 zone id is used as is; record name and TTL of your own', () => {
    const s = synthDns({ service: DnsService.ROUTE53, zoneId: 'Z0123456789ABC', recordName: 'edge', ttl: 300 });
    expect(s.one('aws_route53_record')).toMatchObject({ zone_id: 'Z0123456789ABC', name: 'edge.example.com', ttl: 300 });
    expect(s.json.data?.aws_route53_zone).toBeUndefined();
  });

  test('a DNS service on a cloud the cluster does not span, through the provider you pass', () => {
    const { synth } = buildIngress({
      clouds: [Cloud.AWS],
      groups: { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE }, w: { cloud: Cloud.AWS, role: NodeRole.WORKER } },
      options: { dns: { service: DnsService.CLOUD_DNS, zoneName: 'example.com', zoneId: 'prod-zone' } },
      dnsProvider: (stack) => new GoogleProvider(stack, 'dns-google', { alias: 'dns', project: 'dns-project' }),
    });
    expect(formatProblems(checkStackConformance(synth.json, loadVendoredSchemas()))).toBe('');
    expect(synth.one('google_dns_record_set')).toMatchObject({ managed_zone: 'prod-zone', provider: 'google.dns', rrdatas: [ADDRESSES[0]] });
  });

  test('outputs: the hostname to CNAME to, the addresses by cloud, and name servers of a created zone', () => {
    const existing = buildIngress().synth.json.output;
    expect(existing.cast_cluster_prod_ingress_hostname.value).toBe('ingress.prod.example.com');
    expect(Object.keys(existing.cast_cluster_prod_ingress_addresses.value)).toEqual(['aws', 'azure', 'digitalocean', 'gcp']);
    expect(existing.cast_cluster_prod_ingress_name_servers).toBeUndefined();
    const created = buildIngress({ options: { dns: { service: DnsService.DIGITALOCEAN, zoneName: 'example.com', createZone: true } } }).synth.json.output;
    expect(created.cast_cluster_prod_ingress_name_servers.value).toEqual(['ns1.digitalocean.com', 'ns2.digitalocean.com', 'ns3.digitalocean.com']);
  });
});
