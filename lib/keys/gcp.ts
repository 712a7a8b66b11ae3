/**
 * gcp: the control-plane key store. One Secret Manager secret holds the bundle; one
 * service account, attached to the cluster's GCP control planes (lib/nodes/gcp.ts), may
 * read that secret and nothing else (docs/decisions/0003-control-plane-keys-from-the-cloud.md).
 *
 *   google_service_account               <name>-cp-<hex>                    the control planes' identity
 *   google_secret_manager_secret         <name>-control-plane-keys-<hex>    automatic replication
 *   google_secret_manager_secret_version secret_data = the bundle           (state: sensitive)
 *   google_secret_manager_secret_iam_member  roles/secretmanager.secretAccessor on that secret, to that account
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
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Id } from '@cdktf/provider-random/lib/id';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { labelMap } from '../core/cluster-labels';
import { KeyStoreBuilder } from './key-store-spec';

/**
 * Reads a secret's payload (secretmanager.versions.access) and nothing more; the lowest
 * resource it can be granted on is one secret (Secret Manager, "Access control with IAM",
 * cloud.google.com/secret-manager/docs/access-control).
 */
export const SECRET_ACCESSOR_ROLE = 'roles/secretmanager.secretAccessor';

// A service account id is 6-30 characters, [a-z]([-a-z0-9]*[a-z0-9]) (hashicorp/google 6.50.0
// google_service_account.account_id, ValidateRFC1035Name(6, 30)): up to 15 characters of the
// cluster name (which starts with a letter), "-cp-" and the 8 hex digits: 13 to 27 characters.
const ACCOUNT_NAME_PART = 15;

export const buildKeyStore: KeyStoreBuilder = (scope, spec) => {
  const random = new RandomProvider(scope, 'provider-random', { alias: `${spec.clusterName.replace(/-/g, '_')}_gcp_keys_random` });
  const suffix = new Id(scope, 'suffix', { provider: random, byteLength: 4 }).hex;
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
    dependencies: [version, grant],
  };
};
