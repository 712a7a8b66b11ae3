import { NODE_FIREWALLS, nodeFirewall } from '.';
import { AddressBook, synthCluster } from './synth-cluster';
import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';

describe('NODE_FIREWALLS', () => {
  const stack = synthCluster([Cloud.GCP]);

  test('each translator reads only its own cloud: a GCP stack has VMs for GCP and none for the others', () => {
    const counts = ALL_CLOUDS.map((cloud) => [cloud, NODE_FIREWALLS[cloud](stack, new AddressBook().resolve).length]);
    expect(counts).toEqual([
      [Cloud.AWS, 0],
      [Cloud.GCP, 2],
      [Cloud.AZURE, 0],
      [Cloud.DIGITALOCEAN, 0],
    ]);
  });

  test('nodeFirewall finds a VM by its resource address, and names the VMs when it cannot', () => {
    const [first] = NODE_FIREWALLS[Cloud.GCP](stack, new AddressBook().resolve);
    expect(nodeFirewall(stack, Cloud.GCP, first.resource, new AddressBook().resolve)).toEqual(first);
    expect(() => nodeFirewall(stack, Cloud.GCP, 'google_compute_instance.nope', new AddressBook().resolve)).toThrow(`google_compute_instance.nope: no gcp VM of the stack has this address (VMs: ${first.resource}, `);
  });
});
