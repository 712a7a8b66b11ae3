/**
 * gcp: the control-plane key store. One Secret Manager secret holds the bundle; one
 * service account, attached to the cluster's GCP control planes (lib/nodes/gcp.ts), may
 * read that secret and no other (docs/decisions/0003-control-plane-keys-from-the-cloud.md),
 * and, for cast-node-gc, the project's Compute Engine instances. A second secret holds the
 * cluster's current join token (docs/decisions/0006-join-tokens-from-the-cloud.md): the control
 * planes write and read it, and a second service account, attached to the GCP workers (static
 * and autoscaled), reads it and nothing else.
 *
 *   google_service_account               <name>-cp-<hex>                    the control planes' identity
 *   google_service_account               <name>-wk-<hex>                    the workers' identity
 *   google_secret_manager_secret         <name>-control-plane-keys-<hex>    automatic replication
 *   google_secret_manager_secret_version secret_data = the bundle           (state: sensitive)
 *   google_secret_manager_secret_iam_member  roles/secretmanager.secretAccessor on that secret, to the control planes
 *   google_project_iam_member            roles/compute.viewer on the project, only for instances (a condition)
 *   google_secret_manager_secret         <name>-join-token-<hex>            automatic replication, NO version
 *   google_secret_manager_secret_iam_member  on the join-token secret: secretAccessor and secretVersionManager
 *                                        to the control planes, secretAccessor to the workers
 *
 * The join-token secret is created empty: the founding control plane adds its first version and
 * every control plane adds one when it rotates the token (castmesh/keys_gcp.py,
 * write_join_token). A version managed by Terraform would be the wrong value after the first
 * rotation, and Terraform would put it back (or make a new one) at the next apply. So nothing in
 * Terraform state holds the token, and the token is never in the synthesized JSON.
 *
 * Grants on the join-token secret, each on that one secret (the lowest resource either role can
 * be granted on; Secret Manager, "Access control with IAM", cloud.google.com/secret-manager/docs/access-control):
 *   - secretAccessor ("Allows accessing the payload of secrets": secretmanager.versions.access),
 *     to both accounts: nodes read versions/latest;
 *   - secretVersionManager ("Allows creating and managing versions of existing secrets":
 *     secretmanager.versions.add, .destroy, .disable, .enable, .get, .list; same page), to the
 *     control planes only: a rotation adds a version, lists the enabled ones and destroys all but
 *     the newest two (every enabled or disabled version is billed per month: Secret Manager
 *     pricing, cloud.google.com/secret-manager/pricing). It does not include access, hence both.
 * The workers' account holds nothing else: not the bundle, not Compute Engine.
 *
 * The last is for cast-node-gc (castmesh/inventory_gcp.py), which asks Compute Engine whether a
 * Node's instance still exists (instances.get, which needs compute.instances.get: Compute Engine
 * REST v1 instances/get, "IAM Permissions"). Two ways to hold that permission alone, or nearly:
 *   - a custom role with only compute.instances.get (google_project_iam_custom_role): whoever
 *     deploys then also needs iam.roles.create and iam.roles.delete (Role Administrator), and a
 *     deleted role's id stays taken for weeks (undeletable for 7 days, then 30 days of permanent
 *     deletion: IAM, "Create and manage custom roles"), so the id would need its own random suffix;
 *   - the predefined Compute Viewer (roles/compute.viewer: "Read-only access to get and list
 *     Compute Engine resources, without being able to read the data stored on them", Compute
 *     Engine IAM roles, cloud.google.com/compute/docs/access/iam) with an IAM condition on the
 *     binding, `resource.type == "compute.googleapis.com/Instance"`: a condition on resource
 *     attributes grants "a subset of the role's permissions based on the resource service,
 *     resource type, and resource name", and Compute Engine instances are among the resource
 *     types that support it (IAM, "Resource attributes for IAM Conditions",
 *     cloud.google.com/iam/docs/conditions-resource-attributes; "Configure resource-based
 *     access", cloud.google.com/iam/docs/configuring-resource-based-access).
 * This uses the second: it needs nothing beyond what any project-level binding needs, and what it
 * lets the account read is close to the custom role's: instances and no other kind of resource.
 * Left unconditioned, Compute Viewer would read every Compute Engine resource's configuration in
 * the project (networks, firewalls, disks, images, snapshots, instance templates and their
 * metadata, the project's common metadata with its SSH keys). With the condition, the account
 * still reads, for EVERY instance in the project (this cluster's and any other), what Compute
 * Viewer allows on an instance: its configuration through instances.get, metadata included
 * (user-data and startup scripts of other VMs), and whatever other instance-level reads the
 * role holds (its permission list is on the Compute Engine IAM roles page). instances.list is
 * checked on the project, not an instance, so the condition denies it. Narrowing further by
 * instance name (resource.name) would need every node's name here, and static nodes may be
 * named freely (NodeGroup nodeNames). The backend asks only for `name,status` (`fields`), so
 * other VMs' metadata does not reach the node in practice; the grant allows more.
 *
 * A project-level binding needs resourcemanager.projects.setIamPolicy (Project IAM Admin,
 * roles/resourcemanager.projectIamAdmin) for whoever deploys, which the secret's own binding did
 * not. IAM is eventually consistent: until the binding is in effect Compute Engine answers 403,
 * which the backend reads as 'unknown', so nothing is deleted meanwhile and control planes do
 * not wait for the binding.
 *
 * The project must have the Secret Manager API (secretmanager.googleapis.com) enabled before
 * the first apply: "Before you begin using Secret Manager, you must enable API access"
 * (Secret Manager, "Accessing the API", cloud.google.com/secret-manager/docs/accessing-the-api;
 * `gcloud services enable secretmanager.googleapis.com`). The library does not enable it: a
 * google_project_service needs the Service Usage Admin role, and destroying it would switch
 * the API off for everything else in the project.
 *
 * Names: `<hex>` is a random_id in Terraform state (8 hex digits), so two deployments of a
 * cluster of the same name in one project get different service accounts and secrets, and a
 * synth never changes them. Secret Manager has no recovery window for a deleted secret (REST
 * projects.secrets.delete); only the destruction of a version can be delayed, when the secret
 * opts in with version_destroy_ttl, which this one does not ("Delay destruction of secret
 * versions", cloud.google.com/secret-manager/docs/delay-destruction-of-secret-versions). A
 * deleted service account stays undeletable for 30 days (IAM REST projects.serviceAccounts.delete).
 * Neither blocks a re-deploy: a destroy removes the random_id as well, and the next apply
 * draws another suffix, so the new account and secret never reuse the old names.
 */
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Id } from '@cdktf/provider-random/lib/id';
import { Construct } from 'constructs';
import { JoinTokenSource } from '../core/bootstrap/node-bootstrap-input';
import { labelMap } from '../core/cluster-labels';
import { JoinTokenStore, KeyStoreBuilder, KeyStoreSpec } from './key-store-spec';

/**
 * Reads a secret's payload (secretmanager.versions.access) and nothing more; the lowest
 * resource it can be granted on is one secret (Secret Manager, "Access control with IAM",
 * cloud.google.com/secret-manager/docs/access-control).
 */
export const SECRET_ACCESSOR_ROLE = 'roles/secretmanager.secretAccessor';

/**
 * Adds, lists and destroys a secret's versions (secretmanager.versions.add, .list, .destroy,
 * and .get, .enable, .disable), without reading their payload; grantable on one secret (Secret
 * Manager, "Access control with IAM"). The control planes' rotation of the join token.
 */
export const SECRET_VERSION_MANAGER_ROLE = 'roles/secretmanager.secretVersionManager';

/** Read-only Compute Engine access; with INSTANCES_ONLY, cast-node-gc's compute.instances.get (see the file's header). */
export const COMPUTE_VIEWER_ROLE = 'roles/compute.viewer';

/** The condition that narrows COMPUTE_VIEWER_ROLE to Compute Engine instances (IAM, "Resource attributes for IAM Conditions"). */
export const INSTANCES_ONLY = 'resource.type == "compute.googleapis.com/Instance"';

// A service account id is 6-30 characters, [a-z]([-a-z0-9]*[a-z0-9]) (hashicorp/google 6.50.0
// google_service_account.account_id, ValidateRFC1035Name(6, 30)): up to 15 characters of the
// cluster name (which starts with a letter), "-cp-" (control planes) or "-wk-" (workers) and the
// 8 hex digits: 13 to 27 characters.
const ACCOUNT_NAME_PART = 15;

export const buildKeyStore: KeyStoreBuilder = (scope, spec) => {
  const suffix = new Id(scope, 'suffix', { provider: spec.randomProvider, byteLength: 4 }).hex;
  const namePart = spec.clusterName.slice(0, ACCOUNT_NAME_PART).replace(/-+$/, '');

  const account = new ServiceAccount(scope, 'control-planes', {
    provider: spec.provider,
    accountId: `${namePart}-cp-${suffix}`,
    displayName: `${spec.clusterName} control planes`,
    description: `Control planes of the cast cluster ${spec.clusterName} (${spec.clusterUuid}): reads their CA keys from Secret Manager.`,
  });

  // A secret id is up to 255 letters, digits, '-' and '_', unique in the project
  // (Secret Manager REST projects.secrets.create, secretId).
  const secret = new SecretManagerSecret(scope, 'secret', {
    provider: spec.provider,
    secretId: `${spec.clusterName}-control-plane-keys-${suffix}`,
    // Google chooses the regions: the bundle is small, and control planes in any region read it.
    replication: { auto: {} },
    labels: labelMap(spec.labels),
  });

  // secret_data is ForceNew (hashicorp/google 6.50.0): a new bundle is a new version, and
  // the old one is destroyed (deletion_policy DELETE, the default).
  const version = new SecretManagerSecretVersion(scope, 'bundle', {
    provider: spec.provider,
    secret: secret.id,
    secretData: spec.bundle,
  });

  // On this one secret, not the project: the account reads the cluster's keys and no other secret.
  const grant = new SecretManagerSecretIamMember(scope, 'control-planes-read', {
    provider: spec.provider,
    project: secret.project,
    secretId: secret.secretId,
    role: SECRET_ACCESSOR_ROLE,
    member: account.member,
  });

  // cast-node-gc's read of Compute Engine instances (the file's header says why this role and
  // condition). Not a dependency of the control planes: until it is in effect, the answer is 403
  // and cast-node-gc deletes nothing.
  new ProjectIamMember(scope, 'control-planes-inventory', {
    provider: spec.provider,
    project: account.project,
    role: COMPUTE_VIEWER_ROLE,
    member: account.member,
    condition: {
      title: 'cast-node-gc instances only',
      description: `cast-node-gc on the control planes of ${spec.clusterName} reads whether a Node's instance exists (compute.instances.get).`,
      expression: INSTANCES_ONLY,
    },
  });

  const joinToken = buildJoinTokenStore(scope, spec, { namePart, suffix, controlPlanes: account });

  return {
    source: {
      store: 'gcp-secret-manager',
      // `latest`, not the version's own name (projects/<number>/secrets/<id>/versions/<n>, its
      // `name`): "projects/*/secrets/*/versions/latest is an alias to the most recently created
      // SecretVersion" (Secret Manager REST projects.secrets.versions.access). A pinned version
      // would change with every new bundle, and with it node.env in every control plane's
      // user-data; the secret's name never does. A control plane only reads at its first boot.
      secretVersion: `${secret.name}/versions/latest`,
    },
    identity: { gcpServiceAccountEmail: account.email },
    // A control plane writes the join token right after it founds the cluster: it is created
    // after its grants on that secret as well (IAM may still take a while to apply them; the
    // writer retries a 403).
    dependencies: [version, grant, ...joinToken.grants],
    joinToken: joinToken.store,
  };
};

/**
 * The join-token secret (created with no version), the workers' service account, and the grants
 * on that secret (the file's header says which and why).
 */
function buildJoinTokenStore(
  scope: Construct,
  spec: KeyStoreSpec,
  names: { namePart: string; suffix: string; controlPlanes: ServiceAccount },
): { store: JoinTokenStore; grants: SecretManagerSecretIamMember[] } {
  const workers = new ServiceAccount(scope, 'workers', {
    provider: spec.provider,
    accountId: `${names.namePart}-wk-${names.suffix}`,
    displayName: `${spec.clusterName} workers`,
    description: `Workers of the cast cluster ${spec.clusterName} (${spec.clusterUuid}): read the cluster's join token from Secret Manager.`,
  });

  // No google_secret_manager_secret_version: the control planes write every version.
  const secret = new SecretManagerSecret(scope, 'join-token', {
    provider: spec.provider,
    secretId: `${spec.clusterName}-join-token-${names.suffix}`,
    // As the bundle's: the token is small and nodes in any region read it.
    replication: { auto: {} },
    labels: labelMap(spec.labels),
  });

  const grant = (id: string, role: string, member: string) =>
    new SecretManagerSecretIamMember(scope, id, { provider: spec.provider, project: secret.project, secretId: secret.secretId, role, member });
  const controlPlaneGrants = [
    grant('control-planes-join-token-read', SECRET_ACCESSOR_ROLE, names.controlPlanes.member),
    grant('control-planes-join-token-write', SECRET_VERSION_MANAGER_ROLE, names.controlPlanes.member),
  ];
  // Workers do not wait for theirs: a booting worker retries a 403 (castmesh/keys_gcp.py).
  grant('workers-join-token-read', SECRET_ACCESSOR_ROLE, workers.member);

  // `latest`, as for the bundle: the newest version, whichever control plane wrote it.
  const latest: JoinTokenSource = { store: 'gcp-secret-manager', secretVersion: `${secret.name}/versions/latest` };
  return {
    store: { controlPlane: latest, worker: latest, workerIdentity: { gcpServiceAccountEmail: workers.email } },
    grants: controlPlaneGrants,
  };
}
