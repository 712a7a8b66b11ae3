import { Cloud } from '../../../../lib/core/cloud';
import { findClusterDescriptions, parseClusterDescription, selectClusterDescription } from '../../../../lib/drift/read/desired/cluster-description';

describe('parseClusterDescription is tolerant', () => {
  test('the full v1 shape', () => {
    const description = parseClusterDescription(
      JSON.stringify({
        schema: 'cast-cluster/v1',
        uuid: 'ABC',
        name: 'prod',
        clouds: ['aws', 'gcp', 'mars'],
        nodes: [{ name: 'n1', cloud: 'aws', role: 'worker', address: 'aws_instance.n[0]' }, 'junk'],
        networks: [{ cloud: 'gcp', address: 'google_compute_network.n', cidr: '10.20.0.0/16', subnets: ['10.20.1.0/24', 5] }],
        future: { field: true },
      }),
      'f',
    );
    expect(description).toEqual({
      schema: 'cast-cluster/v1',
      uuid: 'abc',
      name: 'prod',
      clouds: [Cloud.AWS, Cloud.GCP],
      nodes: [{ name: 'n1', cloud: Cloud.AWS, role: 'worker', address: 'aws_instance.n[0]' }],
      networks: [{ cloud: Cloud.GCP, address: 'google_compute_network.n', cidr: '10.20.0.0/16', subnets: ['10.20.1.0/24'] }],
    });
  });
  test.each([
    ['no nodes or networks yet', { schema: 'cast-cluster/v1', uuid: 'u' }, { nodes: [], networks: [], clouds: [] }],
    ['no schema', { uuid: 'u' }, { schema: 'cast-cluster/v1' }],
    ['a minor version', { schema: 'cast-cluster/v1.2' }, { schema: 'cast-cluster/v1.2' }],
    ['a uuid still a reference', { uuid: '${random_uuid.cluster.result}' }, { uuid: undefined }],
    ['an object instead of a string', { uuid: 'u' }, { uuid: 'u' }],
  ])('%s', (_name, value, expected) => {
    expect(parseClusterDescription(_name.startsWith('an object') ? value : JSON.stringify(value), 'f')).toMatchObject(expected);
  });
  test('a whole value that is a reference is unknown', () => {
    expect(parseClusterDescription('${jsonencode(local.cluster)}', 'f')).toBeUndefined();
  });
  test.each([
    ['not JSON', 'nope', 'f: output "cast_cluster" is not a JSON-encoded cluster description'],
    ['not an object', '[1]', 'f: output "cast_cluster" is not a JSON object'],
  ])('refuses %s', (_name, value, message) => {
    expect(() => parseClusterDescription(value, 'f')).toThrow(message);
  });
});

describe('finding and choosing descriptions', () => {
  const describe1 = JSON.stringify({ schema: 'cast-cluster/v1', uuid: 'u1', name: 'a' });
  const describe2 = JSON.stringify({ schema: 'cast-cluster/v1', uuid: 'u2', name: 'b' });
  test('cast_cluster and cast_cluster_<name>; other outputs of the cluster are not descriptions', () => {
    const found = findClusterDescriptions({ cast_cluster_a: describe1, cast_cluster_a_api_endpoint: 'https://${aws_eip.x.public_ip}:6443', cast_cluster_a_nodes: { n: { cloud: 'aws' } }, cast_cluster_a_kubeconfig: '${yamlencode({})}', unrelated: describe2 }, 'f');
    expect(found.map((d) => d.uuid)).toEqual(['u1']);
  });
  test('a broken cast_cluster output is an error; a broken cast_cluster_x one is just another output', () => {
    expect(() => findClusterDescriptions({ cast_cluster: 'nope' }, 'f')).toThrow('not a JSON-encoded cluster description');
    expect(findClusterDescriptions({ cast_cluster_x: 'nope' }, 'f')).toEqual([]);
  });
  test('several clusters need --cluster-uuid', () => {
    const both = findClusterDescriptions({ cast_cluster_a: describe1, cast_cluster_b: describe2 }, 'f');
    expect(() => selectClusterDescription(both, undefined, 'the --desired stacks')).toThrow('the --desired stacks describe 2 clusters: a (u1), b (u2); choose one with --cluster-uuid');
    expect(selectClusterDescription(both, 'u2', 'x')?.name).toBe('b');
  });
});
