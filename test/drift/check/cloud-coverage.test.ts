import { Cloud } from '../../../lib/core/cloud';
import { checkCloudCoverage, cloudCoverage, clusterClouds } from '../../../lib/drift/check/cloud-coverage';
import { ClusterDescription } from '../../../lib/drift/model';
import { actualState, desiredResource, desiredState } from '../helpers';

const describing = (clouds: Cloud[]): ClusterDescription => ({ schema: 'cast-cluster/v1', clouds, nodes: [], networks: [] });
const resources = [desiredResource('digitalocean_vpc.v', {}), desiredResource('aws_vpc.v', {}), desiredResource('random_id.x', {})];

describe('clusterClouds', () => {
  test.each([
    ['the stacks\' description first', describing([Cloud.GCP, Cloud.AWS]), describing([Cloud.AZURE]), [Cloud.AWS, Cloud.GCP]],
    ['else the state\'s description', describing([]), describing([Cloud.AZURE]), [Cloud.AZURE]],
    ['else the clouds of the declared resources, in the canonical order', undefined, undefined, [Cloud.AWS, Cloud.DIGITALOCEAN]],
  ])('%s', (_name, desiredDescription, actualDescription, clouds) => {
    const actual = { ...actualState([]), description: actualDescription };
    expect(clusterClouds(desiredState(resources, { description: desiredDescription }), actual)).toEqual(clouds);
  });
});

test('cloudCoverage splits the cluster\'s clouds; an inventory of another cloud counts for nothing', () => {
  expect(cloudCoverage([Cloud.AWS, Cloud.GCP, Cloud.AZURE], [Cloud.DIGITALOCEAN, Cloud.GCP], [Cloud.AZURE, Cloud.GCP])).toEqual({ checked: [Cloud.GCP], allowedUnchecked: [Cloud.AZURE], unchecked: [Cloud.AWS] });
});

test('an error per unchecked cloud, with the AWS command in JSON whatever the CLI\'s configured output', () => {
  const findings = checkCloudCoverage({ checked: [], allowedUnchecked: [], unchecked: [Cloud.AWS] });
  expect(findings).toHaveLength(1);
  expect(findings[0]).toMatchObject({ rule: 'cleanup-guard/unchecked-cloud', severity: 'error', cloud: 'aws', address: 'aws:*' });
  expect(findings[0].remediation).toBe('List its VMs with `aws ec2 describe-instances --output json > aws-vms.json` (once per region the cluster uses: add --region REGION, and pass each file) and pass `--inventory aws=aws-vms.json`; or, to destroy without checking AWS, pass `--allow-unchecked aws`.');
});
