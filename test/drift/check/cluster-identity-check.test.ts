import { Readable } from 'node:stream';
import * as fs from 'node:fs';
import { checkClusterIdentity } from '../../../lib/drift/check/cluster-identity-check';
import { checkDrift, guardDestroy } from '../../../lib/drift/drift-check';
import { ADDRESS, CLUSTER_UUID } from '../../fixtures/drift/build/ids';
import { actualState, desiredResource, desiredState, fixture, stateResource, UUID } from '../helpers';

const OTHER = '0badc0de-9876-4fed-8cba-fedcba987654';
const tagged = (uuid: string) => ({ tags: { 'cast-cluster-uuid': uuid } });

describe('checkClusterIdentity', () => {
  const desired = desiredState([desiredResource('aws_vpc.main', tagged(UUID)), desiredResource('aws_vpc.second', tagged(OTHER)), desiredResource('aws_subnet.s', {})], { clusterName: 'prod' });

  test.each([
    ['this cluster\'s UUID', stateResource('aws_vpc.main', tagged(UUID)), false],
    ['no UUID', stateResource('aws_subnet.s', {}), false],
    ['another UUID, configured with this one', stateResource('aws_vpc.main', tagged(OTHER)), true],
    ['another UUID, on a block with no tag', stateResource('aws_subnet.s', tagged(OTHER)), true],
    ['another UUID, on a resource no stack declares', stateResource('aws_instance.stray', tagged(OTHER)), true],
    ['another UUID in a module', stateResource('module.pool.aws_instance.w[0]', tagged(OTHER)), true],
    ['another UUID, configured with that UUID (a stack of two clusters)', stateResource('aws_vpc.second', tagged(OTHER)), false],
    ['another UUID on a data source', stateResource('data.aws_vpc.main', tagged(OTHER)), false],
    ['the UUID in another case (tags are read lower-cased)', stateResource('aws_vpc.main', tagged(UUID.toUpperCase())), false],
  ])('%s → %s', (_name, resource, reported) => {
    expect(checkClusterIdentity(desired, actualState([resource]), UUID)).toHaveLength(reported ? 1 : 0);
  });

  test('the finding names the resource, both UUIDs and both fixes', () => {
    const [finding] = checkClusterIdentity(desired, actualState([stateResource('aws_vpc.main', tagged(OTHER))]), UUID);
    expect(finding).toMatchObject({
      check: 'cluster-identity',
      rule: 'cluster-identity/other-cluster',
      severity: 'error',
      address: 'aws_vpc.main',
      cloud: 'aws',
      type: 'aws_vpc',
      differences: [{ path: 'tags.cast-cluster-uuid', desired: UUID, actual: OTHER }],
    });
    expect(finding.message).toMatch(new RegExp(`^aws_vpc\\.main is in the state of cluster prod \\(${UUID}\\) but carries cast-cluster-uuid ${OTHER}, another cluster's`));
    expect(finding.remediation).toBe(`If it is this cluster's, \`terraform apply\` tags it with ${UUID} again. If it belongs to cluster ${OTHER}, take it out of this state with \`terraform state rm aws_vpc.main\` (the object stays) and manage it from that cluster's stack.`);
  });

  test('without the cluster UUID nothing is compared', () => {
    expect(checkClusterIdentity(desired, actualState([stateResource('aws_vpc.main', tagged(OTHER))]), undefined)).toEqual([]);
  });
});

describe('a state whose resources were re-tagged with another cluster\'s UUID while one keeps this one', () => {
  /** The in-sync state without its description, every resource tagged with this cluster's UUID but the first re-tagged with another's. */
  function retagged(): string {
    const state = JSON.parse(fs.readFileSync(fixture('state/in-sync.tfstate'), 'utf8')) as { outputs: unknown; resources: unknown[] };
    state.outputs = {};
    let kept = false;
    state.resources = state.resources.map((resource) => {
      const text = JSON.stringify(resource);
      if (!text.includes(CLUSTER_UUID) || !kept) {
        kept ||= text.includes(CLUSTER_UUID);
        return resource;
      }
      return JSON.parse(text.split(CLUSTER_UUID).join(OTHER));
    });
    return JSON.stringify(state);
  }

  test('check: an error per re-tagged resource', async () => {
    const report = await checkDrift({ desired: [fixture('stack/cdk.tf.json')], states: ['-'], stdin: Readable.from([retagged()]) });
    const identity = report.findings.filter((f) => f.check === 'cluster-identity');
    expect(identity.length).toBeGreaterThan(5);
    expect(identity.every((f) => f.severity === 'error' && f.differences[0].actual === OTHER && f.differences[0].desired === CLUSTER_UUID)).toBe(true);
    expect(identity.map((f) => f.address)).toContain(ADDRESS.awsWorkerSg);
  });

  test('guard-destroy: the destroy would delete them, so they are errors there too', async () => {
    const inventories = ['aws', 'gcp', 'azure', 'digitalocean'].map((cloud) => ({ file: fixture('inventory/empty-list.json'), cloud: cloud as never }));
    const report = await guardDestroy({ desired: [fixture('stack/cdk.tf.json')], states: ['-'], stdin: Readable.from([retagged()]), inventories });
    expect(report.findings.length).toBeGreaterThan(5);
    expect(report.findings.every((f) => f.rule === 'cluster-identity/other-cluster')).toBe(true);
  });
});
