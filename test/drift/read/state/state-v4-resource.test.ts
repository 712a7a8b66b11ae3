import { Cloud } from '../../../../lib/core/cloud';
import { DriftInputError } from '../../../../lib/drift/errors';
import { readStateV4Resource } from '../../../../lib/drift/read/state/state-v4-resource';

const UUID = 'c0ffee00-1234-4abc-8def-0123456789ab';

describe('readStateV4Resource', () => {
  test('one record per object: each index key\'s current object, and its deposed objects with their key; module, taint, tags, id and kept attributes only', () => {
    const resources = readStateV4Resource(
      {
        module: 'module.pool',
        mode: 'managed',
        type: 'aws_instance',
        name: 'worker',
        provider: 'module.pool.provider["registry.opentofu.org/hashicorp/aws"]',
        instances: [
          { index_key: 0, schema_version: 1, attributes: { id: 'i-1', instance_state: 'running', monitoring: true, tags: { 'cast-cluster-uuid': UUID.toUpperCase() } }, sensitive_attributes: [[{ type: 'get_attr', value: 'user_data' }]], dependencies: ['aws_subnet.a'] },
          { index_key: 1, status: 'tainted', schema_version: 1, attributes: { id: 'i-2' } },
          { index_key: 1, deposed: '00000001', schema_version: 1, attributes: { id: 'i-old' } },
        ],
      },
      3,
      's.tfstate',
    );
    expect(resources.map((r) => [r.address, r.tainted, r.id, r.deposedKey])).toEqual([
      ['module.pool.aws_instance.worker[0]', false, 'i-1', undefined],
      ['module.pool.aws_instance.worker[1]', true, 'i-2', undefined],
      ['module.pool.aws_instance.worker[1]', false, 'i-old', '00000001'],
    ]);
    expect(resources[0]).not.toHaveProperty('deposedKey');
    expect(resources[0]).toMatchObject({ module: 'module.pool', cloud: Cloud.AWS, provider: 'registry.opentofu.org/hashicorp/aws', clusterUuid: UUID, attributes: { id: 'i-1', instance_state: 'running' }, sensitivePaths: [] });
    expect(resources[0].attributes).not.toHaveProperty('monitoring');
  });

  test('string index keys (for_each) and data sources', () => {
    const [resource] = readStateV4Resource({ mode: 'data', type: 'google_compute_image', name: 'debian', provider: 'provider["registry.terraform.io/hashicorp/google"]', instances: [{ index_key: 'a b', attributes: { id: 'x' } }] }, 0, 's');
    expect(resource.address).toBe('data.google_compute_image.debian["a b"]');
    expect(resource.mode).toBe('data');
  });

  test('sensitive paths of kept attributes are kept', () => {
    const [resource] = readStateV4Resource({ mode: 'managed', type: 'aws_security_group', name: 'sg', provider: '', instances: [{ attributes: { id: 'sg-1', ingress: [] }, sensitive_attributes: [[{ type: 'get_attr', value: 'ingress' }]] }] }, 0, 's');
    expect(resource.sensitivePaths).toEqual([['ingress']]);
  });

  test('pre-0.12 attributes_flat keeps top-level strings and tags', () => {
    const [resource] = readStateV4Resource({ mode: 'managed', type: 'aws_vpc', name: 'v', provider: 'provider.aws', instances: [{ attributes_flat: { id: 'vpc-1', cidr_block: '10.0.0.0/16', 'tags.%': '1', [`tags.cast-cluster-uuid`]: UUID } }] }, 0, 's');
    expect(resource).toMatchObject({ id: 'vpc-1', clusterUuid: UUID, provider: 'aws', attributes: { id: 'vpc-1', cidr_block: '10.0.0.0/16' } });
  });

  test('DigitalOcean tag strings carry the UUID', () => {
    const [resource] = readStateV4Resource({ mode: 'managed', type: 'digitalocean_droplet', name: 'd', provider: '', instances: [{ attributes: { id: '1', tags: [`cast-cluster-uuid:${UUID}`, 'k8s'] } }] }, 0, 's');
    expect(resource.clusterUuid).toBe(UUID);
    expect(resource.tags).toEqual({ 'cast-cluster-uuid': UUID, k8s: '' });
  });

  test.each([null, 'x', [], { type: 'aws_vpc' }, { name: 'x' }])('refuses %j', (raw) => {
    expect(() => readStateV4Resource(raw, 7, 's.tfstate')).toThrow(new DriftInputError('resources[7] is not a state resource (it needs "type" and "name")', 's.tfstate'));
  });

  test('tolerates odd instances', () => {
    expect(readStateV4Resource({ type: 't', name: 'n', instances: [null, 1, { attributes: 'x' }] }, 0, 's').map((r) => r.address)).toEqual(['t.n']);
  });
});
