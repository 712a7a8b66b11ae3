import { Cloud } from '../../../../lib/core/cloud';
import { parseClusterDescription } from '../../../../lib/drift/read/desired/cluster-description';

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
