import { carriesBetweenVms, CLOUD_BEHAVIOUR, CloudBehaviour, dnsResolverAddresses, Fact } from './cloud-behaviour';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';

const FACTS: readonly (keyof CloudBehaviour)[] = [
  'protocolsBetweenVms',
  'protocolsToInternet',
  'deliversForeignDestinations',
  'sendsForeignSources',
  'mtu',
  'carriesFragments',
  'guestRpFilter',
  'metadataAddress',
  'dnsResolvers',
  'publicAddress',
];

describe('CLOUD_BEHAVIOUR', () => {
  test('one row per cloud, each with every fact', () => {
    expect(Object.keys(CLOUD_BEHAVIOUR).sort()).toEqual([...ALL_CLOUDS].sort());
    for (const cloud of ALL_CLOUDS) expect(Object.keys(CLOUD_BEHAVIOUR[cloud]).sort()).toEqual([...FACTS].sort());
  });

  test.each(ALL_CLOUDS.flatMap((cloud) => FACTS.map((fact) => [cloud, fact] as const)))('%s %s names its sources: title, https URL and what they say', (cloud, name) => {
    const fact: Fact<unknown> = CLOUD_BEHAVIOUR[cloud][name];
    expect(fact.sources.length).toBeGreaterThan(0);
    for (const source of fact.sources) {
      expect(source.title.trim()).not.toBe('');
      expect(source.url).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]{2,}\//);
      expect(source.says.trim().length).toBeGreaterThan(20);
    }
    // Where the docs are silent the row says why it chose its value.
    if (fact.docsSilent) expect(fact.note?.trim()).toBeTruthy();
  });

  test('TCP, UDP and ICMP pass everywhere; IP-in-IP (4) only on AWS and GCP', () => {
    for (const cloud of ALL_CLOUDS) for (const protocol of [1, 6, 17]) expect(carriesBetweenVms(cloud, protocol)).toBe(true);
    expect(ALL_CLOUDS.filter((cloud) => carriesBetweenVms(cloud, 4))).toEqual([Cloud.AWS, Cloud.GCP]);
  });

  test('only AWS delivers a packet for an address the VM does not own; only DigitalOcean has the public address on an interface', () => {
    expect(ALL_CLOUDS.filter((cloud) => CLOUD_BEHAVIOUR[cloud].deliversForeignDestinations.value)).toEqual([Cloud.AWS]);
    expect(ALL_CLOUDS.filter((cloud) => CLOUD_BEHAVIOUR[cloud].publicAddress.value.kind === 'interface')).toEqual([Cloud.DIGITALOCEAN]);
  });

  test('no path to the internet is assumed larger than Ethernet, and GCP is the smallest VPC', () => {
    for (const cloud of ALL_CLOUDS) expect(CLOUD_BEHAVIOUR[cloud].mtu.value.internet).toBeLessThanOrEqual(1500);
    expect(Math.min(...ALL_CLOUDS.map((cloud) => CLOUD_BEHAVIOUR[cloud].mtu.value.vpc))).toBe(CLOUD_BEHAVIOUR[Cloud.GCP].mtu.value.vpc);
  });
});

describe('dnsResolverAddresses', () => {
  test("AWS: the VPC range's base plus two, then 169.254.169.253", () => {
    expect(dnsResolverAddresses(Cloud.AWS, '10.10.0.0/16')).toEqual(['10.10.0.2', '169.254.169.253']);
  });

  test('the others: fixed addresses, whatever the VPC', () => {
    expect(dnsResolverAddresses(Cloud.GCP, '10.0.0.0/16')).toEqual(['169.254.169.254']);
    expect(dnsResolverAddresses(Cloud.AZURE, '10.20.0.0/16')).toEqual(['168.63.129.16']);
    expect(dnsResolverAddresses(Cloud.DIGITALOCEAN, '10.195.144.0/20')).toEqual(['67.207.67.2', '67.207.67.3']);
  });
});
