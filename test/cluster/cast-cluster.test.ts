import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { CastClusterProps } from '../../lib/cluster/cast-cluster-props';
import { deriveClusterUuid } from '../../lib/core/cluster-identity';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';

const ALL = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];

function synthCluster(props: Partial<CastClusterProps> = {}) {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: ALL, ...props });
  const json = JSON.parse(Testing.synth(stack));
  return { app, stack, cluster, json };
}

describe('CastCluster', () => {
  const { cluster, json } = synthCluster({ tags: { team: 'platform' } });

  test('one CloudNetwork per cloud, at <stack>/<cluster>/<cloud>, with the planned ranges', () => {
    expect(ALL_CLOUDS.map((cloud) => cluster.network(cloud).node.path)).toEqual(['test/prod/aws', 'test/prod/gcp', 'test/prod/azure', 'test/prod/digitalocean']);
    expect(cluster.network(Cloud.AWS).subnetCidr).toBe('10.10.0.0/24');
    expect(cluster.network(Cloud.GCP).vpcCidr).toBe('10.0.0.0/16');
    expect(cluster.network(Cloud.AZURE).vpcCidr).toBe('10.20.0.0/16');
    expect(cluster.network(Cloud.DIGITALOCEAN).vpcCidr).toBe(cluster.addresses.networks[3].vpcCidr);
  });

  test('the UUID is derived from the name and stable; a pinned one wins', () => {
    expect(cluster.uuid).toBe(deriveClusterUuid('prod'));
    expect(synthCluster().cluster.uuid).toBe(cluster.uuid);
    const pinned = '0c9a3f5e-2b7d-5e1a-8f4c-6d2b9e7a1c30';
    expect(synthCluster({ clusterUuid: pinned }).json.provider.aws[0].default_tags[0].tags['cast-cluster-uuid']).toBe(pinned);
  });

  test('an aliased provider per cloud, in the Cast region, carrying the UUID by default', () => {
    const labels = { 'cast-cluster-name': 'prod', 'cast-cluster-uuid': cluster.uuid, team: 'platform' };
    expect(json.provider.aws).toEqual([{ alias: 'prod_aws', region: 'us-east-1', default_tags: [{ tags: labels }] }]);
    expect(json.provider.google).toEqual([{ alias: 'prod_gcp', region: 'us-east4', zone: 'us-east4-a', default_labels: labels }]);
    // Scale-set instances are never rolled by an apply (a model change reimages none of them).
    expect(json.provider.azurerm).toEqual([{ alias: 'prod_azure', features: [{ virtual_machine_scale_set: [{ roll_instances_when_required: false }] }] }]);
    expect(json.provider.digitalocean).toEqual([{ alias: 'prod_digitalocean' }]);
    const providers = new Set(Object.values(json.resource).flatMap((byName) => Object.values(byName as Record<string, { provider: string }>).map((r) => r.provider)));
    expect([...providers].sort()).toEqual(['aws.prod_aws', 'azurerm.prod_azure', 'digitalocean.prod_digitalocean', 'google.prod_gcp']);
  });

  test('a provider you pass is used instead of configuring one', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const mine = new AwsProvider(stack, 'aws', { region: 'us-east-1', profile: 'platform' });
    const own = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS], providers: { aws: mine } });
    const synthesized = JSON.parse(Testing.synth(stack));
    expect(synthesized.provider.aws).toEqual([{ region: 'us-east-1', profile: 'platform' }]);
    expect(own.provider(Cloud.AWS)).toBe(mine);
    expect(Object.values(synthesized.resource.aws_vpc as Record<string, { provider?: string }>)[0].provider).toBe('aws');
  });

  test('WireGuard is opened only when the cluster spans more than one cloud', () => {
    const single = synthCluster({ clouds: [Cloud.GCP] }).json;
    const ports = (j: typeof json) => Object.values(j.resource.google_compute_firewall as Record<string, { allow: { ports?: string[] }[] }>).flatMap((f) => f.allow[0].ports ?? []);
    expect(ports(single)).not.toContain('51820');
    expect(ports(json)).toContain('51820');
  });

  test('the cast_cluster_<name> output describes the cluster for the drift check', () => {
    const description = JSON.parse(json.output.cast_cluster_prod.value);
    expect(description).toMatchObject({ schema: 'cast-cluster/v1', uuid: cluster.uuid, name: 'prod', region: 'us-east', clouds: ['aws', 'gcp', 'azure', 'digitalocean'] });
    expect(description.networks.map((n: { cloud: string; cidr: string; address: string }) => [n.cloud, n.cidr, n.address.split('.')[0]])).toEqual([
      ['aws', '10.10.0.0/16', 'aws_vpc'],
      ['gcp', '10.0.0.0/16', 'google_compute_network'],
      ['azure', '10.20.0.0/16', 'azurerm_virtual_network'],
      ['digitalocean', cluster.addresses.networks[3].vpcCidr, 'digitalocean_vpc'],
    ]);
    for (const network of description.networks) {
      const [type, name] = network.address.split('.');
      expect(json.resource[type][name]).toBeDefined();
    }
  });

  test('network() names the clouds the cluster spans when asked for another', () => {
    const aws = synthCluster({ clouds: [Cloud.AWS] }).cluster;
    expect(() => aws.network(Cloud.GCP)).toThrow('test/prod: network(gcp) must name a cloud the cluster spans (got GCP; clouds: aws). Add it to clouds, or ask for one of those.');
  });
});
