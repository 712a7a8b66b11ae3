/**
 * aws: the control-plane key store. One Secrets Manager secret holds the bundle; one IAM
 * role, which EC2 assumes for the cluster's AWS control planes through one instance profile,
 * may read that secret (and read and write the join token, below), nothing else. The node reads it with the role's temporary
 * credentials from IMDSv2 (templates/mesh/agent/castmesh/keys_aws.py).
 *
 * The same role carries the cluster-autoscaler's policy when AWS has autoscaled groups
 * (lib/nodes/scaling/aws.ts, `attachAutoscalerPolicy`): an instance has one profile. It also
 * may describe the region's instances, for cast-node-gc (castmesh/inventory_aws.py), which asks
 * EC2 whether the instance behind a long NotReady Node still exists.
 *
 * The join token (docs/decisions/0006-join-tokens-from-the-cloud.md) is a second secret, created
 * empty: no `aws_secretsmanager_secret_version`, since the control planes write every version
 * (PutSecretValue, castmesh/keys_aws.py `write_join_token`) and a Terraform-managed version would
 * be put back at the next apply. The control planes' role may read and write it; a second role,
 * the workers' (static instances and Auto Scaling groups alike, through a second instance profile),
 * may read that one secret and nothing else: never the bundle.
 *
 * Names: `name_prefix` everywhere. The provider makes a unique name from the prefix at create
 * time and keeps it in state ("Creates a unique name beginning with the specified prefix",
 * registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/secretsmanager_secret,
 * iam_role, iam_instance_profile), so two deployments of one cluster name in one account never
 * collide, and a synth never changes it. The prefixes fit the tightest limit: an IAM role's
 * name_prefix is at most 38 characters (64 minus the provider's 26-character suffix); a cluster
 * name is at most 30 (MAX_CLUSTER_NAME_LENGTH), plus `-cp-` or `-node-` (36).
 */
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { ControlPlaneKeyStore, KeyStoreSpec } from './key-store-spec';

/** The one action the control planes' role may take on the secret (Secrets Manager API Reference, GetSecretValue, "Required permissions"). */
export const READ_SECRET_ACTION = 'secretsmanager:GetSecretValue';

/**
 * What a control plane does to the join-token secret when it rotates the token: PutSecretValue
 * makes a new version (Secrets Manager API Reference, PutSecretValue, "Required permissions";
 * both actions take the `Secret` resource type, Service Authorization Reference, "Actions defined
 * by AWS Secrets Manager", so the grant names the one ARN). No kms action: the AWS managed key.
 */
export const WRITE_SECRET_ACTION = 'secretsmanager:PutSecretValue';

/** What cast-node-gc calls on EC2 (castmesh/inventory_aws.py): DescribeInstances, read-only. */
export const DESCRIBE_INSTANCES_ACTION = 'ec2:DescribeInstances';

export function buildKeyStore(scope: Construct, spec: KeyStoreSpec): ControlPlaneKeyStore {
  const tags = labelMap(spec.labels);
  const secret = new SecretsmanagerSecret(scope, 'secret', {
    provider: spec.provider,
    namePrefix: `${spec.clusterName}-control-plane-keys-`,
    description: `The CA and service-account keys of the control planes of cluster ${spec.clusterName} (cast-control-plane-keys/v1)`,
    // 0: deleted at once, not scheduled. DeleteSecret's default keeps a deleted secret for a
    // 30-day recovery window, during which its name cannot be reused and the keys of a destroyed
    // cluster linger (Secrets Manager API Reference, DeleteSecret: RecoveryWindowInDays 7-30,
    // ForceDeleteWithoutRecovery); the provider sends ForceDeleteWithoutRecovery for 0 ("This value
    // can be 0 to force deletion without recovery", aws_secretsmanager_secret docs). The unique
    // name_prefix name means a redeploy never asks for the old name either. Terraform state keeps
    // the keys (ClusterCredentials), so nothing is lost: the next apply writes them again.
    recoveryWindowInDays: 0,
    // No kms_key_id: the AWS managed key aws/secretsmanager, which needs no kms:Decrypt grant
    // (GetSecretValue, "Required permissions").
    tags,
  });
  const version = new SecretsmanagerSecretVersion(scope, 'bundle', {
    provider: spec.provider,
    secretId: secret.id,
    // Exactly the bundle: a Terraform expression over the credentials, sensitive in state.
    secretString: spec.bundle,
  });
  const role = new IamRole(scope, 'role', {
    provider: spec.provider,
    namePrefix: `${spec.clusterName}-cp-`,
    description: `The AWS control planes of cluster ${spec.clusterName}: read their keys (and run the cluster-autoscaler)`,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
    tags,
  });
  const policy = new IamRolePolicy(scope, 'read-keys', {
    provider: spec.provider,
    name: 'read-control-plane-keys',
    role: role.name,
    policy: readSecretPolicy(secret.arn),
  });
  // Not among the control plane's dependencies: until IAM has it, cast-node-gc hears
  // UnauthorizedOperation, which it reads as "unknown" and deletes nothing.
  new IamRolePolicy(scope, 'describe-instances', {
    provider: spec.provider,
    name: 'describe-instances',
    role: role.name,
    policy: describeInstancesPolicy(spec.location.region),
  });
  const profile = new IamInstanceProfile(scope, 'profile', { provider: spec.provider, namePrefix: `${spec.clusterName}-cp-`, role: role.name, tags });
  const joinToken = buildJoinTokenStore(scope, spec, role);
  const joinTokenSource = { store: 'aws-secrets-manager', secretId: joinToken.secret.arn, region: spec.location.region } as const;
  return {
    source: { store: 'aws-secrets-manager', secretId: secret.arn, region: spec.location.region },
    identity: { awsInstanceProfile: profile.name, awsRoleName: role.name },
    // The join-token grant too: the founding control plane publishes the first token at once.
    dependencies: [version, policy, joinToken.controlPlaneGrant, profile],
    joinToken: {
      controlPlane: joinTokenSource,
      worker: joinTokenSource,
      workerIdentity: { awsInstanceProfile: joinToken.workerProfile.name, awsRoleName: joinToken.workerRole.name },
    },
  };
}

/**
 * The join-token secret (empty), the control planes' grant on it, and the workers' role and
 * instance profile, which may read it and nothing else.
 */
function buildJoinTokenStore(scope: Construct, spec: KeyStoreSpec, controlPlaneRole: IamRole) {
  const tags = labelMap(spec.labels);
  const secret = new SecretsmanagerSecret(scope, 'join-token', {
    provider: spec.provider,
    namePrefix: `${spec.clusterName}-join-token-`,
    description: `The current join (bootstrap) token of cluster ${spec.clusterName}, written by its AWS control planes`,
    // Deleted at once, as the bundle's secret (above): a token of a destroyed cluster has no use.
    recoveryWindowInDays: 0,
    tags,
  });
  const controlPlaneGrant = new IamRolePolicy(scope, 'read-write-join-token', {
    provider: spec.provider,
    name: 'read-write-join-token',
    role: controlPlaneRole.name,
    policy: joinTokenPolicy(secret.arn, [READ_SECRET_ACTION, WRITE_SECRET_ACTION]),
  });
  const workerRole = new IamRole(scope, 'worker-role', {
    provider: spec.provider,
    namePrefix: `${spec.clusterName}-node-`,
    description: `The AWS workers of cluster ${spec.clusterName}: read the current join token`,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
    tags,
  });
  new IamRolePolicy(scope, 'read-join-token', { provider: spec.provider, name: 'read-join-token', role: workerRole.name, policy: joinTokenPolicy(secret.arn, [READ_SECRET_ACTION]) });
  const workerProfile = new IamInstanceProfile(scope, 'worker-profile', { provider: spec.provider, namePrefix: `${spec.clusterName}-node-`, role: workerRole.name, tags });
  return { secret, controlPlaneGrant, workerRole, workerProfile };
}

/**
 * The role's inline policy: GetSecretValue on the one secret, nothing else. The ARN is a
 * Terraform reference, interpolated into the JSON text at apply.
 */
export function readSecretPolicy(secretArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadControlPlaneKeys', Effect: 'Allow', Action: READ_SECRET_ACTION, Resource: secretArn }],
  });
}

/** An inline policy: `actions` on the join-token secret, nothing else (the ARN is a Terraform reference). */
export function joinTokenPolicy(secretArn: string, actions: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'JoinToken', Effect: 'Allow', Action: [...actions], Resource: secretArn }],
  });
}

/**
 * The role's second inline policy: ec2:DescribeInstances, in the cluster's region only.
 * `Resource` must be `*`: DescribeInstances has no resource type in the Service Authorization
 * Reference (docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html,
 * "Actions defined by Amazon EC2": an action with an empty "Resource types" column takes "*"), and
 * the EC2 User Guide says ec2:Describe* actions support no resource-level permissions. The region
 * is the one narrowing left: the global condition key aws:RequestedRegion (IAM User Guide, "AWS
 * global condition context keys"), since every AWS node of the cluster is in its region.
 */
export function describeInstancesPolicy(region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DescribeInstancesForNodeGc', Effect: 'Allow', Action: DESCRIBE_INSTANCES_ACTION, Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': region } } },
    ],
  });
}
