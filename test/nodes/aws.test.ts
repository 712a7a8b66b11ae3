import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { NodeShape } from '../../lib/core/shapes';
import { logicalId, synthCluster } from './node-fixture';
import { SEEDS, SEEDS_REFERENCE, synthSeeds } from './api-servers-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

describe('AWS nodes', () => {
  const c = synthCluster([Cloud.AWS], {
    cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE },
    workers: { cloud: Cloud.AWS, role: NodeRole.WORKER, shape: NodeShape.LARGE, count: 2, spot: true, diskSizeGb: 80 },
  });

  test('each node: an Elastic IP, an instance and the association between them', () => {
    expect(Object.keys(c.resources('aws_instance')).length).toBe(3);
    expect(Object.keys(c.resources('aws_eip')).length).toBe(3);
    const instance = logicalId(c.json, 'aws_instance', 'c1-workers-2');
    const eip = logicalId(c.json, 'aws_eip', 'c1-workers-2-ip');
    expect(c.resource('aws_eip_association', 'c1-workers-2-ip-association')).toMatchObject({ instance_id: `\${aws_instance.${instance}.id}`, allocation_id: `\${aws_eip.${eip}.allocation_id}` });
  });

  test('security defaults: IMDSv2 only, encrypted root disk, role security group, no key pair', () => {
    const worker = c.resource('aws_instance', 'c1-workers-1');
    // Instance tags are in IMDS because every node of a cluster carries the API seeds in one (see below).
    expect(worker.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'enabled' });
    expect(worker.root_block_device).toMatchObject({ encrypted: true, volume_size: 80, volume_type: 'gp3' });
    expect(worker.vpc_security_group_ids).toEqual([`\${aws_security_group.${logicalId(c.json, 'aws_security_group', 'SecurityGroup-worker')}.id}`]);
    expect(worker.key_name).toBeUndefined();
    // The workers' profile (it may read the join token only: test/keys/aws-join-token.test.ts).
    expect(worker.iam_instance_profile).toBe(`\${aws_iam_instance_profile.${logicalId(c.json, 'aws_iam_instance_profile', 'worker-profile')}.name}`);
    expect(c.resource('aws_instance', 'c1-cp-1').vpc_security_group_ids).toEqual([`\${aws_security_group.${logicalId(c.json, 'aws_security_group', 'SecurityGroup-control-plane')}.id}`]);
  });

  test('shape, spot, zone and the pinned Ubuntu LTS image (test/nodes/os-image.test.ts)', () => {
    const worker = c.resource('aws_instance', 'c1-workers-1');
    expect(worker).toMatchObject({ instance_type: 'm6i.2xlarge', availability_zone: 'us-east-1a', instance_market_options: { market_type: 'spot' } });
    expect(c.resource('aws_instance', 'c1-cp-1').instance_market_options).toBeUndefined();
    const ami = Object.values(c.json.data!.aws_ami);
    expect(ami.map((a) => [a.owners, a.filter[0].values])).toContainEqual([['099720109477'], ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*']]);
    expect(worker.ami).toMatch(/^\$\{terraform_data\.[^.]*os-image-aws[^.]*\.output\.image\}$/);
  });

  test('user data is gzipped cloud-init that knows the node\'s own Elastic IP', () => {
    const worker = c.resource('aws_instance', 'c1-workers-1');
    const eip = logicalId(c.json, 'aws_eip', 'c1-workers-1-ip');
    expect(worker.user_data_base64).toMatch(/^\$\{base64gzip\(/);
    expect(worker.user_data_base64).toMatch(/^\$\{base64gzip\(local\.[\w-]+\)\}$/);
    // node.env quotes it for the shell at apply time (render-template.ts, shellSingleQuoted).
    expect(c.userData(worker.user_data_base64)).toContain(`CAST_PUBLIC_ADDRESS='\${replace(aws_eip.${eip}.public_ip, "'", "'\\\\''")}'`);
  });
});

describe('AWS spot interruption notices', () => {
  const groups = { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE }, spot: { cloud: Cloud.AWS, role: NodeRole.WORKER, spot: true } };
  const target = 'arn:aws:sns:us-east-1:123456789012:spot-notices';

  test('an EventBridge rule for the interruption warning, sent to the target you name', () => {
    const c = synthCluster([Cloud.AWS], groups, { awsSpotInterruptionTarget: target });
    const rule = c.resource('aws_cloudwatch_event_rule', 'spot-interruption-rule');
    expect(JSON.parse(rule.event_pattern)).toEqual({ source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] });
    expect(c.resource('aws_cloudwatch_event_target', 'spot-interruption-target')).toMatchObject({ arn: target, rule: `\${aws_cloudwatch_event_rule.${logicalId(c.json, 'aws_cloudwatch_event_rule', 'spot-interruption-rule')}.name}` });
  });

  test('no rule without spot nodes or without a target', () => {
    expect(synthCluster([Cloud.AWS], groups).json.resource.aws_cloudwatch_event_rule).toBeUndefined();
    expect(synthCluster([Cloud.AWS], { cp: groups.cp }, { awsSpotInterruptionTarget: target }).json.resource.aws_cloudwatch_event_rule).toBeUndefined();
  });
});

describe('AWS mesh agent source', () => {
  const c = synthCluster([Cloud.AWS], { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE }, workers: { cloud: Cloud.AWS, role: NodeRole.WORKER } });

  test('a private bucket readable only through the cluster VPC\'s S3 endpoint', () => {
    const endpoint = logicalId(c.json, 'aws_vpc_endpoint', 'mesh-agent-s3-endpoint');
    expect(c.resource('aws_vpc_endpoint', 'mesh-agent-s3-endpoint')).toMatchObject({ service_name: 'com.amazonaws.us-east-1.s3', vpc_endpoint_type: 'Gateway' });
    expect(c.resource('aws_s3_bucket_public_access_block', 'mesh-agent-public-access')).toMatchObject({ block_public_acls: true, block_public_policy: true, restrict_public_buckets: true });
    const policy = c.resource('aws_s3_bucket_policy', 'mesh-agent-bucket-policy').policy as string;
    expect(policy).toContain(`"aws:SourceVpce"`);
    expect(policy).toContain(`aws_vpc_endpoint.${endpoint}.id`);
    // A name made by the provider at creation (bucket_prefix), not one derived from the cluster alone.
    expect(c.resource('aws_s3_bucket', 'mesh-agent-bucket')).toMatchObject({ bucket_prefix: `cast-mesh-${c.cluster.uuid.slice(0, 8)}-` });
    expect(c.resource('aws_s3_bucket', 'mesh-agent-bucket').bucket).toBeUndefined();
  });

  test('nodes are created after the archive, its policy and the endpoint; control planes also after their keys, the grants on the keys and the join token, and their profile', () => {
    const dependsOn = (name: string) => (c.resource('aws_instance', name).depends_on as string[]).map((d) => d.split('.')[0]).sort();
    expect(dependsOn('c1-workers-1')).toEqual(['aws_s3_bucket_policy', 'aws_s3_object', 'aws_vpc_endpoint']);
    expect(dependsOn('c1-cp-1_')).toEqual(['aws_iam_instance_profile', 'aws_iam_role_policy', 'aws_iam_role_policy', 'aws_s3_bucket_policy', 'aws_s3_object', 'aws_secretsmanager_secret_version', 'aws_vpc_endpoint']);
  });
});

describe('AWS nodes: the API seeds', () => {
  const s = synthSeeds([Cloud.AWS], SEEDS);
  const instance = s.resource('aws_instance');

  test('the tag cast-api-servers carries the seeds, and IMDS shows instance tags; not in user data', () => {
    expect(instance.tags['cast-api-servers']).toBe(SEEDS_REFERENCE);
    expect(s.json.locals['api-servers']).toBe(SEEDS);
    expect(instance.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'enabled' });
    expect(instance.user_data_base64).not.toContain('api-servers');
  });

  test('IMDS allows only tag keys of letters, digits and + - = . , _ : @ (or launches fail): every key of the instance qualifies', () => {
    for (const key of Object.keys(instance.tags)) expect(key).toMatch(/^[A-Za-z0-9+\-=.,_:@]+$/);
  });

  test('without seeds: no tag, and instance tags stay out of IMDS', () => {
    const none = synthSeeds([Cloud.AWS], undefined).resource('aws_instance');
    expect(none.tags['cast-api-servers']).toBeUndefined();
    expect(none.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
