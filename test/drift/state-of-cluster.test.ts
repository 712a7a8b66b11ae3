/** A state that is not this cluster's is one statement (exit 1), not a report of findings about another cluster. */
import { Readable } from 'node:stream';
import { checkDrift } from '../../lib/drift/drift-check';
import { StateResource } from '../../lib/drift/model';
import { InputDocument, InputKind } from '../../lib/drift/read/input-document';
import { assertStateOfCluster, describeCluster } from '../../lib/drift/state-of-cluster';
import { desiredResource, desiredState, fixture, stateResource, UUID } from './helpers';

const desired = desiredState([desiredResource('aws_vpc.main', { cidr_block: '10.0.0.0/16' })], { clusterName: 'prod', modules: new Set(['pool']) });

function stateOf(resources: StateResource[]): InputDocument {
  return { kind: InputKind.STATE, file: 'terraform.tfstate', label: 'Terraform state', resources, drift: [], inventoryItems: [], outputs: {} };
}

describe('assertStateOfCluster', () => {
  test.each([
    ['a resource the stacks declare', [stateResource('azurerm_kubernetes_cluster.aks', {}), stateResource('aws_vpc.main', {})]],
    ['a resource in a module the stacks call', [stateResource('module.pool.aws_instance.worker[0]', {})]],
    ['a resource the stacks do not declare, tagged with the cluster UUID', [stateResource('aws_instance.old', { tags: { 'cast-cluster-uuid': UUID } })]],
  ])('accepts a state holding %s', (_name, resources) => {
    expect(() => assertStateOfCluster(stateOf(resources), desired)).not.toThrow();
  });

  test.each([
    [
      'another cluster\'s resources, none tagged',
      [stateResource('azurerm_kubernetes_cluster.aks', {}), stateResource('azurerm_resource_group.rg', {}), stateResource('data.azurerm_client_config.current', {})],
      `terraform.tfstate: holds no resource of cluster prod (${UUID}): it has 2 managed resource(s), none declared by the --desired stacks or tagged cast-cluster-uuid ${UUID}. It is another cluster's or stack's state, or the stack was not applied yet: is this the right workspace (\`terraform workspace show\`) and backend (the stack's backend configuration)? Pull the state where the stack was applied: \`terraform state pull\``,
    ],
    ['only data sources', [stateResource('data.aws_vpc.main', {})], `terraform.tfstate: holds no resource of cluster prod (${UUID}): it has only data sources. It is another`],
    ['a module the stacks do not call', [stateResource('module.other.aws_vpc.main', {})], 'terraform.tfstate: holds no resource of cluster prod'],
    ['nothing', [], `terraform.tfstate: is an empty state (no resources), not one of cluster prod (${UUID}): was the stack applied yet (\`terraform apply\`)? Else is this the right workspace (\`terraform workspace show\`)`],
  ])('refuses a state holding %s, naming the cluster and the hint', (_name, resources, message) => {
    expect(() => assertStateOfCluster(stateOf(resources as StateResource[]), desired)).toThrow(message);
  });

  test('every tagged resource of another cluster: that cluster named', () => {
    const resources = [stateResource('aws_vpc.main', { tags: { 'cast-cluster-uuid': 'other-uuid' } }), stateResource('aws_instance.n', { tags: { 'cast-cluster-uuid': 'other-uuid' } })];
    expect(() => assertStateOfCluster(stateOf(resources), desired)).toThrow(`terraform.tfstate: is the state of cluster other-uuid (cast-cluster-uuid of 2 resource(s)), not of cluster prod (${UUID}) from the --desired stacks: is this the right workspace`);
  });

  test('without the cluster UUID, the stacks\' resources decide', () => {
    const unknown = desiredState([desiredResource('aws_vpc.main', {})], { clusterUuid: undefined, clusterName: 'prod' });
    expect(() => assertStateOfCluster(stateOf([stateResource('aws_vpc.main', {})]), unknown)).not.toThrow();
    expect(() => assertStateOfCluster(stateOf([stateResource('aws_vpc.other', {})]), unknown)).toThrow('holds no resource of cluster prod (uuid unknown): it has 1 managed resource(s), none declared by the --desired stacks. It is');
  });

  test.each([
    ['prod', 'u', 'cluster prod (u)'],
    [undefined, 'u', 'cluster u'],
    ['prod', undefined, 'cluster prod (uuid unknown)'],
    [undefined, undefined, 'the cluster of the --desired stacks'],
  ])('describeCluster(%s, %s)', (name, uuid, text) => {
    expect(describeCluster(name, uuid)).toBe(text);
  });
});

test('checkDrift refuses an unrelated AKS cluster\'s state with one statement instead of a finding per resource', async () => {
  const state = {
    version: 4,
    terraform_version: '1.9.8',
    serial: 3,
    lineage: 'aks',
    outputs: {},
    resources: ['rg', 'aks', 'pool'].map((name) => ({
      mode: 'managed',
      type: name === 'rg' ? 'azurerm_resource_group' : 'azurerm_kubernetes_cluster',
      name,
      provider: 'provider["registry.terraform.io/hashicorp/azurerm"]',
      instances: [{ schema_version: 0, attributes: { id: `/subscriptions/s/resourceGroups/${name}`, tags: { team: 'data' } }, sensitive_attributes: [] }],
    })),
  };
  await expect(checkDrift({ desired: [fixture('stack/cdk.tf.json')], states: ['-'], stdin: Readable.from([JSON.stringify(state)]) })).rejects.toThrow(
    /^-: holds no resource of cluster prod \(c0ffee00-1234-4abc-8def-0123456789ab\): it has 3 managed resource\(s\), none declared by the --desired stacks or tagged cast-cluster-uuid c0ffee00-1234-4abc-8def-0123456789ab\. .*`terraform workspace show`/,
  );
});
