import { UNKNOWN, type CtyType } from './cty';
import { fillUnknowns, seedOf } from './plausible-values';

const fill = (type: string, object: Record<string, any>, ctyType: CtyType, defaultTags = {}) =>
  fillUnknowns(object, ctyType, { type, object, seed: seedOf(type, object), defaultTags }) as any;

const INSTANCE: CtyType = ['object', { id: 'string', arn: 'string', private_ip: 'string', public_ip: 'string', tags: ['map', 'string'], tags_all: ['map', 'string'], cpu: 'number', ebs: ['list', 'string'] }];

describe('plausible values', () => {
  const planned = { id: UNKNOWN, arn: UNKNOWN, private_ip: UNKNOWN, public_ip: UNKNOWN, tags: { Name: 'n1' }, tags_all: UNKNOWN, cpu: UNKNOWN, ebs: UNKNOWN };

  test('each cloud gets ids in its own format', () => {
    const made = fill('aws_instance', planned, INSTANCE, { 'cast-cluster-uuid': 'u' });
    expect(made.id).toMatch(/^i-[0-9a-f]{17}$/);
    expect(made.arn).toMatch(/^arn:aws:ec2:us-east-1:123456789012:instance\//);
    expect(made.private_ip).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(made.public_ip).toMatch(/^(198\.51\.100|203\.0\.113)\.\d+$/);
    // tags_all is the provider's default tags merged with the resource's own (aws provider docs, default_tags).
    expect(made.tags_all).toEqual({ 'cast-cluster-uuid': 'u', Name: 'n1' });
    expect(made.ebs).toEqual([]);
    const vm = fill('azurerm_linux_virtual_machine', { id: UNKNOWN, name: 'vm1', resource_group_name: 'rg' }, ['object', { id: 'string', name: 'string', resource_group_name: 'string' }]);
    expect(vm.id).toBe('/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1');
    const gce = fill('google_compute_instance', { id: UNKNOWN, name: 'n', zone: 'us-east4-a', project: 'p' }, ['object', { id: 'string', name: 'string', zone: 'string', project: 'string' }]);
    expect(gce.id).toBe('projects/p/zones/us-east4-a/instances/n');
    const droplet = fill('digitalocean_droplet', { id: UNKNOWN, name: 'd' }, ['object', { id: 'string', name: 'string' }]);
    expect(droplet.id).toMatch(/^\d{9}$/);
  });

  test('the same object gets the same values; another object gets others', () => {
    expect(fill('aws_instance', planned, INSTANCE)).toEqual(fill('aws_instance', planned, INSTANCE));
    expect(fill('aws_instance', { ...planned, tags: { Name: 'n2' } }, INSTANCE).id).not.toBe(fill('aws_instance', planned, INSTANCE).id);
  });

  test('known values are kept as they are', () => {
    expect(fill('aws_instance', { ...planned, private_ip: '10.1.2.3' }, INSTANCE).private_ip).toBe('10.1.2.3');
  });

  test('reserved addresses are addresses, running objects say so, and GCP paths use plural kinds', () => {
    const address = fill('google_compute_address', { id: UNKNOWN, name: 'a', region: 'us-east4', address: UNKNOWN, address_type: 'EXTERNAL' }, ['object', { id: 'string', name: 'string', region: 'string', address: 'string', address_type: 'string' }]);
    expect(address.address).toMatch(/^(198\.51\.100|203\.0\.113)\.\d+$/);
    expect(address.id).toBe('projects/cast-stand-in/regions/us-east4/addresses/a');
    expect(fill('aws_instance', { id: UNKNOWN, instance_state: UNKNOWN }, ['object', { id: 'string', instance_state: 'string' }]).instance_state).toBe('running');
  });
});
