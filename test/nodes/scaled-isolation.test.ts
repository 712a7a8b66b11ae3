/**
 * Adding an autoscaled group, or resizing its limits, touches only what it
 * must: its own resources; on a cloud that runs a cluster-autoscaler (AWS,
 * Azure), also the control-plane identity there, and no user-data (the
 * autoscaler's manifests are the in-cluster stack's). Two synths are diffed,
 * resources and locals alike.
 */
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeGroupOptions } from '../../lib/nodes/node-group';
import { diffSynths as diff, synthCluster } from './node-fixture';

const CLOUDS = [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];
const base: Record<string, NodeGroupOptions> = {
  'aws-cp': { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
  'azure-cp': { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE },
  'gcp-cp': { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
  'do-workers': { cloud: Cloud.DIGITALOCEAN, role: NodeRole.WORKER, count: 2 },
};
const synth = (groups: Record<string, NodeGroupOptions>) => synthCluster(CLOUDS, groups).json;

describe('autoscaled groups change only what they must', () => {
  test.each([Cloud.GCP, Cloud.DIGITALOCEAN])('adding one on %s (it scales itself) changes no existing resource or user-data', (cloud) => {
    const { added, removed, changed } = diff(synth(base), synth({ ...base, burst: { cloud, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 5 } } }));
    expect({ removed, changed }).toEqual({ removed: [], changed: [] });
    expect(added.length).toBeGreaterThanOrEqual(2);
    // The group's own resources, plus DigitalOcean's account-wide SSH key entry made once.
    expect(added.filter((address) => !/c1_burst_|autoscale-ssh-key/.test(address))).toEqual([]);
  });

  // AWS: the autoscaler's policy joins the control planes' role, whose profile they carry already,
  // so the control plane's instance is unchanged; Azure: its identity joins the control plane's.
  test.each([
    [Cloud.AWS, 'aws_instance', undefined],
    [Cloud.AZURE, 'azurerm_linux_virtual_machine', 'c1-azure-cp-1'],
  ])('adding one on %s: its resources, that cloud\'s autoscaler identity and the control plane there; no user-data', (cloud, cpType, cpName) => {
    const { added, removed, changed } = diff(synth(base), synth({ ...base, burst: { cloud, role: NodeRole.WORKER, autoscaling: { maxNodes: 5 } } }));
    expect(removed).toEqual([]);
    expect(changed.filter((address) => !address.startsWith(`${cpType}.`))).toEqual([]);
    const controlPlane = changed.find((address) => address.startsWith(`${cpType}.`));
    if (cpName === undefined) expect(controlPlane).toBeUndefined();
    else expect(controlPlane).toContain(cpName);
    expect(added.filter((address) => !/c1_burst_|autoscaler-/.test(address))).toEqual([]);
  });

  test('raising maxNodes of a GCP group changes only that group', () => {
    const groups = (maxNodes: number) => ({ ...base, burst: { cloud: Cloud.GCP, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes } } });
    const { added, removed, changed } = diff(synth(groups(5)), synth(groups(9)));
    expect({ added, removed }).toEqual({ added: [], removed: [] });
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^google_compute_autoscaler\.c1_burst_/);
  });
});
