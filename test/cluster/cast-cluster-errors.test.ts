import { App, TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { CastClusterProps } from '../../lib/cluster/cast-cluster-props';
import { Cloud } from '../../lib/core/cloud';

const ALL = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];

function errorOf(props: Partial<CastClusterProps>): string {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  try {
    new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: ALL, ...props });
  } catch (error) {
    const e = error as Error;
    // No stack trace: the frames would point into the library, not at the mistake.
    expect(e.stack).toBe(`CastValidationError: ${e.message}`);
    return e.message;
  }
  throw new Error('expected an error');
}

describe('CastCluster bad input: a synth-time error naming the construct path, the value and the fix', () => {
  test.each<[string, Partial<CastClusterProps>, string]>([
    [
      'malformed CIDR',
      { addresses: { aws: { vpcCidr: '10.10.0/16' } } },
      'stack/prod: addresses.aws.vpcCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "10.10.0/16": it is not of the form a.b.c.d/n). Fix the AWS VPC range.',
    ],
    [
      'overlapping ranges',
      { addresses: { podCidr: '10.20.0.0/16' } },
      'stack/prod: addresses.azure.vpcCidr must not overlap addresses.podCidr (got 10.20.0.0/16, which overlaps the Kubernetes pod range 10.20.0.0/16). Give each range its own addresses.',
    ],
    [
      'subnet outside its VPC',
      { addresses: { aws: { subnetCidr: '10.11.0.0/24' } } },
      'stack/prod: addresses.aws.subnetCidr must be a CIDR inside 10.10.0.0/16 (got 10.11.0.0/24). Pick a /24 from the AWS VPC range.',
    ],
    [
      'subnet too small',
      { addresses: { gcp: { subnetCidr: '10.0.0.0/30' } } },
      'stack/prod: addresses.gcp.subnetCidr must be /28 or larger (got 10.0.0.0/30). Use a /24 as the seed does.',
    ],
    [
      'unknown Cast region',
      { region: 'us-east-1' },
      'stack/prod: region must be a Cast region id (got "us-east-1"). Use one of: asia-india, asia-singapore, asia-sydney, ca-central, eu-central, eu-north, eu-west, us-central, us-east, us-west.',
    ],
    [
      'a cloud not offered in that region',
      { region: 'eu-north' },
      'stack/prod: clouds must only list clouds that serve Europe North (Stockholm) (got DigitalOcean, which has no region there). Drop it or pick another Cast region.',
    ],
    ['empty cloud list', { clouds: [] }, 'stack/prod: clouds must list at least one cloud (got []). Use e.g. [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN].'],
    [
      'invalid NodePort range',
      { firewall: { nodePortRange: { from: 6000, to: 7000 } } },
      "stack/prod: firewall.nodePortRange must not include a port the nodes listen on (got 6000-7000, which includes 6443 kube-apiserver). Use Kubernetes' default 30000-32767.",
    ],
    [
      'invalid source range',
      { firewall: { apiSourceRanges: ['203.0.113.0/24', '0.0.0.0'] } },
      'stack/prod: firewall.apiSourceRanges must list IPv4 CIDRs like 203.0.113.0/24 (got "0.0.0.0": it is not of the form a.b.c.d/n). Fix or remove that entry.',
    ],
    [
      'bad cluster name',
      { name: 'Prod_1' },
      'stack/prod: name must be 1-30 lowercase letters, digits or dashes, starting with a letter and not ending with a dash (got "Prod_1"). It becomes part of resource names on every cloud, and GCP\'s naming rule is the strictest.',
    ],
    [
      'bad pinned UUID',
      { clusterUuid: 'prod' },
      'stack/prod: clusterUuid must be a lowercase RFC 9562 UUID like 0c9a3f5e-2b7d-5e1a-8f4c-6d2b9e7a1c30 (got "prod"). Leave it out to derive one from the name.',
    ],
    [
      'a tag that is not a valid GCP label',
      { tags: { Team: 'Platform' } },
      'stack/prod: tags must use lowercase letters, digits, "_" and "-" (keys starting with a letter, both at most 63 characters) so they are valid GCP labels and DigitalOcean tags (got "Team": "Platform"). Rename the tag.',
    ],
    [
      'a tag that overrides the UUID',
      { tags: { 'cast-cluster-uuid': 'mine' } },
      'stack/prod: tags must not set "cast-cluster-uuid" (got "mine"): the library sets it. Remove it, or pin clusterUuid instead.',
    ],
  ])('%s', (_name, props, message) => {
    expect(errorOf(props)).toBe(message);
  });

  test('every problem is reported at once, not only the first', () => {
    expect(errorOf({ addresses: { aws: { subnetCidr: '10.11.0.0/24' } }, firewall: { apiSourceRanges: ['office'] } }).split('\n')).toHaveLength(2);
    expect(errorOf({ region: 'nowhere', clouds: [], tags: { A: 'b' } }).split('\n')).toHaveLength(3);
    expect(errorOf({ addresses: { podCidr: 'x', meshCidr: 'y' } }).split('\n')).toEqual([
      'stack/prod: addresses.podCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "x": it is not of the form a.b.c.d/n). Fix the Kubernetes pod range.',
      'stack/prod: addresses.meshCidr must be an IPv4 CIDR like 10.0.0.0/16 (got "y": it is not of the form a.b.c.d/n). Fix the WireGuard mesh range.',
    ]);
  });

  test('duplicate cluster names in one app, even across stacks', () => {
    const app = Testing.app();
    new CastCluster(new TerraformStack(app, 'east'), 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS] });
    const west = new TerraformStack(app, 'west');
    expect(() => new CastCluster(west, 'prod', { name: 'prod', region: 'us-west', clouds: [Cloud.GCP] })).toThrow(
      'west/prod: name must be unique in the app (got "prod", already used by east/prod). Give each cluster its own name.',
    );
    expect(() => new CastCluster(west, 'staging', { name: 'staging', region: 'us-west', clouds: [Cloud.GCP] })).not.toThrow();
  });
});
