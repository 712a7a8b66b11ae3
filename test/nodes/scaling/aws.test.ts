import { Cloud } from '../../../lib/core/cloud';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { attachAutoscalerPolicy, autoscalerPolicy } from '../../../lib/nodes/scaling/aws';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../../support/schema-conformance';
import { CLUSTER, LABELS, USER_DATA_TEXT, literalSecrets, resourcesWithoutClusterLabels, synthScaling } from './scaling-fixture';
import { SEEDS } from '../api-servers-fixture';

describe('AWS scaling group', () => {
  const s = synthScaling(Cloud.AWS, [{}, { name: 'c1-ondemand', spot: false, minNodes: 0, maxNodes: 3, nodeLabels: {}, nodeTaints: [] }]);
  const tagsOf = (fragment: string) => Object.fromEntries((s.resource('aws_autoscaling_group', fragment).tag as any[]).map((t) => [t.key, t]));

  test('the synthesized stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });

  test('an ASG per group: min/max from the spec, desired capacity left to the autoscaler, in the node subnet', () => {
    const group = s.resource('aws_autoscaling_group', 'c1-pool');
    expect(group).toMatchObject({ name: 'c1-pool', min_size: 1, max_size: 5, vpc_zone_identifier: ['subnet-0a1b2c'] });
    expect(group.desired_capacity).toBeUndefined();
    expect(group.lifecycle).toEqual({ ignore_changes: ['desired_capacity'] });
    const template = s.logicalId('aws_launch_template', 'c1-pool');
    expect(group.launch_template).toEqual({ id: `\${aws_launch_template.${template}.id}`, version: `\${aws_launch_template.${template}.latest_version}` });
    expect(s.resource('aws_autoscaling_group', 'c1-ondemand')).toMatchObject({ min_size: 0, max_size: 3 });
    expect(s.attachments[0]).toMatchObject({ groupAddress: `aws_autoscaling_group.${s.logicalId('aws_autoscaling_group', 'c1-pool')}` });
    // The name as written, not a reference: the first control plane's user-data names it, and the group names that control plane (its seeds).
    expect(s.attachments[0].autoscalerRef).toBe('c1-pool');
  });

  test('discovery and node-template tags on the group, cluster tags propagated to instances', () => {
    const tags = tagsOf('c1-pool');
    expect(tags['k8s.io/cluster-autoscaler/enabled']).toEqual({ key: 'k8s.io/cluster-autoscaler/enabled', value: 'true', propagate_at_launch: false });
    expect(tags[`k8s.io/cluster-autoscaler/${CLUSTER}`]).toMatchObject({ value: 'owned' });
    expect(tags['k8s.io/cluster-autoscaler/node-template/label/cast-cluster/cloud']).toMatchObject({ value: 'aws' });
    expect(tags['k8s.io/cluster-autoscaler/node-template/label/node_pool']).toMatchObject({ value: 'pool' });
    expect(tags['k8s.io/cluster-autoscaler/node-template/taint/dedicated']).toMatchObject({ value: 'batch:NoSchedule' });
    expect(tags['cast-cluster-uuid']).toEqual({ key: 'cast-cluster-uuid', value: LABELS.uuid, propagate_at_launch: true });
    expect(tags.Name).toMatchObject({ value: 'c1-pool', propagate_at_launch: true });
    const keys = (s.resource('aws_autoscaling_group', 'c1-pool').tag as any[]).map((t) => t.key);
    expect(keys).toEqual([...keys].sort((a, b) => a.localeCompare(b)));
    expect(Object.keys(tagsOf('c1-ondemand')).filter((k) => k.includes('node-template'))).toEqual([]);
  });

  test('launch template: IMDSv2 only with hop limit 1, encrypted gp3 root, public address, worker security group', () => {
    const template = s.resource('aws_launch_template', 'c1-pool');
    expect(template).toMatchObject({ name: 'c1-pool', image_id: 'ami-0123456789abcdef0', instance_type: 'm6i.large' });
    expect(template.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(template.block_device_mappings).toEqual([{ device_name: '/dev/sda1', ebs: { volume_size: 60, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } }]);
    expect(template.network_interfaces).toEqual([{ device_index: 0, associate_public_ip_address: 'true', delete_on_termination: 'true', security_groups: ['sg-0worker'] }]);
    expect(template.vpc_security_group_ids).toBeUndefined();
    expect(template.key_name).toBeUndefined();
    expect(template.iam_instance_profile).toBeUndefined();
  });

  test('spot through instance market options, on-demand without', () => {
    expect(s.resource('aws_launch_template', 'c1-pool').instance_market_options).toEqual({
      market_type: 'spot',
      spot_options: { instance_interruption_behavior: 'terminate', spot_instance_type: 'one-time' },
    });
    expect(s.resource('aws_launch_template', 'c1-ondemand').instance_market_options).toBeUndefined();
  });

  test('user data is the gzipped local, not an inlined copy', () => {
    const template = s.resource('aws_launch_template', 'c1-pool');
    expect(template.user_data).toMatch(/^\$\{base64gzip\(local\.[\w-]+\)\}$/);
    expect(s.json.locals[/local\.([\w-]+)/.exec(template.user_data)![1]]).toBe(USER_DATA_TEXT);
    expect(s.text.split('write_files').length - 1).toBe(1);
  });

  test('instances and volumes are tagged with the cluster tags and the group name', () => {
    const specs = s.resource('aws_launch_template', 'c1-pool').tag_specifications as any[];
    expect(specs.map((t) => t.resource_type)).toEqual(['instance', 'volume']);
    for (const spec of specs) expect(spec.tags).toMatchObject({ 'cast-cluster-uuid': LABELS.uuid, 'cast-cluster-name': CLUSTER, 'team': 'infra', 'Name': 'c1-pool', 'cast-node-role': 'worker' });
  });

  test('cluster tags on every taggable resource, no literal secret', () => {
    expect(resourcesWithoutClusterLabels(s.json)).toEqual([]);
    expect(literalSecrets(s.text)).toEqual([]);
  });
});

describe('AWS autoscaler grant', () => {
  const s = synthScaling(Cloud.AWS);

  // Changed by design (control-plane keys, docs/decisions/0003): AWS's grant makes no role or profile of
  // its own; it returns the policy, which the cluster attaches to its control planes' role (test/keys/aws-store.test.ts).
  test('no role or profile of its own: the policy, for the control planes\' role', () => {
    expect(s.json.resource.aws_iam_role).toBeUndefined();
    expect(s.json.resource.aws_iam_instance_profile).toBeUndefined();
    expect(s.identity).toEqual({ awsPolicy: autoscalerPolicy('c1') });
  });

  test('attachAutoscalerPolicy: an inline policy of the role it is given', () => {
    const stack = new TerraformStack(Testing.app(), 'attach');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    attachAutoscalerPolicy(stack, { roleName: 'cp-role', policy: autoscalerPolicy('c1') });
    const policies = Object.values<Record<string, any>>(JSON.parse(Testing.synth(stack)).resource.aws_iam_role_policy);
    expect(policies).toEqual([expect.objectContaining({ name: 'cluster-autoscaler', role: 'cp-role', policy: autoscalerPolicy('c1') })]);
  });

  test('reads on everything; the two writes only on groups the cluster owns', () => {
    const policy = JSON.parse(s.identity!.awsPolicy!);
    const mutating = ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'];
    for (const statement of policy.Statement) {
      const actions: string[] = statement.Action;
      if (actions.some((a) => mutating.includes(a))) {
        expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/c1': 'owned' } });
      } else {
        expect(actions.every((a) => /^(autoscaling|ec2):(Describe|Get)/.test(a))).toBe(true);
      }
    }
    expect(policy.Statement.flatMap((st: any) => st.Action)).toEqual(expect.arrayContaining([...mutating, 'autoscaling:DescribeTags', 'ec2:DescribeLaunchTemplateVersions']));
  });

  test('the policy document is the same on every synth', () => {
    expect(autoscalerPolicy('c1')).toBe(autoscalerPolicy('c1'));
  });
});

describe('AWS scaling group: the API seeds', () => {
  const s = synthScaling(Cloud.AWS, [{ apiServers: SEEDS }]);
  const template = s.resource('aws_launch_template');

  test('the launch template tags its instances (not their volumes) with cast-api-servers, and IMDS shows instance tags', () => {
    const [instance, volume] = template.tag_specifications as { resource_type: string; tags: Record<string, string> }[];
    expect(instance).toMatchObject({ resource_type: 'instance', tags: { 'cast-api-servers': SEEDS } });
    expect(volume.resource_type).toBe('volume');
    expect(volume.tags['cast-api-servers']).toBeUndefined();
    expect(template.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'enabled' });
    expect(template.user_data).toBe('${base64gzip(local.pool-user-data)}');
  });

  test('the group does not propagate the seeds itself (the template tags the instances); its propagated keys all qualify for IMDS', () => {
    const tags = s.resource('aws_autoscaling_group').tag as { key: string; propagate_at_launch: boolean }[];
    expect(tags.map((t) => t.key)).not.toContain('cast-api-servers');
    for (const t of tags.filter((t) => t.propagate_at_launch)) expect(t.key).toMatch(/^[A-Za-z0-9+\-=.,_:@]+$/);
  });

  test('without seeds: no tag, instance tags stay out of IMDS', () => {
    const none = synthScaling(Cloud.AWS).resource('aws_launch_template');
    expect(none.tag_specifications[0].tags['cast-api-servers']).toBeUndefined();
    expect(none.metadata_options.instance_metadata_tags).toBeUndefined();
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
