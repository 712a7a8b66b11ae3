import { defaultDigitalOceanRange, planAddresses } from '../../lib/core/address-plan';
import { contains, overlaps, parseCidr } from '../../lib/core/cidr';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { problemsOf } from '../support/plan-errors';

const KEY = 'd005c303-c9b3-5a20-8512-787b5eb53954';


describe('planAddresses defaults', () => {
  const plan = planAddresses({ clouds: [Cloud.DIGITALOCEAN, Cloud.AZURE, Cloud.GCP, Cloud.AWS], clusterKey: KEY });

  test('the seed subnet table', () => {
    expect(plan.serviceCidr).toBe('10.96.0.0/12');
    expect(plan.podCidr).toBe('10.217.0.0/16');
    expect(plan.meshCidr).toBe('10.4.0.0/16');
    expect(plan.nodePodPrefix).toBe(24);
    const byCloud = Object.fromEntries(plan.networks.map((n) => [n.cloud, n]));
    expect(byCloud.gcp).toMatchObject({ vpcCidr: '10.0.0.0/16', subnetCidr: '10.0.0.0/24', usableNodeAddresses: 252 });
    expect(byCloud.aws).toMatchObject({ vpcCidr: '10.10.0.0/16', subnetCidr: '10.10.0.0/24', usableNodeAddresses: 251 });
    expect(byCloud.azure).toMatchObject({ vpcCidr: '10.20.0.0/16', subnetCidr: '10.20.0.0/24', usableNodeAddresses: 251 });
  });

  test('networks come in canonical cloud order', () => {
    expect(plan.networks.map((n) => n.cloud)).toEqual(ALL_CLOUDS);
  });

  test('DigitalOcean gets one /20 inside 10.100.0.0-10.255.255.255, which is also its subnet', () => {
    const digitalocean = plan.networks.find((n) => n.cloud === Cloud.DIGITALOCEAN)!;
    const block = parseCidr(digitalocean.vpcCidr);
    expect(block.prefix).toBe(20);
    expect(block.network).toBeGreaterThanOrEqual(parseCidr('10.100.0.0/16').network);
    expect(contains(parseCidr('10.0.0.0/8'), block)).toBe(true);
    expect(digitalocean.subnetCidr).toBe(digitalocean.vpcCidr);
  });
});

describe('the default DigitalOcean range', () => {
  test('is the same for one cluster and differs between clusters', () => {
    expect(defaultDigitalOceanRange(KEY)).toBe(defaultDigitalOceanRange(KEY));
    const ranges = new Set(Array.from({ length: 50 }, (_, i) => defaultDigitalOceanRange(`cluster-${i}`)));
    expect(ranges.size).toBeGreaterThan(45);
  });

  test('steps past a range the plan already uses', () => {
    const first = parseCidr(defaultDigitalOceanRange(KEY));
    const next = parseCidr(defaultDigitalOceanRange(KEY, [first]));
    expect(overlaps(first, next)).toBe(false);
    expect(next.prefix).toBe(20);
  });

  test('is overridable', () => {
    const plan = planAddresses({ clouds: [Cloud.DIGITALOCEAN], clusterKey: KEY, networks: { digitalocean: { vpcCidr: '10.150.16.0/20' } } });
    expect(plan.networks[0]).toMatchObject({ vpcCidr: '10.150.16.0/20', subnetCidr: '10.150.16.0/20' });
  });
});

describe('overrides', () => {
  test('every range can be moved', () => {
    const plan = planAddresses({
      clouds: [Cloud.AWS, Cloud.GCP],
      clusterKey: KEY,
      podCidr: '172.20.0.0/16',
      serviceCidr: '172.21.0.0/16',
      meshCidr: '172.22.0.0/16',
      networks: { aws: { vpcCidr: '192.168.0.0/20', subnetCidr: '192.168.4.0/24' }, gcp: { vpcCidr: '10.50.0.0/16' } },
    });
    expect(plan).toMatchObject({ podCidr: '172.20.0.0/16', serviceCidr: '172.21.0.0/16', meshCidr: '172.22.0.0/16' });
    expect(plan.networks).toEqual([
      { cloud: Cloud.AWS, vpcCidr: '192.168.0.0/20', subnetCidr: '192.168.4.0/24', usableNodeAddresses: 251 },
      { cloud: Cloud.GCP, vpcCidr: '10.50.0.0/16', subnetCidr: '10.50.0.0/24', usableNodeAddresses: 252 },
    ]);
  });
});

describe('bad input: every problem, each naming the prop, the value and the fix', () => {
  test.each([
    [
      'malformed CIDR',
      { podCidr: '10.217.0.0/33' },
      ['addresses.podCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "10.217.0.0/33": it has a prefix length above 32). Fix the Kubernetes pod range.'],
    ],
    [
      'host bits set',
      { networks: { aws: { vpcCidr: '10.10.1.0/16' } } },
      ['addresses.aws.vpcCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "10.10.1.0/16": it has host bits set (did you mean 10.10.0.0/16?)). Fix the AWS VPC range.'],
    ],
    [
      'public range',
      { meshCidr: '100.64.0.0/16' },
      ['addresses.meshCidr must be a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (got 100.64.0.0/16). Pick an RFC 1918 range for the WireGuard mesh.'],
    ],
    [
      'overlapping ranges',
      { meshCidr: '10.10.0.0/20' },
      [
        'addresses.aws.vpcCidr must not overlap addresses.meshCidr (got 10.10.0.0/16, which overlaps the WireGuard mesh range 10.10.0.0/20). Give each range its own addresses.',
      ],
    ],
    [
      'subnet outside its VPC',
      { networks: { aws: { subnetCidr: '10.11.0.0/24' } } },
      ['addresses.aws.subnetCidr must be a CIDR inside 10.10.0.0/16 (got 10.11.0.0/24). Pick a /24 from the AWS VPC range.'],
    ],
    [
      'subnet too small',
      { networks: { aws: { subnetCidr: '10.10.0.0/29' } } },
      ['addresses.aws.subnetCidr must be /28 or larger (got 10.10.0.0/29). Use a /24 as the seed does.'],
    ],
    [
      'service range too large',
      { serviceCidr: '10.64.0.0/10' },
      ['addresses.serviceCidr must be /12 or smaller, the largest range kube-apiserver accepts (got 10.64.0.0/10). Use a /12 to /24.'],
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(problemsOf(() => planAddresses({ clouds: [Cloud.AWS], clusterKey: KEY, propPrefix: 'addresses', ...overrides }))).toEqual(expected);
  });

  test('room for the planned nodes: subnet, pods and mesh', () => {
    const problems = problemsOf(() =>
      planAddresses({
        clouds: [Cloud.AWS, Cloud.AZURE],
        clusterKey: KEY,
        podCidr: '10.217.0.0/23',
        meshCidr: '10.4.0.0/29',
        networks: { aws: { subnetCidr: '10.10.0.0/28' } },
        nodeCounts: { aws: 12, azure: 3 },
      }),
    );
    expect(problems).toEqual([
      'podCidr must hold a /24 per node for 15 nodes (got 10.217.0.0/23, room for 2). Use a larger pod range.',
      'meshCidr must hold one address per node: 15 nodes (got 10.4.0.0/29, 6 addresses). Use a larger mesh range.',
      'aws.subnetCidr must hold the 12 planned AWS nodes (got 10.10.0.0/28, 11 usable addresses). Use a larger subnet or fewer nodes.',
    ]);
  });

  test('pod range smaller than one node block', () => {
    expect(problemsOf(() => planAddresses({ clouds: [Cloud.GCP], clusterKey: KEY, podCidr: '10.217.0.0/25' }))).toEqual([
      'podCidr must be /24 or larger, since every node gets a /24 (got 10.217.0.0/25). Use a /16 as the seed does.',
    ]);
  });

  test('DigitalOcean VPC size', () => {
    expect(problemsOf(() => planAddresses({ clouds: [Cloud.DIGITALOCEAN], clusterKey: KEY, networks: { digitalocean: { vpcCidr: '10.128.0.0/12' } } }))).toEqual([
      'digitalocean.vpcCidr must be between /16 and /28, the sizes DigitalOcean accepts (got 10.128.0.0/12). Use a /20 as the seed does.',
    ]);
  });

  test('collects several problems at once, and only checks clouds in use', () => {
    const problems = problemsOf(() =>
      planAddresses({
        clouds: [Cloud.GCP],
        clusterKey: KEY,
        podCidr: 'pods',
        serviceCidr: '10.0.0.0/12',
        networks: { aws: { vpcCidr: 'ignored: AWS is not in use' } },
      }),
    );
    expect(problems).toEqual([
      'podCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "pods": it is not of the form a.b.c.d/n). Fix the Kubernetes pod range.',
      'meshCidr must not overlap serviceCidr (got 10.4.0.0/16, which overlaps the Kubernetes service range 10.0.0.0/12). Give each range its own addresses.',
      'gcp.vpcCidr must not overlap serviceCidr (got 10.0.0.0/16, which overlaps the Kubernetes service range 10.0.0.0/12). Give each range its own addresses.',
    ]);
  });
});
