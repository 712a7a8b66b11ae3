/**
 * Where every stack of the app keeps its Terraform state: one remote backend for the whole app,
 * one state per stack.
 *
 * The cluster's stack holds the CA keys, the service-account key, the join token and the admin
 * kubeconfig in its state, and every in-cluster stack holds that kubeconfig too (a
 * terraform_remote_state result is stored in the reader's state). cdktf's default is a local
 * file per stack (`terraform.<stack>.tfstate`), in clear on the machine that deployed, with no
 * locking between two deploys. A remote backend keeps it encrypted at rest, locked, and shared.
 *
 * Why a construct made once, last, rather than an Aspect: cdktf gives every stack without a
 * backend a LocalBackend when it prepares the stack, before any Aspect runs (cdktf
 * TerraformStack.prepareStack, StackSynthesizer.synthesize), so a backend must be in place
 * before `app.synth()`. The in-cluster stacks read the cluster stack's state through a remote
 * state made at synth (lib/cluster/in-cluster-connection.ts), so they read whatever backend the
 * cluster stack has by then: this one.
 *
 * ```
 *   new CastBackend(app, 'state', { s3: { bucket, region } })     after the last stack
 *     platform             ─► s3://bucket/platform.tfstate              (use_lockfile)
 *     platform-in-cluster  ─► s3://bucket/platform-in-cluster.tfstate
 *                              └─ terraform_remote_state "s3" { key = "platform.tfstate", … }
 * ```
 */
import { App, AzurermBackend, CloudBackend, GcsBackend, NamedCloudWorkspace, S3Backend, S3BackendConfig, TerraformBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { throwProblems } from '../private/validation-error';

/** A state per stack in one S3 bucket, locked with S3's own lock file. */
export interface S3StateOptions {
  /**
   * The bucket (it must exist). Turn on its versioning, so an overwritten state can be
   * recovered (Terraform's S3 backend documentation recommends it).
   */
  readonly bucket: string;
  /** The bucket's region, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * Prefix of every stack's key: a stack's state is `<keyPrefix><stack id>.tfstate`.
   * @default '' (the key is `<stack id>.tfstate`)
   */
  readonly keyPrefix?: string;
  /**
   * ARN of a KMS key to encrypt the state objects with.
   * @default - SSE-S3 (the backend's `encrypt`, always on)
   */
  readonly kmsKeyId?: string;
  /**
   * URL of an S3-compatible store (MinIO, Ceph, a cloud's S3 API) instead of Amazon S3. The
   * backend then addresses buckets by path and skips the calls such a store does not answer
   * (AWS STS for the account id, the region list, EC2's metadata service for credentials).
   * @default - Amazon S3
   */
  readonly endpoint?: string;
}

/** A state per stack in one Google Cloud Storage bucket (GCS locks the state itself). */
export interface GcsStateOptions {
  /** The bucket (it must exist; object versioning recommended). */
  readonly bucket: string;
  /**
   * Prefix of every stack's folder: a stack's state is `<prefix><stack id>/default.tfstate`.
   * @default '' (the folder is `<stack id>/`)
   */
  readonly prefix?: string;
}

/** A state per stack in one Azure Blob Storage container (Azure locks the blob with a lease). */
export interface AzurermStateOptions {
  /** The storage account (it must exist). */
  readonly storageAccountName: string;
  /** The container in it (it must exist). */
  readonly containerName: string;
  /**
   * The account's resource group: needed only to look up the account key, when
   * `useAzureadAuth` is false and no key or SAS token is in the environment.
   * @default - none
   */
  readonly resourceGroupName?: string;
  /**
   * Prefix of every stack's blob: a stack's state is `<keyPrefix><stack id>.tfstate`.
   * @default '' (the blob is `<stack id>.tfstate`)
   */
  readonly keyPrefix?: string;
  /**
   * Reach the blobs with your Microsoft Entra ID identity (a data-plane role such as
   * Storage Blob Data Contributor on the container) rather than the account key.
   * @default true
   */
  readonly useAzureadAuth?: boolean;
}

/** A workspace per stack in HCP Terraform (or Terraform Enterprise), which locks and encrypts the state. */
export interface HcpTerraformStateOptions {
  /** The organization. */
  readonly organization: string;
  /**
   * Prefix of every stack's workspace: a stack's workspace is `<workspacePrefix><stack id>`.
   * The in-cluster stacks read the cluster stack's outputs, so let the cluster's workspace
   * share its state with them (workspace settings, "Remote state sharing").
   * @default '' (the workspace is named after the stack)
   */
  readonly workspacePrefix?: string;
  /**
   * The host, for Terraform Enterprise.
   * @default 'app.terraform.io'
   */
  readonly hostname?: string;
  /**
   * The HCP Terraform project the workspaces are created in.
   * @default - the organization's default project
   */
  readonly project?: string;
}

/**
 * Where the states go: exactly one of the four. Credentials come from each backend's usual
 * environment (`AWS_PROFILE`, `GOOGLE_CREDENTIALS`, `ARM_*` or `az login`,
 * `TF_TOKEN_app_terraform_io` or `terraform login`), never from props, since the backend
 * block is written into every stack's `cdk.tf.json`.
 */
export interface CastBackendProps {
  /**
   * S3, locked with `use_lockfile` (Terraform 1.10 or later).
   * @default - not S3
   */
  readonly s3?: S3StateOptions;
  /**
   * Google Cloud Storage.
   * @default - not GCS
   */
  readonly gcs?: GcsStateOptions;
  /**
   * Azure Blob Storage.
   * @default - not azurerm
   */
  readonly azurerm?: AzurermStateOptions;
  /**
   * HCP Terraform (the `cloud` block).
   * @default - not HCP Terraform
   */
  readonly hcpTerraform?: HcpTerraformStateOptions;
}

/**
 * Puts every stack of the app on one remote backend, one state per stack (the stack's id names
 * its key, folder or workspace), and the in-cluster stacks' reads of the cluster stack's state
 * on the same backend.
 *
 * Create it in the App after the last stack and before `app.synth()`. A stack that already has
 * a backend, or that appears after it, stops the synth with a message.
 */
export class CastBackend extends Construct {
  /** The stacks it configured, in the app's order. */
  public readonly stacks: TerraformStack[];

  constructor(scope: Construct, id: string, props: CastBackendProps) {
    super(scope, id);
    const app = App.of(scope);
    const chosen = (['s3', 'gcs', 'azurerm', 'hcpTerraform'] as const).filter((kind) => props[kind] !== undefined);
    const stacks = app.node.findAll().filter(TerraformStack.isStack);
    throwProblems(this, [
      ...(chosen.length === 1 ? [] : [
        `props must name exactly one backend: s3, gcs, azurerm or hcpTerraform (got ${chosen.length === 0 ? 'none' : chosen.join(', ')}). Keep the one your state should live in.`,
      ]),
      ...(scope === app ? [] : [`scope must be the App, whose every stack it configures (got ${scope.node.path}). Pass the app.`]),
      ...(stacks.length > 0 ? [] : ['must come after the stacks it configures (got an app without stacks). Create it after the last stack, before app.synth().']),
      ...stacks.flatMap((stack) => backendsOf(stack).map((backend) => (
        `stack ${stack.node.path} must not have a backend of its own (got ${backendName(backend)}). Remove it: CastBackend gives every stack its state.`
      ))),
      ...problemsOf(props),
    ]);
    this.stacks = stacks;
    for (const stack of stacks) addBackend(stack, props);

    // A stack made after this one would keep its state in a local file without a word.
    app.node.addValidation({
      validate: () => {
        const late = app.node.findAll().filter(TerraformStack.isStack).filter((stack) => !this.stacks.includes(stack));
        throwProblems(this, late.map((stack) => (
          `must come after every stack (got ${stack.node.path}, created after it, which would keep its state in a local file). Create the CastBackend after the last stack.`
        )));
        return [];
      },
    });
  }
}

/** The backends already in `stack`. */
function backendsOf(stack: TerraformStack): TerraformBackend[] {
  return stack.node.findAll().filter(TerraformBackend.isBackend) as TerraformBackend[];
}

function backendName(backend: TerraformBackend): string {
  return `${backend.constructor.name} ${backend.node.path}`;
}

function problemsOf(props: CastBackendProps): string[] {
  const problems: string[] = [];
  const blank = (what: string, value: string | undefined) => {
    if (value !== undefined && value.trim() === '') problems.push(`${what} must not be empty (got ""). Name it, or leave the prop out.`);
  };
  blank('s3.bucket', props.s3?.bucket);
  blank('s3.region', props.s3?.region);
  if (props.s3?.endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(props.s3.endpoint)) {
    problems.push(`s3.endpoint must be an http(s) URL (got ${JSON.stringify(props.s3.endpoint)}). Give the store's S3 API URL, e.g. https://minio.example.com:9000.`);
  }
  blank('gcs.bucket', props.gcs?.bucket);
  blank('azurerm.storageAccountName', props.azurerm?.storageAccountName);
  blank('azurerm.containerName', props.azurerm?.containerName);
  blank('hcpTerraform.organization', props.hcpTerraform?.organization);
  return problems;
}

function addBackend(stack: TerraformStack, props: CastBackendProps): void {
  const name = stack.node.id;
  if (props.s3) {
    // Terraform 1.10 added S3's own locking (a `<key>.tflock` object written with a conditional
    // PUT) and deprecated the DynamoDB table (developer.hashicorp.com/terraform/language/backend/s3,
    // "State Locking"). cdktf 0.21's S3BackendConfig predates `use_lockfile`; S3Backend writes
    // its props as they are, snake-cased, into the backend block and into the remote state the
    // in-cluster stacks read, so both carry it.
    const config: S3BackendConfig & { readonly useLockfile: boolean } = {
      bucket: props.s3.bucket,
      region: props.s3.region,
      key: `${props.s3.keyPrefix ?? ''}${name}.tfstate`,
      encrypt: true,
      ...(props.s3.kmsKeyId !== undefined ? { kmsKeyId: props.s3.kmsKeyId } : {}),
      ...(props.s3.endpoint !== undefined ? s3CompatibleStore(props.s3.endpoint) : {}),
      useLockfile: true,
    };
    new S3Backend(stack, config);
  } else if (props.gcs) {
    new GcsBackend(stack, { bucket: props.gcs.bucket, prefix: `${props.gcs.prefix ?? ''}${name}` });
  } else if (props.azurerm) {
    new AzurermBackend(stack, {
      storageAccountName: props.azurerm.storageAccountName,
      containerName: props.azurerm.containerName,
      key: `${props.azurerm.keyPrefix ?? ''}${name}.tfstate`,
      ...(props.azurerm.resourceGroupName !== undefined ? { resourceGroupName: props.azurerm.resourceGroupName } : {}),
      useAzureadAuth: props.azurerm.useAzureadAuth ?? true,
    });
  } else if (props.hcpTerraform) {
    new CloudBackend(stack, {
      organization: props.hcpTerraform.organization,
      ...(props.hcpTerraform.hostname !== undefined ? { hostname: props.hcpTerraform.hostname } : {}),
      workspaces: new NamedCloudWorkspace(`${props.hcpTerraform.workspacePrefix ?? ''}${name}`, props.hcpTerraform.project),
    });
  }
}

/**
 * The settings of an S3-compatible store: its URL for the S3 API, path-style bucket addresses,
 * and none of the AWS-only calls the backend makes before it reads the state (Terraform's S3
 * backend documentation: `endpoints.s3`, `use_path_style`, `skip_credentials_validation`,
 * `skip_requesting_account_id`, `skip_region_validation`, `skip_metadata_api_check`).
 */
function s3CompatibleStore(endpoint: string): Partial<S3BackendConfig> {
  return {
    endpoints: { s3: endpoint },
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipRegionValidation: true,
    skipMetadataApiCheck: true,
  };
}
