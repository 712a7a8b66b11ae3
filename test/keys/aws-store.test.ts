/**
 * The AWS key store as Terraform sees it: the secret, its one value (the bundle reference,
 * nothing else), the role the control planes run with and its key grant; and the
 * cluster's AWS control planes carrying exactly one instance profile whose role also holds
 * the cluster-autoscaler's policy, whatever the order of addNodeGroup calls.
 */
import { MeshMode } from '../../lib';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { READ_SECRET_ACTION } from '../../lib/keys/aws';
import { autoscalerPolicy } from '../../lib/nodes/scaling/aws';
import { NodeGroupOptions } from '../../lib/nodes/node-group';
import { logicalId, SynthesizedCluster, synthCluster } from '../nodes/node-fixture';
import { literalSecrets, resourcesWithoutClusterLabels } from '../nodes/scaling/scaling-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';
import { synthAwsKeyStore } from './aws-key-store-stack';

/** A reference as node.env holds it: quoted for the shell at apply time (render-template.ts, shellSingleQuoted). */
const shellQuoted = (reference: string): string => `\${replace(${reference.slice(2, -1)}, "'", "'\\\\''")}`;

/** The store alone, and its one resource of a type (whose logical id contains `fragment`, when given). */
function synthStore() {
  const { text, json, store } = synthAwsKeyStore();
  const one = (type: string, fragment = '') => {
    const entries = Object.entries<Record<string, any>>(json.resource[type] ?? {}).filter(([id]) => id.includes(fragment));
    expect(entries.length).toBe(1);
    return { id: entries[0][0], body: entries[0][1] };
  };
  return { text, json, one, store: { source: json.output['secret-id'].value, identity: json.output.identity.value, dependencies: store.dependencies } };
}

describe('AWS key store', () => {
  const s = synthStore();
  // The join token's secret, the workers' role and profile: test/keys/aws-join-token.test.ts.
  const secret = s.one('aws_secretsmanager_secret', '_secret_');
  const role = s.one('aws_iam_role', '_role_');
  const profile = s.one('aws_iam_instance_profile', '_profile_');

  test('one secret: a unique name from a prefix, deleted at once (no recovery window), the cluster tags', () => {
    expect(secret.body).toMatchObject({ name_prefix: 'c1-control-plane-keys-', recovery_window_in_days: 0 });
    expect(secret.body.name).toBeUndefined();
    expect(secret.body.kms_key_id).toBeUndefined();
    expect(resourcesWithoutClusterLabels(s.json)).toEqual([]);
  });

  test('the secret value is exactly the bundle reference, and no literal secret is synthesized', () => {
    const version = s.one('aws_secretsmanager_secret_version').body;
    expect(version.secret_string).toBe('${local.bundle}');
    expect(version.secret_id).toBe(`\${aws_secretsmanager_secret.${secret.id}.id}`);
    expect(literalSecrets(s.text)).toEqual([]);
  });

  test('a role only EC2 may assume; its key grant: GetSecretValue on this secret, nothing else', () => {
    expect(JSON.parse(role.body.assume_role_policy).Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(role.body.name_prefix).toBe('c1-cp-');
    // IAM's limit on a role's name_prefix (64 minus the provider's 26-character suffix), for the longest cluster name.
    expect(`${'x'.repeat(30)}-cp-`.length).toBeLessThanOrEqual(38);
    // The role's other inline policies: describe-instances is cast-node-gc's (test/node-gc/aws-grant.test.ts),
    // read-write-join-token the join token's (test/keys/aws-join-token.test.ts).
    const policies = Object.values<Record<string, any>>(s.json.resource.aws_iam_role_policy).filter((p) => p.role === `\${aws_iam_role.${role.id}.name}`);
    expect(policies.map((p) => p.name).sort()).toEqual(['describe-instances', 'read-control-plane-keys', 'read-write-join-token']);
    const policy = policies.find((p) => p.name === 'read-control-plane-keys')!;
    expect(policy.role).toBe(`\${aws_iam_role.${role.id}.name}`);
    expect(JSON.parse(policy.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ReadControlPlaneKeys', Effect: 'Allow', Action: READ_SECRET_ACTION, Resource: `\${aws_secretsmanager_secret.${secret.id}.arn}` }],
    });
    expect(READ_SECRET_ACTION).toBe('secretsmanager:GetSecretValue');
  });

  test('an instance profile of that role; the source and identity name them', () => {
    expect(profile.body).toMatchObject({ name_prefix: 'c1-cp-', role: `\${aws_iam_role.${role.id}.name}` });
    expect(s.store.source).toEqual({ store: 'aws-secrets-manager', secretId: `\${aws_secretsmanager_secret.${secret.id}.arn}`, region: 'eu-west-1' });
    expect(s.store.identity).toEqual({ awsInstanceProfile: `\${aws_iam_instance_profile.${profile.id}.name}`, awsRoleName: `\${aws_iam_role.${role.id}.name}` });
  });

  test('a control plane waits for the value, the grants (the keys and the join token) and the profile', () => {
    const types = s.store.dependencies.map((d: unknown) => (d as any).terraformResourceType).sort();
    expect(types).toEqual(['aws_iam_instance_profile', 'aws_iam_role_policy', 'aws_iam_role_policy', 'aws_secretsmanager_secret_version']);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});

const CP: NodeGroupOptions = { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE };
const POOL: NodeGroupOptions = { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { maxNodes: 3 } };
const WORKERS: NodeGroupOptions = { cloud: Cloud.AWS, role: NodeRole.WORKER, count: 2 };
const FULL_MESH = { mesh: { mode: MeshMode.FULL_MESH } };

/**
 * The IAM side of a synthesized cluster: every role, profile and inline policy, what each instance
 * carries, and the references to the control planes' role and profile and the workers' ones.
 */
function iamOf(c: SynthesizedCluster) {
  const roles = Object.keys(c.resources('aws_iam_role'));
  const profiles = c.resources('aws_iam_instance_profile');
  const policies = Object.values(c.resources('aws_iam_role_policy'));
  const instances = Object.values(c.resources('aws_instance'));
  const ref = (type: string, fragment: string) => `\${${type}.${Object.keys(c.resources(type)).find((id) => id.includes(fragment))}.name}`;
  return {
    roles,
    profiles,
    policies,
    instances,
    controlPlaneRole: ref('aws_iam_role', '_role_'),
    controlPlaneProfile: ref('aws_iam_instance_profile', '_profile_'),
    workerRole: ref('aws_iam_role', '_worker-role_'),
    workerProfile: ref('aws_iam_instance_profile', '_worker-profile_'),
  };
}

describe('AWS control planes in a cluster', () => {
  const c = synthCluster([Cloud.AWS], { cp: CP, workers: WORKERS });

  test("a control plane carries the key store profile; a worker the workers' profile, never the control planes'", () => {
    const { profiles, roles, controlPlaneProfile, workerProfile } = iamOf(c);
    expect(roles.length).toBe(2);
    expect(Object.keys(profiles).length).toBe(2);
    expect(c.resource('aws_instance', 'c1-cp-1').iam_instance_profile).toBe(controlPlaneProfile);
    for (const name of ['c1-workers-1', 'c1-workers-2']) expect(c.resource('aws_instance', name).iam_instance_profile).toBe(workerProfile);
    expect(workerProfile).not.toBe(controlPlaneProfile);
  });

  test("a control plane's user-data holds no private key, and its node.env names the store", () => {
    const userData = c.userData(c.resource('aws_instance', 'c1-cp-1').user_data_base64);
    expect(userData).not.toMatch(/private_key_pem|PRIVATE KEY/);
    const secretId = logicalId(c.json, 'aws_secretsmanager_secret', '_secret_');
    expect(userData).toContain("CAST_KEYS_STORE='aws-secrets-manager'");
    expect(userData).toContain(`CAST_KEYS_SECRET='${shellQuoted(`\${aws_secretsmanager_secret.${secretId}.arn}`)}'`);
    expect(userData).toContain("CAST_KEYS_REGION='us-east-1'");
    // ca.crt is still there: the reader checks ca.key against it.
    expect(userData).toMatch(/ca-cert_[0-9A-F]+\.cert_pem/);
  });

  test("the secret's value is the bundle of the cluster's credentials: every key a reference into state", () => {
    const version = Object.values(c.resources('aws_secretsmanager_secret_version'))[0];
    expect(version.secret_string).toMatch(/^\$\{jsonencode\(\{"schema" = "cast-control-plane-keys\/v1", "files" = \{/);
    for (const key of ['ca-key', 'front-proxy-ca-key', 'etcd-ca-key', 'service-account-key']) expect(version.secret_string).toMatch(new RegExp(`tls_private_key\\.c1_credentials_${key}_[0-9A-F]+\\.private_key_pem`));
  });

  test('the control plane is created after the value, the grant and the profile', () => {
    const dependsOn: string[] = c.resource('aws_instance', 'c1-cp-1').depends_on;
    for (const type of ['aws_secretsmanager_secret_version', 'aws_iam_role_policy', 'aws_iam_instance_profile']) expect(dependsOn.some((d) => d.startsWith(`${type}.`))).toBe(true);
    expect(c.resource('aws_instance', 'c1-workers-1').depends_on?.some((d: string) => d.startsWith('aws_secretsmanager'))).toBeFalsy();
  });

  test("without autoscaled groups, the control planes' role has the key grant, cast-node-gc's and the join token's only; the workers' role the join token's", () => {
    const { policies, controlPlaneRole, workerRole } = iamOf(c);
    expect(policies.map((p) => [p.role, p.name]).sort()).toEqual(
      [[controlPlaneRole, 'describe-instances'], [controlPlaneRole, 'read-control-plane-keys'], [controlPlaneRole, 'read-write-join-token'], [workerRole, 'read-join-token']].sort(),
    );
  });
});

describe.each([
  ['the scaled group first', { pool: POOL, cp: CP }],
  ['the control plane first', { cp: CP, pool: POOL }],
])("AWS autoscaled groups and control planes: the control planes' role and profile, and the workers' (%s)", (_, groups) => {
  const c = synthCluster([Cloud.AWS], groups, FULL_MESH);

  test("the autoscaler's policy goes on the control planes' role; no role or profile beside the two", () => {
    const { roles, profiles, policies, controlPlaneRole: roleRef, workerRole } = iamOf(c);
    expect(roles.length).toBe(2);
    expect(Object.keys(profiles).length).toBe(2);
    expect(policies.map((p) => [p.name, p.role]).sort()).toEqual([
      ['cluster-autoscaler', roleRef],
      ['describe-instances', roleRef],
      ['read-control-plane-keys', roleRef],
      ['read-join-token', workerRole],
      ['read-write-join-token', roleRef],
    ]);
    expect(policies.find((p) => p.name === 'cluster-autoscaler')!.policy).toBe(autoscalerPolicy('c1'));
    expect(Object.values(profiles).map((p) => p.role).sort()).toEqual([roleRef, workerRole].sort());
  });

  test("the control plane carries its profile; the scaled group's template the workers'", () => {
    const { controlPlaneProfile, workerProfile } = iamOf(c);
    expect(c.resource('aws_instance', 'c1-cp-1').iam_instance_profile).toBe(controlPlaneProfile);
    const templates = Object.values(c.resources('aws_launch_template'));
    expect(templates.length).toBe(1);
    for (const template of templates) expect(template.iam_instance_profile).toEqual({ name: workerProfile });
  });
});

test('the order of addNodeGroup calls does not change the IAM resources', () => {
  const iam = (groups: Record<string, NodeGroupOptions>) => {
    const c = synthCluster([Cloud.AWS], groups, FULL_MESH);
    return ['aws_iam_role', 'aws_iam_role_policy', 'aws_iam_instance_profile', 'aws_secretsmanager_secret', 'aws_secretsmanager_secret_version'].map((t) => c.resources(t));
  };
  expect(iam({ pool: POOL, cp: CP })).toEqual(iam({ cp: CP, pool: POOL }));
});

test('AWS autoscaled groups without an AWS control plane are refused, as before', () => {
  expect(() => synthCluster([Cloud.AWS, Cloud.GCP], { cp: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE }, pool: POOL }, FULL_MESH)).toThrow(/autoscaled node groups on AWS need a control-plane node on AWS/);
});
