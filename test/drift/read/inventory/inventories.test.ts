import { Cloud } from '../../../../lib/core/cloud';
import { readInput } from '../../../../lib/drift/read/read-input';
import { AWS, AZURE, CLUSTER_UUID, DIGITALOCEAN, GCP } from '../../../fixtures/drift/build/ids';
import { fixture } from '../../helpers';

describe('cloud inventories as their CLIs print them', () => {
  test('aws ec2 describe-instances', async () => {
    const { inventoryItems } = await readInput(fixture('inventory/aws-describe-instances.json'));
    expect(inventoryItems.map((item) => [item.id, item.status, item.clusterUuid ?? null, item.networks, item.scope])).toEqual([
      [AWS.nodeIds[0], 'running', CLUSTER_UUID, [AWS.vpcId], 'eu-west-1'],
      [AWS.nodeIds[1], 'terminated', CLUSTER_UUID, [AWS.vpcId], 'eu-west-1'],
      [AWS.leakedId, 'running', CLUSTER_UUID, [AWS.vpcId], 'eu-west-1'],
      [AWS.foreignId, 'running', null, [AWS.vpcId], 'eu-west-1'],
      [AWS.elsewhereId, 'running', null, ['vpc-0999888877776666a'], 'eu-west-1'],
    ]);
    expect(inventoryItems[3].name).toBe('ci-runner');
  });

  test('gcloud compute instances list --format=json', async () => {
    const { inventoryItems } = await readInput(fixture('inventory/gcloud-instances-list.json'));
    expect(inventoryItems[0]).toMatchObject({ cloud: Cloud.GCP, id: GCP.nodeInstanceId, name: GCP.nodeName, clusterUuid: CLUSTER_UUID, networks: [GCP.network], privateIps: ['10.20.1.2'], scope: GCP.project, location: { zone: GCP.zone, project: GCP.project } });
    expect(inventoryItems[0].aliases).toContain(`projects/${GCP.project}/zones/${GCP.zone}/instances/${GCP.nodeName}`);
  });

  test('az vm list -d: ids match case-insensitively, IPs and power state', async () => {
    const { inventoryItems } = await readInput(fixture('inventory/az-vm-list.json'));
    expect(inventoryItems[0]).toMatchObject({ cloud: Cloud.AZURE, name: AZURE.nodeName, status: 'running', privateIps: ['10.30.1.4'], scope: AZURE.subscription });
    expect(inventoryItems[0].aliases).toContain(inventoryItems[0].id.toLowerCase());
    expect(inventoryItems[0].aliases).toContain(AZURE.nodeVmId);
  });

  test('doctl compute droplet list -o json', async () => {
    const { inventoryItems } = await readInput(fixture('inventory/doctl-droplet-list.json'));
    expect(inventoryItems.map((item) => [item.id, item.clusterUuid, item.networks, item.privateIps])).toEqual([
      [DIGITALOCEAN.nodeId, CLUSTER_UUID, [DIGITALOCEAN.vpcId], ['10.40.0.2']],
      [DIGITALOCEAN.leakedId, CLUSTER_UUID, [DIGITALOCEAN.vpcId], ['10.40.0.9']],
    ]);
  });

  test.each([
    ['aws --query Reservations[].Instances[]', [{ InstanceId: 'i-1', State: { Name: 'stopped' } }], Cloud.AWS, 'stopped'],
    ['gcp TERMINATED means stopped', [{ kind: 'compute#instance', name: 'x', status: 'TERMINATED' }], Cloud.GCP, 'stopped'],
    ['azure deallocated', [{ type: 'Microsoft.Compute/virtualMachines', id: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/v', powerState: 'VM deallocated' }], Cloud.AZURE, 'stopped'],
    ['digitalocean off', [{ id: 5, size_slug: 's', status: 'off' }], Cloud.DIGITALOCEAN, 'stopped'],
  ])('%s', async (_name, list, cloud, status) => {
    const { Readable } = await import('node:stream');
    const document = await readInput('-', { stdin: Readable.from([JSON.stringify(list)]) });
    expect([document.inventoryCloud, document.inventoryItems[0].status]).toEqual([cloud, status]);
  });
});
