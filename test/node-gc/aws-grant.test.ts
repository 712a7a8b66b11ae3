/**
 * The grant cast-node-gc needs on AWS (lib/keys/aws.ts, describeInstancesPolicy): the control
 * planes' role may call ec2:DescribeInstances in the cluster's region, nothing more; a control
 * plane does not wait for it (the inventory answers "unknown" until IAM has it).
 */
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { DESCRIBE_INSTANCES_ACTION, describeInstancesPolicy } from '../../lib/keys/aws';
import { synthCluster } from '../nodes/node-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { synthAwsKeyStore } from '../keys/aws-key-store-stack';

const synthStore = synthAwsKeyStore;

describe('AWS: the control planes may describe instances', () => {
  const s = synthStore();
  const [roleId] = Object.keys(s.json.resource.aws_iam_role);
  const policies = Object.values<Record<string, any>>(s.json.resource.aws_iam_role_policy);
  const grant = policies.find((p) => p.name === 'describe-instances')!;

  test("an inline policy of the control planes' role: ec2:DescribeInstances on '*', in the cluster's region only", () => {
    expect(grant.role).toBe(`\${aws_iam_role.${roleId}.name}`);
    expect(JSON.parse(grant.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'DescribeInstancesForNodeGc', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }],
    });
    expect(grant.policy).toBe(describeInstancesPolicy('eu-west-1'));
    expect(DESCRIBE_INSTANCES_ACTION).toBe('ec2:DescribeInstances');
  });

  test('no other EC2 action anywhere on the role, and no wildcard action', () => {
    const actions = policies.flatMap((p) => JSON.parse(p.policy).Statement.flatMap((st: any) => [st.Action].flat()));
    expect(actions.filter((a: string) => a.startsWith('ec2:'))).toEqual(['ec2:DescribeInstances']);
    expect(actions.some((a: string) => a.includes('*'))).toBe(false);
  });

  test('a control plane does not wait for it', () => {
    const policyDependencies = s.store.dependencies.filter((d): d is IamRolePolicy => d instanceof IamRolePolicy);
    expect(policyDependencies.map((p) => p.nameInput)).toEqual(['read-control-plane-keys', 'read-write-join-token']);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});

test("in a cluster: the grant names the cluster's AWS region, on the role its control planes carry", () => {
  const c = synthCluster([Cloud.AWS], { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE } });
  const [roleId] = Object.keys(c.resources('aws_iam_role'));
  const grant = Object.values(c.resources('aws_iam_role_policy')).find((p) => p.name === 'describe-instances')!;
  expect(grant.role).toBe(`\${aws_iam_role.${roleId}.name}`);
  expect(grant.policy).toBe(describeInstancesPolicy('us-east-1'));
});
