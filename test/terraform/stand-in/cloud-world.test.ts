import { CloudWorld } from './cloud-world';

describe('CloudWorld', () => {
  test('a change shows on read, later changes add up, and an apply of the object forgets them', () => {
    const world = new CloudWorld();
    const state = { id: 'i-1', instance_type: 't3.small', tags: {} };
    expect(world.read('aws_instance', state)).toBe(state);
    world.change('aws_instance', 'i-1', { instance_type: 't3.large' });
    world.change('aws_instance', 'i-1', { tags: { x: 'y' } });
    expect(world.read('aws_instance', state)).toEqual({ id: 'i-1', instance_type: 't3.large', tags: { x: 'y' } });
    expect(world.read('aws_vpc', { id: 'i-1' })).toEqual({ id: 'i-1' });
    world.applied('aws_instance', 'i-1');
    expect(world.read('aws_instance', state)).toBe(state);
  });

  test('a removed object reads as gone; publishing counts generations per data source type', () => {
    const world = new CloudWorld();
    world.remove('aws_route', 'r-1');
    expect(world.read('aws_route', { id: 'r-1' })).toBeNull();
    world.publishNewer('aws_ami');
    expect([world.generation('aws_ami'), world.generation('google_compute_image')]).toEqual([1, 0]);
  });
});
